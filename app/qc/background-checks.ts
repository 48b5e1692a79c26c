import { linearToSrgb, srgbToLinear } from "../imaging/colour-balance";
import type { RawImage } from "../imaging/raw-image";
import { ciede2000, srgbToLab, type Lab } from "./ciede2000";
import { checkResult, unmeasured, type QcCheckResult, type QcThreshold } from "./qc-check";
import { maskDistances, type Rgb } from "./subject-mask";

/**
 * The checks around the subject: is the background the brand's colour and
 * clean, is there a fringe at the subject's edge, is there a colour cast. All
 * in CIEDE2000. ΔE00 per pixel would cost about a microsecond each, so it is
 * cached by exact colour (a finished background has few distinct colours; a
 * composited canvas has one). Pure.
 */

/** Background pixels this close to the subject (px at the 1024 px analysis size, 4-connected) are its edge (JPEG ringing; the halo check's ring), not the background. */
export const EDGE_MARGIN = 6;
/**
 * A background pixel further than this from the brand colour is part of a
 * stray mark: about 6 levels of grey on white. Measured as ΔE00 with chroma
 * and hue at quarter weight (kC = kH = 4): the marks that matter (dust,
 * hairs, smudges, unlit corners) are darker, while a 4:2:0 JPEG smears a
 * saturated garment's colour over its 16 px chroma blocks well beyond the
 * edge (255, 255, 251 beside a navy tee: ΔE00 2.1; 246, 255, 253 beside a
 * dotted dress at q30), faint on the canvas. A strongly coloured mark still
 * counts (green spill at ΔE00 20 weighs about 5).
 */
export const STRAY_DELTA_E = 2;
const STRAY_WEIGHTS = { kC: 4, kH: 4 };
/** Each percent of the background in stray marks adds this much to the background score. */
const STRAY_AREA_WEIGHT = 2;
/** Each separate stray mark (a speck, a hair, a smudge) adds this much. */
const STRAY_MARK_WEIGHT = 0.5;
/** Stray pixels this close (px) belong to one mark: a JPEG rings round a speck across its 8 × 8 block. */
const MARK_REACH = 8;
/** Fewer background pixels than this share of the image: there is no background to judge. */
const MIN_BACKGROUND_SHARE = 0.005;
/** Near-neutral for the cast check: channel spread (max − min, levels) at most this, so casts up to b* ≈ 18 still count. */
const NEUTRAL_SPREAD = 48;
/** The halo check takes the garment's colour this deep inside the outline (px), past a fringe of up to ~12 px at 2048. */
const CORE_DEPTH = 8;
/** Garment and background closer than this (ΔE00) leave no room for an intermediate plateau to mean anything. */
const PLATEAU_CONTRAST = 15;
/** The halo score leaves out this share of the worst outline positions: where a print or pattern meets the edge, the nearest garment colour is another one. */
const HALO_TRIM = 0.2;

/**
 * ΔE00 from one reference colour, plain and with the stray weights, cached
 * by exact sRGB value (open addressing; cleared when full). `get` returns
 * the plain one and leaves the weighted one in `lastStray`.
 */
export class DeltaEFrom {
  private readonly reference: Lab;
  private readonly keys = new Int32Array(1 << 16).fill(-1);
  private readonly values = new Float32Array(1 << 16);
  private readonly strays = new Float32Array(1 << 16);
  private used = 0;
  private lastKey = -1;
  private lastValue = 0;
  lastStray = 0;

  constructor(reference: Rgb) {
    this.reference = srgbToLab(reference[0], reference[1], reference[2]);
  }

  get(r: number, g: number, b: number): number {
    const key = (r << 16) | (g << 8) | b;
    if (key === this.lastKey) return this.lastValue;
    const mask = this.keys.length - 1;
    let slot = Math.imul(key, 0x9e3779b1) >>> 16;
    for (;;) {
      const k = this.keys[slot];
      if (k === key) {
        this.lastKey = key;
        this.lastStray = this.strays[slot];
        return (this.lastValue = this.values[slot]);
      }
      if (k === -1) break;
      slot = (slot + 1) & mask;
    }
    if (this.used > this.keys.length * 0.7) {
      this.keys.fill(-1);
      this.used = 0;
      slot = Math.imul(key, 0x9e3779b1) >>> 16;
    }
    const lab = srgbToLab(r, g, b);
    const value = ciede2000(this.reference, lab);
    this.keys[slot] = key;
    this.values[slot] = value;
    this.strays[slot] = ciede2000(this.reference, lab, STRAY_WEIGHTS);
    this.used++;
    this.lastKey = key;
    this.lastStray = this.strays[slot];
    return (this.lastValue = value);
  }
}

/**
 * What the three checks share, computed once per image: each pixel's
 * distance from the subject (or depth inside it), and the colour the
 * background actually has (its per-channel median).
 */
export interface BackgroundContext {
  distances: Uint8Array;
  /** Background pixels beyond EDGE_MARGIN. */
  backgroundPixels: number;
  actual: Rgb | null;
}

export function backgroundContext(image: RawImage, mask: Uint8Array): BackgroundContext {
  const { width, height, channels, data } = image;
  const distances = maskDistances(mask, width, height, EDGE_MARGIN + 1);
  const histograms = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
  let count = 0;
  for (let i = 0, p = 0, n = width * height; i < n; i++, p += channels) {
    if (mask[i] || distances[i] <= EDGE_MARGIN) continue;
    histograms[0][data[p]]++;
    histograms[1][data[p + 1]]++;
    histograms[2][data[p + 2]]++;
    count++;
  }
  const median = (h: Uint32Array) => {
    let seen = 0;
    for (let level = 0; level < 256; level++) if ((seen += h[level]) > count / 2) return level;
    return 255;
  };
  return { distances, backgroundPixels: count, actual: count > 0 ? [median(histograms[0]), median(histograms[1]), median(histograms[2])] : null };
}

const tooLittleBackground = (context: BackgroundContext, image: RawImage) => context.backgroundPixels < MIN_BACKGROUND_SHARE * image.width * image.height;

export interface BackgroundMeasurement {
  /** Mean ΔE00 of the background (beyond EDGE_MARGIN) from the brand colour. */
  meanDeltaE: number;
  /** Percent of those pixels further than STRAY_DELTA_E (stray-weighted): dust, hairs, smudges, leftover backdrop. */
  strayPercent: number;
  /** Separate stray marks (groups of stray pixels within MARK_REACH of each other). */
  marks: number;
  pixels: number;
  /** width × height, 1 for the stray pixels (the compare view's overlay). */
  stray: Uint8Array;
}

export function measureBackground(image: RawImage, mask: Uint8Array, background: Rgb, context = backgroundContext(image, mask)): BackgroundMeasurement {
  const { width, height, channels, data } = image;
  const deltaE = new DeltaEFrom(background);
  const stray = new Uint8Array(width * height);
  let sum = 0, strays = 0, count = 0;
  for (let i = 0, p = 0, n = width * height; i < n; i++, p += channels) {
    if (mask[i] || context.distances[i] <= EDGE_MARGIN) continue;
    sum += deltaE.get(data[p], data[p + 1], data[p + 2]);
    count++;
    if (deltaE.lastStray > STRAY_DELTA_E) {
      stray[i] = 1;
      strays++;
    }
  }
  return { meanDeltaE: count ? sum / count : 0, strayPercent: count ? (100 * strays) / count : 0, marks: strays ? countMarks(stray, width, height) : 0, pixels: count, stray };
}

/**
 * Groups of stray pixels, pixels within MARK_REACH of each other counting as
 * one mark (the JPEG ringing round a speck is part of that speck). The stray
 * pixels are few, so a plain stack fill is cheap.
 */
function countMarks(stray: Uint8Array, width: number, height: number): number {
  const seen = new Uint8Array(stray.length);
  const stack: number[] = [];
  let marks = 0;
  for (let start = 0; start < stray.length; start++) {
    if (!stray[start] || seen[start]) continue;
    marks++;
    seen[start] = 1;
    stack.push(start);
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % width;
      const y = (i - x) / width;
      for (let dy = -MARK_REACH; dy <= MARK_REACH; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -MARK_REACH; dx <= MARK_REACH; dx++) {
          const xx = x + dx;
          const j = yy * width + xx;
          if (xx < 0 || xx >= width || !stray[j] || seen[j]) continue;
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
  }
  return marks;
}

/**
 * Score: the mean ΔE00 of the background from the brand colour, plus
 * STRAY_AREA_WEIGHT per percent of it in stray marks, plus STRAY_MARK_WEIGHT
 * per mark. The mean alone hides what a retoucher fixes (three dust specks
 * move it by 0.001); so five specks flag (2.5 > 2), a dozen reject, and so
 * does a smudge or an unlit corner covering 2.5 % of the background. A
 * composited canvas scores 0 as a q85 2048 px JPEG (measured at 1024), up to
 * 1 when rendered and measured at 1024, where the ringing is twice as wide.
 * On the QC defect set (pipeline renditions): 16 good images 0; 6, 25 and 80
 * dust specks 3, 12, 42; grey smudges 4–13; noise of σ 4–14 levels 2.3 and
 * up; an unlit corner down to level 236, 40; one down to 246 (0.5) passes.
 */
export function judgeBackground(m: BackgroundMeasurement, background: Rgb, t: QcThreshold): QcCheckResult {
  const score = m.meanDeltaE + STRAY_AREA_WEIGHT * m.strayPercent + STRAY_MARK_WEIGHT * m.marks;
  const hex = `#${background.map((c) => c.toString(16).padStart(2, "0")).join("").toUpperCase()}`;
  const marks = m.marks === 0 ? "no stray marks" : `${m.marks} stray mark${m.marks === 1 ? "" : "s"} (dust, hairs, smudges: ${m.strayPercent.toFixed(2)}% of it further than ΔE ${STRAY_DELTA_E})`;
  return checkResult("background", score, t, `The background is ΔE00 ${m.meanDeltaE.toFixed(2)} from the brand's ${hex} on average, with ${marks}`, {
    meanDeltaE: round(m.meanDeltaE),
    strayPercent: round(m.strayPercent),
    marks: m.marks,
  });
}

const round = (value: number) => Math.round(value * 1000) / 1000;

/** Background check in one call (the aggregator uses measureBackground and judgeBackground to keep the stray map for its overlay). */
export function checkBackground(image: RawImage, mask: Uint8Array, background: Rgb | null, t: QcThreshold, context = backgroundContext(image, mask)): QcCheckResult {
  if (tooLittleBackground(context, image)) return unmeasured("background", t, "Background not measured: the subject fills the frame");
  const reference = background ?? context.actual!;
  return judgeBackground(measureBackground(image, mask, reference, context), reference, t);
}

/** Lab of sRGB colours, cached by exact value (the band is a few thousand pixels, many alike). */
class LabCache {
  private readonly map = new Map<number, Lab>();
  get(r: number, g: number, b: number): Lab {
    const key = (r << 16) | (g << 8) | b;
    let lab = this.map.get(key);
    if (!lab) this.map.set(key, (lab = srgbToLab(r, g, b)));
    return lab;
  }
}

/**
 * A fringe at the subject's edge: a line of the old backdrop a key left, a
 * colour spill, a sharpening overshoot. An anti-aliased edge pixel is a mix
 * of the garment and the background that changes pixel by pixel; a fringe is
 * no mix of the two (a grey line between a white shirt and a white
 * background, green spill), or the same intermediate colour pixel after pixel
 * (a grey band round a black garment). Mixes are taken in sRGB, the space the
 * renditions are resampled and composited in (in Lab the mixes of a saturated
 * red and white bow away from the straight segment by several ΔE00).
 *
 * From each outline pixel (subject touching background) the check walks
 * CORE_DEPTH px inwards to find the garment, then scores the position by the
 * worse of:
 * - off the mix: of the 2 background pixels outside and the subject pixels
 *   inside, the one furthest (in RGB) from the garment–background line, by
 *   its ΔE00 from the nearest mix;
 * - a plateau: two neighbouring pixels both clearly between garment and
 *   background and alike, by their ΔE00 from the nearer of the two.
 * Score: the mean over the outline without its worst HALO_TRIM (a pattern
 * meeting the edge, where the garment found inside is another colour). A
 * clean edge scores about 0.5–3, a fringe round the subject its own ΔE00:
 * on the QC defect set, 16 good renditions 0.4–2.4, grey or green fringes 3–12
 * px wide at 2048, 11–25. At the analysis size a 3 px grey fringe round a
 * black garment is a slightly soft edge, no plateau, and is not seen (0.7).
 */
export function checkEdgeHalo(image: RawImage, mask: Uint8Array, background: Rgb | null, t: QcThreshold, context = backgroundContext(image, mask)): QcCheckResult {
  if (tooLittleBackground(context, image)) return unmeasured("edge-halo", t, "Edge halo not measured: the subject fills the frame");
  const { width, height, channels, data } = image;
  const { distances } = context;
  // The fringe shows against the background actually there (a cast is the colour-cast check's).
  const [br, bgreen, bb] = context.actual ?? background!;
  const labs = new LabCache();
  const backLab = labs.get(br, bgreen, bb);
  const labAt = (i: number) => labs.get(data[i * channels], data[i * channels + 1], data[i * channels + 2]);
  const pixels = width * height;
  const scores: number[] = [];
  const profile = new Int32Array(CORE_DEPTH);
  // ΔE00 of each garment colour met from the background, by packed colour.
  const contrast = new Map<number, number>();
  let plateaus = 0;
  for (let y = 0, i = 0; y < height; y++) {
    const rowStart = y * width;
    const rowEnd = rowStart + width;
    for (let x = 0; x < width; x++, i++) {
      if (!mask[i] || distances[i] !== 1) continue;
      // The outward step, towards a background 4-neighbour (none: the outline at the frame's edge).
      const step = x > 0 && !mask[i - 1] ? -1 : x < width - 1 && !mask[i + 1] ? 1 : y > 0 && !mask[i - width] ? -width : y < height - 1 && !mask[i + width] ? width : 0;
      if (step === 0) continue;
      // Steps stay on this row (horizontal) or inside the image (vertical).
      const low = step === 1 || step === -1 ? rowStart : 0;
      const high = step === 1 || step === -1 ? rowEnd : pixels;
      // Inwards until CORE_DEPTH or the subject ends (a strap thinner than that: its far side).
      let n = 0;
      for (let j = i; n < CORE_DEPTH && j >= low && j < high && mask[j]; j -= step) profile[n++] = j;
      if (n < 3) continue;
      const g = profile[n - 1] * channels;
      const gr = data[g], gg = data[g + 1], gb = data[g + 2];
      const dr = br - gr, dg = bgreen - gg, db = bb - gb;
      const length = dr * dr + dg * dg + db * db;
      const scale = length > 0 ? 1 / length : 0;
      // Of the candidates, the one furthest from the mix line in RGB; only it is measured in ΔE00.
      let furthest = -1, furthestT = 0, furthestDistance = 1;
      for (let k = -2; k < n - 1; k++) {
        // k < 0: the background pixels outside (−1: 1 px out, −2: 2 px out); else the profile.
        const j = k < 0 ? i - k * step : profile[k];
        if (k < 0 && (j < low || j >= high || mask[j])) continue;
        const q = j * channels;
        const tj = Math.min(1, Math.max(0, ((data[q] - gr) * dr + (data[q + 1] - gg) * dg + (data[q + 2] - gb) * db) * scale));
        const er = data[q] - (gr + tj * dr), eg = data[q + 1] - (gg + tj * dg), eb = data[q + 2] - (gb + tj * db);
        const distance = er * er + eg * eg + eb * eb;
        if (distance > furthestDistance) {
          furthest = j;
          furthestT = tj;
          furthestDistance = distance;
        }
      }
      let worst = 0;
      if (furthest >= 0) worst = ciede2000(labAt(furthest), labs.get(Math.round(gr + furthestT * dr), Math.round(gg + furthestT * dg), Math.round(gb + furthestT * db)));
      const key = (gr << 16) | (gg << 8) | gb;
      let garmentContrast = contrast.get(key);
      if (garmentContrast === undefined) contrast.set(key, (garmentContrast = ciede2000(labs.get(gr, gg, gb), backLab)));
      if (garmentContrast >= PLATEAU_CONTRAST) {
        let previous = -1;
        for (let k = 0; k < n - 1; k++) {
          const q = profile[k] * channels;
          const position = ((data[q] - gr) * dr + (data[q + 1] - gg) * dg + (data[q + 2] - gb) * db) * scale;
          const between = position > 0.15 && position < 0.85;
          if (between && previous >= 0 && Math.abs(position - previous) < 0.15) {
            const p = labAt(profile[k]);
            worst = Math.max(worst, Math.min(ciede2000(p, labs.get(gr, gg, gb)), ciede2000(p, backLab)));
            plateaus++;
            break;
          }
          previous = between ? position : -1;
        }
      }
      scores.push(worst);
    }
  }
  if (scores.length === 0) return unmeasured("edge-halo", t, "Edge halo not measured: the subject has no outline against the background");
  scores.sort((a, b) => a - b);
  const kept = Math.max(1, Math.round(scores.length * (1 - HALO_TRIM)));
  let sum = 0;
  for (let k = 0; k < kept; k++) sum += scores[k];
  const score = sum / kept;
  const reason =
    score <= t.flag
      ? `The subject's edge is clean: ΔE00 ${score.toFixed(2)} on average from a blend of garment and background`
      : `A fringe runs along the subject's edge: ΔE00 ${score.toFixed(2)} on average from a blend of garment and background (a light, dark or coloured halo)`;
  return checkResult("edge-halo", score, t, reason, { outlinePixels: scores.length, plateauPercent: round((100 * plateaus) / scores.length) });
}

const LINEAR = Float64Array.from({ length: 256 }, (_, level) => srgbToLinear(level / 255));

/**
 * A colour cast over the backdrop (a white balance gone yellow or blue): the
 * mean of the near-neutral background pixels, in linear light, against the
 * brand background, compared at the brand's lightness. A background merely
 * lighter or darker than the brand's is the background check's finding, not
 * a cast. With no brand background, the cast is measured from neutral grey.
 * Tints that turn the brand white ΔE00 1, 3, 5 and 9 away read 1.1, 2.7–3.4,
 * 5.2 and 8.8 (the defaults flag above 2, reject above 4).
 */
export function checkColourCast(image: RawImage, mask: Uint8Array, background: Rgb | null, t: QcThreshold, context = backgroundContext(image, mask)): QcCheckResult {
  const { width, height, channels, data } = image;
  const sums = [0, 0, 0];
  let count = 0;
  for (let i = 0, p = 0, n = width * height; i < n; i++, p += channels) {
    if (mask[i] || context.distances[i] <= EDGE_MARGIN) continue;
    const r = data[p], g = data[p + 1], b = data[p + 2];
    if (Math.max(r, g, b) - Math.min(r, g, b) > NEUTRAL_SPREAD) continue;
    sums[0] += LINEAR[r];
    sums[1] += LINEAR[g];
    sums[2] += LINEAR[b];
    count++;
  }
  if (count < MIN_BACKGROUND_SHARE * width * height) return unmeasured("colour-cast", t, "Colour cast not measured: too little neutral background to measure it on");
  const mean = sums.map((s) => 255 * linearToSrgb(s / count)) as [number, number, number];
  const measured = srgbToLab(mean[0], mean[1], mean[2]);
  const brand = background ? srgbToLab(background[0], background[1], background[2]) : ([measured[0], 0, 0] as const);
  const score = ciede2000([brand[0], measured[1], measured[2]], brand);
  const reason =
    score <= t.flag
      ? `The background's neutrals match the brand's colour (ΔE00 ${score.toFixed(2)} at equal lightness)`
      : `The background has a ${castDirection(measured[1] - brand[1], measured[2] - brand[2])} cast: ΔE00 ${score.toFixed(2)} from the brand's colour at equal lightness`;
  return checkResult("colour-cast", score, t, reason, { mean: mean.map((c) => Math.round(c)), a: round(measured[1]), b: round(measured[2]) });
}

function castDirection(da: number, db: number): string {
  const hue = (Math.atan2(db, da) * 180) / Math.PI;
  if (hue >= 45 && hue < 135) return "yellow";
  if (hue >= -135 && hue < -45) return "blue";
  return Math.abs(hue) < 45 ? "magenta" : "green";
}
