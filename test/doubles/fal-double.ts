import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import type http from "node:http";
import { promisify } from "node:util";
import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import sharp from "sharp";
import { z } from "zod";
import { FailureSwitch, readRecordedCall, sendRecorded as send, sendRecordedText, startDoubleServer, type DoubleServerOptions, type RecordedCall } from "./double-server";
import { cutOutBackground, cutoutImage } from "./photoroom-double";
import { renderStudioFigure } from "./studio-figure";

export type { RecordedCall } from "./double-server";

/**
 * A local fal queue (../../../shared/PLATFORM.md) for tests: `Authorization: Key …`,
 * the same paths, status codes and JSON shapes, requests that move
 * IN_QUEUE → IN_PROGRESS → COMPLETED over a few polls, and real bytes on an
 * expiring CDN path. BiRefNet (`fal-ai/birefnet/v2`) fetches its `image_url`
 * (http(s) or a data URI) and answers a PNG with a real alpha cut-out (the
 * stand-in model of ./photoroom-double.ts). Like fal, the queue accepts any JSON and the model's own
 * validation answers 422 on the response URL; the returned URLs drop the
 * model's sub-path, and the double answers 404 to URLs rebuilt with it.
 *
 *   POST /{model}                              → 200 {request_id, status_url, response_url, cancel_url, queue_position}
 *   GET  /{owner}/{app}/requests/{id}/status   → 202 IN_QUEUE | IN_PROGRESS, 200 COMPLETED (+ error, error_type on failure)
 *   GET  /{owner}/{app}/requests/{id}          → 200 model output | 400 still running | 422 {detail: [{loc, msg, type}]} | 5xx {detail, error_type}
 *   PUT  /{owner}/{app}/requests/{id}/cancel   → 202 CANCELLATION_REQUESTED | 400 ALREADY_COMPLETED | 404 NOT_FOUND
 *   GET  /files/{id}/{name}                    → PNG or MP4 bytes; 404/410 once expired
 */

export type FalRoute = "submit" | "status" | "result" | "cancel" | "cdn";

export type FalFault =
  | { kind: "rate-limited"; retryAfterSeconds?: number } // 429 {detail}
  | { kind: "server-error" } // 500 {detail}
  | { kind: "unauthorized" } // 401 even with the right key
  | { kind: "validation"; loc?: string[]; msg?: string; type?: string } // 422 {detail: [{loc, msg, type}]}
  | { kind: "slow"; delayMs: number } // the normal answer, after delayMs
  | { kind: "malformed" }; // 200 whose body breaks the contract

/** How a request that reaches the model ends instead of succeeding. */
export type FalJobFailure =
  | { kind: "validation"; loc: string[]; msg: string; type?: string } // result 422
  | { kind: "moderation" } // result 422 with type content_policy_violation
  | { kind: "runner-error"; errorType?: string }; // result 503 {detail, error_type}

export interface FalDoubleOptions extends DoubleServerOptions {
  apiKey?: string;
  /** Status polls before COMPLETED: the first answers IN_QUEUE, the rest IN_PROGRESS (default 3). */
  pollsToComplete?: number;
  /** How long CDN file URLs stay downloadable after completion (default 7 days). */
  resultTtlMs?: number;
  /** What an expired file URL answers (default 404). */
  expiredStatus?: 404 | 410;
}

export interface FalScenario {
  /** The next `times` requests to `route` get `fault` (queued faults are used in order). */
  failNext(route: FalRoute, fault: FalFault, times?: number): void;
  /** The next `times` accepted requests end COMPLETED with this failure. */
  failJobs(failure: FalJobFailure, times?: number): void;
  /** Every file URL issued so far expires now. */
  expireResults(): void;
  reset(): void;
}

export interface FalDouble {
  /** Use as ProviderConfig.baseUrl (like https://queue.fal.run). */
  url: string;
  apiKey: string;
  calls: RecordedCall[];
  /** POST submissions received, accepted or not. */
  readonly submissions: number;
  scenario: FalScenario;
  close(): Promise<void>;
}

const TRYON_MODEL = "fal-ai/fashn/tryon/v1.6";
const KLING_MODEL = "fal-ai/kling-video/v2.1/standard/image-to-video";
const BIREFNET_MODEL = "fal-ai/birefnet/v2";
const MODELS = new Set([TRYON_MODEL, KLING_MODEL, BIREFNET_MODEL]);

const tryOnInput = z.object({
  model_image: z.string().min(1),
  garment_image: z.string().min(1),
  category: z.enum(["auto", "tops", "bottoms", "one-pieces"]).default("auto"),
  mode: z.enum(["performance", "balanced", "quality"]).default("balanced"),
  garment_photo_type: z.enum(["auto", "flat-lay", "model"]).default("auto"),
  seed: z.number().int().optional(),
  num_samples: z.number().int().min(1).max(4).default(1),
  output_format: z.enum(["png", "jpeg"]).default("png"),
});

// duration is a string enum: fal answers 422 to the number 5.
const klingInput = z.object({
  prompt: z.string().min(1).max(2500),
  image_url: z.string().min(1),
  duration: z.enum(["5", "10"]).default("5"),
  negative_prompt: z.string().max(2500).optional(),
  cfg_scale: z.number().min(0).max(1).optional(),
});

// fal's BiRefNet v2 input, with its defaults.
const birefnetInput = z.object({
  image_url: z.string().min(1),
  model: z.enum(["General Use (Light)", "General Use (Light 2K)", "General Use (Heavy)", "Matting", "Portrait", "General Use (Dynamic)"]).default("General Use (Light)"),
  operating_resolution: z.enum(["1024x1024", "2048x2048", "2304x2304"]).default("1024x1024"),
  output_format: z.enum(["webp", "png", "gif"]).default("png"),
  refine_foreground: z.boolean().default(true),
  output_mask: z.boolean().default(false),
  sync_mode: z.boolean().optional(),
});

interface File {
  name: string;
  contentType: string;
  bytes: () => Promise<Buffer>;
}

interface Job {
  id: string;
  appId: string;
  polls: number;
  canceled: boolean;
  failure?: FalJobFailure;
  /** The model's JSON output, given how the double names its file URLs. */
  output?: (fileUrl: (f: File) => string) => unknown;
  files: File[];
  completedAt?: number;
  /** Model work that finishes after submit (BiRefNet loading its image); it sets files, output or failure. */
  running?: Promise<void>;
}

const run = promisify(execFile);

/** A tiny real H.264 MP4 from ffmpeg's test pattern; when ffmpeg cannot run, clearly marked placeholder bytes. */
async function renderVideo(): Promise<Buffer> {
  try {
    const { stdout } = await run(
      ffmpegInstaller.path,
      ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=96x144:rate=8:duration=1", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-movflags", "frag_keyframe+empty_moov", "-f", "mp4", "pipe:1"],
      { encoding: "buffer", maxBuffer: 8 * 1024 * 1024 },
    );
    return stdout;
  } catch {
    return Buffer.from("PLACEHOLDER: not a real MP4 (ffmpeg was unavailable to the fal test double)");
  }
}

const renderImage = (format: "png" | "jpeg") => renderStudioFigure(format, { diagonal: true, backdrop: ["#e9eef2", "#b8c3c9"], skin: "#c99f84", garment: "#7a2f3b", legs: "#2c2c2c" });

/** fal's error body for a zod issue: loc starts with "body", like FastAPI. */
function detailFor(error: z.ZodError) {
  return error.issues.map((issue) => ({ loc: ["body", ...issue.path.map(String)], msg: issue.message, type: issue.code === "invalid_value" ? "literal_error" : "value_error" }));
}

export async function startFalDouble(options: FalDoubleOptions = {}): Promise<FalDouble> {
  const apiKey = options.apiKey ?? `fal-test-${randomUUID()}:${randomUUID().slice(0, 8)}`;
  const pollsToComplete = Math.max(1, options.pollsToComplete ?? 3);
  const resultTtlMs = options.resultTtlMs ?? 7 * 24 * 60 * 60 * 1000;
  const expiredStatus = options.expiredStatus ?? 404;
  const calls: RecordedCall[] = [];
  const jobs = new Map<string, Job>();
  const faults = new FailureSwitch<FalRoute, FalFault>();
  let jobFailures: FalJobFailure[] = [];
  let expiredBefore = 0;
  const renders = new Map<string, Promise<Buffer>>();
  let origin = "";

  const cached = (key: string, render: () => Promise<Buffer>) => () => {
    if (!renders.has(key)) renders.set(key, render());
    return renders.get(key)!;
  };

  function urlsFor(job: Job) {
    const base = `${origin}/${job.appId}/requests/${job.id}`;
    return { request_id: job.id, response_url: base, status_url: `${base}/status`, cancel_url: `${base}/cancel` };
  }

  /** Runs the model's validation now; its verdict shows on the response URL once the request completes. */
  function submit(res: http.ServerResponse, call: RecordedCall, model: string, badJson: boolean) {
    if (!MODELS.has(model)) return send(res, call, 404, { detail: `Application '${model}' not found` });
    if (badJson || typeof call.body !== "object" || call.body === null || Array.isArray(call.body)) return send(res, call, 422, { detail: [{ loc: ["body"], msg: "Input should be a valid dictionary", type: "dict_type" }] });
    const [owner, app] = model.split("/");
    const job: Job = { id: randomUUID(), appId: `${owner}/${app}`, polls: 0, canceled: false, files: [] };
    const forced = jobFailures.shift();
    if (forced) job.failure = forced;
    else if (model === TRYON_MODEL) {
      const input = tryOnInput.safeParse(call.body);
      if (!input.success) job.failure = { kind: "validation", ...detailFor(input.error)[0] };
      else {
        const format = input.data.output_format;
        job.files = Array.from({ length: input.data.num_samples }, (_, n) => ({ name: `${n}.${format}`, contentType: `image/${format}`, bytes: cached(format, () => renderImage(format)) }));
        job.output = (fileUrl: (f: File) => string) => ({ images: job.files.map((f) => ({ url: fileUrl(f), width: 864, height: 1296, content_type: f.contentType })), seed: input.data.seed ?? 42 });
      }
    } else if (model === BIREFNET_MODEL) {
      const input = birefnetInput.safeParse(call.body);
      if (!input.success) job.failure = { kind: "validation", ...detailFor(input.error)[0] };
      else job.running = runBirefnet(job, input.data);
    } else {
      const input = klingInput.safeParse(call.body);
      if (!input.success) job.failure = { kind: "validation", ...detailFor(input.error)[0] };
      else {
        job.files = [{ name: "output.mp4", contentType: "video/mp4", bytes: cached("mp4", renderVideo) }];
        job.output = (fileUrl: (f: File) => string) => ({ video: { url: fileUrl(job.files[0]), content_type: "video/mp4", file_name: "output.mp4" } });
      }
    }
    jobs.set(job.id, job);
    send(res, call, 200, { ...urlsFor(job), queue_position: 0 });
  }

  /** Loads the image as fal's runner would (a URL it can reach, or a data URI) and cuts the subject out. */
  async function runBirefnet(job: Job, input: z.output<typeof birefnetInput>): Promise<void> {
    let source: Buffer;
    try {
      const dataUri = /^data:image\/[a-z0-9.+-]+;base64,(.*)$/is.exec(input.image_url);
      if (dataUri) source = Buffer.from(dataUri[1], "base64");
      else {
        if (!/^https?:\/\//.test(input.image_url)) throw new Error("not an http(s) or data URL");
        const answer = await fetch(input.image_url, { signal: AbortSignal.timeout(10_000) });
        if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
        source = Buffer.from(await answer.arrayBuffer());
      }
    } catch (error) {
      job.failure = { kind: "validation", loc: ["body", "image_url"], msg: `Failed to download the file from image_url (${error instanceof Error ? error.message : String(error)})`, type: "file_download_error" };
      return;
    }
    let cutout: Awaited<ReturnType<typeof cutOutBackground>>;
    try {
      cutout = await cutOutBackground(source);
    } catch {
      job.failure = { kind: "validation", loc: ["body", "image_url"], msg: "Could not read the image at image_url: send a JPEG, PNG or WebP", type: "image_load_error" };
      return;
    }
    const format = input.output_format;
    const image = cutoutImage(cutout);
    const bytes = await (format === "png" ? image.png() : format === "webp" ? image.webp() : image.gif()).toBuffer();
    const mask = input.output_mask ? await sharp(await cutoutImage(cutout).png().toBuffer()).extractChannel("alpha").png().toBuffer() : undefined;
    job.files = [{ name: `cutout.${format}`, contentType: `image/${format}`, bytes: async () => bytes }, ...(mask ? [{ name: "mask.png", contentType: "image/png", bytes: async () => mask }] : [])];
    const describe = (f: File, size: number) => ({ width: cutout.width, height: cutout.height, content_type: f.contentType, file_name: f.name, file_size: size });
    job.output = (fileUrl: (f: File) => string) => ({
      image: { url: fileUrl(job.files[0]), ...describe(job.files[0], bytes.length) },
      mask_image: mask ? { url: fileUrl(job.files[1]), ...describe(job.files[1], mask.length) } : null,
    });
  }

  function failureBody(failure: FalJobFailure): { status: number; body: unknown; headers: Record<string, string> } {
    if (failure.kind === "moderation") return { status: 422, body: { detail: [{ loc: ["body", "model_image"], msg: "The input image was flagged by the content checker", type: "content_policy_violation" }] }, headers: {} };
    if (failure.kind === "validation") return { status: 422, body: { detail: [{ loc: failure.loc, msg: failure.msg, type: failure.type ?? "value_error" }] }, headers: {} };
    const errorType = failure.errorType ?? "runner_disconnected";
    return { status: 503, body: { detail: "The runner disconnected unexpectedly during processing", error_type: errorType }, headers: { "x-fal-error-type": errorType } };
  }

  async function status(res: http.ServerResponse, call: RecordedCall, job: Job) {
    if (!job.canceled && job.completedAt === undefined) {
      job.polls += 1;
      if (job.polls < pollsToComplete) return send(res, call, 202, { status: job.polls === 1 ? "IN_QUEUE" : "IN_PROGRESS", ...urlsFor(job), queue_position: job.polls === 1 ? 0 : undefined, logs: null });
      await job.running;
      job.completedAt = Date.now();
    }
    const failed = job.canceled ? { detail: "Request was cancelled", error_type: undefined } : job.failure ? (failureBody(job.failure).body as { detail: unknown; error_type?: string }) : undefined;
    const error = failed ? (typeof failed.detail === "string" ? failed.detail : "Input validation failed") : undefined;
    send(res, call, 200, { status: "COMPLETED", ...urlsFor(job), logs: null, ...(failed ? { error, error_type: failed.error_type ?? null } : { metrics: { inference_time: 1.5 } }) });
  }

  function result(res: http.ServerResponse, call: RecordedCall, job: Job) {
    if (job.canceled) return send(res, call, 400, { detail: "Request was cancelled" });
    if (job.completedAt === undefined) return send(res, call, 400, { detail: "Request is still in progress" });
    if (job.failure) {
      const failed = failureBody(job.failure);
      return send(res, call, failed.status, failed.body, failed.headers);
    }
    send(res, call, 200, job.output?.((f) => `${origin}/files/${job.id}/${f.name}`));
  }

  function cancel(res: http.ServerResponse, call: RecordedCall, job: Job | undefined) {
    if (!job) return send(res, call, 404, { status: "NOT_FOUND" });
    if (job.completedAt !== undefined || job.canceled) return send(res, call, 400, { status: "ALREADY_COMPLETED" });
    job.canceled = true;
    send(res, call, 202, { status: "CANCELLATION_REQUESTED" });
  }

  async function cdn(res: http.ServerResponse, call: RecordedCall, id: string, name: string) {
    const job = jobs.get(id);
    const file = job?.completedAt !== undefined && !job.failure ? job.files.find((f) => f.name === name) : undefined;
    if (!job || job.completedAt === undefined || !file) return sendRecordedText(res, call, 404, "Not Found");
    if (job.completedAt + resultTtlMs <= Date.now() || job.completedAt < expiredBefore) return sendRecordedText(res, call, expiredStatus, expiredStatus === 410 ? "Gone" : "Not Found");
    const bytes = await file.bytes();
    call.status = 200;
    res.writeHead(200, { "content-type": file.contentType, "content-length": String(bytes.length) }).end(bytes);
  }

  function route(method: string, parts: string[]): { route: FalRoute; job?: string; appId?: string } | undefined {
    if (method === "GET" && parts[0] === "files" && parts.length === 3) return { route: "cdn" };
    const requestsAt = parts.indexOf("requests");
    if (requestsAt >= 0) {
      const appId = parts.slice(0, requestsAt).join("/");
      const rest = parts.slice(requestsAt + 1);
      if (method === "GET" && rest.length === 2 && rest[1] === "status") return { route: "status", job: rest[0], appId };
      if (method === "GET" && rest.length === 1) return { route: "result", job: rest[0], appId };
      if (method === "PUT" && rest.length === 2 && rest[1] === "cancel") return { route: "cancel", job: rest[0], appId };
      return undefined;
    }
    return method === "POST" && parts.length >= 2 ? { route: "submit" } : undefined;
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const { url, call, badJson } = await readRecordedCall(req, origin);
    calls.push(call);
    const parts = url.pathname.split("/").filter(Boolean);
    const matched = route(req.method ?? "GET", parts);
    if (!matched) return send(res, call, 404, { detail: "Not Found" });

    const fault = faults.take(matched.route);
    if (fault?.kind === "slow") await server.sleep(fault.delayMs);
    else if (fault?.kind === "rate-limited") return send(res, call, 429, { detail: "Too many concurrent requests (test double)" }, fault.retryAfterSeconds !== undefined ? { "retry-after": String(fault.retryAfterSeconds) } : {});
    else if (fault?.kind === "server-error") return send(res, call, 500, { detail: "Internal Server Error (test double)" });
    else if (fault?.kind === "unauthorized") return send(res, call, 401, { detail: "Invalid Key Authorization header format (test double)" });
    else if (fault?.kind === "validation") return send(res, call, 422, { detail: [{ loc: fault.loc ?? ["body"], msg: fault.msg ?? "Invalid input (test double)", type: fault.type ?? "value_error" }] });
    else if (fault?.kind === "malformed") return send(res, call, 200, matched.route === "submit" ? { request_id: 7 } : matched.route === "status" ? { status: "DONE" } : { images: "none" });

    if (matched.route === "cdn") return cdn(res, call, parts[1], parts[2]);
    if (req.headers.authorization !== `Key ${apiKey}`) return send(res, call, 401, { detail: "Cannot access application: invalid or missing Key authorization" });
    if (matched.route === "submit") return submit(res, call, parts.join("/"), badJson);
    // Only the app id without the sub-path finds the request, like fal.
    const job = matched.job ? jobs.get(matched.job) : undefined;
    const found = job && job.appId === matched.appId ? job : undefined;
    if (matched.route === "cancel") return cancel(res, call, found);
    if (!found) return send(res, call, 404, { detail: "Request not found" });
    return matched.route === "status" ? status(res, call, found) : result(res, call, found);
  }

  const server = await startDoubleServer(handle, {
    port: options.port,
    onError(res, error) {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ detail: String(error) }));
    },
  });
  origin = server.origin;

  return {
    url: origin,
    apiKey,
    calls,
    get submissions() {
      return calls.filter((c) => c.method === "POST").length;
    },
    scenario: {
      failNext(routeName, fault, times = 1) {
        faults.add(routeName, fault, times);
      },
      failJobs(failure, times = 1) {
        for (let i = 0; i < times; i++) jobFailures.push(failure);
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
