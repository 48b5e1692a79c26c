import { createHmac, randomUUID } from "node:crypto";
import { getHmac } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import prisma from "../../app/db.server";
import { catalogProductQueue, closeQueues, enqueue, getFlowProducer, getQueue, productionOrderQueue, productionRequestQueue } from "../../jobs/queues";
import { action as productsCreate } from "../../app/routes/webhooks.products.create";
import { action as productsUpdate } from "../../app/routes/webhooks.products.update";
import { action as productsDelete } from "../../app/routes/webhooks.products.delete";
import { action as appUninstalled } from "../../app/routes/webhooks.app.uninstalled";
import { action as scopesUpdate } from "../../app/routes/webhooks.app.scopes_update";
import { action as customersDataRequest } from "../../app/routes/webhooks.customers.data_request";
import { action as customersRedact } from "../../app/routes/webhooks.customers.redact";
import { action as shopRedact } from "../../app/routes/webhooks.shop.redact";
import { action as bulkFinish } from "../../app/routes/webhooks.bulk_operations.finish";
import { clearDatabase, databaseSnapshot, emptyQueues, queueSnapshot, seedShopRows, shopRowCounts } from "../support/shop-rows";
import { TEST_API_SECRET, TEST_APP_URL } from "../support/test-env";

/** The shop the deliveries are for, and a bystander whose rows no delivery may touch. */
const SHOP = "webhook-test.myshopify.com";
const OTHER = "bystander.myshopify.com";
type Action = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => Promise<Response>;

/** The base64 HMAC-SHA256 of the raw body with the app secret, computed without Shopify's library. */
const independentHmac = (body: string, secret = TEST_API_SECRET) => createHmac("sha256", secret).update(body, "utf8").digest("base64");

interface DeliveryOptions {
  hmac?: string | null;
  webhookId?: string;
  rawBody?: string;
}

/** A delivery as Shopify makes it: raw JSON body, signed, with every X-Shopify header. */
function delivery(topic: string, payload: unknown, options: DeliveryOptions = {}) {
  const body = options.rawBody ?? JSON.stringify(payload);
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-Shopify-Topic": topic,
    "X-Shopify-Shop-Domain": SHOP,
    "X-Shopify-API-Version": "2026-10",
    "X-Shopify-Webhook-Id": options.webhookId ?? randomUUID(),
    "X-Shopify-Event-Id": randomUUID(),
    "X-Shopify-Triggered-At": new Date().toISOString(),
  };
  const hmac = options.hmac === undefined ? getHmac(body, TEST_API_SECRET) : options.hmac;
  if (hmac !== null) headers["X-Shopify-Hmac-Sha256"] = hmac;
  return new Request(`${TEST_APP_URL}/webhooks/${topic}`, { method: "POST", headers, body });
}

/** Runs a route action; a Response it throws (as authenticate.webhook does) is its answer. */
const call = (action: Action, request: Request) =>
  action({ request, params: {}, context: {} }).catch((error: unknown) => {
    if (error instanceof Response) return error;
    throw error;
  });

/** The database and every queue, to prove what a delivery changed. */
const everything = async () => ({ db: await databaseSnapshot(prisma), queues: await queueSnapshot() });

/** The snapshot without the webhook-delivery ledger, which records every accepted delivery. */
const withoutLedger = ({ db, queues }: Awaited<ReturnType<typeof everything>>) => ({ db: { ...db, WebhookDelivery: [] }, queues });

const productPayload = { id: 101, admin_graphql_api_id: "gid://shopify/Product/101", title: "Linen Wrap Dress", updated_at: "2026-11-20T10:00:00Z" };

/**
 * An order in production for a product: one request, a stored candidate, a
 * candidate running at the (demo) provider with its cost reserved, and a third
 * stored one; two publications still under way (queued, attaching).
 */
async function openWork(shop: string, productId: string) {
  const order = await prisma.productionOrder.create({ data: { shopId: shop, productId, status: "running", source: "auto", requestedBy: "shopify:products/create" } });
  const request = await prisma.assetRequest.create({ data: { shopId: shop, orderId: order.id, productId, asset: "on-model-front", source: "ai", status: "running", candidatesWanted: 3 } });
  const base = { shopId: shop, productId, orderId: order.id, requestId: request.id, source: "ai", kind: "image", provider: "demo", model: "demo-compose", operation: "try-on" };
  const stored = await prisma.asset.create({ data: { ...base, candidateIndex: 0, status: "stored" } });
  const running = await prisma.asset.create({ data: { ...base, candidateIndex: 1, status: "submitted", providerJobId: `demo-${randomUUID()}` } });
  const other = await prisma.asset.create({ data: { ...base, candidateIndex: 2, status: "stored" } });
  await prisma.costEntry.create({ data: { shopId: shop, productId, orderId: order.id, assetId: running.id, provider: "demo", model: "demo-compose", operation: "try-on", unit: "image", units: 1, costMicros: 75_000, outcome: "reserved" } });
  const publication = { shopId: shop, productId, kind: "image", view: "front", fileName: "front.jpg", alt: "Front", requestedBy: "user:1" };
  await prisma.publication.create({ data: { ...publication, assetId: stored.id, status: "attaching" } });
  await prisma.publication.create({ data: { ...publication, assetId: other.id, status: "queued" } });
  return { orderId: order.id, runningAssetId: running.id };
}

/** A shop's jobs in several queues and states: a waiting refresh, a delayed one, and a production flow (parent waiting for its child). Returns their ids. */
async function queueWorkOf(shop: string): Promise<string[]> {
  const tag = shop.split(".")[0];
  const cuid = (prefix: string) => `${prefix}${tag.replace(/[^a-z0-9]/g, "")}${"0".repeat(25)}`.slice(0, 25);
  await enqueue(catalogProductQueue, { shopId: shop, productId: "gid://shopify/Product/1", trigger: "updated" }, { jobId: `webhook-${tag}-waiting` });
  await getQueue(catalogProductQueue).add(catalogProductQueue.name, { shopId: shop, productId: "gid://shopify/Product/2" }, { jobId: `webhook-${tag}-delayed`, delay: 3_600_000 });
  await getFlowProducer().add({
    name: productionOrderQueue.name,
    queueName: productionOrderQueue.name,
    data: productionOrderQueue.payload.parse({ shopId: shop, orderId: cuid("order") }),
    opts: { jobId: `order-${tag}` },
    children: [{ name: productionRequestQueue.name, queueName: productionRequestQueue.name, data: productionRequestQueue.payload.parse({ shopId: shop, requestId: cuid("request") }), opts: { jobId: `request-${tag}` } }],
  });
  return [`webhook-${tag}-waiting`, `webhook-${tag}-delayed`, `order-${tag}`, `request-${tag}`];
}

const TOPICS: [string, Action, unknown][] = [
  ["products/create", productsCreate, productPayload],
  ["products/update", productsUpdate, productPayload],
  ["products/delete", productsDelete, { id: 101 }],
  ["app/uninstalled", appUninstalled, { id: 1, domain: SHOP }],
  ["app/scopes_update", scopesUpdate, { previous: ["read_products"], current: ["read_products", "write_products"] }],
  ["bulk_operations/finish", bulkFinish, { admin_graphql_api_id: "gid://shopify/BulkOperation/1", status: "completed" }],
  ["customers/data_request", customersDataRequest, { shop_domain: SHOP, customer: { id: 1, email: "a@b.c" }, orders_requested: [1] }],
  ["customers/redact", customersRedact, { shop_domain: SHOP, customer: { id: 1, email: "a@b.c" }, orders_to_redact: [1] }],
  ["shop/redact", shopRedact, { shop_id: 1, shop_domain: SHOP }],
];

describe("webhook routes", () => {
  beforeEach(async () => {
    await clearDatabase(prisma);
    await seedShopRows(prisma, SHOP, 1);
    await seedShopRows(prisma, OTHER, 2);
    await emptyQueues();
  });

  afterAll(async () => {
    await closeQueues();
  });

  it("the seed gives both shops a row in every table, so the checks below can see a change anywhere", async () => {
    for (const shop of [SHOP, OTHER]) {
      for (const [table, count] of Object.entries(await shopRowCounts(prisma, shop))) expect(count, `${table} rows of ${shop}`).toBeGreaterThan(0);
    }
  });

  it("accepts a body signed independently of Shopify's helper (the helper computes the same HMAC)", async () => {
    const body = JSON.stringify(productPayload);
    expect(getHmac(body, TEST_API_SECRET)).toBe(independentHmac(body));
    const webhookId = randomUUID();
    expect((await call(productsCreate, delivery("products/create", productPayload, { webhookId, hmac: independentHmac(body) }))).status).toBe(200);
    expect((await queueSnapshot())["catalog-product"]).toEqual([`webhook-${webhookId} {"shopId":"${SHOP}","productId":"gid://shopify/Product/101","trigger":"created"}`]);
  });

  it.each([
    ["products/create", productsCreate, "created"],
    ["products/update", productsUpdate, "updated"],
  ])("%s enqueues one refresh job on the catalog-product queue per webhook id, however often it is delivered, with its trigger", async (topic, action, trigger) => {
    const before = await everything();
    const webhookId = randomUUID();
    expect((await call(action, delivery(topic, productPayload, { webhookId }))).status).toBe(200);
    expect((await call(action, delivery(topic, productPayload, { webhookId }))).status).toBe(200);
    const after = await everything();
    expect(after.queues).toEqual({ ...before.queues, "catalog-product": [`webhook-${webhookId} {"shopId":"${SHOP}","productId":"gid://shopify/Product/101","trigger":"${trigger}"}`] });
    // The mirror is untouched until the worker re-reads the product.
    expect(withoutLedger(after).db).toEqual(withoutLedger(before).db);
    expect(await prisma.webhookDelivery.findMany({ where: { webhookId }, select: { outcome: true } })).toEqual([{ outcome: "enqueued" }]);
  });

  it("products/create is never skipped as stale: a create that arrives after an update of the same product still reaches the worker", async () => {
    // The mirror already holds a newer state than the create describes (the update came first).
    await prisma.product.update({ where: { id: "gid://shopify/Product/101" }, data: { shopifyUpdatedAt: new Date("2026-11-21T00:00:00Z") } });
    const webhookId = randomUUID();
    expect((await call(productsCreate, delivery("products/create", productPayload, { webhookId }))).status).toBe(200);
    expect((await prisma.webhookDelivery.findUniqueOrThrow({ where: { webhookId } })).outcome).toBe("enqueued");
    expect((await queueSnapshot())["catalog-product"]).toEqual([`webhook-${webhookId} {"shopId":"${SHOP}","productId":"gid://shopify/Product/101","trigger":"created"}`]);
  });

  it("records each delivery once by webhook id, and skips a stale products/update", async () => {
    const webhookId = randomUUID();
    await call(productsUpdate, delivery("products/update", productPayload, { webhookId }));
    await call(productsUpdate, delivery("products/update", productPayload, { webhookId }));
    expect(await prisma.webhookDelivery.findMany({ where: { shopId: SHOP, NOT: { webhookId: "seed-1" } }, select: { webhookId: true, topic: true, outcome: true } })).toEqual([
      { webhookId, topic: "PRODUCTS_UPDATE", outcome: "enqueued" },
    ]);

    // The mirror already holds a newer state than this delivery describes.
    await prisma.product.update({ where: { id: "gid://shopify/Product/101" }, data: { shopifyUpdatedAt: new Date("2026-11-21T00:00:00Z") } });
    const stale = randomUUID();
    expect((await call(productsUpdate, delivery("products/update", productPayload, { webhookId: stale }))).status).toBe(200);
    expect((await prisma.webhookDelivery.findUniqueOrThrow({ where: { webhookId: stale } })).outcome).toBe("ignored: stale");
    expect((await queueSnapshot())["catalog-product"].map((job) => job.split(" ")[0])).toEqual([`webhook-${webhookId}`]);
  });

  it("products/delete removes the product, its variants and media from the mirror, and nothing of another shop", async () => {
    const before = await shopRowCounts(prisma, OTHER);
    expect((await call(productsDelete, delivery("products/delete", { id: 101 }))).status).toBe(200);
    expect(await prisma.product.findMany({ where: { shopId: SHOP }, select: { title: true } })).toEqual([{ title: "Wool Coat" }]);
    expect(await prisma.productVariant.count({ where: { productId: "gid://shopify/Product/101" } })).toBe(0);
    expect(await prisma.productMedia.count({ where: { productId: "gid://shopify/Product/101" } })).toBe(0);
    // A delivery for this shop naming the other shop's product changes nothing.
    expect((await call(productsDelete, delivery("products/delete", { id: 201 }))).status).toBe(200);
    expect(await shopRowCounts(prisma, OTHER)).toEqual(before);
  });

  it("products/delete cancels the product's open work (order, candidates, reservation, unfinished publications), keeps every row and audits it", async () => {
    const product = "gid://shopify/Product/101";
    const mine = await openWork(SHOP, product);
    const theirs = await openWork(OTHER, "gid://shopify/Product/201");
    const auditBefore = await prisma.auditEvent.findMany({ where: { shopId: SHOP } });
    const rowsBefore = { assets: await prisma.asset.count(), publications: await prisma.publication.count(), orders: await prisma.productionOrder.count() };
    const webhookId = randomUUID();
    expect((await call(productsDelete, delivery("products/delete", { id: 101 }, { webhookId }))).status).toBe(200);

    expect(await prisma.productionOrder.findUniqueOrThrow({ where: { id: mine.orderId } })).toMatchObject({ status: "canceled", finishedAt: expect.any(Date) });
    expect(await prisma.assetRequest.findMany({ where: { orderId: mine.orderId }, select: { status: true } })).toEqual([{ status: "canceled" }]);
    expect(Object.fromEntries((await prisma.asset.findMany({ where: { orderId: mine.orderId } })).map((a) => [a.candidateIndex, a.status]))).toEqual({ 0: "stored", 1: "canceled", 2: "stored" });
    expect(await prisma.costEntry.findFirstOrThrow({ where: { assetId: mine.runningAssetId } })).toMatchObject({ outcome: "canceled", costMicros: 0 });
    const publications = await prisma.publication.findMany({ where: { shopId: SHOP }, select: { status: true, error: true }, orderBy: { status: "asc" } });
    expect(publications).toEqual([
      { status: "canceled", error: "Canceled: the product was deleted in Shopify." },
      { status: "canceled", error: "Canceled: the product was deleted in Shopify." },
      { status: "ready", error: null },
    ]);
    // Nothing is deleted but the mirror row: orders, candidates, publications and the audit trail stay.
    expect({ assets: await prisma.asset.count(), publications: await prisma.publication.count(), orders: await prisma.productionOrder.count() }).toEqual(rowsBefore);
    const audit = await prisma.auditEvent.findMany({ where: { shopId: SHOP } });
    expect(audit).toEqual(expect.arrayContaining(auditBefore));
    const added = audit.filter((e) => !auditBefore.some((b) => b.id === e.id)).map((e) => [e.action, e.subjectId, e.data]);
    expect(added).toEqual(
      expect.arrayContaining([
        ["production.order.canceled", mine.orderId, { openCandidates: 1, productId: product }],
        ["product.deleted", product, { mirrorRemoved: true, canceledOrders: [mine.orderId], canceledCandidates: 1, canceledPublications: 2, providerCancels: 1 }],
      ]),
    );
    expect(added).toHaveLength(2);
    expect((await prisma.webhookDelivery.findUniqueOrThrow({ where: { webhookId } })).outcome).toBe("processed: mirror row removed, 1 order(s) canceled, 2 publication(s) canceled");

    // The other shop's open work is untouched.
    expect((await prisma.productionOrder.findUniqueOrThrow({ where: { id: theirs.orderId } })).status).toBe("running");
    expect(await prisma.publication.count({ where: { shopId: OTHER, status: "canceled" } })).toBe(0);

    // The same delivery again, and the same event under a new webhook id: nothing changes, nothing more is audited.
    const settled = withoutLedger(await everything());
    expect((await call(productsDelete, delivery("products/delete", { id: 101 }, { webhookId }))).status).toBe(200);
    const repeat = randomUUID();
    expect((await call(productsDelete, delivery("products/delete", { id: 101 }, { webhookId: repeat }))).status).toBe(200);
    expect(withoutLedger(await everything())).toEqual(settled);
    expect((await prisma.webhookDelivery.findUniqueOrThrow({ where: { webhookId: repeat } })).outcome).toBe("processed: not in the mirror");
  });

  it("app/uninstalled deletes the shop's sessions, marks the shop, and leaves another shop's sessions", async () => {
    const before = await everything();
    expect((await call(appUninstalled, delivery("app/uninstalled", { id: 1, domain: SHOP }))).status).toBe(200);
    expect(await prisma.session.count({ where: { shop: SHOP } })).toBe(0);
    expect(await prisma.session.count({ where: { shop: OTHER } })).toBe(2);
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: SHOP } })).uninstalledAt).toBeInstanceOf(Date);
    // The catalog stays until shop/redact: a reinstall within 48 hours finds it. The audit trail says what happened.
    const after = await everything();
    expect({ ...withoutLedger(after).db, Session: [], Shop: [], AuditEvent: [] }).toEqual({ ...withoutLedger(before).db, Session: [], Shop: [], AuditEvent: [] });
    expect(await prisma.auditEvent.findMany({ where: { shopId: SHOP, action: "shop.uninstalled" }, select: { actor: true, data: true } })).toEqual([
      { actor: "shopify:app/uninstalled", data: { canceledOrders: 0, canceledCandidates: 0, canceledPublications: 0, canceledSyncRuns: 0, removedJobs: 0, jobsLeftRunning: 0 } },
    ]);
    expect(after.db.AuditEvent.length).toBe(before.db.AuditEvent.length + 1);
  });

  it("app/uninstalled stops all the shop's work: open orders, publications and syncs canceled, its queued jobs removed from every queue, another shop's kept; twice is safe", async () => {
    const mine = await openWork(SHOP, "gid://shopify/Product/102");
    const theirs = await openWork(OTHER, "gid://shopify/Product/202");
    const sync = await prisma.syncRun.create({ data: { shopId: SHOP, kind: "bulk", status: "running", requestedBy: "user:1" } });
    const queued = await queueWorkOf(SHOP);
    const kept = await queueWorkOf(OTHER);
    const isQueued = (jobs: string[], id: string) => jobs.some((job) => job.startsWith(`${id} `));
    const before = Object.values(await queueSnapshot()).flat();
    for (const id of [...queued, ...kept]) expect(isQueued(before, id), `${id} is queued`).toBe(true);

    const webhookId = randomUUID();
    expect((await call(appUninstalled, delivery("app/uninstalled", { id: 1, domain: SHOP }, { webhookId }))).status).toBe(200);
    const left = Object.values(await queueSnapshot()).flat();
    for (const id of queued) expect(isQueued(left, id), `${id} was removed`).toBe(false);
    for (const id of kept) expect(isQueued(left, id), `${id} of the other shop is still queued`).toBe(true);
    expect(left.filter((job) => job.includes(`"shopId":"${SHOP}"`))).toEqual([]);

    expect((await prisma.productionOrder.findUniqueOrThrow({ where: { id: mine.orderId } })).status).toBe("canceled");
    expect(await prisma.publication.findMany({ where: { shopId: SHOP, status: { not: "ready" } }, select: { status: true, error: true } })).toEqual([
      { status: "canceled", error: "Canceled: the app was uninstalled from the store." },
      { status: "canceled", error: "Canceled: the app was uninstalled from the store." },
    ]);
    expect(await prisma.syncRun.findUniqueOrThrow({ where: { id: sync.id } })).toMatchObject({ status: "cancelled", error: "The app was uninstalled from the store." });
    expect((await prisma.productionOrder.findUniqueOrThrow({ where: { id: theirs.orderId } })).status).toBe("running");
    expect(await prisma.publication.count({ where: { shopId: OTHER, status: { in: ["queued", "attaching"] } } })).toBe(2);
    const uninstalledAt = (await prisma.shop.findUniqueOrThrow({ where: { id: SHOP } })).uninstalledAt;
    expect(uninstalledAt).toBeInstanceOf(Date);
    // The flow counts once: its parent takes its child with it.
    expect((await prisma.webhookDelivery.findUniqueOrThrow({ where: { webhookId } })).outcome).toBe("processed: 1 order(s) and 2 publication(s) canceled, 3 job(s) removed");

    // A second delivery (Shopify retries, or sends the event again): nothing left to stop, the first uninstall time is kept.
    const settled = withoutLedger(await everything());
    const again = randomUUID();
    expect((await call(appUninstalled, delivery("app/uninstalled", { id: 1, domain: SHOP }, { webhookId: again }))).status).toBe(200);
    expect(withoutLedger(await everything())).toEqual(settled);
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: SHOP } })).uninstalledAt).toEqual(uninstalledAt);
    expect((await prisma.webhookDelivery.findUniqueOrThrow({ where: { webhookId: again } })).outcome).toBe("processed: 0 order(s) and 0 publication(s) canceled, 0 job(s) removed (repeat)");
  });

  it("app/scopes_update stores the new scopes on the offline session", async () => {
    expect((await call(scopesUpdate, delivery("app/scopes_update", { previous: ["read_products"], current: ["read_products", "write_products"] }))).status).toBe(200);
    expect((await prisma.session.findUniqueOrThrow({ where: { id: `offline_${SHOP}` } })).scope).toBe("read_products,write_products");
    expect((await prisma.session.findUniqueOrThrow({ where: { id: `offline_${OTHER}` } })).scope).toBe("read_products");
  });

  it.each([
    ["customers/data_request", customersDataRequest],
    ["customers/redact", customersRedact],
  ])("%s is recorded in the audit trail and changes nothing else", async (topic, action) => {
    const before = await everything();
    const webhookId = randomUUID();
    expect((await call(action, delivery(topic, { shop_domain: SHOP, customer: { id: 1, email: "a@b.c" }, orders_requested: [1] }, { webhookId }))).status).toBe(200);
    const after = await everything();
    expect({ ...withoutLedger(after).db, AuditEvent: [] }).toEqual({ ...withoutLedger(before).db, AuditEvent: [] });
    expect(after.queues).toEqual(before.queues);
    const added = await prisma.auditEvent.findMany({ where: { shopId: SHOP, subjectType: "ComplianceRequest" } });
    expect(added).toEqual([expect.objectContaining({ action: `compliance.${topic.replace("/", "_")}`, actor: "shopify", subjectId: webhookId })]);
    expect(after.db.AuditEvent.length).toBe(before.db.AuditEvent.length + 1);
  });

  it.each([
    ["customers/data_request", customersDataRequest],
    ["customers/redact", customersRedact],
  ])("%s for a shop Shotlane holds nothing of (after shop/redact) is acknowledged and does not bring the shop back", async (topic, action) => {
    await call(shopRedact, delivery("shop/redact", { shop_id: 1, shop_domain: SHOP }));
    const before = withoutLedger(await everything());
    const webhookId = randomUUID();
    expect((await call(action, delivery(topic, { shop_domain: SHOP, customer: { id: 1, email: "a@b.c" } }, { webhookId }))).status).toBe(200);
    expect(withoutLedger(await everything())).toEqual(before);
    expect(await prisma.shop.count({ where: { id: SHOP } })).toBe(0);
    expect((await prisma.webhookDelivery.findUniqueOrThrow({ where: { webhookId } })).outcome).toBe("processed: no data held for this shop");
  });

  it("customers/redact for an installed shop without a Shop row yet (never opened) is still recorded", async () => {
    // Sessions have no foreign key to Shop: the seeded offline session stays, as after an install.
    await prisma.shop.delete({ where: { id: SHOP } });
    expect(await prisma.session.count({ where: { shop: SHOP } })).toBeGreaterThan(0);
    const webhookId = randomUUID();
    expect((await call(customersRedact, delivery("customers/redact", { shop_domain: SHOP, customer: { id: 1 } }, { webhookId }))).status).toBe(200);
    expect(await prisma.auditEvent.findMany({ where: { shopId: SHOP }, select: { action: true, subjectId: true } })).toEqual([{ action: "compliance.customers_redact", subjectId: webhookId }]);
  });

  it("shop/redact erases every row of the shop, in every table, and nothing of another shop", async () => {
    const other = await shopRowCounts(prisma, OTHER);
    expect((await call(shopRedact, delivery("shop/redact", { shop_id: 1, shop_domain: SHOP }))).status).toBe(200);
    const left = Object.entries(await shopRowCounts(prisma, SHOP)).filter(([, count]) => count > 0);
    expect(left, "tables still holding rows of the redacted shop").toEqual([]);
    expect(await shopRowCounts(prisma, OTHER)).toEqual(other);
  });

  it("bulk_operations/finish is acknowledged and changes nothing but the delivery ledger", async () => {
    const before = await everything();
    expect((await call(bulkFinish, delivery("bulk_operations/finish", { admin_graphql_api_id: "gid://shopify/BulkOperation/1", status: "completed" }))).status).toBe(200);
    expect(withoutLedger(await everything())).toEqual(withoutLedger(before));
  });

  it.each(TOPICS)("%s with a bad HMAC gets 401 and changes nothing, in the database or the queues", async (topic, action, payload) => {
    const before = await everything();
    const body = JSON.stringify(payload);
    // Signed with another secret, and the right signature over a different body.
    expect((await call(action, delivery(topic, payload, { hmac: independentHmac(body, "not-the-app-secret") }))).status).toBe(401);
    expect((await call(action, delivery(topic, payload, { hmac: independentHmac(`${body} `) }))).status).toBe(401);
    expect(await everything()).toEqual(before);
  });

  it("a delivery without an HMAC header is refused and changes nothing", async () => {
    const before = await everything();
    expect((await call(shopRedact, delivery("shop/redact", { shop_domain: SHOP }, { hmac: null }))).status).toBeGreaterThanOrEqual(400);
    expect((await call(productsCreate, delivery("products/create", productPayload, { hmac: null }))).status).toBeGreaterThanOrEqual(400);
    expect(await everything()).toEqual(before);
  });

  it.each([
    ["products/create", productsCreate, { id: "not-a-product" }, /admin_graphql_api_id/],
    ["products/update", productsUpdate, { admin_graphql_api_id: "gid://shopify/Product/101", updated_at: "yesterday" }, /updated_at/],
    ["products/delete", productsDelete, { title: "no id" }, /id/],
    ["app/scopes_update", scopesUpdate, { current: "read_products" }, /current/],
  ])("%s with a correctly signed but malformed payload is acknowledged, logged and writes nothing", async (topic, action, payload, field) => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const before = await everything();
      const webhookId = randomUUID();
      expect((await call(action, delivery(topic, payload, { webhookId }))).status).toBe(200);
      expect(withoutLedger(await everything())).toEqual(withoutLedger(before));
      expect((await prisma.webhookDelivery.findUniqueOrThrow({ where: { webhookId } })).outcome).toBe("ignored: malformed payload");
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(new RegExp(`Ignored malformed ${topic.replace("/", "_").toUpperCase()} webhook ${webhookId} from ${SHOP.replaceAll(".", "\\.")}`));
      expect(String(warn.mock.calls[0][0])).toMatch(field);
    } finally {
      warn.mockRestore();
    }
  });

  it("a correctly signed body that is not JSON is acknowledged, logged and writes nothing", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const before = await everything();
      const webhookId = randomUUID();
      // Unsigned garbage is still refused before anything reads it.
      expect((await call(productsCreate, delivery("products/create", null, { rawBody: "{not json", hmac: independentHmac("{not json", "not-the-app-secret") }))).status).toBe(401);
      expect(warn).not.toHaveBeenCalled();
      expect((await call(productsCreate, delivery("products/create", null, { rawBody: "{not json", webhookId }))).status).toBe(200);
      expect(await everything()).toEqual(before);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(new RegExp(`products/create webhook ${webhookId} from ${SHOP.replaceAll(".", "\\.")}.*not JSON`));
    } finally {
      warn.mockRestore();
    }
  });
});
