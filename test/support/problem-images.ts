import { deflateSync } from "node:zlib";
import sharp from "sharp";

/**
 * Files that post-production must refuse with a precise reason (and one it
 * must accept: a CMYK TIFF), made here from real encoders so no binary
 * fixtures live in git.
 */

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid PNG header that claims width×height (RGB, 8-bit) with a tiny compressed body: a decompression bomb. */
export function pngBomb(width = 60_000, height = 60_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk("IHDR", ihdr), pngChunk("IDAT", deflateSync(Buffer.alloc(width * 3 + 1))), pngChunk("IEND", Buffer.alloc(0))]);
}

/** A garment (a trapezoid in `colour`) on a light studio backdrop. */
export function garmentSvg(width = 900, height = 1200, colour = "#2b4c7e"): Buffer {
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#f4f4f4"/><path d="M${width * 0.3} ${height * 0.15} L${width * 0.7} ${height * 0.15} L${width * 0.75} ${height * 0.85} L${width * 0.25} ${height * 0.85} Z" fill="${colour}"/></svg>`);
}

export async function goodJpeg(width = 900, height = 1200): Promise<Buffer> {
  return sharp(garmentSvg(width, height)).jpeg({ quality: 90 }).toBuffer();
}

export async function problemImages() {
  const jpeg = await goodJpeg();
  return {
    truncatedJpeg: jpeg.subarray(0, Math.floor(jpeg.length * 0.6)),
    zeroBytes: Buffer.alloc(0),
    pngBomb: pngBomb(),
    svgWithExternalRef: Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="800" height="800"><image xlink:href="http://169.254.169.254/latest/meta-data/" width="800" height="800"/></svg>'),
    textNamedJpg: Buffer.from("This is a shipping note, not a photo.\nSKU LIN-SHIRT-WHT-M\n"),
    /** A red garment in a CMYK TIFF: supported, it must come out sRGB and still red. */
    cmykTiff: await sharp(garmentSvg(800, 1000, "#c82828")).flatten().toColourspace("cmyk").tiff().toBuffer(),
  };
}
