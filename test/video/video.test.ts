import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { runFfmpeg, withTempDir } from "~/video/ffmpeg.server";
import { topLevelBoxes } from "~/video/mp4-boxes";
import { normalizeVideo, VideoRejectedError } from "~/video/normalize-video.server";
import { renderZoomPanVideo } from "~/video/zoom-pan.server";
import { readFile } from "node:fs/promises";
import path from "node:path";

/** A still with distinct shapes so a zoom and pan changes the frames. */
async function still(width = 1080, height = 1620): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#e9e4dc"/><circle cx="${width / 2}" cy="${height / 3}" r="${width / 4}" fill="#1f3f7a"/><rect x="${width / 8}" y="${(height * 2) / 3}" width="${(width * 3) / 4}" height="${height / 10}" fill="#b5472e"/></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
}

async function expectRejected(promise: Promise<unknown>, property: string, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VideoRejectedError);
  expect((error as VideoRejectedError).property).toBe(property);
  expect((error as VideoRejectedError).message).toMatch(message);
}

/** A synthetic clip of `seconds` from ffmpeg's test source, made with the same binary. */
function testClip(seconds: number, size = "320x240", container: "mp4" | "webm" = "mp4"): Promise<Buffer> {
  return withTempDir("test-clip", async (dir) => {
    const file = path.join(dir, `clip.${container}`);
    const codec = container === "mp4" ? ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"] : ["-c:v", "libvpx", "-b:v", "100k", "-deadline", "realtime"];
    await runFfmpeg(["-f", "lavfi", "-i", `testsrc=size=${size}:rate=10`, "-t", String(seconds), ...codec, "-y", file]);
    return readFile(file);
  });
}

describe("renderZoomPanVideo + normalizeVideo (real ffmpeg)", () => {
  it("renders a 3 s 720p Ken Burns clip that normalises to a faststart H.264 MP4 with a poster", async () => {
    const clip = await renderZoomPanVideo(await still(), { durationSeconds: 3, width: 720, height: 1280, fps: 25, seed: 11 });
    const rendered = topLevelBoxes(clip).map((b) => b.type);
    expect(rendered[0]).toBe("ftyp");
    expect(rendered.indexOf("moov")).toBeLessThan(rendered.indexOf("mdat"));

    const video = await normalizeVideo(clip, { width: 720, height: 1280, maxDurationSeconds: 10 });
    expect(video.width).toBe(720);
    expect(video.height).toBe(1280);
    expect(video.durationSeconds).toBeCloseTo(3, 1);
    expect(video.bytes).toBe(video.mp4.byteLength);
    const boxes = topLevelBoxes(video.mp4).map((b) => b.type);
    expect(boxes.indexOf("moov")).toBeLessThan(boxes.indexOf("mdat"));
    const poster = await sharp(video.poster).metadata();
    expect(poster).toMatchObject({ format: "jpeg", width: 720, height: 1280 });
  });

  it("moves: first and last frames differ, and another seed makes another clip", async () => {
    const image = await still(600, 900);
    const options = { durationSeconds: 1, width: 320, height: 480, fps: 10 };
    const [a, b] = await Promise.all([renderZoomPanVideo(image, { ...options, seed: 1 }), renderZoomPanVideo(image, { ...options, seed: 2 })]);
    expect(a.equals(b)).toBe(false);
    const first = await normalizeVideo(a, { posterAtSeconds: 0, minDurationSeconds: 0.5 });
    const last = await normalizeVideo(a, { posterAtSeconds: 10, minDurationSeconds: 0.5 });
    const [p0, p1] = await Promise.all([first.poster, last.poster].map((p) => sharp(p).resize(32, 48).raw().toBuffer()));
    const diff = p0.reduce((sum, v, i) => sum + Math.abs(v - p1[i]), 0) / p0.length;
    expect(diff).toBeGreaterThan(2);
  });

  it("scales a large source down into the spec's box, keeping even dimensions and the aspect ratio", async () => {
    const video = await normalizeVideo(await testClip(1.2, "642x482"), { width: 320, height: 1080, minDurationSeconds: 1 });
    expect([video.width, video.height]).toEqual([320, 240]);
  });

  it("accepts WebM and re-encodes it to MP4", async () => {
    const video = await normalizeVideo(await testClip(1.5, "320x240", "webm"), { minDurationSeconds: 1 });
    expect(video.mp4.subarray(4, 8).toString("latin1")).toBe("ftyp");
    expect(video.durationSeconds).toBeCloseTo(1.5, 1);
  });

  it("rejects garbage, an image and a truncated MP4 as not a video", async () => {
    await expectRejected(normalizeVideo(Buffer.from("definitely not a video, just some text bytes")), "format", /not a video/);
    await expectRejected(normalizeVideo(await still(64, 64)), "format", /not a video/);
    const clip = await testClip(1.2);
    const fake = Buffer.concat([clip.subarray(0, 32), Buffer.alloc(4000, 0x5a)]);
    await expectRejected(normalizeVideo(fake), "format", /not a readable video/);
  });

  it("rejects a clip longer than the spec allows, naming the limit", async () => {
    await expectRejected(normalizeVideo(await testClip(4), { maxDurationSeconds: 2, durationSeconds: 2 }), "durationSeconds", /4\.00 s long, over the spec's maxDurationSeconds of 2 s/);
  });

  it("rejects a clip too short or too small for the spec, and an output over maxBytes", async () => {
    const clip = await testClip(1.2);
    await expectRejected(normalizeVideo(clip, { minDurationSeconds: 2 }), "durationSeconds", /under the spec's minDurationSeconds of 2 s/);
    await expectRejected(normalizeVideo(clip, { minWidth: 400 }), "width", /320 pixels wide, under the spec's minWidth of 400/);
    await expectRejected(normalizeVideo(clip, { minDurationSeconds: 1, maxBytes: 1000 }), "bytes", /over the limit of 1000 bytes/);
  });
});
