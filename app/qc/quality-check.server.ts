import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Prisma, type PrismaClient } from "@prisma/client";
import sharp, { type Sharp } from "sharp";
import { recordAuditEvent } from "../audit/audit.server";
import type { ChannelSpec } from "../imaging/channel-spec";
import type { PostReport } from "../imaging/post-process";
import { DEFAULT_POST_PRODUCTION_RECIPE } from "../imaging/post-production-recipe";
import { loadPostProductionSettings } from "../imaging/post-production-settings.server";
import type { RawImage } from "../imaging/raw-image";
import { decodeImage } from "../imaging/safe-decode";
import type { FetchLike } from "../providers/provider";
import { recipeSpecSchema, type RecipeSpec } from "../recipes/recipe-spec";
import { colourwayGarmentImage } from "../production/generation-request.server";
import { sameColour } from "../production/colourway-plan";
import { addRegeneratedCandidate } from "../review/regenerate.server";
import { statusAfterChecks } from "../review/review-decision";
import type { AssetStore } from "../storage/asset-store";
import { probeMedia, runFfmpeg, withTempDir } from "../video/ffmpeg.server";
import { parseVideoSpec } from "../video/video-spec";
import { runImageChecks, type ImageQcInput } from "./image-checks";
import { subjectResolution, type RenditionFacts } from "./technical-checks";
import { collapseNearDuplicates, hammingDistance } from "./phash";
import { checkResult, DEFAULT_QC_RECIPE, regenerationCanHelp, thresholdFor, verdictOf, type QcCheckResult, type QcRecipe, type QcReport, type QcVerdict } from "./qc-check";
import { runVideoChecks, videoFactsFromProbe } from "./video-checks";

/**
 * Layer 1 for one asset, in the worker after post-production: reads the
 * renditions it made, runs every automated check against the garment
 * category's thresholds, collapses near-duplicates among the view's
 * candidates, stores a small thumbnail and the overlays for the review grid,
 * and decides where the asset goes: to a reviewer, or (a rejected AI
 * candidate with regenerations left) back to the provider with a new seed.
 *
 * The report is stored on the asset (qcReport) and is the audit record of
 * what the checks saw. A check that cannot measure flags for a person; a job
 * that cannot run at all leaves the asset flagged with the reason, so nothing
 * is lost and nothing passes unseen.
 */

export interface QualityCheckDeps {
  db: PrismaClient;
  store: AssetStore;
  /** Downloads the product's source image (the policy-enforcing fetch in production). */
  fetch: FetchLike;
  /** Re-creates an order's flow (for an automatic regeneration). */
  requeueOrder(orderId: string): Promise<void>;
}

export type QcOutcome = { outcome: "done"; verdict: QcVerdict; reviewStatus: string } | { outcome: "superseded" | "already-done" | "skipped" | "waiting" };

/** The grid shows thumbnails at up to 200 CSS px; 400 px covers 2× screens and stays under 30 KB as WebP. */
export const THUMB_EDGE = 400;
export const MAX_THUMB_BYTES = 30 * 1024;
/** Checks run at this long edge at most: the metrics are normalised, and 2048 px is the speed target's size. */
const CHECK_EDGE = 2048;
const SOURCE_EDGE = 1024;
const MAX_SOURCE_BYTES = 50 * 1024 * 1024;

const assetForQc = {
  include: {
    request: { include: { order: { select: { id: true, status: true, generation: true } } } },
    recipeVersion: { select: { spec: true, version: true } },
    renditions: true,
  },
} satisfies Prisma.AssetDefaultArgs;
type AssetForQc = Prisma.AssetGetPayload<typeof assetForQc>;

function recipeOf(asset: AssetForQc): RecipeSpec | null {
  if (!asset.recipeVersion) return null;
  const parsed = recipeSpecSchema.safeParse(asset.recipeVersion.spec);
  return parsed.success ? parsed.data : null;
}

async function toRaw(image: Sharp): Promise<RawImage> {
  const { data, info } = await image.removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}

async function decodeAtMost(bytes: Buffer, edge: number): Promise<RawImage> {
  const { image } = await decodeImage(bytes, { maxEdge: edge });
  return image.channels === 4 ? toRaw(sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } }).flatten({ background: "#ffffff" })) : image;
}

/**
 * The image the garment's colours are compared with: for AI output, the
 * flat-lay it was made from (the product's featured image); for a studio or
 * store image, its own original, so the checks see what post-production
 * changed. Null when it cannot be had; the check then flags and says why.
 */
async function sourceImage(deps: QualityCheckDeps, asset: AssetForQc): Promise<{ image: RawImage | null; note?: string }> {
  try {
    if (asset.source !== "ai") return asset.storageKey ? { image: await decodeAtMost(await deps.store.get(asset.storageKey), SOURCE_EDGE) } : { image: null, note: "the original file is missing" };
    const product = await deps.db.product.findUnique({ where: { id: asset.productId }, select: { featuredImageUrl: true, variants: { select: { options: true }, orderBy: { position: "asc" } } } });
    if (!product?.featuredImageUrl) return { image: null, note: "the product has no featured image to compare with" };
    let garmentUrl = product.featuredImageUrl;
    if (asset.referenceAssetId) {
      // Made from a studio shot of another colourway: compare with this colourway's own image. The featured image shows
      // another colour, so comparing with it would reject correct output; without an image of the colourway, say so.
      const garment = await colourwayGarmentImage(deps.db, asset, product);
      if (garment.from === "colourway-image" && garment.url) garmentUrl = garment.url;
      else if (!sameColour(asset.colour, garment.firstColourway)) return { image: null, note: `the store has no image of the ${asset.colour} colourway to compare with (give one an alt text naming the colour)` };
    }
    const response = await deps.fetch(garmentUrl, { signal: AbortSignal.timeout(30_000) });
    if (!response.ok) {
      await response.body?.cancel();
      return { image: null, note: `the product's image answered HTTP ${response.status}` };
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > MAX_SOURCE_BYTES) return { image: null, note: "the product's image is larger than 50 MB" };
    return { image: await decodeAtMost(bytes, SOURCE_EDGE) };
  } catch (error) {
    return { image: null, note: `the source image could not be read (${error instanceof Error ? error.message : String(error)})` };
  }
}

const hexToRgb = (hex: string): [number, number, number] => [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];

/** The rendition the pixel checks look at: the largest framed one on a solid background, preferring one the recipe's framing governs. */
function checkedRendition(asset: AssetForQc, specs: Map<string, ChannelSpec>) {
  const candidates = asset.renditions
    .map((r) => ({ rendition: r, spec: specs.get(r.channel) }))
    .filter((c): c is { rendition: (typeof asset.renditions)[number]; spec: ChannelSpec } => c.spec !== undefined && c.spec.background !== "transparent");
  const score = (c: (typeof candidates)[number]) => (c.spec.fit === "frame" ? 2 : 0) + (c.spec.minSubjectFill === undefined ? 1 : 0);
  candidates.sort((a, b) => score(b) - score(a) || b.rendition.width * b.rendition.height - a.rendition.width * a.rendition.height);
  return candidates[0] ?? null;
}

async function renditionFacts(deps: QualityCheckDeps, asset: AssetForQc, specs: Map<string, ChannelSpec>): Promise<RenditionFacts[]> {
  return Promise.all(
    asset.renditions.map(async (r) => {
      const spec = specs.get(r.channel);
      const meta = await sharp(await deps.store.get(r.storageKey)).metadata();
      return { channel: r.channel, width: r.width, height: r.height, bytes: r.bytes, format: r.format, srgb: meta.space === "srgb" && Boolean(meta.icc), spec: { width: spec?.width ?? r.width, height: spec?.height ?? r.height } };
    }),
  );
}

async function putPng(store: AssetStore, image: RawImage): Promise<string> {
  const png = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } }).png({ compressionLevel: 6 }).toBuffer();
  return (await store.put(png, { contentType: "image/png", extension: "png" })).key;
}

/** A WebP of at most THUMB_EDGE px that stays under 30 KB (quality steps down for busy images). */
export async function makeThumbnail(image: RawImage): Promise<Buffer> {
  const resized = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } }).resize(THUMB_EDGE, THUMB_EDGE, { fit: "inside", withoutEnlargement: true });
  for (const quality of [72, 60, 48, 36]) {
    const webp = await resized.clone().webp({ quality, effort: 4 }).toBuffer();
    if (webp.length <= MAX_THUMB_BYTES) return webp;
  }
  return resized.clone().resize(THUMB_EDGE / 2, THUMB_EDGE / 2, { fit: "inside" }).webp({ quality: 50 }).toBuffer();
}

/** The resolution check's facts: the subject's real enlargement (subjectResolution), else the file's long edge against the largest channel's. */
function resolutionNeeded(report: PostReport | null, asset: { width: number | null; height: number | null }, facts: RenditionFacts[], specs: Map<string, ChannelSpec>, recipe: typeof DEFAULT_POST_PRODUCTION_RECIPE): { longEdge: number; neededLongEdge: number } {
  const used = facts.map((f) => specs.get(f.channel)).filter((spec): spec is ChannelSpec => spec !== undefined);
  const measured = report ? subjectResolution(report, used, { align: recipe.align, margins: recipe.margins }) : null;
  if (measured) return { longEdge: measured.masterLongEdge, neededLongEdge: measured.neededLongEdge };
  return { longEdge: Math.max(asset.width ?? 0, asset.height ?? 0), neededLongEdge: Math.max(...facts.map((f) => Math.max(f.spec.width, f.spec.height))) };
}

interface Measured {
  checks: QcCheckResult[];
  overlays: Record<string, string>;
  phash: string | null;
  thumbKey: string | null;
}

async function checkImage(deps: QualityCheckDeps, asset: AssetForQc, qc: QcRecipe, recipe: RecipeSpec | null): Promise<Measured> {
  const settings = await loadPostProductionSettings(deps.db, asset.shopId);
  const specs = new Map(settings.channels.map((s) => [s.id, s]));
  const checked = checkedRendition(asset, specs);
  if (!checked) throw new QualityCheckError("The asset has no rendition on a solid background to check: enable a framed channel in Settings → Post-production and re-process it");
  const [bytes, facts, source] = await Promise.all([deps.store.get(checked.rendition.storageKey), renditionFacts(deps, asset, specs), sourceImage(deps, asset)]);
  const image = await decodeAtMost(bytes, CHECK_EDGE);
  const postRecipe = recipe?.postProduction ?? DEFAULT_POST_PRODUCTION_RECIPE;
  const master = resolutionNeeded(asset.postReport as unknown as PostReport | null, asset, facts, specs, postRecipe);
  const input: ImageQcInput = {
    image,
    jpeg: checked.rendition.format === "jpeg",
    background: hexToRgb(checked.spec.background),
    renditions: facts,
    master,
    framing: checked.spec.fit === "frame" && checked.spec.minSubjectFill === undefined ? { align: postRecipe.align, margins: postRecipe.margins } : null,
    source: source.image,
    recipe: qc,
  };
  const result = runImageChecks(input);
  const checks = result.checks.map((c) => (c.check === "garment-colour" && c.score === null && source.note ? { ...c, reason: `Garment colour not measured: ${source.note}` } : c));
  const overlays: Record<string, string> = {};
  for (const overlay of result.overlays) overlays[overlay.name] = await putPng(deps.store, overlay.image);
  const thumbKey = (await deps.store.put(await makeThumbnail(image), { contentType: "image/webp", extension: "webp" })).key;
  return { checks, overlays, phash: result.phash, thumbKey };
}

async function checkVideo(deps: QualityCheckDeps, asset: AssetForQc, qc: QcRecipe, recipe: RecipeSpec | null): Promise<Measured> {
  if (!asset.storageKey) throw new QualityCheckError("The clip has no stored file to check");
  const bytes = await deps.store.get(asset.storageKey);
  const [{ probe, firstFrame }, source] = await Promise.all([
    withTempDir("shotlane-qc-", async (dir) => {
      const file = join(dir, "clip.mp4");
      await writeFile(file, bytes);
      const probe = await probeMedia(file, { demuxer: "mov" });
      const framePath = join(dir, "first.png");
      await runFfmpeg(["-protocol_whitelist", "file", "-f", "mov", "-i", file, "-frames:v", "1", "-f", "image2", framePath], { timeoutMs: 30_000 }).catch(() => undefined);
      const frame = await sharp(framePath)
        .toBuffer()
        .then((png) => decodeAtMost(png, SOURCE_EDGE))
        .catch(() => null);
      return { probe, firstFrame: frame };
    }),
    sourceImage(deps, asset),
  ]);
  const spec = recipe ? parseVideoSpec(recipe.output.video) : null;
  // A studio clip is shot to its own length: judged against the output spec's range, not the AI brief's clip length.
  const expected = asset.source === "studio" && spec ? { durationSeconds: null, range: { minSeconds: spec.minDurationSeconds, maxSeconds: spec.maxDurationSeconds } } : { durationSeconds: recipe?.video?.durationSeconds ?? null };
  const checks = runVideoChecks(videoFactsFromProbe(probe, bytes.length), expected, firstFrame, source.image, qc);
  const poster = asset.posterKey ? await deps.store.get(asset.posterKey).catch(() => null) : null;
  const thumbFrom = poster ? await decodeAtMost(poster, CHECK_EDGE) : firstFrame;
  const thumbKey = thumbFrom ? (await deps.store.put(await makeThumbnail(thumbFrom), { contentType: "image/webp", extension: "webp" })).key : null;
  return { checks, overlays: {}, phash: null, thumbKey };
}

/** A reason the checks cannot run that retrying will not fix. */
export class QualityCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QualityCheckError";
  }
}

const RANK: Record<string, number> = { pass: 0, flag: 1, reject: 2 };

/**
 * Near-duplicates among the view's checked candidates: within one request,
 * the better one (verdict, then candidate order) stays and the others are
 * collapsed behind it. Runs under a per-request lock so two candidates
 * checked at once both see each other.
 */
async function collapseDuplicates(tx: Prisma.TransactionClient, asset: AssetForQc, phash: string, verdict: QcVerdict, qc: QcRecipe): Promise<{ duplicateOf: string | null; distance: number | null; collapsedOthers: string[] }> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`request:${asset.requestId}`}))`;
  const siblings = await tx.asset.findMany({
    where: { requestId: asset.requestId, id: { not: asset.id }, phash: { not: null }, reviewStatus: { in: ["awaiting-review", "awaiting-signoff", "approved", "duplicate"] } },
    select: { id: true, phash: true, qcVerdict: true, candidateIndex: true, reviewStatus: true },
  });
  const threshold = thresholdFor(qc, "near-duplicate");
  const distance = siblings.length ? Math.min(...siblings.map((s) => hammingDistance(phash, s.phash!))) : null;
  const items = [...siblings.map((s) => ({ id: s.id, phash: s.phash!, rank: (s.reviewStatus === "approved" ? -1 : RANK[s.qcVerdict ?? "flag"]!) * 100 + s.candidateIndex })), { id: asset.id, phash, rank: RANK[verdict]! * 100 + asset.candidateIndex }];
  // The hash distance at which the check flags is the collapse distance: below it, the same picture.
  const groups = collapseNearDuplicates(items, threshold.flag - 1);
  const collapsedOthers = siblings.filter((s) => s.reviewStatus === "awaiting-review" && groups.has(s.id)).map((s) => s.id);
  if (collapsedOthers.length) await tx.asset.updateMany({ where: { id: { in: collapsedOthers } }, data: { reviewStatus: "duplicate" } });
  for (const id of collapsedOthers) await tx.asset.update({ where: { id }, data: { duplicateOfId: groups.get(id)! } });
  return { duplicateOf: groups.get(asset.id) ?? null, distance, collapsedOthers };
}

async function finish(deps: QualityCheckDeps, asset: AssetForQc, qc: QcRecipe, measured: Measured, started: number): Promise<QcOutcome> {
  const checks = [...measured.checks];
  let verdict = verdictOf(checks);
  let requeue = false;
  const reviewStatus = await deps.db.$transaction(async (tx) => {
    let duplicateOf: string | null = null;
    if (measured.phash) {
      const dup = await collapseDuplicates(tx, asset, measured.phash, verdict, qc);
      duplicateOf = dup.duplicateOf;
      if (dup.distance !== null) {
        const t = thresholdFor(qc, "near-duplicate");
        const result = checkResult("near-duplicate", dup.distance, t, duplicateOf ? `Repeats another candidate of this view (${dup.distance} of 64 hash bits differ); collapsed behind it` : `The closest other candidate differs in ${dup.distance} of 64 hash bits`);
        // Only the collapsed one carries the finding; the one kept is not worse for having a twin.
        checks.push(duplicateOf ? result : { ...result, verdict: "pass" });
        verdict = verdictOf(checks);
      }
    }
    const status = statusAfterChecks({ verdict, source: asset.source, regenerations: asset.regenerations, autoRegenerate: qc.autoRegenerate, duplicate: duplicateOf !== null, regenerationCanHelp: regenerationCanHelp(checks) });
    const report: QcReport = { version: 1, verdict, checks, overlays: measured.overlays, ms: Math.round(performance.now() - started) };
    await tx.asset.update({
      where: { id: asset.id },
      data: {
        qcStatus: "done",
        qcVerdict: verdict,
        qcReport: report as unknown as Prisma.InputJsonValue,
        // The dashboard's ΔE distribution reads this column, not the report.
        qcDeltaE: checks.find((c) => c.check === "garment-colour")?.score ?? null,
        qcAt: new Date(),
        phash: measured.phash,
        thumbKey: measured.thumbKey,
        duplicateOfId: duplicateOf,
        reviewStatus: status,
      },
    });
    if (status === "auto-rejected") {
      await addRegeneratedCandidate(tx, asset.id, { actor: "system:qc", automatic: true });
      requeue = true;
    }
    return status;
  });
  if (requeue) await deps.requeueOrder(asset.orderId);
  return { outcome: "done", verdict, reviewStatus };
}

/** When the checks cannot run (a missing rendition, an unreadable file): the asset goes to a person, flagged, with the reason. */
async function failOpen(deps: QualityCheckDeps, asset: AssetForQc, message: string): Promise<QcOutcome> {
  const report: QcReport = { version: 1, verdict: "flag", checks: [], overlays: {}, ms: 0 };
  await deps.db.asset.update({
    where: { id: asset.id },
    data: { qcStatus: "failed", qcVerdict: "flag", qcReport: { ...report, error: message } as unknown as Prisma.InputJsonValue, qcAt: new Date(), reviewStatus: "awaiting-review" },
  });
  await recordAuditEvent(deps.db, { shopId: asset.shopId, actor: "system:qc", action: "qc.failed", subjectType: "asset", subjectId: asset.id, data: { message } });
  return { outcome: "done", verdict: "flag", reviewStatus: "awaiting-review" };
}

export async function checkAssetQuality(deps: QualityCheckDeps, assetId: string, attempt: { generation: number; isFinalAttempt: boolean }): Promise<QcOutcome> {
  const { db } = deps;
  const asset = await db.asset.findUnique({ where: { id: assetId }, ...assetForQc });
  if (!asset) throw new QualityCheckError(`Asset ${assetId} does not exist (was its order deleted?)`);
  if (attempt.generation < asset.request.order.generation) return { outcome: "superseded" };
  if (asset.qcStatus === "done" || asset.qcStatus === "failed") return { outcome: "already-done" };
  if (asset.qcStatus !== "queued" && asset.qcStatus !== "running") return { outcome: "skipped" };
  const unusable = asset.status === "failed" || asset.status === "canceled" || asset.postStatus === "failed" || asset.postStatus === "skipped" || asset.request.order.status === "canceled";
  if (unusable) {
    await db.asset.update({ where: { id: asset.id }, data: { qcStatus: "skipped" } });
    return { outcome: "skipped" };
  }
  // Not made yet (a budget pause, a newer flow): the flow that resumes it checks it.
  if (asset.status !== "stored" || asset.postStatus === "queued" || asset.postStatus === "processing") return { outcome: "waiting" };
  await db.asset.update({ where: { id: asset.id }, data: { qcStatus: "running" } });
  const started = performance.now();
  const spec = recipeOf(asset);
  const qc = spec?.qc ?? DEFAULT_QC_RECIPE;
  try {
    const measured = asset.kind === "video" ? await checkVideo(deps, asset, qc, spec) : await checkImage(deps, asset, qc, spec);
    return await finish(deps, asset, qc, measured, started);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof QualityCheckError || attempt.isFinalAttempt) return failOpen(deps, asset, `The quality checks could not run: ${message}`);
    throw error;
  }
}

