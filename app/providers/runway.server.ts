import { z } from "zod";
import { ProviderError, type GenerationProvider, type GenerationRequest, type PollResult, type ProviderConfig, type ProviderContext, type ProviderErrorCode, type Usage } from "./provider";
import { codeForStatus, parseProviderBody, probeConnection, providerRequest } from "./provider-http";

/**
 * Runway image-to-video tasks (../shared/PLATFORM.md). Runway has no
 * webhooks, so the caller polls; Runway asks for no more than one poll per
 * task every 5 s, which every pending result says through `retryAfterMs`.
 */

/** The API version this adapter was written against; Runway requires it on every call. */
export const RUNWAY_API_VERSION = "2024-11-06";
export const RUNWAY_POLL_INTERVAL_MS = 5_000;
/** Runway's published rates (docs.dev.runwayml.com/guides/pricing): gen4_turbo and gen3a_turbo cost 5 credits per second of video. */
export const RUNWAY_CREDITS_PER_SECOND: Readonly<Record<string, number>> = { gen4_turbo: 5, gen3a_turbo: 5 };
/** One API credit is $0.01. */
export const RUNWAY_MICROS_PER_CREDIT = 10_000;
export const RUNWAY_DURATIONS = [5, 10] as const;
const DEFAULT_DURATION = 5;

/** Aspect ratios as recipes write them, to the output sizes gen4_turbo accepts. */
const RATIOS: Readonly<Record<string, string>> = {
  "16:9": "1280:720",
  "9:16": "720:1280",
  "4:3": "1104:832",
  "3:4": "832:1104",
  "1:1": "960:960",
  "21:9": "1584:672",
};
// Portrait suits product pages and social stories, where these clips go.
const DEFAULT_RATIO = "720:1280";
const MAX_SEED = 4_294_967_295;

const createdSchema = z.object({ id: z.string().min(1) });
const taskSchema = z.object({
  id: z.string().min(1),
  status: z.enum(["PENDING", "THROTTLED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"]),
  progress: z.number().min(0).max(1).nullable().optional(),
  output: z.array(z.url()).nullable().optional(),
  failure: z.string().nullable().optional(),
  failureCode: z.string().nullable().optional(),
});
const organizationSchema = z.object({ creditBalance: z.number() });
const errorBodySchema = z.object({ error: z.string(), issues: z.array(z.object({ path: z.array(z.union([z.string(), z.number()])).optional(), message: z.string() })).optional() });

function classify(status: number, body: unknown): { code: ProviderErrorCode; message: string } | undefined {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return undefined;
  const issues = (parsed.data.issues ?? []).map((i) => `${(i.path ?? []).join(".") || "body"}: ${i.message}`).join("; ");
  const message = `Runway answered HTTP ${status}: ${parsed.data.error.slice(0, 300)}${issues ? ` (${issues})` : ""}`;
  // An empty credit balance is a 400, but no retry or input change fixes it.
  if (status === 400 && /not have enough credits|insufficient credits/i.test(parsed.data.error)) return { code: "out_of_credits", message };
  return { code: codeForStatus(status), message };
}

/** Runway's failure codes by family: SAFETY anywhere (also INPUT_PREPROCESSING.SAFETY.*) is a content refusal. */
export function runwayFailureCode(failureCode: string | null | undefined): ProviderErrorCode {
  const code = failureCode ?? "";
  if (code.split(".").includes("SAFETY")) return "moderation";
  if (code.startsWith("INPUT_PREPROCESSING") || code.startsWith("ASSET")) return "invalid_input";
  return "server_error";
}

function durationOf(request: GenerationRequest): number {
  const duration = request.durationSeconds ?? DEFAULT_DURATION;
  if (!(RUNWAY_DURATIONS as readonly number[]).includes(duration)) {
    throw new ProviderError("runway", "invalid_input", `Runway makes ${RUNWAY_DURATIONS.join(" or ")} second clips; the recipe asks for ${duration}`);
  }
  return duration;
}

function ratioOf(request: GenerationRequest): string {
  if (!request.aspectRatio) return DEFAULT_RATIO;
  const ratio = RATIOS[request.aspectRatio] ?? (Object.values(RATIOS).includes(request.aspectRatio) ? request.aspectRatio : undefined);
  if (!ratio) throw new ProviderError("runway", "invalid_input", `Runway does not make ${request.aspectRatio} video; use one of ${Object.keys(RATIOS).join(", ")}`);
  return ratio;
}

function usageFor(model: string, durationSeconds: number): Usage {
  const credits = (RUNWAY_CREDITS_PER_SECOND[model] ?? RUNWAY_CREDITS_PER_SECOND.gen4_turbo) * durationSeconds;
  return { unit: "credit", units: credits, costMicros: credits * RUNWAY_MICROS_PER_CREDIT };
}

export function createRunwayProvider(config: ProviderConfig, ctx: ProviderContext): GenerationProvider {
  const base = config.baseUrl.replace(/\/+$/, "");
  const headers = { authorization: `Bearer ${config.apiKey}`, "x-runway-version": RUNWAY_API_VERSION };
  const taskUrl = (id: string) => `${base}/v1/tasks/${encodeURIComponent(id)}`;

  return {
    id: "runway",
    label: "Runway",
    isDemo: false,
    operations: ["image-to-video"],

    async submit(request) {
      if (request.operation !== "image-to-video") throw new ProviderError("runway", "invalid_input", `Runway only makes video from a still, not ${request.operation}`);
      if (request.seed !== undefined && (!Number.isInteger(request.seed) || request.seed < 0 || request.seed > MAX_SEED)) {
        throw new ProviderError("runway", "invalid_input", `Runway seeds are whole numbers from 0 to ${MAX_SEED}`);
      }
      const duration = durationOf(request);
      const body: Record<string, unknown> = { model: request.model, promptImage: request.sourceImageUrl, ratio: ratioOf(request), duration };
      if (request.prompt) body.promptText = request.prompt;
      if (request.seed !== undefined) body.seed = request.seed;
      const response = await providerRequest("runway", ctx, { method: "POST", url: `${base}/v1/image_to_video`, headers, json: body }, classify);
      const created = parseProviderBody("runway", createdSchema, response.body, "image_to_video answer");
      // Poll needs these to report usage; Runway's task does not repeat them.
      return { providerJobId: created.id, handle: { model: request.model, durationSeconds: String(duration) } };
    },

    async poll(job): Promise<PollResult> {
      const response = await providerRequest("runway", ctx, { url: taskUrl(job.providerJobId), headers }, classify);
      const task = parseProviderBody("runway", taskSchema, response.body, "task");
      switch (task.status) {
        case "PENDING":
        case "THROTTLED":
        case "RUNNING":
          return { state: "pending", progress: task.progress ?? undefined, retryAfterMs: RUNWAY_POLL_INTERVAL_MS };
        case "SUCCEEDED": {
          if (!task.output?.length) throw new ProviderError("runway", "bad_response", `Runway task ${task.id} succeeded without output`);
          const duration = Number(job.handle.durationSeconds ?? DEFAULT_DURATION);
          return {
            state: "succeeded",
            outputs: task.output.map((url) => ({ kind: "url", url, contentType: "video/mp4" })),
            usage: usageFor(job.handle.model ?? "gen4_turbo", Number.isFinite(duration) ? duration : DEFAULT_DURATION),
          };
        }
        case "CANCELLED":
          return { state: "failed", error: new ProviderError("runway", "canceled", `Runway task ${task.id} was cancelled`) };
        case "FAILED": {
          const code = runwayFailureCode(task.failureCode);
          const detail = [task.failureCode, task.failure].filter(Boolean).join(": ");
          // Failed tasks are not charged, so no usage.
          return { state: "failed", error: new ProviderError("runway", code, `Runway task ${task.id} failed${detail ? ` (${detail.slice(0, 300)})` : ""}`, { providerCode: task.failureCode ?? undefined }) };
        }
      }
    },

    async cancel(job) {
      await providerRequest("runway", ctx, { method: "DELETE", url: taskUrl(job.providerJobId), headers }, classify);
    },

    async testConnection() {
      return probeConnection("Runway", async () => parseProviderBody("runway", organizationSchema, (await providerRequest("runway", ctx, { url: `${base}/v1/organization`, headers }, classify)).body, "organization"));
    },

    estimate(request) {
      return usageFor(request.model, request.durationSeconds ?? DEFAULT_DURATION);
    },
  };
}
