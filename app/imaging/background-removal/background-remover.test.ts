import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { ProviderError } from "../../providers/provider";
import { checkRemovalInput, inspectPng, rateLimitWaitMs, requireCutout, uploadFileName } from "./background-remover";
import { photoroomAccountUrl } from "./photoroom.server";
import { creditsCharged } from "./removebg.server";

const pixels = (channels: 1 | 2 | 3 | 4) => sharp({ create: { width: 7, height: 5, channels: channels === 1 || channels === 2 ? 3 : channels, background: { r: 200, g: 40, b: 40, alpha: 0.5 } } });

describe("PNG header inspection", () => {
  it("reads size and alpha from the header: RGBA, grey + alpha, and a palette with tRNS have it; RGB and grey do not", async () => {
    expect(inspectPng(await pixels(4).png().toBuffer())).toEqual({ width: 7, height: 5, colorType: 6, hasAlpha: true });
    expect(inspectPng(await pixels(3).png().toBuffer())).toEqual({ width: 7, height: 5, colorType: 2, hasAlpha: false });
    expect(inspectPng(await pixels(4).toColourspace("b-w").png().toBuffer())).toMatchObject({ colorType: 4, hasAlpha: true });
    expect(inspectPng(await pixels(3).toColourspace("b-w").png().toBuffer())).toMatchObject({ colorType: 0, hasAlpha: false });
    expect(inspectPng(await pixels(4).png({ palette: true }).toBuffer())).toMatchObject({ colorType: 3, hasAlpha: true });
    expect(inspectPng(await pixels(3).png({ palette: true }).toBuffer())).toMatchObject({ colorType: 3, hasAlpha: false });
  });

  it("refuses what is not a PNG start: JPEG, WebP, HTML, a truncated header, a zero width", async () => {
    expect(inspectPng(await pixels(3).jpeg().toBuffer())).toBeNull();
    expect(inspectPng(await pixels(4).webp().toBuffer())).toBeNull();
    expect(inspectPng(Buffer.from("<html>502 Bad Gateway</html>"))).toBeNull();
    const png = await pixels(4).png().toBuffer();
    expect(inspectPng(png.subarray(0, 30))).toBeNull();
    const zeroWidth = Buffer.from(png);
    zeroWidth.writeUInt32BE(0, 16);
    expect(inspectPng(zeroWidth)).toBeNull();
  });

  it("requireCutout turns a non-PNG or an opaque PNG into a retryable bad_response", async () => {
    expect(requireCutout("fal", "fal BiRefNet", await pixels(4).png().toBuffer())).toMatchObject({ hasAlpha: true });
    for (const bytes of [await pixels(3).png().toBuffer(), await pixels(3).jpeg().toBuffer()]) {
      const error = (() => {
        try {
          requireCutout("fal", "fal BiRefNet", bytes);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ code: "bad_response", retryable: true });
    }
  });
});

describe("removal helpers", () => {
  it("checks the input before anything is sent", () => {
    expect(() => checkRemovalInput("fal", "fal BiRefNet", { bytes: Buffer.alloc(0), contentType: "image/png" })).toThrow(/file is empty/);
    expect(() => checkRemovalInput("fal", "fal BiRefNet", { bytes: Buffer.from("x"), contentType: "application/pdf" })).toThrow(/takes images, not application\/pdf/);
    expect(() => checkRemovalInput("fal", "fal BiRefNet", { bytes: Buffer.from("x"), contentType: "image/jpeg" })).not.toThrow();
  });

  it("names uploads after their type", () => {
    expect([uploadFileName("image/jpeg"), uploadFileName("image/png"), uploadFileName("image/svg+xml"), uploadFileName("image/WEBP")]).toEqual(["image.jpg", "image.png", "image.svg", "image.webp"]);
  });

  it("waits as Retry-After says, else until X-RateLimit-Reset", () => {
    const now = Date.parse("2026-11-03T12:00:00Z");
    expect(rateLimitWaitMs(new Headers({ "retry-after": "3", "x-ratelimit-reset": String(now / 1000 + 60) }), now)).toBe(3_000);
    expect(rateLimitWaitMs(new Headers({ "x-ratelimit-reset": String(now / 1000 + 42) }), now)).toBe(42_000);
    expect(rateLimitWaitMs(new Headers({ "x-ratelimit-reset": String(now / 1000 - 5) }), now)).toBe(0);
    expect(rateLimitWaitMs(new Headers(), now)).toBeUndefined();
  });

  it("reads remove.bg's X-Credits-Charged, fractional credits included", () => {
    expect(creditsCharged(new Headers({ "x-credits-charged": "1" }))).toBe(1);
    expect(creditsCharged(new Headers({ "x-credits-charged": "0.25" }))).toBe(0.25);
    expect(creditsCharged(new Headers({ "x-credits-charged": "0" }))).toBe(0);
    expect(creditsCharged(new Headers({ "x-credits-charged": "lots" }))).toBeUndefined();
    expect(creditsCharged(new Headers({ "x-credits-charged": "-1" }))).toBeUndefined();
    expect(creditsCharged(new Headers())).toBeUndefined();
  });

  it("finds Photoroom's account endpoint on image-api.photoroom.com, or on a base URL's own origin", () => {
    expect(photoroomAccountUrl("https://sdk.photoroom.com/v1")).toBe("https://image-api.photoroom.com/v2/account");
    expect(photoroomAccountUrl("http://127.0.0.1:4010/v1")).toBe("http://127.0.0.1:4010/v2/account");
  });
});
