import { keyBackdrop } from "~/imaging/backdrop-key";
import type { RawImage } from "~/imaging/raw-image";
import { ciede2000, srgbToLab } from "./ciede2000";
import {
  asDominant,
  binImage,
  clusterBins,
  dominantColours,
  mergeClusters,
  nearestCluster,
  PALETTE_SAMPLES,
  sampleStride,
  type Cluster,
  type RGB,
} from "./dominant-colours";
import { checkResult, unmeasured, type QcCheckResult, type QcThreshold } from "./qc-check";

/**
 * The garment-colour gate (issue #6): does the AI output show the garment in
 * the colours of its source photo? Scored as CIEDE2000 between dominant colours.
 *
 * 1. The source garment: the opaque pixels (alpha > 127) of an RGBA source
 *    that has transparency; else the flat-lay's plain backdrop is keyed out
 *    (backdrop-key.ts on a ≤ 160 px copy: a smooth backdrop model and a flood
 *    fill from the border, so a backdrop-coloured print inside the garment
 *    stays garment) and what is left is the garment. A source whose border is
 *    not a plain backdrop cannot be separated, and the check says so.
 * 2. Its dominant colours: k-means in CIELAB over ≤ 20 k samples taken away
 *    from the garment's edge (edge pixels are part backdrop), clusters nearer
 *    than ΔE00 5 merged, those under 5 % dropped (dominant-colours.ts).
 * 3. The output: the subject mask's pixels (all when there is none), sampled
 *    on the heat map's grid (≤ 512 px long edge), clustered the same way with
 *    more clusters, because the model's skin, hair or the mannequin are in
 *    the subject too. Output clusters with at least 0.2 % of the samples count.
 * 4. "The same garment region" is, for each source colour, the output cluster
 *    with the smallest ΔE00 to it. The score is the source-share-weighted mean
 *    of those ΔE00; each colour's ΔE and the worst are in the detail.
 * 5. The heat map, at the sampling grid's size: output pixels nearest to a
 *    matched cluster are painted with that cluster's ΔE00 (faint green at 0,
 *    amber at the flag threshold, opaque red at the reject threshold), so it
 *    shows which region of the garment is off and by how much. Per-pixel ΔE
 *    would light up every fold: shading is not a colour error, and the source
 *    offers no pixel-to-pixel correspondence to tell the two apart. Pixels
 *    far from their cluster's middle (blends across an edge) and everything
 *    not matched stay transparent.
 *
 * Known limits: a recoloured garment that lands near the colour of skin or a
 * mannequin is matched to that instead (the score is then too low, but such
 * a shift is large and the other colours usually still show it); a part of
 * the garment recoloured into a colour the source lacks adds an unmatched
 * cluster that this check cannot tell from the model.
 */

export { dominantColours };

const SOURCE_COLOURS = 4;
const OUTPUT_COLOURS = 10;
/**
 * An output cluster below this share of the samples is noise (anti-aliased
 * edges between two colours), not a region a garment colour could have gone
 * to. Small, because without a mask the backdrop is most of the samples and a
 * 5 % garment colour is well under 1 % of them.
 */
const MIN_OUTPUT_SHARE = 0.002;
const KEY_LONG_EDGE = 160;
const HEATMAP_LONG_EDGE = 512;
/** Heat-map pixels further (ΔE76) than this many median distances from their cluster, and than the minimum, are edge blends. */
const OUTLIER_MEDIANS = 3;
const OUTLIER_MIN_RADIUS = 6;
/** Source images with less than this share of transparent pixels are treated as having no alpha. */
const MIN_TRANSPARENT_SHARE = 0.01;

export interface GarmentColourMatch {
  source: RGB;
  output: RGB;
  /** The colour's share of the source garment. */
  share: number;
  deltaE: number;
}

/** Area-average downsample by an integer factor (RGB out, alpha dropped). */
function shrink(image: RawImage, factor: number): RawImage {
  const { width, height, channels, data } = image;
  const w = Math.ceil(width / factor);
  const h = Math.ceil(height / factor);
  const out = Buffer.alloc(w * h * 3);
  const sums = new Float64Array(w * 4);
  for (let gy = 0; gy < h; gy++) {
    sums.fill(0);
    const y1 = Math.min(height, (gy + 1) * factor);
    for (let y = gy * factor; y < y1; y++) {
      for (let x = 0, q = y * width * channels; x < width; x++, q += channels) {
        const cell = ((x / factor) | 0) * 4;
        sums[cell] += data[q];
        sums[cell + 1] += data[q + 1];
        sums[cell + 2] += data[q + 2];
        sums[cell + 3] += 1;
      }
    }
    for (let gx = 0; gx < w; gx++) {
      const n = sums[gx * 4 + 3];
      for (let c = 0; c < 3; c++) out[(gy * w + gx) * 3 + c] = Math.round(sums[gx * 4 + c] / n);
    }
  }
  return { data: out, width: w, height: h, channels: 3 };
}

/** `inside` and its four neighbours `reach` pixels away are all inside: keeps samples off a region's soft edge. */
function awayFromEdge(width: number, height: number, reach: number, inside: (x: number, y: number) => boolean): (pixel: number) => boolean {
  return (pixel) => {
    const x = pixel % width;
    const y = (pixel - x) / width;
    return (
      inside(x, y) &&
      inside(Math.max(0, x - reach), y) &&
      inside(Math.min(width - 1, x + reach), y) &&
      inside(x, Math.max(0, y - reach)) &&
      inside(x, Math.min(height - 1, y + reach))
    );
  };
}

type SourceRegion = {
  include: (pixel: number) => boolean;
  method: "alpha" | "backdrop-key";
  /** Roughly what fraction of the image the garment covers, to size the sampling grid. */
  share: number;
} | { reason: string };

/** Which source pixels are the garment (see the top comment, step 1). */
export function sourceGarmentRegion(source: RawImage): SourceRegion {
  const { width, height, channels, data } = source;
  if (channels === 4) {
    let transparent = 0;
    for (let q = 3; q < data.length; q += 4) if (data[q] <= 127) transparent++;
    if (transparent >= MIN_TRANSPARENT_SHARE * width * height) {
      if (transparent === width * height) return { reason: "the source image is fully transparent" };
      return { include: awayFromEdge(width, height, 2, (x, y) => data[(y * width + x) * 4 + 3] > 127), method: "alpha", share: 1 - transparent / (width * height) };
    }
  }
  const factor = Math.max(1, Math.ceil(Math.max(width, height) / KEY_LONG_EDGE));
  const small = shrink(source, factor);
  const key = keyBackdrop(small);
  if (!key.backdrop.uniform) return { reason: "the source's background is not a plain backdrop, so its garment cannot be told from it" };
  const keyed = key.image.data;
  const w = small.width;
  let garment = 0;
  for (let q = 3; q < keyed.length; q += 4) if (keyed[q] >= 128) garment++;
  if (garment < 0.01 * small.width * small.height) return { reason: "no garment was found on the source's backdrop" };
  // One cell of the key is `factor` source pixels; stay a cell away from the keyed edge.
  return { include: awayFromEdge(width, height, factor, (x, y) => keyed[(((y / factor) | 0) * w + ((x / factor) | 0)) * 4 + 3] >= 128), method: "backdrop-key", share: garment / (small.width * small.height) };
}

function heatColour(deltaE: number, threshold: QcThreshold): [number, number, number, number] {
  const green = [34, 197, 94];
  const amber = [245, 158, 11];
  const red = [220, 38, 38];
  const flag = Math.max(1e-6, threshold.flag);
  const reject = Math.max(flag + 1e-6, threshold.reject);
  const mix = (a: number[], b: number[], t: number) => a.map((v, i) => Math.round(v + (b[i] - v) * t));
  const [r, g, b] = deltaE <= flag ? mix(green, amber, deltaE / flag) : mix(amber, red, Math.min(1, (deltaE - flag) / (reject - flag)));
  const alpha = Math.round(40 + 215 * Math.min(1, deltaE / reject));
  return [r, g, b, alpha];
}

const roundTo = (value: number, places = 2) => Math.round(value * 10 ** places) / 10 ** places;
const rgbText = (rgb: RGB) => `rgb(${rgb.join(", ")})`;

/**
 * Compares the garment's dominant colours in `source` with the output's
 * (within `outputMask`, 1 = subject, or the whole output when null). The
 * heat map is RGBA at the output's sampling grid (≤ 512 px long edge); null
 * when the check could not measure.
 */
export function checkGarmentColour(source: RawImage, output: RawImage, outputMask: Uint8Array | null, threshold: QcThreshold): { result: QcCheckResult; heatmap: RawImage | null } {
  const region = sourceGarmentRegion(source);
  if ("reason" in region) return { result: unmeasured("garment-colour", threshold, `Garment colour not measured: ${region.reason}`), heatmap: null };

  const sourceStride = sampleStride(source.width, source.height, PALETTE_SAMPLES / region.share);
  const sourceBins = binImage(source, sourceStride, region.include).bins;
  const palette = asDominant(mergeClusters(clusterBins(sourceBins, SOURCE_COLOURS)));
  if (palette.length === 0) return { result: unmeasured("garment-colour", threshold, "Garment colour not measured: the source's garment is too small to sample"), heatmap: null };

  if (outputMask && outputMask.length !== output.width * output.height) throw new RangeError(`outputMask has ${outputMask.length} entries for a ${output.width}×${output.height} output`);
  const stride = Math.max(1, Math.ceil(Math.max(output.width, output.height) / HEATMAP_LONG_EDGE));
  const reach = Math.max(1, stride >> 1);
  const outputInside =
    outputMask !== null
      ? (x: number, y: number) => outputMask[y * output.width + x] !== 0
      : output.channels === 4
        ? (x: number, y: number) => output.data[(y * output.width + x) * 4 + 3] > 127
        : null;
  const sampled = binImage(output, stride, outputInside ? awayFromEdge(output.width, output.height, reach, outputInside) : null);
  if (sampled.bins.total === 0) return { result: unmeasured("garment-colour", threshold, "Garment colour not measured: the output's subject mask is empty"), heatmap: null };
  const clusters = mergeClusters(clusterBins(sampled.bins, OUTPUT_COLOURS));
  const total = sampled.bins.total;
  const candidates = clusters.map((_, i) => i).filter((i) => clusters[i].weight / total >= MIN_OUTPUT_SHARE);

  // Each matched output cluster's ΔE00: the smallest to a source colour matched to it.
  const matchedDeltaE = new Map<number, number>();
  let score = 0;
  const matches: GarmentColourMatch[] = palette.map((colour) => {
    let best = Infinity;
    let which = candidates[0];
    for (const i of candidates) {
      const d = ciede2000(colour.lab, clusters[i].lab);
      if (d < best) {
        best = d;
        which = i;
      }
    }
    matchedDeltaE.set(which, Math.min(best, matchedDeltaE.get(which) ?? Infinity));
    score += colour.share * best;
    return { source: colour.rgb, output: clusters[which].rgb.map((v) => Math.round(v)) as RGB, share: roundTo(colour.share, 3), deltaE: roundTo(best) };
  });
  const worst = matches.reduce((a, b) => (b.deltaE > a.deltaE ? b : a));

  const heatmap = renderHeatmap(sampled, clusters, matchedDeltaE, threshold);
  const reason =
    `The garment's ${palette.length === 1 ? "colour differs" : `${palette.length} dominant colours differ`} from the source by ΔE00 ${roundTo(score, 1)}` +
    (palette.length > 1 ? ` on average (worst ${roundTo(worst.deltaE, 1)}: ${rgbText(worst.source)} became ${rgbText(worst.output)})` : ` (${rgbText(worst.source)} became ${rgbText(worst.output)})`);
  return {
    result: checkResult("garment-colour", score, threshold, reason, {
      colours: matches,
      worstDeltaE: worst.deltaE,
      sourceRegion: region.method,
      samples: { source: sourceBins.total, output: total },
      outputClusters: clusters.map((c) => ({ rgb: c.rgb.map((v) => Math.round(v)), share: roundTo(c.weight / total, 3) })),
    }),
    heatmap,
  };
}

function renderHeatmap(sampled: ReturnType<typeof binImage>, clusters: Cluster[], matchedDeltaE: Map<number, number>, threshold: QcThreshold): RawImage {
  const { bins, grid, gridWidth, gridHeight } = sampled;
  const labs = bins.labs();
  const n = bins.occupied.length;
  const owner = new Int32Array(n);
  const distance = new Float64Array(n);
  const members: number[][] = clusters.map(() => []);
  for (let i = 0; i < n; i++) {
    const lab = labs.subarray(i * 3, i * 3 + 3);
    const c = nearestCluster(lab, clusters);
    owner[i] = c;
    distance[i] = Math.hypot(lab[0] - clusters[c].lab[0], lab[1] - clusters[c].lab[1], lab[2] - clusters[c].lab[2]);
    if (matchedDeltaE.has(c)) members[c].push(i);
  }
  // A pixel far from its cluster's middle is a blend across an edge (a dot's rim, a seam), not
  // the garment's colour; it stays transparent rather than glowing as a false difference.
  const radius = members.map((list) => Math.max(OUTLIER_MIN_RADIUS, OUTLIER_MEDIANS * weightedMedian(list.map((i) => distance[i]), list.map((i) => bins.count[bins.occupied[i]]))));
  const paint = clusters.map((_, c) => (matchedDeltaE.has(c) ? heatColour(matchedDeltaE.get(c)!, threshold) : null));
  const bytes = new Uint8Array(bins.count.length * 4);
  for (let i = 0; i < n; i++) {
    const colour = paint[owner[i]];
    if (colour && distance[i] <= radius[owner[i]]) bytes.set(colour, bins.occupied[i] * 4);
  }
  const data = Buffer.alloc(gridWidth * gridHeight * 4);
  for (let cell = 0; cell < grid.length; cell++) {
    const bin = grid[cell];
    if (bin < 0) continue;
    data[cell * 4] = bytes[bin * 4];
    data[cell * 4 + 1] = bytes[bin * 4 + 1];
    data[cell * 4 + 2] = bytes[bin * 4 + 2];
    data[cell * 4 + 3] = bytes[bin * 4 + 3];
  }
  return { data, width: gridWidth, height: gridHeight, channels: 4 };
}

function weightedMedian(values: number[], weights: number[]): number {
  if (values.length === 0) return 0;
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const half = weights.reduce((sum, w) => sum + w, 0) / 2;
  let seen = 0;
  for (const i of order) {
    seen += weights[i];
    if (seen >= half) return values[i];
  }
  return values[order[order.length - 1]];
}
