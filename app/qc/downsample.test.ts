import sharp from "sharp";
import { describe, expect, it } from "vitest";
import type { RawImage } from "../imaging/raw-image";
import { downsample, fittedSize, flatten } from "./downsample";

function paint(width: number, height: number, channels: 3 | 4, at: (x: number, y: number) => number[]): RawImage {
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(at(x, y), (y * width + x) * channels);
  return { data, width, height, channels };
}

const pixel = (image: RawImage, x: number, y: number) => [...image.data.subarray((y * image.width + x) * image.channels, (y * image.width + x + 1) * image.channels)];

describe("fittedSize", () => {
  it("caps the long edge and keeps the aspect ratio, never enlarging", () => {
    expect(fittedSize(2048, 2048, 1024)).toEqual({ width: 1024, height: 1024 });
    expect(fittedSize(1600, 2000, 1024)).toEqual({ width: 819, height: 1024 });
    expect(fittedSize(600, 800, 1024)).toEqual({ width: 600, height: 800 });
  });
});

describe("downsample", () => {
  it("returns a small image as it is", () => {
    const image = paint(10, 8, 3, () => [1, 2, 3]);
    expect(downsample(image, 64)).toBe(image);
  });

  it("halves by 2 × 2 block means", () => {
    const image = paint(4, 2, 3, (x, y) => [x * 10 + y * 100, 50, x === 3 ? 255 : 0]);
    const half = downsample(image, 2);
    expect([half.width, half.height]).toEqual([2, 1]);
    expect(pixel(half, 0, 0)).toEqual([55, 50, 0]);
    expect(pixel(half, 1, 0)).toEqual([75, 50, 128]);
  });

  it("keeps a real photo's mean colour at a fractional ratio (area averaging, no skipped pixels)", async () => {
    // A sharp-rendered gradient with fine stripes: point sampling would alias the stripes and shift the mean.
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="750"><defs><linearGradient id="g"><stop offset="0" stop-color="#203060"/><stop offset="1" stop-color="#f0d090"/></linearGradient><pattern id="p" width="3" height="3" patternUnits="userSpaceOnUse"><rect width="1" height="3" fill="#000"/></pattern></defs><rect width="100%" height="100%" fill="url(#g)"/><rect width="100%" height="100%" fill="url(#p)" opacity="0.5"/></svg>`;
    const { data, info } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const image: RawImage = { data, width: info.width, height: info.height, channels: 3 };
    const small = downsample(image, 300);
    expect([small.width, small.height]).toEqual([300, 225]);
    const mean = (img: RawImage) => [0, 1, 2].map((c) => img.data.reduce((sum, v, i) => (i % 3 === c ? sum + v : sum), 0) / (img.width * img.height));
    const [before, after] = [mean(image), mean(small)];
    for (let c = 0; c < 3; c++) expect(Math.abs(before[c] - after[c])).toBeLessThan(0.6);
  });

  it("averages RGBA colour by alpha, so the colour under transparent pixels does not bleed in", () => {
    // Left column opaque red, right column transparent green (its colour is meaningless).
    const image = paint(4, 4, 4, (x) => (x < 2 ? [200, 0, 0, 255] : [0, 255, 0, 0]));
    const small = downsample(image, 1);
    expect(small.channels).toBe(4);
    expect(pixel(small, 0, 0)).toEqual([200, 0, 0, 128]);
  });
});

describe("flatten", () => {
  it("composites straight alpha over the background", () => {
    const image = paint(2, 1, 4, (x) => (x === 0 ? [0, 0, 0, 128] : [10, 20, 30, 255]));
    const flat = flatten(image, [255, 255, 255]);
    expect(flat.channels).toBe(3);
    expect(pixel(flat, 0, 0)).toEqual([127, 127, 127]);
    expect(pixel(flat, 1, 0)).toEqual([10, 20, 30]);
  });
});
