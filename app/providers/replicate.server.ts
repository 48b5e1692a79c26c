import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import {
  ProviderError,
  type GenerationProvider,
  type GenerationRequest,
  type PollResult,
  type ProviderConfig,
  type ProviderContext,
  type ProviderErrorCode,
  type SubmittedJob,
  type Usage,
} from "./provider";
import { codeForStatus, parseProviderBody, probeConnection, providerRequest } from "./provider-http";

/**
 * Replicate predictions (../shared/PLATFORM.md): create, poll, cancel, and the
 * Standard-Webhooks signature check for its completion callbacks.
 */

/**
 * Replicate bills public models by GPU time. Nvidia L40S is $0.000975/s
 * (replicate.com/pricing, 2025), the usual hardware for SDXL-class image
 * models; a different GPU is a different constant.
 */
export const REPLICATE_MICROS_PER_SECOND = 975;
/** Used by `estimate` when the recipe gives no `extra.estimatedSeconds`: a typical SDXL + LoRA image on an L40S. */
export const REPLICATE_ESTIMATED_SECONDS = 12;

const predictionSchema = z.object({
  id: z.string().min(1),
  status: z.enum(["starting", "processing", "succeeded", "failed", "canceled", "aborted"]),
  // A model returns one file URL or a list of them; other shapes are not images we can use.
  output: z.union([z.string(), z.array(z.string()), z.null()]).optional(),
  // Replicate's error is usually a string; some models return an object.
  error: z.union([z.string(), z.record(z.string(), z.unknown()), z.null()]).optional(),
  metrics: z.object({ predict_time: z.number().nonnegative().optional() }).partial().nullable().optional(),
});

export type ReplicatePrediction = z.infer<typeof predictionSchema>;

// Problem-details body Replicate sends with 4xx/5xx.
const errorBodySchema = z.object({ detail: z.string().optional(), title: z.string().optional() });

const accountSchema = z.object({ username: z.string() });

const extraSchema = z
  .object({
    /** Model inputs passed as they are, overriding the mapped ones (each Replicate model names its inputs differently). */
    input: z.record(z.string(), z.unknown()).optional(),
    estimatedSeconds: z.number().positive().optional(),
  })
  .loose();

// NSFW checkers and Replicate's own filter word their refusals like these.
const SAFETY_WORDING = /nsfw|safety|unsafe|sensitive|flagged|content (policy|moderation)/i;

function usageOf(prediction: ReplicatePrediction): Usage | undefined {
  const seconds = prediction.metrics?.predict_time;
  if (seconds === undefined) return undefined;
  return { unit: "gpu-second", units: seconds, costMicros: Math.round(seconds * REPLICATE_MICROS_PER_SECOND) };
}

function errorText(error: ReplicatePrediction["error"]): string {
  if (!error) return "";
  return typeof error === "string" ? error : JSON.stringify(error);
}

/** Replicate's problem-details body says why; the status alone picks the code (402 is out of credit). */
function classify(status: number, body: unknown): { code: ProviderErrorCode; message: string } | undefined {
  const parsed = errorBodySchema.safeParse(body);
  const detail = parsed.success ? (parsed.data.detail ?? parsed.data.title) : undefined;
  if (!detail) return undefined;
  const message = `Replicate answered HTTP ${status}: ${detail.slice(0, 300)}`;
  return { code: codeForStatus(status), message };
}

/** Maps the recipe request onto the common input names of Replicate image models; `extra.input` wins. */
function inputFor(request: GenerationRequest, extraInput: Record<string, unknown> | undefined): Record<string, unknown> {
  const input: Record<string, unknown> = { prompt: request.prompt, image: request.sourceImageUrl };
  if (request.negativePrompt) input.negative_prompt = request.negativePrompt;
  if (request.seed !== undefined) input.seed = request.seed;
  if (request.modelImageUrl) input.model_image = request.modelImageUrl;
  if (request.outputFormat) input.output_format = request.outputFormat;
  return { ...input, ...extraInput };
}

export function createReplicateProvider(config: ProviderConfig, ctx: ProviderContext): GenerationProvider {
  const base = config.baseUrl.replace(/\/+$/, "");
  const auth = { authorization: `Bearer ${config.apiKey}` };

  const predictionUrl = (id: string) => `${base}/predictions/${encodeURIComponent(id)}`;

  return {
    id: "replicate",
    label: "Replicate",
    isDemo: false,
    operations: ["product-to-model", "try-on"],

    async submit(request) {
      const extra = extraSchema.safeParse(request.extra ?? {});
      if (!extra.success) throw new ProviderError("replicate", "invalid_input", `Replicate extras are invalid: ${extra.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
      const body: Record<string, unknown> = { version: request.model, input: inputFor(request, extra.data.input) };
      if (request.webhookUrl) {
        body.webhook = request.webhookUrl;
        // Only the final state matters to us; intermediate events would be noise.
        body.webhook_events_filter = ["completed"];
      }
      const response = await providerRequest("replicate", ctx, { method: "POST", url: `${base}/predictions`, headers: auth, json: body }, classify);
      const prediction = parseProviderBody("replicate", predictionSchema, response.body, "prediction");
      return { providerJobId: prediction.id, handle: {} };
    },

    async poll(job: SubmittedJob): Promise<PollResult> {
      const response = await providerRequest("replicate", ctx, { url: predictionUrl(job.providerJobId), headers: auth }, classify);
      return replicatePollResult(parseProviderBody("replicate", predictionSchema, response.body, "prediction"));
    },

    async cancel(job) {
      await providerRequest("replicate", ctx, { method: "POST", url: `${predictionUrl(job.providerJobId)}/cancel`, headers: auth }, classify);
    },

    async testConnection() {
      return probeConnection("Replicate", async () => parseProviderBody("replicate", accountSchema, (await providerRequest("replicate", ctx, { url: `${base}/account`, headers: auth }, classify)).body, "account"));
    },

    estimate(request) {
      const extra = extraSchema.safeParse(request.extra ?? {});
      const seconds = (extra.success ? extra.data.estimatedSeconds : undefined) ?? REPLICATE_ESTIMATED_SECONDS;
      return { unit: "gpu-second", units: seconds, costMicros: Math.round(seconds * REPLICATE_MICROS_PER_SECOND) };
    },
  };
}

/** A prediction (from a poll or a verified webhook) as a PollResult. */
export function replicatePollResult(prediction: ReplicatePrediction): PollResult {
  switch (prediction.status) {
    case "starting":
    case "processing":
      return { state: "pending" };
    case "succeeded": {
      const urls = typeof prediction.output === "string" ? [prediction.output] : (prediction.output ?? []);
      if (urls.length === 0) throw new ProviderError("replicate", "bad_response", `Replicate prediction ${prediction.id} succeeded without output`);
      for (const url of urls) {
        if (!URL.canParse(url)) throw new ProviderError("replicate", "bad_response", `Replicate prediction ${prediction.id} output is not a URL`);
      }
      const usage = usageOf(prediction) ?? { unit: "gpu-second", units: 0, costMicros: 0 };
      return { state: "succeeded", outputs: urls.map((url) => ({ kind: "url", url })), usage };
    }
    case "canceled":
      return { state: "failed", error: new ProviderError("replicate", "canceled", `Replicate prediction ${prediction.id} was canceled`), usage: usageOf(prediction) };
    case "failed":
    case "aborted": {
      const text = errorText(prediction.error);
      const code: ProviderErrorCode = SAFETY_WORDING.test(text) ? "moderation" : "server_error";
      const message = `Replicate prediction ${prediction.id} ${prediction.status}${text ? `: ${text.slice(0, 300)}` : ""}`;
      return { state: "failed", error: new ProviderError("replicate", code, message, { providerCode: prediction.status }), usage: usageOf(prediction) };
    }
  }
}

export class ReplicateWebhookError extends Error {
  constructor(
    message: string,
    /** The header (or "body"/"secret") that failed the check. */
    readonly header: "webhook-id" | "webhook-timestamp" | "webhook-signature" | "body" | "secret",
  ) {
    super(message);
    this.name = "ReplicateWebhookError";
  }
}

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Verifies a Replicate webhook (Standard Webhooks): HMAC-SHA256 over
 * `${webhook-id}.${webhook-timestamp}.${rawBody}` with the base64 key after
 * `whsec_`, any `v1,<base64>` entry of webhook-signature may match, and the
 * timestamp must be within `toleranceSeconds` of `now` (replay protection).
 * Returns the parsed prediction; throws ReplicateWebhookError naming the bad part.
 */
export function verifyReplicateWebhook(args: {
  headers: HeaderSource;
  rawBody: string | Buffer;
  secret: string;
  now?: number | Date;
  toleranceSeconds?: number;
}): ReplicatePrediction {
  const { headers, rawBody, secret, toleranceSeconds = 300 } = args;
  const nowMs = args.now === undefined ? Date.now() : typeof args.now === "number" ? args.now : args.now.getTime();
  if (!secret.startsWith("whsec_") || secret.length <= "whsec_".length) throw new ReplicateWebhookError("The Replicate signing secret must start with whsec_", "secret");
  const key = Buffer.from(secret.slice("whsec_".length), "base64");

  const id = header(headers, "webhook-id");
  if (!id) throw new ReplicateWebhookError("Missing webhook-id header", "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  if (!timestamp) throw new ReplicateWebhookError("Missing webhook-timestamp header", "webhook-timestamp");
  if (!/^\d+$/.test(timestamp)) throw new ReplicateWebhookError("webhook-timestamp is not a Unix time in seconds", "webhook-timestamp");
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceSeconds) {
    throw new ReplicateWebhookError(`webhook-timestamp is more than ${toleranceSeconds} s from now (stale or replayed)`, "webhook-timestamp");
  }
  const signatures = header(headers, "webhook-signature");
  if (!signatures) throw new ReplicateWebhookError("Missing webhook-signature header", "webhook-signature");

  const body = typeof rawBody === "string" ? rawBody : rawBody.toString("utf8");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest();
  const matches = signatures.split(" ").some((entry) => {
    const [version, signature] = entry.split(",", 2);
    if (version !== "v1" || !signature) return false;
    const given = Buffer.from(signature, "base64");
    // timingSafeEqual needs equal lengths; a wrong length is simply no match.
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw new ReplicateWebhookError("webhook-signature does not match the body", "webhook-signature");

  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new ReplicateWebhookError("The webhook body is not JSON", "body");
  }
  const parsed = predictionSchema.safeParse(json);
  if (!parsed.success) throw new ReplicateWebhookError(`The webhook body is not a prediction (${parsed.error.issues[0]?.path.join(".") || "body"}: ${parsed.error.issues[0]?.message})`, "body");
  return parsed.data;
}
