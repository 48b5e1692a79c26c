import { randomUUID } from "node:crypto";
import type http from "node:http";
import { z } from "zod";
import { FailureSwitch, readRecordedCall, sendRecorded as send, sendRecordedText, startDoubleServer, type DoubleServerOptions, type RecordedCall } from "./double-server";
import { renderStudioFigure } from "./studio-figure";

export type { RecordedCall } from "./double-server";

/**
 * A local FASHN API (../../../shared/PLATFORM.md) for tests: the same paths,
 * Bearer auth, status codes and JSON shapes, with jobs that move
 * starting → in_queue → processing → completed over a few polls, real PNG/JPEG
 * outputs on an expiring CDN path, and failure switches a test can turn on.
 *
 *   POST /v1/run {model_name, inputs}  → 200 {id, error: null} | 400/401/429/500 {error, message}
 *   GET  /v1/status/{id}               → 200 {id, status, output, error} | 404 {error: "NotFound", …}
 *   GET  /cdn/{id}/{n}.{png|jpeg}      → image bytes; 404/410 once the URL has expired
 */

export type FashnRunErrorName = "ImageLoadError" | "ContentModerationError" | "PoseError" | "PipelineError" | "ThirdPartyError";
export type FashnQuotaErrorName = "RateLimitExceeded" | "ConcurrencyLimitExceeded" | "OutOfCredits";
export type FashnRoute = "run" | "status" | "cdn";

/** What a switched-on request answers instead of its normal reply. */
export type FashnFault =
  | { kind: "quota"; error: FashnQuotaErrorName; retryAfterSeconds?: number } // 429 {error: <name>}
  | { kind: "server-error" } // 500 {error: "InternalServerError"}
  | { kind: "unauthorized" } // 401 even with the right key
  | { kind: "slow"; delayMs: number } // the normal answer, after delayMs
  | { kind: "malformed" }; // 200 whose body breaks the contract

export interface FashnDoubleOptions extends DoubleServerOptions {
  apiKey?: string;
  /** Status polls before a job completes: the first answers starting, then in_queue, then processing (default 3). */
  pollsToComplete?: number;
  /** How long output URLs stay downloadable after completion (FASHN: 72 h). */
  resultTtlMs?: number;
  /** What an expired output URL answers (default 404). */
  expiredStatus?: 404 | 410;
}

export interface FashnScenario {
  /** The next `times` requests to `route` get `fault` (queued faults are used in order). */
  failNext(route: FashnRoute, fault: FashnFault, times?: number): void;
  /** The next `times` accepted runs end as HTTP 200 with status "failed" and this error name. */
  failJobs(name: FashnRunErrorName, times?: number, message?: string): void;
  /** Every output URL issued so far expires now. */
  expireResults(): void;
  reset(): void;
}

export interface FashnDouble {
  /** Use as ProviderConfig.baseUrl (ends in /v1, like https://api.fashn.ai/v1). */
  url: string;
  apiKey: string;
  calls: RecordedCall[];
  /** POST /run requests received, accepted or not. */
  readonly submissions: number;
  scenario: FashnScenario;
  close(): Promise<void>;
}

const STATUS_SEQUENCE = ["starting", "in_queue", "processing"] as const;
const RUN_ERROR_MESSAGES: Record<FashnRunErrorName, string> = {
  ImageLoadError: "Failed to load one of the input images",
  ContentModerationError: "The input was flagged by content moderation",
  PoseError: "Could not detect a body pose in the model image",
  PipelineError: "An unexpected error occurred in the pipeline",
  ThirdPartyError: "A third-party service the pipeline uses failed",
};

/** An image is a public http(s) URL or a base64 data URL; anything else fails as ImageLoadError, like FASHN. */
const imageInput = z.string().min(1);
const loadable = (value: string) => /^https?:\/\//.test(value) || /^data:image\/[a-z+]+;base64,/.test(value);

const tryOnInputs = z.object({
  model_image: imageInput,
  garment_image: imageInput,
  category: z.enum(["auto", "tops", "bottoms", "one-pieces"]).default("auto"),
  mode: z.enum(["performance", "balanced", "quality"]).default("balanced"),
  garment_photo_type: z.enum(["auto", "flat-lay", "model"]).default("auto"),
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
  num_samples: z.number().int().min(1).max(4).default(1),
  output_format: z.enum(["png", "jpeg"]).default("png"),
});

const productToModelInputs = z.object({
  product_image: imageInput,
  model_image: imageInput.optional(),
  prompt: z.string().max(2000).optional(),
  output_format: z.enum(["png", "jpeg"]).default("png"),
});

const runBody = z.object({ model_name: z.string(), inputs: z.record(z.string(), z.unknown()) });

interface Job {
  id: string;
  polls: number;
  samples: number;
  format: "png" | "jpeg";
  failure?: { name: string; message: string };
  completedAt?: number;
}

/** FASHN's outputs, rendered once per format. */
const renderOutput = (format: "png" | "jpeg") => renderStudioFigure(format, { diagonal: false, backdrop: ["#f2efe9", "#c9c3b8"], skin: "#d8b49a", garment: "#2f4f6f", legs: "#3a3a3a" });

export async function startFashnDouble(options: FashnDoubleOptions = {}): Promise<FashnDouble> {
  const apiKey = options.apiKey ?? `fa-test-${randomUUID()}`;
  const pollsToComplete = Math.max(1, options.pollsToComplete ?? 3);
  const resultTtlMs = options.resultTtlMs ?? 72 * 60 * 60 * 1000;
  const expiredStatus = options.expiredStatus ?? 404;
  const calls: RecordedCall[] = [];
  const jobs = new Map<string, Job>();
  const faults = new FailureSwitch<FashnRoute, FashnFault>();
  let jobFailures: Array<{ name: string; message: string }> = [];
  let expiredBefore = 0;
  const renders = new Map<string, Promise<Buffer>>();
  let origin = "";

  function run(res: http.ServerResponse, call: RecordedCall) {
    const parsed = runBody.safeParse(call.body);
    if (!parsed.success) return send(res, call, 400, { error: "BadRequest", message: "Body must be {model_name, inputs}" });
    const { model_name: model, inputs } = parsed.data;
    const schema = model === "tryon-v1.6" ? tryOnInputs : model === "product-to-model" ? productToModelInputs : undefined;
    if (!schema) return send(res, call, 400, { error: "BadRequest", message: `Unknown model_name: ${model}` });
    const checked = schema.safeParse(inputs);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      return send(res, call, 400, { error: "BadRequest", message: `inputs.${issue.path.join(".")}: ${issue.message}` });
    }
    const data = checked.data;
    const images = "product_image" in data ? [data.product_image, data.model_image] : [data.model_image, data.garment_image];
    const unloadable = images.find((value) => value !== undefined && !loadable(value));
    const job: Job = {
      id: `${randomUUID()}-u1`,
      polls: 0,
      samples: "num_samples" in data ? data.num_samples : 1,
      format: data.output_format,
      failure: jobFailures.shift() ?? (unloadable ? { name: "ImageLoadError", message: `Failed to load image: ${unloadable.slice(0, 60)}` } : undefined),
    };
    jobs.set(job.id, job);
    send(res, call, 200, { id: job.id, error: null });
  }

  function status(res: http.ServerResponse, call: RecordedCall, id: string) {
    const job = jobs.get(id);
    if (!job) return send(res, call, 404, { error: "NotFound", message: `Prediction ${id} not found` });
    job.polls += 1;
    if (job.polls < pollsToComplete) {
      const state = STATUS_SEQUENCE[Math.min(job.polls - 1, STATUS_SEQUENCE.length - 1)];
      return send(res, call, 200, { id, status: state, output: null, error: null });
    }
    if (job.failure) return send(res, call, 200, { id, status: "failed", output: null, error: job.failure });
    job.completedAt ??= Date.now();
    const output = Array.from({ length: job.samples }, (_, n) => `${origin}/cdn/${id}/${n}.${job.format}`);
    send(res, call, 200, { id, status: "completed", output, error: null });
  }

  async function cdn(res: http.ServerResponse, call: RecordedCall, id: string, file: string) {
    const job = jobs.get(id);
    const match = /^(\d+)\.(png|jpeg)$/.exec(file);
    if (!job || job.completedAt === undefined || !match || Number(match[1]) >= job.samples || match[2] !== job.format) return sendRecordedText(res, call, 404, "Not Found");
    if (job.completedAt + resultTtlMs <= Date.now() || job.completedAt < expiredBefore) return sendRecordedText(res, call, expiredStatus, expiredStatus === 410 ? "Gone" : "Not Found");
    const key = job.format;
    if (!renders.has(key)) renders.set(key, renderOutput(job.format));
    const bytes = await renders.get(key)!;
    call.status = 200;
    res.writeHead(200, { "content-type": job.format === "png" ? "image/png" : "image/jpeg", "content-length": String(bytes.length) }).end(bytes);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const { url, call, badJson } = await readRecordedCall(req, origin);
    calls.push(call);

    const parts = url.pathname.split("/").filter(Boolean);
    const route: FashnRoute | undefined =
      req.method === "POST" && url.pathname === "/v1/run" ? "run" : req.method === "GET" && parts[0] === "v1" && parts[1] === "status" && parts.length === 3 ? "status" : req.method === "GET" && parts[0] === "cdn" && parts.length === 3 ? "cdn" : undefined;
    if (!route) return send(res, call, 404, { error: "NotFound", message: `No route for ${req.method} ${url.pathname}` });

    const fault = faults.take(route);
    if (fault?.kind === "slow") await server.sleep(fault.delayMs);
    else if (fault?.kind === "quota") return send(res, call, 429, { error: fault.error, message: `${fault.error} (test double)` }, fault.retryAfterSeconds !== undefined ? { "retry-after": String(fault.retryAfterSeconds) } : {});
    else if (fault?.kind === "server-error") return send(res, call, 500, { error: "InternalServerError", message: "Internal server error (test double)" });
    else if (fault?.kind === "unauthorized") return send(res, call, 401, { error: "UnauthorizedAccess", message: "Unauthorized: Invalid token" });
    else if (fault?.kind === "malformed") return send(res, call, 200, route === "run" ? { id: 42, error: null } : { id: parts[2], status: "done", output: "not-a-list" });

    if (route === "cdn") return cdn(res, call, parts[1], parts[2]);
    if (req.headers.authorization !== `Bearer ${apiKey}`) return send(res, call, 401, { error: "UnauthorizedAccess", message: "Unauthorized: Invalid token" });
    if (route === "run") {
      if (badJson) return send(res, call, 400, { error: "BadRequest", message: "Body is not valid JSON" });
      return run(res, call);
    }
    return status(res, call, decodeURIComponent(parts[2]));
  }

  const server = await startDoubleServer(handle, {
    port: options.port,
    onError(res, error) {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: "InternalServerError", message: String(error) }));
    },
  });
  origin = server.origin;

  return {
    url: `${origin}/v1`,
    apiKey,
    calls,
    get submissions() {
      return calls.filter((c) => c.method === "POST" && c.path === "/v1/run").length;
    },
    scenario: {
      failNext(route, fault, times = 1) {
        faults.add(route, fault, times);
      },
      failJobs(name, times = 1, message = RUN_ERROR_MESSAGES[name]) {
        for (let i = 0; i < times; i++) jobFailures.push({ name, message });
      },
      expireResults() {
        expiredBefore = Date.now() + 1;
      },
      reset() {
        faults.clear();
        jobFailures = [];
        expiredBefore = 0;
      },
    },
    close: () => server.close(),
  };
}
