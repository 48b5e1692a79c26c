import http from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_BRAND_WORKFLOW, type ComfyGraph } from "~/providers/comfy-graph";
import { COMFYUI_DEFAULT_MICROS_PER_IMAGE, createComfyuiProvider } from "~/providers/comfyui.server";
import type { GenerationRequest } from "~/providers/provider";
import { startComfyuiDouble, type ComfyuiDouble } from "../doubles/comfyui-double";
import { pollUntilDone, providerContext, rejection, withDouble } from "./provider-test-support";

const ctx = providerContext(500);
const request: GenerationRequest = {
  operation: "product-to-model",
  model: "brand-default",
  sourceImageUrl: "https://cdn.example.com/shirt.png",
  prompt: "acme model wearing a linen shirt, studio light",
  negativePrompt: "blurry",
  seed: 1234,
  extra: { loraName: "acme-brand-v3.safetensors", loraStrength: 0.7, checkpoint: "juggernaut-xl.safetensors" },
};

let double: ComfyuiDouble;
let stills: http.Server;
let stillsUrl: string;
let png: Buffer;
const provider = () => createComfyuiProvider({ baseUrl: double.url, apiKey: double.apiKey }, ctx);

function workflow(): ComfyGraph {
  return structuredClone(DEFAULT_BRAND_WORKFLOW) as ComfyGraph;
}

beforeAll(async () => {
  double = await startComfyuiDouble({ pollsToFinish: 2 });
  png = await sharp({ create: { width: 32, height: 48, channels: 3, background: "#888" } }).png().toBuffer();
  // A CDN stand-in for pose images given by URL.
  stills = http.createServer((req, res) => {
    if (req.url === "/pose.png") res.writeHead(200, { "content-type": "image/png" }).end(png);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => stills.listen(0, "127.0.0.1", resolve));
  stillsUrl = `http://127.0.0.1:${(stills.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await double.close();
  await new Promise<void>((resolve) => stills.close(() => resolve()));
});

describe("ComfyUI adapter", () => {
  it("fills the brand workflow, queues it once, waits while /history is {}, and returns the PNG bytes with per-image cost", async () => {
    const before = double.submissions;
    const job = await provider().submit(request);
    const queued = double.jobs.get(job.providerJobId);
    expect(queued?.clientId).toBe(job.handle.clientId);
    expect(queued?.prompt["2"].inputs).toMatchObject({ lora_name: "acme-brand-v3.safetensors", strength_model: 0.7, strength_clip: 0.7 });
    expect(queued?.prompt["1"].inputs.ckpt_name).toBe("juggernaut-xl.safetensors");
    expect(queued?.prompt["3"].inputs.text).toBe(request.prompt);
    expect(queued?.prompt["4"].inputs.text).toBe("blurry");
    expect(queued?.prompt["9"].inputs.seed).toBe(1234);

    expect(await provider().poll(job)).toEqual({ state: "pending" });
    const result = await provider().poll(job);
    if (result.state !== "succeeded") throw new Error(`expected success, got ${result.state}`);
    expect(result.usage).toEqual({ unit: "image", units: 1, costMicros: COMFYUI_DEFAULT_MICROS_PER_IMAGE });
    const output = result.outputs[0];
    if (output.kind !== "bytes") throw new Error("expected bytes");
    expect(output.contentType).toBe("image/png");
    expect(await sharp(output.bytes).metadata()).toMatchObject({ format: "png", width: 64, height: 96 });
    expect(double.submissions - before).toBe(1);
    // Outputs were fetched through /view with the key.
    expect(double.calls.some((c) => c.endpoint === "view" && c.status === 200)).toBe(true);
  });

  it("the same seed gives the same bytes", async () => {
    const a = await pollUntilDone(provider(), await provider().submit(request));
    const b = await pollUntilDone(provider(), await provider().submit(request));
    if (a.state !== "succeeded" || b.state !== "succeeded" || a.outputs[0].kind !== "bytes" || b.outputs[0].kind !== "bytes") throw new Error("expected bytes");
    expect(a.outputs[0].bytes.equals(b.outputs[0].bytes)).toBe(true);
  });

  it("bills a batch at the configured price per image", async () => {
    const graph = workflow();
    graph["8"].inputs.batch_size = 2;
    const p = createComfyuiProvider({ baseUrl: double.url, apiKey: double.apiKey }, ctx, { microsPerImage: 5_000 });
    const req = { ...request, extra: { workflow: graph } };
    expect(p.estimate(req)).toEqual({ unit: "image", units: 2, costMicros: 10_000 });
    const result = await pollUntilDone(p, await p.submit(req));
    expect(result.state === "succeeded" && result.outputs.length).toBe(2);
    expect(result.state === "succeeded" && result.usage).toEqual({ unit: "image", units: 2, costMicros: 10_000 });
  });

  it("uploads pose image bytes and points LoadImage at the uploaded file", async () => {
    const job = await provider().submit({ ...request, extra: { poseImage: png } });
    const name = double.jobs.get(job.providerJobId)?.prompt["6"].inputs.image;
    expect(name).toMatch(/^shotlane-pose-.+\.png$/);
    expect(double.inputFiles()).toContain(name);
  });

  it("downloads a pose image URL and uploads it", async () => {
    const job = await provider().submit({ ...request, extra: { poseImageUrl: `${stillsUrl}/pose.png` } });
    expect(double.inputFiles()).toContain(double.jobs.get(job.providerJobId)?.prompt["6"].inputs.image);
  });

  it("a pose URL that is gone, or bytes that are not an image, are invalid_input and nothing is queued", async () => {
    const before = double.submissions;
    expect(await rejection(provider().submit({ ...request, extra: { poseImageUrl: `${stillsUrl}/missing.png` } }))).toMatchObject({ code: "invalid_input", retryable: false });
    expect(await rejection(provider().submit({ ...request, extra: { poseImage: Buffer.from("not an image") } }))).toMatchObject({ code: "invalid_input" });
    expect(double.submissions).toBe(before);
  });

  it("uses a pose file name already on the server as it is", async () => {
    const job = await provider().submit({ ...request, extra: { poseImage: "pose-front.png" } });
    expect(double.jobs.get(job.providerJobId)?.prompt["6"].inputs.image).toBe("pose-front.png");
  });

  it("a template with a link to a missing node is invalid_input naming it, before anything is sent", async () => {
    const before = double.calls.length;
    const graph = workflow();
    graph["9"].inputs.latent_image = ["42", 0];
    const error = await rejection(provider().submit({ ...request, extra: { workflow: graph } }));
    expect(error).toMatchObject({ code: "invalid_input", retryable: false });
    expect(error.message).toContain('node 9 (KSampler) input "latent_image" links to node 42');
    expect(double.calls.length).toBe(before);
  });

  it("ComfyUI's 400 node_errors become invalid_input naming the node and input", async () => {
    const error = await rejection(provider().submit({ ...request, extra: { loraName: "not-installed.safetensors" } }));
    expect(error).toMatchObject({ code: "invalid_input", retryable: false, options: { status: 400, providerCode: "prompt_outputs_failed_validation" } });
    expect(error.message).toContain('node 2 (LoraLoader) input "lora_name": Value not in list');
  });

  it("an unknown node type is invalid_input with ComfyUI's message", async () => {
    const graph: Record<string, unknown> = workflow();
    graph["12"] = { class_type: "FancyUpscaler", inputs: { image: ["10", 0] } };
    const error = await rejection(provider().submit({ ...request, extra: { workflow: graph } }));
    expect(error).toMatchObject({ code: "invalid_input", options: { providerCode: "invalid_prompt" } });
    expect(error.message).toContain("Cannot execute because node FancyUpscaler does not exist.");
  });

  it("the double rejects links that point nowhere and wrong link types with 400 node_errors, as ComfyUI does", async () => {
    const graph = workflow();
    graph["10"].inputs.vae = ["77", 2];
    graph["9"].inputs.model = ["1", 1];
    const response = await fetch(`${double.url}/prompt`, { method: "POST", headers: { authorization: `Bearer ${double.apiKey}`, "content-type": "application/json" }, body: JSON.stringify({ prompt: graph, client_id: "t" }) });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { node_errors: Record<string, { class_type: string; errors: { type: string; details: string }[] }> };
    expect(body.node_errors["10"]).toMatchObject({ class_type: "VAEDecode", errors: [{ type: "exception_during_inner_validation", details: "vae: linked node '77' does not exist" }] });
    expect(body.node_errors["9"].errors[0]).toMatchObject({ type: "return_type_mismatch", details: "model, received_type(CLIP) mismatch input_type(MODEL)" });
  });

  it("an execution error in /history is a retryable server_error naming the node", async () => {
    double.nextOutcome("fail");
    const result = await pollUntilDone(provider(), await provider().submit(request));
    if (result.state !== "failed") throw new Error("expected failure");
    expect(result.error).toMatchObject({ code: "server_error", retryable: true, options: { providerCode: "torch.OutOfMemoryError" } });
    expect(result.error.message).toContain("at node 9 (KSampler): Allocation on device 0 would exceed allowed memory");
  });

  it("429 from the proxy is rate_limited with Retry-After, submitted once", async () => {
    const before = double.submissions;
    double.failNext("rate_limit", { on: "prompt" });
    expect(await rejection(provider().submit(request))).toMatchObject({ code: "rate_limited", retryable: true, options: { retryAfterMs: 2000 } });
    expect(double.submissions - before).toBe(1);
  });

  it("500 on /history is a retryable server_error", async () => {
    const job = await provider().submit(request);
    double.failNext("server_error", { on: "history" });
    expect(await rejection(provider().poll(job))).toMatchObject({ code: "server_error", retryable: true });
  });

  it("a wrong or missing key is auth, not retryable, and not echoed", async () => {
    const error = await rejection(createComfyuiProvider({ baseUrl: double.url, apiKey: "comfy_wrong" }, ctx).submit(request));
    expect(error).toMatchObject({ code: "auth", retryable: false });
    expect(error.message).not.toContain("comfy_wrong");
    expect(await rejection(createComfyuiProvider({ baseUrl: double.url, apiKey: "" }, ctx).submit(request))).toMatchObject({ code: "auth" });
  });

  it("works without a key against a ComfyUI with no auth", async () => {
    await withDouble(startComfyuiDouble({ requireAuth: false, pollsToFinish: 1 }), async (open) => {
      const p = createComfyuiProvider({ baseUrl: open.url, apiKey: "" }, ctx);
      expect((await p.poll(await p.submit(request))).state).toBe("succeeded");
    });
  });

  it("a slow /prompt times out as retryable, and the prompt is already queued", async () => {
    const before = double.jobs.size;
    double.failNext("slow", { on: "prompt" });
    expect(await rejection(provider().submit(request))).toMatchObject({ code: "timeout", retryable: true });
    expect(double.jobs.size - before).toBe(1);
  });

  it("a slow /view times out as retryable", async () => {
    const job = await provider().submit(request);
    await provider().poll(job);
    double.failNext("slow", { on: "view" });
    expect(await rejection(provider().poll(job))).toMatchObject({ code: "timeout", retryable: true });
  });

  it("an answer that breaks the contract is bad_response", async () => {
    const job = await provider().submit(request);
    double.failNext("bad_shape", { on: "history" });
    expect(await rejection(provider().poll(job))).toMatchObject({ code: "bad_response", retryable: true });
    double.failNext("bad_shape", { on: "prompt" });
    expect(await rejection(provider().submit(request))).toMatchObject({ code: "bad_response" });
  });

  it("outputs cleaned from the server are expired_result on a later poll", async () => {
    const job = await provider().submit(request);
    expect((await pollUntilDone(provider(), job)).state).toBe("succeeded");
    double.expireResults();
    expect(await rejection(provider().poll(job))).toMatchObject({ code: "expired_result", retryable: true });
  });

  it("a prompt ComfyUI has forgotten (restart) is not_found, not pending forever", async () => {
    const job = await provider().submit(request);
    double.restart();
    expect(await rejection(provider().poll(job))).toMatchObject({ code: "not_found", retryable: false });
  });

  it("cancel interrupts the running prompt; the poll reports canceled", async () => {
    await withDouble(startComfyuiDouble({ pollsToFinish: 5 }), async (own) => {
      const p = createComfyuiProvider({ baseUrl: own.url, apiKey: own.apiKey }, ctx);
      const job = await p.submit(request);
      expect(await p.poll(job)).toEqual({ state: "pending" });
      await p.cancel(job);
      const result = await p.poll(job);
      expect(result.state === "failed" && result.error.code).toBe("canceled");
    });
  });

  it("testConnection is ok with the right key and says why not otherwise", async () => {
    expect(await provider().testConnection()).toEqual({ ok: true });
    expect(await createComfyuiProvider({ baseUrl: double.url, apiKey: "nope" }, ctx).testConnection()).toEqual({ ok: false, message: "comfyui answered HTTP 401: 401: Unauthorized" });
    expect((await createComfyuiProvider({ baseUrl: "http://127.0.0.1:9", apiKey: "" }, ctx).testConnection()).ok).toBe(false);
  });
});
