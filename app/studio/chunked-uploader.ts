/**
 * The browser side of studio uploads (docs/decisions/0024): a queue of files,
 * at most `concurrency` in flight, each sent in chunks at the offset the server
 * holds. A 409 moves to the server's offset; a network error, 429 or 5xx is
 * retried with exponential back-off; pause aborts the chunk in flight (the
 * server keeps nothing of a cut request) and resume asks the server where to
 * continue. Browser-safe and framework-free: `fetch` and the timer are injected,
 * so the unit tests drive it against a fake server.
 */
import { nextChunk, retryDelayMs } from "./upload-chunks";

/** What the uploader needs of a File (a real File, or a test double). */
export interface UploadableFile {
  name: string;
  size: number;
  type: string;
  lastModified: number;
  slice(start: number, end: number): Blob;
}

/** The server's view of a studio file, as far as the uploader reads it. */
export interface ServerUpload {
  id: string;
  status: string;
  receivedBytes: number;
  size: number;
  reason?: string | null;
  assetId?: string | null;
  [key: string]: unknown;
}

export type UploadItemState = "queued" | "uploading" | "paused" | "done" | "failed";

export interface UploadItem {
  /** Local id, unique within this uploader. */
  key: string;
  name: string;
  size: number;
  state: UploadItemState;
  /** Bytes the server confirmed. */
  uploadedBytes: number;
  uploadId: string | null;
  /** The server's view once the file is complete (matched, unmatched …). */
  result: ServerUpload | null;
  /** Why it failed, naming the fix; or the problem being retried. */
  error: string | null;
  /** Failed attempts at the current step. */
  attempts: number;
}

export interface UploaderSnapshot {
  items: readonly UploadItem[];
  filesTotal: number;
  filesDone: number;
  bytesTotal: number;
  bytesDone: number;
  failed: number;
  paused: number;
  active: number;
}

export interface ChunkedUploaderOptions {
  fetch: (input: string, init?: RequestInit) => Promise<Response>;
  /** The start endpoint; chunks go to `${endpoint}/<id>?offset=N`. */
  endpoint?: string;
  /** Files in flight at once. */
  concurrency?: number;
  /** Attempts per step (start, chunk, completion check) before the file is marked failed. */
  maxAttempts?: number;
  retry?: { baseMs?: number; maxMs?: number };
  /** How long to wait between checks while the server finishes a complete file. */
  pollMs?: number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  onChange?: (snapshot: UploaderSnapshot) => void;
  /** Called once per file that reached the server completely (whatever the match). */
  onFileComplete?: (item: UploadItem) => void;
}

class PausedError extends Error {
  constructor() {
    super("paused");
    this.name = "PausedError";
  }
}

/** A refusal retrying cannot fix: the file fails with this message. */
class RefusedError extends Error {}

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(new PausedError());
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new PausedError());
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });

interface Entry {
  item: UploadItem;
  file: UploadableFile;
  controller: AbortController | null;
  pauseRequested: boolean;
  chunkBytes: number;
}

type Answer = { status: number; body: Record<string, unknown> | null };

function errorsText(body: Record<string, unknown> | null, fallback: string): string {
  const errors = body?.errors;
  if (errors && typeof errors === "object") {
    const messages = Object.values(errors as Record<string, unknown>).filter((m): m is string => typeof m === "string");
    if (messages.length > 0) return messages.join("; ");
  }
  return fallback;
}

const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

export class ChunkedUploader {
  private readonly entries: Entry[] = [];
  private readonly options: Required<Omit<ChunkedUploaderOptions, "onChange" | "onFileComplete" | "retry">> & Pick<ChunkedUploaderOptions, "onChange" | "onFileComplete" | "retry">;
  private counter = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(options: ChunkedUploaderOptions) {
    this.options = {
      endpoint: "/api/studio/uploads",
      concurrency: 3,
      maxAttempts: 6,
      pollMs: 1000,
      sleep: defaultSleep,
      random: Math.random,
      ...options,
    };
  }

  /** Queues files; they start as slots free up. Returns their keys. */
  add(files: Iterable<UploadableFile>): string[] {
    const keys: string[] = [];
    for (const file of files) {
      const key = `f${++this.counter}`;
      keys.push(key);
      this.entries.push({
        file,
        controller: null,
        pauseRequested: false,
        chunkBytes: 0,
        item: { key, name: file.name, size: file.size, state: "queued", uploadedBytes: 0, uploadId: null, result: null, error: null, attempts: 0 },
      });
    }
    this.changed();
    this.pump();
    return keys;
  }

  pause(key: string): void {
    const entry = this.find(key);
    if (!entry) return;
    if (entry.item.state === "queued") {
      entry.item.state = "paused";
      this.changed();
    } else if (entry.item.state === "uploading") {
      entry.pauseRequested = true;
      entry.controller?.abort();
    }
  }

  resume(key: string): void {
    const entry = this.find(key);
    if (!entry || entry.item.state !== "paused") return;
    entry.item.state = "queued";
    this.changed();
    this.pump();
  }

  /** Starts a failed file again (the server resumes it where its bytes end). */
  retry(key: string): void {
    const entry = this.find(key);
    if (!entry || entry.item.state !== "failed") return;
    Object.assign(entry.item, { state: "queued", error: null, attempts: 0, result: null });
    this.changed();
    this.pump();
  }

  pauseAll(): void {
    for (const entry of this.entries) this.pause(entry.item.key);
  }

  resumeAll(): void {
    for (const entry of this.entries) if (entry.item.state === "paused") entry.item.state = "queued";
    this.changed();
    this.pump();
  }

  retryFailed(): void {
    for (const entry of this.entries) if (entry.item.state === "failed") Object.assign(entry.item, { state: "queued", error: null, attempts: 0, result: null });
    this.changed();
    this.pump();
  }

  /** Forgets the files that are done from the list (failed ones stay, to retry). */
  clearFinished(): void {
    for (let i = this.entries.length - 1; i >= 0; i--) if (this.entries[i].item.state === "done") this.entries.splice(i, 1);
    this.changed();
  }

  snapshot(): UploaderSnapshot {
    const items = this.entries.map((e) => ({ ...e.item }));
    let bytesTotal = 0;
    let bytesDone = 0;
    const count = (state: UploadItemState) => items.filter((i) => i.state === state).length;
    for (const item of items) {
      bytesTotal += item.size;
      bytesDone += item.state === "done" ? item.size : Math.min(item.uploadedBytes, item.size);
    }
    return { items, filesTotal: items.length, filesDone: count("done"), bytesTotal, bytesDone, failed: count("failed"), paused: count("paused"), active: count("uploading") };
  }

  /** Resolves when nothing is queued or in flight (paused and failed files wait for a person). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return !this.entries.some((e) => e.item.state === "queued" || e.item.state === "uploading");
  }

  private find(key: string): Entry | undefined {
    return this.entries.find((e) => e.item.key === key);
  }

  private changed(): void {
    this.options.onChange?.(this.snapshot());
    if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private pump(): void {
    let active = this.entries.filter((e) => e.item.state === "uploading").length;
    for (const entry of this.entries) {
      if (active >= this.options.concurrency) break;
      if (entry.item.state !== "queued") continue;
      active++;
      entry.item.state = "uploading";
      entry.pauseRequested = false;
      entry.controller = new AbortController();
      void this.run(entry).finally(() => {
        entry.controller = null;
        this.changed();
        this.pump();
      });
    }
    this.changed();
  }

  private async run(entry: Entry): Promise<void> {
    const { item } = entry;
    const signal = entry.controller!.signal;
    try {
      let upload = await this.step(entry, () => this.start(entry, signal));
      while (upload.status === "uploading") {
        if (upload.receivedBytes >= item.size) {
          // Every byte is there and another request is handing the file on: look again shortly.
          await this.options.sleep(this.options.pollMs, signal);
          upload = await this.step(entry, () => this.check(entry, signal));
          continue;
        }
        const range = nextChunk(item.size, upload.receivedBytes, entry.chunkBytes)!;
        upload = await this.step(entry, () => this.sendChunk(entry, range, signal));
      }
      if (upload.status === "failed") throw new RefusedError(upload.reason ? `${upload.reason}` : "the server could not take the file: retry it");
      item.state = "done";
      item.result = upload;
      item.error = null;
      this.options.onFileComplete?.({ ...item });
    } catch (error) {
      if (entry.pauseRequested || error instanceof PausedError) {
        item.state = "paused";
        item.error = null;
      } else {
        item.state = "failed";
        item.error = error instanceof RefusedError ? error.message : `the upload failed: ${(error as Error).message}; retry it`;
      }
    }
  }

  /** Runs one request with retries: a retryable answer or a network error waits and tries again, up to maxAttempts. */
  private async step(entry: Entry, request: () => Promise<ServerUpload | "retry">): Promise<ServerUpload> {
    const { item } = entry;
    for (;;) {
      let problem: string;
      try {
        const outcome = await request();
        if (outcome !== "retry") {
          item.attempts = 0;
          this.changed();
          return outcome;
        }
        problem = item.error ?? "the server did not answer";
      } catch (error) {
        if (entry.pauseRequested || error instanceof PausedError || error instanceof RefusedError) throw error;
        problem = `network error (${(error as Error).message})`;
      }
      item.attempts++;
      if (item.attempts >= this.options.maxAttempts) throw new RefusedError(`${problem} after ${item.attempts} attempts: check the connection and retry`);
      item.error = `${problem}: retrying (attempt ${item.attempts + 1} of ${this.options.maxAttempts})`;
      this.changed();
      await this.options.sleep(retryDelayMs(item.attempts, this.options.retry, this.options.random()), entry.controller!.signal);
    }
  }

  private async call(url: string, init: RequestInit, signal: AbortSignal): Promise<Answer> {
    const response = await this.options.fetch(url, { ...init, signal });
    let body: Record<string, unknown> | null = null;
    try {
      const parsed: unknown = await response.json();
      body = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : null;
    } catch {
      body = null;
    }
    return { status: response.status, body };
  }

  private refusedOrRetry(entry: Entry, answer: Answer, what: string): "retry" {
    if (retryable(answer.status)) {
      entry.item.error = `${what}: HTTP ${answer.status}`;
      return "retry";
    }
    if (answer.status === 401 || answer.status === 403) throw new RefusedError("your session has expired: reload the page and add the file again");
    throw new RefusedError(errorsText(answer.body, `${what}: HTTP ${answer.status}`));
  }

  private accept(entry: Entry, upload: ServerUpload): ServerUpload {
    entry.item.uploadId = upload.id;
    entry.item.uploadedBytes = Math.min(upload.receivedBytes, entry.item.size);
    entry.item.error = null;
    this.changed();
    return upload;
  }

  private async start(entry: Entry, signal: AbortSignal): Promise<ServerUpload | "retry"> {
    const { file } = entry;
    const answer = await this.call(
      this.options.endpoint,
      { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name: file.name, size: file.size, type: file.type || null, lastModified: Math.floor(file.lastModified || 0) }) },
      signal,
    );
    if (answer.status !== 200) return this.refusedOrRetry(entry, answer, "starting the upload failed");
    const upload = answer.body?.upload as ServerUpload | undefined;
    const chunkBytes = Number(answer.body?.chunkBytes);
    if (!upload || !(chunkBytes >= 1)) return this.refusedOrRetry(entry, { status: 502, body: null }, "the server's answer was not understood");
    entry.chunkBytes = chunkBytes;
    return this.accept(entry, upload);
  }

  private async sendChunk(entry: Entry, range: { start: number; end: number }, signal: AbortSignal): Promise<ServerUpload | "retry"> {
    const { item, file } = entry;
    const answer = await this.call(
      `${this.options.endpoint}/${encodeURIComponent(item.uploadId!)}?offset=${range.start}`,
      { method: "PUT", headers: { "Content-Type": "application/octet-stream" }, body: file.slice(range.start, range.end) },
      signal,
    );
    const upload = answer.body?.upload as ServerUpload | undefined;
    if (answer.status === 200 && upload) return this.accept(entry, upload);
    // The server holds a different number of bytes (a chunk it kept whose answer was lost, or one it never got): continue from there.
    if (answer.status === 409 && upload) return this.accept(entry, upload);
    // The upload is gone on the server (abandoned and cleaned): start it again.
    if (answer.status === 404) return this.start(entry, signal);
    return this.refusedOrRetry(entry, answer, "sending a chunk failed");
  }

  private async check(entry: Entry, signal: AbortSignal): Promise<ServerUpload | "retry"> {
    const answer = await this.call(`${this.options.endpoint}/${encodeURIComponent(entry.item.uploadId!)}`, { method: "GET" }, signal);
    const upload = answer.body?.upload as ServerUpload | undefined;
    if (answer.status === 200 && upload) return this.accept(entry, upload);
    return this.refusedOrRetry(entry, answer, "checking the upload failed");
  }
}
