import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { applyColour, linearToSrgb, measureColourBalance, srgbToLinear, type ColourBalance } from "./colour-balance";
import { applyCubeLut, cubeLutFromFunction, identityCubeLut } from "./cube-lut";
import type { RawImage } from "./raw-image";
import { seededRandom } from "~/video/seeded-random";

interface Scene {
  image: RawImage;
  /** 1 where the backdrop is (away from the product's edges), 0 elsewhere. */
  backdrop: Uint8Array;
}

const PRODUCT_SHAPES = (w: number, h: number, shirt: string, label: string) => `
  <path d="M ${w * 0.3} ${h * 0.2} L ${w * 0.42} ${h * 0.15} Q ${w * 0.5} ${h * 0.22} ${w * 0.58} ${h * 0.15} L ${w * 0.7} ${h * 0.2} L ${w * 0.8} ${h * 0.35} L ${w * 0.68} ${h * 0.38} L ${w * 0.68} ${h * 0.8} L ${w * 0.32} ${h * 0.8} L ${w * 0.32} ${h * 0.38} L ${w * 0.2} ${h * 0.35} Z" fill="${shirt}"/>
  <rect x="${w * 0.43}" y="${h * 0.3}" width="${w * 0.14}" height="${h * 0.12}" fill="${label}"/>`;

/**
 * A studio shot drawn with sharp: a backdrop lit brighter in the middle, a
 * shirt with a label, sensor-like noise; then, optionally, a colour cast
 * applied by sharp (a per-channel multiply of the encoded values, as a camera
 * white-balance error roughly is), which this module's code never sees.
 */
async function studioScene(options: { width?: number; height?: number; backdrop?: [string, string]; shirt?: string; label?: string; cast?: [number, number, number] } = {}): Promise<Scene> {
  const width = options.width ?? 300;
  const height = options.height ?? 400;
  const [centre, edge] = options.backdrop ?? ["#e4e4e4", "#c4c4c4"];
  const shapes = PRODUCT_SHAPES(width, height, options.shirt ?? "#8a2b3c", options.label ?? "#e2c15a");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><radialGradient id="bg" cx="50%" cy="45%" r="70%"><stop offset="0" stop-color="${centre}"/><stop offset="1" stop-color="${edge}"/></radialGradient></defs>
    <rect width="100%" height="100%" fill="url(#bg)"/>${shapes}</svg>`;
  const drawn = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer();
  const random = seededRandom(width * 31 + height);
  for (let i = 0; i < drawn.length; i += 1) drawn[i] = Math.min(255, Math.max(0, Math.round(drawn[i]! + (random() + random() + random() - 1.5) * 3)));
  let pixels = sharp(drawn, { raw: { width, height, channels: 3 } });
  if (options.cast) pixels = pixels.linear(options.cast, [0, 0, 0]);
  const data = await pixels.raw().toBuffer();

  // The product's silhouette, grown by a few pixels so anti-aliased edges are not counted as backdrop.
  const silhouette = await sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#000"/>${PRODUCT_SHAPES(width, height, "#fff", "#fff")}</svg>`))
    .greyscale()
    .dilate(3)
    .raw()
    .toBuffer();
  const backdrop = Uint8Array.from({ length: width * height }, (_, p) => (silhouette[p * silhouette.length / (width * height)]! === 0 ? 1 : 0));
  return { image: { data, width, height, channels: 3 }, backdrop };
}


function copy(image: RawImage): RawImage {
  return { ...image, data: Buffer.from(image.data) };
}

/** Median level per channel over the masked pixels. */
function medianColour(image: RawImage, mask: Uint8Array): [number, number, number] {
  const values: number[][] = [[], [], []];
  for (let p = 0; p < mask.length; p += 1) {
    if (!mask[p]) continue;
    for (let c = 0; c < 3; c += 1) values[c]!.push(image.data[p * image.channels + c]!);
  }
  return values.map((v) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)]!) as [number, number, number];
}

/** The masked pixels split into darkest, middle and brightest thirds by their green level. */
function backdropThirds(image: RawImage, mask: Uint8Array): [Uint8Array, Uint8Array, Uint8Array] {
  const greens: number[] = [];
  for (let p = 0; p < mask.length; p += 1) if (mask[p]) greens.push(image.data[p * image.channels + 1]!);
  greens.sort((a, b) => a - b);
  const low = greens[Math.floor(greens.length / 3)]!;
  const high = greens[Math.floor((greens.length * 2) / 3)]!;
  const thirds = [new Uint8Array(mask.length), new Uint8Array(mask.length), new Uint8Array(mask.length)] as const;
  for (let p = 0; p < mask.length; p += 1) {
    if (!mask[p]) continue;
    const g = image.data[p * image.channels + 1]!;
    thirds[g < low ? 0 : g < high ? 1 : 2][p] = 1;
  }
  return [...thirds];
}

function spread(colour: [number, number, number]): number {
  return Math.max(...colour) - Math.min(...colour);
}

function maxDifference(a: Buffer, b: Buffer): number {
  let max = 0;
  for (let i = 0; i < a.length; i += 1) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

const WARM: [number, number, number] = [1.07, 0.98, 0.84];

describe("sRGB transfer", () => {
  it("round-trips every level and matches the standard's anchor points", () => {
    for (let level = 0; level < 256; level += 1) expect(linearToSrgb(srgbToLinear(level / 255)) * 255).toBeCloseTo(level, 9);
    expect(srgbToLinear(0.5)).toBeCloseTo(0.21404, 5);
    expect(srgbToLinear(0.04045)).toBeCloseTo(0.0031308, 7);
  });
});

describe("measureColourBalance and applyColour", () => {
  it("corrects a warm cast measured on the backdrop mask: the backdrop becomes neutral at the target white within 2 levels", async () => {
    const { image, backdrop } = await studioScene({ cast: WARM });
    const before = medianColour(image, backdrop);
    expect(spread(before)).toBeGreaterThan(25); // the cast is really there

    const balance = measureColourBalance(image, { referenceMask: backdrop });
    expect(balance.reference).toBe("backdrop");
    expect(balance.gains[0]).toBeLessThan(1);
    expect(balance.gains[2]).toBeGreaterThan(1);
    for (let c = 0; c < 3; c += 1) expect(Math.abs(balance.measured[c]! - before[c]!)).toBeLessThan(4);

    const out = copy(image);
    applyColour(out, balance, null);
    const after = medianColour(out, backdrop);
    expect(spread(after)).toBeLessThanOrEqual(2);
    for (const level of after) expect(Math.abs(level - 245)).toBeLessThanOrEqual(2);
    // Linear-light gains fix the whole lighting gradient, not only its middle: the darkest and the
    // brightest third of the backdrop come out neutral too.
    for (const third of backdropThirds(image, backdrop)) {
      expect(spread(medianColour(image, third))).toBeGreaterThan(20);
      expect(spread(medianColour(out, third))).toBeLessThanOrEqual(2);
    }
  });

  it("finds the same correction without a mask when the backdrop is the brightest neutral", async () => {
    const { image, backdrop } = await studioScene({ cast: WARM });
    const masked = measureColourBalance(image, { referenceMask: backdrop });
    const found = measureColourBalance(image);
    expect(found.reference).toBe("neutral-pixels");
    // The search takes the brightest backdrop pixels (the lit centre), so its exposure is a little lower.
    for (let c = 0; c < 3; c += 1) expect(Math.abs(found.gains[c]! - masked.gains[c]!)).toBeLessThan(0.03);
    const out = copy(image);
    applyColour(out, found, null);
    expect(spread(medianColour(out, backdrop))).toBeLessThanOrEqual(2);
  });

  it("trusts the mask over a brighter, tinted product that the neutral search would take as white", async () => {
    // A pale blue shirt, brighter than the warm-cast backdrop and low in chroma.
    const { image, backdrop } = await studioScene({ cast: WARM, backdrop: ["#d8d8d8", "#b8b8b8"], shirt: "#dde8ff", label: "#dde8ff" });
    const masked = measureColourBalance(image, { referenceMask: backdrop });
    const unmasked = measureColourBalance(image);
    expect(masked.reference).toBe("backdrop");
    expect(unmasked.reference).toBe("neutral-pixels");

    const withMask = copy(image);
    applyColour(withMask, masked, null);
    expect(spread(medianColour(withMask, backdrop))).toBeLessThanOrEqual(2);

    const withoutMask = copy(image);
    applyColour(withoutMask, unmasked, null);
    expect(spread(medianColour(withoutMask, backdrop))).toBeGreaterThan(8);
  });

  it("leaves a neutral, correctly exposed image alone", async () => {
    // A backdrop lit to about level 245 already, no cast.
    const { image, backdrop } = await studioScene({ backdrop: ["#f8f8f8", "#f0f0f0"] });
    for (const balance of [measureColourBalance(image, { referenceMask: backdrop }), measureColourBalance(image)]) {
      expect(balance.reference).not.toBe("none");
      for (const gain of balance.gains) expect(Math.abs(gain - 1)).toBeLessThan(0.01);
      expect(Math.abs(balance.exposure - 1)).toBeLessThan(0.03);
      const out = copy(image);
      applyColour(out, balance, null);
      expect(maxDifference(out.data, image.data)).toBeLessThanOrEqual(3);
    }
  });

  it('answers "none" and changes nothing when there is too little neutral evidence', async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="90"><rect width="40" height="90" fill="#d62828"/><rect x="40" width="40" height="90" fill="#2a9134"/><rect x="80" width="40" height="90" fill="#1d4ed8"/></svg>`;
    const data = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer();
    const image: RawImage = { data, width: 120, height: 90, channels: 3 };
    const balance = measureColourBalance(image);
    expect(balance).toEqual({ gains: [1, 1, 1], exposure: 1, reference: "none", measured: [0, 0, 0] });
    const out = copy(image);
    applyColour(out, balance, null);
    expect(out.data.equals(image.data)).toBe(true);
    // An all-but-empty mask is not evidence either: the neutral search runs instead (and finds nothing here).
    const mask = new Uint8Array(120 * 90);
    mask[5] = 1;
    expect(measureColourBalance(image, { referenceMask: mask }).reference).toBe("none");
  });

  it("clamps gains and exposure to maxGain", async () => {
    const { image, backdrop } = await studioScene({ cast: [1, 0.55, 0.3], backdrop: ["#9a9a9a", "#808080"] });
    const balance = measureColourBalance(image, { referenceMask: backdrop, maxGain: 1.6 });
    expect(Math.max(...balance.gains, balance.exposure)).toBeLessThanOrEqual(1.6);
    expect(Math.min(...balance.gains, balance.exposure)).toBeGreaterThanOrEqual(1 / 1.6);
    expect(balance.gains[2]).toBe(1.6);
    const free = measureColourBalance(image, { referenceMask: backdrop, maxGain: 10 });
    expect(free.gains[2]).toBeGreaterThan(1.6);
  });

  it("does balance and LUT in one pass that matches doing them one after the other within a level, keeping alpha", async () => {
    const { image, backdrop } = await studioScene({ cast: WARM });
    const balance = measureColourBalance(image, { referenceMask: backdrop });
    const lut = cubeLutFromFunction(33, (r, g, b) => [r ** 0.9, (g + b) / 2, b ** 1.2]);

    const onePass = copy(image);
    applyColour(onePass, balance, lut);
    const twoPasses = copy(image);
    applyColour(twoPasses, balance, null);
    applyCubeLut(twoPasses, lut);
    expect(maxDifference(onePass.data, twoPasses.data)).toBeLessThanOrEqual(1);
    expect(maxDifference(onePass.data, image.data)).toBeGreaterThan(20);

    const identity = copy(image);
    applyColour(identity, balance, identityCubeLut(17));
    const balanceOnly = copy(image);
    applyColour(balanceOnly, balance, null);
    expect(maxDifference(identity.data, balanceOnly.data)).toBeLessThanOrEqual(1);

    const rgba: RawImage = { data: Buffer.alloc(image.width * image.height * 4), width: image.width, height: image.height, channels: 4 };
    for (let p = 0; p < image.width * image.height; p += 1) {
      image.data.copy(rgba.data, p * 4, p * 3, p * 3 + 3);
      rgba.data[p * 4 + 3] = p % 251;
    }
    applyColour(rgba, balance, lut);
    for (let p = 0; p < image.width * image.height; p += 97) {
      expect(Array.from(rgba.data.subarray(p * 4, p * 4 + 3))).toEqual(Array.from(onePass.data.subarray(p * 3, p * 3 + 3)));
      expect(rgba.data[p * 4 + 3]).toBe(p % 251);
    }
  });

  it("ignores transparent pixels when measuring", async () => {
    const { image, backdrop } = await studioScene({ cast: WARM });
    const rgba: RawImage = { data: Buffer.alloc(image.width * image.height * 4), width: image.width, height: image.height, channels: 4 };
    for (let p = 0; p < image.width * image.height; p += 1) {
      const transparent = p % 2 === 0;
      // Transparent pixels carry a strong blue that would wreck the measurement if it were counted.
      if (transparent) rgba.data.set([150, 170, 250, 0], p * 4);
      else {
        image.data.copy(rgba.data, p * 4, p * 3, p * 3 + 3);
        rgba.data[p * 4 + 3] = 255;
      }
    }
    const fromRgb = measureColourBalance(image, { referenceMask: backdrop });
    const fromRgba = measureColourBalance(rgba, { referenceMask: backdrop });
    for (let c = 0; c < 3; c += 1) expect(Math.abs(fromRgba.gains[c]! - fromRgb.gains[c]!)).toBeLessThan(0.01);
  });

  it("refuses a mask of the wrong size and nonsense options", async () => {
    const { image } = await studioScene({ width: 40, height: 30 });
    expect(() => measureColourBalance(image, { referenceMask: new Uint8Array(10) })).toThrow(/referenceMask has 10 entries; the image has 1200 pixels/);
    expect(() => measureColourBalance(image, { targetWhite: 300 })).toThrow(/targetWhite/);
    expect(() => measureColourBalance(image, { maxGain: 0.5 })).toThrow(/maxGain/);
  });

  it("times balance + a 33³ LUT on a 2000×2667 product photo (logged, not asserted)", async () => {
    const { image, backdrop } = await studioScene({ width: 2000, height: 2667, cast: WARM });
    const balance: ColourBalance = measureColourBalance(image, { referenceMask: backdrop });
    const lut = cubeLutFromFunction(33, (r, g, b) => [r ** 0.8 * 0.95 + 0.05 * b, g ** 1.1, Math.min(1, b * 0.9 + 0.1 * r)]);
    // The same shot after background cleanup: the backdrop flat white, as the pipeline hands it to the colour step.
    const cleaned = copy(image);
    for (let p = 0; p < backdrop.length; p += 1) if (backdrop[p]) cleaned.data.fill(255, p * 3, p * 3 + 3);
    const time = (source: RawImage) => {
      const runs: { wall: number; cpu: number }[] = [];
      for (let run = 0; run < 5; run += 1) {
        const target = copy(source);
        const cpuStart = process.cpuUsage();
        const start = performance.now();
        applyColour(target, balance, lut, "tetrahedral");
        const wall = performance.now() - start;
        const cpu = process.cpuUsage(cpuStart);
        runs.push({ wall, cpu: (cpu.user + cpu.system) / 1000 });
        expect(maxDifference(target.data, source.data)).toBeGreaterThan(0);
      }
      runs.sort((a, b) => a.wall - b.wall);
      return `best ${runs[0]!.wall.toFixed(1)} ms (cpu ${runs[0]!.cpu.toFixed(1)} ms), median ${runs[2]!.wall.toFixed(1)} ms`;
    };
    console.log(`applyColour 2000×2667 RGB, white balance + 33³ LUT (tetrahedral), 5 runs: noisy studio shot ${time(image)}; backdrop cleaned to white ${time(cleaned)}`);
  });
});
