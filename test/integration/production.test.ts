import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { requestCatalogSync, runCatalogSync } from "../../app/catalog/catalog-sync.server";
import { saveProviderCredential } from "../../app/credentials/credentials.server";
import { listProducts } from "../../app/catalog/product-list.server";
import { productListQuerySchema } from "../../app/catalog/product-list-query";
import { generateAsset } from "../../app/production/generate-asset.server";
import { loadPlans } from "../../app/production/plans.server";
import { reconcileProduction } from "../../app/production/production-flow.server";
import { cancelOrder, resumeShopProduction, retryOrder, sendToProduction } from "../../app/production/production-orders.server";
import { resolveRecipeForProduct, saveRecipeVersion } from "../../app/recipes/recipes.server";
import { unauthenticated } from "../../app/shopify.server";
import { assetStore } from "../../app/storage/asset-store.server";
import { Redis } from "ioredis";
import { env } from "../../app/config/env";
import { redisOptionsFromUrl } from "../../jobs/connection";
import { closeQueues } from "../../jobs/queues";
import { startWorkers, stopWorkers } from "../../jobs/workers";
import { startFashnDouble, type FashnDouble } from "../doubles/fashn-double";
import { startTestStore, TEST_SHOP } from "../support/emulator";
import { testLoopbackPorts } from "../support/test-env";

type Emulator = Awaited<ReturnType<typeof startTestStore>>;

const ACTOR = "user:test";
const FINISHED = ["completed", "partial", "failed", "canceled"];

// Generous: the demo provider, post-production and QC are CPU work, and other test files share the cores (docs/decisions/0026).
async function waitForOrders(ids: string[], statuses: string[], timeoutMs = 150_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const orders = await prisma.productionOrder.findMany({ where: { id: { in: ids } } });
    if (orders.length === ids.length && orders.every((o) => statuses.includes(o.status))) return orders;
    if (Date.now() > deadline) {
      const assets = await prisma.asset.groupBy({ by: ["status", "kind", "errorCode", "error"], where: { orderId: { in: ids } }, _count: true });
      const requests = await prisma.assetRequest.findMany({ where: { orderId: { in: ids } }, select: { asset: true, status: true } });
      throw new Error(`orders still ${orders.map((o) => o.status).join(", ")}; candidates ${JSON.stringify(assets)}; requests ${JSON.stringify(requests)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Products of the synced catalog in one garment category, so a test can give that category its own recipe. */
async function productsOfType(productType: string, count: number) {
  const products = await prisma.product.findMany({ where: { shopId: TEST_SHOP, productType, featuredImageUrl: { not: null } }, orderBy: { id: "asc" }, take: count });
  expect(products.length).toBe(count);
  return products;
}

/** The category's current recipe with changes (e.g. the FASHN provider, one candidate per view). */
async function useRecipe(productType: string, change: (spec: Record<string, unknown>) => Record<string, unknown>) {
  const current = await resolveRecipeForProduct(prisma, TEST_SHOP, { productType, tags: [] }, { demo: true });
  const saved = await saveRecipeVersion(prisma, TEST_SHOP, current.categoryKey, change(structuredClone(current.spec) as unknown as Record<string, unknown>), ACTOR, "test");
  if (!saved.ok) throw new Error(`recipe refused: ${JSON.stringify(saved.errors)}`);
  return saved;
}

/** Tier-3 plan limited to what a test needs (the plan decides which assets an order asks for). */
async function planTier3(items: { asset: string; source: "ai" | "studio" }[]) {
  await prisma.productionPlan.upsert({ where: { shopId_tier: { shopId: TEST_SHOP, tier: 3 } }, create: { shopId: TEST_SHOP, tier: 3, items }, update: { items } });
}

describe("production orders (real Redis flows, PostgreSQL, emulator and provider doubles over HTTP)", { timeout: 180_000 }, () => {
  let emulator: Emulator;
  let fashn: FashnDouble;
  let workers: ReturnType<typeof startWorkers>;

  beforeAll(async () => {
    // The emulator's CDN and the double stand in for the internet on the ports the fetch policy allows in tests.
    const [storePort, fashnPort] = testLoopbackPorts();
    fashn = await startFashnDouble({ pollsToComplete: 2, port: fashnPort });
    emulator = await startTestStore({ port: storePort, productCount: 24 });
    const { admin } = await unauthenticated.admin(TEST_SHOP);
    const run = await requestCatalogSync(prisma, async () => undefined, { shopId: TEST_SHOP, requestedBy: ACTOR, kind: "paginated" });
    const synced = await runCatalogSync({ db: prisma, admin, syncRunId: run.id, bulkPollMs: 50 });
    expect(synced.status).toBe("succeeded");
    await prisma.product.updateMany({ where: { shopId: TEST_SHOP }, data: { tier: 3, tierSource: "default" } });
    const saved = await saveProviderCredential(prisma, TEST_SHOP, { provider: "fashn", apiKey: fashn.apiKey, baseUrl: fashn.url }, ACTOR, { httpAllowedOrigins: new Set([new URL(fashn.url).origin]) });
    expect(saved.ok).toBe(true);
    workers = startWorkers({ error: () => undefined, info: () => undefined });
  });

  afterAll(async () => {
    await stopWorkers(workers);
    await closeQueues();
    await emulator?.close();
    await fashn?.close();
  });

  it("makes every planned AI asset of two products through the demo provider, end to end to stored files", async () => {
    await planTier3([
      { asset: "on-model-front", source: "ai" },
      { asset: "packshot", source: "ai" },
      { asset: "video", source: "ai" },
      { asset: "detail", source: "studio" },
    ]);
    const products = await productsOfType("Dresses", 2);
    const sent = await sendToProduction(prisma, TEST_SHOP, products.map((p) => p.id), { actor: ACTOR, source: "bulk", demo: true });
    expect(sent.skipped).toEqual([]);
    expect(sent.created).toHaveLength(2);
    const orders = await waitForOrders(sent.created.map((c) => c.orderId), FINISHED);
    const errors = await prisma.asset.findMany({ where: { orderId: { in: orders.map((o) => o.id) }, status: "failed" }, select: { errorCode: true, error: true } });
    expect(errors).toEqual([]);
    expect(orders.map((o) => o.status)).toEqual(["completed", "completed"]);

    const assets = await prisma.asset.findMany({ where: { orderId: { in: orders.map((o) => o.id) } }, include: { request: true } });
    const spec = (await resolveRecipeForProduct(prisma, TEST_SHOP, { productType: "Dresses", tags: [] }, { demo: true })).spec;
    // Per product: candidatesPerView for each of two image views, one video.
    expect(assets).toHaveLength(2 * (2 * spec.candidatesPerView + 1));
    expect(new Set(assets.map((a) => a.status))).toEqual(new Set(["stored"]));
    for (const asset of assets) {
      // The audit record of how it was made.
      expect(asset).toMatchObject({ source: "ai", provider: "demo", recipeVersionId: expect.any(String), providerJobId: expect.any(String) });
      const bytes = await assetStore().get(asset.storageKey!);
      if (asset.kind === "image") {
        const meta = await sharp(bytes).metadata();
        // The provider's native size (the demo provider renders like FASHN); channel sizes are post-production's job.
        expect([meta.width, meta.height]).toEqual([864, 1296]);
        expect([asset.width, asset.height]).toEqual([864, 1296]);
        expect(asset.view).toBe(spec.views.find((v) => v.asset === asset.request.asset)?.view);
      } else {
        expect(asset.contentType).toBe("video/mp4");
        expect(bytes.subarray(4, 8).toString("latin1")).toBe("ftyp");
        expect((await sharp(await assetStore().get(asset.posterKey!)).metadata()).format).toBe("jpeg");
        expect(asset.durationSeconds).toBeGreaterThan(0);
      }
    }
    const studio = await prisma.assetRequest.findMany({ where: { orderId: { in: orders.map((o) => o.id) }, source: "studio" } });
    expect(studio.map((r) => r.status)).toEqual(["waiting-studio", "waiting-studio"]);
    // The catalog now knows what the plan still lacks: the produced kinds drop out of the gap filters.
    const plans = await loadPlans(prisma, TEST_SHOP);
    const needsVideo = await listProducts(prisma, TEST_SHOP, productListQuerySchema.parse({ gap: "video", type: "Dresses", pageSize: 100 }), plans);
    const listed = new Set(needsVideo.items.map((p) => p.id));
    expect(products.some((p) => listed.has(p.id))).toBe(false);
    expect(needsVideo.total).toBe((await prisma.product.count({ where: { shopId: TEST_SHOP, productType: "Dresses", tier: 3 } })) - 2);
    const row = (await listProducts(prisma, TEST_SHOP, productListQuerySchema.parse({ q: products[0].title }), plans)).items.find((p) => p.id === products[0].id);
    expect(row?.producedAssets).toEqual(["on-model-front", "packshot", "video"]);

    const ledger = await prisma.costEntry.findMany({ where: { orderId: { in: orders.map((o) => o.id) } } });
    expect(ledger).toHaveLength(assets.length);
    expect(new Set(ledger.map((e) => e.outcome))).toEqual(new Set(["succeeded"]));
    const audit = await prisma.auditEvent.count({ where: { shopId: TEST_SHOP, action: "production.order.created" } });
    expect(audit).toBeGreaterThanOrEqual(2);

    // A second send while nothing runs starts new orders; one while an order is active is refused per product.
    const again = await sendToProduction(prisma, TEST_SHOP, [products[0].id, "gid://shopify/Product/999999999"], { actor: ACTOR, source: "manual", demo: true });
    expect(again.skipped).toEqual([{ productId: "gid://shopify/Product/999999999", title: null, reason: "not in Shotlane's catalog: sync the catalog first" }]);
    const busy = await sendToProduction(prisma, TEST_SHOP, [products[0].id], { actor: ACTOR, source: "manual", demo: true });
    expect(busy.skipped[0]?.reason).toMatch(/already in production/);
    await waitForOrders(again.created.map((c) => c.orderId), FINISHED);
  });

  it("pauses the shop when the monthly budget is reached mid-order, loses nothing, and finishes after Resume", async () => {
    await planTier3([{ asset: "on-model-front", source: "ai" }]);
    await useRecipe("Tops", (spec) => ({ ...spec, provider: "fashn", model: "product-to-model", operation: "product-to-model", candidatesPerView: 3, video: null }));
    const [product] = await productsOfType("Tops", 1);
    const submissionsBefore = fashn.submissions;
    // FASHN costs 7.5 cents an image: a 20-cent month allows two of the three candidates.
    const spent = (await prisma.costEntry.aggregate({ where: { shopId: TEST_SHOP }, _sum: { costMicros: true } }))._sum.costMicros ?? 0;
    await prisma.shop.update({ where: { id: TEST_SHOP }, data: { monthlyBudgetCents: Math.floor(spent / 10_000) + 20 } });
    const sent = await sendToProduction(prisma, TEST_SHOP, [product.id], { actor: ACTOR, source: "manual", demo: true });
    const [order] = await waitForOrders(sent.created.map((c) => c.orderId), ["paused"]);
    const shop = await prisma.shop.findUniqueOrThrow({ where: { id: TEST_SHOP } });
    expect(shop.productionPauseReason).toMatch(/monthly budget of \$\d+\.\d\d is reached/);
    await waitForOrders([order.id], ["paused"]);
    let assets = await prisma.asset.findMany({ where: { orderId: order.id }, orderBy: { candidateIndex: "asc" } });
    // Let the two allowed candidates settle before counting.
    for (let i = 0; i < 100 && assets.filter((a) => a.status === "stored").length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      assets = await prisma.asset.findMany({ where: { orderId: order.id }, orderBy: { candidateIndex: "asc" } });
    }
    expect(assets.map((a) => a.status).sort()).toEqual(["paused", "stored", "stored"]);
    expect(fashn.submissions - submissionsBefore).toBe(2);

    await prisma.shop.update({ where: { id: TEST_SHOP }, data: { monthlyBudgetCents: null } });
    await resumeShopProduction(prisma, TEST_SHOP, ACTOR);
    await waitForOrders([order.id], ["completed"]);
    assets = await prisma.asset.findMany({ where: { orderId: order.id } });
    expect(assets.map((a) => a.status)).toEqual(["stored", "stored", "stored"]);
    expect(fashn.submissions - submissionsBefore).toBe(3);
    const ledger = await prisma.costEntry.findMany({ where: { orderId: order.id } });
    expect(ledger.map((e) => [e.outcome, e.costMicros])).toEqual([["succeeded", 75_000], ["succeeded", 75_000], ["succeeded", 75_000]]);
  });

  it("backs off on 429 and 500 without submitting twice, and stops with the reason on moderation", async () => {
    await planTier3([{ asset: "on-model-front", source: "ai" }]);
    const [product] = await productsOfType("Tops", 2).then((p) => [p[1]]);
    const before = fashn.submissions;
    fashn.scenario.failNext("run", { kind: "quota", error: "RateLimitExceeded", retryAfterSeconds: 0 }, 1);
    fashn.scenario.failNext("status", { kind: "server-error" }, 2);
    fashn.scenario.failJobs("ContentModerationError", 1);
    const sent = await sendToProduction(prisma, TEST_SHOP, [product.id], { actor: ACTOR, source: "manual", demo: true });
    const [order] = await waitForOrders(sent.created.map((c) => c.orderId), FINISHED);
    // One moderated candidate out of three: the asset still has good candidates, so the order completes.
    expect(order.status).toBe("completed");
    const assets = await prisma.asset.findMany({ where: { orderId: order.id }, orderBy: { candidateIndex: "asc" } });
    const failed = assets.filter((a) => a.status === "failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ errorCode: "moderation" });
    expect(assets.filter((a) => a.status === "stored")).toHaveLength(2);
    // Three candidates, three jobs at FASHN: the 429 was refused before a job existed (the double counts it as a
    // fourth request), the 500s were polls of existing jobs.
    const runs = fashn.calls.filter((c) => c.path === "/v1/run").slice(-(fashn.submissions - before));
    expect(runs.map((c) => c.status).sort()).toEqual([200, 200, 200, 429]);
    const wasted = await prisma.costEntry.findMany({ where: { orderId: order.id, outcome: "failed" } });
    expect(wasted).toHaveLength(1);

    // Retry runs the failed candidate again as a new call.
    await retryOrder(prisma, TEST_SHOP, order.id, ACTOR);
    await waitForOrders([order.id], ["completed"]);
    expect(fashn.submissions - before).toBe(5);
    expect((await prisma.asset.findMany({ where: { orderId: order.id } })).map((a) => a.status)).toEqual(["stored", "stored", "stored"]);
  });

  it("re-creates an order's jobs from the database when Redis loses them, without a second submission", async () => {
    await planTier3([{ asset: "on-model-front", source: "ai" }]);
    const [product] = await productsOfType("Tops", 3).then((p) => [p[2]]);
    await stopWorkers(workers);
    const before = fashn.submissions;
    const sent = await sendToProduction(prisma, TEST_SHOP, [product.id], { actor: ACTOR, source: "manual", demo: true });
    const orderId = sent.created[0].orderId;
    // Redis loses every job key of this test file (a flush, an eviction, a failover without persistence).
    const redis = new Redis(redisOptionsFromUrl(env().REDIS_URL));
    const keys = await redis.keys(`${env().QUEUE_PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    // An order changed within the last minute may be between its row and its flow: the reconciler waits.
    expect(await reconcileProduction(prisma, { shopId: TEST_SHOP })).toMatchObject({ requeued: [] });
    const reconciled = await reconcileProduction(prisma, { shopId: TEST_SHOP, minAgeMs: 0 });
    expect(reconciled.requeued).toEqual([orderId]);
    expect(await reconcileProduction(prisma, { shopId: TEST_SHOP, minAgeMs: 0 })).toMatchObject({ requeued: [] });
    // A job of the lost flow that turns up after all steps aside: only the new generation works the candidates.
    const candidate = await prisma.asset.findFirstOrThrow({ where: { orderId } });
    const unused = () => Promise.reject(new Error("a superseded job must not get this far"));
    await expect(generateAsset({ db: prisma, providerFor: unused, fetch: unused, store: assetStore(), buildRequest: unused }, candidate.id, { isFinalAttempt: false, generation: 0 })).resolves.toBe("superseded");
    expect((await prisma.asset.findUniqueOrThrow({ where: { id: candidate.id } })).status).toBe("queued");
    workers = startWorkers({ error: () => undefined, info: () => undefined });
    await waitForOrders([orderId], ["completed"]);
    expect(fashn.submissions - before).toBe(3);
    expect((await prisma.productionOrder.findUniqueOrThrow({ where: { id: orderId } })).generation).toBe(1);
  });

  it("cancels an order: open candidates stop, reservations are released, and a canceled order can be retried", async () => {
    await planTier3([{ asset: "on-model-front", source: "ai" }]);
    const [product] = await productsOfType("Tops", 4).then((p) => [p[3]]);
    await stopWorkers(workers);
    const sent = await sendToProduction(prisma, TEST_SHOP, [product.id], { actor: ACTOR, source: "manual", demo: true });
    const orderId = sent.created[0].orderId;
    const canceledAtProvider: string[] = [];
    await cancelOrder(prisma, TEST_SHOP, orderId, ACTOR, async (_provider, job) => {
      canceledAtProvider.push(job.providerJobId);
    });
    workers = startWorkers({ error: () => undefined, info: () => undefined });
    const [order] = await waitForOrders([orderId], ["canceled"]);
    expect(order.status).toBe("canceled");
    await new Promise((resolve) => setTimeout(resolve, 500));
    const assets = await prisma.asset.findMany({ where: { orderId } });
    expect(new Set(assets.map((a) => a.status))).toEqual(new Set(["canceled"]));
    expect(await prisma.costEntry.count({ where: { orderId, outcome: "reserved" } })).toBe(0);
    await expect(cancelOrder(prisma, TEST_SHOP, orderId, ACTOR, async () => undefined)).rejects.toThrow(/already canceled/);
    await retryOrder(prisma, TEST_SHOP, orderId, ACTOR);
    await waitForOrders([orderId], ["completed"]);
  });
  it("makes only the chosen views with a named recipe, and skips an unknown recipe or a view outside the plan with the choices", async () => {
    await planTier3([{ asset: "on-model-front", source: "ai" }, { asset: "on-model-back", source: "ai" }, { asset: "packshot", source: "ai" }]);
    // A product no other test here orders (they take Tops and Dresses).
    const product = await prisma.product.findFirstOrThrow({ where: { shopId: TEST_SHOP, productType: { notIn: ["Tops", "Dresses", "Coats", "Outerwear"] }, featuredImageUrl: { not: null } }, orderBy: { id: "asc" } });
    const outerwear = await resolveRecipeForProduct(prisma, TEST_SHOP, { productType: "Coats", tags: [] }, { demo: true });
    expect(outerwear.categoryKey).toBe("outerwear");

    const unknownRecipe = await sendToProduction(prisma, TEST_SHOP, [product.id], { actor: ACTOR, source: "extension", demo: true, recipe: "ballgowns" });
    expect(unknownRecipe.created).toEqual([]);
    expect(unknownRecipe.skipped).toEqual([{ productId: product.id, title: product.title, reason: expect.stringMatching(/^no brand recipe "ballgowns": choose one of .*outerwear/) }]);
    const outsidePlan = await sendToProduction(prisma, TEST_SHOP, [product.id], { actor: ACTOR, source: "extension", demo: true, assets: ["video"] });
    expect(outsidePlan.created).toEqual([]);
    expect(outsidePlan.skipped[0].reason).toBe("the tier 3 production plan has none of video: choose from on-model-front, on-model-back, packshot");

    const sent = await sendToProduction(prisma, TEST_SHOP, [product.id], { actor: ACTOR, source: "extension", demo: true, assets: ["on-model-back", "packshot"], recipe: "outerwear" });
    expect(sent.skipped).toEqual([]);
    const orderId = sent.created[0].orderId;
    const requests = await prisma.assetRequest.findMany({ where: { orderId }, orderBy: { asset: "asc" } });
    expect(requests.map((r) => [r.asset, r.recipeVersionId])).toEqual([
      ["on-model-back", outerwear.recipeVersionId],
      ["packshot", outerwear.recipeVersionId],
    ]);
    expect((await prisma.productionOrder.findUniqueOrThrow({ where: { id: orderId } })).source).toBe("extension");
    await waitForOrders([orderId], FINISHED);
  });
});
