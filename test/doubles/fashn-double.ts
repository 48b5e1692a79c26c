import http from "node:http";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { z } from "zod";

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

export interface FashnDoubleOptions {
  apiKey?: string;
  /** Status polls before a job completes: the first answers starting, then in_queue, then processing (default 3). */
  pollsToComplete?: number;
  /** How long output URLs stay downloadable after completion (FASHN: 72 h). */
  resultTtlMs?: number;
  /** What an expired output URL answers (default 404). */
  expiredStatus?: 404 | 410;
  /** A fixed port (one of the test's allow-listed loopback ports); 0 picks any. */
  port?: number;
}

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization?: string;
  body?: unknown;
  /** Filled in when the double answers. */
  status?: number;
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

const OUTPUT_WIDTH = 864;
const OUTPUT_HEIGHT = 1296;
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

/** A gradient studio backdrop with a simple figure: real bytes sharp can decode, rendered once per format. */
function renderOutput(format: "png" | "jpeg"): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${OUTPUT_WIDTH}" height="${OUTPUT_HEIGHT}">
    <defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#f2efe9"/><stop offset="1" stop-color="#c9c3b8"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#bg)"/>
    <circle cx="432" cy="250" r="90" fill="#d8b49a"/>
    <rect x="302" y="350" width="260" height="420" rx="60" fill="#2f4f6f"/>
    <rect x="322" y="760" width="90" height="420" rx="30" fill="#3a3a3a"/>
    <rect x="452" y="760" width="90" height="420" rx="30" fill="#3a3a3a"/>
  </svg>`;
  const image = sharp(Buffer.from(svg));
  return (format === "png" ? image.png() : image.jpeg({ quality: 85 })).toBuffer();
}

export async function startFashnDouble(options: FashnDoubleOptions = {}): Promise<FashnDouble> {
  const apiKey = options.apiKey ?? `fa-test-${randomUUID()}`;
  const pollsToComplete = Math.max(1, options.pollsToComplete ?? 3);
  const resultTtlMs = options.resultTtlMs ?? 72 * 60 * 60 * 1000;
  const expiredStatus = options.expiredStatus ?? 404;
  const calls: RecordedCall[] = [];
  const jobs = new Map<string, Job>();
  let faults: Array<{ route: FashnRoute; fault: FashnFault }> = [];
  let jobFailures: Array<{ name: string; message: string }> = [];
  let expiredBefore = 0;
  const renders = new Map<string, Promise<Buffer>>();
  const timers = new Set<NodeJS.Timeout>();
  let origin = "";

  function send(res: http.ServerResponse, call: RecordedCall, status: number, body: unknown, headers: Record<string, string> = {}) {
    call.status = status;
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  }

  function takeFault(route: FashnRoute): FashnFault | undefined {
    const index = faults.findIndex((f) => f.route === route);
    if (index < 0) return undefined;
    return faults.splice(index, 1)[0].fault;
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  }

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
    if (!job || job.completedAt === undefined || !match || Number(match[1]) >= job.samples || match[2] !== job.format) {
      call.status = 404;
      res.writeHead(404, { "content-type": "text/plain" }).end("Not Found");
      return;
    }
    if (job.completedAt + resultTtlMs <= Date.now() || job.completedAt < expiredBefore) {
      call.status = expiredStatus;
      res.writeHead(expiredStatus, { "content-type": "text/plain" }).end(expiredStatus === 410 ? "Gone" : "Not Found");
      return;
    }
    const key = job.format;
    if (!renders.has(key)) renders.set(key, renderOutput(job.format));
    const bytes = await renders.get(key)!;
    call.status = 200;
    res.writeHead(200, { "content-type": job.format === "png" ? "image/png" : "image/jpeg", "content-length": String(bytes.length) }).end(bytes);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? "/", origin);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: unknown;
    let badJson = false;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        badJson = true;
      }
    }
    const call: RecordedCall = { method: req.method ?? "GET", path: url.pathname, query: Object.fromEntries(url.searchParams), authorization: req.headers.authorization, body: badJson ? text : body };
    calls.push(call);

    const parts = url.pathname.split("/").filter(Boolean);
    const route: FashnRoute | undefined =
      req.method === "POST" && url.pathname === "/v1/run" ? "run" : req.method === "GET" && parts[0] === "v1" && parts[1] === "status" && parts.length === 3 ? "status" : req.method === "GET" && parts[0] === "cdn" && parts.length === 3 ? "cdn" : undefined;
    if (!route) return send(res, call, 404, { error: "NotFound", message: `No route for ${req.method} ${url.pathname}` });

    const fault = takeFault(route);
    if (fault?.kind === "slow") await sleep(fault.delayMs);
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

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: "InternalServerError", message: String(error) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: `${origin}/v1`,
    apiKey,
    calls,
    get submissions() {
      return calls.filter((c) => c.method === "POST" && c.path === "/v1/run").length;
    },
    scenario: {
      failNext(route, fault, times = 1) {
        for (let i = 0; i < times; i++) faults.push({ route, fault });
      },
      failJobs(name, times = 1, message = RUN_ERROR_MESSAGES[name]) {
        for (let i = 0; i < times; i++) jobFailures.push({ name, message });
      },
      expireResults() {
        expiredBefore = Date.now() + 1;
      },
      reset() {
        faults = [];
        jobFailures = [];
        expiredBefore = 0;
      },
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
