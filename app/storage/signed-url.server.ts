import { createHmac, timingSafeEqual } from "node:crypto";
import { env } from "../config/env";
import { parseAssetKey } from "./asset-store";

/**
 * Short-lived public URLs for stored assets, for providers that fetch model
 * reference images and sources themselves: `/files/<key>?expires=…&sig=…`,
 * HMAC-SHA256 with the app secret. The signature is the URL's only
 * authentication, so it covers the key and the expiry.
 */

export const DEFAULT_URL_LIFETIME_SECONDS = 3600;
/** A week at most: providers fetch within minutes, and a leaked URL should not live long. */
export const MAX_URL_LIFETIME_SECONDS = 7 * 24 * 3600;

// Domain separation: the same secret also signs Shopify webhooks and session tokens.
const PURPOSE = "shotlane-asset-url-v1";

function signature(key: string, expires: number, secret: string): string {
  return createHmac("sha256", secret).update(`${PURPOSE}\n${key}\n${expires}`).digest("base64url");
}

export interface SignOptions {
  expiresInSeconds?: number;
  /** Milliseconds since the epoch; tests pass a fixed clock. */
  now?: number;
  secret?: string;
  appUrl?: string;
}

export function signedAssetUrl(key: string, options: SignOptions = {}): string {
  parseAssetKey(key);
  const lifetime = options.expiresInSeconds ?? DEFAULT_URL_LIFETIME_SECONDS;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_URL_LIFETIME_SECONDS) {
    throw new RangeError(`expiresInSeconds must be a whole number from 1 to ${MAX_URL_LIFETIME_SECONDS}`);
  }
  const expires = Math.floor((options.now ?? Date.now()) / 1000) + lifetime;
  const base = (options.appUrl ?? env().SHOPIFY_APP_URL).replace(/\/+$/, "");
  const sig = signature(key, expires, options.secret ?? env().SHOPIFY_API_SECRET);
  return `${base}/files/${key}?expires=${expires}&sig=${sig}`;
}

export type SignatureCheck = { ok: true; expiresAt: number } | { ok: false; reason: "invalid" | "expired" };

/** Checks a URL's expiry and signature (constant-time compare); `expiresAt` is in seconds since the epoch. */
export function verifyAssetSignature(key: string, expires: string | null, sig: string | null, options: { now?: number; secret?: string } = {}): SignatureCheck {
  if (!expires || !/^\d{1,12}$/.test(expires) || !sig) return { ok: false, reason: "invalid" };
  const expected = Buffer.from(signature(key, Number(expires), options.secret ?? env().SHOPIFY_API_SECRET));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "invalid" };
  if (Number(expires) * 1000 <= (options.now ?? Date.now())) return { ok: false, reason: "expired" };
  return { ok: true, expiresAt: Number(expires) };
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  mp4: "video/mp4",
  mov: "video/quicktime",
};

/** Keys carry the extension the bytes were sniffed as when stored. */
export function contentTypeForKey(key: string): string {
  return CONTENT_TYPES[parseAssetKey(key).extension] ?? "application/octet-stream";
}
