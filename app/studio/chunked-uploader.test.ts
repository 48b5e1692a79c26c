import { describe, expect, it } from "vitest";
import { ChunkedUploader, type ChunkedUploaderOptions, type UploaderSnapshot } from "./chunked-uploader";

/**
 * A fake of the upload API with the server's rules: start resumes by
 * name:size:lastModified, a chunk must come at the server's offset (else 409
 * with it), the last chunk completes the file. Hooks inject failures.
 */
class FakeServer {
  uploads = new Map<string, { id: string; key: string; name: string; size: number; bytes: number[]; status: string; reason: string | null }>();
  requests: { method: string; url: string; offset?: number; length?: number }[] = [];
  inFlight = new Set<string>();
  maxFilesInFlight = 0;
  chunkBytes = 4;
  /** Runs before a PUT is applied; may throw (network error), return a Response, or wait. */
  beforeChunk?: (id: string, offset: number, attempt: number) => Promise<Response | void> | Response | void;
  /** Runs after a PUT was applied, before the answer; may throw to lose the answer. */
  afterChunk?: (id: string, offset: number) => void;
  /** Status a completed file gets (by name). */
  finalStatus = (name: string) => (name.startsWith("unknown") ? "unmatched" : "ingested");
  /** Completion answers "uploading" this many times before the final status (another request is handing it on). */
  slowCompletion = 0;
  private counter = 0;
  private chunkAttempts = new Map<string, number>();

  fetch: ChunkedUploaderOptions["fetch"] = async (url, init = {}) => {
    const method = init.method ?? "GET";
    const signal = init.signal ?? undefined;
    if (signal?.aborted) throw new DOMException("aborted", "AbortError");
    const parsed = new URL(url, "https://app.test");
    const id = parsed.pathname.split("/")[4];
    const entry = { method, url };
    this.requests.push(entry);
    if (method === "POST") {
      const file = JSON.parse(String(init.body)) as { name: string; size: number; lastModified: number };
      if (!/\.(jpg|png|mp4)$/.test(file.name)) return json(400, { ok: false, errors: { name: `.${file.name.split(".").pop()} is not accepted: upload images or videos` } });
      const key = `${file.name}:${file.size}:${file.lastModified}`;
      const existing = [...this.uploads.values()].find((u) => u.key === key && u.status === "uploading");
      const upload = existing ?? { id: `u${++this.counter}`, key, name: file.name, size: file.size, bytes: [], status: "uploading", reason: null };
      this.uploads.set(upload.id, upload);
      return json(200, { ok: true, upload: this.view(upload), chunkBytes: this.chunkBytes });
    }
    const upload = this.uploads.get(id);
    if (!upload) return json(404, { ok: false, errors: { id: "no such upload in this shop: start the upload again" } });
    if (method === "GET") {
      if (upload.status === "uploading" && upload.bytes.length === upload.size && this.slowCompletion-- <= 0) upload.status = this.finalStatus(upload.name);
      return json(200, { ok: true, upload: this.view(upload) });
    }
    const offset = Number(parsed.searchParams.get("offset"));
    const bytes = [...new Uint8Array(await (init.body as Blob).arrayBuffer())];
    Object.assign(entry, { offset, length: bytes.length });
    this.inFlight.add(id);
    this.maxFilesInFlight = Math.max(this.maxFilesInFlight, this.inFlight.size);
    try {
      const attempt = (this.chunkAttempts.get(`${id}@${offset}`) ?? 0) + 1;
      this.chunkAttempts.set(`${id}@${offset}`, attempt);
      const injected = await this.beforeChunk?.(id, offset, attempt);
      if (signal?.aborted) throw new DOMException("aborted", "AbortError");
      if (injected) return injected;
      if (upload.status !== "uploading" || offset !== upload.bytes.length) return json(409, { ok: false, errors: { offset: `continue from ${upload.bytes.length}` }, receivedBytes: upload.bytes.length, upload: this.view(upload) });
      if (bytes.length > this.chunkBytes) return json(413, { ok: false, errors: { body: "too big" } });
      upload.bytes.push(...bytes);
      if (upload.bytes.length === upload.size && this.slowCompletion-- <= 0) upload.status = this.finalStatus(upload.name);
      this.afterChunk?.(id, offset);
      return json(200, { ok: true, upload: this.view(upload) });
    } finally {
      this.inFlight.delete(id);
    }
  };

  view(upload: { id: string; size: number; bytes: number[]; status: string; reason: string | null }) {
    return { id: upload.id, status: upload.status, receivedBytes: upload.bytes.length, size: upload.size, reason: upload.status === "unmatched" ? "SKU not in the catalog" : upload.reason };
  }

  stored(name: string): string {
    return String.fromCharCode(...[...this.uploads.values()].find((u) => u.name === name)!.bytes);
  }
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const file = (name: string, text: string, lastModified = 1000) => new File([text], name, { type: "image/jpeg", lastModified });
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function uploader(server: FakeServer, extra: Partial<ChunkedUploaderOptions> = {}) {
  const sleeps: number[] = [];
  const snapshots: UploaderSnapshot[] = [];
  const completed: string[] = [];
  const instance = new ChunkedUploader({
    fetch: server.fetch,
    sleep: async (ms, signal) => {
      sleeps.push(ms);
      await tick();
      if (signal.aborted) throw new DOMException("aborted", "AbortError");
    },
    random: () => 0.5,
    onChange: (snapshot) => snapshots.push(snapshot),
    onFileComplete: (item) => completed.push(item.name),
    ...extra,
  });
  return { instance, sleeps, snapshots, completed };
}

describe("ChunkedUploader", () => {
  it("sends many files in chunks of the server's size, at most three at once, and reports their final status", async () => {
    const server = new FakeServer();
    // Every chunk waits a turn, so the files really overlap.
    server.beforeChunk = () => tick() as Promise<void>;
    const { instance, snapshots, completed } = uploader(server);
    const names = Array.from({ length: 8 }, (_, i) => (i === 7 ? "unknown_front.jpg" : `SKU-${i}_front.jpg`));
    instance.add(names.map((name, i) => file(name, `${name}|${"x".repeat(i * 3)}`)));
    await instance.whenIdle();

    for (const [i, name] of names.entries()) expect(server.stored(name)).toBe(`${name}|${"x".repeat(i * 3)}`);
    expect(server.requests.filter((r) => r.method === "PUT").every((r) => r.length! <= 4)).toBe(true);
    expect(server.maxFilesInFlight).toBe(3);
    const final = instance.snapshot();
    expect(final).toMatchObject({ filesTotal: 8, filesDone: 8, failed: 0, active: 0 });
    expect(final.bytesDone).toBe(final.bytesTotal);
    expect(final.items.map((i) => i.result?.status)).toEqual([...Array(7).fill("ingested"), "unmatched"]);
    expect(final.items[7].result?.reason).toBe("SKU not in the catalog");
    expect(completed.sort()).toEqual([...names].sort());
    // Progress went up file by file, never backwards.
    const done = snapshots.map((s) => s.bytesDone);
    expect(done.every((value, i) => i === 0 || value >= done[i - 1])).toBe(true);
    expect(snapshots.some((s) => s.filesDone > 0 && s.filesDone < 8)).toBe(true);
  });

  it("continues from the server's offset after a 409 (a chunk the server kept whose answer was lost)", async () => {
    const server = new FakeServer();
    let lost = false;
    server.afterChunk = (_id, offset) => {
      if (offset === 4 && !lost) {
        lost = true;
        throw new TypeError("Failed to fetch");
      }
    };
    const { instance, sleeps } = uploader(server);
    instance.add([file("SKU-1_front.jpg", "abcdefghijklmnop")]);
    await instance.whenIdle();

    expect(server.stored("SKU-1_front.jpg")).toBe("abcdefghijklmnop");
    const puts = server.requests.filter((r) => r.method === "PUT").map((r) => r.offset);
    // 4 was applied, its answer lost; the retry at 4 got 409 with 8 and the upload went on from 8.
    expect(puts).toEqual([0, 4, 4, 8, 12]);
    expect(sleeps).toEqual([500]);
    expect(instance.snapshot().items[0]).toMatchObject({ state: "done", error: null, attempts: 0 });
  });

  it("retries a failed chunk with exponential back-off, then gives up with the reason; Retry finishes it", async () => {
    const server = new FakeServer();
    server.beforeChunk = (_id, offset, attempt) => (offset === 4 && attempt <= 2 ? json(503, { error: "busy" }) : undefined);
    const first = uploader(server);
    first.instance.add([file("SKU-1_front.jpg", "abcdefghij")]);
    await first.instance.whenIdle();
    expect(server.stored("SKU-1_front.jpg")).toBe("abcdefghij");
    expect(first.sleeps).toEqual([500, 1000]);

    // A chunk that keeps failing: maxAttempts attempts, then failed, nothing lost.
    const stubborn = new FakeServer();
    let down = true;
    stubborn.beforeChunk = (_id, offset) => {
      if (offset === 4 && down) throw new TypeError("Failed to fetch");
    };
    const second = uploader(stubborn, { maxAttempts: 3 });
    second.instance.add([file("SKU-2_back.jpg", "0123456789")]);
    await second.instance.whenIdle();
    const failed = second.instance.snapshot().items[0];
    expect(failed).toMatchObject({ state: "failed", uploadedBytes: 4 });
    expect(failed.error).toBe("network error (Failed to fetch) after 3 attempts: check the connection and retry");
    expect(second.sleeps).toEqual([500, 1000]);
    expect(second.instance.snapshot()).toMatchObject({ failed: 1, filesDone: 0 });

    down = false;
    second.instance.retry(failed.key);
    await second.instance.whenIdle();
    expect(second.instance.snapshot().items[0]).toMatchObject({ state: "done", error: null, uploadedBytes: 10 });
    expect(stubborn.stored("SKU-2_back.jpg")).toBe("0123456789");
    // The retry resumed the same upload at 4 (the start answer said so), it did not start over.
    expect(stubborn.uploads.size).toBe(1);
    expect(stubborn.requests.filter((r) => r.method === "PUT" && r.offset === 0)).toHaveLength(1);
  });

  it("fails a file the server refuses at once, with the server's message, and no retries", async () => {
    const server = new FakeServer();
    const { instance, sleeps } = uploader(server);
    instance.add([file("notes.pdf", "%PDF"), file("SKU-1_front.jpg", "ok")]);
    await instance.whenIdle();
    const [refused, fine] = instance.snapshot().items;
    expect(refused).toMatchObject({ state: "failed", error: ".pdf is not accepted: upload images or videos", uploadId: null });
    expect(fine).toMatchObject({ state: "done" });
    expect(sleeps).toEqual([]);
  });

  it("pauses a file mid-chunk and resumes it from the bytes the server holds", async () => {
    const server = new FakeServer();
    let release: (() => void) | undefined;
    server.beforeChunk = (_id, offset, attempt) => (offset === 8 && attempt === 1 ? new Promise<void>((resolve) => (release = resolve)) : undefined);
    const { instance } = uploader(server);
    const [key] = instance.add([file("SKU-1_front.jpg", "abcdefghijklmnop")]);
    while (!release) await tick();
    instance.pause(key);
    release();
    await instance.whenIdle();
    expect(instance.snapshot().items[0]).toMatchObject({ state: "paused", uploadedBytes: 8 });
    expect(instance.snapshot().paused).toBe(1);
    // The aborted chunk left nothing on the server.
    expect(server.uploads.get("u1")!.bytes).toHaveLength(8);

    instance.resume(key);
    await instance.whenIdle();
    expect(server.stored("SKU-1_front.jpg")).toBe("abcdefghijklmnop");
    // Resume asked the server where to go on (a second start), then sent only the rest.
    expect(server.requests.map((r) => `${r.method}${r.offset ?? ""}`)).toEqual(["POST", "PUT0", "PUT4", "PUT8", "POST", "PUT8", "PUT12"]);
  });

  it("resumes a file picked again after a reload where the server's bytes end", async () => {
    const server = new FakeServer();
    server.uploads.set("u9", { id: "u9", key: "SKU-1_front.jpg:12:1000", name: "SKU-1_front.jpg", size: 12, bytes: [..."abcdefgh"].map((c) => c.charCodeAt(0)), status: "uploading", reason: null });
    const { instance } = uploader(server);
    instance.add([file("SKU-1_front.jpg", "abcdefghijkl")]);
    await instance.whenIdle();
    expect(server.stored("SKU-1_front.jpg")).toBe("abcdefghijkl");
    expect(server.requests.filter((r) => r.method === "PUT").map((r) => r.offset)).toEqual([8]);
  });

  it("waits while the server hands a complete file on, then reports its status", async () => {
    const server = new FakeServer();
    server.slowCompletion = 2;
    const { instance } = uploader(server, { pollMs: 250 });
    instance.add([file("SKU-1_front.jpg", "abc")]);
    await instance.whenIdle();
    expect(instance.snapshot().items[0]).toMatchObject({ state: "done", result: { status: "ingested" } });
    expect(server.requests.map((r) => r.method)).toEqual(["POST", "PUT", "GET", "GET"]);
  });

  it("pause all and resume all cover queued files too", async () => {
    const server = new FakeServer();
    const gates: (() => void)[] = [];
    server.beforeChunk = () => new Promise<void>((resolve) => gates.push(resolve));
    const { instance } = uploader(server);
    instance.add(Array.from({ length: 5 }, (_, i) => file(`SKU-${i}_front.jpg`, "abc")));
    while (gates.length < 3) await tick();
    instance.pauseAll();
    for (const open of gates.splice(0)) open();
    await instance.whenIdle();
    expect(instance.snapshot()).toMatchObject({ paused: 5, filesDone: 0 });

    server.beforeChunk = undefined;
    instance.resumeAll();
    await instance.whenIdle();
    expect(instance.snapshot()).toMatchObject({ paused: 0, filesDone: 5 });
  });
});
