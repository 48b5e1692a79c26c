import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { DEMUXER, sniffVideoContainer } from "./container-sniff";
import { FfmpegError, probeMedia, runFfmpeg, withTempDir } from "./ffmpeg.server";
import { displaySize, stderrTail } from "./ffmpeg-probe";
import { isFaststart } from "./mp4-boxes";
import { fitWithin, parseVideoSpec, SHOPIFY_VIDEO_LIMITS, type VideoSpecInput } from "./video-spec";

/** Beyond this an input is refused before decoding: 8K covers every camera and stops frame-size bombs. */
const MAX_INPUT_EDGE = 8192;

/** A video that breaks a rule; `property` and `limit` say which rule, for the merchant and for logs. */
export class VideoRejectedError extends Error {
  constructor(
    readonly property: "format" | "durationSeconds" | "width" | "height" | "bytes" | "faststart" | "encoding",
    message: string,
    readonly limit?: number,
    readonly actual?: number,
  ) {
    super(message);
    this.name = "VideoRejectedError";
  }
}

export interface NormalizedVideo {
  mp4: Buffer;
  /** A JPEG of one frame, for the product page before playback. */
  poster: Buffer;
  durationSeconds: number;
  width: number;
  height: number;
  bytes: number;
}

function checkDuration(seconds: number, min: number, max: number, stage: string): void {
  const ceiling = Math.min(max, SHOPIFY_VIDEO_LIMITS.maxDurationSeconds);
  if (seconds > ceiling) {
    const why = ceiling === SHOPIFY_VIDEO_LIMITS.maxDurationSeconds ? "Shopify's limit" : "the spec's maxDurationSeconds";
    throw new VideoRejectedError("durationSeconds", `${stage} is ${seconds.toFixed(2)} s long, over ${why} of ${ceiling} s`, ceiling, seconds);
  }
  if (seconds < min) throw new VideoRejectedError("durationSeconds", `${stage} is ${seconds.toFixed(2)} s long, under the spec's minDurationSeconds of ${min} s`, min, seconds);
}

/**
 * Turns an untrusted upload or a provider's clip into what Shopify plays
 * best: H.264 High (libx264, yuv420p, even dimensions), AAC audio when there
 * is any, MP4 with the moov atom first (+faststart), no metadata carried
 * over, plus a JPEG poster. Every limit from the spec and from Shopify is
 * checked, on the input before decoding where possible and on the result.
 */
export async function normalizeVideo(input: Buffer, specInput: VideoSpecInput = {}, options: { timeoutMs?: number } = {}): Promise<NormalizedVideo> {
  const spec = parseVideoSpec(specInput);
  const container = sniffVideoContainer(input.subarray(0, 16));
  if (!container) throw new VideoRejectedError("format", "The file is not a video: expected MP4, MOV, WebM or Matroska");

  return withTempDir("normalize", async (dir) => {
    const source = path.join(dir, "source");
    const output = path.join(dir, "video.mp4");
    const posterPng = path.join(dir, "poster.png");
    await writeFile(source, input);

    const probe = await probeMedia(source, { demuxer: DEMUXER[container] });
    const stream = probe.video[0];
    if (!probe.format || !stream) {
      throw new VideoRejectedError("format", `The file is not a readable video (${stderrTail(probe.stderr, 2) || "no video stream"})`);
    }
    if (probe.durationSeconds === null) throw new VideoRejectedError("durationSeconds", "The video does not state its duration");
    checkDuration(probe.durationSeconds, spec.minDurationSeconds, spec.maxDurationSeconds, "The video");
    const shown = displaySize(stream);
    if (shown.width > MAX_INPUT_EDGE || shown.height > MAX_INPUT_EDGE) {
      const property = shown.width > MAX_INPUT_EDGE ? "width" : "height";
      throw new VideoRejectedError(property, `The video is ${shown.width}×${shown.height}; ${property} must not exceed ${MAX_INPUT_EDGE} pixels`, MAX_INPUT_EDGE, shown[property]);
    }
    if (shown.width < spec.minWidth) throw new VideoRejectedError("width", `The video is ${shown.width} pixels wide, under the spec's minWidth of ${spec.minWidth}`, spec.minWidth, shown.width);
    if (shown.height < spec.minHeight) throw new VideoRejectedError("height", `The video is ${shown.height} pixels high, under the spec's minHeight of ${spec.minHeight}`, spec.minHeight, shown.height);

    const size = fitWithin(shown, spec);
    const filters = [`scale=${size.width}:${size.height}:flags=lanczos`, "setsar=1"];
    if (stream.fps !== null && stream.fps > spec.fps) filters.push(`fps=${spec.fps}`);
    filters.push("format=yuv420p");
    try {
      await runFfmpeg(
        [
          "-f", DEMUXER[container], "-protocol_whitelist", "file", "-i", source,
          "-map", "0:v:0", "-map", "0:a:0?",
          "-vf", filters.join(","),
          "-c:v", "libx264", "-preset", "veryfast", "-crf", String(spec.crf), "-profile:v", "high", "-pix_fmt", "yuv420p",
          "-c:a", "aac", "-b:a", "128k",
          // A stream that runs past its header's duration must not slip past the duration check.
          "-t", String(Math.min(spec.maxDurationSeconds, SHOPIFY_VIDEO_LIMITS.maxDurationSeconds) + 1),
          "-map_metadata", "-1", "-movflags", "+faststart",
          "-y", output,
        ],
        { timeoutMs: options.timeoutMs ?? 60_000 + probe.durationSeconds * 5_000 },
      );
    } catch (error) {
      if (error instanceof FfmpegError && !error.details.timedOut) {
        throw new VideoRejectedError("encoding", `The video could not be decoded: ${stderrTail(error.details.stderr, 2)}`);
      }
      throw error;
    }

    const mp4 = await readFile(output);
    const result = await probeMedia(output, { demuxer: "mov" });
    const encoded = result.video[0];
    if (!encoded || result.durationSeconds === null) throw new VideoRejectedError("encoding", "The encoded video could not be read back");
    checkDuration(result.durationSeconds, spec.minDurationSeconds, spec.maxDurationSeconds, "The encoded video");
    const maxBytes = Math.min(spec.maxBytes, SHOPIFY_VIDEO_LIMITS.maxBytes);
    if (mp4.byteLength > maxBytes) {
      throw new VideoRejectedError("bytes", `The encoded video is ${mp4.byteLength} bytes, over the limit of ${maxBytes} bytes`, maxBytes, mp4.byteLength);
    }
    const longEdge = Math.max(encoded.width, encoded.height);
    if (longEdge > SHOPIFY_VIDEO_LIMITS.maxLongEdge || Math.min(encoded.width, encoded.height) > SHOPIFY_VIDEO_LIMITS.maxShortEdge) {
      throw new VideoRejectedError("width", `The encoded video is ${encoded.width}×${encoded.height}, beyond Shopify's ${SHOPIFY_VIDEO_LIMITS.maxLongEdge}×${SHOPIFY_VIDEO_LIMITS.maxShortEdge}`, SHOPIFY_VIDEO_LIMITS.maxLongEdge, longEdge);
    }
    if (!isFaststart(mp4)) throw new VideoRejectedError("faststart", "The encoded video does not have its moov atom before the media data");

    const posterAt = Math.min(spec.posterAtSeconds, result.durationSeconds / 2);
    await runFfmpeg(["-ss", posterAt.toFixed(3), "-f", "mov", "-i", output, "-frames:v", "1", "-y", posterPng], { timeoutMs: 30_000 });
    const poster = await sharp(await readFile(posterPng)).jpeg({ quality: 85, progressive: true, mozjpeg: true }).toBuffer();

    return { mp4, poster, durationSeconds: result.durationSeconds, width: encoded.width, height: encoded.height, bytes: mp4.byteLength };
  });
}
