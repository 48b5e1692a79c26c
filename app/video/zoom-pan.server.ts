import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { runFfmpeg, withTempDir } from "./ffmpeg.server";
import { openStillImage } from "./still-image.server";
import { parseVideoSpec } from "./video-spec";
import { zoomPanFilter, zoomPanMotion } from "./zoom-pan-motion";

export interface ZoomPanOptions {
  durationSeconds: number;
  width: number;
  height: number;
  fps: number;
  seed: number;
  timeoutMs?: number;
}

/**
 * zoompan places its window on whole source pixels, so a source the size of
 * the output visibly shakes as it zooms; working from a larger still makes
 * each step smaller. 1.5× keeps the shake invisible at 720p and the encode fast.
 */
const SOURCE_SCALE = 1.5;

/**
 * A short Ken Burns clip (slow zoom and pan) from one still: H.264, yuv420p,
 * MP4 with the moov atom first. The still is cropped to the output's aspect
 * ratio first, so the move never shows borders.
 */
export async function renderZoomPanVideo(still: Buffer, options: ZoomPanOptions): Promise<Buffer> {
  // The spec schema checks even dimensions, duration and fps against the same limits normalising uses.
  const spec = parseVideoSpec({ durationSeconds: options.durationSeconds, width: options.width, height: options.height, fps: options.fps, minDurationSeconds: 0, minWidth: 16, minHeight: 16 });
  const { image } = await openStillImage(still, "video still");
  const source = await image
    .resize(Math.round(spec.width * SOURCE_SCALE), Math.round(spec.height * SOURCE_SCALE), { fit: "cover", position: "centre" })
    .flatten({ background: "#ffffff" })
    .png({ compressionLevel: 1 })
    .toBuffer();
  const frames = Math.max(1, Math.round(spec.durationSeconds * spec.fps));
  const filter = `${zoomPanFilter(zoomPanMotion(options.seed), { frames, width: spec.width, height: spec.height, fps: spec.fps })},format=yuv420p`;
  return withTempDir("zoompan", async (dir) => {
    const input = path.join(dir, "still.png");
    const output = path.join(dir, "clip.mp4");
    await writeFile(input, source);
    await runFfmpeg(
      [
        "-f", "image2", "-i", input,
        "-filter_complex", filter,
        "-frames:v", String(frames),
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
        "-movflags", "+faststart", "-map_metadata", "-1",
        "-y", output,
      ],
      { timeoutMs: options.timeoutMs ?? 60_000 + spec.durationSeconds * 10_000 },
    );
    return readFile(output);
  });
}
