import { applyCubeLutAfterCurves, type CubeLut, type LutInterpolation } from "./cube-lut";
import type { RawImage } from "./raw-image";

/**
 * A white balance and exposure correction, found by measureColourBalance and
 * applied by applyColour. The per-channel multiplier in linear light is
 * gains[c] × exposure; gains alone leave the reference's luminance unchanged.
 */
export interface ColourBalance {
  /** Per channel, linear light. */
  gains: [number, number, number];
  /** Linear multiplier bringing the neutral reference to the target white. */
  exposure: number;
  /** What the correction was measured on; "none" means too little evidence, and gains and exposure are 1. */
  reference: "backdrop" | "neutral-pixels" | "none";
  /** The reference colour found, sRGB 0–255 ([0, 0, 0] when reference is "none"). */
  measured: [number, number, number];
}

export interface MeasureColourBalanceOptions {
  /** width × height; nonzero marks pixels known to be neutral, e.g. the studio backdrop. */
  referenceMask?: Uint8Array;
  /** sRGB level the neutral reference should reach (default 245). */
  targetWhite?: number;
  /** Largest factor any gain or the exposure may apply, up or down (default 1.6). */
  maxGain?: number;
}

export const DEFAULT_TARGET_WHITE = 245;
export const DEFAULT_MAX_GAIN = 1.6;

/** Fewest reference pixels worth trusting, and the share of the image the neutral search needs. */
const MIN_REFERENCE_PIXELS = 64;
const MIN_NEUTRAL_SHARE = 0.01;
/** Neutral search: chroma (max − min) / max in sRGB at most this, and not darker than this level. */
const MAX_NEUTRAL_CHROMA = 0.25;
const MIN_NEUTRAL_LEVEL = 48;
/** The brightest share of the neutral candidates the reference is taken from (white patch). */
const BRIGHT_SHARE = 0.25;
/** Measurement looks at about this many pixels; more adds time, not accuracy. */
const SAMPLE_PIXELS = 1_000_000;

/** sRGB encoded 0–1 → linear light 0–1 (IEC 61966-2-1). */
export function srgbToLinear(value: number): number {
  return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
}

/** Linear light 0–1 → sRGB encoded 0–1. */
export function linearToSrgb(value: number): number {
  return value <= 0.0031308 ? value * 12.92 : 1.055 * value ** (1 / 2.4) - 0.055;
}

const LINEAR = Float64Array.from({ length: 256 }, (_, level) => srgbToLinear(level / 255));

/**
 * Finds the white balance and exposure that bring a neutral reference to
 * neutral grey at `targetWhite`. With a referenceMask (the backdrop), the
 * reference is the interquartile mean of those pixels in linear light, per
 * channel, so product edges or a shadow caught in the mask do not pull it.
 * Without one, it is the brightest quarter of the low-chroma, unclipped pixels
 * (a white patch restricted to near-neutrals, averaged like grey world); with
 * too few of those the answer is reference "none" and no change.
 */
export function measureColourBalance(image: RawImage, options: MeasureColourBalanceOptions = {}): ColourBalance {
  const targetWhite = options.targetWhite ?? DEFAULT_TARGET_WHITE;
  const maxGain = options.maxGain ?? DEFAULT_MAX_GAIN;
  if (!(targetWhite > 0 && targetWhite <= 255)) throw new Error(`targetWhite must be an sRGB level above 0 and at most 255, got ${targetWhite}`);
  if (!(maxGain >= 1)) throw new Error(`maxGain must be at least 1, got ${maxGain}`);
  const pixels = image.width * image.height;
  const mask = options.referenceMask;
  if (mask && mask.length !== pixels) throw new Error(`referenceMask has ${mask.length} entries; the image has ${pixels} pixels`);

  const stride = Math.max(1, Math.floor(pixels / SAMPLE_PIXELS));
  if (mask) {
    const reference = maskedReference(image, mask, stride);
    if (reference) return balanceToward(reference, "backdrop", targetWhite, maxGain);
  }
  const reference = neutralPixelReference(image, stride);
  return reference ? balanceToward(reference, "neutral-pixels", targetWhite, maxGain) : NO_BALANCE();
}

const NO_BALANCE = (): ColourBalance => ({ gains: [1, 1, 1], exposure: 1, reference: "none", measured: [0, 0, 0] });

function isVisible(data: Buffer, offset: number, channels: number): boolean {
  return channels === 3 || data[offset + 3]! > 0;
}

/** The masked pixels' interquartile mean per channel (linear), or null when the mask holds too few visible pixels. */
function maskedReference(image: RawImage, mask: Uint8Array, stride: number): [number, number, number] | null {
  const { data, channels } = image;
  const histograms = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)] as const;
  let count = 0;
  for (let p = 0; p < mask.length; p += stride) {
    if (mask[p] === 0) continue;
    const o = p * channels;
    if (!isVisible(data, o, channels)) continue;
    histograms[0][data[o]!]! += 1;
    histograms[1][data[o + 1]!]! += 1;
    histograms[2][data[o + 2]!]! += 1;
    count += 1;
  }
  if (count < MIN_REFERENCE_PIXELS) return null;
  return [interquartileMeanLinear(histograms[0], count), interquartileMeanLinear(histograms[1], count), interquartileMeanLinear(histograms[2], count)];
}

/** The brightest near-neutral pixels' interquartile mean per channel (linear), or null with too little evidence. */
function neutralPixelReference(image: RawImage, stride: number): [number, number, number] | null {
  const { data, channels } = image;
  const pixels = image.width * image.height;
  const lumaCounts = new Uint32Array(256);
  let visible = 0;
  let candidates = 0;
  for (let p = 0; p < pixels; p += stride) {
    const o = p * channels;
    if (!isVisible(data, o, channels)) continue;
    visible += 1;
    const luma = neutralCandidateLuma(data[o]!, data[o + 1]!, data[o + 2]!);
    if (luma < 0) continue;
    lumaCounts[luma]! += 1;
    candidates += 1;
  }
  if (candidates < MIN_REFERENCE_PIXELS || candidates < visible * MIN_NEUTRAL_SHARE) return null;

  // The luma level above which the brightest quarter of the candidates lie.
  let threshold = 255;
  let above = 0;
  while (threshold > 0 && above + lumaCounts[threshold]! < candidates * BRIGHT_SHARE) above += lumaCounts[threshold--]!;

  const histograms = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)] as const;
  let count = 0;
  for (let p = 0; p < pixels; p += stride) {
    const o = p * channels;
    if (!isVisible(data, o, channels)) continue;
    const r = data[o]!, g = data[o + 1]!, b = data[o + 2]!;
    if (neutralCandidateLuma(r, g, b) < threshold) continue;
    histograms[0][r]! += 1;
    histograms[1][g]! += 1;
    histograms[2][b]! += 1;
    count += 1;
  }
  return [interquartileMeanLinear(histograms[0], count), interquartileMeanLinear(histograms[1], count), interquartileMeanLinear(histograms[2], count)];
}

/**
 * An approximate luma level (0–255) for a pixel that may be a neutral
 * reference, or −1: clipped pixels (a channel at 255: speculars, blown
 * highlights) hold no colour information, dark ones are mostly noise, and
 * coloured ones are not neutral.
 */
function neutralCandidateLuma(r: number, g: number, b: number): number {
  const max = r > g ? (r > b ? r : b) : g > b ? g : b;
  const min = r < g ? (r < b ? r : b) : g < b ? g : b;
  if (max === 255 || max < MIN_NEUTRAL_LEVEL || max - min > max * MAX_NEUTRAL_CHROMA) return -1;
  return (54 * r + 183 * g + 19 * b) >> 8;
}

/** Mean of the middle half of a level histogram, each level taken in linear light. */
function interquartileMeanLinear(histogram: Uint32Array, count: number): number {
  const from = count * 0.25;
  const to = count * 0.75;
  let seen = 0;
  let sum = 0;
  for (let level = 0; level < 256 && seen < to; level += 1) {
    const n = histogram[level]!;
    if (n === 0) continue;
    const inside = Math.min(seen + n, to) - Math.max(seen, from);
    if (inside > 0) sum += inside * LINEAR[level]!;
    seen += n;
  }
  return sum / (to - from);
}

function balanceToward(reference: [number, number, number], kind: "backdrop" | "neutral-pixels", targetWhite: number, maxGain: number): ColourBalance {
  const luminance = 0.2126 * reference[0] + 0.7152 * reference[1] + 0.0722 * reference[2];
  // A reference this dark (below sRGB level 1) says nothing about colour.
  if (!(luminance > LINEAR[1]!) || reference.some((v) => !(v > 0))) return NO_BALANCE();
  const clamp = (v: number) => Math.min(maxGain, Math.max(1 / maxGain, v));
  const round = (v: number) => Math.round(v * 10_000) / 10_000;
  return {
    gains: [round(clamp(luminance / reference[0])), round(clamp(luminance / reference[1])), round(clamp(luminance / reference[2]))],
    exposure: round(clamp(srgbToLinear(targetWhite / 255) / luminance)),
    reference: kind,
    measured: [toLevel(reference[0]), toLevel(reference[1]), toLevel(reference[2])],
  };
}

function toLevel(linear: number): number {
  return Math.round(linearToSrgb(linear) * 255 * 100) / 100;
}

/**
 * Each channel's balanced value (sRGB, 0–1) for each 8-bit level, or null when
 * the balance changes nothing. Gains are per channel, so the whole
 * sRGB → linear → × gain × exposure → sRGB step is one 256-entry curve per
 * channel, computed exactly here rather than per pixel.
 */
export function balanceCurves(balance: ColourBalance | null): [Float64Array, Float64Array, Float64Array] | null {
  if (!balance || balance.reference === "none") return null;
  const factors = balance.gains.map((gain) => gain * balance.exposure);
  if (factors.every((factor) => factor === 1)) return null;
  return factors.map((factor) => {
    if (!(factor > 0) || !Number.isFinite(factor)) throw new Error(`ColourBalance gains and exposure must be positive numbers, got ${JSON.stringify(balance)}`);
    return Float64Array.from(LINEAR, (linear) => linearToSrgb(Math.min(1, linear * factor)));
  }) as [Float64Array, Float64Array, Float64Array];
}

/**
 * White balance and exposure, then the LUT, in one pass over the pixels, in
 * place; alpha is left as it is. The balanced value goes into the LUT
 * unrounded, so the two steps quantise once.
 */
export function applyColour(image: RawImage, balance: ColourBalance | null, lut: CubeLut | null, interpolation: LutInterpolation = "tetrahedral"): void {
  const curves = balanceCurves(balance);
  if (lut) {
    applyCubeLutAfterCurves(image, lut, interpolation, curves);
    return;
  }
  if (!curves) return;
  const maps = curves.map((curve) => Uint8ClampedArray.from(curve, (v) => v * 255));
  const [red, green, blue] = maps as [Uint8ClampedArray, Uint8ClampedArray, Uint8ClampedArray];
  const { data, channels } = image;
  const end = image.width * image.height * channels;
  for (let i = 0; i < end; i += channels) {
    data[i] = red[data[i]!]!;
    data[i + 1] = green[data[i + 1]!]!;
    data[i + 2] = blue[data[i + 2]!]!;
  }
}
