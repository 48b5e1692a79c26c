import { z } from "zod";
import type { ProviderId } from "../providers/provider";

/**
 * The provider-credential form, parsed without I/O: which fields are wrong and
 * what to do about each, or the values to store. Messages never echo what was
 * typed, since what was typed may be a key.
 */

/** Generation providers a merchant configures with their own account; the demo provider needs none. */
export const CREDENTIAL_PROVIDERS = ["fashn", "fal", "replicate", "comfyui", "runway"] as const satisfies readonly ProviderId[];

/** Background-removal services with keys of their own (issue #5); BiRefNet runs on fal with the fal key. */
export const REMOVAL_CREDENTIAL_PROVIDERS = ["photoroom", "removebg"] as const;

/** Every provider a shop can store a key for. */
export const ALL_CREDENTIAL_PROVIDERS = [...CREDENTIAL_PROVIDERS, ...REMOVAL_CREDENTIAL_PROVIDERS] as const;
export type CredentialProvider = (typeof ALL_CREDENTIAL_PROVIDERS)[number];

export const PROVIDER_LABELS: Record<CredentialProvider, string> = { fashn: "FASHN", fal: "fal", replicate: "Replicate", comfyui: "ComfyUI", runway: "Runway", photoroom: "Photoroom", removebg: "remove.bg" };

/** The providers' production API roots; ComfyUI is self-hosted, so it has none. */
export const DEFAULT_BASE_URLS: Record<Exclude<CredentialProvider, "comfyui">, string> = {
  fashn: "https://api.fashn.ai/v1",
  fal: "https://queue.fal.run",
  replicate: "https://api.replicate.com/v1",
  runway: "https://api.dev.runwayml.com",
  photoroom: "https://sdk.photoroom.com/v1",
  removebg: "https://api.remove.bg/v1.0",
};

export function isCredentialProvider(value: unknown): value is CredentialProvider {
  return typeof value === "string" && (ALL_CREDENTIAL_PROVIDERS as readonly string[]).includes(value);
}

/** The key's last four characters, so the merchant can tell keys apart; "" for no key (ComfyUI without auth). */
export function keyHintOf(key: string): string {
  return key.slice(-4);
}

// Four shown characters must stay a small part of the key; real provider keys are far longer.
const MIN_KEY_LENGTH = 12;
const MAX_SECRET_LENGTH = 4096;
// Keys go into HTTP headers: whitespace or control characters inside mean a bad paste.
const HEADER_SAFE = /^[\x21-\x7e]*$/;
const WEBHOOK_SECRET = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

const text = z
  .string()
  .optional()
  .transform((value) => (value ?? "").trim());

const formSchema = z.object({
  provider: z.string({ error: "choose a provider" }),
  apiKey: text,
  baseUrl: text,
  webhookSecret: text,
});

export interface CredentialFormContext {
  /** Whether the shop already stores a key for this provider (an empty key field then keeps it). */
  hasStoredKey: boolean;
  /** Origins where http is accepted: the fetch allow-list (local doubles in tests and demo; empty in production). */
  httpAllowedOrigins: ReadonlySet<string>;
}

export interface CredentialChange {
  provider: CredentialProvider;
  /** null keeps the stored key. */
  apiKey: string | null;
  /** null means the provider's default production URL. */
  baseUrl: string | null;
  /** null keeps the stored secret (Replicate only). */
  webhookSecret: string | null;
}

export type CredentialFormResult = { ok: true; change: CredentialChange } | { ok: false; errors: Record<string, string> };

function checkSecret(value: string, what: string): string | undefined {
  if (value.length < MIN_KEY_LENGTH) return `${what} is too short to be a real key (at least ${MIN_KEY_LENGTH} characters): paste the whole key`;
  if (value.length > MAX_SECRET_LENGTH) return `${what} is longer than ${MAX_SECRET_LENGTH} characters: paste only the key`;
  if (!HEADER_SAFE.test(value)) return `${what} must not contain spaces, line breaks or accented characters: paste it again`;
  return undefined;
}

function checkBaseUrl(value: string, provider: CredentialProvider, context: CredentialFormContext): { url: string | null } | { error: string } {
  if (value === "") {
    return provider === "comfyui" ? { error: "enter your ComfyUI server's address, such as https://comfy.example.com" } : { url: null };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { error: "enter a full address starting with https://" };
  }
  if (url.username || url.password) return { error: "must not contain a user name or password: put the key in the API key field" };
  if (url.search || url.hash) return { error: "must not contain ? or #: enter only the API's root address" };
  if (url.protocol === "http:" && !context.httpAllowedOrigins.has(url.origin)) return { error: "must start with https:// (plain http is refused: keys would travel unencrypted)" };
  if (url.protocol !== "https:" && url.protocol !== "http:") return { error: "must start with https://" };
  return { url: `${url.origin}${url.pathname}`.replace(/\/+$/, "") };
}

/** Validates the whole form; nothing is stored unless every field is acceptable. */
export function parseCredentialForm(input: Record<string, unknown>, context: CredentialFormContext): CredentialFormResult {
  const parsed = formSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: { form: "the form could not be read: reload the page and try again" } };
  const { provider, apiKey, baseUrl, webhookSecret } = parsed.data;
  if (!isCredentialProvider(provider)) return { ok: false, errors: { provider: "choose FASHN, fal, Replicate, ComfyUI, Runway, Photoroom or remove.bg" } };
  const errors: Record<string, string> = {};

  // Plain ComfyUI has no authentication (a proxy in front may want a key), so only it may go without one.
  if (apiKey === "" && !context.hasStoredKey && provider !== "comfyui") errors.apiKey = `enter the API key from your ${PROVIDER_LABELS[provider]} account`;
  const keyProblem = apiKey === "" ? undefined : checkSecret(apiKey, "the API key");
  if (keyProblem) errors.apiKey = keyProblem;

  const base = checkBaseUrl(baseUrl, provider, context);
  if ("error" in base) errors.baseUrl = `the base URL ${base.error}`;

  if (webhookSecret !== "" && provider !== "replicate") errors.webhookSecret = "only Replicate uses a webhook secret: leave it empty";
  else if (webhookSecret !== "" && !WEBHOOK_SECRET.test(webhookSecret)) errors.webhookSecret = "the webhook secret must start with whsec_ (copy it from Replicate's webhook settings)";

  if (Object.keys(errors).length > 0 || "error" in base) return { ok: false, errors };
  return {
    ok: true,
    change: {
      provider,
      apiKey: apiKey === "" ? (context.hasStoredKey ? null : "") : apiKey,
      baseUrl: base.url,
      webhookSecret: webhookSecret === "" ? null : webhookSecret,
    },
  };
}
