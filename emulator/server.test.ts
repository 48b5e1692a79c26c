import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "./server";

const SHOP = "emu-test.myshopify.com";
const TOKEN = "shpat_emulator_test";
const SECRET = "emulator-test-secret";

describe("store emulator over HTTP", () => {
  let emulator: Emulator;
  let app: http.Server;
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    // A stand-in app that records the webhooks it receives.
    app = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    emulator = await startEmulator({
      shops: [{ domain: SHOP, accessToken: TOKEN }],
      apiKey: "key",
      apiSecret: SECRET,
      appUrl: `http://127.0.0.1:${(app.address() as AddressInfo).port}`,
      webhooks: [{ topics: ["products/create", "products/update"], uri: "/webhooks/products" }],
      productCount: 500,
      mediaProcessingMs: 5,
    });
  });

  afterAll(async () => {
    await emulator.close();
    await new Promise((resolve) => app.close(resolve));
  });

  const gql = async (query: string, variables: Record<string, unknown> = {}, token = TOKEN) => {
    const response = await fetch(`${emulator.url}/store/${SHOP}/admin/api/2026-10/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  it("refuses a wrong access token with 401", async () => {
    const { status, body } = await gql("{ shop { name } }", {}, "wrong");
    expect(status).toBe(401);
    expect(body.errors).toMatch(/Invalid API key or access token/);
  });

  it("validates against the real schema and says what it does not implement", async () => {
    const typo = await gql("{ shop { nmae } }");
    expect(typo.body.errors[0].message).toMatch(/Cannot query field "nmae" on type "Shop"/);
    const unimplemented = await gql("{ shop { billingAddress { city } } }");
    expect(unimplemented.body.errors[0].message).toBe("The Shotlane store emulator does not implement Shop.billingAddress");
    expect(unimplemented.body.extensions.cost.requestedQueryCost).toBe(2);
  });

  it("pages through all 500 seeded products with cursors", async () => {
    const ids = new Set<string>();
    let after: string | null = null;
    let pages = 0;
    do {
      const { body } = await gql("query($after: String) { products(first: 100, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }", { after });
      for (const node of body.data.products.nodes) ids.add(node.id);
      after = body.data.products.pageInfo.hasNextPage ? body.data.products.pageInfo.endCursor : null;
      pages++;
    } while (after);
    expect(ids.size).toBe(500);
    expect(pages).toBe(5);
    const { body } = await gql('{ productsCount(query: "product_type:Dresses") { count precision } products(first: 250, query: "product_type:Dresses") { nodes { productType } } }');
    expect(body.data.products.nodes.length).toBe(body.data.productsCount.count);
    expect(new Set(body.data.products.nodes.map((n: { productType: string }) => n.productType))).toEqual(new Set(["Dresses"]));
  });

  it("answers THROTTLED when the bucket is empty, then recovers", async () => {
    const drained = await fetch(`${emulator.url}/emulator/shops/${SHOP}/throttle`, { method: "POST", body: JSON.stringify({ currentlyAvailable: 0 }) });
    expect(drained.ok).toBe(true);
    const throttled = await gql("{ products(first: 50) { nodes { id } } }");
    expect(throttled.body.errors[0].extensions.code).toBe("THROTTLED");
    expect(throttled.body.data).toBeUndefined();
    expect(throttled.body.extensions.cost.throttleStatus).toMatchObject({ maximumAvailable: 1000, restoreRate: 100 });
    await new Promise((resolve) => setTimeout(resolve, 600));
    const recovered = await gql("{ products(first: 50) { nodes { id } } }");
    expect(recovered.body.errors).toBeUndefined();
    expect(recovered.body.data.products.nodes).toHaveLength(50);
    await fetch(`${emulator.url}/emulator/shops/${SHOP}/throttle`, { method: "POST", body: JSON.stringify({ currentlyAvailable: 1000 }) });
  });

  async function stage(resource: "IMAGE" | "VIDEO", filename: string, mimeType: string, bytes: Buffer, fileSize?: number) {
    const { body } = await gql(
      "mutation($input: [StagedUploadInput!]!) { stagedUploadsCreate(input: $input) { stagedTargets { url resourceUrl parameters { name value } } userErrors { field message } } }",
      { input: [{ filename, mimeType, resource, httpMethod: "POST", ...(fileSize === undefined ? {} : { fileSize: String(fileSize) }) }] },
    );
    return body.data.stagedUploadsCreate as { stagedTargets: { url: string; resourceUrl: string; parameters: { name: string; value: string }[] }[]; userErrors: { field: string[]; message: string }[] };
  }

  function form(parameters: { name: string; value: string }[], bytes: Buffer, fileFirst = false) {
    const data = new FormData();
    const file = new Blob([new Uint8Array(bytes)]);
    if (fileFirst) data.append("file", file, "upload.bin");
    for (const p of parameters) data.append(p.name, p.value);
    if (!fileFirst) data.append("file", file, "upload.bin");
    return data;
  }

  async function attach(productId: string, resourceUrl: string, mediaContentType: "IMAGE" | "VIDEO") {
    const { body } = await gql(
      "mutation($product: ProductUpdateInput!, $media: [CreateMediaInput!]) { productUpdate(product: $product, media: $media) { product { id media(first: 20) { nodes { id status } } } userErrors { field message } } }",
      { product: { id: productId }, media: [{ originalSource: resourceUrl, mediaContentType, alt: "test" }] },
    );
    return body.data.productUpdate;
  }

  async function mediaStatus(productId: string, until: (s: string) => boolean) {
    for (let i = 0; i < 100; i++) {
      const { body } = await gql("query($id: ID!) { product(id: $id) { media(first: 20) { nodes { id status mediaErrors { code message } } } } }", { id: productId });
      const last = body.data.product.media.nodes.at(-1);
      if (until(last.status)) return last;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error("media never settled");
  }

  it("takes a staged image upload (file field last) through UPLOADED → READY", async () => {
    const png = await sharp({ create: { width: 64, height: 80, channels: 3, background: "#c0603f" } }).png().toBuffer();
    const { stagedTargets } = await stage("IMAGE", "front.png", "image/png", png);
    const [target] = stagedTargets;
    const wrongOrder = await fetch(target.url, { method: "POST", body: form(target.parameters, png, true) });
    expect(wrongOrder.status).toBe(400);
    expect(await wrongOrder.text()).toMatch(/file field must be present and come last/);
    const upload = await fetch(target.url, { method: "POST", body: form(target.parameters, png) });
    expect(upload.status).toBe(201);

    const productId = `gid://shopify/Product/8100000001`;
    const result = await attach(productId, target.resourceUrl, "IMAGE");
    expect(result.userErrors).toEqual([]);
    expect(result.product.media.nodes.at(-1).status).toBe("UPLOADED");
    const ready = await mediaStatus(productId, (s) => s === "READY" || s === "FAILED");
    expect(ready.status).toBe("READY");
  });

  it("marks bytes that are not an image FAILED with mediaErrors", async () => {
    const garbage = Buffer.from("this is not a png");
    const { stagedTargets } = await stage("IMAGE", "broken.png", "image/png", garbage);
    await fetch(stagedTargets[0].url, { method: "POST", body: form(stagedTargets[0].parameters, garbage) });
    const productId = `gid://shopify/Product/8100000002`;
    await attach(productId, stagedTargets[0].resourceUrl, "IMAGE");
    const failed = await mediaStatus(productId, (s) => s === "READY" || s === "FAILED");
    expect(failed.status).toBe("FAILED");
    expect(failed.mediaErrors[0].code).toBe("IMAGE_PROCESSING_FAILURE");
  });

  it("requires fileSize for VIDEO and enforces the exact byte count", async () => {
    const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from("ftypisom"), Buffer.alloc(12)]);
    expect((await stage("VIDEO", "clip.mp4", "video/mp4", mp4)).userErrors[0].message).toMatch(/File size is required/);
    const { stagedTargets } = await stage("VIDEO", "clip.mp4", "video/mp4", mp4, mp4.length + 1);
    const mismatch = await fetch(stagedTargets[0].url, { method: "POST", body: form(stagedTargets[0].parameters, mp4) });
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toMatch(/does not match the signed policy/);
    const exact = await stage("VIDEO", "clip.mp4", "video/mp4", mp4, mp4.length);
    expect((await fetch(exact.stagedTargets[0].url, { method: "POST", body: form(exact.stagedTargets[0].parameters, mp4) })).status).toBe(201);
    const productId = `gid://shopify/Product/8100000003`;
    await attach(productId, exact.stagedTargets[0].resourceUrl, "VIDEO");
    expect((await mediaStatus(productId, (s) => s === "READY" || s === "FAILED")).status).toBe("READY");
  });

  it("detaches media with fileUpdate referencesToRemove and reorders with productReorderMedia", async () => {
    const productId = `gid://shopify/Product/8100000001`;
    const before = (await gql("query($id: ID!) { product(id: $id) { media(first: 10) { nodes { id } } } }", { id: productId })).body.data.product.media.nodes.map((n: { id: string }) => n.id);
    expect(before.length).toBe(2);
    const reorder = await gql("mutation($id: ID!, $moves: [MoveInput!]!) { productReorderMedia(id: $id, moves: $moves) { job { id done } mediaUserErrors { message } } }", {
      id: productId,
      moves: [{ id: before[1], newPosition: "0" }],
    });
    const jobId = reorder.body.data.productReorderMedia.job.id;
    for (let i = 0; i < 50 && !(await gql("query($id: ID!) { job(id: $id) { done } }", { id: jobId })).body.data.job.done; i++) await new Promise((r) => setTimeout(r, 10));
    const reordered = (await gql("query($id: ID!) { product(id: $id) { media(first: 10) { nodes { id } } } }", { id: productId })).body.data.product.media.nodes.map((n: { id: string }) => n.id);
    expect(reordered).toEqual([before[1], before[0]]);

    const detach = await gql("mutation($files: [FileUpdateInput!]!) { fileUpdate(files: $files) { files { id } userErrors { message } } }", { files: [{ id: before[1], referencesToRemove: [productId] }] });
    expect(detach.body.data.fileUpdate.userErrors).toEqual([]);
    const after = (await gql("query($id: ID!) { product(id: $id) { media(first: 10) { nodes { id } } } }", { id: productId })).body.data.product.media.nodes.map((n: { id: string }) => n.id);
    expect(after).toEqual([before[0]]);
  });

  it("delivers products/create to the app with a correct HMAC and Shopify's headers", async () => {
    received.length = 0;
    const response = await fetch(`${emulator.url}/emulator/shops/${SHOP}/products`, { method: "POST", body: JSON.stringify({ title: "Webhook Tee", productType: "Tops", colors: ["Navy"], sizes: ["S", "M"] }) });
    expect(response.status).toBe(201);
    for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const [delivery] = received;
    expect(delivery.headers["x-shopify-topic"]).toBe("products/create");
    expect(delivery.headers["x-shopify-shop-domain"]).toBe(SHOP);
    expect(delivery.headers["x-shopify-api-version"]).toBe("2026-10");
    expect(delivery.headers["x-shopify-webhook-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(delivery.headers["x-shopify-hmac-sha256"]).toBe(createHmac("sha256", SECRET).update(delivery.body).digest("base64"));
    const payload = JSON.parse(delivery.body);
    expect(payload).toMatchObject({ title: "Webhook Tee", product_type: "Tops", admin_graphql_api_id: expect.stringMatching(/^gid:\/\/shopify\/Product\/\d+$/) });
    expect(payload.variants.map((v: { option1: string; option2: string }) => `${v.option1}/${v.option2}`)).toEqual(["Navy/S", "Navy/M"]);

    // A redelivery repeats the same body and webhook id, as Shopify's duplicates do.
    const deliveries = (await (await fetch(`${emulator.url}/emulator/shops/${SHOP}/webhook-deliveries`)).json()) as { deliveries: { id: string; topic: string }[] };
    const created = deliveries.deliveries.filter((d) => d.topic === "products/create").at(-1)!;
    await fetch(`${emulator.url}/emulator/deliveries/${created.id}/redeliver`, { method: "POST" });
    expect(received.at(-1)!.headers["x-shopify-webhook-id"]).toBe(delivery.headers["x-shopify-webhook-id"]);
    expect(received.at(-1)!.body).toBe(delivery.body);
  });

  it("rejects an invalid product spec with the field named", async () => {
    const response = await fetch(`${emulator.url}/emulator/shops/${SHOP}/products`, { method: "POST", body: JSON.stringify({ title: "", price: "cheap" }) });
    expect(response.status).toBe(422);
    const { errors } = (await response.json()) as { errors: { field: string; message: string }[] };
    expect(errors.map((e) => e.field)).toEqual(["title", "price"]);
  });
});
