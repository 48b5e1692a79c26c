import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFashnProvider, FASHN_MICROS_PER_CREDIT } from "../../app/providers/fashn.server";
import type { GenerationProvider, GenerationRequest } from "../../app/providers/provider";
import { downloadProviderOutput } from "../../app/providers/provider-http";
import { startFashnDouble, type FashnDouble, type FashnRunErrorName } from "../doubles/fashn-double";
import { pollToEnd, providerContext, rejection, withDouble } from "./provider-test-support";

const ctx = providerContext(2_000);

const tryOn: GenerationRequest = {
  operation: "try-on",
  model: "tryon-v1.6",
  sourceImageUrl: "https://cdn.example.com/garments/coat-flat-lay.png",
  modelImageUrl: "https://cdn.example.com/models/ava-front.png",
  prompt: "",
  seed: 1234,
  garmentCategory: "tops",
  outputFormat: "png",
  extra: { mode: "quality", garmentPhotoType: "flat-lay" },
};

let double: FashnDouble;
let provider: GenerationProvider;

beforeEach(async () => {
  double = await startFashnDouble({ pollsToComplete: 3 });
  provider = createFashnProvider({ baseUrl: double.url, apiKey: double.apiKey }, ctx);
});

afterEach(async () => {
  await double.close();
});

describe("FASHN adapter against the FASHN double", () => {
  it("submits a try-on once, polls it to completion and returns a decodable 864×1296 PNG with its credit cost", async () => {
    const job = await provider.submit(tryOn);
    expect(double.submissions).toBe(1);
    const [run] = double.calls;
    expect(run).toMatchObject({ method: "POST", path: "/v1/run", authorization: `Bearer ${double.apiKey}`, status: 200 });
    expect(run.body).toEqual({
      model_name: "tryon-v1.6",
      inputs: { model_image: tryOn.modelImageUrl, garment_image: tryOn.sourceImageUrl, category: "tops", mode: "quality", garment_photo_type: "flat-lay", seed: 1234, num_samples: 1, output_format: "png" },
    });
    expect(JSON.stringify(job)).not.toContain(double.apiKey);

    const { result, polls } = await pollToEnd(provider, job);
    expect(polls).toBe(3);
    if (result.state !== "succeeded") throw new Error(`expected success, got ${result.state}`);
    expect(result.usage).toEqual({ unit: "credit", units: 1, costMicros: FASHN_MICROS_PER_CREDIT });
    expect(result.outputs).toHaveLength(1);
    expect(result.outputs[0]).toMatchObject({ kind: "url", contentType: "image/png" });

    const { bytes, contentType } = await downloadProviderOutput("fashn", ctx, result.outputs[0]);
    expect(contentType).toBe("image/png");
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", 864, 1296]);
    // Polling never resubmits.
    expect(double.submissions).toBe(1);
  });

  it("sends product-to-model with the product and optional model image, and the webhook URL as a query parameter", async () => {
    const job = await provider.submit({ operation: "product-to-model", model: "product-to-model", sourceImageUrl: "https://cdn.example.com/p.png", prompt: "studio, white background", webhookUrl: "https://app.example.com/webhooks/fashn?job=9" });
    expect(double.calls[0].query).toEqual({ webhook_url: "https://app.example.com/webhooks/fashn?job=9" });
    expect(double.calls[0].body).toEqual({ model_name: "product-to-model", inputs: { product_image: "https://cdn.example.com/p.png", prompt: "studio, white background" } });
    const { result } = await pollToEnd(provider, job);
    expect(result.state).toBe("succeeded");
  });

  it("reports JPEG outputs as image/jpeg and the double serves JPEG bytes", async () => {
    const { result } = await pollToEnd(provider, await provider.submit({ ...tryOn, outputFormat: "jpeg" }));
    if (result.state !== "succeeded") throw new Error("expected success");
    const { bytes } = await downloadProviderOutput("fashn", ctx, result.outputs[0]);
    expect(result.outputs[0]).toMatchObject({ contentType: "image/jpeg" });
    expect((await sharp(bytes).metadata()).format).toBe("jpeg");
  });

  const runFailures: Array<[FashnRunErrorName, string, boolean]> = [
    ["ContentModerationError", "moderation", false],
    ["ImageLoadError", "invalid_input", false],
    ["PoseError", "invalid_input", false],
    ["PipelineError", "server_error", true],
    ["ThirdPartyError", "server_error", true],
  ];
  it.each(runFailures)("maps a failed run (HTTP 200, %s) to %s, retryable=%s", async (name, code, retryable) => {
    double.scenario.failJobs(name);
    const { result } = await pollToEnd(provider, await provider.submit(tryOn));
    if (result.state !== "failed") throw new Error(`expected failure, got ${result.state}`);
    expect(double.calls.at(-1)?.status).toBe(200);
    expect(result.error).toMatchObject({ provider: "fashn", code, retryable, options: { providerCode: name } });
    expect(result.error.message).toContain(name);
  });

  it("a garment image FASHN cannot load fails the run with ImageLoadError (invalid_input)", async () => {
    const { result } = await pollToEnd(provider, await provider.submit({ ...tryOn, sourceImageUrl: "garment.png" }));
    if (result.state !== "failed") throw new Error("expected failure");
    expect(result.error).toMatchObject({ code: "invalid_input", retryable: false, options: { providerCode: "ImageLoadError" } });
  });

  it.each([
    ["RateLimitExceeded", "rate_limited", true],
    ["ConcurrencyLimitExceeded", "rate_limited", true],
    ["OutOfCredits", "out_of_credits", false],
  ] as const)("maps a 429 %s on submit to %s (retryable=%s), honours Retry-After and submits once", async (name, code, retryable) => {
    double.scenario.failNext("run", { kind: "quota", error: name, retryAfterSeconds: 7 });
    const error = await rejection(provider.submit(tryOn));
    expect(error).toMatchObject({ code, retryable, options: { status: 429, retryAfterMs: 7_000, providerCode: name } });
    expect(double.submissions).toBe(1);
  });

  it("a 429 while polling is thrown (the job is still there) and the next poll carries on", async () => {
    const job = await provider.submit(tryOn);
    double.scenario.failNext("status", { kind: "quota", error: "RateLimitExceeded" });
    const error = await rejection(provider.poll(job));
    expect(error).toMatchObject({ code: "rate_limited", retryable: true });
    expect(error.options.retryAfterMs).toBeUndefined();
    expect((await pollToEnd(provider, job)).result.state).toBe("succeeded");
  });

  it("maps 500 on submit and on status to server_error (retryable)", async () => {
    double.scenario.failNext("run", { kind: "server-error" });
    expect(await rejection(provider.submit(tryOn))).toMatchObject({ code: "server_error", retryable: true, options: { status: 500 } });
    const job = await provider.submit(tryOn);
    double.scenario.failNext("status", { kind: "server-error" });
    expect(await rejection(provider.poll(job))).toMatchObject({ code: "server_error", retryable: true });
  });

  it("rejects inputs FASHN refuses (400 BadRequest) as invalid_input, not retryable", async () => {
    const error = await rejection(provider.submit({ ...tryOn, seed: -1 }));
    expect(error).toMatchObject({ code: "invalid_input", retryable: false, options: { status: 400, providerCode: "BadRequest" } });
    expect(error.message).toContain("seed");
  });

  it("maps a wrong key to auth (not retryable) without echoing the key", async () => {
    const wrong = createFashnProvider({ baseUrl: double.url, apiKey: "fa-wrong-key-123" }, ctx);
    const error = await rejection(wrong.submit(tryOn));
    expect(error).toMatchObject({ code: "auth", retryable: false, options: { status: 401 } });
    expect(error.message).not.toContain("fa-wrong-key-123");
    expect(double.calls[0].status).toBe(401);
  });

  it("times out a slow submit as timeout (retryable) and never sends a second submission", async () => {
    const quick = createFashnProvider({ baseUrl: double.url, apiKey: double.apiKey }, { ...ctx, timeoutMs: 200 });
    double.scenario.failNext("run", { kind: "slow", delayMs: 1_500 });
    const started = Date.now();
    const error = await rejection(quick.submit(tryOn));
    expect(error).toMatchObject({ code: "timeout", retryable: true });
    expect(Date.now() - started).toBeLessThan(1_400);
    expect(double.submissions).toBe(1);
  });

  it("turns answers that break the contract into bad_response", async () => {
    double.scenario.failNext("run", { kind: "malformed" });
    expect(await rejection(provider.submit(tryOn))).toMatchObject({ code: "bad_response", retryable: true });
    const job = await provider.submit(tryOn);
    double.scenario.failNext("status", { kind: "malformed" });
    const error = await rejection(provider.poll(job));
    expect(error.code).toBe("bad_response");
    expect(error.message).toContain("status");
  });

  it("an unknown job id is not_found", async () => {
    expect(await rejection(provider.poll({ providerJobId: "no-such-job", handle: { outputFormat: "png" } }))).toMatchObject({ code: "not_found", retryable: false });
  });

  it("maps an expired output URL (404 by default, 410 when configured) to expired_result", async () => {
    const { result } = await pollToEnd(provider, await provider.submit(tryOn));
    if (result.state !== "succeeded") throw new Error("expected success");
    await downloadProviderOutput("fashn", ctx, result.outputs[0]);
    double.scenario.expireResults();
    expect(await rejection(downloadProviderOutput("fashn", ctx, result.outputs[0]))).toMatchObject({ code: "expired_result", options: { status: 404 } });

    await withDouble(startFashnDouble({ pollsToComplete: 1, resultTtlMs: 50, expiredStatus: 410 }), async (shortLived) => {
      const p = createFashnProvider({ baseUrl: shortLived.url, apiKey: shortLived.apiKey }, ctx);
      const done = await p.poll(await p.submit(tryOn));
      if (done.state !== "succeeded") throw new Error("expected success");
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(await rejection(downloadProviderOutput("fashn", ctx, done.outputs[0]))).toMatchObject({ code: "expired_result", options: { status: 410 } });
    });
  });

  it("testConnection: ok with the right key, a clear message with a wrong one, and the error when FASHN is down", async () => {
    expect(await provider.testConnection()).toEqual({ ok: true });
    expect(double.calls[0]).toMatchObject({ method: "GET", status: 404 });
    expect(double.calls[0].path).toMatch(/^\/v1\/status\//);
    expect(double.submissions).toBe(0);

    const wrong = await createFashnProvider({ baseUrl: double.url, apiKey: "fa-wrong" }, ctx).testConnection();
    expect(wrong).toEqual({ ok: false, message: expect.stringContaining("API key") });

    double.scenario.failNext("status", { kind: "server-error" });
    const down = await provider.testConnection();
    expect(down.ok).toBe(false);
  });

  it("estimates one credit per call and refuses requests it cannot run before calling FASHN", async () => {
    expect(provider.estimate(tryOn)).toEqual({ unit: "credit", units: 1, costMicros: 75_000 });
    expect(await rejection(provider.submit({ ...tryOn, modelImageUrl: undefined }))).toMatchObject({ code: "invalid_input" });
    expect(await rejection(provider.submit({ ...tryOn, model: "tryon-v1.5" }))).toMatchObject({ code: "invalid_input" });
    expect(await rejection(provider.submit({ ...tryOn, operation: "image-to-video" }))).toMatchObject({ code: "invalid_input" });
    expect(double.submissions).toBe(0);
  });

  it("cancel is a no-op that makes no call (FASHN has no cancel endpoint)", async () => {
    const job = await provider.submit(tryOn);
    await provider.cancel(job);
    expect(double.calls).toHaveLength(1);
  });
});
