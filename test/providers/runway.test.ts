import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GenerationRequest } from "~/providers/provider";
import { createRunwayProvider, RUNWAY_POLL_INTERVAL_MS } from "~/providers/runway.server";
import { startRunwayDouble, type RunwayDouble } from "../doubles/runway-double";
import { pollUntilDone, providerContext, rejection, withDouble } from "./provider-test-support";

const ctx = providerContext(500);
const request: GenerationRequest = {
  operation: "image-to-video",
  model: "gen4_turbo",
  sourceImageUrl: "https://cdn.example.com/model-front.jpg",
  prompt: "the model turns slowly, soft studio light",
  seed: 99,
};

let double: RunwayDouble;
const provider = () => createRunwayProvider({ baseUrl: double.url, apiKey: double.apiKey }, ctx);

beforeAll(async () => {
  double = await startRunwayDouble({ pollsToFinish: 3 });
});
afterAll(async () => {
  await double.close();
});

describe("Runway adapter", () => {
  it("submits once with the version header, reports progress with a 5 s poll hint, and returns a real MP4 with credit usage", async () => {
    const before = double.submissions;
    const job = await provider().submit(request);
    expect(double.tasks.get(job.providerJobId)?.body).toEqual({
      model: "gen4_turbo",
      promptImage: "https://cdn.example.com/model-front.jpg",
      ratio: "720:1280",
      duration: 5,
      promptText: "the model turns slowly, soft studio light",
      seed: 99,
    });

    expect(await provider().poll(job)).toEqual({ state: "pending", progress: undefined, retryAfterMs: RUNWAY_POLL_INTERVAL_MS });
    expect(RUNWAY_POLL_INTERVAL_MS).toBe(5000);
    expect(await provider().poll(job)).toEqual({ state: "pending", progress: 0.5, retryAfterMs: 5000 });
    const result = await provider().poll(job);
    if (result.state !== "succeeded") throw new Error(`expected success, got ${result.state}`);
    expect(result.usage).toEqual({ unit: "credit", units: 25, costMicros: 250_000 });
    const output = result.outputs[0];
    if (output.kind !== "url") throw new Error("expected a URL");
    expect(output.contentType).toBe("video/mp4");
    const response = await fetch(output.url);
    expect(response.headers.get("content-type")).toBe("video/mp4");
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(4, 8).toString("latin1")).toBe("ftyp");
    expect(bytes.equals(double.video)).toBe(true);
    expect(double.submissions - before).toBe(1);
  });

  it("maps 16:9 and 10 s to Runway's ratio and bills 50 credits", async () => {
    const job = await provider().submit({ ...request, aspectRatio: "16:9", durationSeconds: 10 });
    expect(double.tasks.get(job.providerJobId)?.body).toMatchObject({ ratio: "1280:720", duration: 10 });
    const result = await pollUntilDone(provider(), job);
    expect(result.state === "succeeded" && result.usage).toEqual({ unit: "credit", units: 50, costMicros: 500_000 });
    expect(provider().estimate({ ...request, durationSeconds: 10 })).toEqual({ unit: "credit", units: 50, costMicros: 500_000 });
  });

  it("THROTTLED is pending with the 5 s hint", async () => {
    await withDouble(startRunwayDouble({ pollsToFinish: 3, throttled: true }), async (throttled) => {
      const p = createRunwayProvider({ baseUrl: throttled.url, apiKey: throttled.apiKey }, ctx);
      const job = await p.submit(request);
      expect(await p.poll(job)).toMatchObject({ state: "pending", retryAfterMs: 5000 });
      expect(throttled.tasks.get(job.providerJobId)?.status).toBe("THROTTLED");
    });
  });

  it.each([
    ["SAFETY.INPUT.IMAGE", "moderation", false],
    ["SAFETY.OUTPUT.VIDEO", "moderation", false],
    ["INPUT_PREPROCESSING.SAFETY.TEXT", "moderation", false],
    ["INPUT_PREPROCESSING.CORRUPTED", "invalid_input", false],
    ["ASSET.INVALID", "invalid_input", false],
    ["INTERNAL.BAD_OUTPUT.CODE01", "server_error", true],
    ["INTERNAL", "server_error", true],
  ] as const)("a FAILED task with %s (HTTP 200) is %s", async (failureCode, code, retryable) => {
    double.nextOutcome({ failureCode, failure: "The task failed." });
    const result = await pollUntilDone(provider(), await provider().submit(request));
    if (result.state !== "failed") throw new Error("expected failure");
    expect(result.error).toMatchObject({ code, retryable, options: { providerCode: failureCode } });
    expect(result.error.message).toContain(failureCode);
    expect(result.usage).toBeUndefined();
  });

  it("429 is rate_limited and retryable; the adapter does not resubmit by itself", async () => {
    const before = double.submissions;
    double.failNext("rate_limit", { on: "create" });
    expect(await rejection(provider().submit(request))).toMatchObject({ code: "rate_limited", retryable: true, options: { status: 429 } });
    expect(double.submissions - before).toBe(1);
  });

  it("500 on a poll is server_error, and the next poll continues", async () => {
    const job = await provider().submit(request);
    double.failNext("server_error", { on: "get" });
    expect(await rejection(provider().poll(job))).toMatchObject({ code: "server_error", retryable: true });
    expect((await pollUntilDone(provider(), job)).state).toBe("succeeded");
  });

  it("an empty credit balance is out_of_credits", async () => {
    double.failNext("out_of_credits", { on: "create" });
    expect(await rejection(provider().submit(request))).toMatchObject({ code: "out_of_credits", retryable: false });
  });

  it("a bad key is auth, not retryable, and the key is not in the message", async () => {
    const error = await rejection(createRunwayProvider({ baseUrl: double.url, apiKey: "key_wrong_456" }, ctx).submit(request));
    expect(error).toMatchObject({ code: "auth", retryable: false });
    expect(error.message).not.toContain("key_wrong_456");
  });

  it("the double refuses calls without X-Runway-Version, as Runway does", async () => {
    const response = await fetch(`${double.url}/v1/organization`, { headers: { authorization: `Bearer ${double.apiKey}` } });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "The X-Runway-Version header is required" });
  });

  it("refuses durations and ratios Runway does not make before calling it", async () => {
    const before = double.submissions;
    expect(await rejection(provider().submit({ ...request, durationSeconds: 7 }))).toMatchObject({ code: "invalid_input" });
    expect(await rejection(provider().submit({ ...request, aspectRatio: "2:1" }))).toMatchObject({ code: "invalid_input" });
    expect(await rejection(provider().submit({ ...request, operation: "try-on" }))).toMatchObject({ code: "invalid_input" });
    expect(double.submissions).toBe(before);
  });

  it("a 400 validation error is invalid_input naming the field", async () => {
    const error = await rejection(provider().submit({ ...request, sourceImageUrl: "ftp://example.com/a.png" }));
    expect(error).toMatchObject({ code: "invalid_input", retryable: false, options: { status: 400 } });
    expect(error.message).toContain("promptImage: must be an HTTPS URL or a data URI");
  });

  it("a slow submit times out as retryable, and the task already exists", async () => {
    const before = double.tasks.size;
    double.failNext("slow", { on: "create" });
    expect(await rejection(provider().submit(request))).toMatchObject({ code: "timeout", retryable: true });
    expect(double.tasks.size - before).toBe(1);
  });

  it("a slow poll times out as retryable", async () => {
    const job = await provider().submit(request);
    double.failNext("slow", { on: "get" });
    expect(await rejection(provider().poll(job))).toMatchObject({ code: "timeout", retryable: true });
  });

  it("an answer that breaks the contract is bad_response", async () => {
    const job = await provider().submit(request);
    double.failNext("bad_shape", { on: "get" });
    expect(await rejection(provider().poll(job))).toMatchObject({ code: "bad_response", retryable: true });
  });

  it("cancel: DELETE cancels a running task; a deleted finished task is not_found", async () => {
    const running = await provider().submit(request);
    await provider().cancel(running);
    const result = await provider().poll(running);
    expect(result.state === "failed" && result.error.code).toBe("canceled");

    const finished = await provider().submit(request);
    await pollUntilDone(provider(), finished);
    await provider().cancel(finished);
    expect(await rejection(provider().poll(finished))).toMatchObject({ code: "not_found" });
    expect(double.calls.filter((c) => c.method === "DELETE").every((c) => c.status === 204)).toBe(true);
  });

  it("output URLs expire (410)", async () => {
    const result = await pollUntilDone(provider(), await provider().submit(request));
    if (result.state !== "succeeded" || result.outputs[0].kind !== "url") throw new Error("expected a URL");
    expect((await fetch(result.outputs[0].url)).status).toBe(200);
    double.expireResults();
    expect((await fetch(result.outputs[0].url)).status).toBe(410);
  });

  it("testConnection is ok with the right key and says why not otherwise", async () => {
    expect(await provider().testConnection()).toEqual({ ok: true });
    const wrong = await createRunwayProvider({ baseUrl: double.url, apiKey: "nope" }, ctx).testConnection();
    expect(wrong).toEqual({ ok: false, message: "Runway answered HTTP 401: Incorrect API key provided" });
  });
});
