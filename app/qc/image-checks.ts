import type { Box, RawImage } from "../imaging/raw-image";
import { backgroundContext, checkColourCast, checkEdgeHalo, judgeBackground, measureBackground } from "./background-checks";
import { checkBlockiness } from "./blockiness";
import { downsample, flatten } from "./downsample";
import { checkExposure } from "./exposure";
import { checkFraming, type FramingExpectation } from "./framing";
import { checkGarmentColour } from "./garment-colour";
import { cropRaw } from "../imaging/subject-bounds";
import { perceptualHash } from "./phash";
import { thresholdFor, unmeasured, verdictOf, type QcCheckResult, type QcRecipe, type QcVerdict } from "./qc-check";
import { checkSharpness } from "./sharpness";
import { subjectMask, type Rgb } from "./subject-mask";
import { checkAspect, checkColourSpace, checkFileSize, checkResolution, type RenditionFacts } from "./technical-checks";

/**
 * Layer 1 for one still: every automated image check on one decoded
 * rendition, with the garment category's thresholds. The subject mask and a
 * 1024 px analysis copy are made once and shared: the pixel checks judge what
 * a shopper sees at viewing size (blockiness alone reads the file at its own
 * size, where the JPEG grid is), so a 2048 px rendition costs about a quarter
 * of its pixels. The near-duplicate check compares candidates and is the
 * caller's. Pure and synchronous.
 */

export interface ImageQcInput {
  /** The decoded rendition (RGB, or RGBA for a transparent channel). */
  image: RawImage;
  /** The rendition is a JPEG: its 8×8 grid is checked for blocking. */
  jpeg: boolean;
  /** The brand (channel) background; null when unknown (the image's own border colour is used). */
  background: Rgb | null;
  renditions: RenditionFacts[];
  master: { longEdge: number; neededLongEdge: number };
  /** Where the framing puts the subject; null for channels it does not govern (zoom crops, minimum-fill channels). */
  framing: FramingExpectation | null;
  /** The image the garment's colours are compared with; null when there is none. */
  source: RawImage | null;
  recipe: QcRecipe;
}

export interface ImageQcResult {
  checks: QcCheckResult[];
  verdict: QcVerdict;
  phash: string;
  /** Measured on the analysis copy (its box in that copy's pixels). */
  mask: { fraction: number; box: Box | null };
  /** For the compare view, at the analysis copy's size: "background" (stray marks in magenta), "garment-delta-e" (the garment-colour heat map). */
  overlays: { name: string; image: RawImage }[];
  ms: number;
}

/** The analysis copy's long edge: the size sharpness is defined at, and enough for every other pixel check. */
export const ANALYSIS_EDGE = 1024;
const WHITE: Rgb = [255, 255, 255];
const MAGENTA = [255, 0, 255, 220] as const;

export function runImageChecks(input: ImageQcInput): ImageQcResult {
  const started = performance.now();
  const t = (check: Parameters<typeof thresholdFor>[1]) => thresholdFor(input.recipe, check);
  const checks: QcCheckResult[] = [
    checkResolution({ masterLongEdge: input.master.longEdge, neededLongEdge: input.master.neededLongEdge }, t("resolution")),
    checkAspect(input.renditions, t("aspect")),
    checkColourSpace(input.renditions, t("colour-space")),
    checkFileSize(input.renditions, t("file-size")),
  ];
  if (input.jpeg) checks.push(checkBlockiness(input.image, t("blockiness")));

  // One analysis copy; a transparent rendition is judged as shown, on its background.
  const analysed = downsample(input.image, ANALYSIS_EDGE);
  const subject = subjectMask(analysed, input.background);
  const image = flatten(analysed, input.background ?? WHITE);
  const { mask, box } = subject;
  checks.push(checkSharpness(image, box ? mask : null, t("sharpness")));
  checks.push(box ? checkExposure(image, mask, t("exposure")) : unmeasured("exposure", t("exposure"), "Exposure not measured: no subject was found"));

  const overlays: ImageQcResult["overlays"] = [];
  const context = backgroundContext(image, mask);
  const reference = input.background ?? context.actual;
  if (reference && context.backgroundPixels >= 0.005 * image.width * image.height) {
    const measured = measureBackground(image, mask, reference, context);
    checks.push(judgeBackground(measured, reference, t("background")));
    overlays.push({ name: "background", image: strayOverlay(measured.stray, image.width, image.height) });
  } else {
    checks.push(unmeasured("background", t("background"), "Background not measured: the subject fills the frame"));
  }
  checks.push(checkEdgeHalo(image, mask, input.background, t("edge-halo"), context));

  if (input.source) {
    const garment = checkGarmentColour(input.source, image, box ? mask : null, t("garment-colour"));
    checks.push(garment.result);
    if (garment.heatmap) overlays.push({ name: "garment-delta-e", image: garment.heatmap });
  } else {
    checks.push(unmeasured("garment-colour", t("garment-colour"), "Garment colour not measured: no source image to compare with"));
  }
  checks.push(checkColourCast(image, mask, input.background, t("colour-cast"), context));
  if (input.framing) checks.push(checkFraming(box, { width: image.width, height: image.height }, input.framing, t("framing")));

  return {
    checks,
    verdict: verdictOf(checks),
    phash: perceptualHash(box ? cropRaw(image, box) : image),
    mask: { fraction: subject.fraction, box },
    overlays,
    ms: Math.round((performance.now() - started) * 10) / 10,
  };
}

/** RGBA: stray background marks in magenta, transparent elsewhere. */
function strayOverlay(stray: Uint8Array, width: number, height: number): RawImage {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < stray.length; i++) {
    if (!stray[i]) continue;
    data[i * 4] = MAGENTA[0];
    data[i * 4 + 1] = MAGENTA[1];
    data[i * 4 + 2] = MAGENTA[2];
    data[i * 4 + 3] = MAGENTA[3];
  }
  return { data, width, height, channels: 4 };
}
