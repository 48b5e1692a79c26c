import { UnrecoverableError } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";

// A port nothing listens on: the producer must fail fast with a clear error, not hang the request.
process.env.REDIS_URL = "redis://127.0.0.1:1";
const { catalogSyncQueue, closeQueues, enqueue, parseJobPayload, QueueUnavailableError } = await import("./queues");

describe("queue definitions", () => {
  afterAll(async () => {
    await closeQueues();
  });

  it("parses a valid payload and rejects a bad one as unrecoverable, naming each field", () => {
    expect(parseJobPayload(catalogSyncQueue, { shopId: "a.myshopify.com", syncRunId: "run1" })).toEqual({ shopId: "a.myshopify.com", syncRunId: "run1" });
    expect(() => parseJobPayload(catalogSyncQueue, { shopId: "evil.com", extra: 1 })).toThrow(UnrecoverableError);
    expect(() => parseJobPayload(catalogSyncQueue, { shopId: "evil.com" })).toThrow(/shopId: must be a shop's myshopify domain; syncRunId: .*/);
  });

  it("refuses to enqueue an invalid payload before it reaches Redis", async () => {
    await expect(enqueue(catalogSyncQueue, { shopId: "nope", syncRunId: "x" }, { jobId: "j" })).rejects.toThrow(/myshopify domain/);
  });

  it("fails fast with QueueUnavailableError when Redis does not answer", async () => {
    const error = await enqueue(catalogSyncQueue, { shopId: "a.myshopify.com", syncRunId: "run1" }, { jobId: "j1" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueUnavailableError);
    expect((error as Error).message).toMatch(/The catalog-sync queue is unavailable \(is Redis running at REDIS_URL\?\)/);
  });
});
