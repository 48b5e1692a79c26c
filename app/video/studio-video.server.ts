/**
 * Studio clips (issue #8, docs/decisions/0023-studio-intake.md). The intake
 * only probes a clip (container, a video stream, its length and size, and
 * one decoded frame), so a broken or unsupported file is refused in the
 * upload request without a transcode; the post-production job then
 * normalises it to the category recipe's output video spec with the same
 * function AI clips go through, so review, the checks and publishing get the
 * same H.264 MP4 and poster whichever lane made the clip.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { Prisma, type PrismaClient } from "@prisma/client";
import { sniffMedia } from "../production/sniff-media";
import { recipeSpecSchema } from "../recipes/recipe-spec";
import type { AssetStore } from "../storage/asset-store";
import { DEMUXER, sniffVideoContainer } from "./container-sniff";
import { FfmpegError, probeMedia, runFfmpeg, withTempDir } from "./ffmpeg.server";
import { displaySize, stderrTail } from "./ffmpeg-probe";
import { normalizeVideo } from "./normalize-video.server";
import { parseVideoSpec, SHOPIFY_VIDEO_LIMITS, videoSpecSchema, type VideoSpec } from "./video-spec";

/** Beyond this a clip is refused at intake, as normalizeVideo would refuse it (8K covers every camera). */
const MAX_EDGE = 8192;
const PROBE_TIMEOUT_MS = 20_000;
const FIRST_FRAME_TIMEOUT_MS = 30_000;

export interface StudioVideoType {
  contentType: string;
  extension: string;
  /** For messages: "an MP4 video". */
  label: string;
}

/**
 * The clip type the bytes are, or null when they are not a video. MP4 and
 * QuickTime with an `ftyp` box come from sniffMedia; WebM/Matroska and old
 * QuickTime files that start with another box from the container sniff
 * ffmpeg's demuxer is chosen by.
 */
export function sniffStudioVideo(bytes: Uint8Array): StudioVideoType | null {
  const sniffed = sniffMedia(bytes);
  if (sniffed) return sniffed.kind === "video" ? { contentType: sniffed.mime, extension: sniffed.extension, label: `${sniffed.label} video` } : null;
  const container = sniffVideoContainer(bytes.subarray(0, 16));
  if (container === "matroska") return { contentType: "video/webm", extension: "webm", label: "a WebM (Matroska) video" };
  if (container === "mov") return { contentType: "video/quicktime", extension: "mov", label: "a QuickTime movie" };
  return null;
}

export type StudioVideoInspection = { ok: true; width: number; height: number; durationSeconds: number; codec: string } | { ok: false; reason: string };

/** ffmpeg's last lines without its temporary paths and `[demuxer @ 0x…]` prefixes, for a merchant's reason. */
function ffmpegReason(stderr: string, source: string): string {
  return stderrTail(stderr, 2)
    .split(source)
    .join("the file")
    .replace(/\[[^\]]* @ 0x[0-9a-f]+\]\s*/g, "");
}

const minutes = (seconds: number) => (seconds >= 120 ? `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s` : `${seconds.toFixed(1)} s`);
const REEXPORT = "export the clip again as MP4 (H.264) and upload it";

/**
 * Whether a clip can become a studio asset: a container ffmpeg reads with
 * an explicit demuxer (never a playlist), a video stream with a stated
 * duration within Shopify's 10 minutes, no edge over 8192 px, and a first
 * frame that decodes (which finds codecs the build lacks and damaged
 * streams). About a second, whatever the clip's length: no frame beyond the
 * first is decoded.
 */
export async function inspectStudioVideo(bytes: Buffer): Promise<StudioVideoInspection> {
  const container = sniffVideoContainer(bytes.subarray(0, 16));
  if (!container) return { ok: false, reason: `it starts like a video but not like an MP4, MOV or WebM file: ${REEXPORT}` };
  return withTempDir("studio-probe", async (dir) => {
    const source = path.join(dir, "clip");
    await writeFile(source, bytes);
    const probe = await probeMedia(source, { demuxer: DEMUXER[container], timeoutMs: PROBE_TIMEOUT_MS });
    const stream = probe.video[0];
    if (!probe.format) return { ok: false, reason: `it is not a readable video (${ffmpegReason(probe.stderr, source) || "ffmpeg cannot open it"}): ${REEXPORT}` };
    if (!stream) return { ok: false, reason: `it has no video stream (${probe.audioCodecs.length ? "sound only" : "nothing ffmpeg can play"}): ${REEXPORT}` };
    if (probe.durationSeconds === null) return { ok: false, reason: `the clip does not state how long it runs: ${REEXPORT}` };
    if (probe.durationSeconds > SHOPIFY_VIDEO_LIMITS.maxDurationSeconds) {
      return { ok: false, reason: `the clip runs ${minutes(probe.durationSeconds)}, over Shopify's limit of ${SHOPIFY_VIDEO_LIMITS.maxDurationSeconds / 60} minutes for product videos: trim it and upload it again` };
    }
    const shown = displaySize(stream);
    if (shown.width > MAX_EDGE || shown.height > MAX_EDGE) return { ok: false, reason: `the clip is ${shown.width}×${shown.height}; no side may exceed ${MAX_EDGE} pixels: export it smaller` };
    try {
      await runFfmpeg(["-f", DEMUXER[container], "-protocol_whitelist", "file", "-i", source, "-map", "0:v:0", "-frames:v", "1", "-f", "null", "-"], { timeoutMs: FIRST_FRAME_TIMEOUT_MS });
    } catch (error) {
      if (!(error instanceof FfmpegError)) throw error;
      const why = error.details.timedOut ? `its first frame took over ${FIRST_FRAME_TIMEOUT_MS / 1000} s to decode` : `its ${stream.codec} video cannot be decoded (${ffmpegReason(error.details.stderr, source)})`;
      return { ok: false, reason: `${why}: ${REEXPORT}` };
    }
    return { ok: true, width: shown.width, height: shown.height, durationSeconds: probe.durationSeconds, codec: stream.codec };
  });
}

/** What post-production did to a studio clip, stored as Asset.postReport. */
export interface StudioVideoReport {
  kind: "studio-video";
  /** The file as delivered; it stays in the store (and on the StudioUpload row) and is what a re-run starts from. */
  original: { storageKey: string; contentType: string | null; bytes: number | null; width: number | null; height: number | null };
  spec: Pick<VideoSpec, "width" | "height" | "fps" | "crf" | "minDurationSeconds" | "maxDurationSeconds" | "maxBytes">;
  output: { storageKey: string; posterKey: string; contentType: "video/mp4"; width: number; height: number; durationSeconds: number; bytes: number };
  timingsMs: { normalize: number };
}

/** The recipe's output video spec; a version that no longer parses still has a usable one more often than not, defaults otherwise. */
function outputVideoSpec(recipeSpec: unknown): VideoSpec {
  const parsed = recipeSpecSchema.safeParse(recipeSpec);
  if (parsed.success) return parsed.data.output.video;
  const video = videoSpecSchema.safeParse((recipeSpec as { output?: { video?: unknown } } | null)?.output?.video ?? {});
  return video.success ? video.data : parseVideoSpec({});
}

export interface StudioVideoAsset {
  id: string;
  storageKey: string;
  contentType: string | null;
  bytes: number | null;
  width: number | null;
  height: number | null;
  postReport: Prisma.JsonValue;
  recipeVersion: { spec: Prisma.JsonValue } | null;
}

/**
 * Normalises a studio clip (H.264 High, AAC, faststart, within the spec's box
 * and limits) and stores the MP4 and its poster; the asset then points at the
 * normalised file. Throws VideoRejectedError for a clip that breaks a rule
 * (the caller records it as a failed post-production). A re-run starts from
 * the original again, never from its own output.
 */
export async function postProcessStudioVideo(deps: { db: PrismaClient; store: AssetStore }, asset: StudioVideoAsset): Promise<StudioVideoReport> {
  const earlier = (asset.postReport as Partial<StudioVideoReport> | null)?.kind === "studio-video" ? (asset.postReport as unknown as StudioVideoReport).original : null;
  const original = earlier ?? { storageKey: asset.storageKey, contentType: asset.contentType, bytes: asset.bytes, width: asset.width, height: asset.height };
  const spec = outputVideoSpec(asset.recipeVersion?.spec ?? null);
  const started = performance.now();
  const video = await normalizeVideo(await deps.store.get(original.storageKey), spec);
  const normalize = Math.round(performance.now() - started);
  const [mp4, poster] = await Promise.all([deps.store.put(video.mp4, { contentType: "video/mp4", extension: "mp4" }), deps.store.put(video.poster, { contentType: "image/jpeg", extension: "jpg" })]);
  const report: StudioVideoReport = {
    kind: "studio-video",
    original,
    spec: { width: spec.width, height: spec.height, fps: spec.fps, crf: spec.crf, minDurationSeconds: spec.minDurationSeconds, maxDurationSeconds: spec.maxDurationSeconds, maxBytes: spec.maxBytes },
    output: { storageKey: mp4.key, posterKey: poster.key, contentType: "video/mp4", width: video.width, height: video.height, durationSeconds: video.durationSeconds, bytes: mp4.bytes },
    timingsMs: { normalize },
  };
  await deps.db.asset.update({
    where: { id: asset.id },
    data: {
      storageKey: mp4.key,
      posterKey: poster.key,
      contentType: "video/mp4",
      width: video.width,
      height: video.height,
      durationSeconds: video.durationSeconds,
      bytes: mp4.bytes,
      postStatus: "done",
      postErrorCode: null,
      postError: null,
      postProcessedAt: new Date(),
      postReport: report as unknown as Prisma.InputJsonValue,
    },
  });
  return report;
}
