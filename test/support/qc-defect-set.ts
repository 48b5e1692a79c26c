import sharp from "sharp";
import { placeSubject } from "../../app/imaging/canvas-layout";
import { DEFAULT_CHANNEL_SPECS } from "../../app/imaging/channel-spec";
import { srgbToLinear } from "../../app/imaging/colour-balance";
import { postProcessImage, type PostProcessConfig, type PostReport } from "../../app/imaging/post-process";
import { DEFAULT_POST_PRODUCTION_RECIPE } from "../../app/imaging/post-production-recipe";
import { rawInput, type RawImage } from "../../app/imaging/raw-image";
import { ciede2000, srgbToLab, type Lab } from "../../app/qc/ciede2000";
import type { FramingExpectation } from "../../app/qc/framing";
import type { ImageQcInput } from "../../app/qc/image-checks";
import { hammingDistance } from "../../app/qc/phash";
import { DEFAULT_QC_RECIPE, judge, QC_CHECKS, thresholdFor, worstVerdict, type QcCheckId, type QcCheckResult, type QcRecipe, type QcVerdict } from "../../app/qc/qc-check";
import { evaluateQc, type QcEvaluation, type QcLabel, type QcSeverity } from "../../app/qc/qc-evaluation";
import { seededRandom } from "../../app/video/seeded-random";
import type { Rgb } from "../../app/qc/subject-mask";
import { subjectResolution, type RenditionFacts } from "../../app/qc/technical-checks";
import { renderGarmentScene, type Fabric, type GarmentShape, type SceneSpec } from "./garment-scenes";

/**
 * The labelled image set the layer-1 QC checks are measured on (issue #6):
 * good product shots and the same shots with known defects at known
 * severities, all real pixels made by sharp and the real pipeline.
 *
 * Good images. Each garment (garment-scenes.ts silhouettes, 16 fabrics from
 * white to black, solid, striped and dotted) is rendered on a near-white studio
 * sweep, given a knit texture and creases (the scene renderer's fabric is
 * flat), saved as the camera's 1800 × 2400 JPEG and sent through
 * postProcessImage with the default recipe and channels: the good image is the
 * decoded pdp-square rendition (2048 px JPEG on #FFFFFF, bottom-aligned, contact
 * shadow), with the facts of every rendition the pipeline made. The master
 * facts are what the quality-check service derives from the post-production
 * report (the subject's height in the original against its height in the
 * framed rendition that enlarges it most): 1.02–1.17 for the good images. The
 * source for garment-colour is the textured camera image cut out by the
 * ground-truth coverage (RGBA, 768 × 1024): the garment's own colours.
 *
 * Defects are applied to a good output (then re-encoded as the pipeline's
 * q85 JPEG), except low resolution, which sends a reduced master through the
 * pipeline, and wrong aspect, which changes a rendition's facts. The garment's
 * exact region on the output is known: the ground-truth coverage placed the
 * way the renditions place the subject.
 *
 * Labelling rules:
 * 1. A defect whose check has a ground-truth quantity in the contract's unit
 *    (garment ΔE00 from the source, colour cast as the ΔE00 of the brand white,
 *    share of garment pixels clipped, aspect error, master/needed ratio,
 *    subject height and baseline error) is labelled by that quantity measured
 *    on the ground truth: the check is expected iff it is past the check's
 *    default flag threshold. A design severity whose truth stays inside the
 *    threshold is relabelled "sub-threshold" (a control that must pass).
 *    Truth within 5 % of the flag threshold is a boundary case: that check
 *    is tolerated (rule 3) rather than expected either way.
 * 2. Perceptual defects (blur, JPEG blockiness, dirty background, edge halo,
 *    near-duplicates) have no ground-truth score in the checks' units, so they
 *    are labelled by design: mild is the least a retoucher would still fix at
 *    100 % zoom on a 2048 px image, and a sub-threshold control sits below
 *    that (σ 0.5 blur, q70 JPEG, σ 1.5 background noise, a 1 px faint fringe).
 * 3. A defect also changes what some other checks measure (an enlarged master
 *    is softer, a tinted image has a tinted backdrop, a blur smears the edge
 *    into the halo ring). Those checks are "tolerated" on that image: their
 *    firing is neither a hit nor a false alarm. Every other check is expected
 *    to pass, on defective images as on good ones.
 * 4. Near-duplicates: the check compares candidates of one product's view,
 *    which show one garment in one colour. An image is compared with the
 *    good images of the other cuts (a different silhouette: a visibly
 *    different picture); a near-duplicate candidate also with the good image
 *    it copies. "severe" is the most obvious copy (a re-encode), "mild" the
 *    least (the same shot 3 % smaller and moved 1 %); all are expected to be
 *    caught. Garments of the same cut in other colours are not candidates of
 *    one view, so they are not in the pool; how close pHash puts them is
 *    reported separately (`colourways`), because pHash sees luma structure only.
 */

/** The image checks' input without the recipe (the runner adds it). */
export type QcSetInput = Omit<ImageQcInput, "recipe">;

export interface QcSetLabel extends QcLabel {
  /** How the image was made and the ground truth measured on it, for the report. */
  detail: string;
}

export interface QcSetItem {
  id: string;
  /** The good garment this image was made from. */
  garment: string;
  /** For near-duplicates, the good image this one copies (it is compared with that one too). */
  duplicateOf: string | null;
  input: QcSetInput;
  label: QcSetLabel;
}

type RGB = [number, number, number];

interface GarmentSpec {
  key: string;
  garment: GarmentShape;
  fabric: Fabric;
  backdrop: SceneSpec["backdrop"];
  enclosedPrint?: RGB;
  seed: number;
}

const SWEEP: RGB = [254, 254, 253];
const solid = (colour: RGB): Fabric => ({ kind: "solid", colour });

/** The good garments: light, dark, saturated and patterned, on the three cuts. */
export const QC_GARMENTS: GarmentSpec[] = [
  { key: "white-tee", garment: "t-shirt", fabric: solid([240, 240, 238]), backdrop: { colour: SWEEP, falloff: { kind: "flat" } }, enclosedPrint: [252, 252, 251], seed: 101 },
  { key: "black-tee", garment: "t-shirt", fabric: solid([30, 30, 32]), backdrop: { colour: SWEEP, falloff: { kind: "radial", drop: 4 } }, seed: 102 },
  { key: "navy-tee", garment: "t-shirt", fabric: solid([30, 40, 84]), backdrop: { colour: [255, 255, 254], falloff: { kind: "vertical", drop: 6 } }, seed: 103 },
  { key: "red-dress", garment: "dress", fabric: solid([192, 42, 54]), backdrop: { colour: SWEEP, falloff: { kind: "flat" } }, seed: 104 },
  { key: "striped-tee", garment: "t-shirt", fabric: { kind: "stripes", colours: [[28, 38, 82], [243, 243, 240]], period: 0.04 }, backdrop: { colour: SWEEP, falloff: { kind: "radial", drop: 5 } }, seed: 105 },
  { key: "dotted-dress", garment: "dress", fabric: { kind: "dots", base: [196, 48, 58], dots: [[244, 243, 238], [238, 196, 60], [30, 40, 90]] }, backdrop: { colour: SWEEP, falloff: { kind: "flat" } }, seed: 106 },
  { key: "black-trousers", garment: "trousers", fabric: solid([34, 34, 38]), backdrop: { colour: SWEEP, falloff: { kind: "vertical", drop: 7 } }, seed: 107 },
  { key: "grey-trousers", garment: "trousers", fabric: solid([124, 125, 130]), backdrop: { colour: [255, 255, 255], falloff: { kind: "flat" } }, seed: 108 },
  { key: "cream-dress", garment: "dress", fabric: solid([240, 232, 212]), backdrop: { colour: SWEEP, falloff: { kind: "vertical", drop: 6 } }, seed: 109 },
  { key: "green-tee", garment: "t-shirt", fabric: solid([38, 104, 66]), backdrop: { colour: SWEEP, falloff: { kind: "radial", drop: 5 } }, seed: 110 },
  { key: "mustard-dress", garment: "dress", fabric: solid([212, 164, 44]), backdrop: { colour: [255, 255, 254], falloff: { kind: "flat" } }, seed: 111 },
  { key: "denim-trousers", garment: "trousers", fabric: solid([58, 84, 124]), backdrop: { colour: SWEEP, falloff: { kind: "radial", drop: 4 } }, seed: 112 },
  { key: "pink-tee", garment: "t-shirt", fabric: solid([232, 160, 180]), backdrop: { colour: SWEEP, falloff: { kind: "flat" } }, seed: 113 },
  { key: "burgundy-dress", garment: "dress", fabric: solid([104, 28, 44]), backdrop: { colour: SWEEP, falloff: { kind: "vertical", drop: 5 } }, seed: 114 },
  { key: "beige-trousers", garment: "trousers", fabric: solid([196, 176, 146]), backdrop: { colour: [255, 255, 254], falloff: { kind: "flat" } }, seed: 115 },
  { key: "royal-dress", garment: "dress", fabric: solid([40, 70, 170]), backdrop: { colour: SWEEP, falloff: { kind: "radial", drop: 5 } }, seed: 116 },
];

/** The camera file: large enough that no framed rendition enlarges the garment (subject 77–89 % of its height). */
const MASTER = { width: 1800, height: 2400 };
const PDP = DEFAULT_CHANNEL_SPECS.find((spec) => spec.id === "pdp-square")!;
const CANVAS = { width: PDP.width, height: PDP.height };
const PIPELINE: PostProcessConfig = { recipe: DEFAULT_POST_PRODUCTION_RECIPE, channels: DEFAULT_CHANNEL_SPECS, lut: null, lutInterpolation: "tetrahedral" };
const FRAMING: FramingExpectation = { align: DEFAULT_POST_PRODUCTION_RECIPE.align, margins: DEFAULT_POST_PRODUCTION_RECIPE.margins };
const WHITE: Rgb = [255, 255, 255];
const SOURCE_SIZE = { width: 768, height: 1024 };

/* ---------------------------------------------------------------- colour maths */

const LINEAR = Float64Array.from({ length: 256 }, (_, level) => srgbToLinear(level / 255));
const ENCODE_STEPS = 1 << 16;
/** Linear light 0–1 → sRGB level, tabulated finely enough that the rounding is exact for all but a few dark levels. */
const ENCODE = Uint8Array.from({ length: ENCODE_STEPS + 1 }, (_, i) => {
  const v = i / ENCODE_STEPS;
  const s = v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055;
  return Math.round(Math.min(1, Math.max(0, s)) * 255);
});

function encodeLinear(value: number): number {
  return ENCODE[Math.round(Math.min(1, Math.max(0, value)) * ENCODE_STEPS)]!;
}

const D65 = [0.95047, 1, 1.08883] as const;
const EPSILON = 216 / 24389;
const KAPPA = 24389 / 27;

/** CIELAB (D65) → sRGB levels, clipped to the gamut: the inverse of ciede2000.ts's srgbToLab. */
function labToSrgb(lab: Lab): RGB {
  const [L, a, b] = lab;
  const fy = (L + 16) / 116;
  const fx = fy + a / 500;
  const fz = fy - b / 200;
  const inverse = (t: number) => (t ** 3 > EPSILON ? t ** 3 : (116 * t - 16) / KAPPA);
  const x = inverse(fx) * D65[0];
  const y = (L > KAPPA * EPSILON ? fy ** 3 : L / KAPPA) * D65[1];
  const z = inverse(fz) * D65[2];
  return [
    encodeLinear(3.2404542 * x - 1.5371385 * y - 0.4985314 * z),
    encodeLinear(-0.969266 * x + 1.8760108 * y + 0.041556 * z),
    encodeLinear(0.0556434 * x - 0.2040259 * y + 1.0572252 * z),
  ];
}

/** Mean CIELAB of the pixels where `include(i)` is true, sampling every `step`-th pixel. */
function meanLab(image: RawImage, include: (pixel: number) => boolean, step = 3): Lab {
  const { data, channels } = image;
  let l = 0;
  let a = 0;
  let b = 0;
  let n = 0;
  const pixels = image.width * image.height;
  // A garment has far fewer colours than pixels: each is converted once (the same values, in the same order).
  const seen = new Map<number, Lab>();
  for (let i = 0; i < pixels; i += step) {
    if (!include(i)) continue;
    const q = i * channels;
    const key = (data[q]! << 16) | (data[q + 1]! << 8) | data[q + 2]!;
    let lab = seen.get(key);
    if (lab === undefined) {
      lab = srgbToLab(data[q]!, data[q + 1]!, data[q + 2]!);
      seen.set(key, lab);
    }
    l += lab[0];
    a += lab[1];
    b += lab[2];
    n += 1;
  }
  return n === 0 ? [0, 0, 0] : [l / n, a / n, b / n];
}

/** The smallest t ≥ 0 (to 0.01) where f(t) reaches `target`, f rising from f(0); the upper end when it never does. */
function solveRising(f: (t: number) => number, target: number, upper: number): number {
  let step = upper / 64;
  let t = 0;
  while (t < upper && f(t + step) < target) t += step;
  let lo = t;
  let hi = Math.min(upper, t + step);
  for (let i = 0; i < 30 && hi - lo > 0.0005; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < target) lo = mid;
    else hi = mid;
  }
  return hi;
}

/* ---------------------------------------------------------------- good images */

interface Good {
  key: string;
  spec: GarmentSpec;
  /** The pdp-square rendition as delivered. */
  jpeg: Buffer;
  renditions: RenditionFacts[];
  master: { longEdge: number; neededLongEdge: number };
  /** Ground-truth garment coverage on the pdp canvas, 0–255. */
  coverage: Uint8Array;
  source: RawImage;
  /** Mean CIELAB of the source garment's fully covered pixels (solid fabrics only). */
  sourceLab: Lab | null;
  /** The textured camera image and its coverage, for re-running the pipeline at another size. */
  camera: { camera: RawImage; cameraCoverage: Uint8Array } | null;
}

interface Crease {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  depth: number;
  width: number;
}

/** Bounds of the pixels with coverage, or null. */
function coverageBounds(coverage: Uint8Array, width: number, height: number) {
  let left = width;
  let right = -1;
  let top = height;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (coverage[y * width + x]! > 127) {
        if (x < left) left = x;
        if (x > right) right = x;
        if (y < top) top = y;
        bottom = y;
      }
    }
  }
  return right < 0 ? null : { left, top, width: right - left + 1, height: bottom - top + 1 };
}

/**
 * Cloth detail the flat scene lacks: a fine knit, sensor-like fibre noise and
 * soft creases (a dark fold line with a highlight beside it), scaled so they
 * show on white and still on black.
 */
function addTexture(image: RawImage, coverage: Uint8Array, seed: number): void {
  const { width, height, data } = image;
  const bounds = coverageBounds(coverage, width, height)!;
  const random = seededRandom(seed * 131 + 7);
  const shade = new Float32Array(width * height);
  const creases: Crease[] = Array.from({ length: 16 }, () => {
    const x0 = bounds.left + random() * bounds.width;
    const y0 = bounds.top + random() * bounds.height;
    const angle = (random() - 0.5) * 1.4 + (random() < 0.5 ? Math.PI / 2 : 0);
    const length = (0.08 + random() * 0.18) * bounds.height;
    return { x0, y0, x1: x0 + Math.cos(angle) * length, y1: y0 + Math.sin(angle) * length, depth: 0.05 + random() * 0.1, width: 2.5 + random() * 3 };
  });
  for (const c of creases) {
    const reach = c.width * 5;
    const left = Math.max(0, Math.floor(Math.min(c.x0, c.x1) - reach));
    const right = Math.min(width - 1, Math.ceil(Math.max(c.x0, c.x1) + reach));
    const top = Math.max(0, Math.floor(Math.min(c.y0, c.y1) - reach));
    const bottom = Math.min(height - 1, Math.ceil(Math.max(c.y0, c.y1) + reach));
    const dx = c.x1 - c.x0;
    const dy = c.y1 - c.y0;
    const length2 = dx * dx + dy * dy;
    for (let y = top; y <= bottom; y++) {
      for (let x = left; x <= right; x++) {
        const t = Math.min(1, Math.max(0, ((x - c.x0) * dx + (y - c.y0) * dy) / length2));
        // Signed distance across the fold: the shadow on one side, the lit ridge on the other.
        const across = ((x - c.x0) * dy - (y - c.y0) * dx) / Math.sqrt(length2);
        const along = Math.hypot(x - (c.x0 + t * dx), y - (c.y0 + t * dy));
        if (along > 5 * c.width) continue;
        const taper = Math.sin(Math.PI * t);
        const fold = -Math.exp(-((along / c.width) ** 2)) + 0.45 * Math.exp(-(((across - 1.8 * c.width) / c.width) ** 2)) * Math.exp(-((Math.abs(along) / (2.5 * c.width)) ** 2));
        shade[y * width + x] += c.depth * taper * fold;
      }
    }
  }
  // The knit's column factor, once per column rather than per pixel (the same values).
  const knitX = Float64Array.from({ length: width }, (_, x) => Math.sin(x * 1.9));
  for (let y = 0, i = 0; y < height; y++) {
    const knitY = Math.sin(y * 1.37);
    for (let x = 0; x < width; x++, i++) {
      const cover = coverage[i]! / 255;
      if (cover === 0) continue;
      const knit = 0.03 * knitX[x]! * knitY + 0.02 * (random() - 0.5);
      const m = (knit + shade[i]!) * cover;
      for (let c = 0; c < 3; c++) {
        const q = i * 3 + c;
        const v = data[q]!;
        data[q] = Math.min(255, Math.max(0, Math.round(v + m * (0.7 * v + 25))));
      }
    }
  }
}

async function resizeRaw(image: RawImage, width: number, height: number): Promise<RawImage> {
  const { data, info } = await sharp(image.data, rawInput(image)).resize({ width, height, fit: "fill", kernel: "lanczos3" }).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels as 3 | 4 };
}

async function resizeMask(mask: Uint8Array, width: number, height: number, toWidth: number, toHeight: number): Promise<Uint8Array> {
  const out = await sharp(Buffer.from(mask.buffer, mask.byteOffset, mask.byteLength), { raw: { width, height, channels: 1 } })
    .resize({ width: toWidth, height: toHeight, fit: "fill", kernel: "lanczos3" })
    // One channel out: sharp would otherwise write its greyscale as sRGB.
    .extractChannel(0)
    .raw()
    .toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

async function decodeJpeg(bytes: Buffer): Promise<RawImage> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}

/** The pdp rendition's encoding, for defects applied after it: the pipeline's own q85. */
async function encodePdp(image: RawImage, quality = PDP.quality): Promise<Buffer> {
  return sharp(image.data, rawInput(image)).jpeg({ quality, mozjpeg: false, progressive: false, optimiseCoding: true, chromaSubsampling: "4:2:0" }).toBuffer();
}

interface PipelineRun {
  jpeg: Buffer;
  renditions: RenditionFacts[];
  master: { longEdge: number; neededLongEdge: number };
  coverage: Uint8Array;
}

/** The resolution check's facts as the quality-check service derives them from a post-production report. */
function resolutionFacts(report: PostReport): QcSetInput["master"] {
  const measured = subjectResolution(report, DEFAULT_CHANNEL_SPECS.filter((spec) => spec.enabled), FRAMING);
  if (!measured) throw new Error("the pipeline's report has no framed subject");
  return { longEdge: measured.masterLongEdge, neededLongEdge: measured.neededLongEdge };
}

/** The camera JPEG through the real pipeline: the pdp rendition, every rendition's facts, and the garment's coverage placed on the pdp canvas. */
async function runPipeline(camera: RawImage, cameraCoverage: Uint8Array): Promise<PipelineRun> {
  const bytes = await sharp(camera.data, rawInput(camera)).jpeg({ quality: 92 }).toBuffer();
  const { renditions, report } = await postProcessImage(bytes, "image/jpeg", PIPELINE);
  const pdp = renditions.find((r) => r.channel === PDP.id)!;
  const facts = await Promise.all(
    renditions.map(async (r) => {
      const meta = await sharp(r.bytes).metadata();
      const spec = DEFAULT_CHANNEL_SPECS.find((s) => s.id === r.channel)!;
      return { channel: r.channel, width: r.width, height: r.height, bytes: r.bytes.length, format: r.format, srgb: Boolean(meta.icc) && meta.space === "srgb", spec: { width: spec.width, height: spec.height } };
    }),
  );
  // The renditions put report.subject (working-image pixels) where placeSubject says; the coverage goes the same way.
  const box = report.subject;
  const placement = placeSubject(box, CANVAS, FRAMING);
  const crop = new Uint8Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) crop.set(cameraCoverage.subarray((box.top + y) * camera.width + box.left, (box.top + y) * camera.width + box.left + box.width), y * box.width);
  const placed = await resizeMask(crop, box.width, box.height, placement.width, placement.height);
  const coverage = new Uint8Array(CANVAS.width * CANVAS.height);
  for (let y = 0; y < placement.height; y++) coverage.set(placed.subarray(y * placement.width, (y + 1) * placement.width), (placement.top + y) * CANVAS.width + placement.left);
  return { jpeg: pdp.bytes, renditions: facts, master: resolutionFacts(report), coverage };
}

async function makeGood(spec: GarmentSpec): Promise<Good> {
  const scene = await renderGarmentScene({
    name: spec.key,
    garment: spec.garment,
    fabric: spec.fabric,
    backdrop: spec.backdrop,
    ...(spec.enclosedPrint ? { enclosedPrint: spec.enclosedPrint } : {}),
    ...MASTER,
    seed: spec.seed,
  });
  const camera = scene.image;
  // A plain loop: Uint8Array.from with a map function takes most of a second on 4 M pixels.
  const cameraCoverage = new Uint8Array(scene.coverage.length);
  for (let i = 0; i < cameraCoverage.length; i++) cameraCoverage[i] = Math.round(scene.coverage[i]! * 255);
  addTexture(camera, cameraCoverage, spec.seed);
  const run = await runPipeline(camera, cameraCoverage);

  // The source: the textured camera image cut out by the true coverage.
  const cutout = Buffer.alloc(camera.width * camera.height * 4);
  for (let i = 0; i < cameraCoverage.length; i++) {
    cutout[i * 4] = camera.data[i * 3]!;
    cutout[i * 4 + 1] = camera.data[i * 3 + 1]!;
    cutout[i * 4 + 2] = camera.data[i * 3 + 2]!;
    cutout[i * 4 + 3] = cameraCoverage[i]!;
  }
  // sharp resizes RGBA premultiplied, so the backdrop colour under transparent pixels does not bleed into the edge.
  const { data, info } = await sharp(cutout, { raw: { width: camera.width, height: camera.height, channels: 4 } })
    .resize({ ...SOURCE_SIZE, fit: "fill", kernel: "lanczos3" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const source: RawImage = { data, width: info.width, height: info.height, channels: 4 };
  const sourceLab = spec.fabric.kind === "solid" ? meanLab(source, (i) => data[i * 4 + 3] === 255) : null;
  // The camera image is kept only where a low-resolution defect re-runs the pipeline from it (9 MB each).
  const reshot = QC_DEFECTS.some((d) => d.defect === "low-resolution" && d.garment === spec.key);
  return { key: spec.key, spec, jpeg: run.jpeg, renditions: run.renditions, master: run.master, coverage: run.coverage, source, sourceLab, camera: reshot ? { camera, cameraCoverage } : null };
}

let goods: Promise<Good[]> | null = null;

/** The good images, made once per process (two at a time: the pipeline's sharp steps overlap the renderer's JavaScript). */
function goodImages(): Promise<Good[]> {
  goods ??= (async () => {
    const made: Good[] = new Array(QC_GARMENTS.length);
    let next = 0;
    await Promise.all(
      [0, 1].map(async () => {
        while (next < QC_GARMENTS.length) {
          const index = next++;
          made[index] = await makeGood(QC_GARMENTS[index]!);
        }
      }),
    );
    return made;
  })();
  return goods;
}

/**
 * One good image's check input and its delivered JPEG, for the benchmark:
 * from the set's cache when the set was made, else made alone.
 */
export async function qcGoodInput(key: string): Promise<{ input: QcSetInput; jpeg: Buffer }> {
  const spec = QC_GARMENTS.find((g) => g.key === key);
  if (!spec) throw new Error(`no good garment ${key}: use one of ${QC_GARMENTS.map((g) => g.key).join(", ")}`);
  const good = goods ? (await goods).find((g) => g.key === key)! : await makeGood(spec);
  return { input: inputOf(good, await decodeJpeg(good.jpeg)), jpeg: good.jpeg };
}

/* ---------------------------------------------------------------- defects */

type DefectKind =
  | "colour-drift"
  | "blur"
  | "over-exposure"
  | "under-exposure"
  | "dirty-background-specks"
  | "dirty-background-smudge"
  | "dirty-background-gradient"
  | "dirty-background-noise"
  | "edge-halo"
  | "colour-cast"
  | "wrong-aspect"
  | "low-resolution"
  | "jpeg-blockiness"
  | "framing-small"
  | "framing-high"
  | "near-duplicate";

export interface DefectSpec {
  defect: DefectKind;
  /** The severity it was designed as; rule 1 may relabel it sub-threshold. */
  severity: Exclude<QcSeverity, "none">;
  garment: string;
  /** The defect's strength in its own unit (ΔE, σ, gain, count, quality, fraction…). */
  amount: number;
  /** A second parameter where one is needed (direction, colour, shift). */
  variant?: number;
}

const d = (defect: DefectKind, severity: DefectSpec["severity"], garment: string, amount: number, variant?: number): DefectSpec => ({ defect, severity, garment, amount, ...(variant === undefined ? {} : { variant }) });

/** Every defect image: which good it starts from and how strong it is. */
export const QC_DEFECTS: DefectSpec[] = [
  // Garment colour drift: ΔE00 of the shift applied to the output garment; variant picks the direction.
  d("colour-drift", "sub-threshold", "red-dress", 1.2, 0),
  d("colour-drift", "sub-threshold", "grey-trousers", 1.2, 1),
  d("colour-drift", "mild", "green-tee", 4, 0),
  d("colour-drift", "mild", "cream-dress", 4, 1),
  d("colour-drift", "moderate", "pink-tee", 7, 0),
  d("colour-drift", "moderate", "denim-trousers", 7, 2),
  d("colour-drift", "severe", "navy-tee", 12, 0),
  d("colour-drift", "severe", "black-trousers", 12, 2),
  // Blur: Gaussian sigma in output pixels.
  d("blur", "sub-threshold", "mustard-dress", 0.5),
  d("blur", "mild", "striped-tee", 1.5),
  d("blur", "mild", "beige-trousers", 1.5),
  d("blur", "moderate", "red-dress", 3),
  d("blur", "moderate", "black-tee", 3),
  d("blur", "severe", "dotted-dress", 6),
  d("blur", "severe", "grey-trousers", 6),
  // Exposure of the subject (the pipeline normalises exposure on the backdrop, so what survives is the subject's light): linear gain.
  d("over-exposure", "mild", "beige-trousers", 1.4),
  d("over-exposure", "mild", "grey-trousers", 1.35),
  d("over-exposure", "moderate", "cream-dress", 1.5),
  d("over-exposure", "moderate", "pink-tee", 1.6),
  d("over-exposure", "severe", "white-tee", 2),
  d("over-exposure", "severe", "mustard-dress", 2.2),
  d("under-exposure", "mild", "navy-tee", 0.62),
  d("under-exposure", "mild", "denim-trousers", 0.7),
  d("under-exposure", "moderate", "burgundy-dress", 0.45),
  d("under-exposure", "moderate", "green-tee", 0.45),
  d("under-exposure", "severe", "black-tee", 0.1),
  d("under-exposure", "severe", "black-trousers", 0.1),
  // Dirty background. Specks: how many dust specks (severe adds hairs). Smudge and gradient: the darkest level reached. Noise: sigma in levels.
  d("dirty-background-specks", "mild", "white-tee", 6),
  d("dirty-background-specks", "moderate", "royal-dress", 25),
  d("dirty-background-specks", "severe", "black-trousers", 80),
  d("dirty-background-smudge", "mild", "green-tee", 244),
  d("dirty-background-smudge", "moderate", "striped-tee", 232),
  d("dirty-background-smudge", "severe", "burgundy-dress", 210),
  d("dirty-background-gradient", "mild", "denim-trousers", 246),
  d("dirty-background-gradient", "moderate", "cream-dress", 236),
  d("dirty-background-gradient", "severe", "pink-tee", 220),
  d("dirty-background-noise", "sub-threshold", "navy-tee", 1.5),
  d("dirty-background-noise", "mild", "red-dress", 4),
  d("dirty-background-noise", "moderate", "mustard-dress", 8),
  d("dirty-background-noise", "severe", "black-tee", 14),
  // Edge halo: ring width in output pixels; variant 0 = grey (an old backdrop left by the key), 1 = green spill.
  d("edge-halo", "sub-threshold", "royal-dress", 1, 0),
  d("edge-halo", "mild", "black-tee", 3, 0),
  d("edge-halo", "mild", "red-dress", 3, 1),
  d("edge-halo", "moderate", "navy-tee", 6, 0),
  d("edge-halo", "moderate", "mustard-dress", 6, 1),
  d("edge-halo", "severe", "burgundy-dress", 12, 0),
  d("edge-halo", "severe", "grey-trousers", 12, 1),
  // Colour cast: ΔE00 of the brand white after the tint; variant = direction (warm, cool, magenta, green).
  d("colour-cast", "sub-threshold", "striped-tee", 1, 0),
  d("colour-cast", "mild", "beige-trousers", 3, 0),
  d("colour-cast", "mild", "royal-dress", 3, 1),
  d("colour-cast", "moderate", "white-tee", 5, 2),
  d("colour-cast", "severe", "dotted-dress", 9, 3),
  // Wrong aspect: the portrait rendition's height, spec 1600 × 2000.
  d("wrong-aspect", "sub-threshold", "green-tee", 2006),
  d("wrong-aspect", "mild", "denim-trousers", 2020),
  d("wrong-aspect", "moderate", "burgundy-dress", 2062),
  d("wrong-aspect", "severe", "pink-tee", 1600),
  // Low resolution: the garment's height in a smaller camera file over the height a rendition shows it at.
  d("low-resolution", "mild", "royal-dress", 0.9),
  d("low-resolution", "moderate", "black-tee", 0.7),
  d("low-resolution", "severe", "dotted-dress", 0.4),
  // JPEG blockiness: the quality the output was re-encoded at.
  d("jpeg-blockiness", "sub-threshold", "cream-dress", 70),
  d("jpeg-blockiness", "mild", "dotted-dress", 30),
  d("jpeg-blockiness", "mild", "grey-trousers", 30),
  d("jpeg-blockiness", "moderate", "striped-tee", 15),
  d("jpeg-blockiness", "moderate", "pink-tee", 15),
  d("jpeg-blockiness", "severe", "royal-dress", 6),
  d("jpeg-blockiness", "severe", "beige-trousers", 6),
  // Framing: the subject scaled by amount about its baseline and raised by variant (a share of the canvas height).
  d("framing-small", "sub-threshold", "black-trousers", 0.985, 0),
  d("framing-small", "mild", "mustard-dress", 0.95, 0),
  d("framing-small", "moderate", "navy-tee", 0.88, 0),
  d("framing-small", "severe", "cream-dress", 0.7, 0),
  d("framing-high", "sub-threshold", "pink-tee", 1, 0.015),
  d("framing-high", "mild", "white-tee", 1, 0.045),
  d("framing-high", "moderate", "green-tee", 0.92, 0.09),
  d("framing-high", "severe", "denim-trousers", 0.8, 0.2),
  // Near-duplicates of another candidate: severe = a re-encode, moderate = resized down and up and 3 % brighter, mild = 3 % smaller and shifted 1 %.
  d("near-duplicate", "mild", "striped-tee", 0),
  d("near-duplicate", "moderate", "striped-tee", 1),
  d("near-duplicate", "severe", "striped-tee", 2),
  d("near-duplicate", "mild", "burgundy-dress", 0),
  d("near-duplicate", "moderate", "burgundy-dress", 1),
  d("near-duplicate", "severe", "burgundy-dress", 2),
];

/** Checks a defect also moves (labelling rule 3). */
const TOLERATED: Record<DefectKind, QcCheckId[]> = {
  "colour-drift": ["colour-cast"],
  blur: ["edge-halo"],
  // A light garment blown out to the backdrop's white merges with it: the subject's outline and the backdrop region move.
  "over-exposure": ["colour-cast", "edge-halo", "framing", "background"],
  "under-exposure": ["colour-cast", "edge-halo"],
  "dirty-background-specks": [],
  "dirty-background-smudge": ["colour-cast", "edge-halo"],
  "dirty-background-gradient": ["colour-cast", "edge-halo"],
  "dirty-background-noise": ["colour-cast", "edge-halo"],
  "edge-halo": ["background"],
  "colour-cast": ["background", "garment-colour", "edge-halo"],
  "wrong-aspect": [],
  "low-resolution": ["sharpness"],
  "jpeg-blockiness": ["sharpness", "garment-colour", "edge-halo", "colour-cast"],
  "framing-small": [],
  "framing-high": [],
  "near-duplicate": ["framing", "sharpness"],
};

/** The check each perceptual defect is for (labelling rule 2). */
const PERCEPTUAL_CHECK: Partial<Record<DefectKind, QcCheckId>> = {
  blur: "sharpness",
  "dirty-background-specks": "background",
  "dirty-background-smudge": "background",
  "dirty-background-gradient": "background",
  "dirty-background-noise": "background",
  "edge-halo": "edge-halo",
  "jpeg-blockiness": "blockiness",
  "near-duplicate": "near-duplicate",
};

const past = (check: QcCheckId, score: number) => (QC_CHECKS[check].worse === "above" ? score > QC_CHECKS[check].flag : score < QC_CHECKS[check].flag);
/** Within 5 % of the flag threshold: a boundary case, neither expected to fire nor to pass (rule 1). */
const nearFlag = (check: QcCheckId, score: number) => Math.abs(score - QC_CHECKS[check].flag) <= 0.05 * Math.abs(QC_CHECKS[check].flag);

function copy(image: RawImage): RawImage {
  return { ...image, data: Buffer.from(image.data) };
}

interface Applied {
  image: RawImage;
  /** Already the final JPEG bytes (otherwise the image is encoded as the pdp's q85). */
  jpeg?: Buffer;
  renditions?: RenditionFacts[];
  master?: Good["master"];
  /** Ground truth in a check's unit, by check (rule 1). */
  truth: Partial<Record<QcCheckId, number>>;
  note: string;
}

/** Garment ΔE00 from the source of an output image, over the fully covered pixels (solid fabrics). */
function garmentDeltaE(good: Good, image: RawImage, coverage: Uint8Array): number | null {
  if (!good.sourceLab) return null;
  return ciede2000(good.sourceLab, meanLab(image, (i) => coverage[i] === 255));
}

/** Shifts the garment's CIELAB by a fixed vector, weighted by coverage, so its mean moves `amount` ΔE00. */
function colourDrift(good: Good, image: RawImage, amount: number, variant: number): Applied {
  const out = copy(image);
  const { coverage } = good;
  const mean = meanLab(image, (i) => coverage[i] === 255);
  const chroma = Math.hypot(mean[1], mean[2]);
  // Chromatic garments turn in hue (and a little in lightness); neutrals pick up a tint: variant 0 yellowing, 1 pink, 2 blue.
  const direction: Lab =
    chroma > 12
      ? ([variant === 2 ? -0.4 : 0.2, -mean[2] / chroma, mean[1] / chroma] as const)
      : variant === 1
        ? [0, 1, 0.2]
        : variant === 2
          ? [0.1, -0.15, -1]
          : [0, -0.1, 1];
  const norm = Math.hypot(...direction);
  const unit = direction.map((v) => v / norm) as unknown as Lab;
  const scale = solveRising((s) => ciede2000(mean, [mean[0] + s * unit[0], mean[1] + s * unit[1], mean[2] + s * unit[2]]), amount, 80);
  const memo = new Map<number, number>();
  const { data } = out;
  for (let i = 0; i < coverage.length; i++) {
    const cover = coverage[i]!;
    if (cover === 0) continue;
    const q = i * 3;
    const key = (data[q]! << 16) | (data[q + 1]! << 8) | data[q + 2]!;
    let shifted = cover === 255 ? memo.get(key) : undefined;
    if (shifted === undefined) {
      const lab = srgbToLab(data[q]!, data[q + 1]!, data[q + 2]!);
      const w = (scale * cover) / 255;
      const [r, g, b] = labToSrgb([lab[0] + w * unit[0], lab[1] + w * unit[1], lab[2] + w * unit[2]]);
      shifted = (r << 16) | (g << 8) | b;
      if (cover === 255) memo.set(key, shifted);
    }
    data[q] = shifted >> 16;
    data[q + 1] = (shifted >> 8) & 255;
    data[q + 2] = shifted & 255;
  }
  const applied = ciede2000(mean, meanLab(out, (i) => coverage[i] === 255));
  const truth = garmentDeltaE(good, out, coverage);
  return { image: out, truth: truth === null ? {} : { "garment-colour": truth }, note: `garment shifted ΔE00 ${applied.toFixed(1)} from the good output; ${truth?.toFixed(1)} from the source` };
}

async function blur(image: RawImage, sigma: number): Promise<Applied> {
  const data = await sharp(image.data, rawInput(image)).blur(sigma).raw().toBuffer();
  return { image: { ...image, data }, truth: {}, note: `Gaussian blur σ ${sigma} px` };
}

/** Linear light a dark exposure loses to the sensor's black level (about level 5): under-exposed shadows crush to 0. */
const BLACK_LEVEL = 0.0015;

/**
 * A linear-light gain on the garment (weighted by coverage), less the black
 * level when it darkens; the truth, measured before the JPEG, is the share
 * of the garment's pixels clipped and the garment's ΔE from the source.
 */
function exposure(good: Good, image: RawImage, gain: number): Applied {
  const out = copy(image);
  const { coverage } = good;
  const { data } = out;
  const crush = gain < 1 ? BLACK_LEVEL : 0;
  for (let i = 0; i < coverage.length; i++) {
    const cover = coverage[i]! / 255;
    if (cover === 0) continue;
    const g = 1 + (gain - 1) * cover;
    for (let c = 0; c < 3; c++) data[i * 3 + c] = encodeLinear(LINEAR[data[i * 3 + c]!]! * g - crush * cover);
  }
  let clipped = 0;
  let inside = 0;
  for (let i = 0; i < coverage.length; i++) {
    if (coverage[i] !== 255) continue;
    inside += 1;
    const q = i * 3;
    const lo = Math.min(data[q]!, data[q + 1]!, data[q + 2]!);
    const hi = Math.max(data[q]!, data[q + 1]!, data[q + 2]!);
    // The contract's "clipped": white with no tone left (a channel at the ceiling, none below 250), or black likewise.
    if ((hi >= 254 && lo >= 250) || (hi <= 5 && lo <= 1)) clipped += 1;
  }
  const clippedPercent = (100 * clipped) / inside;
  const truth: Applied["truth"] = { exposure: clippedPercent };
  const deltaE = garmentDeltaE(good, out, coverage);
  if (deltaE !== null) truth["garment-colour"] = deltaE;
  return { image: out, truth, note: `subject gain ×${gain} in linear light${crush ? " above the black level" : ""}: ${clippedPercent.toFixed(1)} % of garment pixels clipped, garment ΔE00 ${deltaE?.toFixed(1)} from the source` };
}

/** How much of each pixel is background (1 − the garment's coverage): dirt goes there, shadow included. */
function backgroundWeight(good: Good): Float32Array {
  const weight = new Float32Array(good.coverage.length);
  for (let i = 0; i < weight.length; i++) weight[i] = 1 - good.coverage[i]! / 255;
  return weight;
}

function darken(image: RawImage, weight: Float32Array, amount: (x: number, y: number) => number): RawImage {
  const out = copy(image);
  const { width, height, data } = out;
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      const k = weight[i]! * amount(x, y);
      if (k <= 0) continue;
      for (let c = 0; c < 3; c++) data[i * 3 + c] = Math.round(data[i * 3 + c]! * (1 - k));
    }
  }
  return out;
}

/** A point of the background at least `clearance` px from the garment, drawn from `random`. */
function backgroundPoint(good: Good, random: () => number, clearance: number): [number, number] {
  const { width, height } = CANVAS;
  for (;;) {
    const x = Math.floor(random() * width);
    const y = Math.floor(random() * height);
    let clear = true;
    for (let dy = -clearance; dy <= clearance && clear; dy += 4) {
      for (let dx = -clearance; dx <= clearance && clear; dx += 4) {
        const xx = x + dx;
        const yy = y + dy;
        if (xx >= 0 && yy >= 0 && xx < width && yy < height && good.coverage[yy * width + xx]! > 0) clear = false;
      }
    }
    if (clear) return [x, y];
  }
}

function specks(good: Good, image: RawImage, count: number): Applied {
  const out = copy(image);
  const { width, data } = out;
  const random = seededRandom(count * 977 + good.spec.seed);
  const paint = (cx: number, cy: number, radius: number, level: number) => {
    for (let y = Math.floor(cy - radius - 1); y <= Math.ceil(cy + radius + 1); y++) {
      for (let x = Math.floor(cx - radius - 1); x <= Math.ceil(cx + radius + 1); x++) {
        if (x < 0 || y < 0 || x >= CANVAS.width || y >= CANVAS.height) continue;
        const a = Math.min(1, Math.max(0, radius + 0.5 - Math.hypot(x - cx, y - cy)));
        if (a === 0) continue;
        const i = y * width + x;
        for (let c = 0; c < 3; c++) data[i * 3 + c] = Math.round(data[i * 3 + c]! * (1 - a) + level * a);
      }
    }
  };
  for (let n = 0; n < count; n++) {
    const [x, y] = backgroundPoint(good, random, 24);
    paint(x, y, 1.5 + random() * (count > 40 ? 6 : 3), 70 + random() * 100);
  }
  let hairs = 0;
  if (count > 40) {
    // Hairs: thin dark curves across the sweep.
    for (; hairs < 4; hairs++) {
      let [x, y] = backgroundPoint(good, random, 60);
      let angle = random() * Math.PI * 2;
      for (let step = 0; step < 160; step++) {
        angle += (random() - 0.5) * 0.25;
        x += Math.cos(angle) * 1.5;
        y += Math.sin(angle) * 1.5;
        const xi = Math.round(x);
        const yi = Math.round(y);
        if (xi < 0 || yi < 0 || xi >= CANVAS.width || yi >= CANVAS.height || good.coverage[yi * width + xi]! > 0) break;
        paint(x, y, 0.9, 60);
      }
    }
  }
  return { image: out, truth: {}, note: `${count} dust specks${hairs ? ` and ${hairs} hairs` : ""} on the sweep` };
}

function smudge(good: Good, image: RawImage, level: number): Applied {
  const random = seededRandom(level * 31 + good.spec.seed);
  const blobs = Array.from({ length: 3 }, () => {
    const [x, y] = backgroundPoint(good, random, 140);
    return { x, y, radius: 90 + random() * 90 };
  });
  const depth = 1 - level / 255;
  const dirty = darken(image, backgroundWeight(good), (x, y) => {
    let k = 0;
    for (const b of blobs) k = Math.max(k, Math.exp(-(((x - b.x) ** 2 + (y - b.y) ** 2) / (b.radius * b.radius))));
    return k < 0.01 ? 0 : depth * k;
  });
  return { image: dirty, truth: {}, note: `3 grey smudges on the sweep, darkest level ${level}` };
}

function gradient(good: Good, image: RawImage, level: number): Applied {
  const depth = 1 - level / 255;
  const { width, height } = CANVAS;
  // Unlit corners: the sweep falls off from the top-left corner, as an unkeyed backdrop does.
  const dirty = darken(image, backgroundWeight(good), (x, y) => depth * Math.min(1, Math.max(0, (x / width + y / height - 0.6) / 1.4)) ** 1.2);
  return { image: dirty, truth: {}, note: `backdrop fall-off to level ${level} at the bottom-right corner` };
}

function noise(good: Good, image: RawImage, sigma: number): Applied {
  const out = copy(image);
  const random = seededRandom(Math.round(sigma * 100) + good.spec.seed);
  const weight = backgroundWeight(good);
  const { data } = out;
  for (let i = 0; i < weight.length; i++) {
    const w = weight[i]!;
    if (w === 0) continue;
    // Luma-heavy noise, as a sensor's after demosaicing: one shared draw plus a smaller one per channel.
    const shared = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    for (let c = 0; c < 3; c++) data[i * 3 + c] = Math.min(255, Math.max(0, Math.round(data[i * 3 + c]! + w * sigma * (shared + 0.3 * (random() - 0.5)))));
  }
  return { image: out, truth: {}, note: `background noise σ ${sigma} levels` };
}

/** Chamfer (3-4) distance in pixels from the garment (coverage ≥ 50 %). */
function distanceFromGarment(coverage: Uint8Array, width: number, height: number, limit: number): Float32Array {
  const far = limit + 10;
  const dist = new Float32Array(width * height).fill(far);
  for (let i = 0; i < dist.length; i++) if (coverage[i]! >= 128) dist[i] = 0;
  const relax = (i: number, j: number, cost: number) => {
    const v = dist[j]! + cost;
    if (v < dist[i]!) dist[i] = v;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (x > 0) relax(i, i - 1, 1);
      if (y > 0) {
        relax(i, i - width, 1);
        if (x > 0) relax(i, i - width - 1, 1.4142);
        if (x < width - 1) relax(i, i - width + 1, 1.4142);
      }
    }
  }
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const i = y * width + x;
      if (x < width - 1) relax(i, i + 1, 1);
      if (y < height - 1) {
        relax(i, i + width, 1);
        if (x < width - 1) relax(i, i + width + 1, 1.4142);
        if (x > 0) relax(i, i + width - 1, 1.4142);
      }
    }
  }
  return dist;
}

function halo(good: Good, image: RawImage, width: number, variant: number): Applied {
  const out = copy(image);
  const { data } = out;
  const dist = distanceFromGarment(good.coverage, CANVAS.width, CANVAS.height, width + 2);
  const colour: RGB = variant === 0 ? [150, 150, 152] : [120, 190, 110];
  const opacity = width <= 1 ? 0.25 : 0.75;
  for (let i = 0; i < dist.length; i++) {
    const dd = dist[i]!;
    if (dd > width + 1) continue;
    const cover = good.coverage[i]! / 255;
    // Full strength over the ring, fading over its last pixel; only the part of a pixel the garment does not cover.
    const a = opacity * Math.min(1, Math.max(0, width + 0.5 - dd)) * (1 - cover);
    if (a <= 0) continue;
    for (let c = 0; c < 3; c++) data[i * 3 + c] = Math.round(data[i * 3 + c]! * (1 - a) + colour[c]! * a);
  }
  return { image: out, truth: {}, note: `${variant === 0 ? "grey" : "green"} fringe ${width} px wide at ${Math.round(opacity * 100)} % around the garment` };
}

/** Per-channel linear gains that tint white by `amount` ΔE00 in one of four directions. */
function castGains(amount: number, variant: number): [number, number, number] {
  const gainsAt = (t: number): [number, number, number] => {
    switch (variant) {
      case 0:
        return [1, 1 - 0.3 * t, 1 - t]; // warm
      case 1:
        return [1 - t, 1 - 0.4 * t, 1]; // cool
      case 2:
        return [1, 1 - t, 1 - 0.1 * t]; // magenta
      default:
        return [1 - 0.8 * t, 1, 1 - t]; // green
    }
  };
  const white = srgbToLab(255, 255, 255);
  const tinted = (t: number) => {
    const [r, g, b] = gainsAt(t).map((k) => encodeLinear(k)) as RGB;
    return ciede2000(white, srgbToLab(r, g, b));
  };
  return gainsAt(solveRising(tinted, amount, 0.9));
}

function colourCast(image: RawImage, amount: number, variant: number): Applied {
  const out = copy(image);
  const gains = castGains(amount, variant);
  const { data } = out;
  const tables = gains.map((k) => Uint8Array.from({ length: 256 }, (_, v) => encodeLinear(LINEAR[v]! * k)));
  for (let q = 0; q < data.length; q += 3) {
    data[q] = tables[0]![data[q]!]!;
    data[q + 1] = tables[1]![data[q + 1]!]!;
    data[q + 2] = tables[2]![data[q + 2]!]!;
  }
  const white = [tables[0]![255]!, tables[1]![255]!, tables[2]![255]!] as const;
  const truth = ciede2000(srgbToLab(255, 255, 255), srgbToLab(...white));
  const names = ["warm", "cool", "magenta", "green"];
  return { image: out, truth: { "colour-cast": truth }, note: `${names[variant]} cast: the brand white became rgb(${white.join(", ")}), ΔE00 ${truth.toFixed(1)}` };
}

function wrongAspect(good: Good, image: RawImage, height: number): Applied {
  const renditions = good.renditions.map((r) => (r.channel === "pdp-portrait" ? { ...r, height } : r));
  const worst = Math.max(...renditions.map((r) => Math.abs(r.width / r.height / (r.spec.width / r.spec.height) - 1) * 100));
  return { image, renditions, truth: { aspect: worst }, note: `portrait rendition delivered at 1600 × ${height} for a 1600 × 2000 spec: ${worst.toFixed(2)} % off` };
}

/** A smaller camera file through the pipeline, sized so the garment is enlarged to `target` × what it needs. */
async function lowResolution(good: Good, target: number): Promise<Applied> {
  if (!good.camera) throw new Error(`${good.key} kept no camera image for a low-resolution defect`);
  const scale = target / (good.master.longEdge / good.master.neededLongEdge);
  const width = Math.round(MASTER.width * scale);
  const height = Math.round(MASTER.height * scale);
  const camera = await resizeRaw(good.camera.camera, width, height);
  const coverage = await resizeMask(good.camera.cameraCoverage, MASTER.width, MASTER.height, width, height);
  const run = await runPipeline(camera, coverage);
  const ratio = run.master.longEdge / run.master.neededLongEdge;
  return { image: await decodeJpeg(run.jpeg), jpeg: run.jpeg, renditions: run.renditions, master: run.master, truth: { resolution: ratio }, note: `camera master ${width} × ${height} through the pipeline: the garment ${run.master.longEdge} px high where a rendition shows it at ${run.master.neededLongEdge} (${ratio.toFixed(2)} ×)` };
}

async function blockiness(image: RawImage, quality: number): Promise<Applied> {
  const jpeg = await encodePdp(image, quality);
  return { image: await decodeJpeg(jpeg), jpeg, truth: {}, note: `re-encoded at JPEG quality ${quality}` };
}

/** The canvas's content scaled by `scale` about the centre of the framing's baseline, then moved by (dx, dy) px, on white; what leaves the canvas is cut. */
async function moveContent(image: RawImage, scale: number, dx: number, dy: number): Promise<RawImage> {
  const { width, height } = CANVAS;
  const baseline = height * (1 - FRAMING.margins.bottom);
  const scaledWidth = Math.round(width * scale);
  const scaledHeight = Math.round(height * scale);
  const left = Math.round(width / 2 - (width / 2) * scale + dx);
  const top = Math.round(baseline - baseline * scale + dy);
  const scaled = scale === 1 ? image.data : await sharp(image.data, rawInput(image)).resize({ width: scaledWidth, height: scaledHeight, kernel: "lanczos3" }).raw().toBuffer();
  const data = Buffer.alloc(width * height * 3, 255);
  const from = Math.max(0, -left);
  const to = Math.min(scaledWidth, width - left);
  for (let y = 0; y < scaledHeight; y++) {
    const ty = top + y;
    if (ty < 0 || ty >= height || to <= from) continue;
    scaled.copy(data, (ty * width + left + from) * 3, (y * scaledWidth + from) * 3, (y * scaledWidth + to) * 3);
  }
  return { ...image, data };
}

/** Framing: the subject scaled about its baseline by `scale` and raised by `raise` × the canvas height. */
async function reframe(good: Good, image: RawImage, scale: number, raise: number): Promise<Applied> {
  const moved = await moveContent(image, scale, 0, -raise * CANVAS.height);
  const bounds = coverageBounds(good.coverage, CANVAS.width, CANVAS.height)!;
  const heightError = ((bounds.height * (1 - scale)) / CANVAS.height) * 100;
  const truth = { framing: Math.max(heightError, raise * 100) };
  return { image: moved, truth, note: `subject ${Math.round(scale * 100)} % of its framed size${raise ? `, raised ${(raise * 100).toFixed(1)} % of the canvas` : ""}: height off ${heightError.toFixed(1)} %, baseline off ${(raise * 100).toFixed(1)} %` };
}

async function nearDuplicate(image: RawImage, level: number): Promise<Applied> {
  const { width, height } = CANVAS;
  if (level === 2) {
    const jpeg = await encodePdp(image, 75);
    return { image: await decodeJpeg(jpeg), jpeg, truth: {}, note: "the same image re-encoded at q75" };
  }
  if (level === 1) {
    const data = await sharp(image.data, rawInput(image)).resize({ width: 1200, height: 1200 }).resize({ width, height }).linear(1.03, 0).raw().toBuffer();
    return { image: { ...image, data }, truth: {}, note: "resized to 1200 px and back, 3 % brighter" };
  }
  return { image: await moveContent(image, 0.97, 0.01 * width, 0.01 * height), truth: {}, note: "the same shot 3 % smaller and moved 1 % right and down" };
}

async function applyDefect(spec: DefectSpec, good: Good, image: RawImage): Promise<Applied> {
  const variant = spec.variant ?? 0;
  switch (spec.defect) {
    case "colour-drift":
      return colourDrift(good, image, spec.amount, variant);
    case "blur":
      return blur(image, spec.amount);
    case "over-exposure":
    case "under-exposure":
      return exposure(good, image, spec.amount);
    case "dirty-background-specks":
      return specks(good, image, spec.amount);
    case "dirty-background-smudge":
      return smudge(good, image, spec.amount);
    case "dirty-background-gradient":
      return gradient(good, image, spec.amount);
    case "dirty-background-noise":
      return noise(good, image, spec.amount);
    case "edge-halo":
      return halo(good, image, spec.amount, variant);
    case "colour-cast":
      return colourCast(image, spec.amount, variant);
    case "wrong-aspect":
      return wrongAspect(good, image, spec.amount);
    case "low-resolution":
      return lowResolution(good, spec.amount);
    case "jpeg-blockiness":
      return blockiness(image, spec.amount);
    case "framing-small":
    case "framing-high":
      return reframe(good, image, spec.amount, variant);
    case "near-duplicate":
      return nearDuplicate(image, spec.amount);
  }
}

/** Labelling rules 1–3 applied to one defect image. */
function labelDefect(spec: DefectSpec, truth: Applied["truth"], note: string): QcSetLabel {
  const measured = Object.entries(truth) as [QcCheckId, number][];
  const expected = new Set<QcCheckId>();
  const tolerated = new Set<QcCheckId>(TOLERATED[spec.defect]);
  const perceptual = PERCEPTUAL_CHECK[spec.defect];
  if (perceptual && spec.severity !== "sub-threshold") expected.add(perceptual);
  for (const [check, score] of measured) {
    if (nearFlag(check, score)) tolerated.add(check);
    else if (past(check, score)) expected.add(check);
  }
  for (const check of expected) tolerated.delete(check);
  const severity: QcSeverity = expected.size === 0 ? "sub-threshold" : spec.severity;
  return { defect: spec.defect, severity, expectedChecks: [...expected], toleratedChecks: [...tolerated], detail: note };
}

function inputOf(good: Good, image: RawImage, overrides: Partial<QcSetInput> = {}): QcSetInput {
  return { image, jpeg: true, background: WHITE, renditions: good.renditions, master: good.master, framing: FRAMING, source: good.source, ...overrides };
}

/**
 * The whole set, good images first, one at a time (each defect image is
 * made when asked for, so only the good images stay in memory).
 */
export async function* qcDefectSet(): AsyncGenerator<QcSetItem> {
  const made = await goodImages();
  const byKey = new Map(made.map((g) => [g.key, g]));
  for (const good of made) {
    const image = await decodeJpeg(good.jpeg);
    const truth = good.sourceLab ? ciede2000(good.sourceLab, meanLab(image, (i) => good.coverage[i] === 255)) : null;
    const label: QcSetLabel = { defect: null, severity: "none", expectedChecks: [], toleratedChecks: [], detail: `good: pipeline output${truth === null ? "" : `, garment ΔE00 ${truth.toFixed(1)} from the source`}` };
    if (truth !== null && past("garment-colour", truth)) throw new Error(`good image ${good.key} is already ΔE00 ${truth.toFixed(1)} from its source: the set's premise is broken`);
    yield { id: `good/${good.key}`, garment: good.key, duplicateOf: null, input: inputOf(good, image), label };
  }
  for (const spec of QC_DEFECTS) {
    const good = byKey.get(spec.garment);
    if (!good) throw new Error(`defect ${spec.defect} names an unknown garment ${spec.garment}`);
    const applied = await applyDefect(spec, good, await decodeJpeg(good.jpeg));
    const image = applied.jpeg ? applied.image : await decodeJpeg(await encodePdp(applied.image));
    yield {
      id: `${spec.defect}/${spec.severity}/${good.key}`,
      garment: good.key,
      duplicateOf: spec.defect === "near-duplicate" ? good.key : null,
      input: inputOf(good, image, { ...(applied.renditions ? { renditions: applied.renditions } : {}), ...(applied.master ? { master: applied.master } : {}) }),
      label: labelDefect(spec, applied.truth, applied.note),
    };
  }
}

/* ---------------------------------------------------------------- running the checks over the set */

/** What the runner needs from one run of the image checks. */
export interface QcRun {
  checks: QcCheckResult[];
  phash: string;
}

export interface QcSetResult {
  id: string;
  label: QcSetLabel;
  verdict: QcVerdict;
  verdicts: Partial<Record<QcCheckId, QcVerdict>>;
  scores: Partial<Record<QcCheckId, number | null>>;
  /** The closest candidate in its near-duplicate pool by perceptual hash (rule 4). */
  nearest: { id: string; distance: number } | null;
  checkMs: number;
}

export interface QcSetEvaluation {
  results: QcSetResult[];
  evaluation: QcEvaluation;
  /** Good images of one cut in different colours: their pHash distance (outside the near-duplicate pool, rule 4). */
  colourways: { a: string; b: string; distance: number }[];
  /** Making the images (rendering, the pipeline, the defects) and running the checks on them. */
  generationMs: number;
  checkMs: number;
}

/**
 * Runs the image checks on every image of the set and scores them against the
 * labels. The near-duplicate verdict comes from the hashes: each image
 * against its comparison pool (rule 4), judged with the recipe's threshold.
 */
export async function evaluateQcDefectSet(run: (input: QcSetInput & { recipe: QcRecipe }) => QcRun | Promise<QcRun>, recipe: QcRecipe = DEFAULT_QC_RECIPE): Promise<QcSetEvaluation> {
  const started = performance.now();
  let checkMs = 0;
  const rows: (QcSetResult & { garment: string; duplicateOf: string | null; phash: string })[] = [];
  for await (const item of qcDefectSet()) {
    const before = performance.now();
    const result = await run({ ...item.input, recipe });
    const ms = performance.now() - before;
    checkMs += ms;
    const verdicts: QcSetResult["verdicts"] = {};
    const scores: QcSetResult["scores"] = {};
    for (const check of result.checks) {
      verdicts[check.check] = check.verdict;
      scores[check.check] = check.score;
    }
    rows.push({ id: item.id, garment: item.garment, duplicateOf: item.duplicateOf, phash: result.phash, label: item.label, verdict: "pass", verdicts, scores, nearest: null, checkMs: Math.round(ms) });
  }
  const goodRows = rows.filter((r) => r.label.defect === null);
  const cut = new Map(QC_GARMENTS.map((g) => [g.key, g.garment]));
  const threshold = thresholdFor(recipe, "near-duplicate");
  for (const row of rows) {
    for (const other of goodRows) {
      const inPool = other.garment === row.duplicateOf || cut.get(other.garment) !== cut.get(row.garment);
      if (other === row || !inPool) continue;
      const distance = hammingDistance(row.phash, other.phash);
      if (!row.nearest || distance < row.nearest.distance) row.nearest = { id: other.id, distance };
    }
    if (row.nearest) {
      row.verdicts["near-duplicate"] = judge("near-duplicate", row.nearest.distance, threshold);
      row.scores["near-duplicate"] = row.nearest.distance;
    }
    row.verdict = worstVerdict(Object.values(row.verdicts));
  }
  const colourways: QcSetEvaluation["colourways"] = [];
  for (let i = 0; i < goodRows.length; i++) {
    for (let j = i + 1; j < goodRows.length; j++) {
      const [a, b] = [goodRows[i]!, goodRows[j]!];
      if (cut.get(a.garment) === cut.get(b.garment)) colourways.push({ a: a.id, b: b.id, distance: hammingDistance(a.phash, b.phash) });
    }
  }
  const results = rows.map(({ garment: _garment, duplicateOf: _duplicateOf, phash: _phash, ...rest }) => rest);
  const evaluation = evaluateQc(results.map((r) => ({ id: r.id, label: r.label, verdicts: r.verdicts })));
  return { results, evaluation, colourways, generationMs: Math.round(performance.now() - started - checkMs), checkMs: Math.round(checkMs) };
}

/** How many images of each defect and severity the set holds (after relabelling). */
export function composition(results: readonly { label: QcLabel }[]): Record<string, Partial<Record<QcSeverity, number>>> {
  const counts: Record<string, Partial<Record<QcSeverity, number>>> = {};
  for (const { label } of results) {
    const row = (counts[label.defect ?? "good"] ??= {});
    row[label.severity] = (row[label.severity] ?? 0) + 1;
  }
  return counts;
}

/** One line on how pHash sees garments of one cut in other colours (outside the pool, rule 4). */
export function colourwayLine({ colourways }: Pick<QcSetEvaluation, "colourways">): string {
  const limit = QC_CHECKS["near-duplicate"].flag;
  const close = colourways.filter((c) => c.distance < limit).length;
  const distances = colourways.map((c) => c.distance).sort((x, y) => x - y);
  return `  same cut, other colour (not in the pool): ${close} of ${colourways.length} pairs within the near-duplicate threshold (distance < ${limit}); distances ${distances.join(" ")}`;
}
