import { createHash } from "node:crypto";
import { StillImageError } from "~/video/still-image.server";
import { renderZoomPanVideo } from "~/video/zoom-pan.server";
import { resolveBackground, resolveCanvas, resolveVideoSize, resolveView, type GarmentCategory } from "./demo-compose";
import { composeDemoImage } from "./demo-render.server";
import {
  ProviderError,
  type GenerationOperation,
  type GenerationProvider,
  type GenerationRequest,
  type PollResult,
  type ProviderOutput,
  type SubmittedJob,
  type Usage,
} from "./provider";

export interface DemoProviderOptions {
  /** How the demo reads request URLs (the store emulator's CDN in the demo, fixtures in tests). */
  fetchImage: (url: string) => Promise<Buffer>;
  /** Simulated provider time from submit until poll reports success. */
  latencyMs?: number;
  /** Every Nth submitted job fails with a retryable error, to show the error path in demos. */
  failEvery?: number;
  /** Renders running at once; the rest wait, so a burst of jobs cannot swamp the CPU with ffmpeg and sharp. */
  concurrency?: number;
  now?: () => number;
}

const OPERATIONS: readonly GenerationOperation[] = ["product-to-model", "try-on", "image-to-video"];
const DEFAULT_VIDEO_SECONDS = 3;
const MAX_VIDEO_SECONDS = 10;
/** Finished jobs kept in memory; an evicted or pre-restart job is rendered again from its handle (renders are deterministic). */
const KEEP_JOBS = 64;

interface DemoJob {
  readyAt: number;
  result?: PollResult;
}

/** JSON with sorted keys, so equal requests hash equally whatever order their fields were built in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

function isGenerationRequest(value: unknown): value is GenerationRequest {
  if (!value || typeof value !== "object") return false;
  const record = value as Record<string, unknown>;
  return typeof record.operation === "string" && typeof record.sourceImageUrl === "string" && typeof record.model === "string";
}

function invalid(message: string): ProviderError {
  return new ProviderError("demo", "invalid_input", message);
}

/** What the request asks for, checked before a job exists so a bad recipe fails at submit, not at poll. */
function checkRequest(request: GenerationRequest): void {
  if (!OPERATIONS.includes(request.operation)) throw invalid(`The demo provider cannot do "${request.operation}"`);
  if (!request.sourceImageUrl) throw invalid("sourceImageUrl is required");
  try {
    if (request.operation === "image-to-video") resolveVideoSize(request.aspectRatio, request.extra);
    else resolveCanvas(request.extra);
  } catch (error) {
    throw invalid(error instanceof Error ? error.message : String(error));
  }
  const seconds = request.durationSeconds;
  if (request.operation === "image-to-video" && seconds !== undefined && !(seconds >= 1 && seconds <= MAX_VIDEO_SECONDS)) {
    throw invalid(`durationSeconds must be from 1 to ${MAX_VIDEO_SECONDS} for demo videos`);
  }
}

function usageFor(request: GenerationRequest, units = 1): Usage {
  if (request.operation === "image-to-video") return { unit: "second", units: units * (request.durationSeconds ?? DEFAULT_VIDEO_SECONDS), costMicros: 0 };
  return { unit: "image", units, costMicros: 0 };
}

/**
 * The local demo provider: no network, no model, no cost. Images are the
 * flat-lay composed onto a mannequin (or the recipe's model photo) per view
 * and seed; videos are a Ken Burns move over the still. It is labelled as a
 * demo everywhere so nobody mistakes its output for AI generation.
 */
export function createDemoProvider(options: DemoProviderOptions): GenerationProvider {
  const latencyMs = Math.max(0, options.latencyMs ?? 0);
  const failEvery = options.failEvery && options.failEvery > 0 ? Math.floor(options.failEvery) : 0;
  const now = options.now ?? Date.now;
  const jobs = new Map<string, DemoJob>();
  const canceled = new Set<string>();
  let submitted = 0;

  let running = 0;
  const waiting: (() => void)[] = [];
  const concurrency = Math.max(1, options.concurrency ?? 2);
  async function limited<T>(work: () => Promise<T>): Promise<T> {
    if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await work();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  }

  async function fetchSource(url: string, what: string): Promise<Buffer> {
    try {
      return await options.fetchImage(url);
    } catch (error) {
      throw new ProviderError("demo", "server_error", `Demo provider could not fetch the ${what} (${error instanceof Error ? error.message : String(error)})`);
    }
  }

  async function render(request: GenerationRequest): Promise<ProviderOutput> {
    const seed = request.seed ?? 0;
    if (request.operation === "image-to-video") {
      const still = await fetchSource(request.sourceImageUrl, "source still");
      const size = resolveVideoSize(request.aspectRatio, request.extra);
      const mp4 = await renderZoomPanVideo(still, { durationSeconds: request.durationSeconds ?? DEFAULT_VIDEO_SECONDS, ...size, fps: 25, seed });
      return { kind: "bytes", bytes: mp4, contentType: "video/mp4" };
    }
    const [garment, figure] = await Promise.all([
      fetchSource(request.sourceImageUrl, "garment image"),
      request.modelImageUrl ? fetchSource(request.modelImageUrl, "model reference image") : Promise.resolve(undefined),
    ]);
    const format = request.outputFormat ?? "png";
    const category: GarmentCategory = request.garmentCategory ?? "auto";
    const bytes = await composeDemoImage({
      garment,
      figure,
      view: resolveView(request.view, request.pose),
      category,
      background: resolveBackground(request.background),
      seed,
      canvas: resolveCanvas(request.extra),
      format,
    });
    return { kind: "bytes", bytes, contentType: format === "jpeg" ? "image/jpeg" : "image/png" };
  }

  function start(id: string, request: GenerationRequest, fail: boolean, submittedAt: number): DemoJob {
    const job: DemoJob = { readyAt: submittedAt + latencyMs };
    jobs.set(id, job);
    while (jobs.size > KEEP_JOBS) jobs.delete(jobs.keys().next().value as string);
    if (fail) {
      job.result = {
        state: "failed",
        error: new ProviderError("demo", "server_error", `Demo provider: simulated failure (every job number divisible by ${failEvery} fails, to show the error path); submitting again succeeds`),
        usage: usageFor(request, 0),
      };
      return job;
    }
    limited(() => render(request)).then(
      (output) => {
        job.result = { state: "succeeded", outputs: [output], usage: usageFor(request) };
      },
      (error: unknown) => {
        const providerError =
          error instanceof ProviderError
            ? error
            : error instanceof StillImageError
              ? invalid(`Demo provider: ${error.message}`)
              : new ProviderError("demo", "server_error", `Demo provider failed: ${error instanceof Error ? error.message : String(error)}`);
        job.result = { state: "failed", error: providerError, usage: usageFor(request, 0) };
      },
    );
    return job;
  }

  return {
    id: "demo",
    label: "Demo provider (local composition, not AI)",
    isDemo: true,
    operations: OPERATIONS,

    async submit(request) {
      checkRequest(request);
      submitted += 1;
      const fail = failEvery > 0 && submitted % failEvery === 0;
      // The content hash names the work; the counter keeps two submissions of one request apart.
      const { webhookUrl: _ignored, ...work } = request;
      const hash = createHash("sha256").update(canonicalJson(work)).digest("hex").slice(0, 24);
      const providerJobId = `demo-${hash}-${submitted}`;
      const submittedAt = now();
      start(providerJobId, request, fail, submittedAt);
      return { providerJobId, handle: { request: JSON.stringify(work), fail: fail ? "1" : "0", submittedAt: String(submittedAt) } };
    },

    async poll(job: SubmittedJob): Promise<PollResult> {
      if (canceled.has(job.providerJobId)) return { state: "failed", error: new ProviderError("demo", "canceled", `Demo job ${job.providerJobId} was canceled`) };
      let entry = jobs.get(job.providerJobId);
      if (!entry) {
        // After a restart (or eviction) the handle holds everything needed to render the same bytes again.
        let request: unknown;
        try {
          request = JSON.parse(job.handle.request ?? "");
        } catch {
          request = undefined;
        }
        if (!isGenerationRequest(request)) {
          return { state: "failed", error: new ProviderError("demo", "not_found", `Demo job ${job.providerJobId} is unknown and its handle holds no request`) };
        }
        entry = start(job.providerJobId, request, job.handle.fail === "1", Number(job.handle.submittedAt) || now());
      }
      const remaining = entry.readyAt - now();
      if (!entry.result || remaining > 0) {
        const progress = latencyMs > 0 ? Math.min(0.95, Math.max(0, 1 - remaining / latencyMs)) : undefined;
        return { state: "pending", progress, retryAfterMs: Math.max(50, Math.min(remaining, 1000)) };
      }
      return entry.result;
    },

    async cancel(job) {
      jobs.delete(job.providerJobId);
      canceled.add(job.providerJobId);
      if (canceled.size > KEEP_JOBS) canceled.delete(canceled.values().next().value as string);
    },

    async testConnection() {
      return { ok: true };
    },

    estimate(request) {
      return usageFor(request);
    },
  };
}
