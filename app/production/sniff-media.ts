/**
 * What a file really is, from its first bytes. Pure. Providers and CDNs
 * mislabel results (an HTML error page as image/png, a JPEG as image/png),
 * so the bytes decide and the header is only checked against them.
 */

export type SniffedFormat = "png" | "jpeg" | "webp" | "gif" | "avif" | "heif" | "mp4" | "quicktime" | "html" | "xml" | "json" | "pdf";

export interface SniffedMedia {
  kind: "image" | "video" | "document";
  format: SniffedFormat;
  mime: string;
  extension: string;
  /** For messages: "a PNG", "an HTML page". */
  label: string;
}

const MEDIA: Record<SniffedFormat, SniffedMedia> = {
  png: { kind: "image", format: "png", mime: "image/png", extension: "png", label: "a PNG" },
  jpeg: { kind: "image", format: "jpeg", mime: "image/jpeg", extension: "jpg", label: "a JPEG" },
  webp: { kind: "image", format: "webp", mime: "image/webp", extension: "webp", label: "a WebP" },
  gif: { kind: "image", format: "gif", mime: "image/gif", extension: "gif", label: "a GIF" },
  avif: { kind: "image", format: "avif", mime: "image/avif", extension: "avif", label: "an AVIF" },
  heif: { kind: "image", format: "heif", mime: "image/heif", extension: "heic", label: "a HEIF" },
  mp4: { kind: "video", format: "mp4", mime: "video/mp4", extension: "mp4", label: "an MP4" },
  quicktime: { kind: "video", format: "quicktime", mime: "video/quicktime", extension: "mov", label: "a QuickTime movie" },
  html: { kind: "document", format: "html", mime: "text/html", extension: "html", label: "an HTML page" },
  xml: { kind: "document", format: "xml", mime: "application/xml", extension: "xml", label: "an XML document" },
  json: { kind: "document", format: "json", mime: "application/json", extension: "json", label: "JSON" },
  pdf: { kind: "document", format: "pdf", mime: "application/pdf", extension: "pdf", label: "a PDF" },
};

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}

function startsWithBytes(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  return bytes.length >= offset + signature.length && signature.every((value, i) => bytes[offset + i] === value);
}

/** ISO-BMFF brands that are still images, not video. */
const AVIF_BRANDS = new Set(["avif", "avis"]);
const HEIF_BRANDS = new Set(["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1"]);

function sniffIsoBmff(bytes: Uint8Array): SniffedMedia | null {
  if (bytes.length < 12 || ascii(bytes, 4, 8) !== "ftyp") return null;
  const boxSize = ((bytes[0] << 24) >>> 0) + (bytes[1] << 16) + (bytes[2] << 8) + bytes[3];
  if (boxSize < 12) return null;
  const brand = ascii(bytes, 8, 12);
  if (AVIF_BRANDS.has(brand)) return MEDIA.avif;
  if (HEIF_BRANDS.has(brand)) return MEDIA.heif;
  if (brand === "qt  ") return MEDIA.quicktime;
  return MEDIA.mp4;
}

function sniffText(bytes: Uint8Array): SniffedMedia | null {
  let start = startsWithBytes(bytes, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  while (start < bytes.length && /\s/.test(String.fromCharCode(bytes[start]))) start++;
  const head = ascii(bytes, start, Math.min(bytes.length, start + 64)).toLowerCase();
  if (/^<!doctype html|^<html|^<head|^<body|^<title|^<!--/.test(head)) return MEDIA.html;
  if (head.startsWith("<?xml")) return MEDIA.xml;
  if (head.startsWith("{") || head.startsWith("[")) return MEDIA.json;
  return null;
}

/** The format the bytes are, or null when none we know. Needs only the first 64 bytes or so. */
export function sniffMedia(bytes: Uint8Array): SniffedMedia | null {
  if (startsWithBytes(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return MEDIA.png;
  if (startsWithBytes(bytes, [0xff, 0xd8, 0xff])) return MEDIA.jpeg;
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP") return MEDIA.webp;
  if (bytes.length >= 6 && (ascii(bytes, 0, 6) === "GIF87a" || ascii(bytes, 0, 6) === "GIF89a")) return MEDIA.gif;
  if (bytes.length >= 5 && ascii(bytes, 0, 5) === "%PDF-") return MEDIA.pdf;
  return sniffIsoBmff(bytes) ?? sniffText(bytes);
}

const ALIASES: Record<string, string> = {
  "image/jpg": "image/jpeg",
  "image/pjpeg": "image/jpeg",
  "image/x-png": "image/png",
  "video/x-m4v": "video/mp4",
};

/** "Image/JPG; charset=binary" → "image/jpeg"; null for a missing or empty header. */
export function normaliseContentType(header: string | null | undefined): string | null {
  if (header === null || header === undefined) return null;
  const mime = header.split(";")[0].trim().toLowerCase();
  if (mime === "") return null;
  return ALIASES[mime] ?? mime;
}

/** Types that say nothing about the content; the bytes decide. */
export const GENERIC_CONTENT_TYPES: ReadonlySet<string> = new Set(["application/octet-stream", "binary/octet-stream", "application/binary"]);

/** The label for a content type we know ("image/png" → "a PNG"); null otherwise. */
export function labelForContentType(mime: string): string | null {
  return Object.values(MEDIA).find((media) => media.mime === mime)?.label ?? null;
}
