import { createHmac, randomUUID } from "node:crypto";
import { getHmac } from "@shopify/shopify-api/test-helpers";
import { Queue } from "bullmq";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import prisma from "../../app/db.server";
import { upsertMirrorProducts } from "../../app/catalog/mirror.server";
import { env } from "../../app/config/env";
import { workerConnection } from "../../jobs/connection";
import { catalogProductQueue, closeQueues } from "../../jobs/queues";
import { action as productsCreate } from "../../app/routes/webhooks.products.create";
import { action as productsUpdate } from "../../app/routes/webhooks.products.update";
import { action as productsDelete } from "../../app/routes/webhooks.products.delete";
import { action as appUninstalled } from "../../app/routes/webhooks.app.uninstalled";
import { action as scopesUpdate } from "../../app/routes/webhooks.app.scopes_update";
import { action as customersDataRequest } from "../../app/routes/webhooks.customers.data_request";
import { action as customersRedact } from "../../app/routes/webhooks.customers.redact";
import { action as shopRedact } from "../../app/routes/webhooks.shop.redact";
import { action as bulkFinish } from "../../app/routes/webhooks.bulk_operations.finish";
import { mirrorProduct } from "../support/factories";
import { TEST_API_SECRET, TEST_APP_URL } from "../support/test-env";

const SHOP = "webhook-test.myshopify.com";
type Action = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => Promise<Response>;

function delivery(topic: string, payload: unknown, options: { hmac?: string; webhookId?: string } = {}) {
  const body = JSON.stringify(payload);
  return new Request(`${TEST_APP_URL}/webhooks/${topic}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": topic,
      "X-Shopify-Hmac-Sha256": options.hmac ?? getHmac(body, TEST_API_SECRET),
      "X-Shopify-Shop-Domain": SHOP,
      "X-Shopify-API-Version": "2026-10",
      "X-Shopify-Webhook-Id": options.webhookId ?? randomUUID(),
      "X-Shopify-Event-Id": randomUUID(),
      "X-Shopify-Triggered-At": new Date().toISOString(),
    },
    body,
  });
}

const call = (action: Action, request: Request) => action({ request, params: {}, context: {} }).catch((error: unknown) => {
  if (error instanceof Response) return error;
  throw error;
});

const queue = () => new Queue(catalogProductQueue.name, { connection: workerConnection(env().REDIS_URL), prefix: env().QUEUE_PREFIX });

/** Everything a webhook could change, to prove a rejected one changed nothing. */
async function snapshot() {
  const q = queue();
  const jobs = await q.getJobCounts("waiting", "delayed", "active", "completed", "failed");
  await q.close();
  return {
    jobs,
    products: await prisma.product.count(),
    sessions: await prisma.session.count(),
    shops: await prisma.shop.findMany({ orderBy: { id: "asc" } }),
    audit: await prisma.auditEvent.count(),
    deliveries: await prisma.webhookDelivery.count(),
  };
}

const productPayload = { id: 101, admin_graphql_api_id: "gid://shopify/Product/101", title: "Linen Wrap Dress", updated_at: "2026-11-20T10:00:00Z" };

describe("webhook routes", () => {
  beforeEach(async () => {
    await prisma.webhookDelivery.deleteMany();
    await prisma.shop.deleteMany();
    await prisma.session.deleteMany();
    await prisma.shop.create({ data: { id: SHOP } });
    await prisma.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false, scope: "read_products", accessToken: "shpat_x", expires: null } });
    await upsertMirrorProducts(prisma, SHOP, [mirrorProduct({ id: 101, title: "Linen Wrap Dress" }), mirrorProduct({ id: 102, title: "Wool Coat" })]);
    const q = queue();
    await q.obliterate({ force: true });
    await q.close();
  });

  afterAll(async () => {
    await closeQueues();
  });

  it("verifies an independently computed HMAC (the same as Shopify's test helper)", () => {
    const body = JSON.stringify(productPayload);
    expect(getHmac(body, TEST_API_SECRET)).toBe(createHmac("sha256", TEST_API_SECRET).update(body).digest("base64"));
  });

  it.each([
    ["products/create", productsCreate],
    ["products/update", productsUpdate],
  ])("%s enqueues one refresh job per webhook id, however often it is delivered", async (topic, action) => {
    const webhookId = randomUUID();
    expect((await call(action as Action, delivery(topic, productPayload, { webhookId }))).status).toBe(200);
    expect((await call(action as Action, delivery(topic, productPayload, { webhookId }))).status).toBe(200);
    const q = queue();
    const jobs = await q.getJobs(["waiting", "delayed", "active"]);
    await q.close();
    expect(jobs.map((j) => [j.id, j.data])).toEqual([[`webhook-${webhookId}`, { shopId: SHOP, productId: "gid://shopify/Product/101" }]]);
  });

  it("records each delivery once by webhook id, and skips a stale products/update", async () => {
    const webhookId = randomUUID();
    await call(productsUpdate as Action, delivery("products/update", productPayload, { webhookId }));
    await call(productsUpdate as Action, delivery("products/update", productPayload, { webhookId }));
    expect(await prisma.webhookDelivery.findMany({ select: { webhookId: true, topic: true, outcome: true } })).toEqual([{ webhookId, topic: "PRODUCTS_UPDATE", outcome: "processed" }]);

    // The mirror already holds a newer state than this delivery describes.
    await prisma.product.update({ where: { id: "gid://shopify/Product/101" }, data: { shopifyUpdatedAt: new Date("2026-11-21T00:00:00Z") } });
    const stale = randomUUID();
    expect((await call(productsUpdate as Action, delivery("products/update", productPayload, { webhookId: stale }))).status).toBe(200);
    expect((await prisma.webhookDelivery.findUniqueOrThrow({ where: { webhookId: stale } })).outcome).toBe("ignored: stale");
    const q = queue();
    expect((await q.getJobs(["waiting", "delayed", "active"])).map((j) => j.id)).toEqual([`webhook-${webhookId}`]);
    await q.close();
  });

  it("products/delete removes the product from the mirror", async () => {
    expect((await call(productsDelete as Action, delivery("products/delete", { id: 101 }))).status).toBe(200);
    expect(await prisma.product.findMany({ select: { title: true } })).toEqual([{ title: "Wool Coat" }]);
  });

  it("app/uninstalled deletes the shop's sessions and marks the shop", async () => {
    expect((await call(appUninstalled as Action, delivery("app/uninstalled", { id: 1, domain: SHOP }))).status).toBe(200);
    expect(await prisma.session.count({ where: { shop: SHOP } })).toBe(0);
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: SHOP } })).uninstalledAt).toBeInstanceOf(Date);
  });

  it("app/scopes_update stores the new scopes on the session", async () => {
    expect((await call(scopesUpdate as Action, delivery("app/scopes_update", { previous: ["read_products"], current: ["read_products", "write_products"] }))).status).toBe(200);
    expect((await prisma.session.findUniqueOrThrow({ where: { id: `offline_${SHOP}` } })).scope).toBe("read_products,write_products");
  });

  it.each([
    ["customers/data_request", customersDataRequest],
    ["customers/redact", customersRedact],
  ])("%s is recorded in the audit trail and changes nothing else", async (topic, action) => {
    const before = await snapshot();
    expect((await call(action as Action, delivery(topic, { shop_domain: SHOP, customer: { id: 1, email: "a@b.c" }, orders_requested: [1] }))).status).toBe(200);
    const after = await snapshot();
    expect(after.audit).toBe(before.audit + 1);
    expect(after.deliveries).toBe(before.deliveries + 1);
    expect({ ...after, audit: 0, deliveries: 0 }).toEqual({ ...before, audit: 0, deliveries: 0 });
    const [event] = await prisma.auditEvent.findMany({ where: { shopId: SHOP } });
    expect(event.action).toBe(`compliance.${topic.replace("/", "_")}`);
  });

  it("shop/redact erases every row of the shop", async () => {
    expect((await call(shopRedact as Action, delivery("shop/redact", { shop_id: 1, shop_domain: SHOP }))).status).toBe(200);
    expect(await prisma.shop.count({ where: { id: SHOP } })).toBe(0);
    expect(await prisma.product.count({ where: { shopId: SHOP } })).toBe(0);
    expect(await prisma.productVariant.count()).toBe(0);
    expect(await prisma.session.count({ where: { shop: SHOP } })).toBe(0);
  });

  it("bulk_operations/finish is acknowledged", async () => {
    expect((await call(bulkFinish as Action, delivery("bulk_operations/finish", { admin_graphql_api_id: "gid://shopify/BulkOperation/1", status: "completed" }))).status).toBe(200);
  });

  it.each([
    ["products/create", productsCreate, productPayload],
    ["products/delete", productsDelete, { id: 101 }],
    ["app/uninstalled", appUninstalled, { id: 1 }],
    ["shop/redact", shopRedact, { shop_domain: SHOP }],
    ["customers/redact", customersRedact, { shop_domain: SHOP }],
  ])("%s with a bad HMAC gets 401 and changes nothing", async (topic, action, payload) => {
    const before = await snapshot();
    const response = await call(action as Action, delivery(topic, payload, { hmac: createHmac("sha256", "not-the-secret").update(JSON.stringify(payload)).digest("base64") }));
    expect(response.status).toBe(401);
    expect(await snapshot()).toEqual(before);
  });

  it("a correctly signed but malformed payload is logged, acknowledged and writes nothing", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const before = await snapshot();
    expect((await call(productsCreate as Action, delivery("products/create", { id: "not-a-product" }))).status).toBe(200);
    expect((await call(productsDelete as Action, delivery("products/delete", { title: "no id" }))).status).toBe(200);
    expect({ ...(await snapshot()), deliveries: 0 }).toEqual({ ...before, deliveries: 0 });
    expect((await prisma.webhookDelivery.findMany()).map((d) => d.outcome)).toEqual(["ignored: malformed payload", "ignored: malformed payload"]);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[0][0]).toMatch(/Ignored malformed PRODUCTS_CREATE webhook .* from webhook-test\.myshopify\.com: .*admin_graphql_api_id/s);
    warn.mockRestore();
  });
});
