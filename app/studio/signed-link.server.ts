import { createHmac, timingSafeEqual } from "node:crypto";
import { env } from "../config/env";

/**
 * Short-lived links for resource routes that a merchant opens in a new tab
 * from the embedded admin, where no session token comes along (a CSV
 * download, a printable page). The link carries the shop, an expiry and an
 * HMAC-SHA256 over both and the subject (what the link opens, e.g.
 * "shot-list-csv:<id>"); the signature is its only authentication.
 */

export const DEFAULT_LINK_LIFETIME_SECONDS = 3600;
/** A day at most: the page that mints a link is reloaded long before, and a forwarded link should die soon. */
export const MAX_LINK_LIFETIME_SECONDS = 24 * 3600;

// Domain separation: the same secret signs webhooks, session tokens and asset URLs.
const PURPOSE = "shotlane-signed-link-v1";

function signature(subject: string, shop: string, expires: number, secret: string): string {
  return createHmac("sha256", secret).update(`${PURPOSE}\n${subject}\n${shop}\n${expires}`).digest("base64url");
}

export interface LinkSignOptions {
  expiresInSeconds?: number;
  /** Milliseconds since the epoch; tests pass a fixed clock. */
  now?: number;
  secret?: string;
}

/** `shop=…&expires=…&sig=…` for the subject, to append to the route's path. */
export function signedLinkQuery(subject: string, shop: string, options: LinkSignOptions = {}): string {
  const lifetime = options.expiresInSeconds ?? DEFAULT_LINK_LIFETIME_SECONDS;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_LINK_LIFETIME_SECONDS) {
    throw new RangeError(`expiresInSeconds must be a whole number from 1 to ${MAX_LINK_LIFETIME_SECONDS}`);
  }
  const expires = Math.floor((options.now ?? Date.now()) / 1000) + lifetime;
  const sig = signature(subject, shop, expires, options.secret ?? env().SHOPIFY_API_SECRET);
  return new URLSearchParams({ shop, expires: String(expires), sig }).toString();
}

export type SignedLinkCheck = { ok: true; shop: string } | { ok: false; reason: "invalid" | "expired" };

/** Checks the link's signature (constant-time) and expiry; `shop` is the shop it was minted for. */
export function verifySignedLink(subject: string, params: URLSearchParams, options: { now?: number; secret?: string } = {}): SignedLinkCheck {
  const shop = params.get("shop");
  const expires = params.get("expires");
  const sig = params.get("sig");
  if (!shop || !expires || !/^\d{1,12}$/.test(expires) || !sig) return { ok: false, reason: "invalid" };
  const expected = Buffer.from(signature(subject, shop, Number(expires), options.secret ?? env().SHOPIFY_API_SECRET));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "invalid" };
  if (Number(expires) * 1000 <= (options.now ?? Date.now())) return { ok: false, reason: "expired" };
  return { ok: true, shop };
}
