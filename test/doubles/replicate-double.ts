import { createHmac, randomBytes, randomUUID } from "node:crypto";
import type http from "node:http";
import sharp from "sharp";
import { z } from "zod";
import { readJson, sendJson } from "../../emulator/http-util";
import { FailureSwitch, recordingAnswers, startDoubleServer, type DoubleServerOptions } from "./double-server";

/**
 * A local Replicate predictions API (../../../shared/PLATFORM.md) over real
 * HTTP: Bearer auth, validated bodies, predictions that move starting →
 * processing → a final state over a few polls, real PNG outputs that expire,
 * Standard-Webhooks signed callbacks, and switchable failures.
 */

export type ReplicateFailureMode = "rate_limit" | "server_error" | "slow" | "unauthorized" | "out_of_credits" | "bad_shape";
export type ReplicateEndpoint = "create" | "get" | "cancel" | "account";
export type ReplicateOutcome = "succeed" | "fail" | "moderation";

export interface ReplicateDoubleOptions extends DoubleServerOptions {
  /** Polls (GET /predictions/{id}) before a prediction finishes; 1 = the first poll sees the result. */
  pollsToFinish?: number;
  /** How long a "slow" failure holds the answer; set beyond the client timeout. */
  slowMs?: number;
  /** Outputs are deleted this long after the prediction finished (Replicate: one hour). */
  resultTtlMs?: number;
  /** Succeeded output as a list of URLs (most image models) or one URL string. */
  outputShape?: "array" | "string";
  outputCount?: number;
  predictTimeSeconds?: number;
  /** Versions that exist; any 64-hex id or owner/name[:id] when absent. */
  versions?: string[];
}

export interface ReplicateCall {
  method: string;
  path: string;
  status: number;
  endpoint: ReplicateEndpoint | "files" | "other";
}

interface Prediction {
  id: string;
  version: string;
  input: Record<string, unknown>;
  status: "starting" | "processing" | "succeeded" | "failed" | "canceled" | "aborted";
  outcome: ReplicateOutcome;
  polls: number;
  webhook?: string;
  createdAt: string;
  completedAt?: number;
  output: string[] | null;
  error: string | null;
  files: Map<string, Buffer>;
}

const VERSION = /^(?:[0-9a-f]{64}|[a-z0-9][a-z0-9_.-]*\/[a-z0-9][a-z0-9_.-]*(?::[0-9a-f]{64})?)$/;

const createSchema = z.object({
  version: z.string().regex(VERSION, "version must be a 64-character version id or owner/name[:version]"),
  input: z.looseObject({ prompt: z.string().min(1, "prompt is required") }),
  webhook: z.url().optional(),
  webhook_events_filter: z.array(z.enum(["start", "output", "logs", "completed"])).optional(),
  stream: z.boolean().optional(),
});

const MODERATION_ERROR = "NSFW content detected. Try running it again, or try a different prompt.";
const FAILURE_ERROR = "CUDA error: out of memory";

export async function startReplicateDouble(options: ReplicateDoubleOptions = {}) {
  const pollsToFinish = options.pollsToFinish ?? 2;
  const slowMs = options.slowMs ?? 2_000;
  const resultTtlMs = options.resultTtlMs ?? 3_600_000;
  const apiKey = `r8_${randomBytes(18).toString("hex")}`;
  const webhookSecret = `whsec_${randomBytes(24).toString("base64")}`;
  const predictions = new Map<string, Prediction>();
  const calls: ReplicateCall[] = [];
  const failures = new FailureSwitch<ReplicateEndpoint, ReplicateFailureMode>();
  const outcomes: ReplicateOutcome[] = [];
  let submissions = 0;
  let url = "";

  const view = (p: Prediction) => ({
    id: p.id,
    model: p.version.includes("/") ? p.version.split(":")[0] : "shotlane/double-model",
    version: p.version.includes(":") ? p.version.split(":")[1] : p.version,
    input: p.input,
    logs: "",
    output: p.status === "succeeded" ? (options.outputShape === "string" ? p.output?.[0] : p.output) : null,
    data_removed: false,
    error: p.error,
    status: p.status,
    created_at: p.createdAt,
    completed_at: p.completedAt ? new Date(p.completedAt).toISOString() : null,
    urls: { get: `${url}/predictions/${p.id}`, cancel: `${url}/predictions/${p.id}/cancel`, web: `https://replicate.com/p/${p.id}` },
    ...(p.status === "succeeded" || p.status === "failed" ? { metrics: { predict_time: options.predictTimeSeconds ?? 4.2 } } : {}),
  });

  const finish = async (p: Prediction) => {
    if (p.status === "succeeded" || p.status === "failed" || p.status === "canceled" || p.status === "aborted") return;
    p.completedAt = Date.now();
    if (p.outcome === "succeed") {
      const seed = typeof p.input.seed === "number" ? p.input.seed : 7;
      p.output = [];
      for (let i = 0; i < (options.outputCount ?? 1); i++) {
        const name = `out-${i}.png`;
        p.files.set(name, await renderPng(seed + i));
        p.output.push(`${url}/files/${p.id}/${name}`);
      }
      p.status = "succeeded";
    } else {
      p.status = "failed";
      p.error = p.outcome === "moderation" ? MODERATION_ERROR : FAILURE_ERROR;
    }
  };

  const problem = (res: http.ServerResponse, status: number, title: string, detail: string, extra: Record<string, unknown> = {}) =>
    sendJson(res, status, { title, detail, status, ...extra });

  const route = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<ReplicateCall["endpoint"]> => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const method = req.method ?? "GET";
    const files = path.match(/^\/files\/([^/]+)\/([^/]+)$/);
    if (files && method === "GET") {
      // replicate.delivery serves files without auth until they are deleted.
      const p = predictions.get(files[1]);
      const bytes = p?.files.get(files[2]);
      if (!p || !bytes || (p.completedAt !== undefined && Date.now() - p.completedAt > resultTtlMs)) {
        res.writeHead(404, { "content-type": "text/plain" }).end("Not found");
        return "files";
      }
      res.writeHead(200, { "content-type": "image/png", "content-length": bytes.length }).end(bytes);
      return "files";
    }

    const endpoint: ReplicateEndpoint | undefined =
      method === "POST" && path === "/predictions"
        ? "create"
        : method === "GET" && /^\/predictions\/[^/]+$/.test(path)
          ? "get"
          : method === "POST" && /^\/predictions\/[^/]+\/cancel$/.test(path)
            ? "cancel"
            : method === "GET" && path === "/account"
              ? "account"
              : undefined;
    if (!endpoint) {
      problem(res, 404, "Not found", "Not found.");
      return "other";
    }
    if (endpoint === "create") submissions += 1;

    const failure = failures.take(endpoint);
    if (failure === "unauthorized" || req.headers.authorization !== `Bearer ${apiKey}`) {
      problem(res, 401, "Unauthenticated", "You did not pass a valid authentication token");
      return endpoint;
    }
    if (failure === "rate_limit") {
      res.setHeader("retry-after", "1");
      problem(res, 429, "Request was throttled", "Request was throttled. Expected available in 1 second.");
      return endpoint;
    }
    if (failure === "server_error") {
      problem(res, 500, "Internal server error", "Something went wrong on our end.");
      return endpoint;
    }
    if (failure === "out_of_credits") {
      problem(res, 402, "Insufficient credit", "You have insufficient credit to run this model. Go to https://replicate.com/account/billing#billing to purchase credit.");
      return endpoint;
    }

    let answer: { status: number; body: unknown };
    if (endpoint === "account") {
      answer = { status: 200, body: { type: "organization", username: "shotlane-double", name: "Shotlane double", github_url: null } };
    } else if (endpoint === "create") {
      const parsed = createSchema.safeParse(await readJson(req));
      if (!parsed.success) {
        const invalid = parsed.error.issues.map((i) => ({ type: i.code, field: i.path.join("."), description: i.message }));
        problem(res, 422, "Input validation failed", invalid.map((f) => `- ${f.field}: ${f.description}`).join("\n"), { invalid_fields: invalid });
        return endpoint;
      }
      if (options.versions && !options.versions.includes(parsed.data.version)) {
        problem(res, 422, "Invalid version or not permitted", "The specified version does not exist (or perhaps you don't have permission to use it?)");
        return endpoint;
      }
      const p: Prediction = {
        id: randomBytes(13).toString("base64url").toLowerCase().replace(/[^a-z0-9]/g, "0").slice(0, 26),
        version: parsed.data.version,
        input: parsed.data.input,
        status: "starting",
        outcome: outcomes.shift() ?? "succeed",
        polls: 0,
        webhook: parsed.data.webhook,
        createdAt: new Date().toISOString(),
        output: null,
        error: null,
        files: new Map(),
      };
      predictions.set(p.id, p);
      answer = { status: 201, body: view(p) };
    } else {
      const id = path.split("/")[2];
      const p = predictions.get(id);
      if (!p) {
        problem(res, 404, "Not found", "Not found.");
        return endpoint;
      }
      if (endpoint === "cancel") {
        if (p.status === "starting" || p.status === "processing") {
          p.status = "canceled";
          p.completedAt = Date.now();
        }
      } else {
        p.polls += 1;
        if (p.status === "starting") p.status = "processing";
        if (p.polls >= pollsToFinish) await finish(p);
      }
      answer = { status: 200, body: view(p) };
    }

    // "slow": the work is done (a prediction really exists) but the answer arrives too late.
    if (failure === "slow") await server.sleep(slowMs);
    if (res.destroyed) return endpoint;
    if (failure === "bad_shape") sendJson(res, 200, { id: 42, status: "finished", output: { images: "nope" } });
    else sendJson(res, answer.status, answer.body);
    return endpoint;
  };

  const server = await startDoubleServer(
    recordingAnswers(route, (call) => calls.push(call), (res, message) => problem(res, 500, "Double error", message)),
    { port: options.port },
  );
  url = server.origin;

  return {
    url,
    apiKey,
    /** The account's `whsec_…` signing secret (Replicate: GET /webhooks/default/secret). */
    webhookSecret,
    calls,
    /** POST /predictions requests received, accepted or not. */
    get submissions() {
      return submissions;
    },
    predictions: predictions as ReadonlyMap<string, Readonly<Prediction>>,
    /** The next `times` calls to `on` (default any endpoint) fail this way. */
    failNext(mode: ReplicateFailureMode, opts: { on?: ReplicateEndpoint | "any"; times?: number } = {}) {
      failures.add(opts.on ?? "any", mode, opts.times ?? 1);
    },
    /** The next `times` predictions created end this way (HTTP 200 with status failed for fail/moderation). */
    nextOutcome(outcome: ReplicateOutcome, times = 1) {
      for (let i = 0; i < times; i++) outcomes.push(outcome);
    },
    /** Finishes a prediction at once (as Replicate does in the background), e.g. before a webhook. */
    async complete(id: string) {
      const p = predictions.get(id);
      if (!p) throw new Error(`no prediction ${id}`);
      await finish(p);
      return view(p);
    },
    /** Deletes every finished prediction's files now, as Replicate does after an hour. */
    expireResults() {
      for (const p of predictions.values()) if (p.completedAt !== undefined) p.completedAt = Date.now() - resultTtlMs - 1;
    },
    /**
     * POSTs the prediction to its webhook URL, signed like Replicate (or not):
     * "bad" signs with another key, "missing" omits webhook-signature, and
     * `ageSeconds` back-dates webhook-timestamp.
     */
    async sendWebhook(id: string, opts: { signature?: "good" | "bad" | "missing"; ageSeconds?: number } = {}) {
      const p = predictions.get(id);
      if (!p?.webhook) throw new Error(`prediction ${id} has no webhook`);
      const body = JSON.stringify(view(p));
      const msgId = `msg_${randomUUID().replace(/-/g, "")}`;
      const timestamp = String(Math.floor(Date.now() / 1000) - (opts.ageSeconds ?? 0));
      const key = opts.signature === "bad" ? randomBytes(24) : Buffer.from(webhookSecret.slice("whsec_".length), "base64");
      const signature = createHmac("sha256", key).update(`${msgId}.${timestamp}.${body}`).digest("base64");
      const headers: Record<string, string> = { "content-type": "application/json", "webhook-id": msgId, "webhook-timestamp": timestamp };
      // Two entries, as during a key rotation: only one needs to match.
      if (opts.signature !== "missing") headers["webhook-signature"] = `v1,${randomBytes(32).toString("base64")} v1,${signature}`;
      const response = await fetch(p.webhook, { method: "POST", headers, body });
      return { status: response.status, body: await response.text() };
    },
    close: () => server.close(),
  };
}

export type ReplicateDouble = Awaited<ReturnType<typeof startReplicateDouble>>;

/** A small real PNG whose colour follows the seed, so "same seed, same bytes" is checkable. */
async function renderPng(seed: number): Promise<Buffer> {
  const r = (seed * 67) % 256;
  const g = (seed * 131) % 256;
  const b = (seed * 197) % 256;
  return sharp({ create: { width: 64, height: 96, channels: 3, background: { r, g, b } } })
    .png()
    .toBuffer();
}
