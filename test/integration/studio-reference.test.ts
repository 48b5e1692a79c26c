import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { loadProductionPage } from "../../app/production/production-page.server";
import { requestCatalogSync, runCatalogSync } from "../../app/catalog/catalog-sync.server";
import { saveProviderCredential } from "../../app/credentials/credentials.server";
import { buildRequestFromDatabase } from "../../app/production/generation-request.server";
import { sendToProduction } from "../../app/production/production-orders.server";
import { resolveRecipeForProduct } from "../../app/recipes/recipes.server";
import { submitRecipesForm } from "../../app/recipes/recipes-page.server";
import type { RecipeSpec } from "../../app/recipes/recipe-spec";
import { loadReviewCompare } from "../../app/review/review-compare.server";
import { loader as filesLoader } from "../../app/routes/files.$";
import { unauthenticated } from "../../app/shopify.server";
import { assetStore } from "../../app/storage/asset-store.server";
import { verifyAssetSignature } from "../../app/storage/signed-url.server";
import { colourways } from "../../app/studio/shot-list";
import { closeQueues } from "../../jobs/queues";
import { startWorkers, stopWorkers } from "../../jobs/workers";
import { startFashnDouble, type FashnDouble } from "../doubles/fashn-double";
import { startTestStore, TEST_SHOP } from "../support/emulator";
import { testLoopbackPorts } from "../support/test-env";

type Emulator = Awaited<ReturnType<typeof startTestStore>>;

const ACTOR = "user:test";
const FINISHED = ["completed", "partial", "failed", "canceled"];

async function waitForOrders(ids: string[], timeoutMs = 40_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const orders = await prisma.productionOrder.findMany({ where: { id: { in: ids } } });
    if (orders.length === ids.length && orders.every((o) => FINISHED.includes(o.status))) return orders;
    if (Date.now() > deadline) throw new Error(`orders still ${orders.map((o) => o.status).join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Saves the category's recipe through the Brand recipes form, as the editor does. */
async function saveRecipe(categoryKey: string, spec: RecipeSpec, note: string) {
  const body = new URLSearchParams({ intent: "save-recipe", categoryKey, note, payload: JSON.stringify(spec) });
  return submitRecipesForm(new Request("https://shotlane.test/app/recipes", { method: "POST", body }), { shop: TEST_SHOP, actor: ACTOR, demo: false });
}

async function callFiles(url: string): Promise<Response> {
  const parsed = new URL(url);
  const result: unknown = await filesLoader({ request: new Request(url), params: { "*": parsed.pathname.replace(/^\/files\//, "") }, context: {} });
  if (!(result instanceof Response)) throw new Error("the files loader must answer with a Response");
  return result;
}

/** A studio JPEG: a tinted garment block on a light backdrop, at the given size. */
async function studioJpeg(width: number, height: number, tint: string): Promise<Buffer> {
  const garment = await sharp({ create: { width: Math.round(width * 0.5), height: Math.round(height * 0.6), channels: 3, background: tint } }).png().toBuffer();
  return sharp({ create: { width, height, channels: 3, background: "#f2efe9" } }).composite([{ input: garment, gravity: "center" }]).jpeg({ quality: 85 }).toBuffer();
}

/** A studio on-model front shot of one colourway as intake leaves it once post-produced and checked: original and pdp renditions stored. */
async function seedStudioShot(productId: string, colour: string) {
  const store = assetStore();
  const original = await store.put(await studioJpeg(1200, 1800, "#1d1d1f"), { contentType: "image/jpeg", extension: "jpg" });
  const portrait = await store.put(await studioJpeg(1600, 2000, "#202022"), { contentType: "image/jpeg", extension: "jpg" });
  const order = await prisma.productionOrder.create({ data: { shopId: TEST_SHOP, productId, status: "completed", source: "studio", requestedBy: ACTOR, finishedAt: new Date() } });
  const request = await prisma.assetRequest.create({ data: { shopId: TEST_SHOP, orderId: order.id, productId, asset: "on-model-front", source: "studio", status: "succeeded", candidatesWanted: 1 } });
  const asset = await prisma.asset.create({
    data: {
      shopId: TEST_SHOP,
      productId,
      orderId: order.id,
      requestId: request.id,
      candidateIndex: 0,
      source: "studio",
      kind: "image",
      status: "stored",
      provider: "studio",
      model: "studio-upload",
      operation: "studio-delivery",
      view: "on-model-front",
      colour,
      storageKey: original.key,
      contentType: "image/jpeg",
      width: 1200,
      height: 1800,
      bytes: original.bytes,
      postStatus: "done",
      qcStatus: "done",
      qcVerdict: "pass",
      reviewStatus: "awaiting-review",
      finishedAt: new Date(),
    },
  });
  await prisma.assetRendition.create({
    data: { shopId: TEST_SHOP, assetId: asset.id, channel: "pdp-portrait", fileName: `studio-${asset.id}_pdp-portrait.jpg`, storageKey: portrait.key, contentType: "image/jpeg", format: "jpeg", width: 1600, height: 2000, bytes: portrait.bytes },
  });
  return { id: asset.id, renditionKey: portrait.key };
}

interface RunInputs {
  product_image: string;
  model_image?: string;
  prompt: string;
}

describe("a studio shot as the AI model reference for a product's other colourways (PostgreSQL, Redis flows, emulator, FASHN double over HTTP)", () => {
  let emulator: Emulator;
  let fashn: FashnDouble;
  let workers: ReturnType<typeof startWorkers>;
  /** Two products of one garment category with two or more colourways each. */
  let shotProduct: { id: string; featuredImageUrl: string; colours: string[] };
  let plainProduct: { id: string; colours: string[] };
  let categoryKey: string;
  let productType: string;
  let spec: RecipeSpec;

  const runsSince = (count: number): RunInputs[] =>
    fashn.calls
      .filter((c) => c.method === "POST" && c.path === "/v1/run")
      .slice(count)
      .map((c) => (c.body as { inputs: RunInputs }).inputs);
  const runCount = () => fashn.calls.filter((c) => c.method === "POST" && c.path === "/v1/run").length;

  beforeAll(async () => {
    const [storePort, fashnPort] = testLoopbackPorts();
    fashn = await startFashnDouble({ pollsToComplete: 1, port: fashnPort });
    emulator = await startTestStore({ port: storePort, productCount: 24 });
    const { admin } = await unauthenticated.admin(TEST_SHOP);
    const run = await requestCatalogSync(prisma, async () => undefined, { shopId: TEST_SHOP, requestedBy: ACTOR, kind: "paginated" });
    expect((await runCatalogSync({ db: prisma, admin, syncRunId: run.id, bulkPollMs: 50 })).status).toBe("succeeded");
    await prisma.product.updateMany({ where: { shopId: TEST_SHOP }, data: { tier: 3, tierSource: "default" } });
    const plan = [{ asset: "on-model-front", source: "ai" }];
    await prisma.productionPlan.upsert({ where: { shopId_tier: { shopId: TEST_SHOP, tier: 3 } }, create: { shopId: TEST_SHOP, tier: 3, items: plan }, update: { items: plan } });
    expect((await saveProviderCredential(prisma, TEST_SHOP, { provider: "fashn", apiKey: fashn.apiKey, baseUrl: fashn.url }, ACTOR, { httpAllowedOrigins: new Set([new URL(fashn.url).origin]) })).ok).toBe(true);

    // The seeded catalog's first garment category with two multi-colour products.
    const products = await prisma.product.findMany({ where: { shopId: TEST_SHOP, featuredImageUrl: { not: null } }, include: { variants: { orderBy: { position: "asc" } } }, orderBy: { id: "asc" } });
    const multi = products
      .map((p) => ({ ...p, colours: colourways(p.variants.map((v) => ({ sku: v.sku, options: v.options as Record<string, string> }))).map((c) => c.colourway) }))
      .filter((p): p is typeof p & { colours: string[] } => p.colours.length >= 2 && p.colours.every((c) => c !== null));
    const pair = multi.map((p) => multi.filter((q) => q.productType === p.productType)).find((group) => group.length >= 2);
    if (!pair) throw new Error("the seeded catalog has no garment type with two multi-colour products: change the emulator seed");
    shotProduct = { id: pair[0].id, featuredImageUrl: pair[0].featuredImageUrl!, colours: pair[0].colours };
    plainProduct = { id: pair[1].id, colours: pair[1].colours };
    const recipe = await resolveRecipeForProduct(prisma, TEST_SHOP, { productType: pair[0].productType, tags: [] }, { demo: false });
    categoryKey = recipe.categoryKey;
    productType = pair[0].productType;
    // Product-to-model sends the prompt, so the colour it names is visible at the double; one candidate, no automatic regenerations.
    spec = { ...recipe.spec, provider: "fashn", model: "product-to-model", operation: "product-to-model", modelReferenceIds: [], candidatesPerView: 1, video: null, qc: { ...recipe.spec.qc, autoRegenerate: 0 } };
    workers = startWorkers({ error: () => undefined, info: () => undefined });
  });

  afterAll(async () => {
    await stopWorkers(workers);
    await closeQueues();
    await emulator?.close();
    await fashn?.close();
  });

  it("saves the styling notes and the studio-reference option from the recipe editor as a new version, and names a bad field", async () => {
    const before = await resolveRecipeForProduct(prisma, TEST_SHOP, { productType, tags: [] }, { demo: false });
    const saved = await saveRecipe(categoryKey, { ...spec, stylingNotes: "  Front hem tucked, sleeves pushed up  ", studioReference: true }, "studio reference on");
    expect(saved).toMatchObject({ intent: "save-recipe", ok: true, version: before.version + 1 });
    const current = await resolveRecipeForProduct(prisma, TEST_SHOP, { productType, tags: [] }, { demo: false });
    expect(current.spec).toMatchObject({ stylingNotes: "Front hem tucked, sleeves pushed up", studioReference: true });
    const refused = await saveRecipe(categoryKey, { ...spec, stylingNotes: "x".repeat(2001), studioReference: "yes" as unknown as boolean }, "bad");
    expect(refused).toEqual({ intent: "save-recipe", ok: false, errors: { stylingNotes: "use at most 2000 characters", studioReference: "must be on or off" } });
  });

  it("with the option on, makes only the colourways the studio has not shot, with the studio shot as the model and the colourway's colour in the prompt", async () => {
    const [shotColour, ...otherColours] = shotProduct.colours;
    const studio = await seedStudioShot(shotProduct.id, shotColour);
    const runsBefore = runCount();
    const sent = await sendToProduction(prisma, TEST_SHOP, [shotProduct.id, plainProduct.id], { actor: ACTOR, source: "bulk", demo: false });
    expect(sent.skipped).toEqual([]);
    const orderOf = (productId: string) => sent.created.find((c) => c.productId === productId)!.orderId;

    // One request per colourway the studio has not shot; none for the shot one.
    const requests = await prisma.assetRequest.findMany({ where: { orderId: orderOf(shotProduct.id) }, include: { assets: true }, orderBy: { createdAt: "asc" } });
    expect(requests.map((r) => [r.asset, r.source, r.candidatesWanted, r.assets.map((a) => a.colour)])).toEqual(otherColours.map((colour) => ["on-model-front", "ai", 1, [colour]]));
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: "production.order.created", subjectId: orderOf(shotProduct.id) } });
    expect(audit.data).toMatchObject({ studioReference: { coveredByStudio: [{ asset: "on-model-front", colour: shotColour }] } });
    // Without a studio shot the option changes nothing: the first colourway, as before.
    const plain = await prisma.asset.findMany({ where: { orderId: orderOf(plainProduct.id) } });
    expect(plain.map((a) => a.colour)).toEqual([plainProduct.colours[0]]);

    const orders = await waitForOrders(sent.created.map((c) => c.orderId));
    expect(orders.map((o) => o.status)).toEqual(["completed", "completed"]);
    const runs = runsSince(runsBefore);
    expect(runs).toHaveLength(otherColours.length + 1);
    const withStudio = runs.filter((r) => r.model_image);
    expect(withStudio).toHaveLength(otherColours.length);
    for (const run of withStudio) {
      // The model is the studio shot's product-page rendition, signed; the garment the product's own image.
      const url = new URL(run.model_image!);
      expect(url.pathname).toBe(`/files/${studio.renditionKey}`);
      expect(verifyAssetSignature(studio.renditionKey, url.searchParams.get("expires"), url.searchParams.get("sig")).ok).toBe(true);
      expect(run.product_image).toBe(shotProduct.featuredImageUrl);
    }
    expect(withStudio.map((r) => otherColours.find((c) => r.prompt.includes(` in ${c},`))).sort()).toEqual([...otherColours].sort());
    expect(withStudio.some((r) => r.prompt.includes(` in ${shotColour},`))).toBe(false);
    // The URL the provider fetches serves the studio shot's bytes.
    const served = await callFiles(withStudio[0].model_image!);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(await assetStore().get(studio.renditionKey))).toBe(true);

    // Recorded once on every candidate, with an audit event; building the request again changes nothing.
    const candidates = requests.flatMap((r) => r.assets);
    const after = await prisma.asset.findMany({ where: { id: { in: candidates.map((c) => c.id) } } });
    expect(after.map((a) => [a.status, a.referenceAssetId])).toEqual(after.map(() => ["stored", studio.id]));
    // QC does not hold another colourway's featured image against them: with no image of their own colourway, it says so.
    for (const candidate of after) {
      const garment = (candidate.qcReport as { checks: { check: string; score: number | null; reason: string }[] }).checks.find((c) => c.check === "garment-colour")!;
      expect(garment.score).toBeNull();
      expect(garment.reason).toBe(`Garment colour not measured: the store has no image of the ${candidate.colour} colourway to compare with (give one an alt text naming the colour)`);
    }
    const first = await prisma.asset.findUniqueOrThrow({ where: { id: candidates[0].id }, include: { request: { include: { order: { select: { id: true, status: true, shopId: true, productId: true, generation: true } } } } } });
    const again = await buildRequestFromDatabase(prisma, first);
    expect(new URL(again.request.modelImageUrl!).pathname).toBe(`/files/${studio.renditionKey}`);
    const events = await prisma.auditEvent.findMany({ where: { action: "production.studio-reference", subjectId: { in: candidates.map((c) => c.id) } } });
    expect(events).toHaveLength(candidates.length);
    expect(events[0].data).toMatchObject({ referenceAssetId: studio.id, referenceColour: shotColour, referenceView: "on-model-front", garment: "the featured image" });
    expect(plain.every((a) => a.referenceAssetId === null)).toBe(true);

    // The Production page names each colourway's request.
    const page = await loadProductionPage(TEST_SHOP, new URLSearchParams(), { db: prisma });
    const shown = page.orders.find((o) => o.id === orderOf(shotProduct.id))!;
    expect(shown.assets.map((a) => a.label).sort()).toEqual(otherColours.map((c) => `On-model, front · ${c}`).sort());

    // The review page's provenance names the reference and links to it.
    const compare = await loadReviewCompare(TEST_SHOP, candidates[0].id, new URLSearchParams(), { db: prisma });
    expect(compare?.asset.lineage).toContainEqual({ label: `Reference: studio shot (${shotColour})`, id: studio.id });
  });

  it("with the option off, makes the first colourway as before, even when the studio has shot it", async () => {
    expect(await saveRecipe(categoryKey, { ...spec, studioReference: false }, "studio reference off")).toMatchObject({ ok: true });
    const runsBefore = runCount();
    const sent = await sendToProduction(prisma, TEST_SHOP, [shotProduct.id], { actor: ACTOR, source: "manual", demo: false });
    expect(sent.skipped).toEqual([]);
    const [order] = await waitForOrders(sent.created.map((c) => c.orderId));
    expect(order.status).toBe("completed");
    const assets = await prisma.asset.findMany({ where: { orderId: order.id } });
    expect(assets.map((a) => [a.colour, a.referenceAssetId])).toEqual([[shotProduct.colours[0], null]]);
    const [run] = runsSince(runsBefore);
    expect(run.model_image).toBeUndefined();
    expect(run.product_image).toBe(shotProduct.featuredImageUrl);
    expect(run.prompt).toContain(` in ${shotProduct.colours[0]},`);
  });
});
