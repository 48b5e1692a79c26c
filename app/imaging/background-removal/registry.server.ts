import type { PrismaClient } from "@prisma/client";
import { DEFAULT_BASE_URLS, PROVIDER_LABELS } from "../../credentials/credential-form";
import { loadProviderConfig } from "../../credentials/credentials.server";
import type { FetchLike } from "../../providers/provider";
import { ProviderNotConfiguredError, providerFetch } from "../../providers/registry.server";
import type { BackgroundRemover, RemovalProviderId } from "./background-remover";
import { createFalBirefnetRemover } from "./fal-birefnet.server";
import { createPhotoroomRemover } from "./photoroom.server";
import { createRemovebgRemover } from "./removebg.server";

/**
 * The one place production code gets a background remover for a shop: the
 * shop's decrypted key (fal BiRefNet uses the fal key), the policy-enforcing
 * fetch, the timeout. Built per call and not cached, like the generation
 * adapters, so a decrypted key lives only as long as the caller keeps it.
 */

/** A synchronous cut-out of a large photo can take a while at Photoroom and remove.bg. */
export const REMOVAL_API_TIMEOUT_MS = 60_000;

/** Whose stored key each remover uses. */
const CREDENTIAL_OF = { photoroom: "photoroom", removebg: "removebg", "fal-birefnet": "fal" } as const satisfies Record<RemovalProviderId, string>;

/** A remover from a key and an optional base URL (the providers' own APIs when absent); `fetch` defaults to the policy-enforcing one. */
export function removerFromConfig(id: RemovalProviderId, config: { apiKey: string; baseUrl?: string }, fetch: FetchLike = providerFetch()): BackgroundRemover {
  const providerConfig = { apiKey: config.apiKey, baseUrl: config.baseUrl ?? DEFAULT_BASE_URLS[CREDENTIAL_OF[id]] };
  const ctx = { fetch, timeoutMs: REMOVAL_API_TIMEOUT_MS };
  switch (id) {
    case "photoroom":
      return createPhotoroomRemover(providerConfig, ctx);
    case "removebg":
      return createRemovebgRemover(providerConfig, ctx);
    case "fal-birefnet":
      return createFalBirefnetRemover(providerConfig, ctx);
  }
}

/**
 * The shop's remover `id`. Throws ProviderNotConfiguredError (naming the
 * credential: "fal" for BiRefNet) when the shop has no key for it, and
 * SecretBoxError when the stored key cannot be decrypted.
 */
export async function backgroundRemoverForShop(db: PrismaClient, shopId: string, id: RemovalProviderId): Promise<BackgroundRemover> {
  const credential = CREDENTIAL_OF[id];
  const config = await loadProviderConfig(db, shopId, credential);
  if (!config) {
    const label = PROVIDER_LABELS[credential];
    const uses = id === "fal-birefnet" ? "Background removal with BiRefNet runs on fal, and no fal API key" : `No ${label} API key`;
    throw new ProviderNotConfiguredError(credential, `${uses} is set up for this shop: add it in Settings → ${label}, then resume production.`);
  }
  return removerFromConfig(id, config);
}
