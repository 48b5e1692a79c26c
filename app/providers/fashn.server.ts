import { randomUUID } from "node:crypto";
import { z } from "zod";
import { codeForStatus, parseProviderBody, probeConnection, providerRequest } from "./provider-http";
import {
  ProviderError,
  type GenerationOperation,
  type GenerationProvider,
  type GenerationRequest,
  type PollResult,
  type ProviderConfig,
  type ProviderContext,
  type ProviderErrorCode,
  type SubmittedJob,
  type Usage,
} from "./provider";

/**
 * FASHN adapter (../shared/PLATFORM.md): POST /run {model_name, inputs} → {id},
 * then GET /status/{id} until completed or failed. A failed run is HTTP 200 with
 * status "failed", so job failures come back as a PollResult, while failures of
 * the call itself (429, 401, timeouts) are thrown as ProviderErrors.
 */

/**
 * FASHN bills 1 credit per output image. We price a credit at its pay-as-you-go
 * list price, $0.075 (75,000 micro-USD), so budgets err on the high side for
 * shops on a cheaper subscription tier.
 */
export const FASHN_MICROS_PER_CREDIT = 75_000;

/** The one FASHN model each operation runs; the inputs below are written for exactly these. */
const FASHN_MODELS: Partial<Record<GenerationOperation, string>> = {
  "try-on": "tryon-v1.6",
  "product-to-model": "product-to-model",
};

const MODES = ["performance", "balanced", "quality"] as const;
const GARMENT_PHOTO_TYPES = ["auto", "flat-lay", "model"] as const;

/** Run failures reported inside a 200 status answer. Unknown names count as server errors so a bounded retry can still help. */
const RUN_ERROR_CODES: Record<string, ProviderErrorCode> = {
  ContentModerationError: "moderation",
  ImageLoadError: "invalid_input",
  PoseError: "invalid_input",
  PipelineError: "server_error",
  ThirdPartyError: "server_error",
};

/** Why a 429 happened: waiting fixes rate and concurrency limits, never an empty account. */
const QUOTA_CODES: Record<string, ProviderErrorCode> = {
  RateLimitExceeded: "rate_limited",
  ConcurrencyLimitExceeded: "rate_limited",
  OutOfCredits: "out_of_credits",
};

const apiErrorSchema = z.object({ error: z.string(), message: z.string().optional() });

const runResponseSchema = z.object({ id: z.string().min(1), error: z.null().optional() });

const statusSchema = z.discriminatedUnion("status", [
  z.object({ id: z.string(), status: z.enum(["starting", "in_queue", "processing"]) }),
  z.object({ id: z.string(), status: z.literal("completed"), output: z.array(z.url()).min(1) }),
  z.object({ id: z.string(), status: z.literal("failed"), error: z.object({ name: z.string(), message: z.string() }) }),
]);

/** API-level errors (no job yet) are `{error: <name>, message}`; the status decides the code except for 429. */
function classifyApiError(status: number, body: unknown): { code: ProviderErrorCode; message: string; providerCode?: string } | undefined {
  const parsed = apiErrorSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const { error, message } = parsed.data;
  const code = status === 429 ? (QUOTA_CODES[error] ?? "rate_limited") : codeForStatus(status);
  return { code, message: `FASHN ${error}${message ? `: ${message}` : ""}`, providerCode: error };
}

function contentTypeFor(format: string | undefined): string {
  return format === "jpeg" ? "image/jpeg" : "image/png";
}

function creditUsage(images: number): Usage {
  return { unit: "credit", units: images, costMicros: images * FASHN_MICROS_PER_CREDIT };
}

function pickOption<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.find((option) => option === value) ?? fallback;
}

export function createFashnProvider(config: ProviderConfig, ctx: ProviderContext): GenerationProvider {
  const baseUrl = config.baseUrl.replace(/\/+$/, "");
  const headers = { authorization: `Bearer ${config.apiKey}` };

  function inputsFor(request: GenerationRequest): { modelName: string; inputs: Record<string, unknown>; outputFormat: "png" | "jpeg" } {
    const modelName = FASHN_MODELS[request.operation];
    if (!modelName) throw new ProviderError("fashn", "invalid_input", `FASHN cannot do ${request.operation}`);
    if (request.model !== modelName) throw new ProviderError("fashn", "invalid_input", `FASHN runs ${request.operation} with model "${modelName}", not "${request.model}"`);
    if (request.operation === "product-to-model") {
      // Only the documented inputs are sent, so the output is FASHN's default PNG.
      return {
        modelName,
        outputFormat: "png",
        inputs: { product_image: request.sourceImageUrl, ...(request.modelImageUrl ? { model_image: request.modelImageUrl } : {}), prompt: request.prompt },
      };
    }
    if (!request.modelImageUrl) throw new ProviderError("fashn", "invalid_input", "FASHN try-on needs a model image: set the recipe's model reference");
    const outputFormat = request.outputFormat ?? "png";
    return {
      modelName,
      outputFormat,
      inputs: {
        model_image: request.modelImageUrl,
        garment_image: request.sourceImageUrl,
        category: request.garmentCategory ?? "auto",
        mode: pickOption(request.extra?.mode, MODES, "balanced"),
        garment_photo_type: pickOption(request.extra?.garmentPhotoType, GARMENT_PHOTO_TYPES, "auto"),
        ...(request.seed !== undefined ? { seed: request.seed } : {}),
        // One candidate per call keeps cost and retries per image.
        num_samples: 1,
        output_format: outputFormat,
      },
    };
  }

  return {
    id: "fashn",
    label: "FASHN",
    isDemo: false,
    operations: ["product-to-model", "try-on"],

    async submit(request) {
      const { modelName, inputs, outputFormat } = inputsFor(request);
      const query = request.webhookUrl ? `?webhook_url=${encodeURIComponent(request.webhookUrl)}` : "";
      const { body } = await providerRequest("fashn", ctx, { method: "POST", url: `${baseUrl}/run${query}`, headers, json: { model_name: modelName, inputs } }, classifyApiError);
      const { id } = parseProviderBody("fashn", runResponseSchema, body, "run answer");
      // The output format only shows in the file, so keep it to label the outputs' content type.
      return { providerJobId: id, handle: { modelName, outputFormat } };
    },

    async poll(job: SubmittedJob): Promise<PollResult> {
      const { body } = await providerRequest("fashn", ctx, { url: `${baseUrl}/status/${encodeURIComponent(job.providerJobId)}`, headers }, classifyApiError);
      const status = parseProviderBody("fashn", statusSchema, body, "status answer");
      if (status.status === "completed") {
        const contentType = contentTypeFor(job.handle.outputFormat);
        return { state: "succeeded", outputs: status.output.map((url) => ({ kind: "url", url, contentType })), usage: creditUsage(status.output.length) };
      }
      if (status.status === "failed") {
        const { name, message } = status.error;
        // No usage: FASHN does not bill runs that produce no image.
        return { state: "failed", error: new ProviderError("fashn", RUN_ERROR_CODES[name] ?? "server_error", `FASHN ${name}: ${message}`, { providerCode: name }) };
      }
      return { state: "pending" };
    },

    async cancel() {
      // FASHN has no cancel endpoint; an unwanted run finishes and its output is never downloaded.
    },

    async testConnection() {
      // Polling an id that cannot exist is free and authenticated, and starts (and pays for) no run.
      return probeConnection("FASHN", () => providerRequest("fashn", ctx, { url: `${baseUrl}/status/shotlane-connection-check-${randomUUID()}`, headers }, classifyApiError), { missingMeansKeyWorks: true });
    },

    estimate(request) {
      inputsFor(request);
      return creditUsage(1);
    },
  };
}
