import { describe, expect, it } from "vitest";
import { isFaststart, topLevelBoxes } from "./mp4-boxes";

function box(type: string, payload = 0): Buffer {
  const out = Buffer.alloc(8 + payload);
  out.writeUInt32BE(8 + payload, 0);
  out.write(type, 4, "latin1");
  return out;
}

function largeBox(type: string, payload: number): Buffer {
  const out = Buffer.alloc(16 + payload);
  out.writeUInt32BE(1, 0);
  out.write(type, 4, "latin1");
  out.writeBigUInt64BE(BigInt(16 + payload), 8);
  return out;
}

describe("topLevelBoxes", () => {
  it("lists boxes with their offsets and sizes", () => {
    const file = Buffer.concat([box("ftyp", 12), box("moov", 30), box("mdat", 100)]);
    expect(topLevelBoxes(file)).toEqual([
      { type: "ftyp", offset: 0, size: 20 },
      { type: "moov", offset: 20, size: 38 },
      { type: "mdat", offset: 58, size: 108 },
    ]);
  });

  it("reads 64-bit sizes and a last box that runs to the end (size 0)", () => {
    const toEnd = box("mdat", 40);
    toEnd.writeUInt32BE(0, 0);
    const file = Buffer.concat([box("ftyp", 4), largeBox("moov", 10), toEnd]);
    expect(topLevelBoxes(file).map((b) => [b.type, b.size])).toEqual([
      ["ftyp", 12],
      ["moov", 26],
      ["mdat", 48],
    ]);
  });

  it("works on a view into a larger buffer", () => {
    const file = Buffer.concat([Buffer.alloc(5, 7), box("ftyp", 4), box("moov")]).subarray(5);
    expect(topLevelBoxes(file).map((b) => b.type)).toEqual(["ftyp", "moov"]);
  });

  it("rejects a box that claims more bytes than the file has, or less than its header", () => {
    const overlong = box("moov", 4);
    overlong.writeUInt32BE(500, 0);
    expect(() => topLevelBoxes(Buffer.concat([box("ftyp"), overlong]))).toThrow(/"moov" at 8 has an invalid size 500/);
    const tiny = box("free");
    tiny.writeUInt32BE(3, 0);
    expect(() => topLevelBoxes(tiny)).toThrow(/invalid size 3/);
  });

  it("rejects trailing bytes that are not a whole box header", () => {
    expect(() => topLevelBoxes(Buffer.concat([box("ftyp"), Buffer.alloc(3)]))).toThrow(/3 trailing bytes/);
  });
});

describe("isFaststart", () => {
  it("is true only when moov comes before mdat", () => {
    expect(isFaststart(Buffer.concat([box("ftyp"), box("moov", 8), box("free"), box("mdat", 8)]))).toBe(true);
    expect(isFaststart(Buffer.concat([box("ftyp"), box("mdat", 8), box("moov", 8)]))).toBe(false);
  });

  it("is false when either box is missing", () => {
    expect(isFaststart(Buffer.concat([box("ftyp"), box("moov")]))).toBe(false);
    expect(isFaststart(Buffer.concat([box("ftyp"), box("mdat")]))).toBe(false);
  });
});
