/**
 * The gate every generated result passes before it is stored: is it what
 * the provider says, what we asked for, readable, and within what Shopify
 * will accept? Cheap checks first (size, magic bytes, header-only metadata),
 * the full decode last, with sharp's guards for untrusted input.
 */

import sharp, { type Metadata } from "sharp";
import { z } from "zod";
import { GENERIC_CONTENT_TYPES, normaliseContentType, sniffMedia, type SniffedFormat } from "./sniff-media";

/** Shopify accepts product images up to about 20 megapixels (4472 × 4472). */
export const SHOPIFY_MAX_PIXELS = 20_000_000;

const ACCEPTED: Record<"image" | "video", { formats: readonly SniffedFormat[]; description: string }> = {
  image: { formats: ["png", "jpeg", "webp"], description: "an image (PNG, JPEG or WebP)" },
  video: { formats: ["mp4", "quicktime"], description: "a video (MP4)" },
};

/** MP4 and QuickTime are the same ISO-BMFF container; providers label either way. */
const INTERCHANGEABLE = new Set(["video/mp4", "video/quicktime"]);

const expectationSchema = z.object({
  kind: z.enum(["image", "video"]),
  maxBytes: z.number().int().positive(),
  minWidth: z.number().int().positive().optional(),
  minHeight: z.number().int().positive().optional(),
  maxPixels: z.number().int().positive().default(SHOPIFY_MAX_PIXELS),
});

export type ResultExpectation = z.input<typeof expectationSchema>;

export interface CheckedResult {
  /** From the bytes, not the header. */
  contentType: string;
  extension: string;
  /** Null for video: the container is not decoded here. */
  width: number | null;
  height: number | null;
  bytes: number;
}

export type ResultCheckCode = "empty" | "too_large" | "unrecognised" | "content_type_mismatch" | "wrong_kind" | "undecodable" | "too_small" | "too_many_pixels";

export class ResultCheckError extends Error {
  constructor(
    readonly code: ResultCheckCode,
    message: string,
  ) {
    super(message);
    this.name = "ResultCheckError";
  }
}

/** "20.3 MP", or an exact count when megapixels would round to nothing. */
function pixelCount(pixels: number, asLimit = false): string {
  if (pixels >= 100_000) return `${(pixels / 1_000_000).toFixed(1)} MP`;
  return asLimit ? `${pixels}-pixel` : `${pixels} pixels`;
}

function sharpMessage(error: unknown): string {
  return error instanceof Error ? error.message.trim() : String(error);
}

export async function checkGeneratedResult(bytes: Buffer, contentTypeHeader: string | null | undefined, expectation: ResultExpectation): Promise<CheckedResult> {
  const expect = expectationSchema.parse(expectation);
  const accepted = ACCEPTED[expect.kind];

  if (bytes.length === 0) throw new ResultCheckError("empty", `expected ${accepted.description} but the result is empty (0 bytes)`);
  if (bytes.length > expect.maxBytes) {
    throw new ResultCheckError("too_large", `the result is ${bytes.length} bytes, more than the ${expect.maxBytes}-byte limit`);
  }

  const sniffed = sniffMedia(bytes);
  const declared = normaliseContentType(contentTypeHeader);
  if (declared !== null && !GENERIC_CONTENT_TYPES.has(declared)) {
    const agrees = sniffed !== null && (declared === sniffed.mime || (INTERCHANGEABLE.has(declared) && INTERCHANGEABLE.has(sniffed.mime)));
    if (!agrees) {
      throw new ResultCheckError("content_type_mismatch", `content-type says ${declared} but the bytes are ${sniffed?.label ?? "not a format we recognise"}`);
    }
  }
  if (sniffed === null) throw new ResultCheckError("unrecognised", `expected ${accepted.description} but the bytes are not a format we recognise`);
  if (!accepted.formats.includes(sniffed.format)) {
    throw new ResultCheckError("wrong_kind", `expected ${accepted.description} but the bytes are ${sniffed.label}`);
  }

  if (expect.kind === "video") {
    return { contentType: sniffed.mime, extension: sniffed.extension, width: null, height: null, bytes: bytes.length };
  }

  const format = sniffed.label.replace(/^an? /, "");
  // Untrusted input: refuse pixel bombs before decoding and stop on real decode errors.
  const options = { failOn: "error", limitInputPixels: expect.maxPixels } as const;
  let metadata: Metadata;
  try {
    // Header only, so no pixel limit here: the dimensions are checked below with a message that names them.
    metadata = await sharp(bytes, { failOn: "error", limitInputPixels: false }).metadata();
  } catch (error) {
    throw new ResultCheckError("undecodable", `the ${format} header could not be read: ${sharpMessage(error)}`);
  }
  // Display dimensions: an EXIF-rotated JPEG is as wide as it will look.
  const width = metadata.autoOrient?.width ?? metadata.width;
  const height = metadata.autoOrient?.height ?? metadata.height;
  if (!width || !height) throw new ResultCheckError("undecodable", `the ${format} has no readable dimensions`);
  if (width * height > expect.maxPixels) {
    throw new ResultCheckError("too_many_pixels", `the image is ${width}×${height} (${pixelCount(width * height)}), more than the ${pixelCount(expect.maxPixels, true)} limit`);
  }
  if ((expect.minWidth !== undefined && width < expect.minWidth) || (expect.minHeight !== undefined && height < expect.minHeight)) {
    throw new ResultCheckError("too_small", `the image is ${width}×${height}, smaller than the required ${expect.minWidth ?? 1}×${expect.minHeight ?? 1}`);
  }

  try {
    // A full decode (stats keeps no pixel buffer) is the only way to find a truncated or corrupt body.
    await sharp(bytes, options).stats();
  } catch (error) {
    throw new ResultCheckError("undecodable", `the ${format} is damaged or truncated: ${sharpMessage(error)}`);
  }

  return { contentType: sniffed.mime, extension: sniffed.extension, width, height, bytes: bytes.length };
}
