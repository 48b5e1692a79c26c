import http from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GenerationRequest } from "~/providers/provider";
import { createReplicateProvider, REPLICATE_MICROS_PER_SECOND, ReplicateWebhookError, replicatePollResult, verifyReplicateWebhook } from "~/providers/replicate.server";
import { startReplicateDouble, type ReplicateDouble } from "../doubles/replicate-double";
import { pollUntilDone, providerContext, rejection, withDouble } from "./provider-test-support";

const VERSION = "5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa";
const ctx = providerContext(500);

const request: GenerationRequest = {
  operation: "product-to-model",
  model: VERSION,
  sourceImageUrl: "https://cdn.example.com/shirt.png",
  prompt: "studio photo, linen shirt",
  negativePrompt: "blurry",
  seed: 11,
};

let double: ReplicateDouble;
const provider = () => createReplicateProvider({ baseUrl: double.url, apiKey: double.apiKey }, ctx);

beforeAll(async () => {
  double = await startReplicateDouble({ pollsToFinish: 2 });
});
afterAll(async () => {
  await double.close();
});

describe("Replicate adapter", () => {
  it("submits once, polls through pending, and returns downloadable PNG outputs with GPU-time usage", async () => {
    const before = double.submissions;
    const job = await provider().submit(request);
    expect(job.handle).toEqual({});
    const prediction = double.predictions.get(job.providerJobId);
    expect(prediction?.input).toMatchObject({ prompt: "studio photo, linen shirt", negative_prompt: "blurry", seed: 11, image: "https://cdn.example.com/shirt.png" });

    expect(await provider().poll(job)).toEqual({ state: "pending" });
    const result = await provider().poll(job);
    if (result.state !== "succeeded") throw new Error(`expected success, got ${result.state}`);
    expect(result.usage).toEqual({ unit: "gpu-second", units: 4.2, costMicros: Math.round(4.2 * REPLICATE_MICROS_PER_SECOND) });
    expect(result.outputs).toHaveLength(1);
    const output = result.outputs[0];
    if (output.kind !== "url") throw new Error("expected a URL output");
    const bytes = Buffer.from(await (await fetch(output.url)).arrayBuffer());
    expect(await sharp(bytes).metadata()).toMatchObject({ format: "png", width: 64, height: 96 });
    expect(double.submissions - before).toBe(1);
  });

  it("accepts a single URL string as output", async () => {
    await withDouble(startReplicateDouble({ pollsToFinish: 1, outputShape: "string" }), async (single) => {
      const p = createReplicateProvider({ baseUrl: single.url, apiKey: single.apiKey }, ctx);
      const result = await p.poll(await p.submit(request));
      expect(result.state).toBe("succeeded");
      if (result.state === "succeeded") expect(result.outputs).toEqual([{ kind: "url", url: expect.stringMatching(/\/files\/.+\/out-0\.png$/) }]);
    });
  });

  it("passes extra.input through and asks for completed webhooks only", async () => {
    const job = await provider().submit({ ...request, webhookUrl: "https://app.example.com/webhooks/replicate", extra: { input: { lora_scale: 0.7, image: "https://cdn.example.com/other.png" } } });
    const prediction = double.predictions.get(job.providerJobId);
    expect(prediction?.input).toMatchObject({ lora_scale: 0.7, image: "https://cdn.example.com/other.png" });
    expect(prediction?.webhook).toBe("https://app.example.com/webhooks/replicate");
  });

  it("maps a failed prediction (HTTP 200) to a retryable server_error with the time billed", async () => {
    double.nextOutcome("fail");
    const result = await pollUntilDone(provider(), await provider().submit(request));
    if (result.state !== "failed") throw new Error("expected failure");
    expect(result.error).toMatchObject({ code: "server_error", retryable: true, provider: "replicate" });
    expect(result.error.message).toContain("CUDA error");
    expect(result.usage?.unit).toBe("gpu-second");
  });

  it("maps an NSFW refusal to moderation, not retryable", async () => {
    double.nextOutcome("moderation");
    const result = await pollUntilDone(provider(), await provider().submit(request));
    if (result.state !== "failed") throw new Error("expected failure");
    expect(result.error).toMatchObject({ code: "moderation", retryable: false });
  });

  it("maps a canceled prediction to canceled", async () => {
    const job = await provider().submit(request);
    await provider().cancel(job);
    const result = await provider().poll(job);
    expect(result.state === "failed" && result.error.code).toBe("canceled");
  });

  it("429 is rate_limited with Retry-After, and the adapter does not resubmit by itself", async () => {
    const before = double.submissions;
    double.failNext("rate_limit", { on: "create" });
    const error = await rejection(provider().submit(request));
    expect(error).toMatchObject({ code: "rate_limited", retryable: true, options: { status: 429, retryAfterMs: 1000 } });
    expect(error.message).toContain("Request was throttled");
    expect(double.submissions - before).toBe(1);
  });

  it("500 on a poll is a retryable server_error", async () => {
    const job = await provider().submit(request);
    double.failNext("server_error", { on: "get" });
    expect(await rejection(provider().poll(job))).toMatchObject({ code: "server_error", retryable: true });
    // The next poll works again.
    expect((await pollUntilDone(provider(), job)).state).toBe("succeeded");
  });

  it("402 is out_of_credits, not retryable", async () => {
    double.failNext("out_of_credits", { on: "create" });
    expect(await rejection(provider().submit(request))).toMatchObject({ code: "out_of_credits", retryable: false });
  });

  it("a bad key is auth, not retryable, and never echoes the key", async () => {
    const wrong = createReplicateProvider({ baseUrl: double.url, apiKey: "r8_wrong_key_123" }, ctx);
    const error = await rejection(wrong.submit(request));
    expect(error).toMatchObject({ code: "auth", retryable: false, options: { status: 401 } });
    expect(error.message).not.toContain("r8_wrong_key_123");
    expect(error.message).not.toContain(double.apiKey);
  });

  it("a revoked key mid-job is auth on poll", async () => {
    const job = await provider().submit(request);
    double.failNext("unauthorized", { on: "get" });
    expect(await rejection(provider().poll(job))).toMatchObject({ code: "auth", retryable: false });
  });

  it("422 names the invalid field", async () => {
    const error = await rejection(provider().submit({ ...request, prompt: "" }));
    expect(error).toMatchObject({ code: "invalid_input", retryable: false, options: { status: 422 } });
    expect(error.message).toContain("input.prompt");
  });

  it("a slow create times out as retryable, and the prediction already exists (poll it, never resubmit blindly)", async () => {
    const before = double.submissions;
    const created = double.predictions.size;
    double.failNext("slow", { on: "create" });
    const error = await rejection(provider().submit(request));
    expect(error).toMatchObject({ code: "timeout", retryable: true });
    expect(double.submissions - before).toBe(1);
    expect(double.predictions.size - created).toBe(1);
  });

  it("an answer that breaks the contract is bad_response", async () => {
    double.failNext("bad_shape", { on: "create" });
    const error = await rejection(provider().submit(request));
    expect(error).toMatchObject({ code: "bad_response", retryable: true });
    expect(error.message).toContain("prediction did not match its contract");
  });

  it("an unknown prediction is not_found", async () => {
    expect(await rejection(provider().poll({ providerJobId: "nosuchprediction", handle: {} }))).toMatchObject({ code: "not_found", retryable: false });
  });

  it("output files are deleted after their lifetime (404)", async () => {
    const result = await pollUntilDone(provider(), await provider().submit(request));
    if (result.state !== "succeeded" || result.outputs[0].kind !== "url") throw new Error("expected URL output");
    expect((await fetch(result.outputs[0].url)).status).toBe(200);
    double.expireResults();
    expect((await fetch(result.outputs[0].url)).status).toBe(404);
  });

  it("a succeeded prediction without output is bad_response", () => {
    expect(() => replicatePollResult({ id: "x", status: "succeeded", output: [] })).toThrow(expect.objectContaining({ code: "bad_response" }));
    expect(() => replicatePollResult({ id: "x", status: "succeeded", output: ["not a url"] })).toThrow(expect.objectContaining({ code: "bad_response" }));
  });

  it("testConnection is ok with the right key and says why not otherwise", async () => {
    expect(await provider().testConnection()).toEqual({ ok: true });
    const wrong = await createReplicateProvider({ baseUrl: double.url, apiKey: "nope" }, ctx).testConnection();
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.message).toContain("401");
    const down = await createReplicateProvider({ baseUrl: "http://127.0.0.1:9", apiKey: "x" }, ctx).testConnection();
    expect(down.ok).toBe(false);
  });

  it("estimates from GPU seconds", () => {
    expect(provider().estimate({ ...request, extra: { estimatedSeconds: 10 } })).toEqual({ unit: "gpu-second", units: 10, costMicros: 9750 });
  });
});

describe("Replicate webhooks", () => {
  let receiver: http.Server;
  let receiverUrl: string;
  const received: { ok: boolean; header?: string; status?: string }[] = [];

  beforeAll(async () => {
    // A stand-in for the app's webhook route: verify with the raw body, answer 200 or 400.
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        try {
          const prediction = verifyReplicateWebhook({ headers: req.headers as Record<string, string>, rawBody: Buffer.concat(chunks), secret: double.webhookSecret });
          received.push({ ok: true, status: prediction.status });
          res.writeHead(200).end();
        } catch (error) {
          received.push({ ok: false, header: error instanceof ReplicateWebhookError ? error.header : "unexpected" });
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/replicate`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  async function finishedWithWebhook(): Promise<string> {
    const job = await provider().submit({ ...request, webhookUrl: receiverUrl });
    await double.complete(job.providerJobId);
    return job.providerJobId;
  }

  it("accepts a correctly signed delivery and returns the prediction", async () => {
    const id = await finishedWithWebhook();
    expect((await double.sendWebhook(id)).status).toBe(200);
    expect(received.at(-1)).toEqual({ ok: true, status: "succeeded" });
  });

  it("rejects a delivery signed with another key", async () => {
    const id = await finishedWithWebhook();
    expect((await double.sendWebhook(id, { signature: "bad" })).status).toBe(400);
    expect(received.at(-1)).toEqual({ ok: false, header: "webhook-signature" });
  });

  it("rejects a missing signature header", async () => {
    const id = await finishedWithWebhook();
    expect((await double.sendWebhook(id, { signature: "missing" })).status).toBe(400);
    expect(received.at(-1)).toEqual({ ok: false, header: "webhook-signature" });
  });

  it("rejects a stale (replayed) delivery", async () => {
    const id = await finishedWithWebhook();
    expect((await double.sendWebhook(id, { ageSeconds: 301 })).status).toBe(400);
    expect(received.at(-1)).toEqual({ ok: false, header: "webhook-timestamp" });
  });

  describe("verifyReplicateWebhook", () => {
    const secret = `whsec_${Buffer.from("0123456789abcdef0123456789abcdef").toString("base64")}`;
    const body = JSON.stringify({ id: "p1", status: "succeeded", output: ["https://replicate.delivery/x.png"] });
    const now = 1_800_000_000_000;
    const timestamp = String(now / 1000);
    const sign = async (content: string) => {
      const { createHmac } = await import("node:crypto");
      return createHmac("sha256", Buffer.from("0123456789abcdef0123456789abcdef")).update(content).digest("base64");
    };

    it("verifies a known signature and parses the prediction", async () => {
      const headers = new Headers({ "webhook-id": "msg_1", "webhook-timestamp": timestamp, "webhook-signature": `v1,${await sign(`msg_1.${timestamp}.${body}`)}` });
      expect(verifyReplicateWebhook({ headers, rawBody: body, secret, now })).toMatchObject({ id: "p1", status: "succeeded" });
    });

    it("rejects a body changed after signing", async () => {
      const headers = { "webhook-id": "msg_1", "webhook-timestamp": timestamp, "webhook-signature": `v1,${await sign(`msg_1.${timestamp}.${body}`)}` };
      expect(() => verifyReplicateWebhook({ headers, rawBody: body.replace("p1", "p2"), secret, now })).toThrow(expect.objectContaining({ header: "webhook-signature" }));
    });

    it("names each missing header", () => {
      expect(() => verifyReplicateWebhook({ headers: {}, rawBody: body, secret, now })).toThrow("Missing webhook-id header");
      expect(() => verifyReplicateWebhook({ headers: { "webhook-id": "m" }, rawBody: body, secret, now })).toThrow("Missing webhook-timestamp header");
      expect(() => verifyReplicateWebhook({ headers: { "webhook-id": "m", "webhook-timestamp": timestamp }, rawBody: body, secret, now })).toThrow("Missing webhook-signature header");
    });

    it("rejects timestamps from the future too, and honours the tolerance", async () => {
      const future = String(now / 1000 + 301);
      const headers = { "webhook-id": "msg_1", "webhook-timestamp": future, "webhook-signature": `v1,${await sign(`msg_1.${future}.${body}`)}` };
      expect(() => verifyReplicateWebhook({ headers, rawBody: body, secret, now })).toThrow(expect.objectContaining({ header: "webhook-timestamp" }));
      expect(verifyReplicateWebhook({ headers, rawBody: body, secret, now, toleranceSeconds: 600 }).id).toBe("p1");
    });

    it("rejects a secret without whsec_ and a signed body that is not a prediction, without echoing the secret", async () => {
      const headers = { "webhook-id": "msg_1", "webhook-timestamp": timestamp, "webhook-signature": `v1,${await sign(`msg_1.${timestamp}.{}`)}` };
      expect(() => verifyReplicateWebhook({ headers, rawBody: "{}", secret: "0123", now })).toThrow(expect.objectContaining({ header: "secret" }));
      try {
        verifyReplicateWebhook({ headers, rawBody: "{}", secret, now });
        throw new Error("expected a rejection");
      } catch (error) {
        expect(error).toMatchObject({ header: "body" });
        expect(String(error)).not.toContain(secret.slice(6));
      }
    });
  });
});
