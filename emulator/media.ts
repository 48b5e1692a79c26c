import { isEnumType } from "graphql";
import sharp from "sharp";
import { loadAdminSchema } from "./admin-schema";
import type { MediaRecord } from "./store";

/**
 * Product media as Shopify handles it: checked after upload, then
 * UPLOADED → PROCESSING → READY, or FAILED with a `MediaError` saying why.
 * Error codes are values of the schema's `MediaErrorCode` enum.
 */

/** Shopify's documented image limits: 4472 × 4472 px (20 megapixels) and 20 MB. */
export const MAX_IMAGE_PIXELS = 20_000_000;
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
const IMAGE_FORMATS = new Set(["jpeg", "png", "gif", "webp", "heif", "avif"]);

export type Inspection = { ok: true; width: number | null; height: number | null } | { ok: false; code: string; message: string };

/** The values of the schema's MediaErrorCode enum. */
export function mediaErrorCodes(): string[] {
  const type = loadAdminSchema().getType("MediaErrorCode");
  return isEnumType(type) ? type.getValues().map((v) => v.name) : [];
}

/** What a media of this kind fails with when a test injects a failure without naming one. */
export function defaultMediaFailure(kind: MediaRecord["kind"]): { code: string; message: string } {
  return kind === "VIDEO"
    ? { code: "VIDEO_VALIDATION_ERROR", message: "Video could not be processed: it failed validation." }
    : { code: "IMAGE_PROCESSING_FAILURE", message: "Image could not be processed because the file is not a valid image." };
}

/** An MP4 (ISO BMFF) file starts with a box whose type is `ftyp`. */
export function looksLikeMp4(bytes: Buffer): boolean {
  return bytes.length >= 12 && bytes.toString("latin1", 4, 8) === "ftyp";
}

/** Checks bytes as Shopify would: a decodable image within the limits, or an MP4. */
export async function inspectMedia(kind: MediaRecord["kind"], bytes: Buffer): Promise<Inspection> {
  if (bytes.length === 0) return { ok: false, code: "GENERIC_FILE_INVALID_SIZE", message: "The file is empty." };
  if (kind === "VIDEO") {
    return looksLikeMp4(bytes) ? { ok: true, width: null, height: null } : { ok: false, code: "VIDEO_INVALID_FILETYPE_ERROR", message: "The file is not an MP4 video." };
  }
  if (bytes.length > MAX_IMAGE_BYTES) return { ok: false, code: "INVALID_IMAGE_FILE_SIZE", message: "Image is larger than 20 MB." };
  try {
    // The header first (cheap), then a full decode so a truncated file fails too.
    const meta = await sharp(bytes, { failOn: "error", limitInputPixels: false }).metadata();
    if (!meta.format || !IMAGE_FORMATS.has(meta.format)) return { ok: false, code: "UNSUPPORTED_IMAGE_FILE_TYPE", message: `Image format ${meta.format ?? "unknown"} is not supported.` };
    if ((meta.width ?? 0) * (meta.height ?? 0) > MAX_IMAGE_PIXELS) {
      return { ok: false, code: "INVALID_IMAGE_RESOLUTION", message: `Image is ${meta.width} × ${meta.height} px; at most 20 megapixels are accepted.` };
    }
    await sharp(bytes, { failOn: "error", limitInputPixels: MAX_IMAGE_PIXELS }).stats();
    return { ok: true, width: meta.width ?? null, height: meta.height ?? null };
  } catch {
    return { ok: false, code: "IMAGE_PROCESSING_FAILURE", message: "Image could not be processed because the file is not a valid image." };
  }
}

/**
 * Moves a new media record through its states, `stepMs` per step, as Shopify
 * processes uploads in the background. The bytes are inspected unless the
 * outcome is known: seed flat-lays (no bytes, rendered on demand) are good.
 */
export function processMediaLater(media: MediaRecord, stepMs: number, outcome?: Inspection): void {
  const touch = () => (media.updatedAt = new Date().toISOString());
  setTimeout(() => {
    media.status = "PROCESSING";
    touch();
    setTimeout(() => {
      void (async () => {
        const result: Inspection = outcome ?? (media.bytes ? await inspectMedia(media.kind, media.bytes) : { ok: true, width: media.width, height: media.height });
        if (result.ok) {
          media.status = "READY";
          media.width = result.width ?? media.width;
          media.height = result.height ?? media.height;
        } else {
          media.status = "FAILED";
          media.errors = [{ code: result.code, message: result.message, details: null }];
        }
        touch();
      })();
    }, stepMs).unref();
  }, stepMs).unref();
}

/** Where the emulator serves a media file: seed flat-lays by product, uploads by media id. */
export function mediaUrl(baseUrl: string, shopDomain: string, media: MediaRecord): string {
  if (media.seedProductId !== null && media.bytes === null) return `${baseUrl}/cdn/${shopDomain}/products/${media.seedProductId}/flat-lay.png`;
  return `${baseUrl}/cdn/${shopDomain}/files/${media.id}/${encodeURIComponent(media.filename)}`;
}
