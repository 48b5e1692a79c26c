import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import type http from "node:http";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { z } from "zod";
import { readJson, sendJson } from "../../emulator/http-util";
import { FailureSwitch, recordingAnswers, startDoubleServer, type DoubleServerOptions } from "./double-server";

/**
 * A local Runway API (../../../shared/PLATFORM.md) over real HTTP: Bearer and
 * X-Runway-Version checked, image_to_video bodies validated, tasks that go
 * PENDING → RUNNING (with progress) → SUCCEEDED or FAILED over a few polls,
 * a real MP4 made with ffmpeg at start-up, expiring output URLs, and
 * switchable failures.
 */

export type RunwayFailureMode = "rate_limit" | "server_error" | "slow" | "unauthorized" | "out_of_credits" | "bad_shape";
export type RunwayEndpoint = "create" | "get" | "delete" | "organization";
export type RunwayOutcome = "succeed" | { failureCode: string; failure?: string };

export interface RunwayDoubleOptions extends DoubleServerOptions {
  /** Polls before a task finishes; earlier polls see PENDING (or THROTTLED) then RUNNING. */
  pollsToFinish?: number;
  /** Report THROTTLED instead of PENDING on the first poll (account at its concurrency limit). */
  throttled?: boolean;
  slowMs?: number;
  /** Output URLs stop working (410) this long after the task finished. */
  resultTtlMs?: number;
}

export interface RunwayCall {
  method: string;
  path: string;
  status: number;
  endpoint: RunwayEndpoint | "files" | "other";
  at: number;
}

interface Task {
  id: string;
  body: z.infer<typeof createSchema>;
  status: "PENDING" | "THROTTLED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED";
  outcome: RunwayOutcome;
  polls: number;
  pollTimes: number[];
  createdAt: string;
  finishedAt?: number;
  deleted: boolean;
}

export const RUNWAY_DOUBLE_VERSION = "2024-11-06";
const RATIOS = ["1280:720", "720:1280", "1104:832", "832:1104", "960:960", "1584:672"] as const;

// Real Runway wants HTTPS or a data URI; loopback http is allowed so tests can serve stills.
const promptImage = z
  .string()
  .refine((v) => /^data:image\/(png|jpeg|webp);base64,/.test(v) || /^https:\/\//.test(v) || /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(v), "must be an HTTPS URL or a data URI");

const createSchema = z.object({
  model: z.enum(["gen4_turbo", "gen3a_turbo"]),
  promptImage,
  ratio: z.enum(RATIOS),
  duration: z.union([z.literal(5), z.literal(10)]),
  promptText: z.string().max(1000).optional(),
  seed: z.number().int().min(0).max(4_294_967_295).optional(),
});

export async function startRunwayDouble(options: RunwayDoubleOptions = {}) {
  const pollsToFinish = options.pollsToFinish ?? 3;
  const slowMs = options.slowMs ?? 2_000;
  const resultTtlMs = options.resultTtlMs ?? 24 * 3_600_000;
  const apiKey = `key_${randomBytes(24).toString("hex")}`;
  const video = await renderMp4();
  const tasks = new Map<string, Task>();
  const calls: RunwayCall[] = [];
  const failures = new FailureSwitch<RunwayEndpoint, RunwayFailureMode>();
  const outcomes: RunwayOutcome[] = [];
  let submissions = 0;
  let url = "";

  const view = (t: Task) => {
    const base = { id: t.id, status: t.status, createdAt: t.createdAt };
    if (t.status === "RUNNING") return { ...base, progress: Math.min(0.99, (t.polls - 1) / Math.max(1, pollsToFinish - 1)) };
    if (t.status === "SUCCEEDED") return { ...base, output: [`${url}/files/${t.id}.mp4`] };
    if (t.status === "FAILED" && typeof t.outcome === "object") return { ...base, failure: t.outcome.failure ?? "The task failed.", failureCode: t.outcome.failureCode };
    return base;
  };

  const route = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<RunwayCall["endpoint"]> => {
    const pathname = new URL(req.url ?? "/", "http://x").pathname;
    const method = req.method ?? "GET";
    const file = pathname.match(/^\/files\/([^/]+)\.mp4$/);
    if (file && method === "GET") {
      // Signed output URLs: no API auth, but they expire.
      const t = tasks.get(file[1]);
      if (!t || t.status !== "SUCCEEDED" || t.finishedAt === undefined) {
        res.writeHead(404, { "content-type": "text/plain" }).end("Not found");
      } else if (Date.now() - t.finishedAt > resultTtlMs) {
        res.writeHead(410, { "content-type": "text/plain" }).end("This URL has expired");
      } else {
        res.writeHead(200, { "content-type": "video/mp4", "content-length": video.length }).end(video);
      }
      return "files";
    }

    const task = pathname.match(/^\/v1\/tasks\/([^/]+)$/);
    const endpoint: RunwayEndpoint | undefined =
      method === "POST" && pathname === "/v1/image_to_video"
        ? "create"
        : task && method === "GET"
          ? "get"
          : task && method === "DELETE"
            ? "delete"
            : method === "GET" && pathname === "/v1/organization"
              ? "organization"
              : undefined;
    if (!endpoint) {
      sendJson(res, 404, { error: "Not found" });
      return "other";
    }
    if (endpoint === "create") submissions += 1;

    const failure = failures.take(endpoint);
    if (failure === "unauthorized" || req.headers.authorization !== `Bearer ${apiKey}`) {
      sendJson(res, 401, { error: "Incorrect API key provided" });
      return endpoint;
    }
    const version = req.headers["x-runway-version"];
    if (version !== RUNWAY_DOUBLE_VERSION) {
      sendJson(res, 400, { error: version ? `Unsupported API version: ${String(version)}` : "The X-Runway-Version header is required" });
      return endpoint;
    }
    if (failure === "rate_limit") {
      sendJson(res, 429, { error: "You have exceeded the rate limit. Please slow down." });
      return endpoint;
    }
    if (failure === "server_error") {
      sendJson(res, 500, { error: "An internal error occurred." });
      return endpoint;
    }
    if (failure === "out_of_credits") {
      sendJson(res, 400, { error: "You do not have enough credits to run this task." });
      return endpoint;
    }

    let answer: { status: number; body?: unknown };
    if (endpoint === "organization") {
      answer = { status: 200, body: { creditBalance: 5000, tier: { maxMonthlyCreditSpend: 100000, models: { gen4_turbo: { maxConcurrentGenerations: 2, maxDailyGenerations: 200 } } }, usage: { models: {} } } };
    } else if (endpoint === "create") {
      const parsed = createSchema.safeParse(await readJson(req));
      if (!parsed.success) {
        sendJson(res, 400, { error: "Validation of body failed", issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) });
        return endpoint;
      }
      const t: Task = {
        id: randomUUID(),
        body: parsed.data,
        status: "PENDING",
        outcome: outcomes.shift() ?? "succeed",
        polls: 0,
        pollTimes: [],
        createdAt: new Date().toISOString(),
        deleted: false,
      };
      tasks.set(t.id, t);
      answer = { status: 200, body: { id: t.id } };
    } else {
      const t = task ? tasks.get(task[1]) : undefined;
      if (!t || t.deleted) {
        sendJson(res, 404, { error: "Task not found" });
        return endpoint;
      }
      if (endpoint === "delete") {
        // Runway cancels a task that has not finished and deletes one that has.
        if (t.status === "PENDING" || t.status === "THROTTLED" || t.status === "RUNNING") t.status = "CANCELLED";
        else t.deleted = true;
        answer = { status: 204 };
      } else {
        t.polls += 1;
        t.pollTimes.push(Date.now());
        if (t.status !== "CANCELLED" && t.finishedAt === undefined) {
          if (t.polls >= pollsToFinish) {
            t.finishedAt = Date.now();
            t.status = t.outcome === "succeed" ? "SUCCEEDED" : "FAILED";
          } else {
            t.status = t.polls === 1 ? (options.throttled ? "THROTTLED" : "PENDING") : "RUNNING";
          }
        }
        answer = { status: 200, body: view(t) };
      }
    }

    if (failure === "slow") await server.sleep(slowMs);
    if (res.destroyed) return endpoint;
    if (failure === "bad_shape") sendJson(res, 200, { task: { state: "done" } });
    else if (answer.body === undefined) res.writeHead(answer.status).end();
    else sendJson(res, answer.status, answer.body);
    return endpoint;
  };

  const server = await startDoubleServer(
    recordingAnswers(route, (call) => calls.push({ ...call, at: Date.now() }), (res, message) => sendJson(res, 500, { error: message })),
    { port: options.port },
  );
  url = server.origin;

  return {
    url,
    apiKey,
    calls,
    /** The MP4 every successful task returns. */
    video,
    /** POST /v1/image_to_video requests received, accepted or not. */
    get submissions() {
      return submissions;
    },
    tasks: tasks as ReadonlyMap<string, Readonly<Task>>,
    failNext(mode: RunwayFailureMode, opts: { on?: RunwayEndpoint | "any"; times?: number } = {}) {
      failures.add(opts.on ?? "any", mode, opts.times ?? 1);
    },
    /** The next `times` tasks end this way; a failure is HTTP 200 with status FAILED and the failureCode. */
    nextOutcome(outcome: RunwayOutcome, times = 1) {
      for (let i = 0; i < times; i++) outcomes.push(outcome);
    },
    expireResults() {
      for (const t of tasks.values()) if (t.finishedAt !== undefined) t.finishedAt = Date.now() - resultTtlMs - 1;
    },
    close: () => server.close(),
  };
}

export type RunwayDouble = Awaited<ReturnType<typeof startRunwayDouble>>;

let cachedVideo: Promise<Buffer> | undefined;

/** A real 1-second 64×64 H.264 MP4, made once per process with the ffmpeg from @ffmpeg-installer/ffmpeg. */
function renderMp4(): Promise<Buffer> {
  cachedVideo ??= (async () => {
    const ffmpeg = (await import("@ffmpeg-installer/ffmpeg")).default.path;
    const dir = await mkdtemp(path.join(os.tmpdir(), "runway-double-"));
    const file = path.join(dir, "clip.mp4");
    try {
      await promisify(execFile)(ffmpeg, ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=64x64:rate=10", "-t", "1", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-movflags", "+faststart", "-y", file]);
      return await readFile(file);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })();
  return cachedVideo;
}
