import { describe, expect, it } from "vitest";
import { contentTypeForKey, signedAssetUrl, verifyAssetSignature } from "./signed-url.server";

const KEY = `sha256/ab/ab${"0".repeat(62)}.png`;
const NOW = Date.parse("2026-11-23T10:00:00Z");
const options = { now: NOW, secret: "s3cret", appUrl: "https://app.example.com/" };

function parts(url: string) {
  const parsed = new URL(url);
  return { path: parsed.pathname, expires: parsed.searchParams.get("expires"), sig: parsed.searchParams.get("sig") };
}

describe("signed asset URLs", () => {
  it("signs key and expiry, and verifies until the expiry", () => {
    const url = signedAssetUrl(KEY, { ...options, expiresInSeconds: 600 });
    const { path, expires, sig } = parts(url);
    expect(path).toBe(`/files/${KEY}`);
    expect(expires).toBe(String(NOW / 1000 + 600));
    expect(sig).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(verifyAssetSignature(KEY, expires, sig, { now: NOW + 599_000, secret: "s3cret" })).toEqual({ ok: true, expiresAt: NOW / 1000 + 600 });
    expect(verifyAssetSignature(KEY, expires, sig, { now: NOW + 600_000, secret: "s3cret" })).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses another key, a changed expiry, another secret and missing parts", () => {
    const { expires, sig } = parts(signedAssetUrl(KEY, options));
    const other = `sha256/cd/cd${"0".repeat(62)}.png`;
    const check = (key: string, e: string | null, s: string | null, secret = "s3cret") => verifyAssetSignature(key, e, s, { now: NOW, secret });
    expect(check(other, expires, sig)).toEqual({ ok: false, reason: "invalid" });
    expect(check(KEY, String(Number(expires) + 3600), sig)).toEqual({ ok: false, reason: "invalid" });
    expect(check(KEY, expires, sig, "other")).toEqual({ ok: false, reason: "invalid" });
    expect(check(KEY, expires, `${sig!.slice(0, -1)}A`)).toEqual({ ok: false, reason: "invalid" });
    expect(check(KEY, null, sig)).toEqual({ ok: false, reason: "invalid" });
    expect(check(KEY, "1e9", sig)).toEqual({ ok: false, reason: "invalid" });
    expect(check(KEY, expires, null)).toEqual({ ok: false, reason: "invalid" });
  });

  it("refuses to sign what is not an asset key or a lifetime out of range", () => {
    expect(() => signedAssetUrl("../etc/passwd", options)).toThrow(/not an asset key/);
    expect(() => signedAssetUrl(KEY, { ...options, expiresInSeconds: 0 })).toThrow(RangeError);
    expect(() => signedAssetUrl(KEY, { ...options, expiresInSeconds: 8 * 24 * 3600 })).toThrow(RangeError);
  });

  it("serves the content type the key's extension names", () => {
    expect(contentTypeForKey(KEY)).toBe("image/png");
    expect(contentTypeForKey(KEY.replace(".png", ".jpg"))).toBe("image/jpeg");
    expect(contentTypeForKey(KEY.replace(".png", ".bin"))).toBe("application/octet-stream");
  });
});
