import { randomUUID } from "node:crypto";
import { z } from "zod";
import { ComfyGraphError, DEFAULT_BRAND_WORKFLOW, fillComfyGraph, type ComfyGraph } from "./comfy-graph";
import {
  ProviderError,
  type GenerationProvider,
  type GenerationRequest,
  type PollResult,
  type ProviderConfig,
  type ProviderContext,
  type ProviderErrorCode,
  type ProviderOutput,
  type Usage,
} from "./provider";
import { codeForStatus, parseProviderBody, probeConnection, providerRequest } from "./provider-http";

/**
 * A self-hosted ComfyUI running a brand LoRA workflow (../shared/PLATFORM.md):
 * fill the API-format graph, POST /prompt, poll /history, fetch the images.
 *
 * Outputs are returned as bytes, not /view URLs: ComfyUI's files are private
 * to the server (often behind an auth proxy), so a URL would only be usable
 * with the API key, which must never leave this adapter.
 */

/**
 * ComfyUI bills nothing itself; the cost is the GPU's time. Default: one SDXL
 * 832×1216 image, 30 steps with a pose ControlNet, takes about 20 s on an
 * L40S-class GPU rented at about $0.000975/s ≈ $0.0195. Shops with their own
 * hardware pass their own figure (`microsPerImage`).
 */
export const COMFYUI_DEFAULT_MICROS_PER_IMAGE = 19_500;

export interface ComfyuiOptions {
  microsPerImage?: number;
}

const extraSchema = z
  .object({
    /** An API-format graph template ("Save (API format)"); the default brand workflow when absent. */
    workflow: z.record(z.string(), z.unknown()).optional(),
    checkpoint: z.string().optional(),
    loraName: z.string().optional(),
    loraStrength: z.number().optional(),
    /** A file already in ComfyUI's input folder, or image bytes to upload first. */
    poseImage: z.union([z.string(), z.instanceof(Uint8Array)]).optional(),
    /** A pose image to download and upload: ComfyUI's LoadImage reads only its own input folder. */
    poseImageUrl: z.url().optional(),
  })
  .loose();

const promptAnswerSchema = z.object({
  prompt_id: z.string().min(1),
  number: z.number(),
  node_errors: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]),
});

const nodeErrorSchema = z.object({
  class_type: z.string().optional(),
  errors: z.array(z.object({ type: z.string().optional(), message: z.string(), details: z.string().optional(), extra_info: z.object({ input_name: z.string().optional() }).loose().optional() })),
});
const promptErrorSchema = z.object({
  error: z.union([z.string(), z.object({ type: z.string().optional(), message: z.string(), details: z.string().optional() })]),
  // ComfyUI sends [] instead of {} when no node is to blame.
  node_errors: z.union([z.record(z.string(), nodeErrorSchema), z.array(z.unknown())]).optional(),
});

const imageRefSchema = z.object({ filename: z.string().min(1), subfolder: z.string(), type: z.string() });
const historyEntrySchema = z.object({
  outputs: z.record(z.string(), z.object({ images: z.array(imageRefSchema).optional() }).loose()),
  status: z
    .object({
      status_str: z.string(),
      completed: z.boolean(),
      messages: z.array(z.tuple([z.string(), z.unknown()])).optional(),
    })
    .optional(),
});
const historySchema = z.record(z.string(), historyEntrySchema);
const queueSchema = z.object({ queue_running: z.array(z.array(z.unknown())), queue_pending: z.array(z.array(z.unknown())) });
const executionErrorSchema = z.object({ node_id: z.string().optional(), node_type: z.string().optional(), exception_message: z.string().optional(), exception_type: z.string().optional() });
const uploadSchema = z.object({ name: z.string().min(1), subfolder: z.string(), type: z.string() });
const systemStatsSchema = z.object({ system: z.record(z.string(), z.unknown()), devices: z.array(z.unknown()) });

/** A 400 from /prompt, told in terms of the node and input that are wrong. */
function classifyPrompt(status: number, body: unknown): { code: ProviderErrorCode; message: string; providerCode?: string } | undefined {
  const parsed = promptErrorSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const top = typeof parsed.data.error === "string" ? { message: parsed.data.error, type: undefined, details: undefined } : parsed.data.error;
  const nodes = Array.isArray(parsed.data.node_errors) ? [] : Object.entries(parsed.data.node_errors ?? {});
  const parts = nodes.flatMap(([id, node]) =>
    node.errors.map((e) => `node ${id}${node.class_type ? ` (${node.class_type})` : ""}${e.extra_info?.input_name ? ` input "${e.extra_info.input_name}"` : ""}: ${e.message}${e.details ? ` – ${e.details}` : ""}`),
  );
  const detail = parts.length > 0 ? parts.join("; ") : `${top.message}${top.details ? ` – ${top.details}` : ""}`;
  return { code: status === 400 ? "invalid_input" : codeForStatus(status), message: `ComfyUI rejected the workflow: ${detail.slice(0, 600)}`, providerCode: top.type };
}

function imageType(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 12));
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "image/png";
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "image/jpeg";
  if (head.subarray(0, 4).toString("latin1") === "RIFF" && head.subarray(8, 12).toString("latin1") === "WEBP") return "image/webp";
  return undefined;
}

function batchSize(workflow: Record<string, unknown>): number {
  for (const node of Object.values(workflow)) {
    const parsed = z.object({ class_type: z.literal("EmptyLatentImage"), inputs: z.object({ batch_size: z.number().int().positive() }).loose() }).safeParse(node);
    if (parsed.success) return parsed.data.inputs.batch_size;
  }
  return 1;
}

export function createComfyuiProvider(config: ProviderConfig, ctx: ProviderContext, options: ComfyuiOptions = {}): GenerationProvider {
  const base = config.baseUrl.replace(/\/+$/, "");
  // Auth is optional: plain ComfyUI has none; a proxy in front usually wants a Bearer key.
  const auth: Record<string, string> = config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {};
  const microsPerImage = options.microsPerImage ?? COMFYUI_DEFAULT_MICROS_PER_IMAGE;
  const timeoutMs = ctx.timeoutMs ?? 30_000;

  /** Bytes from a URL; `missing` is the code for 404/410 (a gone output vs. a bad input link). */
  async function getBytes(url: string, headers: Record<string, string>, what: string, missing: ProviderErrorCode): Promise<{ bytes: Buffer; contentType: string }> {
    let response: Response;
    try {
      response = await ctx.fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const name = error instanceof Error ? error.name : "";
      if (name === "TimeoutError" || name === "AbortError") throw new ProviderError("comfyui", "timeout", `${what} did not arrive within ${timeoutMs} ms`);
      throw new ProviderError("comfyui", "server_error", `${what} could not be fetched`);
    }
    if (!response.ok) {
      const code = response.status === 404 || response.status === 410 ? missing : codeForStatus(response.status);
      throw new ProviderError("comfyui", code, `${what} answered HTTP ${response.status}`, { status: response.status });
    }
    let bytes: Buffer;
    try {
      bytes = Buffer.from(await response.arrayBuffer());
    } catch {
      throw new ProviderError("comfyui", "timeout", `${what} did not finish within ${timeoutMs} ms`);
    }
    return { bytes, contentType: response.headers.get("content-type") ?? "application/octet-stream" };
  }

  async function upload(bytes: Uint8Array): Promise<string> {
    const type = imageType(bytes);
    if (!type) throw new ProviderError("comfyui", "invalid_input", "The pose image is not a PNG, JPEG or WebP file");
    const form = new FormData();
    form.append("image", new Blob([new Uint8Array(bytes)], { type }), `shotlane-pose-${randomUUID()}.${type.split("/")[1]}`);
    const response = await providerRequest("comfyui", ctx, { method: "POST", url: `${base}/upload/image`, headers: auth, body: form });
    const uploaded = parseProviderBody("comfyui", uploadSchema, response.body, "upload answer");
    // LoadImage names files in subfolders as "subfolder/name".
    return uploaded.subfolder ? `${uploaded.subfolder}/${uploaded.name}` : uploaded.name;
  }

  async function poseImageFor(extra: z.infer<typeof extraSchema>): Promise<string | undefined> {
    if (extra.poseImage instanceof Uint8Array) return upload(extra.poseImage);
    if (extra.poseImageUrl) return upload((await getBytes(extra.poseImageUrl, {}, "The pose image URL", "invalid_input")).bytes);
    return extra.poseImage;
  }

  async function history(promptId: string) {
    const response = await providerRequest("comfyui", ctx, { url: `${base}/history/${encodeURIComponent(promptId)}`, headers: auth });
    return parseProviderBody("comfyui", historySchema, response.body, "history")[promptId];
  }

  async function isQueued(promptId: string): Promise<boolean> {
    const response = await providerRequest("comfyui", ctx, { url: `${base}/queue`, headers: auth });
    const queue = parseProviderBody("comfyui", queueSchema, response.body, "queue");
    // Queue items are [number, prompt_id, prompt, extra_data, outputs_to_execute].
    return [...queue.queue_running, ...queue.queue_pending].some((item) => item[1] === promptId);
  }

  return {
    id: "comfyui",
    label: "ComfyUI (self-hosted)",
    isDemo: false,
    operations: ["product-to-model"],

    async submit(request: GenerationRequest) {
      const extra = extraSchema.safeParse(request.extra ?? {});
      if (!extra.success) throw new ProviderError("comfyui", "invalid_input", `ComfyUI extras are invalid: ${extra.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
      let graph: ComfyGraph;
      try {
        // Validate before uploading anything, so a broken template costs nothing.
        fillComfyGraph(extra.data.workflow ?? DEFAULT_BRAND_WORKFLOW, { positivePrompt: request.prompt });
        const poseImage = await poseImageFor(extra.data);
        graph = fillComfyGraph(extra.data.workflow ?? DEFAULT_BRAND_WORKFLOW, {
          positivePrompt: request.prompt,
          negativePrompt: request.negativePrompt,
          seed: request.seed,
          checkpoint: extra.data.checkpoint,
          loraName: extra.data.loraName,
          loraStrength: extra.data.loraStrength,
          poseImage,
        });
      } catch (error) {
        if (error instanceof ComfyGraphError) throw new ProviderError("comfyui", "invalid_input", `The ComfyUI workflow is not usable: ${error.message}`);
        throw error;
      }
      const clientId = randomUUID();
      const response = await providerRequest("comfyui", ctx, { method: "POST", url: `${base}/prompt`, headers: auth, json: { prompt: graph, client_id: clientId } }, classifyPrompt);
      const answer = parseProviderBody("comfyui", promptAnswerSchema, response.body, "prompt answer");
      return { providerJobId: answer.prompt_id, handle: { clientId } };
    },

    async poll(job): Promise<PollResult> {
      let entry = await history(job.providerJobId);
      if (!entry) {
        if (await isQueued(job.providerJobId)) return { state: "pending" };
        // It may have finished between the two calls; otherwise ComfyUI has forgotten it (history is in memory).
        entry = await history(job.providerJobId);
        if (!entry) throw new ProviderError("comfyui", "not_found", `ComfyUI has no record of prompt ${job.providerJobId} (restarted or history cleared)`);
      }
      const messages = entry.status?.messages ?? [];
      if (messages.some(([event]) => event === "execution_interrupted")) {
        return { state: "failed", error: new ProviderError("comfyui", "canceled", `ComfyUI prompt ${job.providerJobId} was interrupted`) };
      }
      if (entry.status?.status_str === "error") {
        const raw = messages.find(([event]) => event === "execution_error")?.[1];
        const detail = executionErrorSchema.safeParse(raw ?? {});
        const info = detail.success ? detail.data : {};
        const where = info.node_id ? ` at node ${info.node_id}${info.node_type ? ` (${info.node_type})` : ""}` : "";
        const message = `ComfyUI prompt ${job.providerJobId} failed${where}${info.exception_message ? `: ${info.exception_message.trim().slice(0, 300)}` : ""}`;
        return { state: "failed", error: new ProviderError("comfyui", "server_error", message, { providerCode: info.exception_type }) };
      }
      if (entry.status && !entry.status.completed) return { state: "pending" };

      const images = Object.keys(entry.outputs)
        .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
        .flatMap((nodeId) => entry.outputs[nodeId].images ?? [])
        // "temp" images are previews; only SaveImage's "output" files are results.
        .filter((image) => image.type === "output");
      if (images.length === 0) throw new ProviderError("comfyui", "bad_response", `ComfyUI prompt ${job.providerJobId} finished without saved images`);
      const outputs: ProviderOutput[] = [];
      for (const image of images) {
        const query = new URLSearchParams({ filename: image.filename, subfolder: image.subfolder, type: image.type });
        const { bytes, contentType } = await getBytes(`${base}/view?${query}`, auth, `ComfyUI output ${image.filename}`, "expired_result");
        outputs.push({ kind: "bytes", bytes, contentType });
      }
      const usage: Usage = { unit: "image", units: outputs.length, costMicros: outputs.length * microsPerImage };
      return { state: "succeeded", outputs, usage };
    },

    async cancel(job) {
      // Drop it from the queue if waiting; interrupt it only if it is the one running.
      await providerRequest("comfyui", ctx, { method: "POST", url: `${base}/queue`, headers: auth, json: { delete: [job.providerJobId] } });
      await providerRequest("comfyui", ctx, { method: "POST", url: `${base}/interrupt`, headers: auth, json: { prompt_id: job.providerJobId } });
    },

    async testConnection() {
      return probeConnection("ComfyUI", async () => parseProviderBody("comfyui", systemStatsSchema, (await providerRequest("comfyui", ctx, { url: `${base}/system_stats`, headers: auth })).body, "system stats"));
    },

    estimate(request) {
      const extra = extraSchema.safeParse(request.extra ?? {});
      const images = batchSize(extra.success && extra.data.workflow ? extra.data.workflow : DEFAULT_BRAND_WORKFLOW);
      return { unit: "image", units: images, costMicros: images * microsPerImage };
    },
  };
}
