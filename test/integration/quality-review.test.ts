import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { requestCatalogSync, runCatalogSync } from "../../app/catalog/catalog-sync.server";
import { qcJobId, requeueOrder } from "../../app/production/production-flow.server";
import { sendToProduction } from "../../app/production/production-orders.server";
import { QC_CHECKS, type QcReport } from "../../app/qc/qc-check";
import { MAX_THUMB_BYTES, THUMB_EDGE } from "../../app/qc/quality-check.server";
import { resolveRecipeForProduct, saveRecipeVersion } from "../../app/recipes/recipes.server";
import { approveAllPassed, decideReview, masterDownload, uploadRetouch, type ReviewDeps } from "../../app/review/review-actions.server";
import { reviewFiltersSchema } from "../../app/review/review-filters";
import { unauthenticated } from "../../app/shopify.server";
import { assetStore } from "../../app/storage/asset-store.server";
import { closeQueues, getQueue, qualityCheckQueue } from "../../jobs/queues";
import { startWorkers, stopWorkers } from "../../jobs/workers";
import { startTestStore, TEST_SHOP } from "../support/emulator";
import { goodJpeg, problemImages } from "../support/problem-images";
import { testLoopbackPorts } from "../support/test-env";
import { poller } from "../support/wait-for";

const REVIEWER = { shopId: TEST_SHOP, actor: "user:reviewer-1" };
const BRAND = { shopId: TEST_SHOP, actor: "user:brand-2" };
const FINISHED = ["completed", "partial", "failed", "canceled"];
const IMAGE_CHECKS = Object.entries(QC_CHECKS)
  .filter(([id, c]) => c.media === "image" && id !== "near-duplicate")
  .map(([id]) => id)
  .sort();

const waitFor = poller({ timeoutMs: 90_000, intervalMs: 150 });

async function settledOrder(orderId: string) {
  return waitFor(`order ${orderId}`, async () => {
    const order = await prisma.productionOrder.findUniqueOrThrow({ where: { id: orderId } });
    return FINISHED.includes(order.status) && order;
  });
}

describe("quality gates and review in the worker (real Redis flows, PostgreSQL, sharp, the store emulator over HTTP)", () => {
  let emulator: Awaited<ReturnType<typeof startTestStore>>;
  let workers: ReturnType<typeof startWorkers>;
  const deps: ReviewDeps = { db: prisma, store: assetStore(), requeueOrder: (orderId) => requeueOrder(prisma, orderId) };
  let products: { id: string; productType: string; tags: { tag: string }[] }[];

  beforeAll(async () => {
    const [storePort] = testLoopbackPorts();
    emulator = await startTestStore({ port: storePort, productCount: 6 });
    const { admin } = await unauthenticated.admin(TEST_SHOP);
    const run = await requestCatalogSync(prisma, async () => undefined, { shopId: TEST_SHOP, requestedBy: REVIEWER.actor, kind: "paginated" });
    expect((await runCatalogSync({ db: prisma, admin, syncRunId: run.id, bulkPollMs: 50 })).status).toBe("succeeded");
    await prisma.product.updateMany({ where: { shopId: TEST_SHOP }, data: { tier: 3, tierSource: "default" } });
    await prisma.productionPlan.upsert({ where: { shopId_tier: { shopId: TEST_SHOP, tier: 3 } }, create: { shopId: TEST_SHOP, tier: 3, items: [{ asset: "on-model-front", source: "ai" }] }, update: { items: [{ asset: "on-model-front", source: "ai" }] } });
    products = await prisma.product.findMany({ where: { shopId: TEST_SHOP, featuredImageUrl: { not: null } }, include: { tags: true }, orderBy: { id: "asc" } });
    workers = startWorkers({ error: () => undefined, info: () => undefined });
  });

  afterAll(async () => {
    await stopWorkers(workers);
    await closeQueues();
    await emulator?.close();
  });

  async function produce(product: (typeof products)[number], qc: Record<string, unknown>, candidatesPerView = 2) {
    const current = await resolveRecipeForProduct(prisma, TEST_SHOP, { productType: product.productType, tags: product.tags.map((t) => t.tag) }, { demo: true });
    const saved = await saveRecipeVersion(prisma, TEST_SHOP, current.categoryKey, { ...structuredClone(current.spec), candidatesPerView, video: null, qc }, REVIEWER.actor, "qc test");
    expect(saved.ok).toBe(true);
    const sent = await sendToProduction(prisma, TEST_SHOP, [product.id], { actor: REVIEWER.actor, source: "manual", demo: true });
    expect(sent.skipped).toEqual([]);
    return settledOrder(sent.created[0]!.orderId);
  }

  it("checks every candidate after post-production: all image checks scored, a ≤ 30 KB thumbnail, and each candidate waiting for a person", async () => {
    const order = await produce(products[0]!, {});
    expect(order.status).toBe("completed");
    const assets = await prisma.asset.findMany({ where: { orderId: order.id }, orderBy: { candidateIndex: "asc" } });
    expect(assets).toHaveLength(2);
    for (const asset of assets) {
      expect(asset).toMatchObject({ postStatus: "done", qcStatus: "done", qcVerdict: expect.stringMatching(/^(pass|flag|reject)$/) });
      const report = asset.qcReport as unknown as QcReport;
      expect(report.checks.filter((c) => c.check !== "near-duplicate").map((c) => c.check).sort()).toEqual(IMAGE_CHECKS);
      // The product's flat-lay came from the store over HTTP, so the garment's colour was measured, not skipped.
      const garment = report.checks.find((c) => c.check === "garment-colour")!;
      expect(garment.score, garment.reason).not.toBeNull();
      // The dashboard's ΔE distribution reads the column QC fills beside the report.
      expect(asset.qcDeltaE).toBe(garment.score);
      expect(report.verdict).toBe(asset.qcVerdict);
      expect(asset.phash).toMatch(/^[0-9a-f]{16}$/);
      const thumb = await assetStore().get(asset.thumbKey!);
      const meta = await sharp(thumb).metadata();
      expect(meta.format).toBe("webp");
      expect(thumb.length).toBeLessThanOrEqual(MAX_THUMB_BYTES);
      expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(THUMB_EDGE);
      for (const key of Object.values(report.overlays)) expect((await sharp(await assetStore().get(key)).metadata()).format).toBe("png");
      if (asset.reviewStatus === "duplicate") expect(assets.find((a) => a.id === asset.duplicateOfId)?.reviewStatus).toBe("awaiting-review");
      else expect(asset.reviewStatus).toBe("awaiting-review");
    }
    expect(assets.some((a) => a.reviewStatus === "awaiting-review")).toBe(true);
    const job = await getQueue(qualityCheckQueue).getJob(qcJobId(assets[0]!.id, order.generation));
    expect(await job?.isCompleted()).toBe(true);
  });

  it("regenerates a rejected AI candidate automatically up to the recipe's limit, then hands it to a person with the reject verdict", async () => {
    // A sharpness floor no image meets: every candidate is rejected for something a new seed could fix.
    const order = await produce(products[1]!, { thresholds: { sharpness: { flag: 1e9, reject: 1e9 } }, autoRegenerate: 1 }, 1);
    expect(order.status).toBe("completed");
    const assets = await prisma.asset.findMany({ where: { orderId: order.id }, orderBy: { candidateIndex: "asc" } });
    expect(assets.map((a) => [a.candidateIndex, a.regenerations, a.qcVerdict, a.reviewStatus])).toEqual([
      [0, 0, "reject", "auto-rejected"],
      [1, 1, "reject", "awaiting-review"],
    ]);
    expect(assets[1]!.regeneratedFromId).toBe(assets[0]!.id);
    expect(assets[1]!.seed).not.toBe(assets[0]!.seed);
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { shopId: TEST_SHOP, action: "qc.regenerated", subjectId: assets[0]!.id } });
    expect(audit.actor).toBe("system:qc");
    expect((audit.data as { scores: Record<string, [number, string]> }).scores.sharpness?.[1]).toBe("reject");
  });

  it("does not pay for a regeneration that cannot help: a reject for resolution goes straight to a person", async () => {
    const order = await produce(products[2]!, { thresholds: { resolution: { flag: 100, reject: 100 } }, autoRegenerate: 3 }, 1);
    const assets = await prisma.asset.findMany({ where: { orderId: order.id } });
    expect(assets.map((a) => [a.regenerations, a.qcVerdict, a.reviewStatus])).toEqual([[0, "reject", "awaiting-review"]]);
    const resolution = (assets[0]!.qcReport as unknown as QcReport).checks.find((c) => c.check === "resolution")!;
    expect(resolution.verdict).toBe("reject");
  });

  it("checks a product video: duration, resolution, frame rate, codec, size and its first frame against the flat-lay", async () => {
    const product = products[3]!;
    await prisma.productionPlan.update({ where: { shopId_tier: { shopId: TEST_SHOP, tier: 3 } }, data: { items: [{ asset: "video", source: "ai" }] } });
    try {
      const current = await resolveRecipeForProduct(prisma, TEST_SHOP, { productType: product.productType, tags: product.tags.map((t) => t.tag) }, { demo: true });
      expect(current.spec.video).not.toBeNull();
      const sent = await sendToProduction(prisma, TEST_SHOP, [product.id], { actor: REVIEWER.actor, source: "manual", demo: true });
      const order = await settledOrder(sent.created[0]!.orderId);
      const [clip] = await prisma.asset.findMany({ where: { orderId: order.id } });
      expect(clip).toMatchObject({ kind: "video", status: "stored", qcStatus: "done", reviewStatus: expect.stringMatching(/^(awaiting-review|auto-rejected)$/) });
      const report = clip!.qcReport as unknown as QcReport;
      const videoChecks = Object.entries(QC_CHECKS).filter(([, c]) => c.media === "video").map(([id]) => id).sort();
      expect(report.checks.map((c) => c.check).sort()).toEqual(videoChecks);
      // The demo clip is H.264 from ffmpeg at the recipe's length: those checks measure and pass.
      const byCheck = Object.fromEntries(report.checks.map((c) => [c.check, c]));
      expect(byCheck["video-codec"]).toMatchObject({ score: 0, verdict: "pass" });
      expect(byCheck["video-duration"]!.score).toBeLessThanOrEqual(0.5);
      expect(byCheck["video-first-frame"]!.score, byCheck["video-first-frame"]!.reason).not.toBeNull();
      const thumb = await assetStore().get(clip!.thumbKey!);
      expect(thumb.length).toBeLessThanOrEqual(MAX_THUMB_BYTES);
    } finally {
      await prisma.productionPlan.update({ where: { shopId_tier: { shopId: TEST_SHOP, tier: 3 } }, data: { items: [{ asset: "on-model-front", source: "ai" }] } });
    }
  });

  it("records approve, reject and flag decisions with who, what and the scores; refuses a reject without its reason's note and a decision on a stale state", async () => {
    const open = await prisma.asset.findMany({ where: { shopId: TEST_SHOP, reviewStatus: "awaiting-review" }, orderBy: { createdAt: "asc" } });
    expect(open.length).toBeGreaterThanOrEqual(2);
    const [a, b] = open;

    expect(await decideReview(REVIEWER, { intent: "reject", assetIds: [b!.id], reason: "other" }, deps)).toEqual({ ok: false, errors: { note: "say what is wrong when the reason is Other" } });
    expect(await decideReview(REVIEWER, { intent: "approve", assetIds: ["not an id"] }, deps)).toMatchObject({ ok: false, errors: { assetIds: expect.stringContaining("reload the grid") } });

    const flagged = await decideReview(REVIEWER, { intent: "flag", assetIds: [a!.id], flagged: true }, deps);
    expect(flagged).toMatchObject({ ok: true, changed: 1 });
    const approved = await decideReview(REVIEWER, { intent: "approve", assetIds: [a!.id], note: "looks right" }, deps);
    expect(approved).toMatchObject({ ok: true, changed: 1, message: "1 asset approved" });
    const again = await decideReview(REVIEWER, { intent: "approve", assetIds: [a!.id] }, deps);
    expect(again).toMatchObject({ ok: true, changed: 0, skipped: [{ assetId: a!.id, reason: "it is approved, so it cannot be approved" }] });
    const rejected = await decideReview(REVIEWER, { intent: "reject", assetIds: [b!.id], reason: "colour-drift", note: "navy reads teal" }, deps);
    expect(rejected).toMatchObject({ ok: true, changed: 1 });

    const [rowA, rowB] = await Promise.all([prisma.asset.findUniqueOrThrow({ where: { id: a!.id } }), prisma.asset.findUniqueOrThrow({ where: { id: b!.id } })]);
    expect(rowA).toMatchObject({ reviewStatus: "approved", reviewedBy: REVIEWER.actor, reviewFlagged: false, reviewNote: "looks right" });
    expect(rowB).toMatchObject({ reviewStatus: "rejected", rejectReason: "colour-drift", reviewNote: "navy reads teal" });
    const trail = await prisma.auditEvent.findMany({ where: { shopId: TEST_SHOP, subjectType: "asset", subjectId: { in: [a!.id, b!.id] }, action: { startsWith: "review." } }, orderBy: { id: "asc" } });
    expect(trail.map((e) => [e.subjectId, e.action, e.actor])).toEqual([
      [a!.id, "review.flagged", REVIEWER.actor],
      [a!.id, "review.approved", REVIEWER.actor],
      [b!.id, "review.rejected", REVIEWER.actor],
    ]);
    const scores = (trail[1]!.data as { scores: Record<string, [number | null, string]> }).scores;
    const report = rowA.qcReport as unknown as QcReport;
    expect(scores["garment-colour"]).toEqual([report.checks.find((c) => c.check === "garment-colour")!.score, report.checks.find((c) => c.check === "garment-colour")!.verdict]);
  });

  it("asks for the brand's sign-off from a second person when the shop requires it", async () => {
    await prisma.reviewSettings.upsert({ where: { shopId: TEST_SHOP }, create: { shopId: TEST_SHOP, brandSignOff: true }, update: { brandSignOff: true } });
    try {
      const asset = await prisma.asset.findFirstOrThrow({ where: { shopId: TEST_SHOP, reviewStatus: "awaiting-review" } });
      expect(await decideReview(REVIEWER, { intent: "approve", assetIds: [asset.id] }, deps)).toMatchObject({ ok: true, changed: 1, message: "1 asset approved (now awaiting brand sign-off)" });
      expect(await decideReview(REVIEWER, { intent: "sign-off", assetIds: [asset.id] }, deps)).toMatchObject({ ok: true, changed: 0, skipped: [{ reason: expect.stringContaining("someone other than the reviewer") }] });
      expect(await decideReview(BRAND, { intent: "sign-off", assetIds: [asset.id] }, deps)).toMatchObject({ ok: true, changed: 1 });
      expect(await prisma.asset.findUniqueOrThrow({ where: { id: asset.id } })).toMatchObject({ reviewStatus: "approved", reviewedBy: REVIEWER.actor, signedOffBy: BRAND.actor });
    } finally {
      await prisma.reviewSettings.update({ where: { shopId: TEST_SHOP }, data: { brandSignOff: false } });
    }
  });

  it("regenerates on a reviewer's request: a new candidate with a new seed is generated, post-produced and checked", async () => {
    const rejected = await prisma.asset.findFirstOrThrow({ where: { shopId: TEST_SHOP, reviewStatus: "rejected" } });
    const outcome = await decideReview(REVIEWER, { intent: "regenerate", assetIds: [rejected.id] }, deps);
    expect(outcome).toMatchObject({ ok: true, changed: 1 });
    const successor = await waitFor("the regenerated candidate to be checked", () => prisma.asset.findFirst({ where: { regeneratedFromId: rejected.id, qcStatus: "done" } }));
    expect(successor).toMatchObject({ requestId: rejected.requestId, status: "stored", postStatus: "done", regenerations: rejected.regenerations + 1 });
    expect(successor.seed).not.toBe(rejected.seed);
    expect((await prisma.asset.findUniqueOrThrow({ where: { id: rejected.id } })).reviewStatus).toBe("superseded");
    expect((await settledOrder(rejected.orderId)).status).toBe("completed");
  });

  it("takes a retouched file: a broken upload is refused by field, a good one goes through post-production and QC again and replaces the original", async () => {
    const asset = await prisma.asset.findFirstOrThrow({ where: { shopId: TEST_SHOP, reviewStatus: "awaiting-review", kind: "image" } });
    expect(await decideReview(REVIEWER, { intent: "retouch", assetIds: [asset.id] }, deps)).toMatchObject({ ok: true, changed: 1 });
    const download = await masterDownload(REVIEWER, asset.id, deps);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename=".+_master\.(png|jpg)"$/);
    expect(Buffer.from(await download.arrayBuffer()).equals(await assetStore().get(asset.storageKey!))).toBe(true);
    expect((await masterDownload({ shopId: "other-shop.myshopify.com", actor: "user:x" }, asset.id, deps)).status).toBe(404);

    const bad = await problemImages();
    const refused = await uploadRetouch(REVIEWER, asset.id, new File([new Uint8Array(bad.truncatedJpeg)], "fixed.jpg", { type: "image/jpeg" }), deps);
    expect(refused).toMatchObject({ ok: false, errors: { file: expect.stringMatching(/truncated|cut off|incomplete/i) } });
    expect((await prisma.asset.findUniqueOrThrow({ where: { id: asset.id } })).reviewStatus).toBe("retouch");

    const uploaded = await uploadRetouch(REVIEWER, asset.id, new File([new Uint8Array(await goodJpeg())], "fixed.jpg", { type: "image/jpeg" }), deps);
    expect(uploaded).toMatchObject({ ok: true, changed: 1 });
    const retouched = await waitFor("the retouched file to be checked", () => prisma.asset.findFirst({ where: { retouchOfId: asset.id, qcStatus: "done" }, include: { renditions: true } }));
    expect(retouched).toMatchObject({ source: asset.source, operation: "retouch", status: "stored", postStatus: "done", reviewStatus: "awaiting-review" });
    expect(retouched.renditions.length).toBeGreaterThan(0);
    expect((await prisma.asset.findUniqueOrThrow({ where: { id: asset.id } })).reviewStatus).toBe("superseded");
    expect(await prisma.auditEvent.count({ where: { action: "review.retouch-uploaded", subjectId: asset.id } })).toBe(1);
  });

  it("approves all passed assets the filters select, and only those", async () => {
    const open = await prisma.asset.findMany({ where: { shopId: TEST_SHOP, reviewStatus: "awaiting-review" }, select: { id: true, qcVerdict: true } });
    // Make the outcome independent of what the demo composition scored: one passed, one flagged.
    expect(open.length).toBeGreaterThanOrEqual(2);
    await prisma.asset.update({ where: { id: open[0]!.id }, data: { qcVerdict: "pass" } });
    await prisma.asset.update({ where: { id: open[1]!.id }, data: { qcVerdict: "flag" } });
    const passed = (await prisma.asset.findMany({ where: { shopId: TEST_SHOP, reviewStatus: "awaiting-review", qcVerdict: "pass" }, select: { id: true } })).map((a) => a.id);
    const outcome = await approveAllPassed(REVIEWER, reviewFiltersSchema.parse({}), deps);
    expect(outcome).toMatchObject({ ok: true, changed: passed.length });
    expect((await prisma.asset.findUniqueOrThrow({ where: { id: open[1]!.id } })).reviewStatus).toBe("awaiting-review");
    expect(await prisma.asset.count({ where: { id: { in: passed }, reviewStatus: "approved" } })).toBe(passed.length);
  });
});
