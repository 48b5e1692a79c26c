/** The background-removal providers' ids: pure, so forms in the browser can list them (the adapters are server-only). */
export type RemovalProviderId = "photoroom" | "removebg" | "fal-birefnet";

export const REMOVAL_PROVIDER_IDS: readonly RemovalProviderId[] = ["photoroom", "removebg", "fal-birefnet"];
