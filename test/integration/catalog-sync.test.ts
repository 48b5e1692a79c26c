import { Queue, QueueEvents } from "bullmq";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import prisma from "../../app/db.server";
import { startCatalogSync } from "../../app/catalog/catalog-sync-requests.server";
import { cancelCatalogSync } from "../../app/catalog/catalog-sync.server";
import { env } from "../../app/config/env";
import { workerConnection } from "../../jobs/connection";
import { catalogSyncQueue, closeQueues } from "../../jobs/queues";
import { startWorkers, stopWorkers } from "../../jobs/workers";
import { startTestStore, TEST_SHOP } from "../support/emulator";

type Emulator = Awaited<ReturnType<typeof startTestStore>>;

const syncQueue = () => new Queue(catalogSyncQueue.name, { connection: workerConnection(env().REDIS_URL), prefix: env().QUEUE_PREFIX });

async function waitForRun(id: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await prisma.syncRun.findUniqueOrThrow({ where: { id } });
    if (run.status === "succeeded" || run.status === "failed") return run;
    if (Date.now() > deadline) throw new Error(`SyncRun ${id} still ${run.status} (${run.processed}/${run.total})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("catalog sync job (real Redis, emulator over HTTP)", () => {
  let emulator: Emulator;
  let workers: ReturnType<typeof startWorkers>;

  beforeAll(async () => {
    emulator = await startTestStore({ productCount: 500 });
    workers = startWorkers();
  });

  afterAll(async () => {
    await stopWorkers(workers);
    await closeQueues();
    await emulator.close();
  });

  it("fills the mirror from a bulk export with every product, its tags, collections, variants and media", async () => {
    const started = await startCatalogSync(TEST_SHOP, "user:test");
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    // A second request while this one is queued or running is refused.
    const second = await startCatalogSync(TEST_SHOP, "user:test");
    expect(second).toMatchObject({ ok: false, status: 409, error: expect.stringMatching(/already running/) });
    const run = await waitForRun(started.run.id);
    expect(run.error).toBeNull();
    expect(run.status).toBe("succeeded");
    expect(run.processed).toBe(500);
    expect(run.total).toBe(500);

    expect(await prisma.product.count({ where: { shopId: TEST_SHOP } })).toBe(500);
    const collections = await prisma.collection.findMany({ where: { shopId: TEST_SHOP } });
    expect(collections.map((c) => c.title)).toEqual(expect.arrayContaining(["Core", "SS26 Drop", "Sale", "Premium"]));
    expect(await prisma.productTag.count({ where: { shopId: TEST_SHOP } })).toBeGreaterThan(500);

    // A product read straight from the emulator over HTTP matches its mirror row.
    const mirrored = await prisma.product.findFirstOrThrow({ where: { shopId: TEST_SHOP }, include: { variants: true, tags: true, media: true }, orderBy: { id: "asc" } });
    const response = await fetch(`${emulator.url}/store/${TEST_SHOP}/admin/api/2026-10/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": "shpat_shotlane_test_token" },
      body: JSON.stringify({ query: `query($id: ID!) { product(id: $id) { title vendor tags variantsCount { count } } }`, variables: { id: mirrored.id } }),
    });
    const { data } = (await response.json()) as { data: { product: { title: string; vendor: string; tags: string[]; variantsCount: { count: number } } } };
    expect(mirrored.title).toBe(data.product.title);
    expect(mirrored.vendor).toBe(data.product.vendor);
    expect(mirrored.tags.map((t) => t.tag).sort()).toEqual([...data.product.tags].sort());
    expect(mirrored.variants.length).toBe(data.product.variantsCount.count);
    // Columns written by the bulk writer's raw SQL read back with their Prisma types.
    expect(mirrored.shopifyUpdatedAt).toBeInstanceOf(Date);
    expect(Number.isNaN(mirrored.shopifyUpdatedAt.getTime())).toBe(false);
    expect(typeof mirrored.variants[0].options).toBe("object");
    expect(Object.keys(mirrored.variants[0].options as object)).toEqual(["Color", "Size"]);
    expect(mirrored.media.length).toBeGreaterThan(0);

    expect(run.kind).toBe("bulk");
    expect(run.bulkOperationId).toMatch(/^gid:\/\/shopify\/BulkOperation\/\d+$/);
    // Image columns come from media lines that follow their product in the export.
    expect(await prisma.product.count({ where: { shopId: TEST_SHOP, imageCount: 1, featuredImageUrl: { startsWith: emulator.url } } })).toBe(500);
    // Routing ran on the fresh catalog: every product has a tier.
    expect(await prisma.product.count({ where: { shopId: TEST_SHOP, tier: null } })).toBe(0);

    const audit = await prisma.auditEvent.findMany({ where: { shopId: TEST_SHOP, subjectId: run.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["catalog.sync.requested", "catalog.sync.succeeded"]);
  });

  it("pages through the catalog (paginated sync) and waits out THROTTLED answers instead of failing", async () => {
    // Empty the shop's bucket: queries are answered THROTTLED. It refills at 100 points a second, so on a busy
    // machine the worker may pick the job up after it refilled: keep it empty until the job has met a THROTTLED answer.
    const drain = async () => {
      const drained = await fetch(`${emulator.url}/emulator/shops/${TEST_SHOP}/throttle`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ currentlyAvailable: 0 }) });
      expect(drained.ok).toBe(true);
    };
    await drain();
    const started = await startCatalogSync(TEST_SHOP, "user:test", "paginated");
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    const queue = syncQueue();
    const throttledLine = async () => (await queue.getJobLogs(`catalog-sync-${started.run.id}`)).logs.find((line) => line.startsWith("Throttled by the Admin API; waiting"));
    let throttled: string | undefined;
    for (const deadline = Date.now() + 120_000; !throttled && Date.now() < deadline; ) {
      await drain();
      throttled = await throttledLine();
      if (!throttled) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await queue.close();
    expect(throttled).toMatch(/^Throttled by the Admin API; waiting/);

    const run = await waitForRun(started.run.id);
    expect(run.status).toBe("succeeded");
    expect(run.processed).toBe(500);
    expect(await prisma.product.count({ where: { shopId: TEST_SHOP } })).toBe(500);
  });

  it("reports a failed bulk operation on the run instead of ignoring it", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    emulator.admin.failNextBulkOperation(TEST_SHOP);
    // One attempt only, so the failure is final and visible at once.
    const started = await startCatalogSync(TEST_SHOP, "user:test");
    if (!started.ok) throw new Error(started.error);
    const queue = syncQueue();
    const deadline = Date.now() + 60_000;
    let run = await prisma.syncRun.findUniqueOrThrow({ where: { id: started.run.id } });
    while (!(run.error ?? "").includes("bulk export failed") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      run = await prisma.syncRun.findUniqueOrThrow({ where: { id: started.run.id } });
    }
    expect(run.error).toMatch(/Shopify's bulk export failed \(INTERNAL_SERVER_ERROR\)/);
    await cancelCatalogSync(prisma, TEST_SHOP, "user:test");
    await queue.close();
    logged.mockRestore();
  });

  it("cancels a running sync: the run stays cancelled and a new sync can start at once", async () => {
    const started = await startCatalogSync(TEST_SHOP, "user:test");
    if (!started.ok) throw new Error(started.error);
    // Cancel as soon as the bulk operation exists.
    let run = await prisma.syncRun.findUniqueOrThrow({ where: { id: started.run.id } });
    for (let i = 0; i < 400 && !run.bulkOperationId; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      run = await prisma.syncRun.findUniqueOrThrow({ where: { id: started.run.id } });
    }
    const cancelled = await cancelCatalogSync(prisma, TEST_SHOP, "user:test");
    expect(cancelled?.status).toBe("cancelled");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await prisma.syncRun.findUniqueOrThrow({ where: { id: started.run.id } })).status).toBe("cancelled");
    expect((await prisma.auditEvent.findMany({ where: { subjectId: started.run.id } })).map((a) => a.action)).toEqual(["catalog.sync.requested", "catalog.sync.cancelled"]);
    const queue = syncQueue();
    const job = await queue.getJob(`catalog-sync-${started.run.id}`);
    expect(await job?.getState()).toBe("completed");
    await queue.close();
    // A new sync may start right away.
    const next = await startCatalogSync(TEST_SHOP, "user:test");
    expect(next.ok).toBe(true);
    if (next.ok) await waitForRun(next.run.id);
  });

  it("rejects a malformed job payload without retrying it", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const queue = syncQueue();
    const events = new QueueEvents(catalogSyncQueue.name, { connection: workerConnection(env().REDIS_URL), prefix: env().QUEUE_PREFIX });
    await events.waitUntilReady();
    const job = await queue.add(catalogSyncQueue.name, { shopId: "not a shop", syncRunId: "" }, { attempts: 3 });
    const failed = new Promise<string>((resolve) => events.on("failed", ({ jobId, failedReason }) => jobId === job.id && resolve(failedReason)));
    const reason = await failed;
    expect(reason).toMatch(/Invalid catalog-sync job payload \(shopId: must be a shop's myshopify domain; syncRunId: must name the SyncRun row\)/);
    const state = await queue.getJob(job.id!);
    expect(state?.attemptsMade).toBe(1);
    expect(logged).toHaveBeenCalledWith(expect.stringMatching(/\[worker catalog-sync\] job .* failed/));
    logged.mockRestore();
    await events.close();
    await queue.close();
  });
});
