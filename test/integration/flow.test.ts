import { createHmac } from "node:crypto";
import { Worker, type Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestCatalogSync, runCatalogSync } from "../../app/catalog/catalog-sync.server";
import { env } from "../../app/config/env";
import prisma from "../../app/db.server";
import { SEND_TO_PRODUCTION_HANDLE, VISUALS_APPROVED_HANDLE } from "../../app/flow/flow-extensions";
import { FLOW_RUN_SUBJECT } from "../../app/flow/send-to-production-action.server";
import { queueVisualsApproved, reconcileVisualsApproved, TRIGGER_QUEUED, TRIGGER_SENT } from "../../app/flow/visuals-approved.server";
import { ensureDefaultRecipes } from "../../app/recipes/recipes.server";
import { decideReview } from "../../app/review/review-actions.server";
import { action as flowAction } from "../../app/routes/flow.actions.send-to-production";
import { unauthenticated } from "../../app/shopify.server";
import { assetStore } from "../../app/storage/asset-store.server";
import { workerConnection } from "../../jobs/connection";
import { processFlowTrigger } from "../../jobs/processors/flow-triggers";
import { processProductionOrder } from "../../jobs/processors/production";
import { closeQueues, flowTriggerQueue, getQueue } from "../../jobs/queues";
import { startTestStore, TEST_SHOP } from "../support/emulator";
import { seedReviewQueue } from "../support/review-fixtures";
import { emptyQueues } from "../support/shop-rows";
import { TEST_API_SECRET, TEST_APP_URL, testLoopbackPorts } from "../support/test-env";
import { poller } from "../support/wait-for";

/**
 * Shopify Flow end to end on this machine: the action endpoint as Flow calls
 * it (signed JSON, real PostgreSQL and Redis, the shop's session from an
 * install), and the trigger from a reviewer's approval through the
 * flow-triggers queue and its real processor to flowTriggerReceive on the
 * store emulator over HTTP.
 */

const ACTOR = "user:reviewer";
const waitFor = poller({ timeoutMs: 30_000, intervalMs: 50 });

type Emulator = Awaited<ReturnType<typeof startTestStore>>;
type ActionBody = { ok: boolean; orderId?: string; productId?: string; errors?: Record<string, string> };

let runs = 0;
const newRunId = () => `run-${Date.now()}-${++runs}`;

function flowBody(properties: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
  return { shop_id: "1", shopify_domain: TEST_SHOP, action_run_id: newRunId(), action_definition_id: "Send product to Shotlane production", handle: SEND_TO_PRODUCTION_HANDLE, properties, ...overrides };
}

/** POSTs a run to the route the way Flow does: the raw JSON signed with the app's client secret. */
async function callAction(body: unknown, options: { secret?: string; raw?: string } = {}): Promise<{ status: number; body: ActionBody; headers: Headers }> {
  const raw = options.raw ?? JSON.stringify(body);
  const hmac = createHmac("sha256", options.secret ?? TEST_API_SECRET).update(raw, "utf8").digest("base64");
  const request = new Request(`${TEST_APP_URL}/flow/actions/send-to-production`, { method: "POST", body: raw, headers: { "Content-Type": "application/json", "X-Shopify-Hmac-Sha256": hmac } });
  const response = (await flowAction({ request, params: {}, context: {} })) as Response;
  return { status: response.status, body: (await response.json()) as ActionBody, headers: response.headers };
}

const legacyId = (gid: string) => Number(gid.split("/").pop());
const ordersOf = (productId: string) => prisma.productionOrder.findMany({ where: { shopId: TEST_SHOP, productId }, orderBy: { createdAt: "asc" } });

describe("Shopify Flow (PostgreSQL, Redis, store emulator over HTTP)", { timeout: 120_000 }, () => {
  let emulator: Emulator;
  let products: { id: string; productType: string }[];

  beforeAll(async () => {
    const [storePort] = testLoopbackPorts();
    emulator = await startTestStore({ port: storePort, productCount: 12 });
    const { admin } = await unauthenticated.admin(TEST_SHOP);
    const run = await requestCatalogSync(prisma, async () => undefined, { shopId: TEST_SHOP, requestedBy: ACTOR, kind: "paginated" });
    expect((await runCatalogSync({ db: prisma, admin, syncRunId: run.id, bulkPollMs: 50 })).status).toBe("succeeded");
    await prisma.product.updateMany({ where: { shopId: TEST_SHOP }, data: { tier: 3, tierSource: "default" } });
    const items = [{ asset: "on-model-front", source: "ai" }];
    await prisma.productionPlan.upsert({ where: { shopId_tier: { shopId: TEST_SHOP, tier: 3 } }, create: { shopId: TEST_SHOP, tier: 3, items }, update: { items } });
    await ensureDefaultRecipes(prisma, TEST_SHOP, { demo: false });
    products = await prisma.product.findMany({ where: { shopId: TEST_SHOP }, orderBy: { id: "asc" }, select: { id: true, productType: true } });
    expect(products.length).toBe(12);
  });

  afterAll(async () => {
    await emptyQueues();
    await closeQueues();
    await emulator?.close();
  });

  describe("action: Send product to Shotlane production", () => {
    it("opens a real production order from Flow (source flow, the named recipe), and a retried run opens none", async () => {
      // A product outside the outerwear category, so the order's recipe can only come from the action.
      const product = [0, 1, 4, 9, 10, 11].map((i) => products[i]).find((p) => !["Outerwear", "Coats", "Jackets"].includes(p.productType))!;
      const body = flowBody({ product_id: String(legacyId(product.id)), recipe: "outerwear", step_reference: "step-1" });
      const first = await callAction(body);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ ok: true, orderId: expect.any(String), productId: product.id });
      const [order, ...more] = await ordersOf(product.id);
      expect(more).toEqual([]);
      expect(order).toMatchObject({ id: first.body.orderId, source: "flow", requestedBy: "shopify:flow" });
      // The recipe honoured: the order's candidates use the outerwear recipe's version, not the product's own category's.
      const created = await prisma.auditEvent.findFirstOrThrow({ where: { shopId: TEST_SHOP, action: "production.order.created", subjectId: order.id } });
      expect(created.data).toMatchObject({ productId: product.id, source: "flow", category: "outerwear" });
      const outerwear = await prisma.recipe.findFirstOrThrow({ where: { shopId: TEST_SHOP, categoryKey: "outerwear" }, include: { versions: true } });
      const candidates = await prisma.asset.findMany({ where: { orderId: order.id } });
      expect(candidates.length).toBeGreaterThan(0);
      expect(new Set(candidates.map((c) => c.recipeVersionId))).toEqual(new Set([outerwear.versions.at(-1)!.id]));

      // Flow delivers the same run again (a timeout on its side): the first answer, and still one order.
      const again = await callAction(body);
      expect(again).toMatchObject({ status: 200, body: first.body });
      expect(await ordersOf(product.id)).toHaveLength(1);
      const runEvents = await prisma.auditEvent.findMany({ where: { shopId: TEST_SHOP, subjectType: FLOW_RUN_SUBJECT, subjectId: body.action_run_id }, orderBy: { id: "asc" } });
      expect(runEvents.map((e) => e.action)).toEqual(["flow.action.started", "flow.action.answered"]);

      // A new run for a product already in production is refused (409, not retried by Flow) and opens nothing.
      const busy = await callAction(flowBody({ product_id: legacyId(product.id) }));
      expect(busy).toMatchObject({ status: 409, body: { ok: false, errors: { "properties.product_id": expect.stringMatching(/already in production/) } } });
      expect(await ordersOf(product.id)).toHaveLength(1);
    });

    it("two deliveries of one run at the same time open one order", async () => {
      const product = products[8];
      const body = flowBody({ product_id: product.id });
      const answers = await Promise.all([callAction(body), callAction(body), callAction(body)]);
      const statuses = answers.map((a) => a.status);
      expect(statuses).toContain(200);
      // A delivery that finds the run still being handled is told to come back (Flow retries 5XX).
      for (const answer of answers.filter((a) => a.status !== 200)) expect(answer).toMatchObject({ status: 503, body: { errors: { action_run_id: expect.stringMatching(/still being handled/) } } });
      expect(answers.filter((a) => a.status === 503).every((a) => a.headers.get("Retry-After") === "10")).toBe(true);
      expect(await ordersOf(product.id)).toHaveLength(1);
      const later = await callAction(body);
      expect(later.status).toBe(200);
      expect(later.body.orderId).toBe((await ordersOf(product.id))[0].id);
    });

    it("refuses a wrong signature (401) and a bad body (400 naming the field), opening nothing", async () => {
      const product = products[2];
      const forged = await callAction(flowBody({ product_id: legacyId(product.id) }), { secret: "not-the-app-secret" });
      expect(forged).toMatchObject({ status: 401, body: { ok: false, errors: { "X-Shopify-Hmac-Sha256": expect.stringMatching(/client secret/) } } });
      const unsigned = (await flowAction({ request: new Request(`${TEST_APP_URL}/flow/actions/send-to-production`, { method: "POST", body: JSON.stringify(flowBody({ product_id: 1 })) }), params: {}, context: {} })) as Response;
      expect(unsigned.status).toBe(401);

      const noProduct = await callAction(flowBody({ recipe: "dresses" }));
      expect(noProduct).toMatchObject({ status: 400, body: { ok: false, errors: { "properties.product_id": expect.any(String) } } });
      const badRecipe = await callAction(flowBody({ product_id: legacyId(product.id), recipe: ["dresses"] }));
      expect(badRecipe).toMatchObject({ status: 400, body: { errors: { "properties.recipe": expect.stringMatching(/garment category key/) } } });
      const noRun = await callAction(flowBody({ product_id: legacyId(product.id) }, { action_run_id: undefined }));
      expect(noRun).toMatchObject({ status: 400, body: { errors: { action_run_id: expect.stringMatching(/is required/) } } });
      const notJson = await callAction(null, { raw: "{not json" });
      expect(notJson).toMatchObject({ status: 400, body: { errors: { body: expect.stringMatching(/not JSON/) } } });
      expect(await ordersOf(product.id)).toHaveLength(0);
    });

    it("answers Flow's documented failure (4XX, not retried) for an unknown product, an unknown recipe and a shop without Shotlane", async () => {
      const product = products[3];
      const unknownProduct = await callAction(flowBody({ product_id: 999_999_999 }));
      expect(unknownProduct).toMatchObject({ status: 422, body: { ok: false, errors: { "properties.product_id": "not in Shotlane's catalog: sync the catalog first" } } });

      const unknownRecipe = await callAction(flowBody({ product_id: legacyId(product.id), recipe: "ballgowns" }));
      expect(unknownRecipe.status).toBe(422);
      expect(unknownRecipe.body.errors?.["properties.recipe"]).toMatch(/no brand recipe "ballgowns": choose one of .*dresses.*outerwear/);
      expect(await ordersOf(product.id)).toHaveLength(0);

      // Signed correctly, but for a shop with no offline session (never installed, or uninstalled).
      const notInstalled = await callAction(flowBody({ product_id: legacyId(product.id) }, { shopify_domain: "gone-shop.myshopify.com" }));
      expect(notInstalled).toMatchObject({ status: 410, body: { ok: false, errors: { shopify_domain: expect.stringMatching(/not installed on gone-shop\.myshopify\.com/) } } });
      // A shop marked uninstalled whose session is still there (app/uninstalled mid-way) is refused by the service too.
      await prisma.shop.update({ where: { id: TEST_SHOP }, data: { uninstalledAt: new Date() } });
      try {
        const uninstalled = await callAction(flowBody({ product_id: legacyId(product.id) }));
        expect(uninstalled).toMatchObject({ status: 410, body: { errors: { shopify_domain: expect.stringMatching(/install the app again/) } } });
      } finally {
        await prisma.shop.update({ where: { id: TEST_SHOP }, data: { uninstalledAt: null } });
      }
      expect(await ordersOf(product.id)).toHaveLength(0);
    });
  });

  describe("trigger: Visuals approved", () => {
    let worker: Worker;
    const triggers = () => emulator.flowTriggers.received(TEST_SHOP, VISUALS_APPROVED_HANDLE);
    const sentEvents = (orderId: string) => prisma.auditEvent.findMany({ where: { shopId: TEST_SHOP, subjectType: "ProductionOrder", subjectId: orderId, action: TRIGGER_SENT } });
    async function queueIdle() {
      const counts = await getQueue(flowTriggerQueue).getJobCounts("waiting", "active", "delayed", "prioritized");
      return Object.values(counts).every((n) => n === 0);
    }

    beforeAll(() => {
      // The real processor on a real BullMQ worker, as jobs/workers.ts registers it.
      worker = new Worker(flowTriggerQueue.name, processFlowTrigger, { connection: workerConnection(env().REDIS_URL), prefix: env().QUEUE_PREFIX });
      worker.on("error", () => undefined);
    });
    afterAll(async () => {
      await worker?.close();
    });

    /** One finished order of a catalog product with `count` candidates awaiting review (tier 1 by the fixture). */
    async function orderAwaitingReview(product: { id: string; productType: string }, count: number) {
      const queue = await seedReviewQueue(prisma, assetStore(), TEST_SHOP, { count, products: [{ id: legacyId(product.id), title: `Flow fixture ${product.id}`, productType: product.productType, featuredImageUrl: null }], distinctThumbnails: 1, verdictOf: () => "pass" });
      const { orderId } = await prisma.asset.findUniqueOrThrow({ where: { id: queue.assetIds[0] }, select: { orderId: true } });
      return { assetIds: queue.assetIds, orderId };
    }

    it("approving the last awaiting candidate of an order sends exactly one trigger, also when approvals race and repeat", async () => {
      const product = products[5];
      const { assetIds, orderId } = await orderAwaitingReview(product, 3);
      const ctx = { shopId: TEST_SHOP, actor: ACTOR };

      // One of three approved: two still await review, so nothing is queued.
      expect(await decideReview(ctx, { intent: "approve", assetIds: [assetIds[0]] })).toMatchObject({ ok: true, changed: 1 });
      expect(await prisma.auditEvent.count({ where: { subjectId: orderId, action: TRIGGER_QUEUED } })).toBe(0);

      // The last two approved by two reviewers at the same moment.
      const [a, b] = await Promise.all([decideReview(ctx, { intent: "approve", assetIds: [assetIds[1]] }), decideReview({ ...ctx, actor: "user:other" }, { intent: "approve", assetIds: [assetIds[2]] })]);
      expect([a, b]).toMatchObject([{ ok: true, changed: 1 }, { ok: true, changed: 1 }]);

      await waitFor("the visuals-approved trigger to reach the emulator", async () => (await sentEvents(orderId)).length > 0);
      await waitFor("the flow-triggers queue to drain", queueIdle);
      expect(triggers()).toEqual([{ id: expect.any(Number), handle: VISUALS_APPROVED_HANDLE, payload: { product_id: legacyId(product.id), "Asset count": 3, Tier: 1 }, receivedAt: expect.any(String) }]);

      // Approving again changes nothing and sends nothing; neither does the hook or the reconciler running again.
      expect(await decideReview(ctx, { intent: "approve", assetIds })).toMatchObject({ ok: true, changed: 0 });
      expect(await queueVisualsApproved(prisma, TEST_SHOP, assetIds, ACTOR)).toEqual([]);
      expect((await reconcileVisualsApproved(prisma, { shopId: TEST_SHOP, minAgeMs: 0 })).requeued).toEqual([]);
      await waitFor("the flow-triggers queue to drain", queueIdle);
      expect(triggers()).toHaveLength(1);
      expect(await sentEvents(orderId)).toHaveLength(1);
      expect((await sentEvents(orderId))[0].data).toMatchObject({ handle: VISUALS_APPROVED_HANDLE, payload: { product_id: legacyId(product.id), "Asset count": 3, Tier: 1 } });
    });

    it("a rejection that leaves only approved candidates sends the trigger, counting the approved ones", async () => {
      const product = products[6];
      const { assetIds, orderId } = await orderAwaitingReview(product, 2);
      const before = triggers().length;
      await decideReview({ shopId: TEST_SHOP, actor: ACTOR }, { intent: "approve", assetIds: [assetIds[0]] });
      await decideReview({ shopId: TEST_SHOP, actor: ACTOR }, { intent: "reject", assetIds: [assetIds[1]], reason: "anatomy" });
      await waitFor("the trigger after the rejection", async () => (await sentEvents(orderId)).length > 0);
      expect(triggers().slice(before)).toEqual([expect.objectContaining({ payload: { product_id: legacyId(product.id), "Asset count": 1, Tier: 1 } })]);
    });

    it("an order whose last candidate fails after the others were approved sends the trigger when it settles", async () => {
      const product = products[8];
      const { assetIds, orderId } = await orderAwaitingReview(product, 2);
      const before = triggers().length;
      // The second candidate is still being made while the first is approved: the order is not settled yet.
      await prisma.asset.update({ where: { id: assetIds[1] }, data: { status: "generating", reviewStatus: null } });
      await prisma.assetRequest.updateMany({ where: { orderId }, data: { status: "running" } });
      await prisma.productionOrder.update({ where: { id: orderId }, data: { status: "running", finishedAt: null } });
      await decideReview({ shopId: TEST_SHOP, actor: ACTOR }, { intent: "approve", assetIds: [assetIds[0]] });
      expect(await prisma.auditEvent.count({ where: { subjectId: orderId, action: TRIGGER_QUEUED } })).toBe(0);

      // Its provider fails it; the order's settle job (the real processor) rolls the order up and queues the trigger.
      await prisma.asset.update({ where: { id: assetIds[1] }, data: { status: "failed", error: "provider failed" } });
      const settled = await processProductionOrder({ data: { shopId: TEST_SHOP, orderId } } as Job);
      expect(settled.status).toBe("completed");
      await waitFor("the trigger after the order settled", async () => (await sentEvents(orderId)).length > 0);
      expect(triggers().slice(before)).toEqual([expect.objectContaining({ payload: { product_id: legacyId(product.id), "Asset count": 1, Tier: 1 } })]);
    });

    it("an order whose job Redis lost is sent by the reconciler, from the audit trail", async () => {
      const product = products[7];
      const { assetIds, orderId } = await orderAwaitingReview(product, 1);
      // The worker takes nothing meanwhile, so the job can be lost as a flushed Redis would lose it.
      await worker.pause();
      try {
        await decideReview({ shopId: TEST_SHOP, actor: ACTOR }, { intent: "approve", assetIds });
        expect(await prisma.auditEvent.count({ where: { subjectId: orderId, action: TRIGGER_QUEUED } })).toBe(1);
        const queue = getQueue(flowTriggerQueue);
        expect(await queue.getJob(`visuals-approved-${orderId}`)).toBeTruthy();
        await queue.obliterate({ force: true });
        expect(await queue.getJob(`visuals-approved-${orderId}`)).toBeFalsy();
        // Too young to count as lost: a live job may still be on its way.
        expect((await reconcileVisualsApproved(prisma, { shopId: TEST_SHOP })).requeued).toEqual([]);
        expect((await reconcileVisualsApproved(prisma, { shopId: TEST_SHOP, minAgeMs: 0 })).requeued).toEqual([orderId]);
      } finally {
        worker.resume();
      }
      await waitFor("the reconciled trigger", async () => (await sentEvents(orderId)).length > 0);
      await waitFor("the flow-triggers queue to drain", queueIdle);
      expect(triggers().filter((t) => t.payload.product_id === legacyId(product.id))).toEqual([expect.objectContaining({ payload: { product_id: legacyId(product.id), "Asset count": 1, Tier: 1 } })]);
    });
  });
});
