import { describe, expect, it } from "vitest";
import { MAX_LINK_LIFETIME_SECONDS, signedLinkQuery, verifySignedLink } from "./signed-link.server";

const SECRET = "test-secret";
const NOW = Date.UTC(2026, 11, 7, 9, 0, 0);
const SHOP = "nord.myshopify.com";

describe("signed links", () => {
  const params = () => new URLSearchParams(signedLinkQuery("shot-list-csv:abc", SHOP, { secret: SECRET, now: NOW, expiresInSeconds: 600 }));

  it("carries the shop and an expiry and verifies until it expires", () => {
    expect(params().get("shop")).toBe(SHOP);
    expect(params().get("expires")).toBe(String(NOW / 1000 + 600));
    expect(verifySignedLink("shot-list-csv:abc", params(), { secret: SECRET, now: NOW + 599_000 })).toEqual({ ok: true, shop: SHOP });
    expect(verifySignedLink("shot-list-csv:abc", params(), { secret: SECRET, now: NOW + 600_000 })).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses another subject, shop, expiry, secret or signature, and missing fields", () => {
    const check = (subject: string, p: URLSearchParams, secret = SECRET) => verifySignedLink(subject, p, { secret, now: NOW });
    expect(check("shot-list-print:abc", params())).toEqual({ ok: false, reason: "invalid" });
    expect(check("shot-list-csv:abd", params())).toEqual({ ok: false, reason: "invalid" });
    expect(check("shot-list-csv:abc", params(), "other-secret")).toEqual({ ok: false, reason: "invalid" });
    for (const [name, value] of [["shop", "other.myshopify.com"], ["expires", String(NOW / 1000 + 6000)], ["sig", "AAAA"], ["expires", "soon"]]) {
      const p = params();
      p.set(name, value);
      expect(check("shot-list-csv:abc", p)).toEqual({ ok: false, reason: "invalid" });
    }
    for (const name of ["shop", "expires", "sig"]) {
      const p = params();
      p.delete(name);
      expect(check("shot-list-csv:abc", p)).toEqual({ ok: false, reason: "invalid" });
    }
  });

  it("refuses lifetimes outside 1 s to a day", () => {
    expect(() => signedLinkQuery("x", SHOP, { secret: SECRET, expiresInSeconds: 0 })).toThrow(RangeError);
    expect(() => signedLinkQuery("x", SHOP, { secret: SECRET, expiresInSeconds: MAX_LINK_LIFETIME_SECONDS + 1 })).toThrow(/from 1 to 86400/);
  });
});
