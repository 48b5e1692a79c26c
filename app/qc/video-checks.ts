import type { RawImage } from "~/imaging/raw-image";
import { displaySize, type MediaProbe } from "~/video/ffmpeg-probe";
import { ciede2000, srgbToLab } from "./ciede2000";
import { checkResult, thresholdFor, unmeasured, type QcCheckResult, type QcRecipe } from "./qc-check";

/**
 * Layer 1 for a clip (issue #6): duration, resolution, frame rate, codec and
 * size from ffmpeg's probe, and whether the first frame shows the source
 * image. Pure: the caller probes the file and extracts the first frame.
 *
 * The first-frame score is the mean CIEDE2000 between 16-cell thumbnails of
 * the frame and of the source. A clip made from a still rarely starts on the
 * still exactly: it is cropped to the clip's aspect ratio (cover) and a Ken
 * Burns move or an image-to-video model may start zoomed in. So the source
 * thumbnail is taken from the crop window that best fits the frame: windows
 * of the frame's aspect ratio, zoomed 1–1.5× into the cover crop, anywhere
 * along the free travel, searched on a coarse grid and then refined (sRGB
 * distance for the search, ΔE00 for the score). A first frame that is the
 * source, cropped or zoomed, scores about 1; an unrelated frame scores far
 * above the reject threshold. Backdrop cells that match anyway dilute the
 * mean, so a different garment on the same sweep may only flag.
 */

export interface VideoFacts {
  durationSeconds: number | null;
  /** As displayed (after rotation); 0 when there is no video stream. */
  width: number;
  height: number;
  fps: number | null;
  codec: string | null;
  bytes: number;
}

const BYTES_PER_MB = 1_000_000;
const FULL_HD_SHORT_EDGE = 1080;
/** Cells along the thumbnails' long edge. */
const THUMBNAIL_CELLS = 16;
/** The working copies' long edge: eight pixels a cell is plenty for cell means. */
const WORKING_EDGE = 128;
const MAX_ZOOM = 1.5;

/** The facts of the clip's first video stream, as displayed. */
export function videoFactsFromProbe(probe: MediaProbe, bytes: number): VideoFacts {
  const stream = probe.video[0];
  if (!stream) return { durationSeconds: probe.durationSeconds, width: 0, height: 0, fps: null, codec: null, bytes };
  const { width, height } = displaySize(stream);
  return { durationSeconds: probe.durationSeconds, width, height, fps: stream.fps, codec: stream.codec, bytes };
}

const round = (value: number, places = 2) => Math.round(value * 10 ** places) / 10 ** places;

/**
 * `expected`: an AI clip is judged against the recipe's clip length; a studio
 * clip (shot to its own length) against the output spec's range: 0 s off inside it.
 */
export function runVideoChecks(
  facts: VideoFacts,
  expected: { durationSeconds: number | null; range?: { minSeconds: number; maxSeconds: number } },
  firstFrame: RawImage | null,
  source: RawImage | null,
  recipe: QcRecipe,
): QcCheckResult[] {
  const t = (check: Parameters<typeof thresholdFor>[1]) => thresholdFor(recipe, check);
  const hasVideo = facts.width > 0 && facts.height > 0;
  const checks: QcCheckResult[] = [];

  if (facts.durationSeconds === null) checks.push(unmeasured("video-duration", t("video-duration"), "Duration not measured: ffmpeg reported no duration for the clip"));
  else if (expected.range) {
    const { minSeconds, maxSeconds } = expected.range;
    const off = facts.durationSeconds < minSeconds ? minSeconds - facts.durationSeconds : Math.max(0, facts.durationSeconds - maxSeconds);
    const where = off === 0 ? "within" : "outside";
    checks.push(checkResult("video-duration", off, t("video-duration"), `The clip runs ${round(facts.durationSeconds)} s, ${where} the output spec's ${round(minSeconds)}–${round(maxSeconds)} s (${round(off)} s off)`, { durationSeconds: facts.durationSeconds, minSeconds, maxSeconds }));
  } else if (expected.durationSeconds === null) checks.push(unmeasured("video-duration", t("video-duration"), `Duration not judged: the clip runs ${round(facts.durationSeconds)} s but the recipe sets no clip length`));
  else {
    const off = Math.abs(facts.durationSeconds - expected.durationSeconds);
    checks.push(checkResult("video-duration", off, t("video-duration"), `The clip runs ${round(facts.durationSeconds)} s against the recipe's ${round(expected.durationSeconds)} s (${round(off)} s off)`, { durationSeconds: facts.durationSeconds, expectedSeconds: expected.durationSeconds }));
  }

  if (!hasVideo) checks.push(unmeasured("video-resolution", t("video-resolution"), "Resolution not measured: the file has no video stream"));
  else {
    const shortEdge = Math.min(facts.width, facts.height);
    checks.push(checkResult("video-resolution", shortEdge / FULL_HD_SHORT_EDGE, t("video-resolution"), `${facts.width}×${facts.height}: the short edge is ${shortEdge} px, ${round(shortEdge / FULL_HD_SHORT_EDGE)}× the ${FULL_HD_SHORT_EDGE} px of full HD`, { width: facts.width, height: facts.height }));
  }

  if (facts.fps === null) checks.push(unmeasured("video-frame-rate", t("video-frame-rate"), `Frame rate not measured: ${hasVideo ? "ffmpeg reported none for the video stream" : "the file has no video stream"}`));
  else checks.push(checkResult("video-frame-rate", facts.fps, t("video-frame-rate"), `The clip plays at ${round(facts.fps, 3)} frames per second`));

  if (facts.codec === null) checks.push(unmeasured("video-codec", t("video-codec"), "Codec not measured: the file has no video stream"));
  else {
    const h264 = facts.codec.toLowerCase() === "h264";
    checks.push(checkResult("video-codec", h264 ? 0 : 1, t("video-codec"), h264 ? "The video is H.264, which Shopify plays everywhere" : `The video is ${facts.codec}, not H.264: some browsers and Shopify's own players may not play it`, { codec: facts.codec }));
  }

  const mb = facts.bytes / BYTES_PER_MB;
  checks.push(checkResult("video-size", mb, t("video-size"), `The file is ${round(mb, 1)} MB`, { bytes: facts.bytes }));

  checks.push(checkFirstFrame(firstFrame, source, t("video-first-frame")));
  return checks;
}

function checkFirstFrame(frame: RawImage | null, source: RawImage | null, threshold: ReturnType<typeof thresholdFor>): QcCheckResult {
  if (!frame) return unmeasured("video-first-frame", threshold, "First frame not compared: no frame could be taken from the clip");
  if (!source) return unmeasured("video-first-frame", threshold, "First frame not compared: there is no source image to compare with");
  const match = compareFirstFrame(frame, source);
  const where = match.zoom > 1.01 ? ` (best matching a ${round(match.zoom)}× crop of the source)` : "";
  return checkResult("video-first-frame", match.deltaE, threshold, `The first frame differs from the source image by ΔE00 ${round(match.deltaE, 1)} on average over a ${match.columns}×${match.rows} grid${where}`, {
    zoom: round(match.zoom, 3),
    window: { x: round(match.x, 3), y: round(match.y, 3) },
    grid: [match.columns, match.rows],
  });
}

/** A summed-area table of an RGB(A) image, per channel, (width + 1) × (height + 1). */
interface Integral {
  width: number;
  height: number;
  sums: Float64Array;
}

function integralOf(image: RawImage): Integral {
  const { width, height, channels, data } = image;
  const stride = (width + 1) * 3;
  const sums = new Float64Array((height + 1) * stride);
  for (let y = 0; y < height; y++) {
    const row = [0, 0, 0];
    for (let x = 0; x < width; x++) {
      const q = (y * width + x) * channels;
      // Transparent pixels are shown on white, as the rest of the pipeline shows a cut-out.
      const alpha = channels === 4 ? data[q + 3] / 255 : 1;
      for (let c = 0; c < 3; c++) {
        row[c] += alpha * data[q + c] + (1 - alpha) * 255;
        sums[(y + 1) * stride + (x + 1) * 3 + c] = sums[y * stride + (x + 1) * 3 + c] + row[c];
      }
    }
  }
  return { width, height, sums };
}

/**
 * The sums over [0, x) × [0, y) at fractional x, y, all three channels into
 * `out` at `at`: the table is exact at whole pixels and bilinear within a
 * pixel (its colour is constant there), so interpolating it gives exact area
 * sums for any box.
 */
function integralAt(table: Integral, x: number, y: number, out: Float64Array, at: number): void {
  const stride = (table.width + 1) * 3;
  const cx = Math.min(table.width, Math.max(0, x));
  const cy = Math.min(table.height, Math.max(0, y));
  const x0 = Math.min(table.width - 1, Math.floor(cx));
  const y0 = Math.min(table.height - 1, Math.floor(cy));
  const fx = cx - x0;
  const fy = cy - y0;
  const a = y0 * stride + x0 * 3;
  const b = a + stride;
  const { sums } = table;
  for (let c = 0; c < 3; c++) {
    const top = sums[a + c] * (1 - fx) + sums[a + 3 + c] * fx;
    const bottom = sums[b + c] * (1 - fx) + sums[b + 3 + c] * fx;
    out[at + c] = top * (1 - fy) + bottom * fy;
  }
}

/** Mean sRGB of each of columns × rows cells over the box (in the table's pixels). */
function cellMeans(table: Integral, box: { left: number; top: number; width: number; height: number }, columns: number, rows: number): Float64Array {
  // The table at every grid corner once; each cell is then four corners.
  const corners = new Float64Array((columns + 1) * (rows + 1) * 3);
  for (let r = 0; r <= rows; r++) {
    for (let c = 0; c <= columns; c++) integralAt(table, box.left + (c * box.width) / columns, box.top + (r * box.height) / rows, corners, (r * (columns + 1) + c) * 3);
  }
  const out = new Float64Array(columns * rows * 3);
  const area = (box.width / columns) * (box.height / rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const topLeft = (r * (columns + 1) + c) * 3;
      const bottomLeft = topLeft + (columns + 1) * 3;
      for (let k = 0; k < 3; k++) {
        out[(r * columns + c) * 3 + k] = (corners[bottomLeft + 3 + k] - corners[bottomLeft + k] - corners[topLeft + 3 + k] + corners[topLeft + k]) / area;
      }
    }
  }
  return out;
}

/** An area-average copy no longer than WORKING_EDGE (whole blocks; a few edge pixels may be dropped), as a table. */
function working(image: RawImage): Integral {
  const factor = Math.max(1, Math.floor(Math.max(image.width, image.height) / WORKING_EDGE));
  if (factor === 1) return integralOf(image);
  const { channels, data } = image;
  const width = Math.floor(image.width / factor);
  const height = Math.floor(image.height / factor);
  const out = Buffer.alloc(width * height * 3);
  const sums = new Float64Array(width * 3);
  for (let by = 0; by < height; by++) {
    sums.fill(0);
    for (let y = by * factor; y < (by + 1) * factor; y++) {
      for (let x = 0; x < width * factor; x++) {
        const q = (y * image.width + x) * channels;
        const alpha = channels === 4 ? data[q + 3] / 255 : 1;
        const cell = Math.floor(x / factor) * 3;
        for (let c = 0; c < 3; c++) sums[cell + c] += alpha * data[q + c] + (1 - alpha) * 255;
      }
    }
    for (let i = 0; i < width * 3; i++) out[by * width * 3 + i] = Math.round(sums[i] / (factor * factor));
  }
  return integralOf({ data: out, width, height, channels: 3 });
}

function rgbDistance(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 3) sum += Math.hypot(a[i] - b[i], a[i + 1] - b[i + 1], a[i + 2] - b[i + 2]);
  return sum / (a.length / 3);
}

function meanDeltaE(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 3) sum += ciede2000(srgbToLab(a[i], a[i + 1], a[i + 2]), srgbToLab(b[i], b[i + 1], b[i + 2]));
  return sum / (a.length / 3);
}

/** The source crop window that best matches the frame, and its mean ΔE00 (see the top comment). */
export function compareFirstFrame(frame: RawImage, source: RawImage): { deltaE: number; zoom: number; x: number; y: number; columns: number; rows: number } {
  const aspect = frame.width / frame.height;
  const columns = aspect >= 1 ? THUMBNAIL_CELLS : Math.max(1, Math.round(THUMBNAIL_CELLS * aspect));
  const rows = aspect >= 1 ? Math.max(1, Math.round(THUMBNAIL_CELLS / aspect)) : THUMBNAIL_CELLS;
  const frameTable = working(frame);
  const target = cellMeans(frameTable, { left: 0, top: 0, width: frameTable.width, height: frameTable.height }, columns, rows);

  const sourceTable = working(source);
  // The cover crop: the largest window of the frame's aspect ratio inside the source.
  const coverWidth = Math.min(sourceTable.width, sourceTable.height * aspect);
  const coverHeight = coverWidth / aspect;
  const windowAt = (zoom: number, x: number, y: number) => {
    const width = coverWidth / zoom;
    const height = coverHeight / zoom;
    return { left: x * (sourceTable.width - width), top: y * (sourceTable.height - height), width, height };
  };
  const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
  const cost = (zoom: number, x: number, y: number) => rgbDistance(cellMeans(sourceTable, windowAt(zoom, x, y), columns, rows), target);

  let best = { zoom: 1, x: 0.5, y: 0.5, cost: Infinity };
  for (let zoom = 1; zoom <= MAX_ZOOM + 1e-9; zoom += 0.1) {
    for (let x = 0; x <= 1; x += 0.25) {
      for (let y = 0; y <= 1; y += 0.25) {
        const c = cost(zoom, x, y);
        if (c < best.cost) best = { zoom, x, y, cost: c };
      }
    }
  }
  // Refine: a local search whose steps halve until they are well under a cell.
  for (let step = { zoom: 0.05, x: 0.125, y: 0.125 }; step.x > 0.005; step = { zoom: step.zoom / 2, x: step.x / 2, y: step.y / 2 }) {
    let improved = true;
    while (improved) {
      improved = false;
      for (const [dz, dx, dy] of [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]] as const) {
        const zoom = clamp(best.zoom + dz * step.zoom, 1, MAX_ZOOM);
        const x = clamp(best.x + dx * step.x, 0, 1);
        const y = clamp(best.y + dy * step.y, 0, 1);
        const c = cost(zoom, x, y);
        if (c < best.cost - 1e-9) {
          best = { zoom, x, y, cost: c };
          improved = true;
        }
      }
    }
  }
  const deltaE = meanDeltaE(cellMeans(sourceTable, windowAt(best.zoom, best.x, best.y), columns, rows), target);
  return { deltaE, zoom: best.zoom, x: best.x, y: best.y, columns, rows };
}
