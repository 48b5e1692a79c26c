import { crc32, deflateSync } from "node:zlib";
import sharp from "sharp";
import { ImageRejectedError } from "../../app/imaging/safe-decode";

/**
 * Files that post-production must refuse with a precise reason (and one it
 * must accept: a CMYK TIFF), made here from real encoders so no binary
 * fixtures live in git.
 */

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A PNG written by hand (valid CRCs): any header, any scanlines, so a test can claim sizes no encoder would make. */
export function handMadePng(width: number, height: number, bitDepth: number, colourType: number, scanlines: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = colourType;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk("IHDR", ihdr), pngChunk("IDAT", deflateSync(scanlines)), pngChunk("IEND", Buffer.alloc(0))]);
}

/** A valid PNG header that claims width×height (RGB, 8-bit) with a tiny compressed body: a decompression bomb. */
export function pngBomb(width = 60_000, height = 60_000): Buffer {
  return handMadePng(width, height, 8, 2, Buffer.alloc(width * 3 + 1));
}

/** The ImageRejectedError a promise ends with (anything else fails the test). */
export async function imageRejection(promise: Promise<unknown>): Promise<ImageRejectedError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ImageRejectedError) return error;
    throw error;
  }
  throw new Error("expected the image to be rejected");
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
