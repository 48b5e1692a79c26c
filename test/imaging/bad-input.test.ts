/**
 * The inputs post-production must survive, generated here byte by byte or with
 * sharp: files it must refuse (each with its code and a message that names the
 * problem) and awkward files it must read correctly.
 */

import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { decodeImage, ImageRejectedError, inspectImage, type ImageRejectCode } from "~/imaging/safe-decode";
import type { RawImage } from "~/imaging/raw-image";
import { handMadePng, imageRejection } from "../support/problem-images";

async function expectRejected(bytes: Buffer, code: ImageRejectCode, message: RegExp) {
  const error = await imageRejection(decodeImage(bytes));
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
  // The header check alone refuses it too (nothing here needs a decode to be caught)…
  // except a truncated body, whose header is intact.
  if (code !== "truncated") expect((await imageRejection(inspectImage(bytes))).code).toBe(code);
  return error;
}

function pixel(image: RawImage, x: number, y: number): number[] {
  const at = (y * image.width + x) * image.channels;
  return [...image.data.subarray(at, at + image.channels)];
}

function expectColour(actual: number[], expected: number[], tolerance: number) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => expect(Math.abs(value - expected[i]), `channel ${i}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance));
}

// --- PNG by hand ------------------------------------------------------------

// --- CMYK TIFF by hand: uncompressed, one strip, 8 bits per ink ---------------

function cmykTiff(width: number, height: number, inkAt: (x: number, y: number) => number[]): Buffer {
  const entries: [tag: number, type: 3 | 4, count: number, value: number][] = [];
  const count = 11;
  const bitsOffset = 8 + 2 + count * 12 + 4;
  const dataOffset = bitsOffset + 8;
  const dataLength = width * height * 4;
  entries.push(
    [256, 4, 1, width], // ImageWidth
    [257, 4, 1, height], // ImageLength
    [258, 3, 4, bitsOffset], // BitsPerSample 8,8,8,8 (stored after the IFD)
    [259, 3, 1, 1], // Compression: none
    [262, 3, 1, 5], // PhotometricInterpretation: separated
    [273, 4, 1, dataOffset], // StripOffsets
    [277, 3, 1, 4], // SamplesPerPixel
    [278, 4, 1, height], // RowsPerStrip
    [279, 4, 1, dataLength], // StripByteCounts
    [284, 3, 1, 1], // PlanarConfiguration: chunky
    [332, 3, 1, 1], // InkSet: CMYK
  );
  const file = Buffer.alloc(dataOffset + dataLength);
  file.write("II", 0, "latin1");
  file.writeUInt16LE(42, 2);
  file.writeUInt32LE(8, 4);
  file.writeUInt16LE(count, 8);
  entries.forEach(([tag, type, n, value], i) => {
    const at = 10 + i * 12;
    file.writeUInt16LE(tag, at);
    file.writeUInt16LE(type, at + 2);
    file.writeUInt32LE(n, at + 4);
    if (type === 3 && n === 1) file.writeUInt16LE(value, at + 8);
    else file.writeUInt32LE(value, at + 8);
  });
  for (let i = 0; i < 4; i++) file.writeUInt16LE(8, bitsOffset + i * 2);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) file.set(inkAt(x, y), dataOffset + (y * width + x) * 4);
  return file;
}

/** A w×h RGB image of vertical bands, one colour each. */
async function bands(width: number, height: number, colours: number[][]) {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(colours[Math.floor((x * colours.length) / width)], (y * width + x) * 3);
  }
  return sharp(data, { raw: { width, height, channels: 3 } });
}

describe("bad input is refused with a reason", () => {
  it("a truncated JPEG", async () => {
    const noise = await sharp({ create: { width: 256, height: 256, channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: "gaussian", mean: 128, sigma: 40 } } })
      .jpeg({ quality: 90 })
      .toBuffer();
    const cut = noise.subarray(0, Math.floor(noise.length * 0.6));
    expect((await inspectImage(cut)).width).toBe(256); // the header is intact; only the decode finds it
    const error = await expectRejected(cut, "truncated", /^The JPEG ends early .*upload the complete file again$/);
    expect(error.message).toMatch(/premature end/i);
  });

  it("a zero-byte file", async () => {
    await expectRejected(Buffer.alloc(0), "empty_file", /^The file is 0 bytes: upload the image again$/);
  });

  it("a PNG whose header claims 60000×60000 (a decompression bomb), before any decode", async () => {
    // A real IHDR (valid CRC) and a small IDAT of zeros: the shape of a bomb.
    const bomb = handMadePng(60000, 60000, 8, 2, Buffer.alloc(60001 * 4));
    expect(bomb.length).toBeLessThan(2000);
    const error = await expectRejected(bomb, "too_many_pixels", /^The PNG header claims 60000×60000 \(3600 megapixels\); the limit is 100 megapixels: export a smaller image$/);
    expect(error).toBeInstanceOf(ImageRejectedError);
    // A lower limit from the caller is honoured the same way.
    const small = handMadePng(200, 200, 8, 2, Buffer.alloc(200 * 601));
    expect((await imageRejection(decodeImage(small, { limits: { maxPixels: 10_000 } }))).message).toMatch(/claims 200×200 \(0\.0 megapixels\); the limit is 0\.0 megapixels/);
  });

  it("an SVG with external references, found without rendering", async () => {
    const svg = Buffer.from(
      `<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="100">` +
        `<use xlink:href="#shape"/><image xlink:href="http://169.254.169.254/latest/meta-data/" width="100" height="100"/></svg>`,
    );
    await expectRejected(svg, "svg_external_reference", /^The file is an SVG drawing that loads something from outside itself \(href="http:\/\/169\.254\.169\.254\/latest\/meta-data\/"\); SVG is not accepted/);

    const fileUrl = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: url('file:///etc/passwd')" width="1" height="1"/></svg>`);
    await expectRejected(fileUrl, "svg_external_reference", /url\(file:\/\/\/etc\/passwd\)/);

    const entity = Buffer.from(`<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/hostname">]><svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>`);
    await expectRejected(entity, "svg_external_reference", /external entity \(file:\/\/\/etc\/hostname\)/);
  });

  it("any other SVG is an unsupported format", async () => {
    const svg = Buffer.from(`<!-- logo --><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="10" height="10"/></svg>`);
    await expectRejected(svg, "unsupported_format", /^The file is an SVG drawing; SVG is not accepted as a product image: export it as PNG or JPEG$/);
  });

  it("a text file named .jpg", async () => {
    const dir = await mkdtemp(join(tmpdir(), "shotlane-bad-input-"));
    try {
      const path = join(dir, "product-photo.jpg");
      await writeFile(path, "Order #1042 shipped. Thanks for shopping with us!\n");
      await expectRejected(await readFile(path), "not_an_image", /^The file is not an image \(it is a text file\), whatever its name says: upload a JPEG, PNG, WebP, AVIF or TIFF file$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("awkward but valid input decodes to upright 8-bit sRGB", () => {
  it("a CMYK TIFF without a profile converts to the colours its inks print", async () => {
    // Bands: paper white, 100 % cyan, 100 % magenta, 100 % yellow, 50 % black.
    const inks = [
      [0, 0, 0, 0],
      [255, 0, 0, 0],
      [0, 255, 0, 0],
      [0, 0, 255, 0],
      [0, 0, 0, 128],
    ];
    const tiff = cmykTiff(5 * 8, 8, (x) => inks[Math.floor(x / 8)]);
    const { image, header } = await decodeImage(tiff);
    expect(header).toMatchObject({ format: "tiff", space: "cmyk", channels: 4, hasProfile: false, hasAlpha: false, width: 40, height: 8 });
    expect(image.channels).toBe(3);
    const at = (band: number) => pixel(image, band * 8 + 4, 4);
    expectColour(at(0), [255, 255, 255], 3);
    // Printed process colours (FOGRA39 coated, as sRGB): a naive 255 − ink formula would give 0,255,255 for cyan.
    expectColour(at(1), [0, 158, 224], 20);
    expectColour(at(2), [226, 0, 122], 20);
    expectColour(at(3), [255, 241, 0], 20);
    const grey = at(4);
    expect(Math.max(...grey) - Math.min(...grey)).toBeLessThanOrEqual(10);
    expect(grey[0]).toBeGreaterThan(100);
    expect(grey[0]).toBeLessThan(170);
  });

  it("a CMYK JPEG, with and without an embedded profile", async () => {
    const tan = [180, 120, 90];
    const denim = [90, 120, 160];
    for (const withProfile of [false, true]) {
      let cmyk = (await bands(64, 32, [tan, denim])).toColourspace("cmyk");
      if (withProfile) cmyk = cmyk.withIccProfile("cmyk");
      const jpeg = await cmyk.jpeg({ quality: 95 }).toBuffer();
      const { image, header } = await decodeImage(jpeg);
      expect(header).toMatchObject({ format: "jpeg", space: "cmyk", channels: 4, hasProfile: withProfile });
      expect(image.channels).toBe(3);
      expectColour(pixel(image, 16, 16), tan, 20);
      expectColour(pixel(image, 48, 16), denim, 20);
    }
  });

  it("a 16-bit PNG with alpha becomes 8-bit RGBA with its values scaled", async () => {
    const width = 4;
    const height = 2;
    const rows: Buffer[] = [];
    for (let y = 0; y < height; y++) {
      const row = Buffer.alloc(1 + width * 8); // filter byte 0, then RGBA × 16 bits
      for (let x = 0; x < width; x++) {
        const [r, g, b, a] = x < 2 ? [0xffff, 0x8080, 0x2020, 0xffff] : [0x4040, 0xc0c0, 0xffff, 0x8080];
        row.writeUInt16BE(r, 1 + x * 8);
        row.writeUInt16BE(g, 3 + x * 8);
        row.writeUInt16BE(b, 5 + x * 8);
        row.writeUInt16BE(a, 7 + x * 8);
      }
      rows.push(row);
    }
    const { image, header } = await decodeImage(handMadePng(width, height, 16, 6, Buffer.concat(rows)));
    expect(header).toMatchObject({ format: "png", depth: "ushort", hasAlpha: true, channels: 4 });
    expect(image.channels).toBe(4);
    expect(image.data.length).toBe(width * height * 4);
    expectColour(pixel(image, 0, 0), [255, 128, 32, 255], 1);
    expectColour(pixel(image, 3, 1), [64, 192, 255, 128], 1);
  });

  it("an EXIF-rotated JPEG: dimensions swapped, pixels the right way up", async () => {
    // Stored 60×30 with red on the left, blue on the right; orientation 6 means
    // "rotate 90° clockwise to view", so the viewer sees red on top.
    const stored = await (await bands(60, 30, [[230, 20, 20], [20, 20, 230]])).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
    const { image, header } = await decodeImage(stored);
    expect(header).toMatchObject({ orientation: 6, width: 30, height: 60 });
    expect([image.width, image.height]).toEqual([30, 60]);
    expectColour(pixel(image, 15, 10), [230, 20, 20], 12);
    expectColour(pixel(image, 15, 50), [20, 20, 230], 12);
  });

  it("an AVIF", async () => {
    const avif = await (await bands(64, 32, [[200, 60, 40], [40, 160, 90]])).avif({ quality: 80, effort: 2 }).toBuffer();
    const { image, header } = await decodeImage(avif);
    expect(header).toMatchObject({ format: "avif", width: 64, height: 32, hasAlpha: false });
    expect(image.channels).toBe(3);
    expectColour(pixel(image, 10, 16), [200, 60, 40], 12);
    expectColour(pixel(image, 54, 16), [40, 160, 90], 12);
  });

  it("a WebP with alpha", async () => {
    const rgba = Buffer.alloc(32 * 16 * 4);
    for (let i = 0; i < 32 * 16; i++) rgba.set(i % 32 < 16 ? [20, 120, 220, 255] : [0, 0, 0, 0], i * 4);
    const webp = await sharp(rgba, { raw: { width: 32, height: 16, channels: 4 } }).webp({ lossless: true }).toBuffer();
    const { image, header } = await decodeImage(webp);
    expect(header).toMatchObject({ format: "webp", width: 32, height: 16, hasAlpha: true });
    expect(image.channels).toBe(4);
    expect(pixel(image, 4, 8)).toEqual([20, 120, 220, 255]);
    expect(pixel(image, 28, 8)[3]).toBe(0);
  });
});
