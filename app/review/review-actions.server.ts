import type { Prisma, PrismaClient } from "@prisma/client";
import { recordAuditEvent } from "../audit/audit.server";
import prisma from "../db.server";
import { queueVisualsApproved } from "../flow/visuals-approved.server";
import { decodeImage, ImageRejectedError } from "../imaging/safe-decode";
import { requeueOrder } from "../production/production-flow.server";
import { queuePublications } from "../publishing/publish-requests.server";
import { loadPublishingSettings } from "../publishing/publishing-settings.server";
import type { AssetStore } from "../storage/asset-store";
import { assetStore } from "../storage/asset-store.server";
import { topFieldErrorsOf } from "../recipes/recipe-spec";
import { addSuccessorCandidate, compactScores, regenerateCandidates } from "./regenerate.server";
import { canDecide, canUploadRetouch, REVIEW_STATUS_LABELS, reviewDecisionSchema, statusAfterApproval, type ReviewDecision, type ReviewStatus } from "./review-decision";
import type { ReviewFilters } from "./review-filters";
import { reviewWhere } from "./review-query.server";

/**
 * Layers 2 and 3: what reviewers and the brand sign-off decide. Every
 * decision is checked against the asset's current state (a decision made on
 * a stale screen is refused for that asset, never applied twice) and goes
 * to the audit trail with who, when, what and the QC scores at that moment.
 */

export interface ReviewContext {
  shopId: string;
  actor: string;
}

export type ReviewOutcome =
  | { ok: true; changed: number; skipped: { assetId: string; reason: string }[]; message: string; assetIds?: string[] }
  | { ok: false; errors: Record<string, string> };

export interface ReviewDeps {
  db: PrismaClient;
  store: AssetStore;
  requeueOrder(orderId: string): Promise<void>;
}

function defaultDeps(): ReviewDeps {
  return { db: prisma, store: assetStore(), requeueOrder: (orderId) => requeueOrder(prisma, orderId) };
}

/** The demo user is every reviewer at once; the four-eyes rule of sign-off only binds real staff accounts. */
const DEMO_ACTOR = "user:demo";
export const MAX_RETOUCH_BYTES = 50 * 1024 * 1024;

const decisionSelect = { id: true, shopId: true, reviewStatus: true, reviewedBy: true, qcVerdict: true, qcReport: true, orderId: true, source: true } satisfies Prisma.AssetSelect;
type DecisionAsset = Prisma.AssetGetPayload<{ select: typeof decisionSelect }>;


function stateName(status: string | null): string {
  return status ? (REVIEW_STATUS_LABELS[status as ReviewStatus] ?? status).toLowerCase() : "not checked yet";
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** One audited state change, applied only if the asset is still in the state the decision was made on. */
async function transition(tx: Prisma.TransactionClient, ctx: ReviewContext, asset: DecisionAsset, action: string, data: Prisma.AssetUpdateManyMutationInput, extra: Record<string, unknown> = {}): Promise<boolean> {
  const { count } = await tx.asset.updateMany({ where: { id: asset.id, shopId: ctx.shopId, reviewStatus: asset.reviewStatus }, data });
  if (count === 0) return false;
  await recordAuditEvent(tx, {
    shopId: ctx.shopId,
    actor: ctx.actor,
    action,
    subjectType: "asset",
    subjectId: asset.id,
    data: { from: asset.reviewStatus, to: (data.reviewStatus as string | undefined) ?? asset.reviewStatus, verdict: asset.qcVerdict, scores: compactScores(asset.qcReport), ...extra } as Prisma.InputJsonValue,
  });
  return true;
}

async function apply(deps: ReviewDeps, ctx: ReviewContext, decision: ReviewDecision, assets: DecisionAsset[]): Promise<{ changed: string[]; skipped: { assetId: string; reason: string }[] }> {
  const changed: string[] = [];
  const skipped: { assetId: string; reason: string }[] = [];
  const allowed = assets.filter((asset) => {
    if (canDecide(decision.intent, asset.reviewStatus)) {
      if (decision.intent === "sign-off" && asset.reviewedBy === ctx.actor && ctx.actor !== DEMO_ACTOR) {
        skipped.push({ assetId: asset.id, reason: "the brand sign-off must come from someone other than the reviewer who approved it" });
        return false;
      }
      if (decision.intent === "regenerate" && asset.source !== "ai") {
        skipped.push({ assetId: asset.id, reason: "only AI candidates can be regenerated: send studio and store images to retouch instead" });
        return false;
      }
      return true;
    }
    skipped.push({ assetId: asset.id, reason: `it is ${stateName(asset.reviewStatus)}, so it cannot be ${PAST[decision.intent]}` });
    return false;
  });
  if (decision.intent === "regenerate") {
    if (allowed.length) {
      const { orderIds } = await regenerateCandidates(deps.db, allowed.map((a) => a.id), { actor: ctx.actor, automatic: false, ...(decision.note ? { note: decision.note } : {}) });
      for (const orderId of orderIds) await deps.requeueOrder(orderId);
      changed.push(...allowed.map((a) => a.id));
    }
    return { changed, skipped };
  }
  const brandSignOff = decision.intent === "approve" ? ((await deps.db.reviewSettings.findUnique({ where: { shopId: ctx.shopId } }))?.brandSignOff ?? false) : false;
  const now = new Date();
  const note = decision.note ?? null;
  await deps.db.$transaction(async (tx) => {
    for (const asset of allowed) {
      let ok: boolean;
      switch (decision.intent) {
        case "approve":
          ok = await transition(tx, ctx, asset, "review.approved", { reviewStatus: statusAfterApproval(brandSignOff), reviewedBy: ctx.actor, reviewedAt: now, reviewNote: note, reviewFlagged: false }, { brandSignOff, note });
          break;
        case "reject":
          ok = await transition(tx, ctx, asset, "review.rejected", { reviewStatus: "rejected", reviewedBy: ctx.actor, reviewedAt: now, rejectReason: decision.reason, reviewNote: note }, { reason: decision.reason, note });
          break;
        case "flag":
          ok = await transition(tx, ctx, asset, decision.flagged ? "review.flagged" : "review.unflagged", { reviewFlagged: decision.flagged, reviewNote: note ?? undefined }, { note });
          break;
        case "retouch":
          ok = await transition(tx, ctx, asset, "review.sent-to-retouch", { reviewStatus: "retouch", reviewedBy: ctx.actor, reviewedAt: now, reviewNote: note }, { note });
          break;
        case "sign-off":
          ok = await transition(tx, ctx, asset, "review.signed-off", { reviewStatus: "approved", signedOffBy: ctx.actor, signedOffAt: now }, { approvedBy: asset.reviewedBy, note });
          break;
      }
      if (ok) changed.push(asset.id);
      else skipped.push({ assetId: asset.id, reason: "someone else decided on it meanwhile: reload to see its state" });
    }
  });
  if ((decision.intent === "approve" && !brandSignOff) || decision.intent === "sign-off") await publishApproved(deps.db, ctx, changed);
  // A rejection can settle an order as much as an approval: its other candidates may all be approved.
  if (decision.intent === "approve" || decision.intent === "sign-off" || decision.intent === "reject") await queueVisualsApproved(deps.db, ctx.shopId, changed, ctx.actor);
  return { changed, skipped };
}

/** Approved assets go to the store at once when the shop publishes on approval (the default). */
async function publishApproved(db: PrismaClient, ctx: ReviewContext, assetIds: string[]): Promise<void> {
  if (assetIds.length === 0 || !(await loadPublishingSettings(db, ctx.shopId)).publishOnApproval) return;
  await queuePublications(db, ctx.shopId, assetIds, ctx.actor);
}

const PAST: Record<ReviewDecision["intent"], string> = { approve: "approved", reject: "rejected", flag: "flagged", regenerate: "regenerated", retouch: "sent to retouch", "sign-off": "signed off" };

function outcomeOf(decision: Pick<ReviewDecision, "intent"> & { flagged?: boolean }, result: { changed: string[]; skipped: { assetId: string; reason: string }[] }, brandSignOff = false): ReviewOutcome {
  const verb = decision.intent === "approve" && brandSignOff ? "approved (now awaiting brand sign-off)" : decision.intent === "flag" ? (decision.flagged ? "flagged" : "unflagged") : PAST[decision.intent];
  const skippedNote = result.skipped.length ? `; ${plural(result.skipped.length, "asset")} left as they were` : "";
  return { ok: true, changed: result.changed.length, skipped: result.skipped, message: `${plural(result.changed.length, "asset")} ${verb}${skippedNote}`, assetIds: result.changed };
}

/** A reviewer's decision on selected assets (approve, reject with a reason, flag, regenerate, send to retouch, sign off). */
export async function decideReview(ctx: ReviewContext, input: unknown, deps: ReviewDeps = defaultDeps()): Promise<ReviewOutcome> {
  const parsed = reviewDecisionSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: topFieldErrorsOf(parsed.error, "intent") };
  const decision = parsed.data;
  const assets = await deps.db.asset.findMany({ where: { shopId: ctx.shopId, id: { in: decision.assetIds } }, select: decisionSelect });
  const found = new Set(assets.map((a) => a.id));
  const missing = decision.assetIds.filter((id) => !found.has(id)).map((assetId) => ({ assetId, reason: "no such asset in this shop: reload the grid" }));
  const result = await apply(deps, ctx, decision, assets);
  const brandSignOff = decision.intent === "approve" && result.changed.length > 0 ? ((await deps.db.reviewSettings.findUnique({ where: { shopId: ctx.shopId } }))?.brandSignOff ?? false) : false;
  return outcomeOf(decision, { changed: result.changed, skipped: [...missing, ...result.skipped] }, brandSignOff);
}

const BULK_BATCH = 500;

/** Approves everything awaiting review that passed every check, among the assets the filters select. */
export async function approveAllPassed(ctx: ReviewContext, filters: ReviewFilters, deps: ReviewDeps = defaultDeps()): Promise<ReviewOutcome> {
  const where: Prisma.AssetWhereInput = { AND: [await reviewWhere(deps.db, ctx.shopId, filters), { reviewStatus: "awaiting-review", qcVerdict: "pass" }] };
  const changed: string[] = [];
  const skipped: { assetId: string; reason: string }[] = [];
  let brandSignOff = false;
  for (;;) {
    const assets = await deps.db.asset.findMany({ where: { ...where, id: { notIn: [...changed, ...skipped.map((s) => s.assetId)] } }, select: decisionSelect, take: BULK_BATCH, orderBy: { id: "asc" } });
    if (assets.length === 0) break;
    const decision: ReviewDecision = { intent: "approve", assetIds: assets.map((a) => a.id), note: "Approve all passed" };
    const result = await apply(deps, ctx, decision, assets);
    brandSignOff = (await deps.db.reviewSettings.findUnique({ where: { shopId: ctx.shopId } }))?.brandSignOff ?? false;
    changed.push(...result.changed);
    skipped.push(...result.skipped);
    if (assets.length < BULK_BATCH) break;
  }
  return outcomeOf({ intent: "approve" }, { changed, skipped }, brandSignOff);
}

/**
 * A retoucher's corrected file for an asset: checked like any upload (magic
 * bytes, size, decode limits), stored, and added as a new candidate of the
 * same request that goes through post-production and QC again. The asset it
 * corrects is superseded, and both stay in the audit trail.
 */
export async function uploadRetouch(ctx: ReviewContext, assetId: string, file: File | null, deps: ReviewDeps = defaultDeps()): Promise<ReviewOutcome> {
  if (!file || typeof file === "string" || file.size === 0) return { ok: false, errors: { file: "choose the corrected image file to upload (JPEG, PNG, TIFF or WebP)" } };
  if (file.size > MAX_RETOUCH_BYTES) return { ok: false, errors: { file: `the file is ${(file.size / 1048576).toFixed(1)} MB; the limit is 50 MB: export it smaller or as JPEG` } };
  const asset = await deps.db.asset.findFirst({ where: { id: assetId, shopId: ctx.shopId } });
  if (!asset) return { ok: false, errors: { assetId: "no such asset in this shop: reload the grid" } };
  if (asset.kind !== "image") return { ok: false, errors: { assetId: "only images go to retouch; regenerate a clip instead" } };
  if (!canUploadRetouch(asset.reviewStatus)) return { ok: false, errors: { assetId: `it is ${stateName(asset.reviewStatus)}, so a retouched file cannot replace it` } };
  const bytes = Buffer.from(await file.arrayBuffer());
  let header;
  try {
    // A full (small) decode, not just the header: a truncated or corrupt body is refused here, not in the worker.
    ({ header } = await decodeImage(bytes, { maxEdge: 64 }));
  } catch (error) {
    if (error instanceof ImageRejectedError) return { ok: false, errors: { file: error.message } };
    throw error;
  }
  const extension = header.format === "jpeg" ? "jpg" : header.format;
  const contentType = `image/${header.format}`;
  const put = await deps.store.put(bytes, { contentType, extension });
  const retouched = await deps.db.$transaction(async (tx) => {
    const { count } = await tx.asset.updateMany({ where: { id: asset.id, reviewStatus: asset.reviewStatus }, data: { reviewStatus: "superseded", reviewedBy: ctx.actor, reviewedAt: new Date() } });
    if (count === 0) return null;
    // Still the studio's or the provider's picture, corrected by hand: the disclosure and the audit keep its origin (source, provider).
    const created = await addSuccessorCandidate(tx, asset, {
      kind: "image",
      status: "stored",
      operation: "retouch",
      storageKey: put.key,
      contentType,
      width: header.width,
      height: header.height,
      bytes: put.bytes,
      finishedAt: new Date(),
      postStatus: "queued",
      retouchOfId: asset.id,
    });
    await tx.assetRequest.update({ where: { id: asset.requestId }, data: { status: "queued", error: null } });
    await recordAuditEvent(tx, {
      shopId: ctx.shopId,
      actor: ctx.actor,
      action: "review.retouch-uploaded",
      subjectType: "asset",
      subjectId: asset.id,
      data: { from: asset.reviewStatus, to: "superseded", retouched: created.id, file: { name: file.name.slice(0, 200), bytes: put.bytes, sha256: put.sha256, width: header.width, height: header.height }, verdict: asset.qcVerdict, scores: compactScores(asset.qcReport) },
    });
    return created;
  });
  if (!retouched) return { ok: false, errors: { assetId: "someone else decided on it meanwhile: reload to see its state" } };
  await deps.requeueOrder(asset.orderId);
  return { ok: true, changed: 1, skipped: [], message: "Retouched file uploaded: it goes through post-production and the checks again, then back to review", assetIds: [retouched.id] };
}

/** The file a retoucher works on: the original as generated or shot (before post-production), as a download. */
export async function masterDownload(ctx: ReviewContext, assetId: string, deps: ReviewDeps = defaultDeps()): Promise<Response> {
  const asset = await deps.db.asset.findFirst({ where: { id: assetId, shopId: ctx.shopId }, select: { storageKey: true, contentType: true, view: true, kind: true, renditions: { select: { fileName: true }, take: 1, orderBy: { fileName: "asc" } } } });
  if (!asset?.storageKey) return new Response("No such asset in this shop, or it has no stored file yet", { status: 404 });
  const bytes = await deps.store.get(asset.storageKey);
  const extension = asset.storageKey.split(".").pop() ?? "bin";
  const stem = asset.renditions[0]?.fileName.replace(/\.[a-z0-9]+$/i, "").replace(/[^A-Za-z0-9._-]/g, "_") ?? `${asset.view ?? asset.kind}-${assetId}`;
  await recordAuditEvent(deps.db, { shopId: ctx.shopId, actor: ctx.actor, action: "review.master-downloaded", subjectType: "asset", subjectId: assetId });
  return new Response(new Uint8Array(bytes), {
    headers: { "Content-Type": asset.contentType ?? "application/octet-stream", "Content-Disposition": `attachment; filename="${stem}_master.${extension}"`, "Content-Length": String(bytes.length), "Cache-Control": "private, no-store" },
  });
}
