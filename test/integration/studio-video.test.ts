import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { randomBytes } from "node:crypto";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { retryOrder } from "../../app/production/production-orders.server";
import { recipeSpecSchema } from "../../app/recipes/recipe-spec";
import { assetStore } from "../../app/storage/asset-store.server";
import { clearStudioCatalogCache, registerStudioFile, type StudioIntakeDeps } from "../../app/studio/studio-intake.server";
import { probeMedia, runFfmpeg, withTempDir } from "../../app/video/ffmpeg.server";
import { isFaststart } from "../../app/video/mp4-boxes";
import type { StudioVideoReport } from "../../app/video/studio-video.server";
import { fitWithin } from "../../app/video/video-spec";
import { closeQueues } from "../../jobs/queues";
import { startWorkers, stopWorkers } from "../../jobs/workers";
import { startTestStore, TEST_SHOP } from "../support/emulator";
import { approveAndWaitForStoreMedia, catalogProducts, studioShot, syncTestCatalog, type CatalogProduct } from "../support/studio-fixtures";
import { testLoopbackPorts } from "../support/test-env";
import { poller } from "../support/wait-for";

/**
 * Studio clips (issue #8) through the real intake, the real workers (ffmpeg
 * normalisation in post-production, the video checks, publishing) and the
 * store emulator over HTTP. The clips are made by ffmpeg here: MPEG-4 Part 2
 * in an MP4 with its moov atom last, as cameras write them, so the
 * normalised H.264 faststart file is visibly not the delivered one.
 */

const ACTOR = "user:studio-manager";
const REVIEWER = { shopId: TEST_SHOP, actor: "user:reviewer" };

const waitFor = poller({ timeoutMs: 90_000, intervalMs: 100 });

/** A camera-style clip: MPEG-4 Part 2 video and AAC sound in an MP4 without faststart. */
async function cameraClip(options: { width: number; height: number; seconds: number }): Promise<Buffer> {
  return withTempDir("studio-clip", async (dir) => {
    const out = path.join(dir, "clip.mp4");
    const { width, height, seconds } = options;
    await runFfmpeg(["-f", "lavfi", "-i", `testsrc2=s=${width}x${height}:d=${seconds}:r=25`, "-f", "lavfi", "-i", `sine=frequency=440:duration=${seconds}`, "-c:v", "mpeg4", "-q:v", "6", "-c:a", "aac", "-b:a", "64k", "-shortest", "-y", out]);
    return readFile(out);
  });
}

/** What ffmpeg reads in a stored MP4. */
async function probeBytes(bytes: Buffer) {
  return withTempDir("studio-clip-probe", async (dir) => {
    const file = path.join(dir, "clip.mp4");
    await writeFile(file, bytes);
    return probeMedia(file, { demuxer: "mov" });
  });
}

describe("studio videos: a clip named for the video view is probed at intake, normalised in post-production, checked, reviewed and published (ffmpeg, workers, the emulator)", () => {
  let emulator: Awaited<ReturnType<typeof startTestStore>>;
  let workers: ReturnType<typeof startWorkers>;
  let products: CatalogProduct[];
  let next = 0;
  const fresh = () => products[next++]!;
  const deps: StudioIntakeDeps = { db: prisma, store: assetStore(), demo: true };
  const register = (fileName: string, bytes: Buffer) => registerStudioFile(deps, { shopId: TEST_SHOP, channel: "upload", fileName, sourceKey: `${fileName}:${bytes.length}`, bytes, actor: ACTOR });
  let clip: Buffer;

  beforeAll(async () => {
    const [storePort] = testLoopbackPorts();
    emulator = await startTestStore({ port: storePort, productCount: 8 });
    await syncTestCatalog(prisma, ACTOR);
    products = await catalogProducts(prisma, 1);
    expect(products.length).toBeGreaterThanOrEqual(4);
    clearStudioCatalogCache();
    clip = await cameraClip({ width: 1080, height: 1620, seconds: 2 });
    workers = startWorkers({ error: () => undefined, info: () => undefined });
  });

  afterAll(async () => {
    if (workers) await stopWorkers(workers);
    await closeQueues();
    await emulator?.close();
  });

  it("takes <sku>_video.mp4 in as delivered, normalises it to the recipe's output video with a poster, checks it and publishes a READY video on the store's product", async () => {
    const product = fresh();
    const variant = product.variants[0]!;
    const view = await register(`${variant.sku}_video.mp4`, clip);
    expect(view).toMatchObject({ status: "ingested", productId: product.id, assetKind: "video", reason: null, matchedBy: "matched", assignable: false });

    // At intake: stored as delivered (content-addressed), probed, not transcoded.
    const upload = await prisma.studioUpload.findUniqueOrThrow({ where: { id: view.id } });
    expect(upload).toMatchObject({ contentType: "video/mp4", size: clip.length, storageKey: expect.stringMatching(/^sha256\/[0-9a-f]{2}\/[0-9a-f]{64}\.mp4$/) });
    expect((await assetStore().get(upload.storageKey!)).equals(clip)).toBe(true);
    const ingested = await prisma.asset.findUniqueOrThrow({ where: { id: view.assetId! }, include: { request: true, recipeVersion: true } });
    expect(ingested).toMatchObject({ source: "studio", kind: "video", view: "video", provider: "studio", operation: "studio-delivery", storageKey: upload.storageKey, contentType: "video/mp4", width: 1080, height: 1620, bytes: clip.length });
    expect(ingested.durationSeconds).toBeCloseTo(2, 1);
    expect(ingested.request).toMatchObject({ source: "studio", asset: "video" });

    const reviewed = await waitFor("the studio clip in review", async () => {
      const asset = await prisma.asset.findUniqueOrThrow({ where: { id: view.assetId! } });
      if (asset.postStatus === "failed") throw new Error(`post-production failed: ${asset.postError}`);
      return asset.reviewStatus === "awaiting-review" && asset;
    });
    expect(reviewed).toMatchObject({ postStatus: "done", postError: null, qcStatus: "done", contentType: "video/mp4", posterKey: expect.stringMatching(/\.jpg$/) });

    // Normalised to the category recipe's output video: scaled into its box, H.264 with the moov atom first.
    const spec = recipeSpecSchema.parse(ingested.recipeVersion!.spec).output.video;
    expect({ width: reviewed.width, height: reviewed.height }).toEqual(fitWithin({ width: 1080, height: 1620 }, spec));
    expect(reviewed.storageKey).not.toBe(upload.storageKey);
    const mp4 = await assetStore().get(reviewed.storageKey!);
    expect(reviewed.bytes).toBe(mp4.length);
    expect(isFaststart(mp4)).toBe(true);
    expect(isFaststart(clip)).toBe(false);
    const probe = await probeBytes(mp4);
    expect(probe.video[0]).toMatchObject({ codec: "h264", width: reviewed.width, height: reviewed.height });
    expect(probe.audioCodecs).toEqual(["aac"]);
    expect(reviewed.durationSeconds).toBeCloseTo(2, 1);
    const poster = await sharp(await assetStore().get(reviewed.posterKey!)).metadata();
    expect(poster).toMatchObject({ format: "jpeg", width: reviewed.width, height: reviewed.height });
    // The delivered file is kept, named in the report and on the upload row.
    const report = reviewed.postReport as unknown as StudioVideoReport;
    expect(report).toMatchObject({ kind: "studio-video", original: { storageKey: upload.storageKey, contentType: "video/mp4", width: 1080, height: 1620 }, output: { storageKey: reviewed.storageKey, posterKey: reviewed.posterKey }, spec: { width: spec.width, height: spec.height } });
    expect(await assetStore().exists(upload.storageKey!)).toBe(true);
    // The clip checks ran on the normalised file, as for an AI clip.
    const checks = (reviewed.qcReport as { checks: { check: string; verdict: string }[] }).checks;
    expect(checks.find((c) => c.check === "video-codec")).toMatchObject({ verdict: "pass" });
    // A 2 s studio clip is judged against the output spec's length range, not the AI brief's clip length.
    expect(checks.find((c) => c.check === "video-duration")).toMatchObject({ verdict: "pass", reason: expect.stringMatching(/^The clip runs 2(\.\d+)? s, within the output spec's \d+(\.\d+)?–\d+(\.\d+)? s \(0 s off\)$/) });
    expect(checks.map((c) => c.check)).toEqual(expect.arrayContaining(["video-duration", "video-resolution", "video-frame-rate", "video-size", "video-first-frame"]));
    expect(reviewed.thumbKey).not.toBeNull();

    const { media } = await approveAndWaitForStoreMedia(prisma, REVIEWER, view.assetId!, product.id, waitFor);
    expect(media).toMatchObject({ mediaContentType: "VIDEO", status: "READY" });
    expect(await prisma.productionOrder.findUniqueOrThrow({ where: { id: reviewed.orderId } })).toMatchObject({ source: "studio", status: "completed" });
  });

  it("refuses at intake, with the reason, a .mp4 of garbage, a cut-off clip, a clip named as a still view and a still named as the video", async () => {
    const product = fresh();
    const sku = product.variants[0]!.sku;
    const before = await prisma.asset.count({ where: { productId: product.id } });

    const garbage = await register(`${sku}_video.mp4`, randomBytes(64 * 1024));
    expect(garbage).toMatchObject({ status: "rejected", assetId: null, reason: "its bytes are not a video Shotlane can read (nor an image): export the clip again as MP4 (H.264), MOV or WebM and upload it" });

    // The first 16 KB of a camera clip: an MP4 header whose index (the moov atom, at the end) never arrived.
    const cut = await register(`${sku}_video.MP4`, clip.subarray(0, 16 * 1024));
    expect(cut).toMatchObject({ status: "rejected", assetId: null });
    expect(cut.reason).toMatch(/^it is not a readable video \(.*moov atom not found.*\): export the clip again as MP4 \(H\.264\) and upload it$/);
    expect(cut.reason).not.toMatch(/\/tmp|shotlane-studio-probe|@ 0x/);

    const front = await register(`${sku}_front.mp4`, await cameraClip({ width: 320, height: 480, seconds: 1 }));
    expect(front).toMatchObject({ status: "rejected", assetId: null, reason: `it is an MP4 video but "front" names a still view: name the clip by the video view (for example ${sku}_video.mp4) and upload it again` });

    const still = await register(`${sku}_video.mp4`, await studioShot(3, 480, 640));
    expect(still).toMatchObject({ status: "rejected", assetId: null, reason: `the name says video but the file is a JPEG image: name the still by its view with its own extension (for example ${sku}_front.jpg)` });

    expect(await prisma.asset.count({ where: { productId: product.id } })).toBe(before);
    const rows = await prisma.studioUpload.findMany({ where: { id: { in: [garbage.id, cut.id, front.id, still.id] } } });
    expect(rows.every((r) => r.storageKey !== null && r.completedAt !== null)).toBe(true);
  });

  it("records a clip the recipe's spec refuses as a failed post-production with the reason, and runs it again on retry", async () => {
    const product = fresh();
    const short = await cameraClip({ width: 480, height: 720, seconds: 0.5 });
    const view = await register(`${product.variants[0]!.sku}_video.mp4`, short);
    expect(view.status).toBe("ingested");

    const failed = await waitFor("the refused clip's order to fail", async () => {
      const asset = await prisma.asset.findUniqueOrThrow({ where: { id: view.assetId! }, include: { request: { include: { order: true } } } });
      return asset.postStatus === "failed" && asset.request.order.status === "failed" && asset;
    });
    expect(failed).toMatchObject({ postErrorCode: "video_rejected", qcStatus: "skipped", storageKey: (await prisma.studioUpload.findUniqueOrThrow({ where: { id: view.id } })).storageKey, posterKey: null });
    expect(failed.postError).toMatch(/^The clip was refused: The video is 0\.\d+ s long, under the spec's minDurationSeconds of \d+(\.\d+)? s$/);

    expect(await retryOrder(prisma, TEST_SHOP, failed.orderId, ACTOR)).toEqual({ candidates: 1 });
    // The retry's flow (a newer generation) ran post-production again from the delivered file, which the spec still refuses.
    const again = await waitFor("the retried clip refused again", async () => {
      const asset = await prisma.asset.findUniqueOrThrow({ where: { id: view.assetId! }, include: { request: { include: { order: true } } } });
      return asset.request.order.generation > failed.request.order.generation && asset.request.order.status === "failed" && asset.postStatus === "failed" && asset;
    });
    expect(again).toMatchObject({ postErrorCode: "video_rejected", postError: failed.postError, storageKey: failed.storageKey });
    const trail = await prisma.auditEvent.findMany({ where: { shopId: TEST_SHOP, subjectId: failed.orderId, action: "production.order.retried" } });
    expect(trail.map((e) => e.data)).toEqual([{ candidates: 0, postProduction: 1 }]);
  });
});
