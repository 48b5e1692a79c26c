import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { requestCatalogSync, runCatalogSync } from "../../app/catalog/catalog-sync.server";
import { DEFAULT_CHANNEL_SPECS } from "../../app/imaging/channel-spec";
import { reprocessStoreImages } from "../../app/imaging/reprocess.server";
import { postJobId } from "../../app/production/production-flow.server";
import { sendToProduction } from "../../app/production/production-orders.server";
import { resolveRecipeForProduct, saveRecipeVersion } from "../../app/recipes/recipes.server";
import { unauthenticated } from "../../app/shopify.server";
import { assetStore } from "../../app/storage/asset-store.server";
import { closeQueues, getQueue, postProductionQueue } from "../../jobs/queues";
import { startWorkers, stopWorkers } from "../../jobs/workers";
import { startDoubleServer, type DoubleServer } from "../doubles/double-server";
import { startTestStore, TEST_SHOP } from "../support/emulator";
import { goodJpeg, problemImages } from "../support/problem-images";
import { testLoopbackPorts } from "../support/test-env";

const ACTOR = "user:test";
const FINISHED = ["completed", "partial", "failed", "canceled"];
const ENABLED = DEFAULT_CHANNEL_SPECS.filter((s) => s.enabled);

async function waitForOrders(ids: string[], timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const orders = await prisma.productionOrder.findMany({ where: { id: { in: ids } } });
    if (orders.length === ids.length && orders.every((o) => FINISHED.includes(o.status))) return orders;
    if (Date.now() > deadline) {
      const assets = await prisma.asset.findMany({ where: { orderId: { in: ids } }, select: { status: true, postStatus: true, postError: true, error: true } });
      throw new Error(`orders still ${orders.map((o) => o.status).join(", ")}; assets ${JSON.stringify(assets)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("post-production in the worker (real Redis flows, PostgreSQL, sharp, the store emulator over HTTP)", () => {
  let emulator: Awaited<ReturnType<typeof startTestStore>>;
  let files: DoubleServer;
  const served = new Map<string, Buffer>();
  let workers: ReturnType<typeof startWorkers>;

  beforeAll(async () => {
    const [storePort, filePort] = testLoopbackPorts();
    emulator = await startTestStore({ port: storePort, productCount: 8 });
    // A file host standing in for Shopify's CDN, serving whatever a test puts in `served`.
    files = await startDoubleServer(
      (req, res) => {
        const bytes = served.get(new URL(req.url ?? "/", "http://x").pathname.slice(1));
        if (!bytes) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { "content-type": "image/jpeg", "content-length": bytes.length }).end(bytes);
      },
      { port: filePort },
    );
    const { admin } = await unauthenticated.admin(TEST_SHOP);
    const run = await requestCatalogSync(prisma, async () => undefined, { shopId: TEST_SHOP, requestedBy: ACTOR, kind: "paginated" });
    expect((await runCatalogSync({ db: prisma, admin, syncRunId: run.id, bulkPollMs: 50 })).status).toBe("succeeded");
    await prisma.product.updateMany({ where: { shopId: TEST_SHOP }, data: { tier: 3, tierSource: "default" } });
    workers = startWorkers({ error: () => undefined, info: () => undefined });
  });

  afterAll(async () => {
    await stopWorkers(workers);
    await closeQueues();
    await emulator?.close();
    await files?.close();
  });

  it("re-processes a product's store images: fetched from the store, every channel rendered at its exact size, named by the template", async () => {
    const product = await prisma.product.findFirstOrThrow({ where: { shopId: TEST_SHOP, media: { some: { contentType: "IMAGE", status: "READY" } } }, include: { media: true, variants: { orderBy: { position: "asc" } } } });
    const sent = await reprocessStoreImages(prisma, TEST_SHOP, [product.id], { actor: ACTOR, demo: true });
    expect(sent.skipped).toEqual([]);
    const [order] = await waitForOrders(sent.created.map((c) => c.orderId));
    expect(order!.status).toBe("completed");

    const assets = await prisma.asset.findMany({ where: { orderId: order!.id }, include: { renditions: true }, orderBy: { candidateIndex: "asc" } });
    expect(assets).toHaveLength(product.media.filter((m) => m.contentType === "IMAGE").length);
    const sku = product.variants.find((v) => v.sku)!.sku!;
    const names = new Set<string>();
    for (const asset of assets) {
      expect(asset).toMatchObject({ source: "store", status: "stored", postStatus: "done", postError: null, sourceMediaId: expect.stringContaining("gid://shopify/") });
      const report = asset.postReport as { cleanup: { method: string }; renditions: unknown[]; input: { format: string } };
      expect(["backdrop-key", "removal-provider", "source-alpha", "none"]).toContain(report.cleanup.method);
      expect(report.renditions).toHaveLength(ENABLED.length);
      expect(asset.renditions.map((r) => r.channel).sort()).toEqual(ENABLED.map((s) => s.id).sort());
      for (const rendition of asset.renditions) {
        const spec = ENABLED.find((s) => s.id === rendition.channel)!;
        const bytes = await assetStore().get(rendition.storageKey);
        const meta = await sharp(bytes).metadata();
        expect([meta.format === "heif" ? "avif" : meta.format, meta.width, meta.height]).toEqual([spec.format, spec.width, spec.height]);
        expect(bytes.length).toBe(rendition.bytes);
        // Metadata stripped except the colour profile.
        expect(meta.exif).toBeUndefined();
        expect(meta.icc).toBeDefined();
        expect(rendition.fileName).toMatch(/^[a-z0-9._-]+$/);
        expect(rendition.fileName.startsWith(sku.toLowerCase().replace(/[^a-z0-9]+/g, "-"))).toBe(true);
        expect(names.has(rendition.fileName)).toBe(false);
        names.add(rendition.fileName);
      }
    }
  });

  it("refuses each broken file with a precise reason on its asset, fails that job once without retry, and finishes the rest", async () => {
    const bad = await problemImages();
    const cases: [string, Buffer, string | null][] = [
      ["truncated.jpg", bad.truncatedJpeg, "truncated"],
      ["empty.jpg", bad.zeroBytes, "empty_file"],
      ["bomb.png", bad.pngBomb, "too_many_pixels"],
      ["external.svg", bad.svgWithExternalRef, "svg_external_reference"],
      ["note.jpg", bad.textNamedJpg, "not_an_image"],
      ["cmyk.tif", bad.cmykTiff, null],
      ["good.jpg", await goodJpeg(), null],
    ];
    const product = await prisma.product.findFirstOrThrow({ where: { shopId: TEST_SHOP }, orderBy: { id: "desc" } });
    await prisma.productMedia.deleteMany({ where: { productId: product.id } });
    await prisma.productMedia.createMany({
      data: cases.map(([name, bytes], position) => {
        served.set(name, bytes);
        return { id: `gid://shopify/MediaImage/9${position}`, productId: product.id, position, contentType: "IMAGE", status: "READY", url: `${files.origin}/${name}` };
      }),
    });
    // A second product re-processed at the same time must not notice.
    const bystander = await prisma.product.findFirstOrThrow({ where: { shopId: TEST_SHOP, id: { not: product.id }, media: { some: { contentType: "IMAGE", status: "READY" } } }, orderBy: { id: "asc" } });
    await prisma.productionOrder.deleteMany({ where: { productId: bystander.id } });
    const sent = await reprocessStoreImages(prisma, TEST_SHOP, [product.id, bystander.id], { actor: ACTOR, demo: true });
    expect(sent.created).toHaveLength(2);
    const orders = await waitForOrders(sent.created.map((c) => c.orderId), 30_000);
    const byProduct = new Map(orders.map((o) => [o.productId, o]));
    expect(byProduct.get(bystander.id)!.status).toBe("completed");
    // The request succeeded with the images that could be used; each refused one carries its own reason.
    expect(byProduct.get(product.id)!.status).toBe("completed");

    const assets = await prisma.asset.findMany({ where: { orderId: byProduct.get(product.id)!.id }, orderBy: { candidateIndex: "asc" }, include: { renditions: { select: { id: true } } } });
    const queue = getQueue(postProductionQueue);
    for (const [index, [name, , code]] of cases.entries()) {
      const asset = assets[index]!;
      if (code === null) {
        expect({ name, postStatus: asset.postStatus, error: asset.postError }).toEqual({ name, postStatus: "done", error: null });
        expect(asset.renditions).toHaveLength(ENABLED.length);
        continue;
      }
      expect({ name, postStatus: asset.postStatus, code: asset.postErrorCode }).toEqual({ name, postStatus: "failed", code });
      expect(asset.postError!.length).toBeGreaterThan(20);
      expect(asset.renditions).toHaveLength(0);
      const job = await queue.getJob(postJobId(asset.id, 0));
      expect(job, `${name}: its post-production job`).toBeDefined();
      expect({ name, failed: await job!.isFailed(), attemptsMade: job!.attemptsMade }).toEqual({ name, failed: true, attemptsMade: 1 });
      expect(job!.failedReason).toContain(code);
    }
    // The CMYK TIFF is a supported input: its renditions are sRGB and keep the red.
    const tiff = await prisma.assetRendition.findFirstOrThrow({ where: { assetId: assets[5]!.id, channel: "marketplace" } });
    const { data, info } = await sharp(await assetStore().get(tiff.storageKey)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const centre = (Math.floor(info.height / 2) * info.width + Math.floor(info.width / 2)) * info.channels;
    expect(data[centre]! - data[centre + 1]!).toBeGreaterThan(100);
  });

  it("post-produces AI candidates after generation, with the AI disclosure in their XMP and unique names for candidates of one view", async () => {
    await prisma.productionPlan.upsert({ where: { shopId_tier: { shopId: TEST_SHOP, tier: 3 } }, create: { shopId: TEST_SHOP, tier: 3, items: [{ asset: "on-model-front", source: "ai" }] }, update: { items: [{ asset: "on-model-front", source: "ai" }] } });
    const busy = (await prisma.productionOrder.findMany({ select: { productId: true } })).map((o) => o.productId);
    const product = await prisma.product.findFirstOrThrow({ where: { shopId: TEST_SHOP, featuredImageUrl: { not: null }, id: { notIn: busy } }, include: { tags: true } });
    const current = await resolveRecipeForProduct(prisma, TEST_SHOP, { productType: product.productType, tags: product.tags.map((t) => t.tag) }, { demo: true });
    const saved = await saveRecipeVersion(prisma, TEST_SHOP, current.categoryKey, { ...structuredClone(current.spec), candidatesPerView: 2, video: null }, ACTOR, "two candidates");
    expect(saved.ok).toBe(true);
    const sent = await sendToProduction(prisma, TEST_SHOP, [product.id], { actor: ACTOR, source: "manual", demo: true });
    const [order] = await waitForOrders(sent.created.map((c) => c.orderId));
    expect(order!.status).toBe("completed");
    const assets = await prisma.asset.findMany({ where: { orderId: order!.id }, include: { renditions: { orderBy: { channel: "asc" } } }, orderBy: { candidateIndex: "asc" } });
    expect(assets).toHaveLength(2);
    const [first, second] = assets;
    expect(first!.postStatus).toBe("done");
    expect(second!.postStatus).toBe("done");
    const firstNames = first!.renditions.map((r) => r.fileName);
    const secondNames = second!.renditions.map((r) => r.fileName);
    expect(new Set([...firstNames, ...secondNames]).size).toBe(firstNames.length + secondNames.length);
    // Both candidates show the same view: whichever finished second got the "-2" names.
    const suffixed = [firstNames, secondNames].filter((names) => names.every((name) => /-2\.[a-z]+$/.test(name)));
    expect(suffixed).toHaveLength(1);
    expect([...firstNames, ...secondNames].map((name) => name.replace(/-2(\.[a-z]+)$/, "$1")).sort()).toEqual([...firstNames, ...firstNames].map((name) => name.replace(/-2(\.[a-z]+)$/, "$1")).sort());
    const meta = await sharp(await assetStore().get(first!.renditions[0]!.storageKey)).metadata();
    expect(meta.xmp?.toString("utf8")).toContain("trainedAlgorithmicMedia");
  });
});
