import { describe, expect, it } from "vitest";
import { AssetStoreError, assetKey, InvalidAssetKeyError, keyForBytes, parseAssetKey, putAssetOptionsSchema, verifyAssetBytes } from "./asset-store";

// sha256("hello") — a well-known digest, so the test does not just repeat the implementation.
const HELLO = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

describe("asset keys", () => {
  it("derives sha256/<first2>/<hash>.<ext> from the bytes", () => {
    expect(keyForBytes(Buffer.from("hello"), "png")).toEqual({ key: `sha256/2c/${HELLO}.png`, sha256: HELLO });
  });

  it("gives the same bytes the same key and different bytes different keys", () => {
    expect(keyForBytes(Buffer.from("hello"), "png").key).toBe(keyForBytes(Buffer.from("hello"), "png").key);
    expect(keyForBytes(Buffer.from("hello!"), "png").key).not.toBe(keyForBytes(Buffer.from("hello"), "png").key);
  });

  it("normalises the extension and refuses unsafe ones", () => {
    expect(assetKey(HELLO, ".PNG")).toBe(`sha256/2c/${HELLO}.png`);
    for (const bad of ["", "../png", "p/g", "p n g", "toolongext", "png\n"]) expect(() => assetKey(HELLO, bad)).toThrow();
    expect(() => assetKey("abc", "png")).toThrow(/not a sha256/);
  });

  it("parses a key it made", () => {
    expect(parseAssetKey(`sha256/2c/${HELLO}.mp4`)).toEqual({ sha256: HELLO, extension: "mp4" });
  });

  it.each([
    "",
    "../../etc/passwd",
    `sha256/2c/../../${HELLO}.png`,
    `/sha256/2c/${HELLO}.png`,
    `sha256/2c/${HELLO}.png/`,
    `sha256/ab/${HELLO}.png`,
    `sha256/2C/${HELLO.toUpperCase()}.png`,
    `sha256/2c/${HELLO}`,
    `sha256/2c/${HELLO}.p.ng`,
    `sha256\\2c\\${HELLO}.png`,
    `sha256/2c/${HELLO.slice(1)}.png`,
    `sha256/2c/${HELLO}.png\0`,
  ])("refuses the key %j", (key) => {
    expect(() => parseAssetKey(key)).toThrow(InvalidAssetKeyError);
  });

  it("verifies bytes against the key's hash", () => {
    expect(() => verifyAssetBytes(`sha256/2c/${HELLO}.png`, Buffer.from("hello"))).not.toThrow();
    expect(() => verifyAssetBytes(`sha256/2c/${HELLO}.png`, Buffer.from("hellO"))).toThrow(AssetStoreError);
  });
});

describe("put options", () => {
  it("accepts ordinary content types and refuses header injection", () => {
    expect(putAssetOptionsSchema.parse({ contentType: "image/png", extension: "PNG" })).toEqual({ contentType: "image/png", extension: "png" });
    expect(putAssetOptionsSchema.safeParse({ contentType: "video/mp4; codecs=avc1", extension: "mp4" }).success).toBe(true);
    expect(putAssetOptionsSchema.safeParse({ contentType: "image/png\r\nx-evil: 1", extension: "png" }).success).toBe(false);
    expect(putAssetOptionsSchema.safeParse({ contentType: "png", extension: "png" }).success).toBe(false);
  });
});
