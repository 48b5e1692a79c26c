/**
 * The one way untrusted image bytes (uploads, provider results, images already
 * on the store) become pixels. Cheap checks first: size, magic bytes (never the
 * name or content type), then sharp's header-only metadata against the pixel
 * limit; only then a decode with sharp's guards (limitInputPixels, failOn),
 * EXIF orientation applied and everything converted to 8-bit sRGB.
 */

import sharp, { type Metadata } from "sharp";
import type { RawImage } from "./raw-image";

export type ImageRejectCode = "empty_file" | "truncated" | "not_an_image" | "unsupported_format" | "too_many_pixels" | "svg_external_reference" | "corrupt" | "too_large";

export class ImageRejectedError extends Error {
  constructor(
    readonly code: ImageRejectCode,
    message: string,
  ) {
    super(message);
    this.name = "ImageRejectedError";
  }
}

export type ImageFormat = "jpeg" | "png" | "webp" | "avif" | "tiff" | "heif" | "gif";

export interface ImageHeader {
  format: ImageFormat;
  /** After EXIF orientation. */
  width: number;
  height: number;
  /** sharp's interpretation: "srgb", "cmyk", "b-w", "rgb16" … */
  space: string;
  channels: number;
  /** "uchar" for 8 bits per sample, "ushort" for 16. */
  depth: string;
  hasAlpha: boolean;
  orientation?: number;
  hasProfile: boolean;
  bytes: number;
}

export interface DecodeLimits {
  maxPixels: number;
  maxBytes: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxPixels: 100_000_000, maxBytes: 80_000_000 };

/**
 * sharp's failOn: "error" rejects truncated files and decoder errors but lets
 * through what libjpeg only warns about (extraneous bytes before a marker and
 * similar), which cameras and editors produce in perfectly viewable files.
 */
const FAIL_ON = "error" as const;

const ACCEPTED = "JPEG, PNG, WebP, AVIF or TIFF";

const LABEL: Record<ImageFormat, string> = { jpeg: "JPEG", png: "PNG", webp: "WebP", avif: "AVIF", tiff: "TIFF", heif: "HEIF", gif: "GIF" };

type Sniffed =
  | { kind: "image"; format: ImageFormat }
  | { kind: "unsupported"; what: string }
  | { kind: "svg" }
  | { kind: "not_an_image"; what: string };

function ascii(bytes: Buffer, start: number, end: number): string {
  return bytes.toString("latin1", start, Math.min(end, bytes.length));
}

function startsWith(bytes: Buffer, signature: readonly number[], offset = 0): boolean {
  return bytes.length >= offset + signature.length && signature.every((value, i) => bytes[offset + i] === value);
}

/** ISO-BMFF: AVIF and HEIF stills, or a video. Brands from the ftyp box (major and compatible). */
function sniffIsoBmff(bytes: Buffer): Sniffed | null {
  if (bytes.length < 12 || ascii(bytes, 4, 8) !== "ftyp") return null;
  const boxSize = bytes.readUInt32BE(0);
  const end = Math.min(boxSize >= 16 ? boxSize : 16, bytes.length, 256);
  const brands = new Set<string>([ascii(bytes, 8, 12)]);
  for (let offset = 16; offset + 4 <= end; offset += 4) brands.add(ascii(bytes, offset, offset + 4));
  if (brands.has("avif") || brands.has("avis")) return { kind: "image", format: "avif" };
  if (["heic", "heix", "hevc", "hevx", "heim", "heis"].some((brand) => brands.has(brand))) {
    return { kind: "unsupported", what: "a HEIC photo (HEVC-compressed, as iPhones save by default)" };
  }
  // A generic HEIF still: sharp reads it when it is AV1-compressed; metadata tells.
  if (brands.has("mif1") || brands.has("msf1")) return { kind: "image", format: "heif" };
  return { kind: "not_an_image", what: "a video" };
}

function sniffText(bytes: Buffer): Sniffed {
  const head = decodeText(bytes.subarray(0, 4096)).replace(/^\s+/, "");
  const lower = head.toLowerCase();
  if (looksLikeSvg(head)) return { kind: "svg" };
  if (/^<!doctype html|^<html|^<head|^<body/.test(lower)) return { kind: "not_an_image", what: "an HTML page" };
  if (lower.startsWith("<?xml") || lower.startsWith("<")) return { kind: "not_an_image", what: "an XML document" };
  if (lower.startsWith("{") || lower.startsWith("[")) return { kind: "not_an_image", what: "JSON" };
  // Mostly printable text with no NUL bytes: a text file, not a binary we do not know.
  const sample = bytes.subarray(0, 512);
  const printable = sample.filter((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b !== 127)).length;
  if (!sample.includes(0) && printable / sample.length > 0.95) return { kind: "not_an_image", what: "a text file" };
  return { kind: "not_an_image", what: "in a format we do not recognise" };
}

/** Magic bytes only: what the file is, whatever its name or content type says. */
function sniff(bytes: Buffer): Sniffed {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { kind: "image", format: "jpeg" };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: "image", format: "png" };
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP") return { kind: "image", format: "webp" };
  if (ascii(bytes, 0, 6) === "GIF87a" || ascii(bytes, 0, 6) === "GIF89a") return { kind: "image", format: "gif" };
  // Classic TIFF (42) and BigTIFF (43), either byte order.
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return { kind: "image", format: "tiff" };
  if (startsWith(bytes, [0x49, 0x49, 0x2b, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2b])) return { kind: "image", format: "tiff" };
  const iso = sniffIsoBmff(bytes);
  if (iso) return iso;
  if (startsWith(bytes, [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20]) || startsWith(bytes, [0xff, 0x4f, 0xff, 0x51])) return { kind: "unsupported", what: "a JPEG 2000 image" };
  if (startsWith(bytes, [0xff, 0x0a]) || startsWith(bytes, [0x00, 0x00, 0x00, 0x0c, 0x4a, 0x58, 0x4c, 0x20])) return { kind: "unsupported", what: "a JPEG XL image" };
  if (ascii(bytes, 0, 2) === "BM" && bytes.length >= 18 && [12, 40, 52, 56, 64, 108, 124].includes(bytes.readUInt32LE(14))) return { kind: "unsupported", what: "a BMP image" };
  if (ascii(bytes, 0, 4) === "8BPS") return { kind: "unsupported", what: "a Photoshop document (PSD)" };
  if (ascii(bytes, 0, 5) === "%PDF-") return { kind: "unsupported", what: "a PDF document" };
  if (ascii(bytes, 0, 4) === "%!PS" || startsWith(bytes, [0xc5, 0xd0, 0xd3, 0xc6])) return { kind: "unsupported", what: "a PostScript/EPS file" };
  if (startsWith(bytes, [0x00, 0x00, 0x01, 0x00]) && bytes.length >= 6 && bytes.readUInt16LE(4) > 0) return { kind: "unsupported", what: "an icon (ICO)" };
  if (startsWith(bytes, [0x76, 0x2f, 0x31, 0x01])) return { kind: "unsupported", what: "an OpenEXR image" };
  if (startsWith(bytes, [0x1f, 0x8b])) return { kind: "unsupported", what: "gzip-compressed (an SVGZ drawing or an archive)" };
  if (ascii(bytes, 0, 4) === "PK\u0003\u0004") return { kind: "not_an_image", what: "a ZIP archive" };
  return sniffText(bytes);
}

/** UTF-8, or UTF-16 when a byte-order mark says so. */
function decodeText(bytes: Buffer): string {
  if (startsWith(bytes, [0xff, 0xfe])) return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  if (startsWith(bytes, [0xfe, 0xff])) return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  return new TextDecoder("utf-8").decode(startsWith(bytes, [0xef, 0xbb, 0xbf]) ? bytes.subarray(3) : bytes);
}

/** Is the root element <svg> (after any XML declaration, comments, processing instructions and doctype)? */
function looksLikeSvg(text: string): boolean {
  let rest = text;
  for (;;) {
    rest = rest.replace(/^\s+/, "");
    const prolog = /^(<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!doctype(?:[^[>]|\[[\s\S]*?\])*>)/i.exec(rest);
    if (!prolog) break;
    rest = rest.slice(prolog[0].length);
  }
  return /^<(?:[\w.-]+:)?svg[\s>/]/i.test(rest);
}

/**
 * The first reference in an SVG to anything outside itself, without rendering
 * or parsing it as a document: href/src attributes (any namespace prefix), CSS
 * url() and @import, stylesheet processing instructions and external entities.
 * Only same-document fragments (#id) and data: URIs count as internal.
 */
export function findSvgExternalReference(svg: string): string | null {
  const internal = (value: string) => {
    const trimmed = value.trim();
    return trimmed === "" || trimmed.startsWith("#") || /^data:/i.test(trimmed);
  };
  const entity = /<!ENTITY\s+%?\s*[\w.-]+\s+(?:SYSTEM|PUBLIC)\s+(["'])([^"']*)\1/i.exec(svg);
  if (entity) return `an external entity (${entity[2]})`;
  for (const match of svg.matchAll(/[\s"'](?:[\w.-]+:)?(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)) {
    const value = match[2] ?? match[3] ?? "";
    if (!internal(value)) return `${match[1]}="${value.trim().slice(0, 100)}"`;
  }
  for (const match of svg.matchAll(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"]*))\s*\)/gi)) {
    const value = match[1] ?? match[2] ?? match[3] ?? "";
    if (!internal(value)) return `url(${value.trim().slice(0, 100)})`;
  }
  const imported = /@import\s+(?:url\()?\s*["']?([^"');\s]*)/i.exec(svg);
  if (imported) return `@import ${imported[1]}`;
  if (/<\?xml-stylesheet/i.test(svg)) return "an xml-stylesheet instruction";
  return null;
}

function megabytes(bytes: number): string {
  if (bytes < 1_000_000) return `${Math.max(1, Math.round(bytes / 1000))} KB`;
  return `${(bytes / 1_000_000).toFixed(bytes < 10_000_000 ? 1 : 0)} MB`;
}

function megapixels(pixels: number): string {
  return `${pixels >= 10_000_000 ? Math.round(pixels / 1_000_000) : (pixels / 1_000_000).toFixed(1)} megapixels`;
}

function resolveLimits(limits: Partial<DecodeLimits> | undefined): DecodeLimits {
  const resolved = { ...DEFAULT_DECODE_LIMITS, ...limits };
  for (const [name, value] of Object.entries(resolved)) {
    if (!(Number.isInteger(value) && value > 0)) throw new RangeError(`limits.${name} must be a positive whole number, got ${value}`);
  }
  return resolved;
}

function rejectUnsupported(what: string): never {
  throw new ImageRejectedError("unsupported_format", `The file is ${what}, which is not accepted as a product image: export it as ${ACCEPTED}`);
}

/** Does the file stop before its format's end marker? Tells a cut-off download from damaged data. */
function endsEarly(bytes: Buffer, format: ImageFormat): boolean {
  const tail = bytes.subarray(Math.max(0, bytes.length - 64));
  switch (format) {
    case "jpeg":
      // EOI, possibly followed by padding some encoders leave.
      return tail.lastIndexOf(Buffer.from([0xff, 0xd9])) === -1;
    case "png":
      return tail.lastIndexOf(Buffer.from("IEND", "latin1")) === -1;
    case "gif":
      return !tail.includes(0x3b);
    case "webp":
      return bytes.length >= 8 && bytes.readUInt32LE(4) + 8 > bytes.length;
    default:
      return false;
  }
}

const TRUNCATION = /premature end|truncat|unexpected end|end of (?:file|stream|data)|short read|not enough data|out of data/i;

function sharpMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0].trim();
}

/** Turns sharp's errors into a reason the merchant can act on. */
function rejectFromSharp(error: unknown, bytes: Buffer, format: ImageFormat, limits: DecodeLimits): never {
  if (error instanceof ImageRejectedError) throw error;
  const message = sharpMessage(error);
  const label = LABEL[format];
  if (/exceeds pixel limit/i.test(message)) {
    throw new ImageRejectedError("too_many_pixels", `The ${label} has more than ${megapixels(limits.maxPixels)}, the limit: export a smaller image`);
  }
  if (/unsupported image format/i.test(message)) {
    throw new ImageRejectedError("corrupt", `The file starts like a ${label} but its data cannot be read (${message}): export the image again`);
  }
  if (endsEarly(bytes, format) || TRUNCATION.test(message)) {
    throw new ImageRejectedError("truncated", `The ${label} ends early (${message}); it was probably cut off while uploading or downloading: upload the complete file again`);
  }
  throw new ImageRejectedError("corrupt", `The ${label} is damaged and cannot be decoded (${message}): export the image again from the original`);
}

function headerFormat(metadata: Metadata, sniffed: ImageFormat): ImageFormat {
  switch (metadata.format) {
    case "jpeg":
    case "png":
    case "webp":
    case "gif":
    case "tiff":
      return metadata.format;
    case "heif":
      if (metadata.compression === "av1") return "avif";
      return rejectUnsupported(metadata.compression === "hevc" ? "a HEIC photo (HEVC-compressed, as iPhones save by default)" : "a HEIF image we cannot decode");
    default:
      // The bytes said one thing and the decoder another: do not guess.
      throw new ImageRejectedError("corrupt", `The file starts like a ${LABEL[sniffed]} but decodes as ${String(metadata.format)}: export the image again as ${ACCEPTED}`);
  }
}

interface Inspected {
  header: ImageHeader;
  limits: DecodeLimits;
}

async function inspect(bytes: Buffer, partialLimits: Partial<DecodeLimits> | undefined): Promise<Inspected> {
  const limits = resolveLimits(partialLimits);
  if (bytes.length === 0) throw new ImageRejectedError("empty_file", "The file is 0 bytes: upload the image again");
  if (bytes.length > limits.maxBytes) {
    throw new ImageRejectedError("too_large", `The file is ${megabytes(bytes.length)}; the limit is ${megabytes(limits.maxBytes)}: export a smaller or more compressed image`);
  }

  const sniffed = sniff(bytes);
  if (sniffed.kind === "svg") {
    const reference = findSvgExternalReference(decodeText(bytes));
    if (reference) {
      throw new ImageRejectedError(
        "svg_external_reference",
        `The file is an SVG drawing that loads something from outside itself (${reference}); SVG is not accepted as a product image: export it as PNG or JPEG`,
      );
    }
    throw new ImageRejectedError("unsupported_format", `The file is an SVG drawing; SVG is not accepted as a product image: export it as PNG or JPEG`);
  }
  if (sniffed.kind === "unsupported") rejectUnsupported(sniffed.what);
  if (sniffed.kind === "not_an_image") {
    throw new ImageRejectedError("not_an_image", `The file is not an image (it is ${sniffed.what}), whatever its name says: upload a ${ACCEPTED} file`);
  }

  let metadata: Metadata;
  try {
    // Header only. The pixel limit is checked below so the message can say
    // what the header claims; the decode repeats it with limitInputPixels.
    metadata = await sharp(bytes, { failOn: FAIL_ON, limitInputPixels: false }).metadata();
  } catch (error) {
    if (bytes.length < 64) {
      throw new ImageRejectedError("truncated", `The ${LABEL[sniffed.format]} is only ${bytes.length} bytes and ends inside its header: upload the complete file again`);
    }
    rejectFromSharp(error, bytes, sniffed.format, limits);
  }
  const format = headerFormat(metadata, sniffed.format);
  if (!(metadata.width > 0 && metadata.height > 0)) {
    throw new ImageRejectedError("corrupt", `The ${LABEL[format]} header gives no size: export the image again`);
  }
  const pixels = metadata.width * metadata.height;
  if (pixels > limits.maxPixels) {
    throw new ImageRejectedError(
      "too_many_pixels",
      `The ${LABEL[format]} header claims ${metadata.width}×${metadata.height} (${megapixels(pixels)}); the limit is ${megapixels(limits.maxPixels)}: export a smaller image`,
    );
  }
  const header: ImageHeader = {
    format,
    width: metadata.autoOrient.width,
    height: metadata.autoOrient.height,
    space: metadata.space,
    channels: metadata.channels,
    depth: metadata.depth,
    hasAlpha: metadata.hasAlpha,
    hasProfile: metadata.hasProfile,
    bytes: bytes.length,
  };
  if (metadata.orientation !== undefined) header.orientation = metadata.orientation;
  return { header, limits };
}

/** What the file is and how big, from its header; never decodes pixels. Throws ImageRejectedError. */
export async function inspectImage(bytes: Buffer, limits?: Partial<DecodeLimits>): Promise<ImageHeader> {
  return (await inspect(bytes, limits)).header;
}

/**
 * Decodes to 8-bit sRGB, upright (EXIF orientation applied), RGBA when the
 * source has alpha and RGB otherwise. CMYK converts through the embedded
 * profile, or libvips's CMYK profile when there is none; other embedded
 * profiles convert to sRGB; 16-bit samples become 8-bit. With `maxEdge`,
 * the image shrinks to fit inside maxEdge × maxEdge while it is decoded
 * (JPEG shrink-on-load makes that cheaper than a full decode), never enlarged.
 */
export async function decodeImage(
  bytes: Buffer,
  options: { limits?: Partial<DecodeLimits>; maxEdge?: number } = {},
): Promise<{ image: RawImage; header: ImageHeader }> {
  const { maxEdge } = options;
  if (maxEdge !== undefined && !(Number.isInteger(maxEdge) && maxEdge > 0)) throw new RangeError(`maxEdge must be a positive whole number, got ${maxEdge}`);
  const { header, limits } = await inspect(bytes, options.limits);

  let pipeline = sharp(bytes, { failOn: FAIL_ON, limitInputPixels: limits.maxPixels }).autoOrient();
  if (maxEdge !== undefined) pipeline = pipeline.resize({ width: maxEdge, height: maxEdge, fit: "inside", withoutEnlargement: true });
  pipeline = header.hasAlpha ? pipeline.ensureAlpha() : pipeline.removeAlpha();
  try {
    const { data, info } = await pipeline.toColourspace("srgb").raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 && info.channels !== 4) {
      throw new ImageRejectedError("corrupt", `The ${LABEL[header.format]} decodes to ${info.channels} channels, not RGB or RGBA: export it as 8-bit RGB`);
    }
    return { image: { data, width: info.width, height: info.height, channels: info.channels }, header };
  } catch (error) {
    rejectFromSharp(error, bytes, header.format, limits);
  }
}
