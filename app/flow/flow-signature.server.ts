import { createHmac, timingSafeEqual } from "node:crypto";

/** The header Flow signs action requests with (as webhooks): base64 HMAC-SHA256 of the raw body with the app's client secret. */
export const FLOW_HMAC_HEADER = "X-Shopify-Hmac-Sha256";

export function flowSignature(rawBody: string, secret: string): string {
  return createHmac("sha256", secret).update(rawBody, "utf8").digest("base64");
}

/**
 * Checks a Flow request's signature. authenticate.flow checks it too, but
 * answers a bad one with 400, which Flow would take for a bad payload; a
 * forged or mis-signed request is answered 401 first (docs/decisions/0029).
 */
export function isValidFlowSignature(rawBody: string, header: string | null, secret: string): boolean {
  if (!header || rawBody.length === 0) return false;
  const expected = Buffer.from(flowSignature(rawBody, secret), "base64");
  const given = Buffer.from(header, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
