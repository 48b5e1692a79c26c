import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { renderFlatLay } from "../../emulator/render-flat-lay";
import type { FlatLayTruth } from "../../emulator/seed-catalog";
import { DEMO_BACKGROUNDS } from "~/providers/demo-compose";
import { createDemoProvider, type DemoProviderOptions } from "~/providers/demo-provider.server";
import { ProviderError, type GenerationProvider, type GenerationRequest, type PollResult, type SubmittedJob } from "~/providers/provider";
import { normalizeVideo } from "~/video/normalize-video.server";

const TEE: FlatLayTruth = { silhouette: "tee", primary: { name: "Navy", hex: "#1f3a6b" }, pattern: "stripes", secondary: { name: "White", hex: "#f5f5f5" }, background: "#ece8e1" };
const SOLID_TEE: FlatLayTruth = { ...TEE, pattern: "solid" };
const JEANS: FlatLayTruth = { silhouette: "jeans", primary: { name: "Indigo", hex: "#2d3f73" }, pattern: "solid", secondary: { name: "Indigo", hex: "#2d3f73" }, background: "#ece8e1" };

async function fixtures(): Promise<Map<string, Buffer>> {
  const model = await sharp({ create: { width: 600, height: 900, channels: 3, background: "#8a6f5a" } }).jpeg().toBuffer();
  return new Map([
    ["https://cdn.test/tee.png", await renderFlatLay(TEE)],
    ["https://cdn.test/solid-tee.png", await renderFlatLay(SOLID_TEE)],
    ["https://cdn.test/jeans.png", await renderFlatLay(JEANS)],
    ["https://cdn.test/model.jpg", model],
    ["https://cdn.test/not-an-image.png", Buffer.from("<html>404</html>")],
  ]);
}

function provider(files: Map<string, Buffer>, options: Partial<DemoProviderOptions> = {}): GenerationProvider {
  return createDemoProvider({
    fetchImage: async (url) => {
      const bytes = files.get(url);
      if (!bytes) throw new Error(`404 for ${url}`);
      return bytes;
    },
    ...options,
  });
}

const request = (overrides: Partial<GenerationRequest> = {}): GenerationRequest => ({
  operation: "product-to-model",
  model: "demo-compose",
  sourceImageUrl: "https://cdn.test/tee.png",
  prompt: "studio shot",
  seed: 1,
  view: "front",
  background: "warm-grey",
  ...overrides,
});

async function untilDone(p: GenerationProvider, job: SubmittedJob): Promise<Exclude<PollResult, { state: "pending" }>> {
  for (let i = 0; i < 400; i += 1) {
    const result = await p.poll(job);
    if (result.state !== "pending") return result;
    await new Promise((resolve) => setTimeout(resolve, Math.min(result.retryAfterMs ?? 20, 50)));
  }
  throw new Error("demo job never finished");
}

async function generate(p: GenerationProvider, r: GenerationRequest): Promise<Buffer> {
  const result = await untilDone(p, await p.submit(r));
  if (result.state !== "succeeded") throw result.error;
  const [output] = result.outputs;
  if (output?.kind !== "bytes") throw new Error("expected bytes");
  return output.bytes;
}

function hexToRgb(hex: string): number[] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

describe("demo provider (local composition, not AI)", () => {
  it("says plainly that it is a demo and not AI", () => {
    const p = createDemoProvider({ fetchImage: async () => Buffer.alloc(0) });
    expect(p).toMatchObject({ id: "demo", isDemo: true, label: "Demo provider (local composition, not AI)", operations: ["product-to-model", "try-on", "image-to-video"] });
    expect(p.estimate(request())).toEqual({ unit: "image", units: 1, costMicros: 0 });
  });

  it("composes an 864×1296 PNG with the background in every corner and the garment on the figure", async () => {
    const files = await fixtures();
    const p = provider(files);
    const job = await p.submit(request({ sourceImageUrl: "https://cdn.test/solid-tee.png" }));
    const result = await untilDone(p, job);
    expect(result).toMatchObject({ state: "succeeded", usage: { unit: "image", units: 1, costMicros: 0 } });
    const bytes = result.state === "succeeded" && result.outputs[0].kind === "bytes" ? result.outputs[0].bytes : Buffer.alloc(0);
    expect(await sharp(bytes).metadata()).toMatchObject({ format: "png", width: 864, height: 1296 });

    const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => Array.from(data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3));
    const background = hexToRgb(DEMO_BACKGROUNDS["warm-grey"]);
    for (const [x, y] of [[2, 2], [861, 2], [2, 1293], [861, 1293]]) expect(pixel(x, y)).toEqual(background);
    // The chest is the garment's own colour, exactly.
    expect(pixel(432, 560)).toEqual(hexToRgb(SOLID_TEE.primary.hex));
    // Inside the flat-lay's frame but beside the garment, below the hand: its beige backdrop was keyed out.
    expect(pixel(175, 810)).toEqual(background);
  });

  it("is deterministic: same request, same bytes; another seed or pose, other bytes", async () => {
    const files = await fixtures();
    const p = provider(files);
    const [a, b, seed2, back, side, detail] = await Promise.all([
      generate(p, request()),
      generate(provider(files), request()),
      generate(p, request({ seed: 2 })),
      generate(p, request({ view: "back" })),
      generate(p, request({ view: undefined, pose: "side-profile" })),
      generate(p, request({ view: "detail" })),
    ]);
    expect(a.equals(b)).toBe(true);
    const all = [a, seed2, back, side, detail].map((x) => x.toString("base64"));
    expect(new Set(all).size).toBe(5);
  });

  it("honours JPEG output, extra sizes, a colour background, bottoms and a model reference photo", async () => {
    const files = await fixtures();
    const p = provider(files);
    const jpeg = await generate(p, request({ outputFormat: "jpeg", extra: { width: 400, height: 600 }, background: "#f4f1ec" }));
    expect(await sharp(jpeg).metadata()).toMatchObject({ format: "jpeg", width: 400, height: 600 });
    const corner = await sharp(jpeg).extract({ left: 0, top: 0, width: 4, height: 4 }).raw().toBuffer();
    corner.forEach((v, i) => expect(Math.abs(v - hexToRgb("#f4f1ec")[i % 3])).toBeLessThan(3));

    const jeans = await generate(p, request({ sourceImageUrl: "https://cdn.test/jeans.png", garmentCategory: "bottoms" }));
    const { data, info } = await sharp(jeans).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => Array.from(data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3));
    expect(at(372, 1049)).toEqual(hexToRgb(JEANS.primary.hex)); // the left leg, not the torso
    expect(at(432, 450)).not.toEqual(hexToRgb(JEANS.primary.hex));

    const onModel = await generate(p, request({ modelImageUrl: "https://cdn.test/model.jpg" }));
    const modelCorner = await sharp(onModel).extract({ left: 0, top: 0, width: 1, height: 1 }).raw().toBuffer();
    expect(Math.abs(modelCorner[0] - 0x8a)).toBeLessThan(4); // the model photo is the backdrop
  });

  it("waits latencyMs before succeeding and reports progress meanwhile", async () => {
    const files = await fixtures();
    let clock = 1_000;
    const p = provider(files, { latencyMs: 5_000, now: () => clock });
    const job = await p.submit(request());
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // the render itself is done by now
    clock += 2_500;
    expect(await p.poll(job)).toMatchObject({ state: "pending", progress: 0.5 });
    clock += 2_500;
    expect((await p.poll(job)).state).toBe("succeeded");
  });

  it("fails every Nth job with a retryable error, and the retry succeeds", async () => {
    const files = await fixtures();
    const p = provider(files, { failEvery: 2 });
    const first = await untilDone(p, await p.submit(request()));
    const second = await untilDone(p, await p.submit(request()));
    const third = await untilDone(p, await p.submit(request()));
    expect(first.state).toBe("succeeded");
    expect(second.state).toBe("failed");
    if (second.state === "failed") {
      expect(second.error).toBeInstanceOf(ProviderError);
      expect(second.error).toMatchObject({ provider: "demo", code: "server_error", retryable: true });
      expect(second.error.message).toMatch(/Demo provider: simulated failure/);
    }
    expect(third.state).toBe("succeeded");
  });

  it("renders again from the stored handle after a restart, with the same bytes", async () => {
    const files = await fixtures();
    const before = provider(files);
    const job = await before.submit(request({ seed: 9 }));
    const original = await untilDone(before, job);
    const restarted = provider(files);
    const again = await untilDone(restarted, job);
    expect(again).toEqual(original);
    expect(await restarted.poll({ providerJobId: "demo-unknown", handle: {} })).toMatchObject({ state: "failed", error: { code: "not_found" } });
  });

  it("refuses bad requests at submit and bad images at poll, without retrying", async () => {
    const files = await fixtures();
    const p = provider(files);
    await expect(p.submit(request({ extra: { width: 5 } }))).rejects.toMatchObject({ code: "invalid_input", message: expect.stringMatching(/extra\.width/) });
    await expect(p.submit(request({ operation: "image-to-video", durationSeconds: 60 }))).rejects.toMatchObject({ code: "invalid_input" });
    const notImage = await untilDone(p, await p.submit(request({ sourceImageUrl: "https://cdn.test/not-an-image.png" })));
    expect(notImage).toMatchObject({ state: "failed", error: { code: "invalid_input", retryable: false } });
    const missing = await untilDone(p, await p.submit(request({ sourceImageUrl: "https://cdn.test/missing.png" })));
    expect(missing).toMatchObject({ state: "failed", error: { code: "server_error", message: expect.stringMatching(/could not fetch the garment image/) } });
  });

  it("cancels a job", async () => {
    const files = await fixtures();
    const p = provider(files, { latencyMs: 60_000 });
    const job = await p.submit(request());
    await p.cancel(job);
    expect(await p.poll(job)).toMatchObject({ state: "failed", error: { code: "canceled" } });
  });

  it("image-to-video returns a zoom-and-pan MP4 that normalizeVideo accepts", async () => {
    const files = await fixtures();
    const p = provider(files);
    const still = await generate(p, request());
    files.set("https://cdn.test/still.png", still);
    const videoRequest = request({ operation: "image-to-video", sourceImageUrl: "https://cdn.test/still.png", durationSeconds: 2, aspectRatio: "2:3", seed: 4 });
    const result = await untilDone(p, await p.submit(videoRequest));
    expect(result).toMatchObject({ state: "succeeded", usage: { unit: "second", units: 2, costMicros: 0 }, outputs: [{ kind: "bytes", contentType: "video/mp4" }] });
    const mp4 = result.state === "succeeded" && result.outputs[0].kind === "bytes" ? result.outputs[0].bytes : Buffer.alloc(0);
    const video = await normalizeVideo(mp4, { width: 720, height: 1080 });
    expect(video).toMatchObject({ width: 720, height: 1080 });
    expect(video.durationSeconds).toBeCloseTo(2, 1);
    expect((await generate(p, videoRequest)).equals(mp4)).toBe(true);
  });
});
