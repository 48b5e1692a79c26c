/**
 * The studio upload protocol's pure parts (docs/decisions/0024): limits, the
 * start request's schema, the resume key, chunk ranges, retry back-off and the
 * progress wording. Browser-safe: the uploader and the server share them.
 */
import { z } from "zod";
import { STUDIO_IMAGE_EXTENSIONS, STUDIO_VIDEO_EXTENSIONS } from "./file-matching";

/** Largest studio file accepted, 500 MB (a long 4K clip or a big TIFF fits; anything larger is an export mistake). */
export const MAX_STUDIO_UPLOAD_BYTES = 500_000_000;
/** Largest chunk the server takes in one request, and the size it asks browsers to send. */
export const STUDIO_CHUNK_BYTES = 8 * 1024 * 1024;
/** An upload nobody appended to for this long is abandoned: its staging file is removed. */
export const STUDIO_UPLOAD_IDLE_MS = 24 * 60 * 60 * 1000;
export const ABANDONED_UPLOAD_REASON = "upload abandoned: upload the file again";

/**
 * Stills the intake can decode and the studio clips it normalises. HEIC (HEVC,
 * which sharp's prebuilt binaries do not decode) is refused before any byte is
 * sent, not after the upload (ADR 0023).
 */
const NOT_TAKEN_IN = new Set<string>(["heic", "heif"]);
const EXTENSIONS: readonly string[] = [...STUDIO_IMAGE_EXTENSIONS.filter((e) => !NOT_TAKEN_IN.has(e)), ...STUDIO_VIDEO_EXTENSIONS];
export const ACCEPTED_STUDIO_EXTENSIONS = EXTENSIONS.map((e) => `.${e}`).join(", ");

/** The lower-cased extension without the dot ("" when the name has none). */
export function fileExtension(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot <= 0 || dot === name.length - 1 ? "" : name.slice(dot + 1).toLowerCase();
}

export function isAcceptedStudioFileName(name: string): boolean {
  return EXTENSIONS.includes(fileExtension(name));
}

/** "500 MB", "1.1 GB", "412 KB": decimal units, as file managers show sizes. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1000) return `${Math.max(0, Math.round(bytes || 0))} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : Number(value.toFixed(1))} ${units[unit]}`;
}

const MAX_SIZE_TEXT = formatBytes(MAX_STUDIO_UPLOAD_BYTES);

/** What the browser sends to start (or resume) an upload: the File's own fields. */
export const studioUploadStartSchema = z.object({
  name: z
    .string({ error: "name is required: send the file's name" })
    .min(1, "name is empty: send the file's name")
    .max(255, "name is longer than 255 characters: shorten the file name")
    .refine((name) => !/[\\/]/.test(name), "name must not contain / or \\: send the file name without its folder")
    .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), "name contains control characters: rename the file")
    .refine((name) => name !== "." && name !== "..", "name must be a file name")
    .superRefine((name, ctx) => {
      if (isAcceptedStudioFileName(name)) return;
      const extension = fileExtension(name);
      ctx.addIssue({ code: "custom", message: `${extension ? `.${extension}` : "a file without an extension"} is not accepted: ${NOT_TAKEN_IN.has(extension) ? "HEIC photos are not taken in; export stills as JPEG or TIFF" : `upload images or videos (${ACCEPTED_STUDIO_EXTENSIONS})`}` });
    }),
  size: z
    .number({ error: "size must be the file's size in bytes" })
    .int("size must be a whole number of bytes")
    .min(1, "the file is empty (0 bytes): export it again")
    .max(MAX_STUDIO_UPLOAD_BYTES, `the file is larger than ${MAX_SIZE_TEXT}: export it smaller`),
  type: z
    .string()
    .max(255, "type is too long: send the file's MIME type, e.g. image/jpeg")
    .regex(/^([a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+)?$/i, "type must look like image/jpeg")
    .nullish()
    .transform((type) => (type ? type.toLowerCase() : null)),
  lastModified: z
    .number({ error: "lastModified must be the file's modification time in milliseconds" })
    .int("lastModified must be a whole number of milliseconds")
    .min(0, "lastModified must not be negative")
    .default(0),
});
export type StudioUploadStart = z.infer<typeof studioUploadStartSchema>;

/** The resume key: the same file picked again (same name, size and modification time) continues where it stopped. */
export function uploadSourceKey(file: Pick<StudioUploadStart, "name" | "size" | "lastModified">): string {
  return `${file.name}:${file.size}:${file.lastModified}`;
}

/** A chunk's byte range [start, end) from `offset`, at most `chunkBytes` long; null once the file is complete. */
export function nextChunk(size: number, offset: number, chunkBytes: number): { start: number; end: number } | null {
  if (!(chunkBytes >= 1)) throw new RangeError("chunkBytes must be at least 1");
  if (offset >= size) return null;
  const start = Math.max(0, offset);
  return { start, end: Math.min(size, start + chunkBytes) };
}

/** The `offset` query parameter of a chunk request: a whole number of bytes, or the message saying what to send. */
export function parseChunkOffset(value: string | null): { ok: true; offset: number } | { ok: false; error: string } {
  if (value === null || value === "") return { ok: false, error: "offset is required: send ?offset=<bytes already uploaded>" };
  if (!/^\d{1,15}$/.test(value)) return { ok: false, error: "offset must be a whole number of bytes, e.g. ?offset=0" };
  return { ok: true, offset: Number(value) };
}

/** Exponential back-off for a failed chunk: base, 2×, 4× … capped; `jitter` in [0,1) spreads retries of many files. */
export function retryDelayMs(attempt: number, { baseMs = 500, maxMs = 10_000 }: { baseMs?: number; maxMs?: number } = {}, jitter = 0): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.75 + 0.5 * Math.min(Math.max(jitter, 0), 1)));
}

/** Has an upload been idle too long to be resumed? */
export function isAbandonedUpload(lastActivity: Date, now: Date, idleMs = STUDIO_UPLOAD_IDLE_MS): boolean {
  return now.getTime() - lastActivity.getTime() > idleMs;
}

/** "37 of 200 files, 412 MB of 1.1 GB" (plus failures and pauses when there are any). */
export function uploadProgressText(progress: { filesDone: number; filesTotal: number; bytesDone: number; bytesTotal: number; failed?: number; paused?: number }): string {
  const files = `${progress.filesDone} of ${progress.filesTotal} ${progress.filesTotal === 1 ? "file" : "files"}`;
  const parts = [`${files}, ${formatBytes(progress.bytesDone)} of ${formatBytes(progress.bytesTotal)}`];
  if (progress.failed) parts.push(`${progress.failed} failed`);
  if (progress.paused) parts.push(`${progress.paused} paused`);
  return parts.join(" · ");
}

/** Percent for a progress bar, 0–100; an empty batch is complete. */
export function progressPercent(done: number, total: number): number {
  if (total <= 0) return 100;
  return Math.min(100, Math.max(0, Math.floor((done / total) * 100)));
}
