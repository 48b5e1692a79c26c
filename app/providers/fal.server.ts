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
 * fal queue adapter (../shared/PLATFORM.md): POST {base}/{model} returns the
 * request's status, response and cancel URLs. Those URLs drop the model's
 * sub-path (fal-ai/fashn/tryon/v1.6 → fal-ai/fashn/requests/…), so they are
 * stored in the handle and used as given rather than rebuilt.
 */

/** fal's list prices: FASHN try-on per image, Kling 2.1 standard per 5 s of video. */
export const FAL_TRYON_MICROS_PER_IMAGE = 75_000;
export const FAL_KLING_MICROS_PER_5_SECONDS = 280_000;

const FAL_MODELS: Partial<Record<GenerationOperation, string>> = {
  "try-on": "fal-ai/fashn/tryon/v1.6",
  "image-to-video": "fal-ai/kling-video/v2.1/standard/image-to-video",
};

const MODES = ["performance", "balanced", "quality"] as const;
const GARMENT_PHOTO_TYPES = ["auto", "flat-lay", "model"] as const;
/** Kling only renders 5 or 10 seconds; anything else is refused rather than silently paid for at 10. */
const VIDEO_SECONDS = [5, 10] as const;

const submitSchema = z.object({ request_id: z.string().min(1), status_url: z.url(), response_url: z.url(), cancel_url: z.url() });

const statusSchema = z.object({
  status: z.enum(["IN_QUEUE", "IN_PROGRESS", "COMPLETED"]),
  queue_position: z.number().nullish(),
  // Present on COMPLETED when the request failed (fal's request error types).
  error: z.string().nullish(),
  error_type: z.string().nullish(),
});

const tryOnResultSchema = z.object({
  images: z.array(z.object({ url: z.url(), width: z.number().optional(), height: z.number().optional(), content_type: z.string().optional() })).min(1),
});

const videoResultSchema = z.object({ video: z.object({ url: z.url(), content_type: z.string().optional() }) });

/** Model errors are `{detail: [{loc, msg, type}]}`; request errors are `{detail: "<text>", error_type}`. */
const errorBodySchema = z.object({
  detail: z.union([z.array(z.object({ loc: z.array(z.union([z.string(), z.number()])).optional(), msg: z.string(), type: z.string().optional() })), z.string()]),
  error_type: z.string().optional(),
});

function classifyFalError(status: number, body: unknown): { code: ProviderErrorCode; message: string; providerCode?: string } | undefined {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return undefined;
  const { detail, error_type: errorType } = parsed.data;
  if (typeof detail === "string") return { code: codeForStatus(status), message: `fal: ${detail}`, providerCode: errorType };
  const moderated = detail.find((d) => d.type === "content_policy_violation");
  const message = detail.map((d) => (d.loc && d.loc.length > 0 ? `${d.loc.filter((part) => part !== "body").join(".")}: ${d.msg}` : d.msg)).join("; ");
  return { code: moderated ? "moderation" : codeForStatus(status), message: `fal: ${message}`, providerCode: moderated?.type ?? detail[0]?.type };
}

function pickOption<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.find((option) => option === value) ?? fallback;
}

function videoSeconds(request: GenerationRequest): 5 | 10 {
  const seconds = request.durationSeconds ?? 5;
  const allowed = VIDEO_SECONDS.find((s) => s === seconds);
  if (!allowed) throw new ProviderError("fal", "invalid_input", `Kling renders 5 or 10 seconds of video, not ${seconds}: change the recipe's duration`);
  return allowed;
}

function usageFor(operation: string, count: number, seconds: number): Usage {
  if (operation === "image-to-video") return { unit: "second", units: seconds, costMicros: (FAL_KLING_MICROS_PER_5_SECONDS * seconds) / 5 };
  return { unit: "image", units: count, costMicros: count * FAL_TRYON_MICROS_PER_IMAGE };
}

/** A request the queue accepted: the URLs fal returned, checked to be on the configured host. */
export interface FalQueuedRequest {
  requestId: string;
  statusUrl: string;
  responseUrl: string;
  cancelUrl: string;
}

export type FalStatus = z.infer<typeof statusSchema>;

/**
 * fal's queue without any model's input or output: submit, status, result,
 * cancel and the free key probe. The generation adapter below and the BiRefNet
 * background remover (app/imaging/background-removal) both run on it.
 */
export interface FalQueue {
  /** POST {base}/{model}; `query` is appended as given (e.g. "?fal_webhook=…"). */
  submit(model: string, input: Record<string, unknown>, query?: string): Promise<FalQueuedRequest>;
  status(statusUrl: string | undefined): Promise<FalStatus>;
  /** The model's raw output (or its error as a ProviderError) from the response URL. */
  result(responseUrl: string | undefined): Promise<unknown>;
  /** PUT on the cancel URL; a request already finished (400) or unknown (404) is not an error. */
  cancel(cancelUrl: string | undefined): Promise<void>;
  testConnection(): Promise<{ ok: true } | { ok: false; message: string }>;
}

export function createFalQueue(config: ProviderConfig, ctx: ProviderContext): FalQueue {
  const baseUrl = config.baseUrl.replace(/\/+$/, "");
  const origin = new URL(baseUrl).origin;
  const headers = { authorization: `Key ${config.apiKey}` };

  /** The key goes wherever these URLs point, so they must stay on the configured fal host. */
  function queueUrl(value: string | undefined, what: string): string {
    if (!value || !URL.canParse(value) || new URL(value).origin !== origin) throw new ProviderError("fal", "bad_response", `fal ${what} is missing or not on ${origin}`);
    return value;
  }

  return {
    async submit(model, input, query = "") {
      const { body } = await providerRequest("fal", ctx, { method: "POST", url: `${baseUrl}/${model}${query}`, headers, json: input }, classifyFalError);
      const submitted = parseProviderBody("fal", submitSchema, body, "submit answer");
      return {
        requestId: submitted.request_id,
        statusUrl: queueUrl(submitted.status_url, "status URL"),
        responseUrl: queueUrl(submitted.response_url, "response URL"),
        cancelUrl: queueUrl(submitted.cancel_url, "cancel URL"),
      };
    },

    async status(statusUrl) {
      const { body } = await providerRequest("fal", ctx, { url: queueUrl(statusUrl, "status URL"), headers }, classifyFalError);
      return parseProviderBody("fal", statusSchema, body, "status answer");
    },

    async result(responseUrl) {
      const { body } = await providerRequest("fal", ctx, { url: queueUrl(responseUrl, "response URL"), headers }, classifyFalError);
      return body;
    },

    async cancel(cancelUrl) {
      try {
        await providerRequest("fal", ctx, { method: "PUT", url: queueUrl(cancelUrl, "cancel URL"), headers });
      } catch (error) {
        // Already finished (400 ALREADY_COMPLETED) or unknown (404): nothing is left to stop.
        if (error instanceof ProviderError && (error.options.status === 400 || error.options.status === 404)) return;
        throw error;
      }
    },

    async testConnection() {
      // Asking for the status of a request that cannot exist is free.
      return probeConnection("fal", () => providerRequest("fal", ctx, { url: `${baseUrl}/fal-ai/fashn/requests/${randomUUID()}/status`, headers }, classifyFalError), { missingMeansKeyWorks: true });
    },
  };
}

/**
 * Whether a failed result fetch ends the request: the status said it failed,
 * or the model refused the input (4xx). Anything else (429, auth, a timeout, a
 * gateway 5xx) is about this fetch, and the result is fetched again later.
 */
export function falRequestFailed(status: FalStatus, error: ProviderError): boolean {
  return Boolean(status.error) || (error.options.status !== undefined && error.options.status >= 400 && error.options.status < 500 && error.code !== "rate_limited" && error.code !== "auth");
}

export function createFalProvider(config: ProviderConfig, ctx: ProviderContext): GenerationProvider {
  const queue = createFalQueue(config, ctx);

  function modelFor(request: GenerationRequest): string {
    const model = FAL_MODELS[request.operation];
    if (!model) throw new ProviderError("fal", "invalid_input", `fal cannot do ${request.operation} here`);
    if (request.model !== model) throw new ProviderError("fal", "invalid_input", `fal runs ${request.operation} with "${model}", not "${request.model}"`);
    return model;
  }

  function inputFor(request: GenerationRequest): Record<string, unknown> {
    if (request.operation === "image-to-video") {
      const cfgScale = request.extra?.cfgScale;
      return {
        prompt: request.prompt,
        image_url: request.sourceImageUrl,
        // fal wants the duration as the string "5" or "10".
        duration: String(videoSeconds(request)),
        ...(request.negativePrompt ? { negative_prompt: request.negativePrompt } : {}),
        ...(typeof cfgScale === "number" ? { cfg_scale: cfgScale } : {}),
      };
    }
    if (!request.modelImageUrl) throw new ProviderError("fal", "invalid_input", "fal try-on needs a model image: set the recipe's model reference");
    return {
      model_image: request.modelImageUrl,
      garment_image: request.sourceImageUrl,
      category: request.garmentCategory ?? "auto",
      mode: pickOption(request.extra?.mode, MODES, "balanced"),
      garment_photo_type: pickOption(request.extra?.garmentPhotoType, GARMENT_PHOTO_TYPES, "auto"),
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
      num_samples: 1,
      output_format: request.outputFormat ?? "png",
    };
  }

  async function fetchResult(job: SubmittedJob): Promise<PollResult> {
    const body = await queue.result(job.handle.responseUrl);
    const seconds = Number(job.handle.seconds ?? 0);
    if (job.handle.operation === "image-to-video") {
      const { video } = parseProviderBody("fal", videoResultSchema, body, "video result");
      return { state: "succeeded", outputs: [{ kind: "url", url: video.url, contentType: video.content_type ?? "video/mp4" }], usage: usageFor("image-to-video", 1, seconds) };
    }
    const { images } = parseProviderBody("fal", tryOnResultSchema, body, "try-on result");
    return { state: "succeeded", outputs: images.map((image) => ({ kind: "url", url: image.url, contentType: image.content_type })), usage: usageFor("try-on", images.length, 0) };
  }

  return {
    id: "fal",
    label: "fal",
    isDemo: false,
    operations: ["try-on", "image-to-video"],

    async submit(request) {
      const model = modelFor(request);
      const input = inputFor(request);
      const query = request.webhookUrl ? `?fal_webhook=${encodeURIComponent(request.webhookUrl)}` : "";
      const submitted = await queue.submit(model, input, query);
      return {
        providerJobId: submitted.requestId,
        handle: {
          operation: request.operation,
          statusUrl: submitted.statusUrl,
          responseUrl: submitted.responseUrl,
          cancelUrl: submitted.cancelUrl,
          ...(request.operation === "image-to-video" ? { seconds: String(videoSeconds(request)) } : {}),
        },
      };
    },

    async poll(job) {
      const status = await queue.status(job.handle.statusUrl);
      if (status.status !== "COMPLETED") return { state: "pending" };
      try {
        return await fetchResult(job);
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        // The job is over when the status says it failed or the model refused the
        // input; anything else is thrown and the result is fetched again on the next poll.
        if (!falRequestFailed(status, error)) throw error;
        return { state: "failed", error };
      }
    },

    cancel: (job) => queue.cancel(job.handle.cancelUrl),

    testConnection: () => queue.testConnection(),

    estimate(request) {
      modelFor(request);
      return request.operation === "image-to-video" ? usageFor("image-to-video", 1, videoSeconds(request)) : usageFor("try-on", 1, 0);
    },
  };
}
