import type { RawImage } from "../imaging/raw-image";
import { checkResult, unmeasured, type QcCheckResult, type QcThreshold } from "./qc-check";

/**
 * JPEG blocking: a JPEG codes 8×8 luma blocks independently, and when it is
 * squeezed the blocks' edges show as steps on the 8-pixel grid. The measure
 * compares the luma step across each grid line with the steps just beside it
 * (one pixel either side, in the same place): about 1 for a clean image, well
 * above 1 when blocks show. It runs on the decoded file at its own size (any
 * resize moves the grid). Pure.
 *
 * Calibration (garment scenes at 768×1024, plain and with folds, encoded by
 * sharp/mozjpeg): q92–95 score 1.07–1.18, q85 1.19–1.27, q75 ≤ 1.32, q50
 * 1.27–1.57, q30 1.46–1.97, q15 1.89–3.1. Hence flag above 1.35 and reject
 * above 1.7 (the defaults in qc-check): the channels' q82–90 pass, q15 rejects.
 */

/**
 * Only smooth places count (both neighbouring steps at most this many levels):
 * blocking shows on gradients and flat fabric; across an edge or in texture
 * it is masked, and the edge's own step would swamp the ratio.
 */
const SMOOTH_LEVELS = 8;
/**
 * Levels added to both means: JPEG flattens sensor noise inside blocks more
 * than across their edges, which makes sub-level grid steps stand out in
 * ratio though nobody can see them (q85 read 1.6 without this floor).
 */
const VISIBILITY_FLOOR = 3;

/** Integer luma, Rec. 601 weights ×256: exact steps without floats. */
const SCALE = 256;

/**
 * (mean grid step + floor) / (mean neighbouring step + floor), over the smooth
 * places on the 8-px grid lines, vertical and horizontal, sampled on every
 * other row and column (a 2048² image still gives half a million samples).
 * 1 when there is no smooth place to measure.
 */
export function measureBlockiness(image: RawImage): number {
  const { width, height, channels, data } = image;
  const smooth = SMOOTH_LEVELS * SCALE;
  let grid = 0, beside = 0, count = 0;
  const luma = (p: number) => 77 * data[p] + 150 * data[p + 1] + 29 * data[p + 2];
  const sample = (l0: number, l1: number, l2: number, l3: number) => {
    const a = Math.abs(l1 - l0);
    const b = Math.abs(l2 - l1);
    const c = Math.abs(l3 - l2);
    if (a > smooth || c > smooth || a + b + c === 0) return;
    grid += b;
    beside += a + c;
    count++;
  };
  // Vertical grid lines: between columns x−1 and x for x = 8, 16, …
  const rowBytes = width * channels;
  for (let y = 0; y < height; y += 2) {
    for (let x = 8, p = y * rowBytes + 8 * channels; x + 1 < width; x += 8, p += 8 * channels) {
      sample(luma(p - 2 * channels), luma(p - channels), luma(p), luma(p + channels));
    }
  }
  // Horizontal grid lines: between rows y−1 and y.
  for (let y = 8; y + 1 < height; y += 8) {
    for (let x = 0, p = y * rowBytes; x < width; x += 2, p += 2 * channels) {
      sample(luma(p - 2 * rowBytes), luma(p - rowBytes), luma(p), luma(p + rowBytes));
    }
  }
  if (count === 0) return 1;
  const floor = VISIBILITY_FLOOR * SCALE;
  return (grid / count + floor) / (beside / (2 * count) + floor);
}

export function checkBlockiness(image: RawImage, t: QcThreshold): QcCheckResult {
  if (image.width < 16 || image.height < 16) return unmeasured("blockiness", t, "Compression artefacts not measured: the image is smaller than two JPEG blocks");
  const ratio = measureBlockiness(image);
  const reason =
    ratio <= t.flag
      ? `Luma steps on the 8-px JPEG grid are ${ratio.toFixed(2)}× those beside it: no visible blocking`
      : `Luma steps on the 8-px JPEG grid are ${ratio.toFixed(2)}× those beside it: the compression shows as blocks (raise the channel's JPEG quality)`;
  return checkResult("blockiness", ratio, t, reason);
}
