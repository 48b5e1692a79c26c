import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { abstractFetch, setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { getJwt } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPanel, readPanelError, readProduceResult, type ProductPanel } from "../../extensions/shared/panel-contract";
import { upsertMirrorProducts } from "../../app/catalog/mirror.server";
import prisma from "../../app/db.server";
import { action as panelAction, loader as panelLoader } from "../../app/routes/api.extension.products.$productId";
import { action as produceAction, loader as produceLoader } from "../../app/routes/api.extension.products.$productId.produce";
import { signIdToken } from "../../app/product-panel/preview-token.server";
import { loader as previewBundleLoader } from "../../app/routes/extension-preview.bundle.$handle";
import { loader as previewPageLoader } from "../../app/routes/extension-preview.$handle";
import { loader as previewTokenLoader } from "../../app/routes/extension-preview.id-token";
import { verifyAssetSignature } from "../../app/storage/signed-url.server";
import { closeQueues } from "../../jobs/queues";
import { mirrorProduct } from "../support/factories";
import { databaseSnapshot, queueSnapshot } from "../support/shop-rows";
import { TEST_API_KEY, TEST_API_SECRET, TEST_APP_URL, testLoopbackPorts } from "../support/test-env";

/**
 * The product page extensions' endpoints, called as the admin calls them: from
 * the extension's origin with an ID token (Bearer), against the real database
 * and queue. authenticate.admin runs for real: signature, expiry, audience,
 * token exchange for a shop without a session, the OPTIONS preflight, CORS.
 */

const SHOP = "panel-test.myshopify.com";
const OTHER = "other-panel-test.myshopify.com";
/** Installed nowhere: no session, and Shopify refuses the token exchange. */
const NO_SESSION = "no-session-panel-test.myshopify.com";
const ORIGIN = "https://extensions.shopifycdn.com";
const SUB = "8675309";

const DRESS = "gid://shopify/Product/501";
const COAT = "gid://shopify/Product/502";
const UNROUTED = "gid://shopify/Product/503";
const OTHER_SHOP_DRESS = "gid://shopify/Product/601";

const bearer = async (shop = SHOP, overrides: Record<string, unknown> = {}, secret = TEST_API_SECRET) =>
  `Bearer ${(await getJwt(shop.replace(".myshopify.com", ""), TEST_API_KEY, secret, { sub: SUB, ...overrides })).token}`;

function request(path: string, init: { method?: string; authorization?: string; body?: string; origin?: string | null } = {}): Request {
  const headers = new Headers({ "Content-Type": "application/json" });
  if (init.origin !== null) headers.set("Origin", init.origin ?? ORIGIN);
  if (init.authorization) headers.set("Authorization", init.authorization);
  return new Request(`${TEST_APP_URL}${path}`, { method: init.method ?? "GET", headers, body: init.body });
}

/** A loader's or action's Response, returned or thrown (authenticate.admin throws its answers). */
async function answer(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
}

const numberOf = (gid: string) => gid.split("/").pop()!;
const getPanel = async (productId: string, authorization?: string) =>
  answer(() => panelLoader({ request: request(`/api/extension/products/${encodeURIComponent(productId)}`, { authorization }), params: { productId }, context: {} }));
const postProduce = async (productId: string, body: unknown, authorization?: string) =>
  answer(() =>
    produceAction({
      request: request(`/api/extension/products/${numberOf(productId)}/produce`, { method: "POST", authorization, body: typeof body === "string" ? body : JSON.stringify(body) }),
      params: { productId: numberOf(productId) },
      context: {},
    }),
  );

function expectCors(response: Response) {
  expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
  expect(response.headers.get("Access-Control-Allow-Headers")).toMatch(/Authorization/);
  expect(response.headers.get("Access-Control-Allow-Headers")).toMatch(/Content-Type/);
}

const fakeKey = (seed: string) => {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `sha256/${hex.slice(0, 2)}/${hex}.webp`;
};

/** An order of the dress with candidates in every state the panel tells apart. */
async function seedDressWork() {
  const order = await prisma.productionOrder.create({ data: { shopId: SHOP, productId: DRESS, status: "completed", source: "manual", requestedBy: "user:1", finishedAt: new Date() } });
  const request = async (asset: string) =>
    prisma.assetRequest.create({ data: { shopId: SHOP, orderId: order.id, productId: DRESS, asset, source: "ai", status: "succeeded", candidatesWanted: 2 } });
  const front = await request("on-model-front");
  const packshot = await request("packshot");
  let index = 0;
  const candidate = (requestId: string, data: Record<string, unknown>) =>
    prisma.asset.create({
      data: {
        shopId: SHOP,
        productId: DRESS,
        orderId: order.id,
        requestId,
        candidateIndex: index++,
        source: "ai",
        kind: "image",
        status: "stored",
        provider: "fashn",
        model: "tryon-v1.6",
        operation: "tryon",
        view: "front",
        postStatus: "done",
        qcStatus: "done",
        width: 864,
        height: 1296,
        createdAt: new Date(Date.UTC(2026, 11, 1, 10, index)),
        ...data,
      },
    });
  const awaiting = await candidate(front.id, { reviewStatus: "awaiting-review", thumbKey: fakeKey("awaiting") });
  await candidate(front.id, { reviewStatus: "awaiting-signoff", thumbKey: fakeKey("signoff") });
  await candidate(packshot.id, { reviewStatus: "approved", thumbKey: fakeKey("approved") });
  await candidate(packshot.id, { reviewStatus: "rejected", thumbKey: fakeKey("rejected") });
  await candidate(front.id, { status: "submitted", postStatus: "queued", qcStatus: "queued" });
  await candidate(front.id, { status: "stored", postStatus: "processing", qcStatus: "queued" });
  await candidate(front.id, { status: "failed", postStatus: "queued", qcStatus: "queued", error: "provider refused" });
  return { awaitingId: awaiting.id };
}

/** Stands in for Shopify's token endpoint for the shop with no session: it refuses the exchange, as Shopify does for a shop that has not installed the app. */
async function startTokenEndpoint() {
  const received: { url: string; body: Record<string, string> }[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      received.push({ url: req.url ?? "", body: JSON.parse(body) as Record<string, string> });
      res.writeHead(400, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ error: "invalid_subject_token", error_description: "the app is not installed on this shop" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(testLoopbackPorts()[0], "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const realFetch = abstractFetch;
  setAbstractFetchFunc((input, init) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.toString() : input.url);
    return realFetch(url.hostname === NO_SESSION ? `${base}/store/${NO_SESSION}${url.pathname}` : url.toString(), init);
  });
  return { received, close: () => new Promise<void>((resolve) => server.close(() => resolve())), restore: () => setAbstractFetchFunc(realFetch) };
}

describe("product page extension endpoints", () => {
  let tokenEndpoint: Awaited<ReturnType<typeof startTokenEndpoint>>;
  let awaitingId: string;
  let dressRuleId: string;

  beforeAll(async () => {
    for (const shop of [SHOP, OTHER]) {
      await prisma.shop.create({ data: { id: shop, name: shop } });
      await prisma.session.create({ data: { id: `offline_${shop}`, shop, state: "", isOnline: false, scope: "read_products", accessToken: `shpat_${shop}`, expires: null } });
    }
    await upsertMirrorProducts(prisma, SHOP, [
      mirrorProduct({ id: 501, title: "Linen Wrap Dress", productType: "Dresses", variants: [{ id: "gid://shopify/ProductVariant/50101", title: "Navy / M", sku: "LWD-NAVY-M", priceCents: 8900, options: { Color: "Navy", Size: "M" }, position: 1 }] }),
      mirrorProduct({ id: 502, title: "Wool Coat", productType: "Outerwear" }),
      mirrorProduct({ id: 503, title: "Unrouted Scarf", productType: "Accessories" }),
    ]);
    await upsertMirrorProducts(prisma, OTHER, [mirrorProduct({ id: 601, title: "Other Shop Dress", productType: "Dresses" })]);
    const rule = await prisma.tierRule.create({ data: { shopId: SHOP, position: 0, name: "Dresses on AI", tier: 3, conditions: { productTypes: ["Dresses"] } } });
    dressRuleId = rule.id;
    await prisma.product.update({ where: { id: DRESS }, data: { tier: 3, tierSource: "rule", tierRuleId: rule.id, routedAt: new Date() } });
    await prisma.product.update({ where: { id: COAT }, data: { tier: 3, tierSource: "pin", pinnedTier: 3, routedAt: new Date() } });
    await prisma.product.update({ where: { id: OTHER_SHOP_DRESS }, data: { tier: 3, tierSource: "default", routedAt: new Date() } });
    ({ awaitingId } = await seedDressWork());
    tokenEndpoint = await startTokenEndpoint();
  });

  afterAll(async () => {
    tokenEndpoint?.restore();
    await tokenEndpoint?.close();
    await closeQueues();
  });

  it("serves the dress's panel: tier and rule, plan and what is missing, work in flight, awaiting review with signed absolute thumbnails, links and recipes", async () => {
    const response = await getPanel(numberOf(DRESS), await bearer());
    expect(response.status).toBe(200);
    expectCors(response);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const panel = readPanel(await response.json()) as ProductPanel;
    expect(panel).not.toBeNull();
    expect(panel.product).toEqual({ id: DRESS, title: "Linen Wrap Dress" });
    expect(panel).toMatchObject({ tier: 3, tierSource: "rule", tierReason: "Rule “Dresses on AI”", rule: { id: dressRuleId, name: "Dresses on AI" } });
    // Tier 3's default plan; only the packshot has an approved asset.
    expect(panel.plan).toEqual({
      lane: "ai",
      items: [
        { asset: "on-model-front", label: "On-model, front", source: "ai", missing: true },
        { asset: "on-model-back", label: "On-model, back", source: "ai", missing: true },
        { asset: "packshot", label: "Packshot", source: "ai", missing: false },
        { asset: "video", label: "Video", source: "ai", missing: true },
      ],
    });
    expect(panel.missing).toEqual(["on-model-front", "on-model-back", "video"]);
    expect(panel.inFlight).toEqual({ total: 2, byPhase: { queued: 0, generating: 1, "post-production": 1, qc: 0 }, waitingStudio: 0 });
    expect({ awaitingReview: panel.awaitingReview, approved: panel.approved }).toEqual({ awaitingReview: 2, approved: 1 });
    expect(panel.thumbnails.map((t) => [t.state, t.label])).toEqual([
      ["awaiting-review", "On-model, front"],
      ["awaiting-review", "On-model, front"],
    ]);
    const thumb = new URL(panel.thumbnails[0].url);
    expect(thumb.origin).toBe(TEST_APP_URL);
    expect(panel.thumbnails[0].assetId).toBe(awaitingId);
    const key = thumb.pathname.replace(/^\/files\//, "");
    expect(key).toBe(fakeKey("awaiting"));
    expect(verifyAssetSignature(key, thumb.searchParams.get("expires"), thumb.searchParams.get("sig"))).toMatchObject({ ok: true });
    expect(panel.links).toEqual({ review: `/app/review?product=${encodeURIComponent(DRESS)}`, production: "/app/production?status=active" });
    expect(panel.recipes.map((r) => r.key)).toEqual(["tops", "bottoms", "dresses", "outerwear", "knitwear", "accessories"]);
    expect(panel.recipes.find((r) => r.key === "dresses")?.name).toBe("Dresses and one-pieces");
    expect(panel.defaultRecipe).toBe("dresses");
    expect(panel.action).toEqual({ mode: "regenerate", label: "Regenerate", defaultViews: ["on-model-front", "on-model-back", "video"] });
    expect(panel.openOrder).toBeNull();
  });

  it("accepts the GID as well as its number, and says how each product got its tier", async () => {
    const byGid = readPanel(await (await getPanel(DRESS, await bearer())).json());
    expect(byGid?.product.id).toBe(DRESS);
    const coat = readPanel(await (await getPanel(numberOf(COAT), await bearer())).json());
    expect(coat).toMatchObject({ tierSource: "pin", tierReason: "Pinned by hand", rule: null, awaitingReview: 0, approved: 0, thumbnails: [], action: { mode: "send", label: "Send to production" } });
    const unrouted = readPanel(await (await getPanel(numberOf(UNROUTED), await bearer())).json());
    expect(unrouted).toMatchObject({ tier: null, tierSource: "not-routed", plan: { lane: null, items: [] }, missing: [] });
    expect(unrouted?.tierReason).toMatch(/save the tier rules or pin/);
  });

  it("answers 404 for a product of another shop and for one not in the catalog, and 400 for an address that names no product", async () => {
    for (const id of [numberOf(OTHER_SHOP_DRESS), "999999"]) {
      const response = await getPanel(id, await bearer());
      expect(response.status).toBe(404);
      expectCors(response);
      const error = readPanelError(await response.json());
      expect(error).toMatchObject({ ok: false, field: "productId" });
      expect(error?.error).toMatch(/not in Shotlane's catalog for this shop: sync the catalog/);
      expect(error?.error).not.toMatch(/Other Shop Dress/);
    }
    const bad = await getPanel("shirt", await bearer());
    expect(bad.status).toBe(400);
    expectCors(bad);
    expect(readPanelError(await bad.json())).toMatchObject({ field: "productId", error: expect.stringMatching(/gid:\/\/shopify\/Product\/123/) });
  });

  const BAD_TOKENS: [string, () => Promise<string>][] = [
    ["signed with another secret", () => bearer(SHOP, {}, "not-the-app-secret")],
    ["expired", () => bearer(SHOP, { exp: Date.now() / 1000 - 60 })],
    ["for another app", () => bearer(SHOP, { aud: "someone-elses-app" })],
    ["that is not a JWT", async () => "Bearer not-a-token"],
  ];

  it.each(BAD_TOKENS)("refuses an ID token %s with 401 and CORS headers, and serves and does nothing", async (_label, authorization) => {
    const before = { db: await databaseSnapshot(prisma), queues: await queueSnapshot() };
    const panel = await getPanel(numberOf(DRESS), await authorization());
    expect(panel.status).toBe(401);
    expectCors(panel);
    expect(panel.headers.get("X-Shopify-Retry-Invalid-Session-Request")).toBe("1");
    const produce = await postProduce(COAT, { views: ["packshot"] }, await authorization());
    expect(produce.status).toBe(401);
    expectCors(produce);
    expect({ db: await databaseSnapshot(prisma), queues: await queueSnapshot() }).toEqual(before);
  });

  it("refuses a valid token for a shop with no session once Shopify refuses the token exchange: 401, no session stored, nothing served", async () => {
    const authorization = await bearer(NO_SESSION);
    const response = await getPanel(numberOf(DRESS), authorization);
    expect(response.status).toBe(401);
    expectCors(response);
    expect(await response.text()).toBe("");
    // The exchange was really asked for, with this token.
    expect(tokenEndpoint.received).toHaveLength(1);
    expect(tokenEndpoint.received[0].url).toBe(`/store/${NO_SESSION}/admin/oauth/access_token`);
    expect(tokenEndpoint.received[0].body).toMatchObject({ client_id: TEST_API_KEY, grant_type: "urn:ietf:params:oauth:grant-type:token-exchange", subject_token: authorization.slice("Bearer ".length) });
    expect(await prisma.session.count({ where: { shop: NO_SESSION } })).toBe(0);
    expect(await prisma.shop.count({ where: { id: NO_SESSION } })).toBe(0);
  });

  it("answers the OPTIONS preflight with 204 and CORS headers on both endpoints, without a token", async () => {
    for (const run of [
      () => panelAction({ request: request(`/api/extension/products/501`, { method: "OPTIONS" }), params: { productId: "501" }, context: {} }),
      () => produceAction({ request: request(`/api/extension/products/501/produce`, { method: "OPTIONS" }), params: { productId: "501" }, context: {} }),
    ]) {
      const response = await answer(run);
      expect(response.status).toBe(204);
      expectCors(response);
      expect(response.headers.get("Access-Control-Max-Age")).toBe("7200");
    }
  });

  it("refuses the wrong method with 405 through the cors helper", async () => {
    const withToken = await answer(async () => produceLoader({ request: request(`/api/extension/products/502/produce`, { authorization: await bearer() }), params: { productId: "502" }, context: {} }));
    expect(withToken.status).toBe(405);
    expectCors(withToken);
    expect(readPanelError(await withToken.json())?.error).toBe("Use POST for this address");
  });

  it.each([
    ["not JSON", "{views:", "body", /JSON object/],
    ["no views", {}, "views", /list of the plan's asset kinds/],
    ["an empty list", { views: [] }, "views", /at least one view/],
    ["an unknown view", { views: ["packshot", "selfie"] }, "views", /must be one of on-model-front/],
    ["a recipe that is not text", { views: ["packshot"], recipe: 3 }, "recipe", /garment category key/],
  ])("refuses a send with %s: 400 naming the field, nothing ordered", async (_label, body, field, message) => {
    const before = await prisma.productionOrder.count();
    const response = await postProduce(COAT, body, await bearer());
    expect(response.status).toBe(400);
    expectCors(response);
    const error = readPanelError(await response.json());
    expect(error?.field).toBe(field);
    expect(error?.error).toMatch(message);
    expect(error?.error.startsWith(`${field}:`)).toBe(true);
    expect(await prisma.productionOrder.count()).toBe(before);
  });

  it("sends the coat with only the chosen views and the chosen recipe's current version, then gives the skip reason while that order is open", async () => {
    const first = await postProduce(COAT, { views: ["packshot", "on-model-back"], recipe: "knitwear" }, await bearer());
    expect(first.status).toBe(200);
    expectCors(first);
    const result = readProduceResult(await first.json());
    expect(result).toMatchObject({ ok: true, outcome: "created" });
    expect(result?.message).toBe("Sent to production: Packshot, On-model, back with the “Knitwear” recipe. Follow it on the Production page; the results wait in Review.");

    const order = await prisma.productionOrder.findUniqueOrThrow({ where: { id: result!.orderId! }, include: { requests: { include: { assets: true } } } });
    expect(order).toMatchObject({ shopId: SHOP, productId: COAT, source: "extension", requestedBy: `user:${SUB}`, status: "queued" });
    expect(order.requests.map((r) => r.asset).sort()).toEqual(["on-model-back", "packshot"]);
    const knitwear = await prisma.recipe.findUniqueOrThrow({ where: { shopId_categoryKey: { shopId: SHOP, categoryKey: "knitwear" } }, include: { versions: true } });
    const current = knitwear.versions.find((v) => v.version === knitwear.currentVersion)!;
    for (const r of order.requests) {
      expect(r.recipeVersionId).toBe(current.id);
      expect(r.assets.length).toBeGreaterThan(0);
      for (const a of r.assets) expect(a.recipeVersionId).toBe(current.id);
    }
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { shopId: SHOP, action: "production.order.created", subjectId: order.id } });
    expect(audit.actor).toBe(`user:${SUB}`);
    expect(audit.data).toMatchObject({ source: "extension", category: "knitwear" });
    // The flow is on the real queue.
    expect(Object.values(await queueSnapshot()).flat().some((job) => job.includes(order.id))).toBe(true);

    // The block now shows the open order.
    const panel = readPanel(await (await getPanel(numberOf(COAT), await bearer())).json());
    expect(panel?.openOrder).toEqual({ id: order.id, status: "queued" });
    expect(panel?.inFlight.byPhase.queued).toBe(order.requests.flatMap((r) => r.assets).length);

    const second = await postProduce(COAT, { views: ["packshot"] }, await bearer());
    expect(second.status).toBe(200);
    expect(readProduceResult(await second.json())).toEqual({ ok: true, outcome: "skipped", orderId: null, message: "Not sent: already in production: wait for its order to finish or cancel it." });
    expect(await prisma.productionOrder.count({ where: { productId: COAT } })).toBe(1);
  });

  it("gives sendToProduction's reason for a view outside the tier's plan, an unknown recipe and an unrouted product", async () => {
    const detail = readProduceResult(await (await postProduce(DRESS, { views: ["detail"] }, await bearer())).json());
    expect(detail).toMatchObject({ outcome: "skipped", message: "Not sent: the tier 3 production plan has none of detail: choose from on-model-front, on-model-back, packshot, video." });
    const recipe = readProduceResult(await (await postProduce(DRESS, { views: ["packshot"], recipe: "swimwear" }, await bearer())).json());
    expect(recipe?.outcome).toBe("skipped");
    expect(recipe?.message).toMatch(/^Not sent: no brand recipe "swimwear": choose one of .*dresses/);
    const unrouted = readProduceResult(await (await postProduce(UNROUTED, { views: ["packshot"] }, await bearer())).json());
    expect(unrouted?.message).toBe("Not sent: not routed to a tier yet: save the tier rules or pin it.");
    expect(await prisma.productionOrder.count({ where: { productId: { in: [DRESS, UNROUTED] }, source: "extension" } })).toBe(0);
  });

  it("never orders for a product of another shop", async () => {
    const response = await postProduce(OTHER_SHOP_DRESS, { views: ["packshot"] }, await bearer());
    expect(response.status).toBe(404);
    expectCors(response);
    expect(await prisma.productionOrder.count({ where: { productId: OTHER_SHOP_DRESS } })).toBe(0);
  });

  it("accepts an ID token signed as the demo preview signs it (the admin's shape), and refuses one signed with another secret", async () => {
    const token = signIdToken({ shop: SHOP, apiKey: TEST_API_KEY, secret: TEST_API_SECRET, sub: SUB });
    const response = await getPanel(numberOf(DRESS), `Bearer ${token}`);
    expect(response.status).toBe(200);
    expect(readPanel(await response.json())?.product.id).toBe(DRESS);
    const forged = signIdToken({ shop: SHOP, apiKey: TEST_API_KEY, secret: "not-the-app-secret", sub: SUB });
    expect((await getPanel(numberOf(DRESS), `Bearer ${forged}`)).status).toBe(401);
    const expired = signIdToken({ shop: SHOP, apiKey: TEST_API_KEY, secret: TEST_API_SECRET, sub: SUB, now: Date.now() - 10 * 60_000 });
    expect((await getPanel(numberOf(DRESS), `Bearer ${expired}`)).status).toBe(401);
  });

  it("serves no extension preview, bundle or ID token outside demo mode", async () => {
    const page = await previewPageLoader({ request: new Request(`${TEST_APP_URL}/extension-preview/product-panel-block`), params: { handle: "product-panel-block" }, context: {} });
    const bundle = await previewBundleLoader({ request: new Request(`${TEST_APP_URL}/extension-preview/bundle/product-panel-block`), params: { handle: "product-panel-block" }, context: {} });
    const token = await previewTokenLoader();
    for (const response of [page, bundle, token]) {
      expect(response.status).toBe(404);
      expect(await response.text()).toBe("Not found");
    }
  });
});
