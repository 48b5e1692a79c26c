import type { RawImage } from "./raw-image";

/**
 * Keys a seamless studio backdrop out of a product shot (ADR 0013).
 *
 * The backdrop is modelled as a smooth surface (a robust quadratic fit to the
 * image border, per channel) so light fall-off across a sweep is not mistaken
 * for the subject. Only backdrop-coloured pixels connected to the border are
 * removed (a span flood fill), so a white print on a white garment stays. In a
 * narrow band along the keyed edge, alpha is solved from the compositing
 * equation C = αF + (1−α)B with the local backdrop B and the nearby subject
 * colour F, and the edge colour is decontaminated to F, so no backdrop fringe
 * shows when the cutout is placed on another colour.
 */

export interface BackdropEstimate {
  /** The backdrop's typical colour (median of the border samples that fit the model), sRGB. */
  colour: [number, number, number];
  /** Robust spread (p95 distance, in levels) of the fitting border samples from the backdrop model. */
  spread: number;
  /** True when the border looks like a seamless studio backdrop that keying can remove. */
  uniform: boolean;
}

export interface KeyOptions {
  /** Distance (levels, perceptually weighted RGB) under which a pixel is pure backdrop. Default: from the border's spread. */
  tolerance?: number;
  /** Width (levels) of the alpha ramp above the tolerance, used where the subject colour cannot be sampled. Default: the tolerance. */
  softness?: number;
  /**
   * Radius (px) of an extra edge feather: a tent blur of the solved edge alpha in which the keyed
   * backdrop counts as transparent and stays so (the edge softens inwards, never glows outwards).
   * Default 0: the solved alpha is already the soft edge, and feathering it costs accuracy (ADR 0013).
   */
  feather?: number;
}

export interface KeyResult {
  /** RGBA, same size as the input, edge colours decontaminated. */
  image: RawImage;
  backdrop: BackdropEstimate;
  /** width*height, 1 where the pixel is confidently pure backdrop (keyed, and not next to the subject). */
  backdropMask: Uint8Array;
  /** Fraction of the image's pixels keyed out as backdrop. */
  keyedFraction: number;
}

/** The quadratic backdrop surface: per channel, coefficients of [1, u, v, u², v², uv] over u, v ∈ [−1, 1]. */
interface BackdropModel {
  coefficients: Float64Array;
}

interface BackdropFit {
  estimate: BackdropEstimate;
  model: BackdropModel;
}

const TERMS = 6;
/** Border samples kept for the fit; more adds time, not accuracy. */
const MAX_SAMPLES = 6_000;
/** Above these the border is not a studio backdrop (see `uniform`). */
const UNIFORM_MAX_SPREAD = 12;
const UNIFORM_MIN_INLIERS = 0.7;
const UNIFORM_MAX_RANGE = 60;
/** Subject pixels up to this many steps (4-connected) from the keyed backdrop get a solved alpha: enough for a lens-softened edge. */
const BAND_DEPTH = 4;
/** Keyed pixels this close to the subject are not reported as pure backdrop. */
const MARGIN_DEPTH = 3;
/** Islands (see clearIslands) within this many tolerances of the backdrop are cleared, as are small ones (1 % of the shorter side, squared). */
const FAINT_ISLAND = 3;
/** Contrast (levels) above which band pixels pass on only the subject colour they were given. */
const OWN_COLOUR_CONTRAST = 60;
/** Cell size (px) of the local corrections to the backdrop model along the edge. */
const OFFSET_CELL = 16;
/** Pixels per evaluation of the backdrop surface in the keying pass. */
const MODEL_RUN = 16;

/**
 * Squared perceptual distance between two sRGB colours in "levels": the
 * "redmean" weighting of RGB differences (green counts most, red and blue
 * trade places with the mean red), normalised so an equal step of k on all
 * three channels measures k. Cheap enough for every pixel; Lab would need a cube root.
 */
function distanceSquared(dr: number, dg: number, db: number, meanRed: number): number {
  const wr = 2 + meanRed / 256;
  const wb = 2 + (255 - meanRed) / 256;
  return (wr * dr * dr + 4 * dg * dg + wb * db * db) / 9;
}

/** The value at `fraction` of the sorted values (quickselect on a copy). */
function percentile(values: ArrayLike<number>, fraction: number): number {
  const n = values.length;
  if (n === 0) return 0;
  const a = Float64Array.from(values);
  const k = Math.min(n - 1, Math.floor(fraction * n));
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k];
}

/** Border ring samples: positions normalised to [−1, 1] and colours. */
function borderSamples(image: RawImage) {
  const { width, height, channels, data } = image;
  const ring = Math.max(2, Math.min(Math.floor(Math.min(width, height) / 4), Math.round(Math.min(width, height) * 0.01)));
  const ringPixels = 2 * ring * (width + height) - 4 * ring * ring;
  const step = Math.max(1, Math.ceil(Math.sqrt(ringPixels / MAX_SAMPLES)));
  const xs: number[] = [];
  const ys: number[] = [];
  for (let y = 0; y < height; y += step) {
    const edgeRow = y < ring || y >= height - ring;
    for (let x = 0; x < width; x += step) {
      // Between the top and bottom bands only the side bands are border.
      if (!edgeRow && x >= ring && x < width - ring) continue;
      xs.push(x);
      ys.push(y);
    }
  }
  const count = xs.length;
  const u = new Float64Array(count);
  const v = new Float64Array(count);
  const colour = new Float64Array(count * 3);
  const su = width > 1 ? 2 / (width - 1) : 0;
  const sv = height > 1 ? 2 / (height - 1) : 0;
  for (let i = 0; i < count; i++) {
    u[i] = xs[i] * su - 1;
    v[i] = ys[i] * sv - 1;
    const p = (ys[i] * width + xs[i]) * channels;
    colour[i * 3] = data[p];
    colour[i * 3 + 1] = data[p + 1];
    colour[i * 3 + 2] = data[p + 2];
  }
  return { count, u, v, colour };
}

function basis(u: number, v: number, out: Float64Array): void {
  out[0] = 1;
  out[1] = u;
  out[2] = v;
  out[3] = u * u;
  out[4] = v * v;
  out[5] = u * v;
}

/** Solves the normal equations (Gaussian elimination with partial pivoting); false if singular. */
function solve(matrix: Float64Array, rhs: Float64Array, n: number, columns: number): boolean {
  for (let k = 0; k < n; k++) {
    let pivot = k;
    for (let r = k + 1; r < n; r++) if (Math.abs(matrix[r * n + k]) > Math.abs(matrix[pivot * n + k])) pivot = r;
    if (Math.abs(matrix[pivot * n + k]) < 1e-9) return false;
    if (pivot !== k) {
      for (let c = 0; c < n; c++) [matrix[k * n + c], matrix[pivot * n + c]] = [matrix[pivot * n + c], matrix[k * n + c]];
      for (let c = 0; c < columns; c++) [rhs[k * columns + c], rhs[pivot * columns + c]] = [rhs[pivot * columns + c], rhs[k * columns + c]];
    }
    for (let r = 0; r < n; r++) {
      if (r === k) continue;
      const factor = matrix[r * n + k] / matrix[k * n + k];
      if (factor === 0) continue;
      for (let c = k; c < n; c++) matrix[r * n + c] -= factor * matrix[k * n + c];
      for (let c = 0; c < columns; c++) rhs[r * columns + c] -= factor * rhs[k * columns + c];
    }
  }
  for (let k = 0; k < n; k++) for (let c = 0; c < columns; c++) rhs[k * columns + c] /= matrix[k * n + k];
  return true;
}

/** Least-squares quadratic surface through the chosen samples; a constant (their mean) when too few or degenerate. */
function fitSurface(samples: ReturnType<typeof borderSamples>, use: Uint8Array): Float64Array {
  const matrix = new Float64Array(TERMS * TERMS);
  const rhs = new Float64Array(TERMS * 3);
  const row = new Float64Array(TERMS);
  const mean = [0, 0, 0];
  let used = 0;
  for (let i = 0; i < samples.count; i++) {
    if (!use[i]) continue;
    used++;
    basis(samples.u[i], samples.v[i], row);
    for (let a = 0; a < TERMS; a++) {
      for (let b = 0; b < TERMS; b++) matrix[a * TERMS + b] += row[a] * row[b];
      for (let c = 0; c < 3; c++) rhs[a * 3 + c] += row[a] * samples.colour[i * 3 + c];
    }
    for (let c = 0; c < 3; c++) mean[c] += samples.colour[i * 3 + c];
  }
  const coefficients = new Float64Array(TERMS * 3);
  if (used >= TERMS * 4 && solve(matrix, rhs, TERMS, 3)) {
    for (let c = 0; c < 3; c++) for (let t = 0; t < TERMS; t++) coefficients[c * TERMS + t] = rhs[t * 3 + c];
  } else {
    for (let c = 0; c < 3; c++) coefficients[c * TERMS] = used > 0 ? mean[c] / used : 0;
  }
  return coefficients;
}

function modelAt(coefficients: Float64Array, u: number, v: number, out: Float64Array): void {
  for (let c = 0; c < 3; c++) {
    const k = c * TERMS;
    out[c] = coefficients[k] + coefficients[k + 1] * u + coefficients[k + 2] * v + coefficients[k + 3] * u * u + coefficients[k + 4] * v * v + coefficients[k + 5] * u * v;
  }
}

function sampleDistances(samples: ReturnType<typeof borderSamples>, coefficients: Float64Array, out: Float64Array): void {
  const model = new Float64Array(3);
  for (let i = 0; i < samples.count; i++) {
    modelAt(coefficients, samples.u[i], samples.v[i], model);
    const r = samples.colour[i * 3];
    out[i] = Math.sqrt(distanceSquared(r - model[0], samples.colour[i * 3 + 1] - model[1], samples.colour[i * 3 + 2] - model[2], (r + model[0]) / 2));
  }
}

function fitBackdrop(image: RawImage): BackdropFit {
  const samples = borderSamples(image);
  const distances = new Float64Array(samples.count);
  const use = new Uint8Array(samples.count);

  // Start from the per-channel median (a garment touching the border must not drag the first fit),
  // then refit the quadratic on the samples that agree with the previous fit.
  const coefficients = new Float64Array(TERMS * 3);
  for (let c = 0; c < 3; c++) {
    const channel = new Float64Array(samples.count);
    for (let i = 0; i < samples.count; i++) channel[i] = samples.colour[i * 3 + c];
    coefficients[c * TERMS] = percentile(channel, 0.5);
  }
  let current: Float64Array = coefficients;
  let cutoff = 0;
  for (let iteration = 0; iteration < 4; iteration++) {
    sampleDistances(samples, current, distances);
    cutoff = Math.max(4, 3 * percentile(distances, 0.5));
    for (let i = 0; i < samples.count; i++) use[i] = distances[i] <= cutoff ? 1 : 0;
    current = fitSurface(samples, use);
  }
  sampleDistances(samples, current, distances);
  const inlierDistances: number[] = [];
  const inlierColours: number[][] = [[], [], []];
  for (let i = 0; i < samples.count; i++) {
    if (distances[i] > cutoff) continue;
    inlierDistances.push(distances[i]);
    for (let c = 0; c < 3; c++) inlierColours[c].push(samples.colour[i * 3 + c]);
  }
  const inliers = inlierDistances.length / Math.max(1, samples.count);
  const spread = percentile(Float64Array.from(inlierDistances), 0.95);
  const colour = inlierColours.map((values) => Math.round(percentile(Float64Array.from(values), 0.5))) as [number, number, number];

  // A studio sweep falls off in brightness but does not change colour much across the frame;
  // a smooth many-hued gradient can fit a quadratic and still be no backdrop to key.
  const model = new Float64Array(3);
  let range = 0;
  for (let gy = 0; gy <= 8; gy++) {
    for (let gx = 0; gx <= 8; gx++) {
      modelAt(current, gx / 4 - 1, gy / 4 - 1, model);
      const d = distanceSquared(model[0] - colour[0], model[1] - colour[1], model[2] - colour[2], (model[0] + colour[0]) / 2);
      range = Math.max(range, Math.sqrt(d));
    }
  }
  const uniform = inliers >= UNIFORM_MIN_INLIERS && spread <= UNIFORM_MAX_SPREAD && range <= UNIFORM_MAX_RANGE;
  return {
    estimate: { colour, spread: Math.round(spread * 100) / 100, uniform },
    model: { coefficients: current },
  };
}

export function estimateBackdrop(image: RawImage): BackdropEstimate {
  return fitBackdrop(image).estimate;
}

/** Pixel states: backdrop-coloured, keyed (backdrop-coloured and connected to the border), and band pixels whose subject colour is known. */
const PASSABLE = 1;
const KEYED = 2;
const SUBJECT_KNOWN = 3;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Marks every pixel whose distance from the backdrop model is under the
 * tolerance PASSABLE (else 0) and copies it into the RGBA output, opaque (or
 * with its own alpha); the flood fill then clears the alpha of what it keys.
 * The hot loop: one pass, the surface evaluated once per run of pixels.
 */
function markBackdropColoured(image: RawImage, model: BackdropModel, colour: [number, number, number], tolerance: number, state: Uint8Array, out: Buffer): void {
  const { width, height, channels, data } = image;
  // Word writes where the platform allows (RGB in, little-endian, aligned output).
  const words = LITTLE_ENDIAN && channels === 3 && out.byteOffset % 4 === 0 ? new Uint32Array(out.buffer, out.byteOffset, width * height) : null;
  const k = model.coefficients;
  const su = width > 1 ? 2 / (width - 1) : 0;
  const sv = height > 1 ? 2 / (height - 1) : 0;
  const limit = tolerance * tolerance * 9;
  // Near the threshold C ≈ B, so the backdrop's own red sets the weights: constants for the whole pass.
  const wr = 2 + colour[0] / 256;
  const wb = 2 + (255 - colour[0]) / 256;
  for (let y = 0; y < height; y++) {
    const v = y * sv - 1;
    // Per row the surface is a0 + a1·u + a2·u² for each channel.
    const r0 = k[0] + k[2] * v + k[4] * v * v, r1 = k[1] + k[5] * v, r2 = k[3];
    const g0 = k[6] + k[8] * v + k[10] * v * v, g1 = k[7] + k[11] * v, g2 = k[9];
    const b0 = k[12] + k[14] * v + k[16] * v * v, b1 = k[13] + k[17] * v, b2 = k[15];
    // The surface changes by hundredths of a level per pixel: evaluate it once per short run of pixels.
    for (let x0 = 0; x0 < width; x0 += MODEL_RUN) {
      const x1 = Math.min(width, x0 + MODEL_RUN);
      const u = ((x0 + x1 - 1) / 2) * su - 1;
      const br = r0 + u * (r1 + u * r2);
      const bg = g0 + u * (g1 + u * g2);
      const bb = b0 + u * (b1 + u * b2);
      if (words) {
        for (let i = y * width + x0, p = i * 3, end = y * width + x1; i < end; i++, p += 3) {
          const red = data[p], green = data[p + 1], blue = data[p + 2];
          const dr = red - br;
          const dg = green - bg;
          const db = blue - bb;
          state[i] = wr * dr * dr + 4 * dg * dg + wb * db * db < limit ? PASSABLE : 0;
          words[i] = red | (green << 8) | (blue << 16) | 0xff000000;
        }
        continue;
      }
      for (let i = y * width + x0, p = i * channels, end = y * width + x1; i < end; i++, p += channels) {
        const red = data[p], green = data[p + 1], blue = data[p + 2];
        const dr = red - br;
        const dg = green - bg;
        const db = blue - bb;
        state[i] = wr * dr * dr + 4 * dg * dg + wb * db * db < limit ? PASSABLE : 0;
        out[i * 4] = red;
        out[i * 4 + 1] = green;
        out[i * 4 + 2] = blue;
        out[i * 4 + 3] = channels === 4 ? data[p + 3] : 255;
      }
    }
  }
}

/** A growable list of pixel indices. */
class IndexList {
  items = new Int32Array(1024);
  length = 0;
  push(index: number): void {
    if (this.length === this.items.length) {
      const grown = new Int32Array(this.items.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    this.items[this.length++] = index;
  }
}

/**
 * Span flood fill from the border through backdrop-coloured pixels
 * (4-connected); marks them KEYED (transparent in `out`, 1 in `keyedMask`)
 * and returns how many. The subject pixels it meets (4-neighbours of keyed
 * ones) get depth 1 and go into `edge`.
 */
function floodFromBorder(state: Uint8Array, width: number, height: number, depthMap: Int8Array, edge: IndexList, out: Buffer, keyedMask: Uint8Array): number {
  let stack = new Int32Array(4096);
  let top = 0;
  const push = (index: number) => {
    if (top === stack.length) {
      const grown = new Int32Array(stack.length * 2);
      grown.set(stack);
      stack = grown;
    }
    stack[top++] = index;
  };
  for (let x = 0; x < width; x++) {
    if (state[x] === PASSABLE) push(x);
    const bottom = (height - 1) * width + x;
    if (state[bottom] === PASSABLE) push(bottom);
  }
  for (let y = 1; y < height - 1; y++) {
    if (state[y * width] === PASSABLE) push(y * width);
    if (state[y * width + width - 1] === PASSABLE) push(y * width + width - 1);
  }
  let keyed = 0;
  while (top > 0) {
    const seed = stack[--top];
    if (state[seed] !== PASSABLE) continue;
    const rowStart = seed - (seed % width);
    const rowEnd = rowStart + width - 1;
    let left = seed;
    while (left > rowStart && state[left - 1] === PASSABLE) left--;
    let right = seed;
    while (right < rowEnd && state[right + 1] === PASSABLE) right++;
    state.fill(KEYED, left, right + 1);
    keyedMask.fill(1, left, right + 1);
    for (let j = left; j <= right; j++) out[j * 4 + 3] = 0;
    keyed += right - left + 1;
    if (left > rowStart && state[left - 1] === 0 && depthMap[left - 1] === 0) {
      depthMap[left - 1] = 1;
      edge.push(left - 1);
    }
    if (right < rowEnd && state[right + 1] === 0 && depthMap[right + 1] === 0) {
      depthMap[right + 1] = 1;
      edge.push(right + 1);
    }
    for (let side = 0; side < 2; side++) {
      const start = left + (side === 0 ? -width : width);
      if (start < 0 || start >= state.length) continue;
      let inRun = false;
      for (let j = start, end = start + right - left; j <= end; j++) {
        const s = state[j];
        if (s === PASSABLE) {
          if (!inRun) push(j);
          inRun = true;
        } else {
          inRun = false;
          if (s === 0 && depthMap[j] === 0) {
            depthMap[j] = 1;
            edge.push(j);
          }
        }
      }
    }
  }
  return keyed;
}

/** The 4-neighbours of `from` that satisfy `accept` and have no depth yet, given `depth`. */
function growRing(from: IndexList, width: number, height: number, depthMap: Int8Array, depth: number, accept: (index: number) => boolean): IndexList {
  const next = new IndexList();
  const visit = (j: number) => {
    if (depthMap[j] !== 0 || !accept(j)) return;
    depthMap[j] = depth;
    next.push(j);
  };
  const last = (height - 1) * width;
  for (let n = 0; n < from.length; n++) {
    const i = from.items[n];
    const x = i % width;
    if (x > 0) visit(i - 1);
    if (x < width - 1) visit(i + 1);
    if (i >= width) visit(i - width);
    if (i < last) visit(i + width);
  }
  return next;
}

/** Per band pixel (ring by ring, slot = ring offset + index) its pixel, ring, and solved alpha and colour. */
class BandSolution {
  readonly pixel: Int32Array;
  readonly depth: Uint8Array;
  readonly alpha: Float32Array;
  readonly colour: Float32Array;
  private readonly offsets: number[] = [0];
  constructor(rings: IndexList[]) {
    for (const ring of rings) this.offsets.push(this.offsets[this.offsets.length - 1] + ring.length);
    const total = this.offsets[rings.length];
    this.pixel = new Int32Array(total);
    this.depth = new Uint8Array(total);
    rings.forEach((ring, r) => {
      this.pixel.set(ring.items.subarray(0, ring.length), this.offsets[r]);
      this.depth.fill(r + 1, this.offsets[r], this.offsets[r + 1]);
    });
    this.alpha = new Float32Array(total);
    this.colour = new Float32Array(total * 3);
  }
  slot(depth: number, n: number): number {
    return this.offsets[depth - 1] + n;
  }
  set(slot: number, alpha: number, r: number, g: number, b: number): void {
    this.alpha[slot] = alpha;
    this.colour[slot * 3] = r;
    this.colour[slot * 3 + 1] = g;
    this.colour[slot * 3 + 2] = b;
  }
}

/** Tent-weighted mean of the alpha around each band pixel (keyed pixels count as 0 and stay 0). */
function featherBand(out: Buffer, rings: IndexList[], width: number, height: number, radius: number): void {
  const reach = Math.ceil(radius);
  const weights = new Float64Array(reach + 1);
  for (let d = 0; d <= reach; d++) weights[d] = Math.max(0, 1 - d / (radius + 1));
  const feathered = rings.map((ring) => new Uint8Array(ring.length));
  rings.forEach((ring, r) => {
    for (let n = 0; n < ring.length; n++) {
      const i = ring.items[n];
      const x = i % width;
      const y = (i - x) / width;
      let sum = 0, total = 0;
      for (let yy = Math.max(0, y - reach); yy <= Math.min(height - 1, y + reach); yy++) {
        const wy = weights[Math.abs(yy - y)];
        for (let xx = Math.max(0, x - reach); xx <= Math.min(width - 1, x + reach); xx++) {
          const w = wy * weights[Math.abs(xx - x)];
          sum += w * out[(yy * width + xx) * 4 + 3];
          total += w;
        }
      }
      feathered[r][n] = Math.round(sum / total);
    }
  });
  rings.forEach((ring, r) => {
    for (let n = 0; n < ring.length; n++) out[ring.items[n] * 4 + 3] = feathered[r][n];
  });
}

/**
 * Islands are groups of unkeyed pixels (8-connected) with no core: every pixel
 * is in the edge band, none is joined to the subject. Sensor noise, dust and
 * JPEG ringing beside a high-contrast edge make them. They are made
 * transparent when small (at most `smallArea` pixels; ringing can be well off
 * the backdrop colour) or faint (no pixel further than `faint` from the
 * backdrop). A thin feature of the subject is joined to it, so it is not an island.
 */
function clearIslands(
  image: RawImage,
  out: Buffer,
  rings: IndexList[],
  state: Uint8Array,
  depthMap: Int8Array,
  localBackdrop: (x: number, y: number, out: Float64Array) => void,
  faint: number,
  smallArea: number,
): void {
  const { width, height, channels, data } = image;
  const visited = new Uint8Array(width * height);
  const queue = new IndexList();
  const backdrop = new Float64Array(3);
  const limit = faint * faint;
  for (const ring of rings) {
    for (let n = 0; n < ring.length; n++) {
      const start = ring.items[n];
      if (visited[start]) continue;
      visited[start] = 1;
      queue.length = 0;
      queue.push(start);
      let joined = false;
      let strong = false;
      for (let head = 0; head < queue.length && !joined; head++) {
        const i = queue.items[head];
        const x = i % width;
        const y = (i - x) / width;
        if (!strong) {
          localBackdrop(x, y, backdrop);
          const p = i * channels;
          strong = distanceSquared(data[p] - backdrop[0], data[p + 1] - backdrop[1], data[p + 2] - backdrop[2], (data[p] + backdrop[0]) / 2) >= limit;
        }
        for (let yy = Math.max(0, y - 1); yy <= Math.min(height - 1, y + 1) && !joined; yy++) {
          for (let xx = Math.max(0, x - 1); xx <= Math.min(width - 1, x + 1); xx++) {
            const j = yy * width + xx;
            if (state[j] === KEYED || visited[j]) continue;
            if (depthMap[j] <= 0) {
              joined = true;
              break;
            }
            visited[j] = 1;
            queue.push(j);
          }
        }
      }
      // A group cut short by meeting the core was joined; its unvisited rest is reached from the core side.
      if (joined || (strong && queue.length > smallArea)) continue;
      for (let m = 0; m < queue.length; m++) out[queue.items[m] * 4 + 3] = 0;
    }
  }
}

function clamp255(value: number): number {
  return value < 0 ? 0 : value > 255 ? 255 : Math.round(value);
}

/**
 * Per-cell mean of (colour − model) over keyed pixels near the subject: the
 * model is smooth and noise-free but may miss a few levels of local fall-off;
 * these offsets correct it where the edge is solved.
 */
function backdropOffsets(rings: IndexList[], image: RawImage, model: BackdropModel) {
  const { width, height, channels, data } = image;
  const columns = Math.ceil(width / OFFSET_CELL);
  const rows = Math.ceil(height / OFFSET_CELL);
  const sums = new Float64Array(columns * rows * 3);
  const counts = new Uint32Array(columns * rows);
  const su = width > 1 ? 2 / (width - 1) : 0;
  const sv = height > 1 ? 2 / (height - 1) : 0;
  const backdrop = new Float64Array(3);
  for (const ring of rings) {
    for (let n = 0; n < ring.length; n++) {
      const i = ring.items[n];
      const x = i % width;
      const y = (i - x) / width;
      modelAt(model.coefficients, x * su - 1, y * sv - 1, backdrop);
      const cell = Math.floor(y / OFFSET_CELL) * columns + Math.floor(x / OFFSET_CELL);
      const p = i * channels;
      sums[cell * 3] += data[p] - backdrop[0];
      sums[cell * 3 + 1] += data[p + 1] - backdrop[1];
      sums[cell * 3 + 2] += data[p + 2] - backdrop[2];
      counts[cell]++;
    }
  }
  // Each cell's offset is the mean over the 3×3 cells around it (enough samples, and cells under the subject borrow from their neighbours).
  const offsets = new Float32Array(columns * rows * 3);
  for (let cy = 0; cy < rows; cy++) {
    for (let cx = 0; cx < columns; cx++) {
      let r = 0, g = 0, b = 0, n = 0;
      for (let yy = Math.max(0, cy - 1); yy <= Math.min(rows - 1, cy + 1); yy++) {
        for (let xx = Math.max(0, cx - 1); xx <= Math.min(columns - 1, cx + 1); xx++) {
          const cell = yy * columns + xx;
          r += sums[cell * 3];
          g += sums[cell * 3 + 1];
          b += sums[cell * 3 + 2];
          n += counts[cell];
        }
      }
      if (n === 0) continue;
      const cell = cy * columns + cx;
      offsets[cell * 3] = r / n;
      offsets[cell * 3 + 1] = g / n;
      offsets[cell * 3 + 2] = b / n;
    }
  }
  /** The local backdrop at (x, y): the model plus its cell's offset. */
  return (x: number, y: number, out: Float64Array): void => {
    modelAt(model.coefficients, x * su - 1, y * sv - 1, out);
    const cell = Math.floor(y / OFFSET_CELL) * columns + Math.floor(x / OFFSET_CELL);
    out[0] += offsets[cell * 3];
    out[1] += offsets[cell * 3 + 1];
    out[2] += offsets[cell * 3 + 2];
  };
}

export function keyBackdrop(image: RawImage, options: KeyOptions = {}): KeyResult {
  const { width, height, channels, data } = image;
  const pixels = width * height;
  const fit = fitBackdrop(image);
  const tolerance = options.tolerance ?? Math.max(4, 1.5 * fit.estimate.spread + 1);
  const softness = Math.max(1, options.softness ?? tolerance);
  const feather = Math.max(0, options.feather ?? 0);

  // Keyed pixels transparent, the rest keep their alpha (opaque for RGB); the edge band is solved below.
  const state = new Uint8Array(pixels);
  const depthMap = new Int8Array(pixels);
  const edge = new IndexList();
  const out = Buffer.allocUnsafe(pixels * 4);
  const backdropMask = new Uint8Array(pixels);
  markBackdropColoured(image, fit.model, fit.estimate.colour, tolerance, state, out);
  const keyed = floodFromBorder(state, width, height, depthMap, edge, out, backdropMask);

  // Depth rings (4-connected steps from the keyed region): 1..BAND_DEPTH into the subject, −1..−MARGIN_DEPTH into the backdrop.
  const rings: IndexList[] = [edge];
  for (let d = 2; d <= BAND_DEPTH; d++) rings.push(growRing(rings[d - 2], width, height, depthMap, d, (j) => state[j] !== KEYED));
  const outer: IndexList[] = [];
  for (let d = 1; d <= MARGIN_DEPTH; d++) outer.push(growRing(d === 1 ? edge : outer[d - 2], width, height, depthMap, -d, (j) => state[j] === KEYED));
  for (const ring of outer) for (let n = 0; n < ring.length; n++) backdropMask[ring.items[n]] = 0;

  // Solve the band ring by ring from the inside out. Each pixel's subject colour F comes from its
  // neighbours one ring deeper, so prints meeting the edge keep their own colour and shading towards
  // the edge is followed; what a pixel passes on is kept in `out` (marked SUBJECT_KNOWN) until the
  // solved colours are written. The local backdrop B is the model corrected by the keyed pixels two
  // and three steps out.
  const localBackdrop = backdropOffsets(outer.slice(1), image, fit.model);
  const solved = new BandSolution(rings);
  const backdrop = new Float64Array(3);
  const minimumContrast = tolerance * tolerance * 9;
  // Per-channel noise σ from the border: the p95 of the (normalised) 3-channel distance is about 1.65σ.
  const noise = Math.max(0.5, fit.estimate.spread / 1.65);

  /** Solves band pixel i into `slot`; false when no neighbour offered a subject colour (`sideways`: any neighbour that knows one). */
  const solvePixel = (i: number, depth: number, slot: number, sideways: boolean): boolean => {
    const x = i % width;
    const y = (i - x) / width;
    localBackdrop(x, y, backdrop);
    const br = backdrop[0], bg = backdrop[1], bb = backdrop[2];
    const p = i * channels;
    const cr = data[p], cg = data[p + 1], cb = data[p + 2];
    const dr = cr - br, dg = cg - bg, db = cb - bb;
    const meanRed = (cr + br) / 2;
    const wr = 2 + meanRed / 256, wb = 2 + (255 - meanRed) / 256;

    // Candidates for F: the 8-neighbours one ring deeper (the opaque core for the deepest ring).
    // The one whose line from B passes closest to C wins, so a white stripe reaching the edge is
    // solved against white, not against the navy stripe beside it.
    let best = -1, bestResidual = Infinity, bestAlpha = 0, bestContrast = 0;
    let candidates = 0;
    for (let yy = Math.max(0, y - 1); yy <= Math.min(height - 1, y + 1); yy++) {
      for (let xx = Math.max(0, x - 1); xx <= Math.min(width - 1, x + 1); xx++) {
        const j = yy * width + xx;
        const core = depthMap[j] === 0 && state[j] !== KEYED;
        const source = sideways ? j !== i && (core || state[j] === SUBJECT_KNOWN) : depth === BAND_DEPTH ? core : depthMap[j] === depth + 1 && state[j] === SUBJECT_KNOWN;
        if (!source) continue;
        candidates++;
        const er = out[j * 4] - br, eg = out[j * 4 + 1] - bg, eb = out[j * 4 + 2] - bb;
        const contrast = wr * er * er + 4 * eg * eg + wb * eb * eb;
        if (contrast < minimumContrast) continue;
        // α: the projection of C − B onto F − B (the compositing equation, least squares over the channels).
        // Candidates are compared by the distance of C from their line (α unclamped): clamping would
        // favour candidates further from B than C and so bias α low wherever noise is comparable to contrast.
        const a = (wr * dr * er + 4 * dg * eg + wb * db * eb) / contrast;
        const rr = dr - a * er, rg = dg - a * eg, rb = db - a * eb;
        const residual = wr * rr * rr + 4 * rg * rg + wb * rb * rb + (a < 0 ? a * a * contrast : 0);
        if (residual < bestResidual) {
          bestResidual = residual;
          best = j;
          bestAlpha = a;
          bestContrast = contrast;
        }
      }
    }

    // Without a subject colour to solve against: the soft ramp on the distance from the backdrop.
    let alpha = Math.min(1, Math.max(0, (Math.sqrt(distanceSquared(dr, dg, db, meanRed)) - tolerance) / softness));
    let fr = cr, fg = cg, fb = cb;
    if (best >= 0) {
      const sr = out[best * 4], sg = out[best * 4 + 1], sb = out[best * 4 + 2];
      alpha = Math.min(1, Math.max(0, bestAlpha));
      // Sensor noise scatters this α by about 0.6σ/|F − B| (weighted). Within two of those of 0 it
      // is 0; within two of 1 it is 1 past the first ring, where only a lens-softened (so high
      // contrast, low scatter) edge is still partial: clamping the scatter would otherwise leave
      // solid low-contrast fabric slightly transparent.
      const margin = Math.min(0.2, (2 * 0.6 * noise * 3) / Math.sqrt(bestContrast));
      if (alpha < margin) alpha = 0;
      else if (depth > 1 && alpha > 1 - margin) alpha = 1;
      // A trace of subject within two tolerances of the backdrop is noise or compression ringing
      // (at high contrast it is a few per cent of coverage, invisible either way).
      if (alpha < 0.25 && distanceSquared(dr, dg, db, meanRed) < 4 * tolerance * tolerance) alpha = 0;
      // F = B + (C − B)/α is exact but noisy as α → 0; lean on the subject colour given there.
      const trust = Math.min(1, Math.max(0, (alpha - 0.25) / 0.5));
      const inverse = alpha > 0 ? 1 / alpha : 0;
      fr = trust * (br + dr * inverse) + (1 - trust) * sr;
      fg = trust * (bg + dg * inverse) + (1 - trust) * sg;
      fb = trust * (bb + db * inverse) + (1 - trust) * sb;
      // What the next ring out sees as the subject: what this pixel was given, mixed with its own colour
      // when the contrast is low. Low-contrast fabric shaded towards the edge needs that to be followed
      // (a one-level error is a few per cent of alpha there), and a low-contrast edge is solid one ring
      // in; at high contrast a few levels do not matter, and a lens-softened ring must not pass on the
      // backdrop mixed into it. Mixing every pixel alike (not only those that look solid) keeps noise
      // from biasing the choice.
      const own = 0.5 * Math.max(0, 1 - Math.sqrt(bestContrast / 9) / OWN_COLOUR_CONTRAST);
      out[i * 4] = Math.round(own * cr + (1 - own) * sr);
      out[i * 4 + 1] = Math.round(own * cg + (1 - own) * sg);
      out[i * 4 + 2] = Math.round(own * cb + (1 - own) * sb);
      state[i] = SUBJECT_KNOWN;
    } else if (candidates > 0) {
      // The subject matches the backdrop here (within the tolerance): nothing to solve against, but
      // the ring further out still needs a subject colour.
      state[i] = SUBJECT_KNOWN;
    }
    solved.set(slot, alpha, fr, fg, fb);
    return candidates > 0;
  };

  const unsolved = new IndexList();
  for (let depth = BAND_DEPTH; depth >= 1; depth--) {
    const ring = rings[depth - 1];
    for (let n = 0; n < ring.length; n++) {
      const slot = solved.slot(depth, n);
      if (!solvePixel(ring.items[n], depth, slot, false)) unsolved.push(slot);
    }
  }
  // Pixels no deeper ring reached (a thin streak or strap, where the rings run along it rather than
  // into it) take the subject colour from any neighbour that has one, sweeping until none is gained.
  // What is left has no subject anywhere near: islands, dealt with below, keep the ramp.
  for (let progress = true; progress && unsolved.length > 0; ) {
    progress = false;
    let kept = 0;
    for (let m = 0; m < unsolved.length; m++) {
      const slot = unsolved.items[m];
      if (solvePixel(solved.pixel[slot], solved.depth[slot], slot, true)) progress = true;
      else unsolved.items[kept++] = slot;
    }
    unsolved.length = kept;
  }

  // Write the solved band, then feather: a tent-weighted mean of alpha over the band pixel's
  // neighbourhood in which keyed pixels count as transparent and are never changed, so the edge
  // softens inwards without a glow onto the backdrop.
  for (let depth = 1; depth <= BAND_DEPTH; depth++) {
    const ring = rings[depth - 1];
    for (let n = 0; n < ring.length; n++) {
      const i = ring.items[n];
      const slot = solved.slot(depth, n);
      const inputAlpha = channels === 4 ? data[i * channels + 3] : 255;
      out[i * 4] = clamp255(solved.colour[slot * 3]);
      out[i * 4 + 1] = clamp255(solved.colour[slot * 3 + 1]);
      out[i * 4 + 2] = clamp255(solved.colour[slot * 3 + 2]);
      out[i * 4 + 3] = clamp255(solved.alpha[slot] * inputAlpha);
    }
  }
  clearIslands(image, out, rings, state, depthMap, localBackdrop, FAINT_ISLAND * tolerance, Math.max(4, (Math.min(width, height) / 100) ** 2));
  if (feather > 0) featherBand(out, rings, width, height, feather);

  // Transparent pixels next to the subject take its colour, so later resampling does not pull the backdrop in.
  for (const ring of outer) {
    for (let m = 0; m < ring.length; m++) {
      const i = ring.items[m];
      const x = i % width;
      let r = 0, g = 0, b = 0, n = 0;
      for (let k = 0; k < 4; k++) {
        const j = k === 0 ? (x > 0 ? i - 1 : -1) : k === 1 ? (x < width - 1 ? i + 1 : -1) : k === 2 ? i - width : i + width;
        // Only from pixels nearer the subject: the band (depth > 0) or an inner ring.
        if (j < 0 || j >= pixels || depthMap[j] === 0 || (depthMap[j] < 0 && depthMap[j] <= depthMap[i])) continue;
        r += out[j * 4];
        g += out[j * 4 + 1];
        b += out[j * 4 + 2];
        n++;
      }
      if (n > 0) {
        out[i * 4] = Math.round(r / n);
        out[i * 4 + 1] = Math.round(g / n);
        out[i * 4 + 2] = Math.round(b / n);
      }
    }
  }

  return {
    image: { data: out, width, height, channels: 4 },
    backdrop: fit.estimate,
    backdropMask,
    keyedFraction: keyed / Math.max(1, pixels),
  };
}
