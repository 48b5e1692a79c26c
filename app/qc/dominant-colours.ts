import type { RawImage } from "~/imaging/raw-image";
import { seededRandom } from "~/video/seeded-random";
import { ciede2000, srgbToLab, type Lab } from "./ciede2000";

/**
 * Dominant colours of a masked image region, for the garment-colour gate and
 * the video first-frame check (issue #6). Pure.
 *
 * Speed comes from never touching every pixel: pixels are sampled on a grid
 * and binned by their colour quantised to 5 bits a channel (each bin keeps
 * the exact sum of its members, so its mean is not quantised); k-means then
 * runs over the occupied bins weighted by their counts, and CIELAB is worked
 * out once per bin. k-means is Euclidean in CIELAB (a mean needs a metric;
 * ΔE00 is not one) with k-means++ seeding from a fixed seed, best of a few
 * restarts, so the same image always gives the same palette. Clusters closer
 * than MERGE_DELTA_E (ΔE00) are merged afterwards, so a plain garment's
 * shading does not split into several "dominant colours".
 */

export type RGB = [number, number, number];

export interface DominantColour {
  /** Share-weighted mean CIELAB of the cluster's pixels. */
  lab: Lab;
  /** Mean sRGB of the cluster's pixels, rounded. */
  rgb: RGB;
  /** Fraction of the counted pixels (after small clusters are dropped, of those kept). */
  share: number;
}

/** Clusters nearer than this (ΔE00) are one colour: shading of one fabric, not two fabrics. */
export const MERGE_DELTA_E = 5;
/** A colour covering less of the region than this is not dominant (seams, labels, edge pixels). */
export const MIN_DOMINANT_SHARE = 0.05;

const BIN_BITS = 5;
const BIN_SHIFT = 8 - BIN_BITS;
export const BIN_COUNT = 1 << (3 * BIN_BITS);
const RESTARTS = 3;
const MAX_ITERATIONS = 16;

export function binOf(r: number, g: number, b: number): number {
  return ((r >> BIN_SHIFT) << (2 * BIN_BITS)) | ((g >> BIN_SHIFT) << BIN_BITS) | (b >> BIN_SHIFT);
}

/** Pixel samples binned by quantised colour; bins keep exact RGB sums. */
export class ColourBins {
  readonly count = new Uint32Array(BIN_COUNT);
  // Sums fit 32 bits up to 16 M samples (255 × 2^24), far more than any caller takes.
  readonly sums = new Uint32Array(BIN_COUNT * 3);
  /** The occupied bins, in the order first seen. */
  readonly occupied: number[] = [];
  total = 0;

  add(r: number, g: number, b: number): number {
    const bin = binOf(r, g, b);
    if (this.count[bin]++ === 0) this.occupied.push(bin);
    this.sums[bin * 3] += r;
    this.sums[bin * 3 + 1] += g;
    this.sums[bin * 3 + 2] += b;
    this.total += 1;
    return bin;
  }

  private labCache: Float64Array | null = null;

  /** CIELAB of each occupied bin's mean colour, three per bin in `occupied` order; worked out once. */
  labs(): Float64Array {
    if (this.labCache && this.labCache.length === this.occupied.length * 3) return this.labCache;
    const labs = new Float64Array(this.occupied.length * 3);
    for (let i = 0; i < this.occupied.length; i++) {
      const rgb = this.meanRgb(this.occupied[i]);
      labs.set(srgbToLab(rgb[0], rgb[1], rgb[2]), i * 3);
    }
    this.labCache = labs;
    return labs;
  }

  meanRgb(bin: number): RGB {
    const n = this.count[bin];
    return [this.sums[bin * 3] / n, this.sums[bin * 3 + 1] / n, this.sums[bin * 3 + 2] / n];
  }
}

/** A grid step that keeps about `maxSamples` samples of a width×height image. */
export function sampleStride(width: number, height: number, maxSamples: number): number {
  return Math.max(1, Math.ceil(Math.sqrt((width * height) / maxSamples)));
}

/**
 * Bins the pixels of `image` on a grid of `stride` whose `include(pixelIndex)`
 * is true. Returns the bins and, per grid cell, its bin (−1 when excluded),
 * so a caller can paint a per-pixel overlay at grid resolution.
 */
export function binImage(image: RawImage, stride: number, include: ((pixel: number) => boolean) | null): { bins: ColourBins; grid: Int32Array; gridWidth: number; gridHeight: number } {
  const { width, height, channels, data } = image;
  const gridWidth = Math.ceil(width / stride);
  const gridHeight = Math.ceil(height / stride);
  const grid = new Int32Array(gridWidth * gridHeight).fill(-1);
  const bins = new ColourBins();
  // Sample the middle of each cell, not its corner, so a 2× stride does not sit on one parity of pixels.
  const offset = stride >> 1;
  for (let gy = 0, cell = 0; gy < gridHeight; gy++) {
    const y = Math.min(height - 1, gy * stride + offset);
    for (let gx = 0; gx < gridWidth; gx++, cell++) {
      const x = Math.min(width - 1, gx * stride + offset);
      const pixel = y * width + x;
      if (include && !include(pixel)) continue;
      const q = pixel * channels;
      grid[cell] = bins.add(data[q], data[q + 1], data[q + 2]);
    }
  }
  return { bins, grid, gridWidth, gridHeight };
}

export interface Cluster {
  lab: [number, number, number];
  rgb: [number, number, number];
  /** Number of samples. */
  weight: number;
}

function distanceSquared(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const dl = a[0] - b[0];
  const da = a[1] - b[1];
  const db = a[2] - b[2];
  return dl * dl + da * da + db * db;
}

/** k-means (weighted, Euclidean CIELAB) over the occupied bins; best of a few seeded restarts. */
export function clusterBins(bins: ColourBins, k: number, seed = 1): Cluster[] {
  const n = bins.occupied.length;
  if (n === 0) return [];
  const labs = bins.labs();
  const rgbs = new Float64Array(n * 3);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const bin = bins.occupied[i];
    rgbs.set(bins.meanRgb(bin), i * 3);
    weights[i] = bins.count[bin];
  }
  const clusters = Math.min(k, n);
  let best: { centres: Float64Array; assignment: Int32Array; inertia: number } | null = null;
  for (let restart = 0; restart < RESTARTS; restart++) {
    const run = kMeans(labs, weights, clusters, seededRandom(seed * 7 + restart));
    if (!best || run.inertia < best.inertia) best = run;
  }
  const result: Cluster[] = Array.from({ length: clusters }, () => ({ lab: [0, 0, 0], rgb: [0, 0, 0], weight: 0 }));
  for (let i = 0; i < n; i++) {
    const c = result[best!.assignment[i]];
    const w = weights[i];
    c.weight += w;
    for (let j = 0; j < 3; j++) {
      c.lab[j] += w * labs[i * 3 + j];
      c.rgb[j] += w * rgbs[i * 3 + j];
    }
  }
  return result
    .filter((c) => c.weight > 0)
    .map((c) => ({ weight: c.weight, lab: c.lab.map((v) => v / c.weight) as Cluster["lab"], rgb: c.rgb.map((v) => v / c.weight) as Cluster["rgb"] }));
}

function kMeans(labs: Float64Array, weights: Float64Array, k: number, random: () => number): { centres: Float64Array; assignment: Int32Array; inertia: number } {
  const n = weights.length;
  const centres = new Float64Array(k * 3);
  // k-means++: the first centre by weight, each next one with probability ∝ weight × squared distance.
  const nearest = new Float64Array(n).fill(Infinity);
  const score = new Float64Array(n);
  let pick = pickWeighted(weights, random);
  for (let c = 0; c < k; c++) {
    const [l, a, b] = [labs[pick * 3], labs[pick * 3 + 1], labs[pick * 3 + 2]];
    centres[c * 3] = l;
    centres[c * 3 + 1] = a;
    centres[c * 3 + 2] = b;
    if (c === k - 1) break;
    for (let i = 0; i < n; i++) {
      const dl = labs[i * 3] - l;
      const da = labs[i * 3 + 1] - a;
      const db = labs[i * 3 + 2] - b;
      const d = dl * dl + da * da + db * db;
      if (d < nearest[i]) nearest[i] = d;
      score[i] = weights[i] * nearest[i];
    }
    pick = pickWeighted(score, random);
    // Every point already sits on a centre: fewer distinct colours than k.
    if (pick < 0) return finish(labs, weights, centres.slice(0, (c + 1) * 3));
  }
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    const { assignment } = assign(labs, centres);
    const sums = new Float64Array(k * 4);
    for (let i = 0; i < n; i++) {
      const c = assignment[i];
      sums[c * 4] += weights[i] * labs[i * 3];
      sums[c * 4 + 1] += weights[i] * labs[i * 3 + 1];
      sums[c * 4 + 2] += weights[i] * labs[i * 3 + 2];
      sums[c * 4 + 3] += weights[i];
    }
    let moved = 0;
    for (let c = 0; c < k; c++) {
      const w = sums[c * 4 + 3];
      if (w === 0) continue;
      for (let j = 0; j < 3; j++) {
        const next = sums[c * 4 + j] / w;
        moved = Math.max(moved, Math.abs(next - centres[c * 3 + j]));
        centres[c * 3 + j] = next;
      }
    }
    if (moved < 0.05) break;
  }
  return finish(labs, weights, centres);
}

function finish(labs: Float64Array, weights: Float64Array, centres: Float64Array): { centres: Float64Array; assignment: Int32Array; inertia: number } {
  const { assignment, distances } = assign(labs, centres);
  let inertia = 0;
  for (let i = 0; i < weights.length; i++) inertia += weights[i] * distances[i];
  return { centres, assignment, inertia };
}

function assign(labs: Float64Array, centres: Float64Array): { assignment: Int32Array; distances: Float64Array } {
  const n = labs.length / 3;
  const k = centres.length / 3;
  const assignment = new Int32Array(n);
  const distances = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    let which = 0;
    const l = labs[i * 3];
    const a = labs[i * 3 + 1];
    const b = labs[i * 3 + 2];
    for (let c = 0; c < k; c++) {
      const dl = l - centres[c * 3];
      const da = a - centres[c * 3 + 1];
      const db = b - centres[c * 3 + 2];
      const d = dl * dl + da * da + db * db;
      if (d < best) {
        best = d;
        which = c;
      }
    }
    assignment[i] = which;
    distances[i] = best;
  }
  return { assignment, distances };
}

/** An index drawn with probability ∝ its weight; −1 when every weight is zero. */
function pickWeighted(weights: Float64Array, random: () => number): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i];
  if (total <= 0) return -1;
  let target = random() * total;
  for (let i = 0; i < weights.length; i++) {
    target -= weights[i];
    if (target < 0) return i;
  }
  return weights.length - 1;
}

/** Merges the closest pair (ΔE00) while it is nearer than `threshold`, weighting by sample count. */
export function mergeClusters(clusters: Cluster[], threshold = MERGE_DELTA_E): Cluster[] {
  const merged = clusters.map((c) => ({ lab: [...c.lab] as Cluster["lab"], rgb: [...c.rgb] as Cluster["rgb"], weight: c.weight }));
  for (;;) {
    let pair: [number, number] | null = null;
    let closest = threshold;
    for (let i = 0; i < merged.length; i++) {
      for (let j = i + 1; j < merged.length; j++) {
        const d = ciede2000(merged[i].lab, merged[j].lab);
        if (d < closest) {
          closest = d;
          pair = [i, j];
        }
      }
    }
    if (!pair) return merged;
    const [a, b] = [merged[pair[0]], merged[pair[1]]];
    const w = a.weight + b.weight;
    for (let j = 0; j < 3; j++) {
      a.lab[j] = (a.lab[j] * a.weight + b.lab[j] * b.weight) / w;
      a.rgb[j] = (a.rgb[j] * a.weight + b.rgb[j] * b.weight) / w;
    }
    a.weight = w;
    merged.splice(pair[1], 1);
  }
}

/** Index of the cluster nearest (Euclidean CIELAB) to `lab`. */
export function nearestCluster(lab: ArrayLike<number>, clusters: readonly Cluster[]): number {
  let best = Infinity;
  let which = -1;
  for (let c = 0; c < clusters.length; c++) {
    const d = distanceSquared(lab, clusters[c].lab);
    if (d < best) {
      best = d;
      which = c;
    }
  }
  return which;
}

/** Clusters as dominant colours: the ones with at least `minShare` of the samples, shares renormalised over those, largest first. */
export function asDominant(clusters: readonly Cluster[], minShare = MIN_DOMINANT_SHARE): DominantColour[] {
  const total = clusters.reduce((sum, c) => sum + c.weight, 0);
  if (total === 0) return [];
  const kept = clusters.filter((c) => c.weight / total >= minShare);
  const keptTotal = kept.reduce((sum, c) => sum + c.weight, 0);
  return kept
    .sort((a, b) => b.weight - a.weight)
    .map((c) => ({ lab: [c.lab[0], c.lab[1], c.lab[2]] as const, rgb: c.rgb.map((v) => Math.round(v)) as RGB, share: c.weight / keptTotal }));
}

/** Samples kept for a palette: enough for a 5 % colour to be hundreds of pixels, few enough to stay well under a millisecond a step. */
export const PALETTE_SAMPLES = 20_000;

/**
 * The dominant colours of `image` where `mask` is 1 (all pixels when null,
 * or the opaque ones, alpha > 127, of an RGBA image): up to `k` clusters,
 * near ones merged, those under 5 % dropped, largest first.
 */
export function dominantColours(image: RawImage, mask: Uint8Array | null, k: number): DominantColour[] {
  const stride = sampleStride(image.width, image.height, PALETTE_SAMPLES);
  const { bins } = binImage(image, stride, includeFor(image, mask));
  return asDominant(mergeClusters(clusterBins(bins, k)));
}

/** The inclusion test for a mask: the mask when given, else alpha > 127 for RGBA, else every pixel. */
export function includeFor(image: RawImage, mask: Uint8Array | null): ((pixel: number) => boolean) | null {
  if (mask) {
    if (mask.length !== image.width * image.height) throw new RangeError(`mask has ${mask.length} entries for a ${image.width}×${image.height} image`);
    return (pixel) => mask[pixel] !== 0;
  }
  if (image.channels === 4) {
    const data = image.data;
    return (pixel) => data[pixel * 4 + 3] > 127;
  }
  return null;
}
