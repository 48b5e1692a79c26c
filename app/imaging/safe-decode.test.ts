import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { decodeImage, findSvgExternalReference, ImageRejectedError, inspectImage } from "./safe-decode";
import { imageRejection } from "../../test/support/problem-images";


const solid = (width: number, height: number, colour: { r: number; g: number; b: number; alpha?: number }, channels: 3 | 4 = 3) =>
  sharp({ create: { width, height, channels, background: colour } });

const noise = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: "gaussian", mean: 128, sigma: 40 } } });

function pixel(image: { data: Buffer; width: number; channels: number }, x: number, y: number) {
  const at = (y * image.width + x) * image.channels;
  return [...image.data.subarray(at, at + image.channels)];
}

describe("inspectImage", () => {
  it("reads the header of a plain JPEG", async () => {
    const jpeg = await solid(120, 80, { r: 10, g: 20, b: 30 }).jpeg().toBuffer();
    expect(await inspectImage(jpeg)).toEqual({ format: "jpeg", width: 120, height: 80, space: "srgb", channels: 3, depth: "uchar", hasAlpha: false, hasProfile: false, bytes: jpeg.length });
  });

  it("goes by the bytes, not by anything the file claims to be", async () => {
    const png = await solid(4, 4, { r: 1, g: 2, b: 3 }).png().toBuffer();
    expect((await inspectImage(png)).format).toBe("png");
    const html = Buffer.from("<!DOCTYPE html><html><body>502 Bad Gateway</body></html>");
    const error = await imageRejection(inspectImage(html));
    expect(error.code).toBe("not_an_image");
    expect(error.message).toMatch(/it is an HTML page/);
  });

  it("names formats it does not accept", async () => {
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from("ftypheic\0\0\0\0mif1heic", "latin1")]);
    const bmp = Buffer.alloc(64);
    bmp.write("BM", 0, "latin1");
    bmp.writeUInt32LE(40, 14);
    const cases: [Buffer, RegExp][] = [
      [heic, /a HEIC photo/],
      [Buffer.from("%PDF-1.7\n%âãÏÓ\n"), /a PDF document/],
      [bmp, /a BMP image/],
      [Buffer.from("8BPS\0\u0001\0\0\0\0\0\0", "latin1"), /a Photoshop document/],
      [Buffer.from([0xff, 0x4f, 0xff, 0x51, 0, 0]), /a JPEG 2000 image/],
    ];
    for (const [bytes, what] of cases) {
      const error = await imageRejection(inspectImage(bytes));
      expect(error.code).toBe("unsupported_format");
      expect(error.message).toMatch(what);
      expect(error.message).toMatch(/export it as JPEG, PNG, WebP, AVIF or TIFF$/);
    }
  });

  it("calls a video a video", async () => {
    const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from("ftypisom\0\0\0\0isomavc1", "latin1")]);
    const error = await imageRejection(inspectImage(mp4));
    expect(error.code).toBe("not_an_image");
    expect(error.message).toMatch(/it is a video/);
  });

  it("refuses files over the byte limit before looking inside", async () => {
    const jpeg = await noise(200, 200).jpeg().toBuffer();
    const error = await imageRejection(inspectImage(jpeg, { maxBytes: 1000 }));
    expect(error.code).toBe("too_large");
    expect(error.message).toBe(`The file is ${Math.round(jpeg.length / 1000)} KB; the limit is 1 KB: export a smaller or more compressed image`);
    const limit = await imageRejection(inspectImage(jpeg, { maxBytes: 10_000 }));
    expect(limit.message).toMatch(/the limit is 10 KB/);
  });

  it("says a file cut off inside its header is truncated", async () => {
    const jpeg = await noise(64, 64).jpeg().toBuffer();
    const error = await imageRejection(inspectImage(jpeg.subarray(0, 40)));
    expect(error.code).toBe("truncated");
    expect(error.message).toBe("The JPEG is only 40 bytes and ends inside its header: upload the complete file again");
  });

  it("refuses bad limits", async () => {
    await expect(inspectImage(Buffer.from([1]), { maxPixels: 0 })).rejects.toThrow(RangeError);
    await expect(decodeImage(Buffer.from([1]), { maxEdge: 1.5 })).rejects.toThrow(/maxEdge/);
  });
});

describe("decodeImage", () => {
  it("tells a cut-off PNG from a damaged one", async () => {
    const png = await noise(64, 64).png().toBuffer();
    const cut = await imageRejection(decodeImage(png.subarray(0, png.length - 300)));
    expect(cut.code).toBe("truncated");
    expect(cut.message).toMatch(/^The PNG ends early/);

    const damaged = Buffer.from(png);
    for (let i = 200; i < 260; i++) damaged[i] ^= 0x5a;
    const error = await imageRejection(decodeImage(damaged));
    expect(error.code).toBe("corrupt");
    expect(error.message).toMatch(/^The PNG is damaged and cannot be decoded \(.+\): export the image again from the original$/);
  });

  it("converts an embedded Display P3 profile to sRGB", async () => {
    // sharp writes P3 values for sRGB red and tags them; read untagged they would be about 234,51,35.
    const p3 = await solid(16, 16, { r: 255, g: 0, b: 0 }).withIccProfile("p3").png().toBuffer();
    const raw = await sharp(p3, { ignoreIcc: true }).raw().toBuffer();
    expect(raw[1]).toBeGreaterThan(30);
    const { image, header } = await decodeImage(p3);
    expect(header.hasProfile).toBe(true);
    const [r, g, b] = pixel(image, 8, 8);
    expect(r).toBeGreaterThan(245);
    expect(g).toBeLessThan(12);
    expect(b).toBeLessThan(12);
  });

  it("gives greyscale as RGB and greyscale with alpha as RGBA", async () => {
    const grey = await solid(8, 8, { r: 90, g: 90, b: 90 }).toColourspace("b-w").png().toBuffer();
    const decoded = await decodeImage(grey);
    expect(decoded.header.space).toBe("b-w");
    expect(decoded.image.channels).toBe(3);
    expect(pixel(decoded.image, 4, 4)).toEqual([90, 90, 90]);

    const greyAlpha = await solid(8, 8, { r: 90, g: 90, b: 90, alpha: 0.5 }, 4).toColourspace("b-w").png().toBuffer();
    const withAlpha = await decodeImage(greyAlpha);
    expect(withAlpha.header.channels).toBe(2);
    expect(withAlpha.image.channels).toBe(4);
    expect(pixel(withAlpha.image, 4, 4)).toEqual([90, 90, 90, 128]);
  });

  it("reads a GIF's first frame", async () => {
    const gif = await solid(10, 6, { r: 255, g: 0, b: 0 }).gif().toBuffer();
    const { image, header } = await decodeImage(gif);
    expect(header.format).toBe("gif");
    expect([image.width, image.height]).toEqual([10, 6]);
    expect(pixel(image, 5, 3).slice(0, 3)).toEqual([255, 0, 0]);
  });

  it("shrinks to fit maxEdge while decoding, after orientation, and never enlarges", async () => {
    const landscape = await noise(400, 300).jpeg().toBuffer();
    const shrunk = await decodeImage(landscape, { maxEdge: 100 });
    expect([shrunk.image.width, shrunk.image.height]).toEqual([100, 75]);
    expect(shrunk.image.data.length).toBe(100 * 75 * 3);
    expect(shrunk.header).toMatchObject({ width: 400, height: 300 });
    const kept = await decodeImage(landscape, { maxEdge: 1000 });
    expect([kept.image.width, kept.image.height]).toEqual([400, 300]);

    const rotated = await noise(400, 300).jpeg().withMetadata({ orientation: 8 }).toBuffer();
    const upright = await decodeImage(rotated, { maxEdge: 200 });
    expect([upright.image.width, upright.image.height]).toEqual([150, 200]);
  });

  it("also enforces the pixel limit it was given", async () => {
    const png = await solid(300, 300, { r: 0, g: 0, b: 0 }).png().toBuffer();
    const error = await imageRejection(decodeImage(png, { limits: { maxPixels: 50_000 } }));
    expect(error.code).toBe("too_many_pixels");
    expect(error.message).toBe("The PNG header claims 300×300 (0.1 megapixels); the limit is 0.1 megapixels: export a smaller image");
  });
});

describe("findSvgExternalReference", () => {
  it("allows fragments and data: URIs", () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
      <defs><linearGradient id="g"/></defs><use href="#a"/><use xlink:href=" #b"/>
      <rect fill="url(#g)" style="fill:url( '#g' )"/><image href="data:image/png;base64,iVBORw0KGgo="/></svg>`;
    expect(findSvgExternalReference(svg)).toBeNull();
  });

  it("finds every kind of reference outside the drawing", () => {
    const wrap = (body: string) => `<svg xmlns="http://www.w3.org/2000/svg">${body}</svg>`;
    expect(findSvgExternalReference(wrap(`<image href="logo.png"/>`))).toBe('href="logo.png"');
    expect(findSvgExternalReference(wrap(`<image xlink:href='//cdn.example/x.png'/>`))).toBe('href="//cdn.example/x.png"');
    expect(findSvgExternalReference(wrap(`<foreignObject><img src="https://example.com/a"/></foreignObject>`))).toBe('src="https://example.com/a"');
    expect(findSvgExternalReference(wrap(`<style>rect{fill:url(https://example.com/p.svg#x)}</style>`))).toBe("url(https://example.com/p.svg#x)");
    expect(findSvgExternalReference(wrap(`<style>@import "https://example.com/s.css";</style>`))).toBe("@import https://example.com/s.css");
    expect(findSvgExternalReference(`<?xml-stylesheet type="text/css" href="s.css"?>${wrap("")}`)).not.toBeNull();
    expect(findSvgExternalReference(`<!DOCTYPE svg [<!ENTITY % p PUBLIC "-//x" "http://example.com/e.dtd">]>${wrap("")}`)).toBe("an external entity (-//x)");
    expect(findSvgExternalReference(wrap(`<a HREF="&#104;ttp://example.com">x</a>`))).toBe('HREF="&#104;ttp://example.com"');
  });

  it("recognises a UTF-16 SVG with a reference", async () => {
    const text = `<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>`;
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const error = await imageRejection(inspectImage(utf16));
    expect(error.code).toBe("svg_external_reference");
    expect(error.message).toMatch(/file:\/\/\/etc\/passwd/);
  });
});
