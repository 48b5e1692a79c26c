import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import prisma from "../../app/db.server";
import { requestCatalogSync, runCatalogSync } from "../../app/catalog/catalog-sync.server";
import { publishProduct, type PublishDeps } from "../../app/publishing/publish-product.server";
import { queuePublications, retryFailedPublications } from "../../app/publishing/publish-requests.server";
import { PRODUCT_MEDIA_STATE_QUERY } from "../../app/publishing/publishing-queries";
import { requestRevert } from "../../app/publishing/revert.server";
import { adminQuery, type AdminGraphqlClient } from "../../app/shopify/admin-graphql.server";
import { unauthenticated } from "../../app/shopify.server";
import { assetStore } from "../../app/storage/asset-store.server";
import { closeQueues, getQueue, publishProductQueue } from "../../jobs/queues";
import { startWorkers, stopWorkers } from "../../jobs/workers";
import { startTestStore, TEST_SHOP } from "../support/emulator";
import { seedApprovedAssets, type ApprovedAssetSpec } from "../support/publish-fixtures";
import { emptyQueues } from "../support/shop-rows";
import { testLoopbackPorts } from "../support/test-env";

/**
 * Publishing against the store emulator over real HTTP (Shopify's 2026-10
 * schema, staged uploads, media processing, reorder jobs, variant media,
 * metafields), with real files in the asset store and rows in PostgreSQL.
 * Most cases run the service directly; one goes through the queue and worker.
 */

const ACTOR = "user:publisher";
const METAFIELD_QUERY = `#graphql
  query TestDisclosure($id: ID!) {
    product(id: $id) { metafield(namespace: "shotlane", key: "ai_generated_media") { type value } }
  }
`;

const productStateSchema = z.object({
  product: z.object({
    status: z.string(),
    media: z.object({ nodes: z.array(z.object({ id: z.string(), alt: z.string().nullable(), mediaContentType: z.string(), status: z.string() })) }),
    variants: z.object({ nodes: z.array(z.object({ id: z.string(), selectedOptions: z.array(z.object({ name: z.string(), value: z.string() })), media: z.object({ nodes: z.array(z.object({ id: z.string() })) }) })) }),
  }),
});

describe("publishing approved media to the store (emulator over HTTP, PostgreSQL, real files)", () => {
  let emulator: Awaited<ReturnType<typeof startTestStore>>;
  let admin: AdminGraphqlClient;
  let products: { id: string; title: string; colours: string[] }[];
  let next = 0;
  const throttles: number[] = [];
  const deps = (): PublishDeps => ({ db: prisma, admin, store: assetStore(), pollIntervalMs: 20, onThrottle: (ms) => throttles.push(ms) });

  /** The product as Shopify reports it: media in order with alt and status, each variant's media. */
  async function storeProduct(productId: string) {
    return (await adminQuery(admin, PRODUCT_MEDIA_STATE_QUERY, productStateSchema, { variables: { id: productId } })).data.product;
  }
  async function disclosure(productId: string): Promise<string[] | null> {
    const { data } = await adminQuery(admin, METAFIELD_QUERY, z.object({ product: z.object({ metafield: z.object({ type: z.string(), value: z.string() }).nullable() }) }), { variables: { id: productId } });
    if (!data.product.metafield) return null;
    expect(data.product.metafield.type).toBe("list.file_reference");
    return JSON.parse(data.product.metafield.value) as string[];
  }
  const publications = (productId: string) => prisma.publication.findMany({ where: { productId }, orderBy: { createdAt: "asc" } });
  /** A fresh product of the catalog for each test, so cases do not see each other's media. */
  const freshProduct = () => products[next++]!;
  async function publish(productId: string, specs: ApprovedAssetSpec[]) {
    const ids = await seedApprovedAssets(prisma, assetStore(), TEST_SHOP, productId, specs);
    const queued = await queuePublications(prisma, TEST_SHOP, ids, ACTOR);
    expect(queued.skipped).toEqual([]);
    expect(queued.queued).toBe(ids.length);
    return ids;
  }

  beforeAll(async () => {
    const [storePort] = testLoopbackPorts();
    emulator = await startTestStore({ port: storePort, productCount: 24 });
    ({ admin } = await unauthenticated.admin(TEST_SHOP));
    const run = await requestCatalogSync(prisma, async () => undefined, { shopId: TEST_SHOP, requestedBy: ACTOR, kind: "paginated" });
    expect((await runCatalogSync({ db: prisma, admin, syncRunId: run.id, bulkPollMs: 50 })).status).toBe("succeeded");
    const rows = await prisma.product.findMany({ where: { shopId: TEST_SHOP, imageCount: 1 }, include: { variants: true }, orderBy: { id: "asc" } });
    products = rows
      .map((p) => ({ id: p.id, title: p.title, colours: [...new Set(p.variants.map((v) => (v.options as Record<string, string>).Color).filter(Boolean))] }))
      .filter((p) => p.colours.length >= 2);
    expect(products.length).toBeGreaterThanOrEqual(10);
  });

  beforeEach(async () => {
    await prisma.publishingSettings.deleteMany();
    await emptyQueues();
  });

  afterAll(async () => {
    await closeQueues();
    await emulator?.close();
  });

  it("puts approved images and a clip on the product: uploaded, READY, alt text from the template, after the merchant's image, first colourway's variants, AI disclosure, snapshot and audit", async () => {
    const product = freshProduct();
    const colour = product.colours[0]!;
    const before = await storeProduct(product.id);
    expect(before.media.nodes).toHaveLength(1);
    const ids = await publish(product.id, [
      { asset: "on-model-front", colour },
      { asset: "on-model-back", colour },
      { asset: "video", colour },
    ]);

    const outcome = await publishProduct(deps(), TEST_SHOP, product.id);
    expect(outcome).toEqual({ reverted: false, ready: 3, failed: 0 });

    const rows = await publications(product.id);
    expect(rows.map((r) => r.status)).toEqual(["ready", "ready", "ready"]);
    const after = await storeProduct(product.id);
    // The merchant's flat-lay stays first (after-studio), then front, back, video in the plan's order.
    expect(after.media.nodes.map((m) => m.id)).toEqual([before.media.nodes[0]!.id, ...rows.map((r) => r.mediaId)]);
    expect(after.media.nodes.every((m) => m.status === "READY")).toBe(true);
    expect(after.media.nodes.slice(1).map((m) => [m.mediaContentType, m.alt])).toEqual([
      ["IMAGE", expect.stringMatching(new RegExp(`^${product.title} – ${colour} – .*front`, "i"))],
      ["IMAGE", expect.stringMatching(new RegExp(`^${product.title} – ${colour} – .*back`, "i"))],
      ["VIDEO", expect.stringContaining(product.title)],
    ]);
    for (const row of rows) expect(after.media.nodes.find((m) => m.id === row.mediaId)?.alt).toBe(row.alt);

    // Each variant of the colourway shows the front image; the other colourway keeps none.
    for (const variant of after.variants.nodes) {
      const variantColour = variant.selectedOptions.find((o) => o.name === "Color")?.value;
      expect(variant.media.nodes.map((m) => m.id)).toEqual(variantColour === colour ? [rows[0]!.mediaId] : []);
    }
    expect(rows[0]!.variantIds.length).toBe(after.variants.nodes.filter((v) => v.selectedOptions.some((o) => o.value === colour)).length);

    expect((await disclosure(product.id))?.sort()).toEqual(rows.map((r) => r.mediaId).sort());
    const snapshot = await prisma.mediaSnapshot.findFirstOrThrow({ where: { productId: product.id } });
    expect(snapshot.media).toEqual([{ id: before.media.nodes[0]!.id, alt: before.media.nodes[0]!.alt, contentType: "IMAGE" }]);
    expect(rows.every((r) => r.snapshotId === snapshot.id)).toBe(true);
    const actions = (await prisma.auditEvent.findMany({ where: { shopId: TEST_SHOP, subjectId: product.id } })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["publishing.queued", "publishing.snapshot", "publishing.published"]));

    // Exactly once: queueing the same assets again is refused, and another run changes nothing.
    const again = await queuePublications(prisma, TEST_SHOP, ids, ACTOR);
    expect(again.queued).toBe(0);
    expect(again.skipped.map((s) => s.reason)).toEqual(["it is already on the product", "it is already on the product", "it is already on the product"]);
    expect(await publishProduct(deps(), TEST_SHOP, product.id)).toEqual({ reverted: false, ready: 0, failed: 0 });
    expect((await storeProduct(product.id)).media.nodes.map((m) => m.id)).toEqual(after.media.nodes.map((m) => m.id));
  });

  it("places by the shop's policy: first, last, and replace-view detaches Shotlane's earlier media of that view and takes its place", async () => {
    const product = freshProduct();
    const colour = product.colours[0]!;
    const flatLay = (await storeProduct(product.id)).media.nodes[0]!.id;

    await prisma.publishingSettings.create({ data: { shopId: TEST_SHOP, placement: "first" } });
    await publish(product.id, [{ asset: "on-model-front", colour }]);
    await publishProduct(deps(), TEST_SHOP, product.id);
    const [front] = await publications(product.id);
    expect((await storeProduct(product.id)).media.nodes.map((m) => m.id)).toEqual([front!.mediaId, flatLay]);

    await prisma.publishingSettings.update({ where: { shopId: TEST_SHOP }, data: { placement: "last" } });
    await publish(product.id, [{ asset: "packshot", colour: null }]);
    await publishProduct(deps(), TEST_SHOP, product.id);
    const packshot = (await publications(product.id))[1]!;
    expect((await storeProduct(product.id)).media.nodes.map((m) => m.id)).toEqual([front!.mediaId, flatLay, packshot.mediaId]);

    await prisma.publishingSettings.update({ where: { shopId: TEST_SHOP }, data: { placement: "replace-view" } });
    await publish(product.id, [{ asset: "on-model-front", colour }]);
    await publishProduct(deps(), TEST_SHOP, product.id);
    const rows = await publications(product.id);
    const newFront = rows[2]!;
    const state = await storeProduct(product.id);
    expect(state.media.nodes.map((m) => m.id)).toEqual([newFront.mediaId, flatLay, packshot.mediaId]);
    expect(rows.map((r) => r.status)).toEqual(["replaced", "ready", "ready"]);
    // The colourway's variants moved from the old front to the new one.
    const coloured = state.variants.nodes.filter((v) => v.selectedOptions.some((o) => o.value === colour));
    expect(coloured.every((v) => v.media.nodes[0]?.id === newFront.mediaId)).toBe(true);
    // The merchant's flat-lay was never touched: same id, still there.
    expect(state.media.nodes.some((m) => m.id === flatLay)).toBe(true);
  });

  it("Revert restores the media set, order and variant media from before each change, one change at a time", async () => {
    const product = freshProduct();
    const colour = product.colours[1]!;
    const original = await storeProduct(product.id);
    await publish(product.id, [{ asset: "on-model-front", colour }]);
    await publishProduct(deps(), TEST_SHOP, product.id);
    const afterFirst = await storeProduct(product.id);
    await prisma.publishingSettings.create({ data: { shopId: TEST_SHOP, placement: "replace-view" } });
    await publish(product.id, [{ asset: "on-model-front", colour }]);
    await publishProduct(deps(), TEST_SHOP, product.id);
    expect((await storeProduct(product.id)).media.nodes).toHaveLength(2);

    const first = await requestRevert(prisma, TEST_SHOP, product.id, ACTOR);
    expect(first.ok).toBe(true);
    expect(await publishProduct(deps(), TEST_SHOP, product.id)).toMatchObject({ reverted: true });
    const reverted = await storeProduct(product.id);
    expect(reverted.media.nodes.map((m) => m.id)).toEqual(afterFirst.media.nodes.map((m) => m.id));
    expect(reverted.variants.nodes.map((v) => v.media.nodes.map((m) => m.id))).toEqual(afterFirst.variants.nodes.map((v) => v.media.nodes.map((m) => m.id)));
    expect((await publications(product.id)).map((r) => r.status)).toEqual(["ready", "reverted"]);

    expect((await requestRevert(prisma, TEST_SHOP, product.id, ACTOR)).ok).toBe(true);
    await publishProduct(deps(), TEST_SHOP, product.id);
    const back = await storeProduct(product.id);
    expect(back.media.nodes.map((m) => m.id)).toEqual(original.media.nodes.map((m) => m.id));
    expect(back.variants.nodes.every((v) => v.media.nodes.length === 0)).toBe(true);
    expect(await disclosure(product.id)).toBeNull();
    expect(await requestRevert(prisma, TEST_SHOP, product.id, ACTOR)).toEqual({ ok: false, error: expect.stringContaining("Nothing to revert") });
    const actions = (await prisma.auditEvent.findMany({ where: { subjectId: product.id, action: { startsWith: "publishing.revert" } } })).map((e) => e.action);
    expect(actions.filter((a) => a === "publishing.reverted")).toHaveLength(2);
  });

  it("a media Shopify fails is deleted, its error kept on the publication, and a retry publishes it", async () => {
    const product = freshProduct();
    emulator.admin.failNextMedia(TEST_SHOP, 1, "IMAGE_PROCESSING_FAILURE", "Image could not be processed because the file is not a valid image.");
    await publish(product.id, [{ asset: "on-model-front", colour: product.colours[0]! }]);
    expect(await publishProduct(deps(), TEST_SHOP, product.id)).toMatchObject({ ready: 0, failed: 1 });
    const [failed] = await publications(product.id);
    expect(failed).toMatchObject({ status: "failed", errorCode: "IMAGE_PROCESSING_FAILURE", mediaId: null });
    expect(failed!.error).toContain("could not be processed");
    expect((await storeProduct(product.id)).media.nodes).toHaveLength(1);

    expect(await retryFailedPublications(prisma, TEST_SHOP, product.id, ACTOR)).toEqual({ queued: 1 });
    expect(await publishProduct(deps(), TEST_SHOP, product.id)).toMatchObject({ ready: 1, failed: 0 });
    expect((await storeProduct(product.id)).media.nodes).toHaveLength(2);
  });

  it("refuses a batch over Shopify's 250-media limit with a message naming the numbers and the fix, attaching nothing", async () => {
    const product = freshProduct();
    const record = emulator.store.requireProduct(TEST_SHOP, Number(product.id.split("/").pop()));
    const existing = emulator.store.productMedia(record)[0]!;
    // 248 more READY images on the product (the emulator's own records, as a merchant's uploads would be).
    for (let i = 0; i < 248; i++) {
      const media = emulator.store.newMedia({ ...existing, productIds: new Set([record.id]), alt: `extra ${i}` });
      record.mediaIds.push(media.id);
    }
    await publish(product.id, [
      { asset: "on-model-front", colour: null },
      { asset: "on-model-back", colour: null },
    ]);
    expect(await publishProduct(deps(), TEST_SHOP, product.id)).toMatchObject({ ready: 0, failed: 2 });
    const rows = await publications(product.id);
    expect(rows.map((r) => r.errorCode)).toEqual(["PRODUCT_MEDIA_LIMIT_EXCEEDED", "PRODUCT_MEDIA_LIMIT_EXCEEDED"]);
    expect(rows[0]!.error).toMatch(/249 media and this would add 2: Shopify allows at most 250.*Remove 1 media/);
    expect((await storeProduct(product.id)).media.nodes).toHaveLength(249);
  });

  it("a crash after Shopify attached the media but before its id was stored: the retry finds it, attaches nothing twice", async () => {
    const product = freshProduct();
    await publish(product.id, [{ asset: "on-model-front", colour: null }]);
    // The attach reaches Shopify, then the worker dies before the answer is stored.
    const crashing: AdminGraphqlClient = {
      graphql: async (query, options) => {
        const response = await admin.graphql(query, options);
        if (query.includes("PublishingAttachMedia")) throw new Error("worker killed");
        return response;
      },
    };
    await expect(publishProduct({ ...deps(), admin: crashing }, TEST_SHOP, product.id)).rejects.toThrow("worker killed");
    const [stuck] = await publications(product.id);
    expect(stuck).toMatchObject({ status: "attaching", mediaId: null });
    expect((await storeProduct(product.id)).media.nodes).toHaveLength(2);

    expect(await publishProduct(deps(), TEST_SHOP, product.id)).toMatchObject({ ready: 1 });
    const [done] = await publications(product.id);
    const media = (await storeProduct(product.id)).media.nodes;
    expect(media).toHaveLength(2);
    expect(done!.mediaId).toBe(media[1]!.id);
    expect(await prisma.auditEvent.count({ where: { action: "publishing.attach-recovered", subjectId: done!.id } })).toBe(1);
  });

  it("waits out THROTTLED answers by the bucket the responses report", async () => {
    const product = freshProduct();
    await publish(product.id, [{ asset: "on-model-front", colour: null }]);
    throttles.length = 0;
    emulator.admin.setBucket(TEST_SHOP, 0);
    expect(await publishProduct(deps(), TEST_SHOP, product.id)).toMatchObject({ ready: 1 });
    expect(throttles.length).toBeGreaterThan(0);
  });

  it("a new product held in DRAFT goes ACTIVE once its visuals are published, and only then", async () => {
    const product = freshProduct();
    const numeric = Number(product.id.split("/").pop());
    emulator.admin.updateProduct(TEST_SHOP, numeric, { status: "DRAFT" });
    await prisma.product.update({ where: { id: product.id }, data: { draftHeldAt: new Date() } });
    // Nothing published yet: the hold stays.
    expect(await publishProduct(deps(), TEST_SHOP, product.id)).toMatchObject({ ready: 0 });
    expect((await storeProduct(product.id)).status).toBe("DRAFT");
    await publish(product.id, [{ asset: "on-model-front", colour: null }]);
    expect(await publishProduct(deps(), TEST_SHOP, product.id)).toMatchObject({ ready: 1 });
    expect((await storeProduct(product.id)).status).toBe("ACTIVE");
    expect((await prisma.product.findUniqueOrThrow({ where: { id: product.id } })).draftHeldAt).toBeNull();
  });

  it("through the queue: approval-time queueing, the worker's publish job, and nothing published for a product no longer in the store", async () => {
    const workers = startWorkers({ error: () => undefined, info: () => undefined });
    try {
      const product = freshProduct();
      await publish(product.id, [{ asset: "on-model-front", colour: product.colours[0]! }]);
      const deadline = Date.now() + 30_000;
      while ((await publications(product.id))[0]!.status !== "ready") {
        if (Date.now() > deadline) throw new Error(`not published: ${JSON.stringify(await publications(product.id))}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect((await storeProduct(product.id)).media.nodes).toHaveLength(2);
      // The job is moved to "completed" just after it marks the publication ready.
      await expect.poll(async () => (await getQueue(publishProductQueue).getJobs(["completed"])).length, { timeout: 10_000 }).toBeGreaterThan(0);

      const gone = freshProduct();
      await publish(gone.id, [{ asset: "on-model-front", colour: null }]);
      emulator.admin.deleteProduct(TEST_SHOP, Number(gone.id.split("/").pop()));
      const until = Date.now() + 30_000;
      while ((await publications(gone.id))[0]!.status !== "failed") {
        if (Date.now() > until) throw new Error(`not failed: ${JSON.stringify(await publications(gone.id))}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect((await publications(gone.id))[0]).toMatchObject({ errorCode: "PRODUCT_DOES_NOT_EXIST" });
    } finally {
      await stopWorkers(workers);
    }
  });
});
