import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFalProvider, FAL_KLING_MICROS_PER_5_SECONDS, FAL_TRYON_MICROS_PER_IMAGE } from "../../app/providers/fal.server";
import type { GenerationProvider, GenerationRequest, PollResult } from "../../app/providers/provider";
import { downloadProviderOutput } from "../../app/providers/provider-http";
import { startFalDouble, type FalDouble } from "../doubles/fal-double";
import { pollToEnd, providerContext, rejection, withDouble } from "./provider-test-support";

const ctx = providerContext(2_000);

const tryOn: GenerationRequest = {
  operation: "try-on",
  model: "fal-ai/fashn/tryon/v1.6",
  sourceImageUrl: "https://cdn.example.com/garments/dress.png",
  modelImageUrl: "https://cdn.example.com/models/ava-front.png",
  prompt: "",
  garmentCategory: "one-pieces",
  seed: 99,
};

const video: GenerationRequest = {
  operation: "image-to-video",
  model: "fal-ai/kling-video/v2.1/standard/image-to-video",
  sourceImageUrl: "https://cdn.example.com/stills/ava-dress.png",
  prompt: "the model turns slowly, studio light",
  negativePrompt: "blur, distortion",
  durationSeconds: 10,
  extra: { cfgScale: 0.6 },
};

let double: FalDouble;
let provider: GenerationProvider;

beforeEach(async () => {
  double = await startFalDouble({ pollsToComplete: 3 });
  provider = createFalProvider({ baseUrl: double.url, apiKey: double.apiKey }, ctx);
});

afterEach(async () => {
  await double.close();
});

function succeeded(result: PollResult) {
  if (result.state !== "succeeded") throw new Error(`expected success, got ${result.state}${result.state === "failed" ? `: ${result.error.message}` : ""}`);
  return result;
}

describe("fal adapter against the fal queue double", () => {
  it("submits a FASHN try-on once with Key auth, keeps the returned URLs and polls them to a decodable PNG", async () => {
    const job = await provider.submit(tryOn);
    expect(double.submissions).toBe(1);
    expect(double.calls[0]).toMatchObject({ method: "POST", path: "/fal-ai/fashn/tryon/v1.6", authorization: `Key ${double.apiKey}` });
    expect(double.calls[0].body).toMatchObject({ model_image: tryOn.modelImageUrl, garment_image: tryOn.sourceImageUrl, category: "one-pieces", seed: 99, num_samples: 1, output_format: "png" });
    // The returned URLs drop the model's sub-path; the handle keeps them as given, without the key.
    expect(job.handle.statusUrl).toBe(`${double.url}/fal-ai/fashn/requests/${job.providerJobId}/status`);
    expect(job.handle.responseUrl).toBe(`${double.url}/fal-ai/fashn/requests/${job.providerJobId}`);
    expect(job.handle.cancelUrl).toBe(`${double.url}/fal-ai/fashn/requests/${job.providerJobId}/cancel`);
    expect(JSON.stringify(job)).not.toContain(double.apiKey);

    const { result, polls } = await pollToEnd(provider, job);
    expect(polls).toBe(3);
    const done = succeeded(result);
    expect(done.usage).toEqual({ unit: "image", units: 1, costMicros: FAL_TRYON_MICROS_PER_IMAGE });
    expect(done.outputs).toEqual([{ kind: "url", url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/files\//), contentType: "image/png" }]);
    // Status answers were 202 while queued/running, then 200, then the result.
    expect(double.calls.slice(1).map((c) => [c.method, c.path.replace(job.providerJobId, "ID"), c.status])).toEqual([
      ["GET", "/fal-ai/fashn/requests/ID/status", 202],
      ["GET", "/fal-ai/fashn/requests/ID/status", 202],
      ["GET", "/fal-ai/fashn/requests/ID/status", 200],
      ["GET", "/fal-ai/fashn/requests/ID", 200],
    ]);

    const { bytes } = await downloadProviderOutput("fal", ctx, done.outputs[0]);
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", 864, 1296]);
    expect(double.submissions).toBe(1);
  });

  it("the double refuses URLs rebuilt with the model's sub-path, so only the returned URLs work", async () => {
    const job = await provider.submit(tryOn);
    const rebuilt = await fetch(`${double.url}/fal-ai/fashn/tryon/v1.6/requests/${job.providerJobId}/status`, { headers: { authorization: `Key ${double.apiKey}` } });
    expect(rebuilt.status).toBe(404);
    expect((await provider.poll(job)).state).toBe("pending");
  });

  it("runs Kling image-to-video with duration as the string fal expects and returns a real MP4 priced per 5 s", async () => {
    const job = await provider.submit(video);
    expect(double.calls[0].path).toBe("/fal-ai/kling-video/v2.1/standard/image-to-video");
    expect(double.calls[0].body).toEqual({ prompt: video.prompt, image_url: video.sourceImageUrl, duration: "10", negative_prompt: "blur, distortion", cfg_scale: 0.6 });
    expect(job.handle.statusUrl).toContain("/fal-ai/kling-video/requests/");

    const done = succeeded((await pollToEnd(provider, job)).result);
    expect(done.usage).toEqual({ unit: "second", units: 10, costMicros: 2 * FAL_KLING_MICROS_PER_5_SECONDS });
    expect(done.outputs[0]).toMatchObject({ kind: "url", contentType: "video/mp4" });
    const { bytes, contentType } = await downloadProviderOutput("fal", ctx, done.outputs[0]);
    expect(contentType).toBe("video/mp4");
    expect(bytes.subarray(4, 8).toString("latin1")).toBe("ftyp");
    expect(provider.estimate(video)).toEqual(done.usage);
  });

  it("refuses a video length Kling cannot render before calling fal", async () => {
    const error = await rejection(provider.submit({ ...video, durationSeconds: 7 }));
    expect(error).toMatchObject({ code: "invalid_input", retryable: false });
    expect(error.message).toContain("5 or 10");
    expect(double.submissions).toBe(0);
  });

  it("maps the model's 422 validation on the response URL to a failed job with the field's message", async () => {
    const { result } = await pollToEnd(provider, await provider.submit({ ...video, prompt: "" }));
    if (result.state !== "failed") throw new Error(`expected failure, got ${result.state}`);
    expect(result.error).toMatchObject({ code: "invalid_input", retryable: false, options: { status: 422 } });
    expect(result.error.message).toContain("prompt");
  });

  it("maps a 422 at submit to invalid_input with fal's msg", async () => {
    double.scenario.failNext("submit", { kind: "validation", loc: ["body", "image_url"], msg: "Unsupported image format" });
    const error = await rejection(provider.submit(video));
    expect(error).toMatchObject({ code: "invalid_input", retryable: false, options: { status: 422 } });
    expect(error.message).toContain("image_url: Unsupported image format");
  });

  it("maps a content policy refusal to moderation (not retryable)", async () => {
    double.scenario.failJobs({ kind: "moderation" });
    const { result } = await pollToEnd(provider, await provider.submit(tryOn));
    if (result.state !== "failed") throw new Error("expected failure");
    expect(result.error).toMatchObject({ code: "moderation", retryable: false, options: { providerCode: "content_policy_violation" } });
  });

  it("maps a runner failure reported on COMPLETED to a failed, retryable server_error", async () => {
    double.scenario.failJobs({ kind: "runner-error", errorType: "runner_disconnected" });
    const { result } = await pollToEnd(provider, await provider.submit(tryOn));
    if (result.state !== "failed") throw new Error("expected failure");
    expect(result.error).toMatchObject({ code: "server_error", retryable: true, options: { status: 503, providerCode: "runner_disconnected" } });
  });

  it("maps 429 on submit to rate_limited with Retry-After, submitting once", async () => {
    double.scenario.failNext("submit", { kind: "rate-limited", retryAfterSeconds: 3 });
    expect(await rejection(provider.submit(tryOn))).toMatchObject({ code: "rate_limited", retryable: true, options: { status: 429, retryAfterMs: 3_000 } });
    expect(double.submissions).toBe(1);
  });

  it("a 429 or timeout while fetching a completed result is thrown, not a failed job, and the next poll gets the result", async () => {
    const quick = createFalProvider({ baseUrl: double.url, apiKey: double.apiKey }, { ...ctx, timeoutMs: 200 });
    const job = await quick.submit(tryOn);
    await quick.poll(job);
    await quick.poll(job);
    double.scenario.failNext("result", { kind: "rate-limited", retryAfterSeconds: 1 });
    expect(await rejection(quick.poll(job))).toMatchObject({ code: "rate_limited", options: { retryAfterMs: 1_000 } });
    double.scenario.failNext("result", { kind: "slow", delayMs: 1_000 });
    expect(await rejection(quick.poll(job))).toMatchObject({ code: "timeout", retryable: true });
    expect((await quick.poll(job)).state).toBe("succeeded");
    expect(double.submissions).toBe(1);
  });

  it("maps 500 on status to server_error and a slow status to timeout, both retryable", async () => {
    const quick = createFalProvider({ baseUrl: double.url, apiKey: double.apiKey }, { ...ctx, timeoutMs: 200 });
    const job = await quick.submit(tryOn);
    double.scenario.failNext("status", { kind: "server-error" });
    expect(await rejection(quick.poll(job))).toMatchObject({ code: "server_error", retryable: true, options: { status: 500 } });
    double.scenario.failNext("status", { kind: "slow", delayMs: 1_000 });
    const started = Date.now();
    expect(await rejection(quick.poll(job))).toMatchObject({ code: "timeout", retryable: true });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it("times out a slow submit without a second submission", async () => {
    const quick = createFalProvider({ baseUrl: double.url, apiKey: double.apiKey }, { ...ctx, timeoutMs: 200 });
    double.scenario.failNext("submit", { kind: "slow", delayMs: 1_000 });
    expect(await rejection(quick.submit(tryOn))).toMatchObject({ code: "timeout" });
    expect(double.submissions).toBe(1);
  });

  it("maps a wrong key to auth without echoing it", async () => {
    const wrong = createFalProvider({ baseUrl: double.url, apiKey: "fal-wrong:secret" }, ctx);
    const error = await rejection(wrong.submit(tryOn));
    expect(error).toMatchObject({ code: "auth", retryable: false, options: { status: 401 } });
    expect(error.message).not.toContain("fal-wrong:secret");
  });

  it("turns answers that break the contract into bad_response", async () => {
    double.scenario.failNext("submit", { kind: "malformed" });
    expect(await rejection(provider.submit(tryOn))).toMatchObject({ code: "bad_response", retryable: true });
    const job = await provider.submit(tryOn);
    double.scenario.failNext("status", { kind: "malformed" });
    expect(await rejection(provider.poll(job))).toMatchObject({ code: "bad_response" });
    // Two good polls (IN_QUEUE, IN_PROGRESS); the third completes and fetches the result.
    await provider.poll(job);
    await provider.poll(job);
    double.scenario.failNext("result", { kind: "malformed" });
    const error = await rejection(provider.poll(job));
    expect(error.code).toBe("bad_response");
    expect(error.message).toContain("images");
  });

  it("never sends the key to a queue URL on another host", async () => {
    const job = await provider.submit(tryOn);
    const before = double.calls.length;
    const forged = { ...job, handle: { ...job.handle, statusUrl: "http://127.0.0.2:9/fal-ai/fashn/requests/x/status" } };
    expect(await rejection(provider.poll(forged))).toMatchObject({ code: "bad_response" });
    expect(double.calls.length).toBe(before);
  });

  it("maps expired result URLs (404, or 410 when configured) to expired_result", async () => {
    const done = succeeded((await pollToEnd(provider, await provider.submit(tryOn))).result);
    double.scenario.expireResults();
    expect(await rejection(downloadProviderOutput("fal", ctx, done.outputs[0]))).toMatchObject({ code: "expired_result", retryable: true, options: { status: 404 } });

    await withDouble(startFalDouble({ pollsToComplete: 1, resultTtlMs: 50, expiredStatus: 410 }), async (shortLived) => {
      const p = createFalProvider({ baseUrl: shortLived.url, apiKey: shortLived.apiKey }, ctx);
      const quickDone = succeeded(await p.poll(await p.submit(video)));
      await downloadProviderOutput("fal", ctx, quickDone.outputs[0]);
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(await rejection(downloadProviderOutput("fal", ctx, quickDone.outputs[0]))).toMatchObject({ code: "expired_result", options: { status: 410 } });
    });
  });

  it("cancels with PUT on the returned cancel URL, and cancelling a finished request is not an error", async () => {
    const job = await provider.submit(tryOn);
    await provider.cancel(job);
    expect(double.calls.at(-1)).toMatchObject({ method: "PUT", path: `/fal-ai/fashn/requests/${job.providerJobId}/cancel`, status: 202 });
    await provider.cancel(job);
    expect(double.calls.at(-1)?.status).toBe(400);

    double.scenario.failNext("cancel", { kind: "server-error" });
    expect(await rejection(provider.cancel(job))).toMatchObject({ code: "server_error" });
  });

  it("testConnection: ok with the right key, a clear message with a wrong one, the error when fal is down", async () => {
    expect(await provider.testConnection()).toEqual({ ok: true });
    expect(double.calls[0]).toMatchObject({ method: "GET", status: 404 });
    expect(double.submissions).toBe(0);
    expect(await createFalProvider({ baseUrl: double.url, apiKey: "nope" }, ctx).testConnection()).toEqual({ ok: false, message: expect.stringContaining("API key") });
    double.scenario.failNext("status", { kind: "server-error" });
    expect((await provider.testConnection()).ok).toBe(false);
  });

  it("estimates try-on per image and refuses operations and models it does not run", async () => {
    expect(provider.estimate(tryOn)).toEqual({ unit: "image", units: 1, costMicros: 75_000 });
    expect(provider.estimate({ ...video, durationSeconds: 5 })).toEqual({ unit: "second", units: 5, costMicros: 280_000 });
    expect(await rejection(provider.submit({ ...tryOn, operation: "product-to-model" }))).toMatchObject({ code: "invalid_input" });
    expect(await rejection(provider.submit({ ...tryOn, model: "fal-ai/fashn/tryon/v1.5" }))).toMatchObject({ code: "invalid_input" });
    expect(double.submissions).toBe(0);
  });
});
