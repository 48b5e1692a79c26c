import { describe, expect, it } from "vitest";
import { filesToErase, isAssetKey, overlayKeys } from "./stored-files";

const key = (c: string, ext = "png") => `sha256/${c}${c}/${c.repeat(64)}.${ext}`;

describe("stored files of a redacted shop", () => {
  it("reads the overlay keys of a QC report and nothing else of it", () => {
    expect(overlayKeys({ version: 1, verdict: "pass", checks: [{ id: "x", overlay: key("9") }], overlays: { "garment-delta-e": key("a"), background: key("b") }, ms: 3 })).toEqual([key("a"), key("b")]);
    expect(overlayKeys({ overlays: { broken: 42, ok: key("c") } })).toEqual([key("c")]);
    for (const report of [null, undefined, "text", 1, [], {}, { overlays: null }, { overlays: [key("a")] }]) expect(overlayKeys(report)).toEqual([]);
  });

  it("tells asset keys from other strings, so nothing but a key reaches the store's delete", () => {
    expect(isAssetKey(key("a"))).toBe(true);
    expect(isAssetKey("sha256/ab/../../etc/passwd")).toBe(false);
    expect(isAssetKey(`sha256/00/${"a".repeat(64)}.png`)).toBe(false);
    expect(isAssetKey("")).toBe(false);
  });

  it("erases the shop's keys that no other shop references, keeps the shared ones, once each", () => {
    const keys = [key("a"), key("b", "jpg"), null, key("a"), undefined, key("c", "webp"), "not-a-key"];
    expect(filesToErase(keys, new Set([key("b", "jpg")]))).toEqual({ erase: [key("a"), key("c", "webp")], shared: [key("b", "jpg")] });
    expect(filesToErase([], new Set([key("a")]))).toEqual({ erase: [], shared: [] });
  });
});
