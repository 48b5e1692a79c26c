import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, SecretBoxError } from "./secret-box.server";

const AAD = "provider-credential:a.myshopify.com:fashn:apiKey";
const SECRET = "fa-live-0123456789abcdefSECRET";

function expectBoxError(run: () => unknown, code: SecretBoxError["code"], message: RegExp): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(SecretBoxError);
  const error = thrown as SecretBoxError;
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
  expect(error.message).not.toContain(SECRET);
}

/** Flips one bit of a base64url segment's decoded bytes. */
function flipBit(segment: string, byte = 0): string {
  const bytes = Buffer.from(segment, "base64url");
  bytes[byte] ^= 0x01;
  return bytes.toString("base64url");
}

describe("secret box (AES-256-GCM)", () => {
  it("round-trips with the environment's key, in the versioned base64url format, with a fresh IV each time", () => {
    const box = encryptSecret(SECRET, AAD);
    expect(box).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(box).not.toContain(SECRET);
    expect(decryptSecret(box, AAD)).toBe(SECRET);
    const again = encryptSecret(SECRET, AAD);
    expect(again.split(".")[1]).not.toBe(box.split(".")[1]);
    expect(again).not.toBe(box);
    expect(decryptSecret(encryptSecret("", AAD), AAD)).toBe("");
    expect(decryptSecret(encryptSecret("clé ✓", AAD), AAD)).toBe("clé ✓");
  });

  it("refuses a tampered IV, tag or ciphertext", () => {
    const [version, iv, tag, ciphertext] = encryptSecret(SECRET, AAD).split(".");
    for (const box of [
      [version, flipBit(iv), tag, ciphertext],
      [version, iv, flipBit(tag, 5), ciphertext],
      [version, iv, tag, flipBit(ciphertext, 3)],
      [version, iv, tag, ciphertext.slice(0, -2)],
    ]) {
      expectBoxError(() => decryptSecret(box.join("."), AAD), "authentication", /could not be decrypted.*enter the key again in Settings/);
    }
  });

  it("refuses another key", () => {
    const box = encryptSecret(SECRET, AAD);
    expectBoxError(() => decryptSecret(box, AAD, { key: randomBytes(32) }), "authentication", /another SHOTLANE_ENCRYPTION_KEY/);
    const own = randomBytes(32);
    expect(decryptSecret(encryptSecret(SECRET, AAD, { key: own }), AAD, { key: own })).toBe(SECRET);
    expectBoxError(() => encryptSecret(SECRET, AAD, { key: randomBytes(16) }), "key", /must be 32 bytes \(got 16\)/);
  });

  it("refuses a box moved to another shop, provider or field (associated data)", () => {
    const box = encryptSecret(SECRET, AAD);
    for (const other of ["provider-credential:b.myshopify.com:fashn:apiKey", "provider-credential:a.myshopify.com:fal:apiKey", "provider-credential:a.myshopify.com:fashn:webhookSecret", ""]) {
      expectBoxError(() => decryptSecret(box, other), "authentication", /belongs to another shop or provider/);
    }
  });

  it("names format problems without quoting the box", () => {
    const [, iv, tag, ciphertext] = encryptSecret(SECRET, AAD).split(".");
    expectBoxError(() => decryptSecret(SECRET, AAD), "format", /not in the v1\.<iv>\.<tag>\.<ciphertext> format/);
    expectBoxError(() => decryptSecret(`v2.${iv}.${tag}.${ciphertext}`, AAD), "format", /unknown format version/);
    expectBoxError(() => decryptSecret(`v1.${iv}.${tag}.${ciphertext}.x`, AAD), "format", /format/);
    expectBoxError(() => decryptSecret(`v1.${iv}.${tag}.abc+/=`, AAD), "format", /ciphertext is not base64url/);
    expectBoxError(() => decryptSecret(`v1.${iv.slice(0, 8)}.${tag}.${ciphertext}`, AAD), "format", /IV must be 12 bytes \(got 6\)/);
    expectBoxError(() => decryptSecret(`v1.${iv}.${tag.slice(0, 10)}.${ciphertext}`, AAD), "format", /authentication tag must be 16 bytes/);
  });
});
