import type { Asset, Prisma, PrismaClient } from "@prisma/client";
import { recordAuditEvent } from "../audit/audit.server";
import { MAX_SEED } from "../recipes/prompt-template";

/**
 * Regeneration: a rejected AI candidate gets a successor made with the same
 * recipe version, provider, view and pose and a new seed, as a new candidate
 * of the same asset request. The rejected one stays (with its scores, cost
 * and reviewer) for the audit trail. Used by the quality gates (automatic,
 * up to the recipe's limit) and by reviewers (any time).
 */

/** A prime stride keeps each regeneration's seed distinct from every candidate's and from earlier regenerations'. */
const SEED_STRIDE = 7919;

export function regeneratedSeed(seed: number | null, regenerations: number): number | null {
  if (seed === null) return null;
  return (seed + SEED_STRIDE * (regenerations + 1)) % (MAX_SEED + 1);
}

type Tx = Prisma.TransactionClient;

export interface RegenerateOptions {
  actor: string;
  /** true when the quality gates asked for it (the old candidate becomes auto-rejected), false for a reviewer. */
  automatic: boolean;
  note?: string;
}

/**
 * Adds the successor of one candidate inside the caller's transaction and
 * returns its id, or null when the candidate cannot be regenerated (not AI).
 * The caller re-creates the order's flow afterwards (requeueOrder).
 */
export async function addRegeneratedCandidate(tx: Tx, assetId: string, options: RegenerateOptions): Promise<string | null> {
  const asset = await tx.asset.findUniqueOrThrow({ where: { id: assetId } });
  if (asset.source !== "ai") return null;
  const successor = await addSuccessorCandidate(tx, asset, {
    status: "queued",
    seed: regeneratedSeed(asset.seed, asset.regenerations),
    postStatus: asset.kind === "video" ? null : "queued",
    regeneratedFromId: asset.id,
    regenerations: asset.regenerations + 1,
  });
  await tx.asset.update({
    where: { id: asset.id },
    data: options.automatic ? { reviewStatus: "auto-rejected" } : { reviewStatus: "superseded", reviewedBy: options.actor, reviewedAt: new Date(), reviewNote: options.note ?? null },
  });
  await tx.assetRequest.update({ where: { id: asset.requestId }, data: { status: "queued", error: null } });
  await recordAuditEvent(tx, {
    shopId: asset.shopId,
    actor: options.actor,
    action: options.automatic ? "qc.regenerated" : "review.regenerated",
    subjectType: "asset",
    subjectId: asset.id,
    data: { successor: successor.id, seed: successor.seed, regenerations: successor.regenerations, verdict: asset.qcVerdict, scores: compactScores(asset.qcReport), ...(options.note ? { note: options.note } : {}) },
  });
  return successor.id;
}

/**
 * A new candidate of the same request that follows `asset` (a regeneration or
 * a retouched file): same product, order, maker, recipe version, view and
 * pose, the next candidate number, and the checks to run. Numbering is
 * serialised per request (the same lock QC's duplicate collapsing takes).
 */
export async function addSuccessorCandidate(tx: Tx, asset: Asset, fields: Partial<Prisma.AssetUncheckedCreateInput> & { status: string }): Promise<Asset> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`request:${asset.requestId}`}))`;
  const last = await tx.asset.aggregate({ where: { requestId: asset.requestId }, _max: { candidateIndex: true } });
  return tx.asset.create({
    data: {
      shopId: asset.shopId,
      productId: asset.productId,
      orderId: asset.orderId,
      requestId: asset.requestId,
      candidateIndex: (last._max.candidateIndex ?? asset.candidateIndex) + 1,
      source: asset.source,
      kind: asset.kind,
      provider: asset.provider,
      model: asset.model,
      operation: asset.operation,
      recipeVersionId: asset.recipeVersionId,
      view: asset.view,
      pose: asset.pose,
      colour: asset.colour,
      seed: asset.seed,
      qcStatus: "queued",
      regenerations: asset.regenerations,
      ...fields,
    },
  });
}

/** The QC scores at a decision, small enough for every audit row: check → [score, verdict]. */
export function compactScores(report: Prisma.JsonValue | null): Record<string, [number | null, string]> {
  const checks = (report as { checks?: { check: string; score: number | null; verdict: string }[] } | null)?.checks ?? [];
  return Object.fromEntries(checks.map((c) => [c.check, [c.score, c.verdict]]));
}

export async function regenerateCandidates(db: PrismaClient, assetIds: string[], options: RegenerateOptions): Promise<{ created: string[]; orderIds: string[] }> {
  const created: string[] = [];
  const orderIds = new Set<string>();
  await db.$transaction(async (tx) => {
    for (const id of assetIds) {
      const successor = await addRegeneratedCandidate(tx, id, options);
      if (!successor) continue;
      created.push(successor);
      const { orderId } = await tx.asset.findUniqueOrThrow({ where: { id }, select: { orderId: true } });
      orderIds.add(orderId);
    }
  });
  return { created, orderIds: [...orderIds] };
}
