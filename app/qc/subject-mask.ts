import type { Box, RawImage } from "../imaging/raw-image";

/**
 * Which pixels of a finished image are the product, for the checks that look
 * only at the subject (sharpness, exposure, garment colour) or only around it
 * (background, halo, framing). Background is what is connected to the image
 * border through background-coloured pixels (a flood fill), so a white print
 * inside a navy garment stays subject. Small islands apart from the subject
 * (dust, smudges) are returned to the background, where the background check
 * counts them as stray marks. Pure.
 *
 * The fill works on horizontal runs: one pass tests every pixel's colour and
 * records runs; connectivity is a union-find over the runs (a few thousand),
 * so a 1024 px image costs a few milliseconds.
 */

export type Rgb = readonly [number, number, number];

export interface SubjectMask {
  /** width × height; 1 for subject pixels. */
  mask: Uint8Array;
  /** The subject's bounding box, without a soft contact shadow below it; null when no subject was found. */
  box: Box | null;
  /** Share (0–1) of the image's pixels that are subject. */
  fraction: number;
}

/**
 * Tolerance bounds (levels, redmean-weighted RGB, see `distanceSquared`). 6 levels
 * is about 2 ΔE00 at white: a 244-level white garment on a 254 backdrop (10 levels,
 * the hardest garment scene) stays subject, sensor noise of σ 1.2 (p99.9 ≈ 3 levels) does not.
 */
const MIN_TOLERANCE = 6;
const MAX_TOLERANCE = 20;
/** The tolerance is this many times the border's typical (p75) distance from the backdrop colour, so backdrops with fall-off still fill. */
const SPREAD_FACTOR = 2.5;
/** A border median within this distance of the given background is that background under a cast or fall-off: the fill uses the median. */
const CAST_ALLOWANCE = 30;
/**
 * Components smaller than this share of the largest are stray marks (dust,
 * smudges, hairs), not subject: a smudge kept as subject would both hide from
 * the background check and stretch the framing box. A product in separate
 * parts keeps parts at least this big (a pair of shoes, a two-piece).
 */
const ISLAND_SHARE = 0.15;
/**
 * An enclosed background-coloured region is a hole (background seen through
 * the subject, such as between trouser legs closed off by the contact
 * shadow) when most of it (PURE_SHARE) is within PURE_LEVELS of the
 * background: a composited canvas is flat even through a q30 JPEG or a blur,
 * while a print photographed on the garment has its own tone and texture. A
 * print (or a blown highlight) exactly the canvas colour cannot be told from
 * a hole and is taken for one.
 */
const PURE_LEVELS = 3;
const PURE_SHARE = 0.6;
/** The box ignores rows and columns with fewer subject pixels than this (a stray pixel attached to the outline). */
const BOX_MIN_PIXELS = 3;
/**
 * Shadow rows (see trimContactShadow): a cast shadow darkens the backdrop to no
 * less than SHADOW_MIN_RATIO (castShadow's opacity is 0.35 by default) and keeps
 * its hue within SHADOW_HUE_LEVELS per channel; a row is shadow when at most
 * SHADOW_OUTLIERS of its subject pixels are not (noise), and at most
 * SHADOW_MAX_SHARE of the box's height is trimmed. The shadow must deepen by
 * SHADOW_RISE over every SHADOW_RISE_ROWS rows: row to row its faint tail
 * is at noise level and a low-quality JPEG flattens it into steps of 4–8
 * rows, while a grey or white hem stops deepening at once (at most those 8
 * rows, 0.8 % of the height, go with the shadow).
 * Once the shadow has been more than SHADOW_FAINT, a fainter row is garment.
 */
const SHADOW_MIN_RATIO = 0.45;
const SHADOW_HUE_LEVELS = 12;
const SHADOW_OUTLIERS = 0.02;
const SHADOW_MAX_SHARE = 0.08;
const SHADOW_FAINT = 0.08;
const SHADOW_RISE = 0.002;
const SHADOW_RISE_ROWS = 8;

/**
 * Squared "redmean" distance in levels: green counts most, red and blue trade
 * weight with the mean red; an equal step of k on all three channels measures k.
 * As in backdrop-key: cheap enough for every pixel, unlike Lab.
 */
export function distanceSquared(r1: number, g1: number, b1: number, r2: number, g2: number, b2: number): number {
  const meanRed = (r1 + r2) / 2;
  const dr = r1 - r2;
  const dg = g1 - g2;
  const db = b1 - b2;
  return ((2 + meanRed / 256) * dr * dr + 4 * dg * dg + (2 + (255 - meanRed) / 256) * db * db) / 9;
}

/**
 * The subject of an RGB image on a plain background (near `background`, or
 * the border's median colour when null), or of an RGBA image (alpha > 127).
 */
export function subjectMask(image: RawImage, background: Rgb | null): SubjectMask {
  const { width, height } = image;
  const pixels = width * height;
  if (pixels === 0) return { mask: new Uint8Array(0), box: null, fraction: 0 };
  let subject: Runs;
  let reference: Rgb;
  if (image.channels === 4) {
    subject = opaqueRuns(image);
    reference = background ?? [255, 255, 255];
  } else {
    const border = borderStatistics(image, background);
    reference = border.reference;
    subject = complement(backgroundRuns(backgroundColouredRuns(image, reference, border.tolerance), width, height), width, height);
  }
  const kept = withoutIslands(subject);
  const mask = new Uint8Array(pixels);
  const rowCounts = new Int32Array(height);
  const columnCounts = new Int32Array(width + 1);
  let count = 0;
  for (let r = 0; r < kept.length; r++) {
    const row = kept.row[r];
    const length = kept.end[r] - kept.start[r] + 1;
    mask.fill(1, row * width + kept.start[r], row * width + kept.end[r] + 1);
    count += length;
    rowCounts[row] += length;
    // Column counts by difference array: +1 at the start, −1 after the end.
    columnCounts[kept.start[r]]++;
    columnCounts[kept.end[r] + 1]--;
  }
  for (let x = 1; x <= width; x++) columnCounts[x] += columnCounts[x - 1];
  let box = boxOf(rowCounts, columnCounts.subarray(0, width));
  if (box && image.channels === 3) box = trimContactShadow(image, mask, box, reference);
  return { mask, box, fraction: count / pixels };
}

/** The span of rows and of columns holding at least BOX_MIN_PIXELS subject pixels (all of them for a subject that small). */
function boxOf(rowCounts: Int32Array, columnCounts: Int32Array): Box | null {
  const span = (counts: Int32Array, least: number) => {
    let first = 0;
    while (first < counts.length && counts[first] < least) first++;
    let last = counts.length - 1;
    while (last > first && counts[last] < least) last--;
    return first < counts.length ? [first, last] : null;
  };
  const rows = span(rowCounts, BOX_MIN_PIXELS) ?? span(rowCounts, 1);
  const columns = span(columnCounts, BOX_MIN_PIXELS) ?? span(columnCounts, 1);
  if (!rows || !columns) return null;
  return { left: columns[0], top: rows[0], width: columns[1] - columns[0] + 1, height: rows[1] - rows[0] + 1 };
}

/** Border ring samples (about 1 % of the short side deep, at most ~8k of them), RGB. */
function borderSamples(image: RawImage): Uint8Array {
  const { width, height, channels, data } = image;
  const ring = Math.max(1, Math.min(Math.floor(Math.min(width, height) / 4), Math.round(Math.min(width, height) * 0.01)));
  const ringPixels = 2 * ring * (width + height) - 4 * ring * ring;
  const step = Math.max(1, Math.ceil(Math.sqrt(ringPixels / 8000)));
  const out: number[] = [];
  const take = (x: number, y: number) => {
    const p = (y * width + x) * channels;
    out.push(data[p], data[p + 1], data[p + 2]);
  };
  for (let y = 0; y < height; y += step) {
    if (y < ring || y >= height - ring) {
      for (let x = 0; x < width; x += step) take(x, y);
    } else {
      // Between the top and bottom bands only the side bands are border.
      for (let x = 0; x < ring; x += step) take(x, y);
      for (let x = width - ring; x < width; x += step) take(x, y);
    }
  }
  return Uint8Array.from(out);
}

/** Per-channel median of RGB samples, by histogram. */
function medianColour(samples: Uint8Array): Rgb {
  const count = samples.length / 3;
  const result = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    const histogram = new Uint32Array(256);
    for (let i = c; i < samples.length; i += 3) histogram[samples[i]]++;
    let seen = 0;
    let level = 0;
    while (level < 255 && seen + histogram[level] <= count / 2) seen += histogram[level++];
    result[c] = level;
  }
  return [result[0], result[1], result[2]];
}

/**
 * The colour the fill compares with, and how far from it still counts as
 * background. With no background given, the border's per-channel median.
 * With one given, the border median when it is near it (the real backdrop,
 * under a cast the colour-cast check then measures), else the given colour
 * (the subject fills most of the border, as in a zoom crop).
 */
function borderStatistics(image: RawImage, background: Rgb | null): { reference: Rgb; tolerance: number } {
  const samples = borderSamples(image);
  const borderMedian = medianColour(samples);
  let reference = background ?? borderMedian;
  if (background && distanceSquared(borderMedian[0], borderMedian[1], borderMedian[2], background[0], background[1], background[2]) <= CAST_ALLOWANCE ** 2) reference = borderMedian;
  const distances = new Float64Array(samples.length / 3);
  for (let i = 0; i < distances.length; i++) distances[i] = distanceSquared(samples[i * 3], samples[i * 3 + 1], samples[i * 3 + 2], reference[0], reference[1], reference[2]);
  distances.sort();
  const typical = Math.sqrt(distances[Math.floor(distances.length * 0.75)] ?? 0);
  return { reference, tolerance: Math.min(MAX_TOLERANCE, Math.max(MIN_TOLERANCE, SPREAD_FACTOR * typical)) };
}

/** Horizontal runs of pixels, in row order (start and end inclusive). */
class Runs {
  row: Int32Array<ArrayBuffer> = new Int32Array(1024);
  start: Int32Array<ArrayBuffer> = new Int32Array(1024);
  end: Int32Array<ArrayBuffer> = new Int32Array(1024);
  /** How many of the run's pixels are within PURE_LEVELS of the background (background-coloured runs only). */
  pure: Int32Array<ArrayBuffer> = new Int32Array(1024);
  length = 0;
  push(row: number, start: number, end: number, pure = 0): void {
    if (this.length === this.row.length) {
      this.row = grow(this.row);
      this.start = grow(this.start);
      this.end = grow(this.end);
      this.pure = grow(this.pure);
    }
    this.row[this.length] = row;
    this.start[this.length] = start;
    this.end[this.length] = end;
    this.pure[this.length] = pure;
    this.length++;
  }
}

function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/**
 * Union-find over runs connected 4-way (a run touches the runs of the row
 * above whose x ranges overlap its own). Returns each run's root.
 */
function connect(runs: Runs): Int32Array {
  const parent = new Int32Array(runs.length);
  for (let r = 0; r < runs.length; r++) parent[r] = r;
  const find = (r: number) => {
    while (parent[r] !== r) {
      parent[r] = parent[parent[r]];
      r = parent[r];
    }
    return r;
  };
  let previousStart = 0;
  let currentStart = 0;
  while (currentStart < runs.length) {
    const row = runs.row[currentStart];
    let currentEnd = currentStart;
    while (currentEnd < runs.length && runs.row[currentEnd] === row) currentEnd++;
    if (previousStart < currentStart && runs.row[previousStart] === row - 1) {
      // Two pointers over the previous row's runs and this row's.
      let i = previousStart;
      let j = currentStart;
      while (i < currentStart && j < currentEnd) {
        if (runs.end[i] < runs.start[j]) i++;
        else if (runs.end[j] < runs.start[i]) j++;
        else {
          const a = find(i);
          const b = find(j);
          if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
          if (runs.end[i] < runs.end[j]) i++;
          else j++;
        }
      }
    }
    previousStart = currentStart;
    currentStart = currentEnd;
  }
  for (let r = 0; r < runs.length; r++) parent[r] = find(r);
  return parent;
}

/** Runs of pixels within `tolerance` of `reference`: the one pass over every pixel. */
function backgroundColouredRuns(image: RawImage, reference: Rgb, tolerance: number): Runs {
  const { width, height, data } = image;
  const [R, G, B] = reference;
  // Near the threshold the pixel is close to the reference, so the reference's red sets the weights.
  const wr = 2 + R / 256;
  const wb = 2 + (255 - R) / 256;
  const limit = tolerance * tolerance * 9;
  const pureLimit = PURE_LEVELS * PURE_LEVELS * 9;
  const runs = new Runs();
  for (let y = 0, p = 0; y < height; y++) {
    let start = -1;
    let pure = 0;
    for (let x = 0; x < width; x++, p += 3) {
      const dr = data[p] - R;
      const dg = data[p + 1] - G;
      const db = data[p + 2] - B;
      const d = wr * dr * dr + 4 * dg * dg + wb * db * db;
      if (d <= limit) {
        if (start < 0) start = x;
        if (d <= pureLimit) pure++;
      } else if (start >= 0) {
        runs.push(y, start, x - 1, pure);
        start = -1;
        pure = 0;
      }
    }
    if (start >= 0) runs.push(y, start, width - 1, pure);
  }
  return runs;
}

/** The background: background-coloured regions connected to the image border, and enclosed ones that are flat canvas (holes, see PURE_SHARE). */
function backgroundRuns(candidates: Runs, width: number, height: number): Runs {
  const root = connect(candidates);
  const border = new Uint8Array(candidates.length);
  const area = new Float64Array(candidates.length);
  const pure = new Float64Array(candidates.length);
  for (let r = 0; r < candidates.length; r++) {
    const k = root[r];
    if (candidates.row[r] === 0 || candidates.row[r] === height - 1 || candidates.start[r] === 0 || candidates.end[r] === width - 1) border[k] = 1;
    area[k] += candidates.end[r] - candidates.start[r] + 1;
    pure[k] += candidates.pure[r];
  }
  const background = new Runs();
  for (let r = 0; r < candidates.length; r++) {
    const k = root[r];
    if (border[k] || pure[k] >= PURE_SHARE * area[k]) background.push(candidates.row[r], candidates.start[r], candidates.end[r]);
  }
  return background;
}

/** Everything the runs do not cover, row by row. */
function complement(runs: Runs, width: number, height: number): Runs {
  const out = new Runs();
  let r = 0;
  for (let y = 0; y < height; y++) {
    let x = 0;
    while (r < runs.length && runs.row[r] === y) {
      if (runs.start[r] > x) out.push(y, x, runs.start[r] - 1);
      x = runs.end[r] + 1;
      r++;
    }
    if (x < width) out.push(y, x, width - 1);
  }
  return out;
}

function opaqueRuns(image: RawImage): Runs {
  const { width, height, data } = image;
  const runs = new Runs();
  for (let y = 0, q = 3; y < height; y++) {
    let start = -1;
    for (let x = 0; x < width; x++, q += 4) {
      if (data[q] > 127) {
        if (start < 0) start = x;
      } else if (start >= 0) {
        runs.push(y, start, x - 1);
        start = -1;
      }
    }
    if (start >= 0) runs.push(y, start, width - 1);
  }
  return runs;
}

/** The subject runs without the components smaller than ISLAND_SHARE of the largest. */
function withoutIslands(subject: Runs): Runs {
  const root = connect(subject);
  const area = new Float64Array(subject.length);
  for (let r = 0; r < subject.length; r++) area[root[r]] += subject.end[r] - subject.start[r] + 1;
  let largest = 0;
  for (let r = 0; r < subject.length; r++) largest = Math.max(largest, area[r]);
  const kept = new Runs();
  for (let r = 0; r < subject.length; r++) if (area[root[r]] >= largest * ISLAND_SHARE) kept.push(subject.row[r], subject.start[r], subject.end[r]);
  return kept;
}

/**
 * The renditions put the garment itself on the framing lines and let its
 * contact shadow spill below (renditions.ts frames `subjectBox`), so the box
 * must end where the garment does. From the bottom up, a row is shadow while
 * its subject pixels are the backdrop darkened (same hue, no darker than
 * SHADOW_MIN_RATIO; a few noisy outliers allowed) and it is darker than the
 * rows below it: a shadow deepens towards the garment, while the rows of a
 * grey or white hem, just as neutral, do not keep darkening.
 */
function trimContactShadow(image: RawImage, mask: Uint8Array, box: Box, reference: Rgb): Box {
  const { width, data } = image;
  const referenceLevel = reference[0] + reference[1] + reference[2];
  // On a dark backdrop a shadow is invisible, and the ratios below meaningless.
  if (referenceLevel < 60) return box;
  const maxRows = Math.floor(box.height * SHADOW_MAX_SHARE);
  let bottom = box.top + box.height - 1;
  const trimmed: number[] = [];
  let deepest = 0;
  for (let rows = 0; rows < maxRows; rows++) {
    let darkness = 0;
    let count = 0;
    let outliers = 0;
    for (let i = bottom * width + box.left, end = i + box.width; i < end; i++) {
      if (!mask[i]) continue;
      const p = i * 3;
      const ratio = (data[p] + data[p + 1] + data[p + 2]) / referenceLevel;
      count++;
      darkness += 1 - ratio;
      if (ratio < SHADOW_MIN_RATIO || ratio > 1.02) outliers++;
      else if (Math.abs(data[p] - ratio * reference[0]) > SHADOW_HUE_LEVELS || Math.abs(data[p + 1] - ratio * reference[1]) > SHADOW_HUE_LEVELS || Math.abs(data[p + 2] - ratio * reference[2]) > SHADOW_HUE_LEVELS) outliers++;
    }
    if (count === 0 || outliers > SHADOW_OUTLIERS * count) break;
    darkness /= count;
    const n = trimmed.length;
    if ((deepest >= SHADOW_FAINT && darkness < SHADOW_FAINT) || (n >= SHADOW_RISE_ROWS && darkness <= trimmed[n - SHADOW_RISE_ROWS] + SHADOW_RISE)) break;
    trimmed.push(darkness);
    deepest = Math.max(deepest, darkness);
    bottom--;
  }
  return { ...box, height: bottom - box.top + 1 };
}

/**
 * Distance in 4-connected steps (capped at `max`) from each pixel to the
 * nearest pixel of the other class: for background pixels the distance to the
 * subject (1 = touching it), for subject pixels the depth inside it (1 = on
 * its edge). Grown ring by ring from the class boundary, so the cost is the
 * band's, not the image's (one compare per pixel finds the boundary).
 */
export function maskDistances(mask: Uint8Array, width: number, height: number, max: number): Uint8Array {
  const cap = Math.max(1, Math.min(255, Math.round(max)));
  const pixels = width * height;
  const distance = new Uint8Array(pixels).fill(cap);
  if (cap === 1) return distance;
  let ring = new Int32Array(4096);
  let length = 0;
  const add = (i: number, d: number) => {
    distance[i] = d;
    if (length === ring.length) ring = grow(ring);
    ring[length++] = i;
  };
  for (let y = 0, i = 0; y < height; y++) {
    const lastRow = y === height - 1;
    for (let x = 0; x < width; x++, i++) {
      const own = mask[i];
      if (x < width - 1 && mask[i + 1] !== own) {
        if (distance[i] !== 1) add(i, 1);
        if (distance[i + 1] !== 1) add(i + 1, 1);
      }
      if (!lastRow && mask[i + width] !== own) {
        if (distance[i] !== 1) add(i, 1);
        if (distance[i + width] !== 1) add(i + width, 1);
      }
    }
  }
  for (let d = 2; d < cap && length > 0; d++) {
    const from = ring.slice(0, length);
    length = 0;
    for (let n = 0; n < from.length; n++) {
      const i = from[n];
      const own = mask[i];
      const x = i % width;
      if (x > 0 && mask[i - 1] === own && distance[i - 1] > d) add(i - 1, d);
      if (x < width - 1 && mask[i + 1] === own && distance[i + 1] > d) add(i + 1, d);
      if (i >= width && mask[i - width] === own && distance[i - width] > d) add(i - width, d);
      if (i + width < pixels && mask[i + width] === own && distance[i + width] > d) add(i + width, d);
    }
  }
  return distance;
}
