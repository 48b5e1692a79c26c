import type { RawImage } from "../imaging/raw-image";
import { downsample } from "./downsample";
import { checkResult, unmeasured, type QcCheckResult, type QcThreshold } from "./qc-check";

/**
 * Focus and motion blur: the variance of the 3×3 Laplacian of luma over the
 * subject. Blur removes exactly the fine detail the Laplacian responds to, so
 * the variance falls steeply with it. Measured at 1024 px long edge (larger
 * images are area-averaged down first; smaller ones are measured as they are,
 * never enlarged), so a 2048 px and a 4096 px rendition of one photo score
 * alike. The subject includes its outline (pixels touching the mask): for
 * plain fabric the silhouette is much of the detail there is. Pure.
 *
 * Calibration, pdp renditions of 16 textured garments (knit and creases, the
 * QC defect set): sharp 53–829, the softest a black tee with a soft lens edge;
 * blurred at 2048 px with σ 1.5: 16–335 (a bold stripe keeps its edges), σ 3:
 * 12–16, σ 6: 2–6; over-exposed or resampled subjects 30–40. Hence flag
 * below 30 and reject below 20. The variance follows content as well as
 * focus: a garment with no texture at all (a flat synthetic fill) reads 5–25
 * however sharp, so a category of truly plain products may need lower
 * thresholds in its recipe.
 */

export const SHARPNESS_EDGE = 1024;

/** Nearest-neighbour resample of a mask to width × height. */
function resampleMask(mask: Uint8Array, fromWidth: number, fromHeight: number, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(fromHeight - 1, Math.floor(((y + 0.5) * fromHeight) / height));
    for (let x = 0; x < width; x++) out[y * width + x] = mask[sy * fromWidth + Math.min(fromWidth - 1, Math.floor(((x + 0.5) * fromWidth) / width))];
  }
  return out;
}

/**
 * Variance of the 4-neighbour Laplacian of luma (0–255 levels) over the
 * subject and its outline, or over the whole image when `mask` is null. `mask`
 * may be at the image's size or at the measured (≤ 1024 px) size. NaN when
 * there are no subject pixels away from the image border.
 */
export function measureSharpness(image: RawImage, mask: Uint8Array | null): number {
  const work = downsample(image, SHARPNESS_EDGE);
  const { width, height, channels, data } = work;
  let subject = mask;
  if (subject && subject.length !== width * height) subject = resampleMask(subject, image.width, image.height, width, height);
  const luma = new Float32Array(width * height);
  for (let i = 0, p = 0; i < luma.length; i++, p += channels) luma[i] = 0.2126 * data[p] + 0.7152 * data[p + 1] + 0.0722 * data[p + 2];
  let sum = 0, squares = 0, count = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1, i = y * width + 1; x < width - 1; x++, i++) {
      if (subject && !(subject[i] || subject[i - 1] || subject[i + 1] || subject[i - width] || subject[i + width])) continue;
      const v = luma[i - 1] + luma[i + 1] + luma[i - width] + luma[i + width] - 4 * luma[i];
      sum += v;
      squares += v * v;
      count++;
    }
  }
  if (count === 0) return NaN;
  const mean = sum / count;
  return squares / count - mean * mean;
}

export function checkSharpness(image: RawImage, mask: Uint8Array | null, t: QcThreshold): QcCheckResult {
  const variance = measureSharpness(image, mask);
  if (!Number.isFinite(variance)) return unmeasured("sharpness", t, "Sharpness not measured: no subject was found");
  const reason =
    variance >= t.flag
      ? `The subject's edges are crisp (Laplacian variance ${variance.toFixed(0)} at 1024 px)`
      : `The subject looks soft (Laplacian variance ${variance.toFixed(0)} at 1024 px, below ${t.flag}): focus, motion blur or an enlargement`;
  return checkResult("sharpness", variance, t, reason);
}
