import type { RawImage } from "~/imaging/raw-image";

/**
 * Perceptual hashes for the near-duplicate check (issue #6): two candidates
 * of one view that look the same to a shopper get one slot in review, not two.
 *
 * The hash is the classic 64-bit DCT pHash (as in the pHash library): luma,
 * an exact area average down to 32×32 (which throws away JPEG noise, scale
 * and fine texture), a 2-D DCT-II, and the 8×8 lowest frequencies after
 * leaving out the first row and column (which hold the DC term), as the
 * pHash library does. Each bit says whether its coefficient is above the
 * median of the 64: a brightness offset only moves the DC term and a
 * contrast change scales all the others alike, so neither flips a bit (until
 * pixels clip). Luma only: the same silhouette in another colour hashes
 * close, which is right for candidates of one garment and view, and is the
 * garment-colour check's business otherwise.
 *
 * One change from the library: the threshold is the median plus 5 % of the
 * coefficients' RMS deviation from it. A left–right symmetric packshot has
 * all its odd horizontal frequencies near zero, which is where the median
 * then lies, so with the plain median half the bits follow sub-pixel shifts
 * and sensor noise (a black t-shirt hashed 20 bits away from itself enlarged
 * 1.37×). The small dead zone sends those near-zero coefficients to 0 every
 * time: over the test set the worst re-encoding moved 5 bits instead of 20.
 */

const SIZE = 32;
const LOW = 8;
/** The threshold sits this many RMS deviations above the median (see the top comment). */
const DEAD_ZONE = 0.05;

/** cos((2x + 1)uπ / 64) for u = 0..LOW, x = 0..31. */
const COSINES = Float64Array.from({ length: (LOW + 1) * SIZE }, (_, i) => Math.cos(((2 * (i % SIZE) + 1) * Math.floor(i / SIZE) * Math.PI) / (2 * SIZE)));

/**
 * How the pixels along one axis fall into the 32 cells: pixel i covers
 * [i, i + 1) and gives each cell it overlaps the overlap, in cells, so every
 * cell's weights sum to 1. With at least 32 pixels a pixel overlaps at most
 * two cells, `cell` and `cell + 1`; a shorter axis is first repeated (each
 * pixel `repeat` times) until it is that long, which is the same average.
 */
function axisWeights(length: number, repeat: number): { cell: Int32Array; near: Float64Array; far: Float64Array } {
  const stretched = length * repeat;
  const cell = new Int32Array(stretched);
  const near = new Float64Array(stretched);
  const far = new Float64Array(stretched);
  for (let i = 0; i < stretched; i++) {
    const from = (i * SIZE) / stretched;
    const to = ((i + 1) * SIZE) / stretched;
    cell[i] = Math.floor(from);
    near[i] = Math.min(to, cell[i] + 1) - from;
    far[i] = to - from - near[i];
  }
  return { cell, near, far };
}

/**
 * Luma (Rec. 601) of an exact 32×32 area average; transparent pixels count as
 * white (a cut-out is shown on white). Every pixel, not a sample of them:
 * sampling made the hash of a symmetric packshot depend on which pixels were
 * picked (up to 11 bits between an image and itself resized).
 */
function lumaGrid(image: RawImage): Float64Array {
  const { width, height, channels, data } = image;
  const repeatX = Math.ceil(SIZE / width);
  const repeatY = Math.ceil(SIZE / height);
  const columns = axisWeights(width, repeatX);
  const rows = axisWeights(height, repeatY);
  const grid = new Float64Array(SIZE * SIZE);
  // One spare cell: the last pixel's `far` share is zero and lands there.
  const row = new Float64Array(SIZE + 1);
  const offset = Int32Array.from({ length: width * repeatX }, (_, x) => Math.floor(x / repeatX) * channels);
  for (let y = 0; y < height * repeatY; y++) {
    row.fill(0);
    const start = Math.floor(y / repeatY) * width * channels;
    for (let x = 0; x < offset.length; x++) {
      const q = start + offset[x];
      let luma = 0.299 * data[q] + 0.587 * data[q + 1] + 0.114 * data[q + 2];
      if (channels === 4) {
        const alpha = data[q + 3] / 255;
        luma = alpha * luma + (1 - alpha) * 255;
      }
      const c = columns.cell[x];
      row[c] += columns.near[x] * luma;
      row[c + 1] += columns.far[x] * luma;
    }
    const c = rows.cell[y];
    const near = rows.near[y];
    const far = rows.far[y];
    for (let x = 0; x < SIZE; x++) {
      grid[c * SIZE + x] += near * row[x];
      if (far > 0) grid[(c + 1) * SIZE + x] += far * row[x];
    }
  }
  return grid;
}

/** The 64 DCT coefficients the hash is made of, row by row (v = 1..8, u = 1..8). */
function hashCoefficients(image: RawImage): number[] {
  if (image.width < 1 || image.height < 1) throw new RangeError("cannot hash an empty image");
  const grid = lumaGrid(image);
  // Separable DCT, only the (LOW + 1)² lowest frequencies: rows first, then columns.
  const rows = new Float64Array((LOW + 1) * SIZE);
  for (let u = 0; u <= LOW; u++) {
    for (let y = 0; y < SIZE; y++) {
      let sum = 0;
      for (let x = 0; x < SIZE; x++) sum += COSINES[u * SIZE + x] * grid[y * SIZE + x];
      rows[u * SIZE + y] = sum;
    }
  }
  const coefficients: number[] = [];
  for (let v = 1; v <= LOW; v++) {
    for (let u = 1; u <= LOW; u++) {
      let sum = 0;
      for (let y = 0; y < SIZE; y++) sum += COSINES[v * SIZE + y] * rows[u * SIZE + y];
      coefficients.push(sum);
    }
  }
  return coefficients;
}

/** The 64-bit pHash of an image as 16 lower-case hex digits. */
export function perceptualHash(image: RawImage): string {
  const coefficients = hashCoefficients(image);
  const sorted = [...coefficients].sort((a, b) => a - b);
  const median = (sorted[31] + sorted[32]) / 2;
  const spread = Math.sqrt(coefficients.reduce((sum, c) => sum + (c - median) ** 2, 0) / coefficients.length);
  const threshold = median + DEAD_ZONE * spread;
  let hex = "";
  for (let nibble = 0; nibble < 16; nibble++) {
    let value = 0;
    for (let bit = 0; bit < 4; bit++) value = (value << 1) | (coefficients[nibble * 4 + bit] > threshold ? 1 : 0);
    hex += value.toString(16);
  }
  return hex;
}

const HASH = /^[0-9a-f]{16}$/i;

function popcount32(n: number): number {
  n = n - ((n >>> 1) & 0x55555555);
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (((n + (n >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Bits that differ between two hashes (0–64). */
export function hammingDistance(a: string, b: string): number {
  if (!HASH.test(a) || !HASH.test(b)) throw new RangeError(`a perceptual hash is 16 hex digits, got "${HASH.test(a) ? b : a}"`);
  return popcount32(parseInt(a.slice(0, 8), 16) ^ parseInt(b.slice(0, 8), 16)) + popcount32(parseInt(a.slice(8), 16) ^ parseInt(b.slice(8), 16));
}

/**
 * Which items repeat a better one. Items are visited best first (lower rank,
 * then input order); an item within `maxDistance` bits of any better item
 * repeats the nearest of them (the better one on a tie), and is mapped to the
 * item that one resolves to, so every value in the map is a kept item. Kept
 * items are not in the map. A chain a–b–c where only neighbours are close
 * collapses entirely onto a: each step looks like the last.
 */
export function collapseNearDuplicates(items: readonly { id: string; phash: string; rank: number }[], maxDistance: number): Map<string, string> {
  const ids = new Set<string>();
  for (const item of items) {
    if (ids.has(item.id)) throw new RangeError(`item id "${item.id}" appears twice`);
    ids.add(item.id);
  }
  const order = items.map((item, index) => ({ item, index })).sort((a, b) => a.item.rank - b.item.rank || a.index - b.index);
  const repeats = new Map<string, string>();
  for (let i = 0; i < order.length; i++) {
    const { item } = order[i];
    let nearest = -1;
    let distance = Infinity;
    for (let j = 0; j < i; j++) {
      const d = hammingDistance(item.phash, order[j].item.phash);
      if (d <= maxDistance && d < distance) {
        distance = d;
        nearest = j;
      }
    }
    if (nearest < 0) continue;
    const better = order[nearest].item.id;
    repeats.set(item.id, repeats.get(better) ?? better);
  }
  return repeats;
}
