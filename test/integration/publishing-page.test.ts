import type { PrismaClient } from "@prisma/client";
import { getJwt } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertMirrorProducts } from "../../app/catalog/mirror.server";
import prisma from "../../app/db.server";
import { loadPublishingPage } from "../../app/publishing/publishing-page.server";
import { action as pageAction, loader as pageLoader } from "../../app/routes/app.publishing";
import { assetStore } from "../../app/storage/asset-store.server";
import { closeQueues } from "../../jobs/queues";
import { mirrorProduct } from "../support/factories";
import { seedApprovedAssets } from "../support/publish-fixtures";
import { refusedResponse } from "../support/route-refusal";
import { TEST_API_KEY, TEST_API_SECRET, TEST_APP_URL } from "../support/test-env";

const SHOP = "publishing-page.myshopify.com";
const OTHER = "publishing-page-other.myshopify.com";
const EMPTY = "publishing-page-empty.myshopify.com";
const args = (request: Request) => ({ request, params: {}, context: {} });
const gid = (n: number) => `gid://shopify/Product/${n}`;
const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000);

async function bearer(shop: string) {
  return `Bearer ${(await getJwt(shop.replace(".myshopify.com", ""), TEST_API_KEY, TEST_API_SECRET, { sub: "64" })).token}`;
}

async function load(search = "", shop = SHOP) {
  return pageLoader(args(new Request(`${TEST_APP_URL}/app/publishing${search}`, { headers: { Authorization: await bearer(shop) } })));
}

async function act(fields: Record<string, string>, shop = SHOP) {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.set(name, value);
  return pageAction(args(new Request(`${TEST_APP_URL}/app/publishing`, { method: "POST", body, headers: { Authorization: await bearer(shop) } })));
}

interface PublicationSeed {
  status: string;
  readyAt?: Date;
  errorCode?: string;
  error?: string;
  attempts?: number;
  /** The asset's review state (approved unless said otherwise). */
  reviewStatus?: string;
  kind?: "image" | "video";
  view?: string | null;
  colour?: string | null;
}

let assetCounter = 0;

/** One order for the product, and per seed an approved asset with a Publication in that status, last touched at `at`. */
async function seedPublications(shopId: string, productId: string, at: Date, seeds: PublicationSeed[]) {
  const order = await prisma.productionOrder.create({ data: { shopId, productId, status: "completed", source: "manual", requestedBy: "user:7" } });
  const request = await prisma.assetRequest.create({ data: { shopId, orderId: order.id, productId, asset: "on-model-front", source: "ai", status: "succeeded", candidatesWanted: seeds.length } });
  const ids: string[] = [];
  for (const [index, seed] of seeds.entries()) {
    const kind = seed.kind ?? "image";
    const asset = await prisma.asset.create({
      data: { shopId, productId, orderId: order.id, requestId: request.id, candidateIndex: index, source: "ai", kind, status: "stored", provider: "demo", model: "demo-compose", operation: "try-on", reviewStatus: seed.reviewStatus ?? "approved" },
    });
    const publication = await prisma.publication.create({
      data: {
        shopId,
        productId,
        assetId: asset.id,
        status: seed.status,
        kind,
        view: seed.view === undefined ? "on-model-front" : seed.view,
        colour: seed.colour ?? null,
        fileName: `file-${++assetCounter}.jpg`,
        alt: "alt",
        requestedBy: "user:7",
        readyAt: seed.readyAt ?? null,
        errorCode: seed.errorCode ?? null,
        error: seed.error ?? null,
        attempts: seed.attempts ?? 1,
        createdAt: at,
        // Later seeds of a product are a second newer, so the order within it is known.
        updatedAt: new Date(at.getTime() + index * 1000),
      },
    });
    ids.push(publication.id);
  }
  return ids;
}

async function approvedWithoutPublication(shopId: string, productId: string, count: number, reviewStatus = "approved") {
  const order = await prisma.productionOrder.create({ data: { shopId, productId, status: "completed", source: "manual", requestedBy: "user:7" } });
  const request = await prisma.assetRequest.create({ data: { shopId, orderId: order.id, productId, asset: "packshot", source: "ai", status: "succeeded", candidatesWanted: count } });
  for (let i = 0; i < count; i++) {
    await prisma.asset.create({ data: { shopId, productId, orderId: order.id, requestId: request.id, candidateIndex: i, source: "ai", kind: "image", status: "stored", provider: "demo", model: "demo-compose", operation: "try-on", reviewStatus } });
  }
}

describe("Publishing page: loader and actions (PostgreSQL, Redis)", () => {
  const failedAt = minutesAgo(20);

  beforeAll(async () => {
    for (const shop of [SHOP, OTHER, EMPTY]) {
      await prisma.shop.create({ data: { id: shop, name: shop } });
      await prisma.session.create({ data: { id: `offline_${shop}`, shop, state: "", isOnline: false, scope: "read_products", accessToken: `shpat_${shop}`, expires: null } });
    }
    await upsertMirrorProducts(
      prisma,
      SHOP,
      Array.from({ length: 30 }, (_, i) => mirrorProduct({ id: i + 1, title: `Product ${i + 1}`, featuredImageUrl: `https://cdn.example/${i + 1}.jpg` })),
    );
    await upsertMirrorProducts(prisma, OTHER, [mirrorProduct({ id: 900, title: "Other shop's coat" })]);

    // Products 1–22: two media each, both on the product; older activity first.
    for (let n = 1; n <= 22; n++) await seedPublications(SHOP, gid(n), minutesAgo(600 - n), [{ status: "ready", readyAt: minutesAgo(600 - n) }, { status: "ready", readyAt: minutesAgo(599 - n) }]);
    // 23: on its way.
    await seedPublications(SHOP, gid(23), minutesAgo(60), [{ status: "ready", readyAt: minutesAgo(90) }, { status: "processing" }, { status: "queued" }]);
    // 24: seven failures from Shopify (five listed), one on the product.
    await seedPublications(SHOP, gid(24), failedAt, [
      { status: "ready", readyAt: minutesAgo(30) },
      ...Array.from({ length: 7 }, (_, i) => ({ status: "failed", errorCode: "MEDIA_PROCESSING_FAILED", error: `Image could not be processed (${i + 1})`, attempts: 2, colour: "Sand", view: "on-model-back" })),
    ]);
    // 25: canceled, reverted and replaced ones do not count towards progress.
    await seedPublications(SHOP, gid(25), minutesAgo(15), [{ status: "ready", readyAt: minutesAgo(16) }, { status: "canceled" }, { status: "reverted" }, { status: "replaced" }]);
    // 26: a product deleted from the store keeps its history.
    await seedPublications(SHOP, gid(9999), minutesAgo(10), [{ status: "ready", readyAt: minutesAgo(10) }]);

    // Snapshots: 1 has an older change not reverted under a newer one already reverted; 2 is reverting; 3's revert failed; 24 can be reverted.
    await prisma.mediaSnapshot.create({ data: { shopId: SHOP, productId: gid(1), media: [], variantMedia: {}, createdBy: "user:7", createdAt: new Date("2026-03-01T10:00:00Z") } });
    await prisma.mediaSnapshot.create({ data: { shopId: SHOP, productId: gid(1), media: [], variantMedia: {}, createdBy: "user:7", createdAt: new Date("2026-03-02T10:00:00Z"), revertRequestedAt: new Date("2026-03-03T10:00:00Z"), revertedAt: new Date("2026-03-03T10:01:00Z"), revertedBy: "user:7" } });
    await prisma.mediaSnapshot.create({ data: { shopId: SHOP, productId: gid(2), media: [], variantMedia: {}, createdBy: "user:7", createdAt: new Date("2026-03-04T10:00:00Z"), revertRequestedAt: new Date("2026-03-05T10:00:00Z"), revertRequestedBy: "user:8" } });
    await prisma.mediaSnapshot.create({ data: { shopId: SHOP, productId: gid(3), media: [], variantMedia: {}, createdBy: "user:7", createdAt: new Date("2026-03-06T10:00:00Z"), revertRequestedAt: new Date("2026-03-07T10:00:00Z"), revertError: "MEDIA_NOT_FOUND: a media of the snapshot no longer exists in the store" } });
    await prisma.mediaSnapshot.create({ data: { shopId: SHOP, productId: gid(24), media: [], variantMedia: {}, createdBy: "user:7", createdAt: new Date("2026-03-08T10:00:00Z") } });

    // Approved and not published yet: two never queued, and product 25's canceled one; a rejected asset does not count.
    await approvedWithoutPublication(SHOP, gid(27), 2);
    await approvedWithoutPublication(SHOP, gid(28), 1, "rejected");

    // Another shop's publications never show.
    await seedPublications(OTHER, gid(900), minutesAgo(5), [{ status: "ready", readyAt: minutesAgo(5) }, { status: "failed", errorCode: "X", error: "other" }]);
  });

  afterAll(async () => {
    await closeQueues();
  });

  it("summarises the shop's publications by status, with progress over those not withdrawn", async () => {
    const data = await load();
    expect(data.summary.counts).toEqual({ ready: 22 * 2 + 1 + 1 + 1 + 1, processing: 1, queued: 1, failed: 7, canceled: 1, reverted: 1, replaced: 1 });
    // 48 ready of 57 that count (every publication but the canceled, reverted and replaced ones).
    expect(data.summary.progress).toEqual({ ready: 48, total: 57, inProgress: 2, failed: 7, percent: 84 });
    expect(data.summary.approvedUnpublished).toBe(3);
    expect(data.summary.reverting).toBe(1);
    expect(data.live).toBe(true);
    expect(data.empty).toBe(false);
  });

  it("lists 25 products per page, most recently active first, with the catalog's title and thumbnail", async () => {
    const first = await load();
    expect(first.total).toBe(26);
    expect(first.pageCount).toBe(2);
    expect(first.query).toEqual({ status: "all", page: 1 });
    expect(first.products.map((p) => p.productId)).toEqual([gid(9999), gid(25), gid(24), gid(23), ...Array.from({ length: 21 }, (_, i) => gid(22 - i))]);
    expect(first.products[0]).toMatchObject({ title: "Product no longer in the catalog", inCatalog: false, featuredImageUrl: null });
    expect(first.products[3]).toMatchObject({ title: "Product 23", inCatalog: true, featuredImageUrl: "https://cdn.example/23.jpg" });

    const second = await load("?page=2");
    expect(second.products.map((p) => p.productId)).toEqual([gid(1)]);
    // A page past the end shows the last one.
    expect((await load("?page=40")).query.page).toBe(2);
    // A bad filter falls back to all.
    expect((await load("?status=bogus")).query.status).toBe("all");
  });

  it("shows each product's publications by status, its progress, its last publish and what failed with Shopify's code and text", async () => {
    const { products } = await load();
    const byId = new Map(products.map((p) => [p.productId, p]));

    expect(byId.get(gid(23))).toMatchObject({ counts: { ready: 1, processing: 1, queued: 1 }, progress: { ready: 1, total: 3, inProgress: 2, failed: 0, percent: 33 }, failed: [], moreFailed: 0 });
    const lastReady = await prisma.publication.aggregate({ where: { productId: gid(23) }, _max: { readyAt: true } });
    expect(byId.get(gid(23))!.lastPublishedAt).toBe(lastReady._max.readyAt!.toISOString());

    const failing = byId.get(gid(24))!;
    expect(failing.counts).toEqual({ ready: 1, failed: 7 });
    expect(failing.progress).toEqual({ ready: 1, total: 8, inProgress: 0, failed: 7, percent: 12 });
    // Newest first: the seventh failure was touched last.
    expect(failing.failed.map((f) => f.error)).toEqual([7, 6, 5, 4, 3].map((i) => `Image could not be processed (${i})`));
    expect(failing.failed[0]).toMatchObject({ kind: "image", view: "on-model-back", colour: "Sand", errorCode: "MEDIA_PROCESSING_FAILED", attempts: 2 });
    expect(failing.moreFailed).toBe(2);

    expect(byId.get(gid(25))).toMatchObject({ counts: { ready: 1, canceled: 1, reverted: 1, replaced: 1 }, progress: { ready: 1, total: 1, percent: 100 } });
  });

  it("says for each product what Revert would restore: the newest snapshot not reverted, a revert under way, or one that failed", async () => {
    const all = [...(await load()).products, ...(await load("?page=2")).products];
    const revert = (n: number) => all.find((p) => p.productId === gid(n))!.revert;
    expect(revert(1)).toEqual({ state: "available", snapshotAt: "2026-03-01T10:00:00.000Z" });
    expect(revert(2)).toEqual({ state: "reverting", snapshotAt: "2026-03-04T10:00:00.000Z", requestedAt: "2026-03-05T10:00:00.000Z", requestedBy: "user:8" });
    expect(revert(3)).toEqual({ state: "failed", snapshotAt: "2026-03-06T10:00:00.000Z", error: "MEDIA_NOT_FOUND: a media of the snapshot no longer exists in the store" });
    expect(revert(24)).toEqual({ state: "available", snapshotAt: "2026-03-08T10:00:00.000Z" });
    expect(revert(5)).toEqual({ state: "none" });
  });

  it("filters products by in progress, failed and ready, counting and paging the filtered set", async () => {
    const inProgress = await load("?status=in-progress");
    expect(inProgress.products.map((p) => p.productId)).toEqual([gid(23)]);
    expect(inProgress.total).toBe(1);
    // The row still counts all of the product's publications, not only the matching ones.
    expect(inProgress.products[0].counts).toEqual({ ready: 1, processing: 1, queued: 1 });

    const failed = await load("?status=failed");
    expect(failed.products.map((p) => p.productId)).toEqual([gid(24)]);
    expect(failed.products[0].lastPublishedAt).not.toBeNull();

    const ready = await load("?status=ready");
    expect(ready.total).toBe(26);
    expect(ready.pageCount).toBe(2);
  });

  it("costs the same number of queries for a full page as for a nearly empty one", async () => {
    let queries = 0;
    const counted = prisma.$extends({
      query: {
        async $allOperations({ args, query }) {
          queries++;
          return query(args);
        },
      },
    }) as unknown as PrismaClient;
    const countFor = async (search: string) => {
      queries = 0;
      await loadPublishingPage(SHOP, new URLSearchParams(search), { db: counted });
      return queries;
    };
    const full = await countFor("");
    // The summary and the filtered count (4), the page's products (1), then their counts, failures, titles and snapshots (4).
    expect(full).toBe(9);
    expect(await countFor("page=2")).toBe(full);
    expect(await countFor("status=failed")).toBe(full);
  });

  it("shows another shop only its own publications, and a shop without any the empty state without polling", async () => {
    const other = await load("", OTHER);
    expect(other.products.map((p) => p.title)).toEqual(["Other shop's coat"]);
    expect(other.summary.counts).toEqual({ ready: 1, failed: 1 });
    expect(other.live).toBe(false);
    const empty = await load("", EMPTY);
    expect(empty).toMatchObject({ empty: true, live: false, total: 0, pageCount: 1, products: [], summary: { counts: {}, approvedUnpublished: 0, reverting: 0 } });
  });

  it("retries one product's failed media, then all, through the route action", async () => {
    expect(await act({ intent: "retry", productId: gid(5) })).toEqual({ ok: true, intent: "retry", message: "This product has no failed media to retry." });
    // Another shop's product is not this shop's to retry.
    expect(await act({ intent: "retry", productId: gid(900) })).toEqual({ ok: true, intent: "retry", message: "This product has no failed media to retry." });
    expect(await prisma.publication.count({ where: { shopId: OTHER, status: "failed" } })).toBe(1);

    expect(await act({ intent: "retry", productId: gid(24) })).toEqual({ ok: true, intent: "retry", message: "Retrying 7 failed publications." });
    expect(await prisma.publication.count({ where: { shopId: SHOP, productId: gid(24), status: "queued" } })).toBe(7);
    const after = await load("?status=failed");
    expect(after.products).toEqual([]);
    expect((await load("?status=in-progress")).products.map((p) => p.productId)).toEqual([gid(24), gid(23)]);
    const [audit] = await prisma.auditEvent.findMany({ where: { shopId: SHOP, action: "publishing.retried" } });
    expect(audit).toMatchObject({ actor: "user:64", subjectType: "Product", subjectId: gid(24) });

    // Revert waits until the product's media are done.
    const refused = await act({ intent: "revert", productId: gid(24) });
    expect(refused).toEqual({ ok: false, error: "7 media of this product are still being published: wait until they are done, then revert." });

    expect(await act({ intent: "retry" })).toEqual({ ok: true, intent: "retry", message: "No failed media to retry." });
  });

  it("asks for a revert through the route action; the product shows it under way and the page keeps polling", async () => {
    const result = await act({ intent: "revert", productId: gid(1) });
    expect(result).toMatchObject({ ok: true, intent: "revert", message: "Reverting to the media as they were on 2026-03-01 10:00 UTC." });
    const row = (await load("?page=2")).products.find((p) => p.productId === gid(1))!;
    expect(row.revert).toMatchObject({ state: "reverting", snapshotAt: "2026-03-01T10:00:00.000Z", requestedBy: "user:64" });
    expect((await load()).summary.reverting).toBe(2);

    expect(await act({ intent: "revert", productId: gid(5) })).toEqual({ ok: false, error: "Nothing to revert: Shotlane has not changed this product's media, or every change is already reverted." });
  });

  it("publishes approved assets not yet published, saying what it skipped and why", async () => {
    // One approved image with a product-page rendition; the three counted above have none.
    const [ready] = await seedApprovedAssets(prisma, assetStore(), SHOP, gid(29), [{ asset: "on-model-front", colour: "Sand" }]);
    expect((await load()).summary.approvedUnpublished).toBe(4);
    const result = await act({ intent: "publish-approved" });
    expect(result).toMatchObject({ ok: true, intent: "publish-approved" });
    if (!result.ok) throw new Error(result.error);
    expect(result.message).toBe(
      "Publishing 1 approved asset. 3 skipped: it has no product-page rendition (pdp-square or pdp-portrait): enable one in Post-production and re-process it (3).",
    );
    expect(await prisma.publication.findUniqueOrThrow({ where: { assetId: ready } })).toMatchObject({ status: "queued", productId: gid(29), requestedBy: "user:64" });
    expect((await load()).summary.approvedUnpublished).toBe(3);
  });

  it("refuses an unknown intent or a bad product id with the field named, and requests without a session token", async () => {
    expect(await act({ intent: "delete" })).toEqual({ ok: false, error: "intent: intent must be publish-approved, retry or revert" });
    expect(await act({ intent: "revert" })).toEqual({ ok: false, error: "productId: productId is missing: reload the page" });
    expect(await act({ intent: "revert", productId: "42" })).toEqual({ ok: false, error: "productId: productId is not a Shopify product id: reload the page" });

    const loaderRefusal = await refusedResponse(() => pageLoader(args(new Request(`${TEST_APP_URL}/app/publishing?shop=${SHOP}`))));
    expect(loaderRefusal.status).toBeGreaterThanOrEqual(300);
    const body = new FormData();
    body.set("intent", "retry");
    const actionRefusal = await refusedResponse(() => pageAction(args(new Request(`${TEST_APP_URL}/app/publishing`, { method: "POST", body, headers: { Authorization: "Bearer not-a-token" } }))));
    expect(actionRefusal.status).toBe(401);
  });
});
