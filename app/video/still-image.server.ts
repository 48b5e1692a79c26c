import sharp, { type Metadata, type Sharp } from "sharp";

/** Formats a still may arrive in; anything else (SVG included: it can reference files) is refused. */
const ACCEPTED_FORMATS = new Set(["jpeg", "png", "webp", "avif", "heif", "tiff", "gif"]);
/** About 40 megapixels: twice Shopify's image ceiling, so a real photo passes and a decompression bomb does not. */
export const MAX_INPUT_PIXELS = 40_000_000;

export class StillImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StillImageError";
  }
}

/**
 * Opens untrusted image bytes the way sharp's docs advise: read the header
 * (metadata) first and refuse unknown formats and oversize images before any
 * pixels are decoded, keep limitInputPixels and failOn for the decode itself,
 * and auto-orient before anything else so EXIF rotation is applied once.
 */
export async function openStillImage(bytes: Buffer, what = "image"): Promise<{ image: Sharp; width: number; height: number }> {
  const options = { limitInputPixels: MAX_INPUT_PIXELS, failOn: "error" as const };
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, options).metadata();
  } catch (error) {
    throw new StillImageError(`The ${what} is not a readable image (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!metadata.format || !ACCEPTED_FORMATS.has(metadata.format)) {
    throw new StillImageError(`The ${what} is in format "${metadata.format ?? "unknown"}"; use JPEG, PNG, WebP, AVIF, HEIF, TIFF or GIF`);
  }
  if (!metadata.width || !metadata.height) throw new StillImageError(`The ${what} has no dimensions`);
  if (metadata.width * metadata.height > MAX_INPUT_PIXELS) {
    throw new StillImageError(`The ${what} is ${metadata.width}×${metadata.height}, over the ${MAX_INPUT_PIXELS / 1_000_000} megapixel limit`);
  }
  const swap = (metadata.orientation ?? 1) >= 5; // EXIF orientations 5–8 turn the image a quarter
  return {
    image: sharp(bytes, options).autoOrient(),
    width: swap ? metadata.height : metadata.width,
    height: swap ? metadata.width : metadata.height,
  };
}
