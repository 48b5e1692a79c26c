import { describe, expect, it } from "vitest";
import type { RawImage } from "./raw-image";
import { alphaBounds, cropRaw } from "./subject-bounds";

/** RGBA, transparent, with the given pixels set to the given alpha (colour = their coordinates). */
function rgba(width: number, height: number, opaque: Array<[number, number, number]>): RawImage {
  const data = Buffer.alloc(width * height * 4);
  for (const [x, y, alpha] of opaque) {
    const q = (y * width + x) * 4;
    data[q] = x;
    data[q + 1] = y;
    data[q + 2] = 7;
    data[q + 3] = alpha;
  }
  return { data, width, height, channels: 4 };
}

describe("alphaBounds", () => {
  it("is the smallest box around the pixels at or above the threshold", () => {
    const image = rgba(50, 40, [
      [12, 30, 255],
      [20, 5, 9],
      [41, 17, 200],
      [3, 3, 7], // under the default threshold of 8: keying residue
    ]);
    expect(alphaBounds(image)).toEqual({ left: 12, top: 5, width: 30, height: 26 });
    expect(alphaBounds(image, 100)).toEqual({ left: 12, top: 17, width: 30, height: 14 });
    expect(alphaBounds(image, 1)).toEqual({ left: 3, top: 3, width: 39, height: 28 });
  });

  it("finds a single pixel, including one in a corner", () => {
    expect(alphaBounds(rgba(10, 10, [[9, 9, 255]]))).toEqual({ left: 9, top: 9, width: 1, height: 1 });
    expect(alphaBounds(rgba(10, 10, [[0, 0, 255]]))).toEqual({ left: 0, top: 0, width: 1, height: 1 });
  });

  it("is null when nothing is opaque enough", () => {
    expect(alphaBounds(rgba(10, 10, []))).toBeNull();
    expect(alphaBounds(rgba(10, 10, [[4, 4, 7]]))).toBeNull();
  });

  it("is the whole image for RGB, which has no transparency", () => {
    expect(alphaBounds({ data: Buffer.alloc(6 * 4 * 3), width: 6, height: 4, channels: 3 })).toEqual({ left: 0, top: 0, width: 6, height: 4 });
  });
});

describe("cropRaw", () => {
  it("copies the pixels inside the box, row by row", () => {
    const image = rgba(8, 6, [
      [2, 1, 255],
      [5, 4, 128],
    ]);
    const cropped = cropRaw(image, { left: 2, top: 1, width: 4, height: 4 });
    expect([cropped.width, cropped.height, cropped.channels]).toEqual([4, 4, 4]);
    expect([...cropped.data.subarray(0, 4)]).toEqual([2, 1, 7, 255]);
    const last = (3 * 4 + 3) * 4;
    expect([...cropped.data.subarray(last, last + 4)]).toEqual([5, 4, 7, 128]);
    // A copy: changing it leaves the source alone.
    cropped.data[3] = 0;
    expect(image.data[(1 * 8 + 2) * 4 + 3]).toBe(255);
  });

  it("crops RGB and round-trips alphaBounds", () => {
    const rgb: RawImage = { data: Buffer.from(Array.from({ length: 5 * 3 * 3 }, (_, i) => i)), width: 5, height: 3, channels: 3 };
    const cropped = cropRaw(rgb, { left: 1, top: 1, width: 2, height: 2 });
    expect([...cropped.data]).toEqual([18, 19, 20, 21, 22, 23, 33, 34, 35, 36, 37, 38]);
    const image = rgba(30, 30, [
      [10, 12, 255],
      [19, 20, 255],
    ]);
    const trimmed = cropRaw(image, alphaBounds(image)!);
    expect(alphaBounds(trimmed)).toEqual({ left: 0, top: 0, width: 10, height: 9 });
  });

  it.each([
    { left: -1, top: 0, width: 2, height: 2 },
    { left: 0, top: 0, width: 9, height: 2 },
    { left: 7, top: 5, width: 2, height: 2 },
    { left: 0, top: 0, width: 0, height: 2 },
    { left: 0.5, top: 0, width: 2, height: 2 },
  ])("refuses a box outside the image: %o", (box) => {
    expect(() => cropRaw(rgba(8, 6, []), box)).toThrow(RangeError);
  });
});
