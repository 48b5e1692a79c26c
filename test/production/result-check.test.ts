import sharp, { type Sharp } from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { checkGeneratedResult, ResultCheckError, type ResultExpectation } from "~/production/result-check.server";

const IMAGE: ResultExpectation = { kind: "image", maxBytes: 10_000_000 };
const VIDEO: ResultExpectation = { kind: "video", maxBytes: 10_000_000 };

// A noisy picture, so PNG/JPEG bodies are long enough that truncation cuts real pixel data.
function noise(width: number, height: number): Sharp {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7919 + (i >> 5)) % 251;
  return sharp(raw, { raw: { width, height, channels: 3 } });
}

/** The smallest ISO-BMFF start: an ftyp box (major brand isom) and an empty mdat. */
const TINY_MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from("ftypisom", "latin1"), Buffer.from([0, 0, 2, 0]), Buffer.from("isommp41", "latin1"), Buffer.from([0, 0, 0, 8]), Buffer.from("mdat", "latin1")]);

let png: Buffer;
let jpeg: Buffer;
let webp: Buffer;

beforeAll(async () => {
  [png, jpeg, webp] = await Promise.all([noise(64, 48).png().toBuffer(), noise(64, 48).jpeg().toBuffer(), noise(64, 48).webp().toBuffer()]);
});

async function failure(promise: Promise<unknown>): Promise<ResultCheckError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ResultCheckError);
  return error as ResultCheckError;
}

describe("checkGeneratedResult: good results", () => {
  it.each([
    ["PNG", () => png, "image/png", "png"],
    ["JPEG", () => jpeg, "image/jpeg", "jpg"],
    ["WebP", () => webp, "image/webp", "webp"],
  ])("accepts a real %s with its dimensions", async (_name, bytes, contentType, extension) => {
    const input = bytes();
    expect(await checkGeneratedResult(input, contentType, IMAGE)).toEqual({ contentType, extension, width: 64, height: 48, bytes: input.length });
  });

  it("accepts header aliases, parameters and silence, and reports the type the bytes have", async () => {
    expect((await checkGeneratedResult(jpeg, "image/jpg", IMAGE)).contentType).toBe("image/jpeg");
    expect((await checkGeneratedResult(png, "IMAGE/PNG; charset=binary", IMAGE)).contentType).toBe("image/png");
    expect((await checkGeneratedResult(webp, null, IMAGE)).contentType).toBe("image/webp");
    expect((await checkGeneratedResult(png, "application/octet-stream", IMAGE)).contentType).toBe("image/png");
  });

  it("reports display dimensions for an EXIF-rotated JPEG", async () => {
    const rotated = await noise(64, 48).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect(await checkGeneratedResult(rotated, "image/jpeg", IMAGE)).toMatchObject({ width: 48, height: 64 });
  });

  it("accepts a tiny MP4 (ftyp) as video without decoding it", async () => {
    expect(await checkGeneratedResult(TINY_MP4, "video/mp4", VIDEO)).toEqual({ contentType: "video/mp4", extension: "mp4", width: null, height: null, bytes: TINY_MP4.length });
    expect((await checkGeneratedResult(TINY_MP4, "video/quicktime", VIDEO)).contentType).toBe("video/mp4");
  });
});

describe("checkGeneratedResult: refusals", () => {
  it("refuses bytes that contradict the content-type header", async () => {
    const error = await failure(checkGeneratedResult(jpeg, "image/png", IMAGE));
    expect(error.code).toBe("content_type_mismatch");
    expect(error.message).toBe("content-type says image/png but the bytes are a JPEG");
    expect((await failure(checkGeneratedResult(png, "video/mp4", VIDEO))).message).toBe("content-type says video/mp4 but the bytes are a PNG");
  });

  it("refuses an HTML error page served as image/png", async () => {
    const page = Buffer.from("<!DOCTYPE html>\n<html><head><title>403 Forbidden</title></head><body>Request has expired</body></html>");
    const error = await failure(checkGeneratedResult(page, "image/png", IMAGE));
    expect(error.code).toBe("content_type_mismatch");
    expect(error.message).toBe("content-type says image/png but the bytes are an HTML page");
    expect((await failure(checkGeneratedResult(page, null, IMAGE))).message).toBe("expected an image (PNG, JPEG or WebP) but the bytes are an HTML page");
  });

  it("refuses a truncated PNG whose header still reads", async () => {
    const truncated = png.subarray(0, Math.floor(png.length / 2));
    // The header alone is fine, which is why the check must decode the whole image.
    expect((await sharp(truncated).metadata()).width).toBe(64);
    const error = await failure(checkGeneratedResult(truncated, "image/png", IMAGE));
    expect(error.code).toBe("undecodable");
    expect(error.message).toMatch(/^the PNG is damaged or truncated: /);
  });

  it("refuses an image above Shopify's 20 megapixels from the header, before decoding", async () => {
    const huge = await sharp({ create: { width: 4500, height: 4500, channels: 3, background: "#808080" } })
      .png()
      .toBuffer();
    const error = await failure(checkGeneratedResult(huge, "image/png", IMAGE));
    expect(error.code).toBe("too_many_pixels");
    expect(error.message).toBe("the image is 4500×4500 (20.3 MP), more than the 20.0 MP limit");
    expect((await failure(checkGeneratedResult(png, "image/png", { ...IMAGE, maxPixels: 3000 }))).message).toBe("the image is 64×48 (3072 pixels), more than the 3000-pixel limit");
  });

  it("refuses a result over maxBytes, naming size and limit", async () => {
    const error = await failure(checkGeneratedResult(png, "image/png", { ...IMAGE, maxBytes: 100 }));
    expect(error.code).toBe("too_large");
    expect(error.message).toBe(`the result is ${png.length} bytes, more than the 100-byte limit`);
  });

  it("refuses an image below the minimum dimensions", async () => {
    const error = await failure(checkGeneratedResult(png, "image/png", { ...IMAGE, minWidth: 512, minHeight: 512 }));
    expect(error.code).toBe("too_small");
    expect(error.message).toBe("the image is 64×48, smaller than the required 512×512");
    expect((await failure(checkGeneratedResult(png, "image/png", { ...IMAGE, minHeight: 49 }))).code).toBe("too_small");
  });

  it("refuses the wrong kind of media", async () => {
    expect((await failure(checkGeneratedResult(TINY_MP4, null, IMAGE))).message).toBe("expected an image (PNG, JPEG or WebP) but the bytes are an MP4");
    expect((await failure(checkGeneratedResult(png, null, VIDEO))).message).toBe("expected a video (MP4) but the bytes are a PNG");
    const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: "#fff" } })
      .gif()
      .toBuffer();
    expect((await failure(checkGeneratedResult(gif, "image/gif", IMAGE))).code).toBe("wrong_kind");
  });

  it("refuses empty and unrecognisable bytes", async () => {
    expect((await failure(checkGeneratedResult(Buffer.alloc(0), "image/png", IMAGE))).code).toBe("empty");
    const error = await failure(checkGeneratedResult(Buffer.from("just some text"), null, IMAGE));
    expect(error.code).toBe("unrecognised");
    expect((await failure(checkGeneratedResult(Buffer.from("just some text"), "image/webp", IMAGE))).message).toBe(
      "content-type says image/webp but the bytes are not a format we recognise",
    );
  });

  it("refuses a PNG signature followed by garbage", async () => {
    const fake = Buffer.concat([png.subarray(0, 8), Buffer.from("not really a png at all, just bytes")]);
    const error = await failure(checkGeneratedResult(fake, "image/png", IMAGE));
    expect(error.code).toBe("undecodable");
    expect(error.message).toMatch(/^the PNG header could not be read: /);
  });
});
