import { Redis } from "ioredis";
import pg from "pg";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { requestCatalogSync, runCatalogSync } from "../../app/catalog/catalog-sync.server";
import { env } from "../../app/config/env";
import { saveProviderCredential } from "../../app/credentials/credentials.server";
import { sendToProduction } from "../../app/production/production-orders.server";
import { resolveRecipeForProduct, saveRecipeVersion } from "../../app/recipes/recipes.server";
import { unauthenticated } from "../../app/shopify.server";
import { assetStore } from "../../app/storage/asset-store.server";
import { redisOptionsFromUrl } from "../../jobs/connection";
import { closeQueues } from "../../jobs/queues";
import { startFashnDouble, type FashnDouble } from "../doubles/fashn-double";
import { startTestStore, TEST_SHOP } from "../support/emulator";
import { testLoopbackPorts } from "../support/test-env";
import { runningWorkers, startWorkerProcess, stopWorkerProcess, waitUntil, type WorkerProcess } from "../support/worker-process";

/**
 * Issue #4: a worker killed mid-job (SIGKILL, no shutdown handler runs) and
 * restarted submits nothing twice and loses no asset. The worker is the real
 * `jobs/worker.ts` in a child process on this file's database, Redis prefix
 * and allow-listed loopback ports; the FASHN double counts every submission.
 *
 * Not covered, on purpose: a crash in the few milliseconds between FASHN
 * accepting POST /run and the job id reaching the database would submit again
 * on restart (FASHN's contract has no idempotency key to dedupe it).
 */

type Emulator = Awaited<ReturnType<typeof startTestStore>>;

const ACTOR = "user:test";
const CANDIDATES_PER_VIEW = 3;



async function waitForOrdersCompleted(ids: string[], timeoutMs = 50_000) {
  try {
    await waitUntil(async () => (await prisma.productionOrder.count({ where: { id: { in: ids }, status: "completed" } })) === ids.length, timeoutMs, "the orders to complete");
  } catch (error) {
    const assets = await prisma.asset.groupBy({ by: ["status", "errorCode", "error"], where: { orderId: { in: ids } }, _count: true });
    const orders = await prisma.productionOrder.findMany({ where: { id: { in: ids } }, select: { status: true, error: true } });
    throw new Error(`${(error as Error).message}: orders ${JSON.stringify(orders)}; candidates ${JSON.stringify(assets)}`);
  }
}

/** FASHN submissions the double accepted (HTTP 200 to POST /v1/run) and all it received, from call index `from` on. */
function runCalls(fashn: FashnDouble, from: number) {
  const runs = fashn.calls.slice(from).filter((c) => c.method === "POST" && c.path === "/v1/run");
  return { received: runs.length, accepted: runs.filter((c) => c.status === 200).length };
}

/** Every value Redis holds under this file's queue prefix, by key (hashes field by field, lists, sets, streams). */
async function redisContents(redis: Redis): Promise<Map<string, string[]>> {
  const contents = new Map<string, string[]>();
  for (const key of await redis.keys(`${env().QUEUE_PREFIX}:*`)) {
    const type = await redis.type(key);
    if (type === "hash") contents.set(key, Object.entries(await redis.hgetall(key)).flat());
    else if (type === "string") contents.set(key, [(await redis.get(key)) ?? ""]);
    else if (type === "list") contents.set(key, await redis.lrange(key, 0, -1));
    else if (type === "set") contents.set(key, await redis.smembers(key));
    else if (type === "zset") contents.set(key, await redis.zrange(key, 0, -1));
    else if (type === "stream") contents.set(key, (await redis.xrange(key, "-", "+")).flatMap(([id, fields]) => [id, ...fields]));
  }
  return contents;
}

const ID_KEYS: Record<string, string[]> = { "production-order": ["orderId", "shopId"], "production-request": ["requestId", "shopId"], "generate-fashn": ["assetId", "shopId"], "post-production": ["assetId", "shopId"], "quality-check": ["assetId", "shopId"] };

/** Job payloads in Redis (the `data` field of each job hash), with the queue they belong to. */
async function jobPayloads(redis: Redis): Promise<{ queue: string; data: Record<string, unknown> }[]> {
  const prefix = `${env().QUEUE_PREFIX}:`;
  const payloads: { queue: string; data: Record<string, unknown> }[] = [];
  for (const key of await redis.keys(`${prefix}*`)) {
    if ((await redis.type(key)) !== "hash") continue;
    const data = await redis.hget(key, "data");
    if (data === null) continue;
    payloads.push({ queue: key.slice(prefix.length).split(":")[0], data: JSON.parse(data) as Record<string, unknown> });
  }
  return payloads;
}

describe("a worker process killed mid-job (SIGKILL) and restarted", () => {
  let emulator: Emulator;
  let fashn: FashnDouble;
  let redis: Redis;
  let tops: { id: string }[];

  beforeAll(async () => {
    const [storePort, fashnPort] = testLoopbackPorts();
    fashn = await startFashnDouble({ pollsToComplete: 3, port: fashnPort });
    emulator = await startTestStore({ port: storePort, productCount: 24 });
    const { admin } = await unauthenticated.admin(TEST_SHOP);
    const run = await requestCatalogSync(prisma, async () => undefined, { shopId: TEST_SHOP, requestedBy: ACTOR, kind: "paginated" });
    expect((await runCatalogSync({ db: prisma, admin, syncRunId: run.id, bulkPollMs: 50 })).status).toBe("succeeded");
    await prisma.product.updateMany({ where: { shopId: TEST_SHOP }, data: { tier: 3, tierSource: "default" } });
    await prisma.productionPlan.upsert({
      where: { shopId_tier: { shopId: TEST_SHOP, tier: 3 } },
      create: { shopId: TEST_SHOP, tier: 3, items: [{ asset: "on-model-front", source: "ai" }] },
      update: { items: [{ asset: "on-model-front", source: "ai" }] },
    });
    const current = await resolveRecipeForProduct(prisma, TEST_SHOP, { productType: "Tops", tags: [] }, { demo: true });
    const spec = { ...structuredClone(current.spec), provider: "fashn", model: "product-to-model", operation: "product-to-model", candidatesPerView: CANDIDATES_PER_VIEW, video: null };
    const saved = await saveRecipeVersion(prisma, TEST_SHOP, current.categoryKey, spec, ACTOR, "test");
    if (!saved.ok) throw new Error(`recipe refused: ${JSON.stringify(saved.errors)}`);
    const credential = await saveProviderCredential(prisma, TEST_SHOP, { provider: "fashn", apiKey: fashn.apiKey, baseUrl: fashn.url }, ACTOR, { httpAllowedOrigins: new Set([new URL(fashn.url).origin]) });
    expect(credential.ok).toBe(true);
    tops = await prisma.product.findMany({ where: { shopId: TEST_SHOP, productType: "Tops", featuredImageUrl: { not: null } }, orderBy: { id: "asc" }, take: 3, select: { id: true } });
    expect(tops).toHaveLength(3);
    redis = new Redis(redisOptionsFromUrl(env().REDIS_URL));
  });

  afterEach(async () => {
    for (const worker of [...runningWorkers]) await stopWorkerProcess(worker, "SIGKILL");
  });

  afterAll(async () => {
    await redis?.quit();
    await closeQueues();
    await emulator?.close();
    await fashn?.close();
  });

  /** What must hold once the orders are done: every candidate stored once, paid once, decodable; no secret anywhere. */
  async function expectNothingLostOrDoubled(orderIds: string[], callsFrom: number, workers: WorkerProcess[]) {
    const assets = await prisma.asset.findMany({ where: { orderId: { in: orderIds } }, orderBy: [{ orderId: "asc" }, { candidateIndex: "asc" }] });
    expect(assets).toHaveLength(orderIds.length * CANDIDATES_PER_VIEW);
    expect(assets.map((a) => a.status)).toEqual(assets.map(() => "stored"));
    // One accepted POST /run per candidate, and nothing refused that would hide a retry.
    expect(runCalls(fashn, callsFrom)).toEqual({ received: assets.length, accepted: assets.length });
    expect(new Set(assets.map((a) => a.providerJobId)).size).toBe(assets.length);

    const ledger = await prisma.costEntry.findMany({ where: { orderId: { in: orderIds } } });
    expect(ledger.filter((e) => e.outcome === "reserved")).toEqual([]);
    expect(ledger.map((e) => [e.assetId, e.outcome, e.providerJobId]).sort()).toEqual(assets.map((a) => [a.id, "succeeded", a.providerJobId]).sort());

    for (const asset of assets) {
      const meta = await sharp(await assetStore().get(asset.storageKey!)).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(["png", 864, 1296]);
    }

    const contents = await redisContents(redis);
    expect(contents.size).toBeGreaterThan(0);
    expect([...contents].filter(([, values]) => values.some((v) => v.includes(fashn.apiKey))).map(([key]) => key)).toEqual([]);
    const payloads = await jobPayloads(redis);
    // The jobs of these orders are still in Redis (kept by removeOnComplete's count), so the check sees them.
    expect(payloads.filter((p) => p.queue === "generate-fashn").length).toBeGreaterThanOrEqual(assets.length);
    for (const { queue, data } of payloads) {
      // Row ids, the shop's domain and the order's flow generation (a counter), nothing else.
      const { generation, ...ids } = data;
      if (generation !== undefined) expect(Number.isInteger(generation), queue).toBe(true);
      const required = ID_KEYS[queue];
      if (required) expect(Object.keys(ids).sort(), queue).toEqual(required);
      else expect(Object.keys(ids).filter((k) => k !== "shopId"), queue).toEqual([]);
      for (const value of Object.values(ids)) expect(value).toMatch(/^([a-z0-9]{20,40}|[a-z0-9][a-z0-9-]*\.myshopify\.com)$/);
    }

    const lines = workers.flatMap((w) => w.output);
    expect(lines.some((line) => line.startsWith("Shotlane worker started"))).toBe(true);
    expect(lines.filter((line) => line.includes(fashn.apiKey))).toEqual([]);
  }

  it("resumes candidates that FASHN already accepted (provider job ids stored) by polling them: one submission each, every file stored", async () => {
    const callsFrom = fashn.calls.length;
    // Polls every 5 s: the three polls FASHN needs take ten seconds, so every candidate is still "submitted" when the worker dies.
    const first = await startWorkerProcess({ PRODUCTION_POLL_MS: "5000" });
    const sent = await sendToProduction(prisma, TEST_SHOP, tops.slice(0, 2).map((p) => p.id), { actor: ACTOR, source: "bulk", demo: true });
    expect(sent.created).toHaveLength(2);
    const orderIds = sent.created.map((c) => c.orderId);
    const candidates = orderIds.length * CANDIDATES_PER_VIEW;
    await waitUntil(async () => (await prisma.asset.count({ where: { orderId: { in: orderIds }, providerJobId: { not: null } } })) === candidates, 30_000, "every candidate's provider job id");
    await stopWorkerProcess(first, "SIGKILL");

    // The crash left every candidate submitted, reserved and unfinished: the state a restart must resume from.
    const atCrash = await prisma.asset.findMany({ where: { orderId: { in: orderIds } }, select: { id: true, status: true, providerJobId: true } });
    expect(atCrash.map((a) => a.status)).toEqual(atCrash.map(() => "submitted"));
    expect(await prisma.costEntry.count({ where: { orderId: { in: orderIds }, outcome: "reserved" } })).toBe(candidates);
    expect(runCalls(fashn, callsFrom)).toEqual({ received: candidates, accepted: candidates });

    const second = await startWorkerProcess();
    await waitForOrdersCompleted(orderIds);
    await expectNothingLostOrDoubled(orderIds, callsFrom, [first, second]);
    // The very jobs accepted before the crash were polled to the end, not replaced.
    const after = await prisma.asset.findMany({ where: { orderId: { in: orderIds } }, select: { id: true, providerJobId: true } });
    expect(new Map(after.map((a) => [a.id, a.providerJobId]))).toEqual(new Map(atCrash.map((a) => [a.id, a.providerJobId])));
    await stopWorkerProcess(second, "SIGTERM");
  });

  it("runs candidates the killed worker had taken but not yet submitted: one submission each after the restart", async () => {
    const callsFrom = fashn.calls.length;
    const sent = await sendToProduction(prisma, TEST_SHOP, [tops[2].id], { actor: ACTOR, source: "manual", demo: true });
    const [orderId] = sent.created.map((c) => c.orderId);
    // Holding the request's row makes each candidate's job wait on its first write (marking the order running), before any submit.
    const gate = new pg.Client({ connectionString: env().DATABASE_URL });
    await gate.connect();
    let first: WorkerProcess | undefined;
    try {
      await gate.query("BEGIN");
      await gate.query(`SELECT id FROM "AssetRequest" WHERE "orderId" = $1 FOR NO KEY UPDATE`, [orderId]);
      first = await startWorkerProcess();
      // The worker has taken all three jobs (active in Redis) and at least one waits on the held row in PostgreSQL.
      await waitUntil(
        async () =>
          (await redis.llen(`${env().QUEUE_PREFIX}:generate-fashn:active`)) === CANDIDATES_PER_VIEW &&
          (await gate.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rows[0].n > 0,
        30_000,
        "every candidate's job to be running in the worker",
      );
      await stopWorkerProcess(first, "SIGKILL");
    } finally {
      await gate.query("ROLLBACK").catch(() => undefined);
      await gate.end();
    }
    if (!first) throw new Error("the first worker never started");

    const atCrash = await prisma.asset.findMany({ where: { orderId }, select: { status: true, providerJobId: true } });
    expect(atCrash).toEqual(atCrash.map(() => ({ status: "queued", providerJobId: null })));
    expect(runCalls(fashn, callsFrom)).toEqual({ received: 0, accepted: 0 });
    expect(await prisma.costEntry.count({ where: { orderId } })).toBe(0);
    // Redis still counts the jobs as active (locked by the dead worker): only the stall check frees them.
    const active = await redis.llen(`${env().QUEUE_PREFIX}:generate-fashn:active`);
    expect(active).toBe(CANDIDATES_PER_VIEW);

    const second = await startWorkerProcess();
    await waitForOrdersCompleted([orderId]);
    await expectNothingLostOrDoubled([orderId], callsFrom, [first, second]);
    await stopWorkerProcess(second, "SIGTERM");
  });
});
