import { describe, expect, it } from "vitest";
import { fitWithin, parseVideoSpec, videoSpecSchema } from "./video-spec";

describe("videoSpecSchema", () => {
  it("fills defaults: a 3 s 720×1080 clip at 25 fps", () => {
    expect(parseVideoSpec()).toMatchObject({ durationSeconds: 3, width: 720, height: 1080, fps: 25, maxDurationSeconds: 60, maxBytes: 200_000_000 });
  });

  it("refuses odd dimensions, naming the field", () => {
    const result = videoSpecSchema.safeParse({ width: 721 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ["width"], message: expect.stringMatching(/even/) });
  });

  it("refuses limits beyond Shopify's: 10 minutes, 1 GB, 4K", () => {
    expect(videoSpecSchema.safeParse({ maxDurationSeconds: 601 }).success).toBe(false);
    expect(videoSpecSchema.safeParse({ maxBytes: 1_000_000_001 }).success).toBe(false);
    expect(videoSpecSchema.safeParse({ width: 4098 }).success).toBe(false);
    expect(videoSpecSchema.safeParse({ width: 3840, height: 3840 }).success).toBe(false);
    expect(videoSpecSchema.safeParse({ width: 3840, height: 2160, maxDurationSeconds: 600, maxBytes: 1_000_000_000 }).success).toBe(true);
  });

  it("refuses a minimum above its maximum", () => {
    expect(videoSpecSchema.safeParse({ minDurationSeconds: 20, maxDurationSeconds: 10, durationSeconds: 5 }).success).toBe(false);
    expect(videoSpecSchema.safeParse({ durationSeconds: 90 }).success).toBe(false);
  });
});

describe("fitWithin", () => {
  it("keeps a source that already fits (never upscales)", () => {
    expect(fitWithin({ width: 640, height: 360 }, { width: 720, height: 1080 })).toEqual({ width: 640, height: 360 });
  });

  it("scales down to the box, keeping the aspect ratio", () => {
    expect(fitWithin({ width: 1920, height: 1080 }, { width: 720, height: 1080 })).toEqual({ width: 720, height: 404 });
    expect(fitWithin({ width: 1080, height: 1620 }, { width: 720, height: 1080 })).toEqual({ width: 720, height: 1080 });
  });

  it("rounds odd sizes down to even", () => {
    expect(fitWithin({ width: 641, height: 361 }, { width: 720, height: 1080 })).toEqual({ width: 640, height: 360 });
  });
});
