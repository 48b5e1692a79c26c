import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * What every provider double shares: a node:http server on 127.0.0.1, the
 * "fail the next N calls of route X" switch, waits that close() cancels, and
 * the two ways the doubles record the calls they answer.
 */

export interface DoubleServerOptions {
  /** A fixed port (one of the test's allow-listed loopback ports); 0 or absent picks any. */
  port?: number;
}

export interface DoubleServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Waits `ms`; close() cancels the waits still running, so a slow answer never outlives its double. */
  sleep(ms: number): Promise<void>;
  /** Drops every open connection (keep-alive ones too) and stops listening. */
  close(): Promise<void>;
}

export type DoubleHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

/** Serves `handle`; when it throws, `onError` answers (by default a plain 500 unless an answer has begun). */
export async function startDoubleServer(handle: DoubleHandler, options: DoubleServerOptions & { onError?: (res: http.ServerResponse, error: unknown) => void } = {}): Promise<DoubleServer> {
  const onError =
    options.onError ??
    ((res: http.ServerResponse, error: unknown) => {
      if (!res.headersSent && !res.destroyed) res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
    });
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    try {
      void Promise.resolve(handle(req, res)).catch((error: unknown) => onError(res, error));
    } catch (error) {
      onError(res, error);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sleep(ms) {
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, ms);
        timers.add(timer);
      });
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Queued failures: `add(on, fault, times)` makes the next `times` calls of route
 * `on` (or of any route, with "any") get `fault`; queued faults are used in order.
 */
export class FailureSwitch<Route extends string, Fault> {
  private queue: { on: Route | "any"; fault: Fault; remaining: number }[] = [];

  add(on: Route | "any", fault: Fault, times = 1): void {
    this.queue.push({ on, fault, remaining: times });
  }

  /** The fault this call of `route` gets, if one is queued for it. */
  take(route: Route): Fault | undefined {
    const index = this.queue.findIndex((entry) => entry.remaining > 0 && (entry.on === "any" || entry.on === route));
    if (index < 0) return undefined;
    const entry = this.queue[index];
    entry.remaining -= 1;
    if (entry.remaining === 0) this.queue.splice(index, 1);
    return entry.fault;
  }

  clear(): void {
    this.queue = [];
  }
}

/** A request as the FASHN and fal doubles record it on arrival; `status` is filled in when the double answers. */
export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization?: string;
  body?: unknown;
  /** Filled in when the double answers. */
  status?: number;
}

/** A call to a multipart upload API (the background-removal doubles): the key header, text fields and the file's outline. */
export interface UploadCall {
  method: string;
  path: string;
  apiKey?: string;
  accept?: string;
  /** Text fields, from multipart (or JSON where the API takes it). */
  fields: Record<string, string>;
  file?: { name: string; type: string; size: number };
  /** Filled in when the double answers. */
  status?: number;
}

/** Reads the whole body and records the call; a body that is not JSON is kept as text and flagged. */
export async function readRecordedCall(req: http.IncomingMessage, origin: string): Promise<{ url: URL; call: RecordedCall; badJson: boolean }> {
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
  return { url, call, badJson };
}

/** Answers JSON and notes the status on the recorded call (also when the client has already gone). */
export function sendRecorded(res: http.ServerResponse, call: RecordedCall, status: number, body: unknown, headers: Record<string, string> = {}): void {
  call.status = status;
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/** Answers plain text and notes the status on the recorded call. */
export function sendRecordedText(res: http.ServerResponse, call: RecordedCall, status: number, text: string): void {
  call.status = status;
  res.writeHead(status, { "content-type": "text/plain" }).end(text);
}

/** What the Replicate, ComfyUI and Runway doubles record once a call is answered. */
export interface AnsweredCall<Endpoint extends string> {
  method: string;
  path: string;
  status: number;
  endpoint: Endpoint;
}

/**
 * A handler that runs `route` (which answers and names the endpoint it served)
 * and then records the call with the status it got; when `route` throws, the
 * call is recorded as a 500 on "other" and `answerError` answers if it still can.
 */
export function recordingAnswers<Endpoint extends string>(
  route: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<Endpoint | "other">,
  record: (call: AnsweredCall<Endpoint | "other">) => void,
  answerError: (res: http.ServerResponse, message: string) => void,
): DoubleHandler {
  return async (req, res) => {
    const method = req.method ?? "GET";
    const path = new URL(req.url ?? "/", "http://x").pathname;
    try {
      const endpoint = await route(req, res);
      record({ method, path, status: res.statusCode, endpoint });
    } catch (error) {
      record({ method, path, status: 500, endpoint: "other" });
      if (!res.headersSent && !res.destroyed) answerError(res, error instanceof Error ? error.message : String(error));
    }
  };
}
