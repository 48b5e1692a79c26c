import { getJwt } from "@shopify/shopify-api/test-helpers";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertMirrorProducts } from "../../app/catalog/mirror.server";
import prisma from "../../app/db.server";
import { action as sendAction } from "../../app/routes/api.production.send";
import { action as pageAction, loader as pageLoader } from "../../app/routes/app.production";
import { loader as filesLoader } from "../../app/routes/files.$";
import { assetStore } from "../../app/storage/asset-store.server";
import { closeQueues } from "../../jobs/queues";
import { mirrorProduct } from "../support/factories";
import { TEST_API_KEY, TEST_API_SECRET, TEST_APP_URL } from "../support/test-env";
import { refusedResponse } from "../support/route-refusal";

const SHOP = "production-page.myshopify.com";
const OTHER = "production-page-other.myshopify.com";
const args = (request: Request) => ({ request, params: {}, context: {} });
const gid = (n: number) => `gid://shopify/Product/${n}`;

async function bearer() {
  return `Bearer ${(await getJwt(SHOP.replace(".myshopify.com", ""), TEST_API_KEY, TEST_API_SECRET, { sub: "77" })).token}`;
}

async function load(search = "") {
  return pageLoader(args(new Request(`${TEST_APP_URL}/app/production${search}`, { headers: { Authorization: await bearer() } })));
}

async function act(fields: Record<string, string>) {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.set(name, value);
  return pageAction(args(new Request(`${TEST_APP_URL}/app/production`, { method: "POST", body, headers: { Authorization: await bearer() } })));
}

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000);

interface CandidateSeed {
  status: string;
  kind?: "image" | "video";
  provider?: string;
  storageKey?: string;
  posterKey?: string;
  errorCode?: string;
  error?: string;
}

/** An order with one AI request and its candidates, as the production flow leaves them. */
async function seedOrder(shopId: string, productId: string, status: string, createdAt: Date, candidates: CandidateSeed[], options: { asset?: string; requestStatus?: string; error?: string } = {}) {
  const order = await prisma.productionOrder.create({ data: { shopId, productId, status, source: "bulk", requestedBy: "user:7", createdAt, error: options.error } });
  const request = await prisma.assetRequest.create({
    data: { shopId, orderId: order.id, productId, asset: options.asset ?? "on-model-front", source: "ai", status: options.requestStatus ?? "running", candidatesWanted: candidates.length },
  });
  const assets = [];
  for (const [candidateIndex, c] of candidates.entries()) {
    assets.push(
      await prisma.asset.create({
        data: {
          shopId,
          productId,
          orderId: order.id,
          requestId: request.id,
          candidateIndex,
          source: "ai",
          kind: c.kind ?? "image",
          status: c.status,
          provider: c.provider ?? "fashn",
          model: "product-to-model",
          operation: "product-to-model",
          storageKey: c.storageKey,
          posterKey: c.posterKey,
          errorCode: c.errorCode,
          error: c.error,
          width: c.storageKey ? 64 : null,
          height: c.storageKey ? 80 : null,
        },
      }),
    );
  }
  return { order, request, assets };
}

async function cost(shopId: string, productId: string, orderId: string, outcome: string, costMicros: number, at = new Date(), assetId?: string) {
  await prisma.costEntry.create({ data: { shopId, productId, orderId, assetId, provider: "fashn", model: "product-to-model", operation: "product-to-model", unit: "image", units: 1, costMicros, outcome, at } });
}

describe("Production page: loader, actions and the send route (PostgreSQL, Redis)", () => {
  let running: Awaited<ReturnType<typeof seedOrder>>;
  let failed: Awaited<ReturnType<typeof seedOrder>>;
  let paused: Awaited<ReturnType<typeof seedOrder>>;
  let demoVideo: Awaited<ReturnType<typeof seedOrder>>;
  let imageKey: string;
  const pausedAt = new Date("2026-05-01T08:30:00Z");

  beforeAll(async () => {
    for (const shop of [SHOP, OTHER]) {
      await prisma.shop.create({ data: { id: shop, name: shop } });
      await prisma.session.create({ data: { id: `offline_${shop}`, shop, state: "", isOnline: false, scope: "read_products", accessToken: `shpat_${shop}`, expires: null } });
    }
    await upsertMirrorProducts(
      prisma,
      SHOP,
      Array.from({ length: 32 }, (_, i) => mirrorProduct({ id: i + 1, title: `Product ${i + 1}`, featuredImageUrl: `https://cdn.example/${i + 1}.jpg` })),
    );
    await upsertMirrorProducts(prisma, OTHER, [mirrorProduct({ id: 900, title: "Other shop's coat" })]);

    // Real image bytes in the asset store, so the signed thumbnail URL can be fetched.
    const png = await sharp({ create: { width: 64, height: 80, channels: 3, background: "#c96" } }).png().toBuffer();
    imageKey = (await assetStore().put(png, { contentType: "image/png", extension: "png" })).key;
    const jpg = await sharp({ create: { width: 64, height: 80, channels: 3, background: "#69c" } }).jpeg().toBuffer();
    const posterKey = (await assetStore().put(jpg, { contentType: "image/jpeg", extension: "jpg" })).key;

    // 26 finished orders, older than the interesting ones: 30 in all, two pages.
    for (let i = 0; i < 26; i++) {
      const seeded = await seedOrder(SHOP, gid(i + 1), "completed", minutesAgo(600 - i), [{ status: "stored", storageKey: imageKey }], { requestStatus: "succeeded" });
      await cost(SHOP, gid(i + 1), seeded.order.id, "succeeded", 75_000);
    }
    running = await seedOrder(SHOP, gid(27), "running", minutesAgo(30), [
      { status: "stored", storageKey: imageKey },
      { status: "stored", storageKey: imageKey },
      { status: "submitted" },
      { status: "queued" },
    ]);
    await cost(SHOP, gid(27), running.order.id, "succeeded", 75_000);
    await cost(SHOP, gid(27), running.order.id, "succeeded", 75_000);
    // The submitted candidate's reservation: canceling the order releases it.
    await cost(SHOP, gid(27), running.order.id, "reserved", 75_000, new Date(), running.assets[2].id);
    failed = await seedOrder(SHOP, gid(28), "failed", minutesAgo(20), [{ status: "failed", errorCode: "moderation", error: "the provider refused the image (content policy)" }, { status: "failed", errorCode: "moderation", error: "the provider refused the image (content policy)" }], {
      requestStatus: "failed",
      error: "1 of 1 assets failed",
    });
    await cost(SHOP, gid(28), failed.order.id, "failed", 75_000);
    await cost(SHOP, gid(28), failed.order.id, "failed", 75_000);
    // Last month's charge counts for the order, not for this month's spend.
    const lastMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1) - 86_400_000);
    await cost(SHOP, gid(28), failed.order.id, "failed", 1_000_000, lastMonth);
    paused = await seedOrder(SHOP, gid(29), "paused", minutesAgo(10), [{ status: "stored", storageKey: imageKey }, { status: "paused" }], { requestStatus: "paused" });
    await cost(SHOP, gid(29), paused.order.id, "succeeded", 75_000);
    demoVideo = await seedOrder(SHOP, gid(30), "completed", minutesAgo(5), [{ status: "stored", kind: "video", provider: "demo", storageKey: imageKey, posterKey }], { asset: "video", requestStatus: "succeeded" });
    await cost(SHOP, gid(30), demoVideo.order.id, "succeeded", 0);
    await prisma.shop.update({ where: { id: SHOP }, data: { productionPausedAt: pausedAt, productionPauseReason: "the monthly budget of $5.00 is reached" } });
    // Another shop's order never shows.
    await seedOrder(OTHER, gid(900), "running", minutesAgo(1), [{ status: "queued" }]);
  });

  afterAll(async () => {
    await closeQueues();
  });

  it("lists 25 orders per page newest first, filtered by status", async () => {
    const first = await load();
    expect(first.total).toBe(30);
    expect(first.pageCount).toBe(2);
    expect(first.orders).toHaveLength(25);
    expect(first.orders.slice(0, 4).map((o) => o.id)).toEqual([demoVideo.order.id, paused.order.id, failed.order.id, running.order.id]);
    expect(first.orders[0]).toMatchObject({ productTitle: "Product 30", featuredImageUrl: "https://cdn.example/30.jpg", source: "bulk", requestedBy: "user:7" });
    const second = await load("?page=2");
    expect(second.query.page).toBe(2);
    expect(second.orders).toHaveLength(5);
    expect(new Set([...first.orders, ...second.orders].map((o) => o.id)).size).toBe(30);
    // Past the last page: the last page.
    expect((await load("?page=9")).query.page).toBe(2);

    expect((await load("?status=active")).orders.map((o) => o.id)).toEqual([paused.order.id, running.order.id]);
    expect((await load("?status=failed")).orders.map((o) => o.id)).toEqual([failed.order.id]);
    expect((await load("?status=finished")).total).toBe(28);
  });

  it("shows each order's progress, costs, candidate counts, provider errors and signed thumbnails", async () => {
    const { orders } = await load("?status=all");
    const row = (id: string) => orders.find((o) => o.id === id)!;

    const run = row(running.order.id);
    expect(run.progress).toEqual({ done: 2, total: 4, percent: 50 });
    expect(run).toMatchObject({ status: "running", cost: "$0.15", costMicros: 150_000, wastedMicros: 0, canCancel: true, canRetry: false, demo: false });
    expect(run.assets).toHaveLength(1);
    expect(run.assets[0]).toMatchObject({ label: "On-model, front", source: "ai", status: "running", counts: { queued: 1, submitted: 1, stored: 2 }, candidates: 4, providers: ["fashn"], candidateErrors: [] });
    expect(run.assets[0].thumbnails).toHaveLength(2);
    const url = new URL(run.assets[0].thumbnails[0].url);
    expect(url.origin + url.pathname).toBe(`${TEST_APP_URL}/files/${imageKey}`);
    // Expires in 50–60 minutes, and the same URL on the next poll.
    const expires = Number(url.searchParams.get("expires")) * 1000;
    expect(expires - Date.now()).toBeGreaterThan(49 * 60_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(60 * 60_000);
    const again = (await load()).orders.find((o) => o.id === running.order.id)!;
    expect(again.assets[0].thumbnails[0].url).toBe(run.assets[0].thumbnails[0].url);
    const served = await filesLoader({ request: new Request(url), params: { "*": imageKey }, context: {} });
    expect(served.status).toBe(200);
    expect((await sharp(Buffer.from(await served.arrayBuffer())).metadata()).width).toBe(64);

    const bad = row(failed.order.id);
    expect(bad).toMatchObject({ status: "failed", cost: "$1.15", wasted: "$1.15", canCancel: false, canRetry: true, error: "1 of 1 assets failed" });
    expect(bad.progress).toEqual({ done: 2, total: 2, percent: 100 });
    expect(bad.assets[0].candidateErrors).toEqual(["moderation: the provider refused the image (content policy)"]);
    expect(bad.assets[0].thumbnails).toEqual([]);

    const video = row(demoVideo.order.id);
    expect(video.demo).toBe(true);
    expect(video.assets[0]).toMatchObject({ label: "Video", demo: true, providers: ["demo"] });
    expect(video.assets[0].thumbnails).toHaveLength(1);
    expect(video.assets[0].thumbnails[0].url).toContain("/files/sha256/");
    expect(video.assets[0].thumbnails[0].url).toMatch(/\.jpg\?/);
    expect(video.assets[0].thumbnails[0].videoUrl).toContain(imageKey);
  });

  it("sums the shop: active orders and their progress, this month's spend and waste, and the pause", async () => {
    const data = await load();
    // Running (2 of 4) and paused (1 of 2): 3 of 6.
    expect(data.summary).toMatchObject({ activeOrders: 2, liveOrders: 1, progress: { done: 3, total: 6, percent: 50 } });
    // 26 + 2 + 1 succeeded at 7.5 ¢, 2 failed at 7.5 ¢; last month's dollar and the open reservation excluded.
    expect(data.summary.monthSpendMicros).toBe(31 * 75_000);
    expect(data.summary.monthSpend).toBe("$2.33");
    expect(data.summary.monthWasted).toBe("$0.15");
    expect(data.pause).toEqual({ reason: "the monthly budget of $5.00 is reached", since: pausedAt.toISOString() });
    expect(data.empty).toBe(false);
    expect(data.demo).toBe(false);
  });

  it("cancels, retries and resumes through the action, and refuses what cannot be done with the merchant's message", async () => {
    expect(await act({ intent: "cancel", orderId: failed.order.id })).toEqual({ ok: false, error: "This order is already failed; only queued, running or paused orders can be canceled." });
    expect(await act({ intent: "retry", orderId: running.order.id })).toEqual({ ok: false, error: "This order is still in production; wait for it to finish or cancel it first." });
    expect(await act({ intent: "cancel" })).toEqual({ ok: false, error: "orderId: orderId is missing: reload the page" });
    expect(await act({ intent: "cancel", orderId: "not-an-order" })).toMatchObject({ ok: false, error: expect.stringMatching(/does not exist in this shop/) });
    const foreign = await prisma.productionOrder.findFirstOrThrow({ where: { shopId: OTHER } });
    expect(await act({ intent: "cancel", orderId: foreign.id })).toMatchObject({ ok: false, error: expect.stringMatching(/does not exist in this shop/) });
    expect((await prisma.productionOrder.findUniqueOrThrow({ where: { id: foreign.id } })).status).toBe("running");

    expect(await act({ intent: "cancel", orderId: running.order.id })).toMatchObject({ ok: true, message: expect.stringMatching(/^Order canceled/) });
    const afterCancel = (await load()).orders.find((o) => o.id === running.order.id)!;
    expect(afterCancel).toMatchObject({ status: "canceled", canCancel: false, canRetry: true });
    expect(afterCancel.assets[0].counts).toEqual({ stored: 2, canceled: 2 });
    expect(await prisma.costEntry.count({ where: { orderId: running.order.id, outcome: "reserved" } })).toBe(0);

    expect(await act({ intent: "retry", orderId: running.order.id })).toEqual({ ok: true, message: "Retrying 2 candidates." });
    expect((await prisma.asset.findMany({ where: { orderId: running.order.id }, orderBy: { candidateIndex: "asc" } })).map((a) => a.status)).toEqual(["stored", "stored", "queued", "queued"]);

    expect(await act({ intent: "resume" })).toEqual({ ok: true, message: "Production resumed: 1 paused order continues." });
    const resumed = await load();
    expect(resumed.pause).toBeNull();
    expect(await prisma.asset.count({ where: { orderId: paused.order.id, status: "paused" } })).toBe(0);
    const audit = await prisma.auditEvent.findMany({ where: { shopId: SHOP, action: { in: ["production.order.canceled", "production.order.retried", "production.resumed"] } } });
    expect(audit.map((a) => a.actor)).toEqual(["user:77", "user:77", "user:77"]);
  });

  it("sends the catalog's selection: bulk for several, manual for one, skipped products with reasons", async () => {
    await prisma.product.updateMany({ where: { shopId: SHOP, id: { in: [gid(31), gid(32)] } }, data: { tier: 3, tierSource: "default" } });
    const send = async (productIds: string[] | string) => {
      const body = new FormData();
      body.set("productIds", typeof productIds === "string" ? productIds : JSON.stringify(productIds));
      const response = await sendAction(args(new Request(`${TEST_APP_URL}/api/production/send`, { method: "POST", body, headers: { Authorization: await bearer() } })));
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const bulk = await send([gid(31), gid(1), gid(999)]);
    expect(bulk.status).toBe(200);
    expect(bulk.body).toMatchObject({ ok: true, created: [{ productId: gid(31), orderId: expect.any(String) }] });
    expect(bulk.body.skipped).toEqual([
      { productId: gid(999), title: null, reason: "not in Shotlane's catalog: sync the catalog first" },
      { productId: gid(1), title: "Product 1", reason: "not routed to a tier yet: save the tier rules or pin it" },
    ]);
    const manual = await send([gid(32)]);
    expect(manual.body).toMatchObject({ ok: true, created: [{ productId: gid(32) }], skipped: [] });
    const orders = await prisma.productionOrder.findMany({ where: { shopId: SHOP, productId: { in: [gid(31), gid(32)] } }, orderBy: { productId: "asc" } });
    expect(orders.map((o) => [o.productId, o.source, o.requestedBy])).toEqual([
      [gid(31), "bulk", "user:77"],
      [gid(32), "manual", "user:77"],
    ]);
    const busy = await send([gid(31)]);
    expect(busy.body).toMatchObject({ ok: true, created: [], skipped: [{ productId: gid(31), reason: expect.stringMatching(/already in production/) }] });

    expect(await send("[]")).toEqual({ status: 400, body: { ok: false, error: "productIds: select at least one product" } });
    expect((await send(["gid://shopify/Order/1"])).status).toBe(400);
    const get = await sendAction(args(new Request(`${TEST_APP_URL}/api/production/send`, { headers: { Authorization: await bearer() } })));
    expect(get.status).toBe(405);
  });

  it("authenticates the page's loader and action and the send route: no session token, no data, nothing done", async () => {
    const before = await prisma.productionOrder.count();
    const noToken = (path: string, init: RequestInit = {}) => new Request(`${TEST_APP_URL}${path}?shop=${SHOP}`, init);
    expect((await refusedResponse(() => pageLoader(args(noToken("/app/production"))))).status).toBeGreaterThanOrEqual(300);
    const form = new FormData();
    form.set("intent", "resume");
    expect((await refusedResponse(() => pageAction(args(noToken("/app/production", { method: "POST", body: form }))))).status).toBeGreaterThanOrEqual(300);
    const send = new FormData();
    send.set("productIds", JSON.stringify([gid(2)]));
    const refused = await refusedResponse(() => sendAction(args(noToken("/api/production/send", { method: "POST", body: send, headers: { Authorization: "Bearer not-a-token" } }))));
    expect(refused.status).toBe(401);
    expect(await prisma.productionOrder.count()).toBe(before);
  });

  it("shows an empty page that explains how to send products", async () => {
    await prisma.productionOrder.deleteMany({ where: { shopId: SHOP } });
    const data = await load();
    expect(data).toMatchObject({ empty: true, total: 0, orders: [], summary: { activeOrders: 0, progress: { done: 0, total: 0 } } });
  });
});
