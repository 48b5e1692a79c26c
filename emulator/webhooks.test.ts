import { createHmac } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "./server";
import { eventually, graphqlClient, SECRET, SHOP, startTestEmulator, startWebhookReceiver, type ReceivedWebhook } from "./test-support";

/** Verifies a delivery the way the app must: HMAC-SHA256 of the raw body with the client secret, base64. */
const signatureOf = (body: string) => createHmac("sha256", SECRET).update(body, "utf8").digest("base64");

describe("webhook delivery", () => {
  let emulator: Emulator;
  let app: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let answer = 200;

  beforeAll(async () => {
    app = await startWebhookReceiver(() => answer);
    emulator = await startTestEmulator({
      productCount: 5,
      appUrl: app.url,
      webhooks: [
        { topics: ["products/create", "products/update"], uri: "/webhooks/products" },
        { topics: ["products/delete"], uri: "/webhooks/products/delete" },
      ],
    });
  });
  afterAll(async () => {
    await emulator.close();
    await app.close();
  });
  beforeEach(() => {
    answer = 200;
    app.received.length = 0;
  });

  const nextWebhook = (topic: string) => eventually(async () => app.received.find((r) => r.headers["x-shopify-topic"] === topic), `a ${topic} webhook`);

  it("delivers products/create with Shopify's headers, a correct HMAC and the REST product body", async () => {
    const response = await fetch(`${emulator.url}/emulator/shops/${SHOP}/products`, {
      method: "POST",
      body: JSON.stringify({ title: "Webhook Tee", productType: "Tops", tags: ["ss26", "new-arrival"], colors: ["Navy"], sizes: ["S", "M"], price: "29.00" }),
    });
    expect(response.status).toBe(201);
    const delivery: ReceivedWebhook = await nextWebhook("products/create");
    expect(delivery.path).toBe("/webhooks/products");
    expect(delivery.headers).toMatchObject({
      "content-type": "application/json",
      "x-shopify-shop-domain": SHOP,
      "x-shopify-api-version": "2026-10",
      "x-shopify-webhook-id": expect.stringMatching(/^[0-9a-f-]{36}$/),
      "x-shopify-event-id": expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(Date.parse(String(delivery.headers["x-shopify-triggered-at"]))).not.toBeNaN();
    expect(delivery.headers["x-shopify-hmac-sha256"]).toBe(signatureOf(delivery.body));
    expect(delivery.headers["x-shopify-hmac-sha256"]).not.toBe(createHmac("sha256", "another-secret").update(delivery.body).digest("base64"));

    const payload = JSON.parse(delivery.body);
    expect(payload).toMatchObject({
      id: expect.any(Number),
      admin_graphql_api_id: `gid://shopify/Product/${payload.id}`,
      title: "Webhook Tee",
      product_type: "Tops",
      status: "active",
      tags: "ss26, new-arrival",
      options: [{ name: "Color", values: ["Navy"] }, { name: "Size", values: ["S", "M"] }],
      images: [{ product_id: payload.id, src: expect.stringMatching(/flat-lay\.png$/) }],
    });
    expect(payload.variants.map((v: { option1: string; option2: string; price: string; sku: string }) => [v.option1, v.option2, v.price, v.sku])).toEqual([
      ["Navy", "S", "29.00", expect.stringMatching(/-NVY-S$/)],
      ["Navy", "M", "29.00", expect.stringMatching(/-NVY-M$/)],
    ]);
    // The new product is in the Admin API too.
    const read = await graphqlClient(emulator)("query($id: ID!) { product(id: $id) { title } }", { id: payload.admin_graphql_api_id });
    expect(read.body.data.product.title).toBe("Webhook Tee");
  });

  it("delivers products/update for admin changes and for changes made through the API", async () => {
    const [product] = emulator.store.shop(SHOP)!.products.values();
    const patched = await fetch(`${emulator.url}/emulator/shops/${SHOP}/products/${product.id}`, { method: "PATCH", body: JSON.stringify({ title: "Patched", status: "DRAFT" }) });
    expect(patched.status).toBe(200);
    const update = JSON.parse((await nextWebhook("products/update")).body);
    expect(update).toMatchObject({ id: product.id, title: "Patched", status: "draft" });

    app.received.length = 0;
    await graphqlClient(emulator)("mutation($p: ProductUpdateInput!) { productUpdate(product: $p) { userErrors { message } } }", { p: { id: `gid://shopify/Product/${product.id}`, vendor: "Via API" } });
    const second = JSON.parse((await nextWebhook("products/update")).body);
    expect(second).toMatchObject({ id: product.id, vendor: "Via API" });
    // Each change moves updated_at strictly forward, so the app can spot a stale delivery.
    expect(Date.parse(second.updated_at)).toBeGreaterThan(Date.parse(update.updated_at));
  });

  it("changes a product's status with productUpdate (DRAFT, ARCHIVED, ACTIVE), each a products/update", async () => {
    const product = emulator.store.createProduct(SHOP, { title: "Status Skirt", productType: "Bottoms" });
    const id = `gid://shopify/Product/${product.id}`;
    const gql = graphqlClient(emulator);
    const setStatus = `mutation SetStatus($product: ProductUpdateInput!) { productUpdate(product: $product) { product { id status } userErrors { field message } } }`;
    for (const status of ["DRAFT", "ARCHIVED", "ACTIVE"]) {
      await emulator.webhooks.idle();
      app.received.length = 0;
      const { body } = await gql(setStatus, { product: { id, status } });
      expect(body.data.productUpdate).toEqual({ product: { id, status }, userErrors: [] });
      const update = JSON.parse((await nextWebhook("products/update")).body);
      expect(update).toMatchObject({ id: product.id, status: status.toLowerCase(), published_at: status === "ACTIVE" ? expect.any(String) : null });
    }
    const paused = await gql(setStatus, { product: { id, status: "PAUSED" } });
    expect(paused.body.errors[0].message).toMatch(/PAUSED/);
    expect((await gql("query Status($id: ID!) { product(id: $id) { status } }", { id })).body.data.product.status).toBe("ACTIVE");
  });

  it("delivers products/delete with only the id, to its own subscription", async () => {
    const [, product] = emulator.store.shop(SHOP)!.products.values();
    const deleted = await fetch(`${emulator.url}/emulator/shops/${SHOP}/products/${product.id}`, { method: "DELETE" });
    expect(deleted.status).toBe(200);
    const delivery = await nextWebhook("products/delete");
    expect(delivery.path).toBe("/webhooks/products/delete");
    expect(JSON.parse(delivery.body)).toEqual({ id: product.id });
    expect((await fetch(`${emulator.url}/emulator/shops/${SHOP}/products/${product.id}`)).status).toBe(404);
  });

  it("retries a non-2xx answer twice, records every attempt, and redelivers the same body and webhook id", async () => {
    answer = 500;
    const product = emulator.store.createProduct(SHOP, { title: "Retried Dress", productType: "Dresses" });
    const delivery = await eventually(async () => {
      const found = emulator.store.webhookDeliveries(SHOP).find((d) => d.topic === "products/create" && JSON.parse(d.body).id === product.id);
      return found?.state === "failed" ? found : undefined;
    }, "the delivery to give up");
    expect(delivery.attempts.map((a) => a.status)).toEqual([500, 500, 500]);
    expect(app.received.filter((r) => r.headers["x-shopify-webhook-id"] === delivery.webhookId)).toHaveLength(3);

    answer = 200;
    const response = await fetch(`${emulator.url}/emulator/deliveries/${delivery.id}/redeliver`, { method: "POST" });
    const redelivered = (await response.json()) as { state: string; attempts: { status: number }[] };
    expect(redelivered).toMatchObject({ state: "delivered" });
    expect(redelivered.attempts.map((a) => a.status)).toEqual([500, 500, 500, 200]);
    const copies = app.received.filter((r) => r.headers["x-shopify-webhook-id"] === delivery.webhookId);
    expect(new Set(copies.map((c) => c.body)).size).toBe(1);
    expect(copies.at(-1)!.headers["x-shopify-hmac-sha256"]).toBe(signatureOf(delivery.body));
  });

  it("lists deliveries per shop over HTTP and refuses an invalid product spec, naming the fields", async () => {
    const listed = (await (await fetch(`${emulator.url}/emulator/shops/${SHOP}/webhook-deliveries`)).json()) as { deliveries: { topic: string; attempts: unknown[] }[] };
    expect(listed.deliveries.map((d) => d.topic)).toEqual(expect.arrayContaining(["products/create", "products/update", "products/delete"]));
    const response = await fetch(`${emulator.url}/emulator/shops/${SHOP}/products`, { method: "POST", body: JSON.stringify({ title: "", price: "cheap" }) });
    expect(response.status).toBe(422);
    const { errors } = (await response.json()) as { errors: { field: string; message: string }[] };
    expect(errors.map((e) => e.field)).toEqual(["title", "price"]);
    const unknownCollection = await fetch(`${emulator.url}/emulator/shops/${SHOP}/products`, { method: "POST", body: JSON.stringify({ title: "X", collections: ["Nope"] }) });
    expect(unknownCollection.status).toBe(422);
    expect((await fetch(`${emulator.url}/emulator/deliveries/no-such-delivery/redeliver`, { method: "POST" })).status).toBe(404);
    expect((await (await fetch(`${emulator.url}/emulator/health`)).json())).toMatchObject({ ok: true, shops: [SHOP], apiVersion: "2026-10" });
  });
});
