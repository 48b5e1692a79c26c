import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { releaseDraftHold } from "../../app/publishing/draft-hold.server";
import { action as appUninstalled } from "../../app/routes/webhooks.app.uninstalled";
import { action as productsCreate } from "../../app/routes/webhooks.products.create";
import { action as productsDelete } from "../../app/routes/webhooks.products.delete";
import { action as productsUpdate } from "../../app/routes/webhooks.products.update";
import { action as shopRedact } from "../../app/routes/webhooks.shop.redact";
import { ADMIN_API_VERSION } from "../../app/shopify/api-version";
import { unauthenticated } from "../../app/shopify.server";
import { assetStore } from "../../app/storage/asset-store.server";
import { signWebhook, type WebhookDelivery } from "../../emulator/webhooks";
import { ALL_QUEUES, catalogProductQueue, closeQueues, getFlowProducer, getQueue, productionOrderQueue, productionRequestQueue } from "../../jobs/queues";
import { startWorkers, stopWorkers } from "../../jobs/workers";
import { startTestStore, TEST_SHOP } from "../support/emulator";
import { queueSnapshot, seedShopRows, shopRowCounts } from "../support/shop-rows";
import { TEST_API_SECRET, TEST_APP_URL } from "../support/test-env";
import { poller } from "../support/wait-for";

type Emulator = Awaited<ReturnType<typeof startTestStore>>;
type Action = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => Promise<Response>;

const OTHER = "bystander.myshopify.com";
const ROUTES: Record<string, Action> = {
  "/webhooks/products/create": productsCreate,
  "/webhooks/products/update": productsUpdate,
  "/webhooks/products/delete": productsDelete,
  "/webhooks/app/uninstalled": appUninstalled,
  "/webhooks/shop/redact": shopRedact,
};

/**
 * The app's webhook routes over real HTTP, for the emulator to deliver to:
 * each request becomes the Web Request the Remix action gets (raw body and
 * every X-Shopify header), and its Response goes back as is.
 */
async function startAppServer() {
  const failures: string[] = [];
  const server = http.createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const action = ROUTES[new URL(req.url ?? "/", TEST_APP_URL).pathname];
      if (!action) return void res.writeHead(404).end();
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
      const request = new Request(`${TEST_APP_URL}${req.url}`, { method: req.method, headers, body: Buffer.concat(chunks) });
      let response: Response;
      try {
        response = await action({ request, params: {}, context: {} });
      } catch (error) {
        if (!(error instanceof Response)) failures.push(`${req.url}: ${(error as Error).stack}`);
        response = error instanceof Response ? error : new Response(null, { status: 500 });
      }
      res.writeHead(response.status).end(Buffer.from(await response.arrayBuffer()));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    failures,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const waitFor = poller({ timeoutMs: 40_000, intervalMs: 50 });

const gid = (id: number) => `gid://shopify/Product/${id}`;

describe("automatic triggers: the store emulator's webhooks through the app's routes and a real worker", () => {
  let emulator: Emulator;
  let app: Awaited<ReturnType<typeof startAppServer>>;
  let workers: ReturnType<typeof startWorkers>;

  /** The emulator's recorded deliveries of a topic for a product. */
  const deliveriesOf = (topic: string, productId: string): WebhookDelivery[] =>
    emulator.admin.webhookDeliveries(TEST_SHOP).filter((d) => d.topic === topic && (JSON.parse(d.body) as { admin_graphql_api_id?: string; id?: number }).admin_graphql_api_id === productId);

  /** Waits until the worker recorded its result for the delivery, and returns it. */
  const processed = (webhookId: string) =>
    waitFor(`the worker's result for delivery ${webhookId}`, async () => {
      const row = await prisma.webhookDelivery.findUnique({ where: { webhookId } });
      return row?.outcome.startsWith("processed") || row?.outcome.startsWith("ignored") ? row.outcome : null;
    });

  /** Creates a product in the store and waits until the worker has handled its products/create. */
  async function createProduct(spec: Parameters<Emulator["admin"]["createProduct"]>[1]) {
    const product = emulator.admin.createProduct(TEST_SHOP, spec);
    const [delivery] = deliveriesOf("products/create", gid(product.id));
    expect(delivery, "the emulator recorded a products/create delivery").toBeDefined();
    const outcome = await processed(delivery.webhookId);
    return { id: gid(product.id), numericId: product.id, delivery, outcome };
  }

  /** Sends a delivery as Shopify does (signed raw body, every header), straight to the app. */
  async function deliver(topic: string, payload: unknown, webhookId = randomUUID()) {
    const body = JSON.stringify(payload);
    const response = await fetch(`${app.url}/webhooks/${topic}`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": signWebhook(body, TEST_API_SECRET),
        "X-Shopify-Shop-Domain": TEST_SHOP,
        "X-Shopify-API-Version": ADMIN_API_VERSION,
        "X-Shopify-Webhook-Id": webhookId,
        "X-Shopify-Event-Id": randomUUID(),
        "X-Shopify-Triggered-At": new Date().toISOString(),
      },
      body,
    });
    return { status: response.status, webhookId };
  }

  const catalogQueueIdle = () =>
    waitFor("the catalog-product queue to be idle", async () => {
      const counts = await getQueue(catalogProductQueue).getJobCounts("waiting", "active", "delayed", "prioritized");
      return Object.values(counts).every((n) => n === 0);
    });

  const ordersOf = (productId: string) => prisma.productionOrder.findMany({ where: { productId }, include: { requests: { include: { assets: true } } } });

  beforeAll(async () => {
    app = await startAppServer();
    emulator = await startTestStore({ productCount: 12, appUrl: app.url });
    // The shop's rules: outerwear goes to the studio tier; everything else falls to the default, tier 3.
    await prisma.tierRule.create({ data: { shopId: TEST_SHOP, position: 0, name: "Outerwear in the studio", tier: 1, conditions: { productTypes: ["Outerwear"] } } });
    // A real worker for the catalog-product queue. The production queues' workers are closed, so the
    // orders opened here stay open (queued) and their jobs stay in Redis for the uninstall test.
    workers = startWorkers({ error: () => undefined, info: () => undefined });
    const production = workers.filter((w) => w.name !== catalogProductQueue.name);
    await Promise.all(production.map((w) => w.close()));
    workers = workers.filter((w) => w.name === catalogProductQueue.name);
  });

  afterAll(async () => {
    if (workers) await stopWorkers(workers);
    await closeQueues();
    await emulator?.close();
    await app?.close();
  });

  it("a product created in the store is mirrored, routed to tier 3 and gets exactly one automatic order; the same delivery again and the same event under a new webhook id change nothing", async () => {
    const created = await createProduct({ title: "Auto Linen Dress", productType: "Dresses", colors: ["Sand"], sizes: ["S", "M"] });
    expect(created.outcome).toBe("processed: mirrored, auto order opened");
    expect(created.delivery.attempts.map((a) => a.status)).toEqual([200]);

    const mirrored = await prisma.product.findUniqueOrThrow({ where: { id: created.id }, include: { variants: true } });
    expect(mirrored).toMatchObject({ shopId: TEST_SHOP, title: "Auto Linen Dress", tier: 3, tierSource: "default", status: "ACTIVE", draftHeldAt: null });
    expect(mirrored.variants.map((v) => v.title).sort()).toEqual(["Sand / M", "Sand / S"]);

    const orders = await ordersOf(created.id);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ source: "auto", requestedBy: "shopify:products/create", status: "queued" });
    // The default tier-3 plan: AI on-model front and back, packshot and video.
    expect(orders[0].requests.map((r) => [r.asset, r.source]).sort()).toEqual([
      ["on-model-back", "ai"],
      ["on-model-front", "ai"],
      ["packshot", "ai"],
      ["video", "ai"],
    ]);
    const decided = await prisma.auditEvent.findMany({ where: { shopId: TEST_SHOP, subjectId: created.id, action: "production.auto.decided" } });
    expect(decided.map((e) => e.data)).toEqual([
      {
        opened: true,
        code: "opened",
        reason: "tier 3 is set to produce new products automatically and its plan has AI assets",
        tier: 3,
        autoProduceTiers: [3],
        aiAssets: ["on-model-front", "on-model-back", "packshot", "video"],
        orderId: orders[0].id,
      },
    ]);
    // The order's flow waits in Redis for the production workers.
    expect((await queueSnapshot())["production-order"].some((job) => job.includes(orders[0].id))).toBe(true);

    // Shopify sends the same delivery again (same webhook id, same body): acknowledged, and nothing anywhere changes.
    const before = { orders: await prisma.productionOrder.count(), audit: await prisma.auditEvent.count(), queues: await queueSnapshot() };
    const again = await emulator.admin.redeliver(created.delivery.id);
    expect(again.attempts.at(-1)?.status).toBe(200);
    await catalogQueueIdle();
    expect({ orders: await prisma.productionOrder.count(), audit: await prisma.auditEvent.count(), queues: await queueSnapshot() }).toEqual(before);
    expect(await prisma.webhookDelivery.findMany({ where: { webhookId: created.delivery.webhookId }, select: { outcome: true } })).toEqual([{ outcome: created.outcome }]);

    // The same event under a new webhook id reaches the worker, which opens no second order and says why.
    const duplicate = await deliver("products/create", JSON.parse(created.delivery.body));
    expect(duplicate.status).toBe(200);
    expect(await processed(duplicate.webhookId)).toBe("processed: unchanged, no auto order (already-produced)");
    expect(await prisma.productionOrder.count({ where: { productId: created.id } })).toBe(1);
  });

  it("a product routed to a tier not set to produce automatically, or whose plan has no AI asset, gets no order, and the audit trail says why", async () => {
    const coat = await createProduct({ title: "Studio Wool Coat", productType: "Outerwear" });
    expect(coat.outcome).toBe("processed: mirrored, no auto order (tier-not-automatic)");
    expect(await prisma.product.findUniqueOrThrow({ where: { id: coat.id } })).toMatchObject({ tier: 1, tierSource: "rule" });
    expect(await prisma.productionOrder.count({ where: { productId: coat.id } })).toBe(0);
    expect((await prisma.auditEvent.findFirstOrThrow({ where: { subjectId: coat.id, action: "production.auto.decided" } })).data).toEqual({
      opened: false,
      code: "tier-not-automatic",
      reason: "tier 1 is not set to produce new products automatically (automatic: tier 3)",
      tier: 1,
      autoProduceTiers: [3],
    });

    // Tier 1 made automatic, but its (default) plan is all studio work.
    await prisma.publishingSettings.create({ data: { shopId: TEST_SHOP, autoProduceTiers: [1, 3], updatedBy: "user:test" } });
    try {
      const parka = await createProduct({ title: "Studio Parka", productType: "Outerwear" });
      expect(parka.outcome).toBe("processed: mirrored, no auto order (no-ai-assets)");
      expect(await prisma.productionOrder.count({ where: { productId: parka.id } })).toBe(0);
    } finally {
      await prisma.publishingSettings.delete({ where: { shopId: TEST_SHOP } });
    }
  });

  it("products/update after a media write refreshes the mirror and starts nothing: no order, no publication; it re-routes only when the rules read what changed", async () => {
    // A tier-3 product without an order (automatic production was off when it was created): exactly what a create would produce.
    await prisma.publishingSettings.create({ data: { shopId: TEST_SHOP, autoProduceTiers: [], updatedBy: "user:test" } });
    const dress = await createProduct({ title: "Quiet Silk Dress", productType: "Dresses" });
    await prisma.publishingSettings.delete({ where: { shopId: TEST_SHOP } });
    expect(dress.outcome).toBe("processed: mirrored, no auto order (tier-not-automatic)");
    const imagesBefore = (await prisma.product.findUniqueOrThrow({ where: { id: dress.id } })).imageCount;

    const { admin } = await unauthenticated.admin(TEST_SHOP);
    const addMedia = async () => {
      const stored = (await (await fetch(`${emulator.url}/emulator/shops/${TEST_SHOP}/products/${dress.numericId}`)).json()) as { product: { media: { url: string }[] } };
      const seen = deliveriesOf("products/update", dress.id).length;
      const response = await admin.graphql(
        `#graphql
        mutation TestAddMedia($product: ProductUpdateInput!, $media: [CreateMediaInput!]) {
          productUpdate(product: $product, media: $media) { product { id } userErrors { field message } }
        }`,
        { variables: { product: { id: dress.id }, media: [{ originalSource: stored.product.media[0].url, mediaContentType: "IMAGE", alt: "Shotlane test" }] } },
      );
      expect(((await response.json()) as { data: { productUpdate: { userErrors: unknown[] } } }).data.productUpdate.userErrors).toEqual([]);
      const update = await waitFor("the media write's products/update", async () => deliveriesOf("products/update", dress.id)[seen]);
      return processed(update.webhookId);
    };

    expect(await addMedia()).toBe("processed: unchanged");
    expect((await prisma.product.findUniqueOrThrow({ where: { id: dress.id } })).imageCount).toBe(imagesBefore + 1);
    expect(await prisma.productionOrder.count({ where: { productId: dress.id } })).toBe(0);
    expect(await prisma.publication.count({ where: { productId: dress.id } })).toBe(0);

    // A rule that counts images makes the same kind of write re-route the product, and still nothing starts.
    const rule = await prisma.tierRule.create({ data: { shopId: TEST_SHOP, position: 1, name: "Well photographed", tier: 2, conditions: { imageCount: { op: "gte", value: imagesBefore + 2 } } } });
    try {
      expect(await addMedia()).toBe("processed: rerouted (imageCount)");
      expect(await prisma.product.findUniqueOrThrow({ where: { id: dress.id } })).toMatchObject({ imageCount: imagesBefore + 2, tier: 2, tierRuleId: rule.id });
      expect(await prisma.productionOrder.count({ where: { productId: dress.id } })).toBe(0);
      expect(await prisma.publication.count({ where: { productId: dress.id } })).toBe(0);
    } finally {
      await prisma.tierRule.delete({ where: { id: rule.id } });
    }
  });

  it("draft hold: a new ACTIVE product with an automatic order is set to DRAFT in the store, and releaseDraftHold sets it ACTIVE again; a product created as a draft is never held", async () => {
    await prisma.publishingSettings.create({ data: { shopId: TEST_SHOP, draftUntilPublished: true, updatedBy: "user:test" } });
    try {
      const held = await createProduct({ title: "Held Linen Shirt", productType: "Shirts" });
      expect(held.outcome).toBe("processed: mirrored, auto order opened, held as draft");
      expect(emulator.store.requireProduct(TEST_SHOP, held.numericId).status).toBe("DRAFT");
      expect((await prisma.product.findUniqueOrThrow({ where: { id: held.id } })).draftHeldAt).toBeInstanceOf(Date);
      expect((await prisma.auditEvent.findFirstOrThrow({ where: { subjectId: held.id, action: "publishing.draft-hold.set" } })).actor).toBe("shopify:products/create");

      // Setting DRAFT fired products/update: the mirror follows, and it starts nothing (the rules do not read the status).
      const [statusUpdate] = deliveriesOf("products/update", held.id);
      expect(await processed(statusUpdate.webhookId)).toBe("processed: unchanged");
      expect((await prisma.product.findUniqueOrThrow({ where: { id: held.id } })).status).toBe("DRAFT");
      expect(await prisma.productionOrder.count({ where: { productId: held.id } })).toBe(1);

      const { admin } = await unauthenticated.admin(TEST_SHOP);
      expect(await releaseDraftHold(prisma, admin, TEST_SHOP, held.id)).toBe(true);
      expect(emulator.store.requireProduct(TEST_SHOP, held.numericId).status).toBe("ACTIVE");
      expect((await prisma.product.findUniqueOrThrow({ where: { id: held.id } })).draftHeldAt).toBeNull();
      expect((await prisma.auditEvent.findFirstOrThrow({ where: { subjectId: held.id, action: "publishing.draft-hold.released" } })).data).toMatchObject({ from: "DRAFT", to: "ACTIVE" });
      // Nothing left to release.
      expect(await releaseDraftHold(prisma, admin, TEST_SHOP, held.id)).toBe(false);

      const draft = await createProduct({ title: "Draft Linen Shirt", productType: "Shirts", status: "DRAFT" });
      expect(draft.outcome).toBe("processed: mirrored, auto order opened");
      expect(emulator.store.requireProduct(TEST_SHOP, draft.numericId).status).toBe("DRAFT");
      expect((await prisma.product.findUniqueOrThrow({ where: { id: draft.id } })).draftHeldAt).toBeNull();
      expect(await releaseDraftHold(prisma, admin, TEST_SHOP, draft.id)).toBe(false);
      expect(emulator.store.requireProduct(TEST_SHOP, draft.numericId).status).toBe("DRAFT");
    } finally {
      await prisma.publishingSettings.delete({ where: { shopId: TEST_SHOP } });
    }
  });

  it("products/delete from the store cancels the product's open order and queued publications, and keeps its audit trail, candidates and publications", async () => {
    const created = await createProduct({ title: "Short-lived Dress", productType: "Dresses" });
    const [order] = await ordersOf(created.id);
    expect(order.status).toBe("queued");
    const [first, second, third] = order.requests.flatMap((r) => r.assets);
    const publication = { shopId: TEST_SHOP, productId: created.id, kind: "image", fileName: "dress.jpg", alt: "Dress", requestedBy: "user:test" };
    await prisma.publication.create({ data: { ...publication, assetId: first.id, status: "queued" } });
    await prisma.publication.create({ data: { ...publication, assetId: second.id, status: "processing" } });
    await prisma.publication.create({ data: { ...publication, assetId: third.id, status: "failed" } });
    const auditBefore = await prisma.auditEvent.findMany({ where: { shopId: TEST_SHOP, subjectId: { in: [created.id, order.id] } } });
    expect(auditBefore.map((e) => e.action).sort()).toEqual(["production.auto.decided", "production.order.created"]);

    emulator.admin.deleteProduct(TEST_SHOP, created.numericId);
    const [deletion] = emulator.admin.webhookDeliveries(TEST_SHOP).filter((d) => d.topic === "products/delete" && (JSON.parse(d.body) as { id: number }).id === created.numericId);
    await emulator.webhooks.idle();
    expect(deletion.attempts.map((a) => a.status)).toEqual([200]);

    expect(await prisma.product.findUnique({ where: { id: created.id } })).toBeNull();
    const [after] = await ordersOf(created.id);
    expect(after.status).toBe("canceled");
    expect(new Set(after.requests.map((r) => r.status))).toEqual(new Set(["canceled"]));
    expect(new Set(after.requests.flatMap((r) => r.assets).map((a) => a.status))).toEqual(new Set(["canceled"]));
    expect(after.requests.flatMap((r) => r.assets)).toHaveLength(order.requests.flatMap((r) => r.assets).length);
    expect((await prisma.publication.findMany({ where: { productId: created.id }, select: { status: true }, orderBy: { status: "asc" } })).map((p) => p.status)).toEqual(["canceled", "canceled", "failed"]);
    const auditAfter = await prisma.auditEvent.findMany({ where: { shopId: TEST_SHOP, subjectId: { in: [created.id, order.id] } } });
    expect(auditAfter).toEqual(expect.arrayContaining(auditBefore));
    expect(auditAfter.find((e) => e.action === "product.deleted")?.data).toMatchObject({ mirrorRemoved: true, canceledOrders: [order.id], canceledPublications: 2 });
    expect(auditAfter.find((e) => e.action === "production.order.canceled")?.actor).toBe("shopify:products/delete");
  });

  it("app/uninstalled cancels the shop's open orders and removes its queued jobs from every queue, and not another shop's", async () => {
    // Another shop's work in Redis: a delayed refresh and a production flow waiting for its child.
    await getQueue(catalogProductQueue).add(catalogProductQueue.name, { shopId: OTHER, productId: gid(1) }, { jobId: "webhook-bystander-delayed", delay: 3_600_000 });
    await getFlowProducer().add({
      name: productionOrderQueue.name,
      queueName: productionOrderQueue.name,
      data: { shopId: OTHER, orderId: "orderbystander00000000000" },
      opts: { jobId: "order-bystander" },
      children: [{ name: productionRequestQueue.name, queueName: productionRequestQueue.name, data: { shopId: OTHER, requestId: "requestbystander000000000" }, opts: { jobId: "request-bystander" } }],
    });
    /** Jobs no worker holds yet, per queue (finished jobs stay in Redis for a while and are not work). */
    const pendingJobs = async () => {
      const jobs: string[] = [];
      for (const definition of ALL_QUEUES) {
        for (const job of await getQueue(definition).getJobs(["waiting", "delayed", "prioritized", "waiting-children"])) jobs.push(`${job.id} ${JSON.stringify(job.data)}`);
      }
      return jobs;
    };
    const ofShop = (jobs: string[], shop: string) => jobs.filter((job) => job.includes(`"shopId":"${shop}"`));
    // Open work of this shop: new products, each with its automatic order (the burst itself is test/integration/webhook-burst.test.ts).
    const ids: number[] = [];
    for (let i = 0; i < 20; i++) ids.push(emulator.admin.createProduct(TEST_SHOP, { title: `Uninstall Dress ${i}`, productType: "Dresses", colors: ["Ink"], sizes: ["M"], withFlatLay: false }).id);
    await emulator.webhooks.idle();
    await waitFor("the automatic orders", async () => (await prisma.productionOrder.count({ where: { productId: { in: ids.map(gid) } } })) === ids.length);
    const open = await prisma.productionOrder.count({ where: { shopId: TEST_SHOP, status: { in: ["queued", "running", "paused"] } } });
    expect(open).toBeGreaterThanOrEqual(20);
    const before = await pendingJobs();
    expect(ofShop(before, TEST_SHOP).length).toBeGreaterThan(open);

    const started = Date.now();
    const uninstall = await deliver("app/uninstalled", { id: 1, domain: TEST_SHOP });
    console.info(`app/uninstalled with ${open} open orders and ${ofShop(before, TEST_SHOP).length} queued jobs answered in ${Date.now() - started} ms`);
    expect(uninstall.status).toBe(200);

    const after = await pendingJobs();
    expect(ofShop(after, TEST_SHOP)).toEqual([]);
    expect(ofShop(after, OTHER).map((job) => job.split(" ")[0]).sort()).toEqual(["order-bystander", "request-bystander", "webhook-bystander-delayed"]);
    expect(await prisma.productionOrder.count({ where: { shopId: TEST_SHOP, status: { in: ["queued", "running", "paused"] } } })).toBe(0);
    expect(await prisma.session.count({ where: { shop: TEST_SHOP } })).toBe(0);
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: TEST_SHOP } })).uninstalledAt).toBeInstanceOf(Date);
    expect(await prisma.webhookDelivery.findUniqueOrThrow({ where: { webhookId: uninstall.webhookId } })).toMatchObject({ outcome: expect.stringMatching(new RegExp(`^processed: ${open} order\\(s\\) and 0 publication\\(s\\) canceled, \\d+ job\\(s\\) removed$`)) });
  });

  it("shop/redact erases the shop's rows and its stored files, and keeps a file another shop also references", async () => {
    await seedShopRows(prisma, OTHER, 9);
    const store = assetStore();
    const png = (r: number, g: number, b: number) => sharp({ create: { width: 8, height: 8, channels: 3, background: { r, g, b } } }).png().toBuffer();
    const put = async (r: number, g: number, b: number) => (await store.put(await png(r, g, b), { contentType: "image/png", extension: "png" })).key;
    const own = { file: await put(1, 0, 0), thumb: await put(2, 0, 0), overlay: await put(3, 0, 0), rendition: await put(4, 0, 0), reference: await put(5, 0, 0), lut: await put(6, 0, 0) };
    const shared = { rendition: await put(7, 0, 0), overlay: await put(8, 0, 0) };

    const asset = await prisma.asset.findFirstOrThrow({ where: { shopId: TEST_SHOP } });
    await prisma.asset.update({
      where: { id: asset.id },
      data: { storageKey: own.file, thumbKey: own.thumb, qcReport: { version: 1, verdict: "pass", checks: [], overlays: { "garment-delta-e": own.overlay, background: shared.overlay }, ms: 1 } },
    });
    await prisma.assetRendition.create({ data: { shopId: TEST_SHOP, assetId: asset.id, channel: "pdp", fileName: "a_pdp.png", storageKey: own.rendition, contentType: "image/png", format: "png", width: 8, height: 8, bytes: 70 } });
    await prisma.assetRendition.create({ data: { shopId: TEST_SHOP, assetId: asset.id, channel: "square", fileName: "a_square.png", storageKey: shared.rendition, contentType: "image/png", format: "png", width: 8, height: 8, bytes: 70 } });
    await prisma.modelReference.create({ data: { shopId: TEST_SHOP, name: "Model", storageKey: own.reference, contentType: "image/png", width: 8, height: 8, bytes: 70, createdBy: "user:test" } });
    await prisma.brandLut.create({ data: { shopId: TEST_SHOP, name: "Warm", size: 2, sha256: own.lut.slice(10, 74), storageKey: own.lut, bytes: 70, createdBy: "user:test" } });
    // The other shop stored the same bytes: one file, referenced by both shops (a rendition, and a QC overlay inside JSON).
    const theirs = await prisma.asset.findFirstOrThrow({ where: { shopId: OTHER } });
    await prisma.asset.update({ where: { id: theirs.id }, data: { qcReport: { version: 1, verdict: "pass", checks: [], overlays: { background: shared.overlay }, ms: 1 } } });
    await prisma.assetRendition.updateMany({ where: { shopId: OTHER }, data: { storageKey: shared.rendition } });
    const otherRows = await shopRowCounts(prisma, OTHER);
    for (const key of [...Object.values(own), ...Object.values(shared)]) expect(await store.exists(key)).toBe(true);

    const redact = await deliver("shop/redact", { shop_id: 1, shop_domain: TEST_SHOP });
    expect(redact.status).toBe(200);
    expect(Object.entries(await shopRowCounts(prisma, TEST_SHOP)).filter(([, count]) => count > 0)).toEqual([]);
    for (const [name, key] of Object.entries(own)) expect(await store.exists(key), `the shop's own ${name} file is erased`).toBe(false);
    for (const [name, key] of Object.entries(shared)) expect(await store.exists(key), `the ${name} file another shop references is kept`).toBe(true);
    expect(await shopRowCounts(prisma, OTHER)).toEqual(otherRows);

    // A second delivery finds nothing left and still answers 200.
    expect((await deliver("shop/redact", { shop_id: 1, shop_domain: TEST_SHOP })).status).toBe(200);
    for (const key of Object.values(shared)) expect(await store.exists(key)).toBe(true);
    expect(app.failures).toEqual([]);
  });
});
