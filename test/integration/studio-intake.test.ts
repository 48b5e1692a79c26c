import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { reconcileProduction } from "../../app/production/production-flow.server";
import { retryOrder, settleOrder, settleRequest } from "../../app/production/production-orders.server";
import { assetStore } from "../../app/storage/asset-store.server";
import { assignStudioUpload, clearStudioCatalogCache, discardStudioUpload, listStudioUploads, registerStudioFile, StudioIntakeError, type StudioIntakeDeps } from "../../app/studio/studio-intake.server";
import { closeQueues } from "../../jobs/queues";
import { startWorkers, stopWorkers } from "../../jobs/workers";
import { startTestStore, TEST_SHOP } from "../support/emulator";
import { problemImages } from "../support/problem-images";
import { approveAndWaitForStoreMedia, catalogProducts, studioShot, syncTestCatalog, type CatalogProduct } from "../support/studio-fixtures";
import { testLoopbackPorts } from "../support/test-env";
import { poller } from "../support/wait-for";

/**
 * Studio files through the intake service against a real catalog mirror
 * (synced from the store emulator over HTTP), real sharp on real JPEGs, the
 * asset store on disk and PostgreSQL; the last cases run the real workers
 * (post-production, checks, review, publishing to the emulator).
 */

const ACTOR = "user:studio-manager";
const REVIEWER = { shopId: TEST_SHOP, actor: "user:reviewer" };

const waitFor = poller({ timeoutMs: 90_000, intervalMs: 100 });

describe("studio intake: files matched, stored and ingested as studio assets (PostgreSQL, sharp, the emulator's catalog)", () => {
  let emulator: Awaited<ReturnType<typeof startTestStore>>;
  let products: CatalogProduct[];
  let next = 0;
  /** Orders whose flow the service asked to start (no worker runs these cases). */
  const started: string[] = [];
  const deps: StudioIntakeDeps = { db: prisma, store: assetStore(), demo: true, startOrder: async (orderId) => void started.push(orderId) };
  const fresh = () => products[next++]!;
  let seed = 100;
  const shot = () => studioShot(seed++, 480, 640);
  const register = async (fileName: string, bytes?: Buffer, extra: Partial<Parameters<typeof registerStudioFile>[1]> = {}) =>
    registerStudioFile(deps, { shopId: TEST_SHOP, channel: "upload", fileName, sourceKey: `${fileName}-${seed}`, bytes: bytes ?? (await shot()), actor: ACTOR, ...extra });
  const audit = (subjectId: string) => prisma.auditEvent.findMany({ where: { shopId: TEST_SHOP, subjectId }, orderBy: { id: "asc" } }).then((events) => events.map((e) => e.action));

  beforeAll(async () => {
    const [storePort] = testLoopbackPorts();
    emulator = await startTestStore({ port: storePort, productCount: 30 });
    await syncTestCatalog(prisma, ACTOR);
    products = await catalogProducts(prisma, 2);
    expect(products.length).toBeGreaterThanOrEqual(14);
    // Two products share a SKU (a merchant's copy-paste): their files are ambiguous.
    const [a, b] = products.splice(products.length - 2, 2);
    await prisma.productVariant.update({ where: { id: b!.variants[0]!.id }, data: { sku: a!.variants[0]!.sku } });
    products.push(a!, b!);
    clearStudioCatalogCache();
  });

  afterAll(async () => {
    await closeQueues();
    await emulator?.close();
  });

  it("matches a file named by any variant's SKU, in any case and with any separators, and makes it a studio asset in a studio order", async () => {
    const product = fresh();
    const variant = product.variants.find((v) => v.colour === product.colours[1])!;
    const name = `${variant.sku.toLowerCase().replace(/-/g, "_")}-FRONT.JPG`;
    const view = await register(name);
    expect(view).toMatchObject({ status: "ingested", productId: product.id, productTitle: product.title, sku: variant.sku, colour: product.colours[1], assetKind: "on-model-front", reason: null, matchedBy: "matched" });

    const asset = await prisma.asset.findUniqueOrThrow({ where: { id: view.assetId! }, include: { request: { include: { order: true } } } });
    expect(asset).toMatchObject({ source: "studio", kind: "image", status: "stored", provider: "studio", model: "studio-upload", operation: "studio-delivery", view: "on-model-front", colour: product.colours[1], costMicros: 0, postStatus: "queued", qcStatus: "queued", width: 480, height: 640 });
    expect(asset.recipeVersionId).not.toBeNull();
    expect(asset.request).toMatchObject({ source: "studio", asset: "on-model-front", status: "queued", candidatesWanted: 1, recipeVersionId: asset.recipeVersionId });
    expect(asset.request.order).toMatchObject({ source: "studio", status: "queued", productId: product.id });
    expect(started).toContain(asset.orderId);
    // The stored bytes are the file's, under their content address.
    const upload = await prisma.studioUpload.findUniqueOrThrow({ where: { id: view.id } });
    expect(upload.storageKey).toBe(asset.storageKey);
    expect((await sharp(await assetStore().get(upload.storageKey!)).metadata()).format).toBe("jpeg");
    expect(upload).toMatchObject({ contentType: "image/jpeg", sha256: expect.stringMatching(/^[0-9a-f]{64}$/), orderId: asset.orderId, variantIds: product.variants.filter((v) => v.colour === product.colours[1]).map((v) => v.id) });
    expect(await audit(view.id)).toEqual(["studio.file.received", "studio.file.matched", "studio.file.ingested"]);
  });

  it("gathers a product's files into its studio order while none has started, one request per view", async () => {
    const product = fresh();
    const front = await register(`${product.variants[0]!.sku}_front.jpg`);
    const order = await prisma.productionOrder.findUniqueOrThrow({ where: { id: (await prisma.asset.findUniqueOrThrow({ where: { id: front.assetId! } })).orderId } });
    const back = await register(`${product.variants[0]!.sku} back.jpg`);
    const packshot = await register(`${product.variants[0]!.sku}.packshot.png`, await sharp(await shot()).png().toBuffer());
    const assets = await prisma.asset.findMany({ where: { id: { in: [front.assetId!, back.assetId!, packshot.assetId!] } }, include: { request: true } });
    expect(new Set(assets.map((a) => a.orderId))).toEqual(new Set([order.id]));
    expect(assets.map((a) => a.request.asset).sort()).toEqual(["on-model-back", "on-model-front", "packshot"]);
    expect(assets.find((a) => a.request.asset === "packshot")?.contentType).toBe("image/png");
    // Each added file bumps the flow generation, so the flow added after it carries every file.
    expect((await prisma.productionOrder.findUniqueOrThrow({ where: { id: order.id } })).generation).toBe(order.generation + 2);

    // Once post-production has picked a file up, the next file opens a new order.
    await prisma.asset.update({ where: { id: front.assetId! }, data: { postStatus: "processing" } });
    const side = await register(`${product.variants[0]!.sku}_side.jpg`);
    expect((await prisma.asset.findUniqueOrThrow({ where: { id: side.assetId! } })).orderId).not.toBe(order.id);
  });

  it("lists an unknown SKU with the nearest SKUs, and an unknown view with the accepted words; nothing is dropped", async () => {
    const product = fresh();
    const sku = product.variants[0]!.sku;
    const typo = `${sku.slice(0, -1)}Q`;
    const unknown = await register(`${typo}_front.jpg`);
    expect(unknown).toMatchObject({ status: "unmatched", productId: null, assetId: null, assignable: true });
    expect(unknown.reason).toMatch(new RegExp(`^SKU "${typo}" is not in the catalog \\(did you mean .*${sku}.*\\?\\): rename the file or assign it by hand$`));
    expect(unknown.suggestions).toContain(sku);
    const view = await register(`${sku}_sideways.jpg`);
    expect(view).toMatchObject({ status: "unmatched" });
    expect(view.reason).toMatch(/^"sideways" is not a known view: name it front\/fr\/f/);
    expect(await audit(unknown.id)).toEqual(["studio.file.received", "studio.file.unmatched"]);
    expect(await prisma.asset.count({ where: { productId: product.id } })).toBe(0);
  });

  it("holds a SKU on two products as ambiguous, with both products to choose from", async () => {
    const [a, b] = products.slice(-2);
    const view = await register(`${a!.variants[0]!.sku}_packshot.jpg`);
    expect(view.status).toBe("ambiguous");
    expect(view.reason).toMatch(/belongs to 2 products .*: make the SKUs unique in Shopify or assign the file by hand$/);
    expect(view.candidates.sort((x, y) => x.productId.localeCompare(y.productId))).toEqual([a!, b!].map((p) => ({ productId: p.id, title: p.title })).sort((x, y) => x.productId.localeCompare(y.productId)));
  });

  it("recognises the same bytes delivered again, and a second shot of a view already delivered, and holds both for a person", async () => {
    const product = fresh();
    const bytes = await shot();
    const first = await register(`${product.variants[0]!.sku}_front.jpg`, bytes);
    expect(first.status).toBe("ingested");
    const again = await register(`${product.variants[0]!.sku}_detail.jpg`, bytes);
    expect(again).toMatchObject({ status: "duplicate", assetId: null, assignable: true });
    expect(again.reason).toMatch(new RegExp(`^the same file as ${product.variants[0]!.sku}_front\\.jpg, taken in on \\d{4}-\\d{2}-\\d{2}: discard it, or assign it by hand`));

    // Another size of the same colourway: the same shot, so it waits for a person.
    const sibling = product.variants.find((v) => v.colour === product.variants[0]!.colour && v.sku !== product.variants[0]!.sku)!;
    const retake = await register(`${sibling.sku}-Front.jpg`);
    expect(retake).toMatchObject({ status: "duplicate", productId: product.id, assetId: null });
    expect(retake.reason).toMatch(new RegExp(`already has a studio On-model, front, ${product.variants[0]!.colour} shot \\(${product.variants[0]!.sku}_front\\.jpg, taken in on \\d{4}-\\d{2}-\\d{2}\\): discard one, or assign this one by hand to keep both$`));
    // A duplicate is assigned by hand anyway when a person says so.
    const assigned = await assignStudioUpload(deps, TEST_SHOP, again.id, { productId: product.id, assetKind: "detail", colour: product.variants[0]!.colour }, ACTOR);
    expect(assigned).toMatchObject({ ok: true, upload: { status: "ingested", assetKind: "detail", matchedBy: "hand" } });
  });

  it("rejects files that are not a readable image, keeps them with the reason, and does not let them be assigned", async () => {
    const product = fresh();
    const bad = await problemImages();
    const truncated = await register(`${product.variants[0]!.sku}_front.jpg`, bad.truncatedJpeg);
    expect(truncated).toMatchObject({ status: "rejected", assetId: null, assignable: false });
    expect(truncated.reason).toMatch(/^the JPEG ends early .*upload the complete file again$/);
    const text = await register(`${product.variants[0]!.sku}_back.jpg`, bad.textNamedJpg);
    expect(text.reason).toMatch(/^the file is not an image \(it is a text file\), whatever its name says/);
    const empty = await register(`${product.variants[0]!.sku}_side.jpg`, Buffer.alloc(0));
    expect(empty).toMatchObject({ status: "rejected", reason: "the file is empty (0 bytes): upload it again" });
    // A rejected file's bytes stay in the store all the same (a person may want to see what arrived).
    expect((await prisma.studioUpload.findUniqueOrThrow({ where: { id: text.id } })).storageKey).toMatch(/^sha256\//);

    const refused = await assignStudioUpload(deps, TEST_SHOP, truncated.id, { productId: product.id, assetKind: "on-model-front", colour: product.colours[0] }, ACTOR);
    expect(refused).toEqual({ ok: false, errors: { uploadId: expect.stringMatching(/not an image Shotlane can read/) } });
    expect(await prisma.asset.count({ where: { productId: product.id } })).toBe(0);
  });

  it("assigns an unmatched file by hand (errors name the field), and sets another aside", async () => {
    const product = fresh();
    const file = await register(`DSC04711.jpg`);
    expect(file.status).toBe("unmatched");
    expect(file.reason).toMatch(/does not follow the naming convention \{sku\}_\{view\}/);

    expect(await assignStudioUpload(deps, TEST_SHOP, file.id, { productId: "gid://shopify/Product/1", assetKind: "video" }, ACTOR)).toEqual({
      ok: false,
      errors: { assetKind: expect.stringMatching(/^choose the view the file shows/) },
    });
    expect(await assignStudioUpload(deps, TEST_SHOP, file.id, { productId: "gid://shopify/Product/999999", assetKind: "packshot" }, ACTOR)).toEqual({ ok: false, errors: { productId: "choose a product of this shop" } });
    expect(await assignStudioUpload(deps, TEST_SHOP, file.id, { productId: product.id, assetKind: "packshot" }, ACTOR)).toEqual({ ok: false, errors: { colour: expect.stringMatching(/^choose which colourway of .* the file shows: /) } });
    expect(await assignStudioUpload(deps, TEST_SHOP, file.id, { productId: product.id, assetKind: "packshot", colour: "Plaid" }, ACTOR)).toEqual({ ok: false, errors: { colour: expect.stringMatching(/^"Plaid" is not a colour of .*: choose /) } });

    const assigned = await assignStudioUpload(deps, TEST_SHOP, file.id, { productId: product.id, assetKind: "packshot", colour: product.colours[1]!.toUpperCase() }, ACTOR);
    expect(assigned).toMatchObject({ ok: true, upload: { status: "ingested", productId: product.id, colour: product.colours[1], assetKind: "packshot", matchedBy: "hand" } });
    const row = await prisma.studioUpload.findUniqueOrThrow({ where: { id: file.id } });
    expect(row.assignedBy).toBe(ACTOR);
    expect(await audit(file.id)).toEqual(["studio.file.received", "studio.file.unmatched", "studio.file.assigned", "studio.file.ingested"]);
    expect(await assignStudioUpload(deps, TEST_SHOP, file.id, { productId: product.id, assetKind: "packshot", colour: product.colours[1] }, ACTOR)).toEqual({ ok: false, errors: { uploadId: "it is ingested: only unmatched, ambiguous, duplicate or rejected files can be assigned" } });

    const other = await register(`holiday-snap.jpg`);
    const discarded = await discardStudioUpload(prisma, TEST_SHOP, other.id, ACTOR);
    expect(discarded.status).toBe("discarded");
    expect(discarded.reason).toMatch(new RegExp(`^set aside by ${ACTOR} on \\d{4}-\\d{2}-\\d{2} \\(it was unmatched: `));
    await expect(discardStudioUpload(prisma, TEST_SHOP, other.id, ACTOR)).rejects.toThrow(StudioIntakeError);
    await expect(discardStudioUpload(prisma, TEST_SHOP, file.id, ACTOR)).rejects.toThrow(/already an asset: reject it in Review instead/);
    expect(await audit(other.id)).toContain("studio.file.discarded");
  });

  it("makes one asset when the same upload is completed or assigned twice at once", async () => {
    const product = fresh();
    const bytes = await shot();
    const row = await prisma.studioUpload.create({ data: { shopId: TEST_SHOP, channel: "upload", fileName: `${product.variants[0]!.sku}_front.jpg`, sourceKey: "resume-key", size: bytes.length, receivedBytes: bytes.length, status: "uploading", createdBy: ACTOR } });
    const views = await Promise.all([0, 1, 2].map(() => register(row.fileName, bytes, { uploadId: row.id })));
    expect(views.map((v) => v.status)).toEqual(["ingested", "ingested", "ingested"]);
    expect(new Set(views.map((v) => v.assetId)).size).toBe(1);
    expect(await prisma.asset.count({ where: { productId: product.id } })).toBe(1);
    // A completed upload called again changes nothing.
    expect((await register(row.fileName, bytes, { uploadId: row.id })).assetId).toBe(views[0]!.assetId);

    const loose = await register(`unknown-thing_front.jpg`);
    const input = { productId: product.id, assetKind: "packshot", colour: product.colours[0] };
    const outcomes = await Promise.all([0, 1, 2].map(() => assignStudioUpload(deps, TEST_SHOP, loose.id, input, ACTOR)));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(await prisma.asset.count({ where: { productId: product.id } })).toBe(2);
  });

  it("marks the views delivered on sent shot lists, and a list whose every line arrived as delivered", async () => {
    const product = fresh();
    const [black, other] = product.colours;
    const sku = (colour: string) => product.variants.find((v) => v.colour === colour)!.sku;
    const list = await prisma.shotList.create({ data: { shopId: TEST_SHOP, number: 1, status: "sent", createdBy: ACTOR, sentAt: new Date() } });
    const draft = await prisma.shotList.create({ data: { shopId: TEST_SHOP, number: 2, status: "draft", createdBy: ACTOR } });
    const line = (shotListId: string, colourway: string | null, position: number) => ({ shotListId, shopId: TEST_SHOP, productId: product.id, position, studioDay: new Date(), productTitle: product.title, colourway, views: ["on-model-front", "packshot"], images: 2 });
    await prisma.shotListLine.createMany({ data: [line(list.id, black!, 0), line(list.id, other!, 1), line(draft.id, black!, 0)] });

    await register(`${sku(black!)}_front.jpg`);
    await register(`${sku(black!)}_packshot.jpg`);
    await register(`${sku(other!)}_front.jpg`);
    let lines = await prisma.shotListLine.findMany({ where: { productId: product.id }, orderBy: [{ shotListId: "asc" }, { position: "asc" }] });
    expect(lines.filter((l) => l.shotListId === list.id).map((l) => [l.colourway, l.deliveredViews])).toEqual([
      [black, ["on-model-front", "packshot"]],
      [other, ["on-model-front"]],
    ]);
    expect(lines.find((l) => l.shotListId === draft.id)?.deliveredViews).toEqual([]);
    expect((await prisma.shotList.findUniqueOrThrow({ where: { id: list.id } })).status).toBe("sent");

    const last = await register(`${sku(other!).toLowerCase()}_packshot.jpg`);
    const delivered = await prisma.shotList.findUniqueOrThrow({ where: { id: list.id } });
    expect(delivered.status).toBe("delivered");
    expect(delivered.deliveredAt).not.toBeNull();
    expect((await prisma.auditEvent.findFirstOrThrow({ where: { subjectId: last.id, action: "studio.file.ingested" } })).data).toMatchObject({ shotListLines: 1, shotListsDelivered: [list.id] });
    lines = await prisma.shotListLine.findMany({ where: { shotListId: draft.id } });
    expect(lines[0]!.deliveredViews).toEqual([]);
  });

  it("delivers the product's earlier orders that waited for the studio once the studio request succeeds", async () => {
    const product = fresh();
    const earlier = await prisma.productionOrder.create({ data: { shopId: TEST_SHOP, productId: product.id, status: "completed", source: "manual", requestedBy: ACTOR, finishedAt: new Date() } });
    const waiting = await prisma.assetRequest.create({ data: { shopId: TEST_SHOP, orderId: earlier.id, productId: product.id, asset: "on-model-front", source: "studio", status: "waiting-studio", candidatesWanted: 0 } });
    const other = await prisma.assetRequest.create({ data: { shopId: TEST_SHOP, orderId: earlier.id, productId: product.id, asset: "packshot", source: "studio", status: "waiting-studio", candidatesWanted: 0 } });

    const view = await register(`${product.variants[0]!.sku}_front.jpg`);
    const asset = await prisma.asset.findUniqueOrThrow({ where: { id: view.assetId! } });
    // Still in post-production: the order runs, the earlier order still waits.
    expect(await settleOrder(prisma, asset.orderId)).toBe("running");
    expect((await prisma.assetRequest.findUniqueOrThrow({ where: { id: waiting.id } })).status).toBe("waiting-studio");

    await prisma.asset.update({ where: { id: asset.id }, data: { postStatus: "done", qcStatus: "done", reviewStatus: "awaiting-review" } });
    expect(await settleOrder(prisma, asset.orderId)).toBe("completed");
    expect((await prisma.assetRequest.findUniqueOrThrow({ where: { id: asset.requestId } })).status).toBe("succeeded");
    expect((await prisma.assetRequest.findUniqueOrThrow({ where: { id: waiting.id } })).status).toBe("succeeded");
    expect((await prisma.assetRequest.findUniqueOrThrow({ where: { id: other.id } })).status).toBe("waiting-studio");
    expect((await prisma.product.findUniqueOrThrow({ where: { id: product.id } })).producedAssets).toContain("on-model-front");
    expect((await prisma.productionOrder.findUniqueOrThrow({ where: { id: earlier.id } })).status).toBe("completed");
  });

  it("lists the shop's files newest first, by status, 50 a page, with every status counted and titles in one go", async () => {
    const all = await listStudioUploads(prisma, TEST_SHOP);
    expect(all.total).toBeGreaterThan(20);
    expect(all.uploads.map((u) => u.createdAt)).toEqual([...all.uploads.map((u) => u.createdAt)].sort().reverse());
    expect(Object.values(all.counts).reduce((a, b) => a + b, 0)).toBe(all.total);
    expect(all.counts).toMatchObject({ ingested: expect.any(Number), unmatched: expect.any(Number), rejected: 3, ambiguous: 1, discarded: 1 });
    const ambiguous = await listStudioUploads(prisma, TEST_SHOP, { status: ["ambiguous"] });
    expect(ambiguous.uploads).toHaveLength(1);
    expect(ambiguous.uploads[0]!.candidates.every((c) => c.title !== c.productId)).toBe(true);
    const ingested = await listStudioUploads(prisma, TEST_SHOP, { status: ["ingested"] });
    expect(ingested.uploads.every((u) => u.productTitle !== null)).toBe(true);

    await prisma.studioUpload.createMany({ data: Array.from({ length: 60 }, (_, i) => ({ shopId: TEST_SHOP, channel: "watch", fileName: `bulk-${i}.jpg`, sourceKey: `bulk/${i}`, watchKey: `bulk/${i}|1|1`, size: 1, status: "failed", reason: "test", createdBy: ACTOR })) });
    const page1 = await listStudioUploads(prisma, TEST_SHOP, { status: ["failed"] });
    const page2 = await listStudioUploads(prisma, TEST_SHOP, { status: ["failed"], page: 2 });
    expect([page1.uploads.length, page2.uploads.length, page1.total]).toEqual([50, 10, 60]);
    expect(new Set([...page1.uploads, ...page2.uploads].map((u) => u.id)).size).toBe(60);
    await prisma.studioUpload.deleteMany({ where: { shopId: TEST_SHOP, status: "failed" } });
  });

  describe("through the real workers", () => {
    let workers: ReturnType<typeof startWorkers>;
    const live: StudioIntakeDeps = { db: prisma, store: assetStore(), demo: true };

    beforeAll(async () => {
      // The cases above left their orders queued without flows; the reconciler must not pick them up here.
      await prisma.productionOrder.updateMany({ where: { shopId: TEST_SHOP, status: { in: ["queued", "running"] } }, data: { status: "canceled" } });
      workers = startWorkers({ error: () => undefined, info: () => undefined });
    });

    afterAll(async () => {
      await stopWorkers(workers);
    });

    it("takes a studio file through post-production, the checks and review to a READY image on the store's product, and recovers a flow lost in a crash", async () => {
      const product = fresh();
      const colour = product.colours[0]!;
      const variant = product.variants.find((v) => v.colour === colour)!;
      const lost = fresh();

      const view = await registerStudioFile(live, { shopId: TEST_SHOP, channel: "upload", fileName: `${variant.sku}_front.jpg`, sourceKey: "e2e", bytes: await studioShot(7, 960, 1280), actor: ACTOR });
      expect(view.status).toBe("ingested");
      // A crash between the commit and the enqueue: the rows are there, the flow is not.
      const crashed = registerStudioFile({ ...live, startOrder: async () => Promise.reject(new Error("worker killed")) }, { shopId: TEST_SHOP, channel: "upload", fileName: `${lost.variants[0]!.sku}_packshot.jpg`, sourceKey: "crash", bytes: await studioShot(8, 960, 1280), actor: ACTOR });
      await expect(crashed).rejects.toThrow("worker killed");
      const stranded = await prisma.studioUpload.findFirstOrThrow({ where: { shopId: TEST_SHOP, sourceKey: "crash" } });
      expect(stranded.status).toBe("ingested");
      const reconciled = await reconcileProduction(prisma, { shopId: TEST_SHOP, minAgeMs: 0 });
      expect(reconciled.requeued).toContain(stranded.orderId);

      const reviewed = await waitFor("the studio asset in review", async () => {
        const asset = await prisma.asset.findUniqueOrThrow({ where: { id: view.assetId! } });
        return asset.reviewStatus === "awaiting-review" && asset;
      });
      expect(reviewed).toMatchObject({ source: "studio", postStatus: "done", qcStatus: "done", qcVerdict: expect.stringMatching(/^(pass|flag|reject)$/) });
      const renditions = await prisma.assetRendition.findMany({ where: { assetId: view.assetId! } });
      expect(renditions.map((r) => r.channel)).toContain("pdp-square");

      const { media: attached } = await approveAndWaitForStoreMedia(prisma, REVIEWER, view.assetId!, product.id, waitFor);
      expect(attached).toMatchObject({ mediaContentType: "IMAGE", status: "READY" });
      expect(attached!.alt).toMatch(new RegExp(`^${product.title} – ${colour} – .*front`, "i"));

      const order = await prisma.productionOrder.findUniqueOrThrow({ where: { id: reviewed.orderId } });
      expect(order).toMatchObject({ source: "studio", status: "completed" });
      expect((await prisma.product.findUniqueOrThrow({ where: { id: product.id } })).producedAssets).toContain("on-model-front");
      const trail = await prisma.auditEvent.findMany({ where: { shopId: TEST_SHOP, OR: [{ subjectId: view.id }, { subjectId: view.assetId! }, { subjectId: product.id }] }, orderBy: { id: "asc" } });
      expect(trail.map((e) => e.action)).toEqual(expect.arrayContaining(["studio.file.ingested", "review.approved", "publishing.published"]));
      expect(trail.find((e) => e.action === "studio.file.ingested")?.data).toMatchObject({ assetId: view.assetId });
      expect(reviewed.provider).toBe("studio");

      // The flow lost in the crash was re-created by the reconciler and finished too.
      await waitFor("the reconciled studio asset in review", async () => {
        const asset = await prisma.asset.findUniqueOrThrow({ where: { id: stranded.assetId! } });
        return asset.reviewStatus === "awaiting-review" && asset.postStatus === "done";
      });

      // A studio file post-production refused (here: a budget stop on background removal) is retried with its order, not uploaded again.
      await prisma.asset.update({ where: { id: stranded.assetId! }, data: { postStatus: "failed", postErrorCode: "budget", postError: "Background removal was not run", reviewStatus: null, qcStatus: "skipped" } });
      const refused = await prisma.asset.findUniqueOrThrow({ where: { id: stranded.assetId! } });
      expect(await settleRequest(prisma, refused.requestId)).toBe("failed");
      expect(await settleOrder(prisma, stranded.orderId!)).toBe("failed");
      expect(await retryOrder(prisma, TEST_SHOP, stranded.orderId!, ACTOR)).toEqual({ candidates: 1 });
      await waitFor("the retried studio asset in review", async () => {
        const asset = await prisma.asset.findUniqueOrThrow({ where: { id: stranded.assetId! } });
        return asset.reviewStatus === "awaiting-review" && asset.postStatus === "done" && asset.qcStatus === "done";
      });
      // The order's own job settles it once the request's job has run.
      await waitFor("the retried order completed", async () => (await prisma.productionOrder.findUniqueOrThrow({ where: { id: stranded.orderId! } })).status === "completed");
    });
  });
});
