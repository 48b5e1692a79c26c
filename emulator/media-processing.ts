import sharp from "sharp";
import type { MediaRecord } from "./store";

/** An MP4 (ISO BMFF) file starts with a box whose type is `ftyp`. */
export function looksLikeMp4(bytes: Buffer): boolean {
  return bytes.length >= 12 && bytes.toString("latin1", 4, 8) === "ftyp";
}

/** Checks the bytes as Shopify would: a decodable image, or an MP4. */
export async function inspectMedia(media: MediaRecord): Promise<{ ok: true; width: number | null; height: number | null } | { ok: false; code: string; message: string }> {
  const bytes = media.bytes;
  if (!bytes || bytes.length === 0) return { ok: false, code: "GENERIC_FILE_INVALID_SIZE", message: "The file is empty." };
  if (media.kind === "VIDEO") {
    return looksLikeMp4(bytes) ? { ok: true, width: null, height: null } : { ok: false, code: "VIDEO_VALIDATION_ERROR", message: "The file is not a valid MP4 video." };
  }
  try {
    const meta = await sharp(bytes, { failOn: "error", limitInputPixels: 25_000_000 }).metadata();
    await sharp(bytes, { failOn: "error" }).stats();
    return { ok: true, width: meta.width ?? null, height: meta.height ?? null };
  } catch {
    return { ok: false, code: "IMAGE_PROCESSING_FAILURE", message: "Image could not be processed because the file is not a valid image." };
  }
}

/** UPLOADED → PROCESSING → READY (or FAILED with mediaErrors), over `stepMs` per step. */
export function processMediaLater(media: MediaRecord, stepMs: number, onDone?: () => void): void {
  setTimeout(() => {
    media.status = "PROCESSING";
    media.updatedAt = new Date().toISOString();
    setTimeout(async () => {
      const result = await inspectMedia(media);
      if (result.ok) {
        media.status = "READY";
        media.width = result.width ?? media.width;
        media.height = result.height ?? media.height;
      } else {
        media.status = "FAILED";
        media.errors = [{ code: result.code, message: result.message, details: null }];
      }
      media.updatedAt = new Date().toISOString();
      onDone?.();
    }, stepMs).unref();
  }, stepMs).unref();
}
