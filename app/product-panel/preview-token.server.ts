import { createHmac, randomUUID } from "node:crypto";

/**
 * An ID token as the Shopify admin attaches to an extension's fetch: an
 * HS256 JWT signed with the app's client secret, for one staff member (sub)
 * of one shop (iss, dest), addressed to the app (aud), valid for a minute.
 * Only the demo's extension preview signs these (no admin runs there), so
 * the endpoints' real authenticate.admin path verifies them.
 */
export function signIdToken(input: { shop: string; apiKey: string; secret: string; sub: string; now?: number; lifetimeSeconds?: number }): string {
  const now = Math.floor((input.now ?? Date.now()) / 1000);
  const claims = {
    iss: `https://${input.shop}/admin`,
    dest: `https://${input.shop}`,
    aud: input.apiKey,
    sub: input.sub,
    exp: now + (input.lifetimeSeconds ?? 60),
    nbf: now - 5,
    iat: now,
    jti: randomUUID(),
    sid: randomUUID(),
  };
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${encode({ alg: "HS256", typ: "JWT" })}.${encode(claims)}`;
  return `${unsigned}.${createHmac("sha256", input.secret).update(unsigned).digest("base64url")}`;
}
