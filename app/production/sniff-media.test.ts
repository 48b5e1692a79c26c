import { describe, expect, it } from "vitest";
import { labelForContentType, normaliseContentType, sniffMedia } from "./sniff-media";

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((part) => (typeof part === "string" ? Buffer.from(part, "latin1") : Buffer.from(part))));
const ftyp = (brand: string) => bytes([0, 0, 0, 0x18], "ftyp", brand, [0, 0, 0, 0], "isommp41");

describe("sniffMedia", () => {
  it.each([
    ["PNG", bytes([0x89], "PNG\r\n\x1a\n", [0, 0, 0, 13], "IHDR"), "png", "image/png", "png"],
    ["JPEG (JFIF)", bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16], "JFIF"), "jpeg", "image/jpeg", "jpg"],
    ["JPEG (Exif)", bytes([0xff, 0xd8, 0xff, 0xe1]), "jpeg", "image/jpeg", "jpg"],
    ["WebP", bytes("RIFF", [0x24, 0, 0, 0], "WEBPVP8 "), "webp", "image/webp", "webp"],
    ["GIF", bytes("GIF89a", [1, 0, 1, 0]), "gif", "image/gif", "gif"],
    ["MP4 (isom)", ftyp("isom"), "mp4", "video/mp4", "mp4"],
    ["MP4 (mp42)", ftyp("mp42"), "mp4", "video/mp4", "mp4"],
    ["QuickTime", ftyp("qt  "), "quicktime", "video/quicktime", "mov"],
    ["AVIF", ftyp("avif"), "avif", "image/avif", "avif"],
    ["HEIC", ftyp("heic"), "heif", "image/heif", "heic"],
    ["PDF", bytes("%PDF-1.7\n"), "pdf", "application/pdf", "pdf"],
    ["HTML", bytes("<!DOCTYPE html><html><body>502 Bad Gateway</body></html>"), "html", "text/html", "html"],
    ["HTML after a BOM and whitespace", bytes([0xef, 0xbb, 0xbf], "\n  <html>"), "html", "text/html", "html"],
    ["XML error", bytes('<?xml version="1.0"?><Error><Code>AccessDenied</Code></Error>'), "xml", "application/xml", "xml"],
    ["JSON error", bytes('{"error":"expired"}'), "json", "application/json", "json"],
  ])("recognises %s", (_name, input, format, mime, extension) => {
    expect(sniffMedia(input)).toMatchObject({ format, mime, extension });
  });

  it.each([
    ["empty", bytes()],
    ["plain text", bytes("hello world")],
    ["a PNG signature cut short", bytes([0x89], "PNG\r\n")],
    ["RIFF that is not WebP (WAV)", bytes("RIFF", [0, 0, 0, 0], "WAVEfmt ")],
    ["ftyp with an impossible box size", bytes([0, 0, 0, 4], "ftypisom")],
    ["JPEG's first two bytes only", bytes([0xff, 0xd8])],
  ])("returns null for %s", (_name, input) => {
    expect(sniffMedia(input)).toBeNull();
  });

  it("reads the kind so callers can tell images, videos and error documents apart", () => {
    expect(sniffMedia(ftyp("avif"))?.kind).toBe("image");
    expect(sniffMedia(ftyp("mp41"))?.kind).toBe("video");
    expect(sniffMedia(bytes("<html>"))?.kind).toBe("document");
  });
});

describe("normaliseContentType", () => {
  it.each([
    ["image/png", "image/png"],
    ["Image/PNG; charset=binary", "image/png"],
    ["image/jpg", "image/jpeg"],
    ["image/pjpeg", "image/jpeg"],
    ["  video/mp4 ", "video/mp4"],
    ["", null],
    [null, null],
    [undefined, null],
  ])("%j → %j", (header, expected) => {
    expect(normaliseContentType(header)).toBe(expected);
  });

  it("labels known types for messages", () => {
    expect(labelForContentType("image/jpeg")).toBe("a JPEG");
    expect(labelForContentType("text/html")).toBe("an HTML page");
    expect(labelForContentType("image/tiff")).toBeNull();
  });
});
