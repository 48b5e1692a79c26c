import type { Prisma, PrismaClient } from "@prisma/client";
import prisma from "../db.server";
import { DEMO_PROVIDER, signingClock } from "../production/production-page";
import type { QcVerdict } from "../qc/qc-check";
import { signedAssetUrl } from "../storage/signed-url.server";
import { canDecide, canUploadRetouch, REJECT_REASON_LABELS, type RejectReason, type ReviewIntent } from "./review-decision";
import { parseReviewFilters, type ReviewFilters } from "./review-filters";
import { checkRows, isVerdict, largestRendition, overlayLabel, readQcReport, recipeLabel, sourceLabel, statusLabel, viewLabel, type CheckRow } from "./review-grid";
import { REVIEW_ORDER, reviewWhere } from "./review-query.server";

const URL_LIFETIME_SECONDS = 3600;
const HISTORY_LIMIT = 50;
/** REVIEW_ORDER reversed: the previous asset in the queue is the first one going backwards. */
const REVIEW_ORDER_BACKWARDS: Prisma.AssetOrderByWithRelationInput[] = [{ createdAt: "desc" }, { id: "desc" }];

export interface CompareImage {
  url: string;
  width: number | null;
  height: number | null;
  label: string;
  /** A clip: the output is played, not zoomed. */
  video?: { posterUrl: string | null; durationSeconds: number | null };
}

export interface HistoryEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  detail: string;
}

export interface ReviewCompareData {
  asset: {
    id: string;
    productId: string;
    productTitle: string;
    kind: string;
    view: string | null;
    viewLabel: string;
    candidateIndex: number;
    verdict: QcVerdict | null;
    qcStatus: string | null;
    reviewStatus: string | null;
    statusLabel: string;
    flagged: boolean;
    source: string;
    sourceLabel: string;
    demo: boolean;
    recipeLabel: string | null;
    tier: number | null;
    regenerations: number;
    rejectReason: string | null;
    reviewNote: string | null;
    reviewedBy: string | null;
    signedOffBy: string | null;
    /** Other assets this one is tied to: what it regenerates, retouches or duplicates. */
    lineage: { label: string; id: string }[];
  };
  output: CompareImage | null;
  sourceImage: CompareImage | null;
  liveImage: CompareImage | null;
  overlays: { name: string; label: string; url: string }[];
  checks: CheckRow[];
  history: HistoryEntry[];
  allowed: Record<ReviewIntent, boolean>;
  /** Neighbours in the grid's queue (same filters, same order), for J/K and after a decision. */
  queue: { previousId: string | null; nextId: string | null; position: number | null; total: number };
  filters: ReviewFilters;
  hasMaster: boolean;
  /** A corrected file may replace it (what uploadRetouch accepts: an image in review, at retouch or rejected). */
  canUploadRetouch: boolean;
}


const COMPARE_SELECT = {
  id: true,
  productId: true,
  kind: true,
  view: true,
  candidateIndex: true,
  source: true,
  provider: true,
  storageKey: true,
  posterKey: true,
  durationSeconds: true,
  width: true,
  height: true,
  createdAt: true,
  qcStatus: true,
  qcVerdict: true,
  qcReport: true,
  reviewStatus: true,
  reviewFlagged: true,
  reviewedBy: true,
  rejectReason: true,
  reviewNote: true,
  signedOffBy: true,
  duplicateOfId: true,
  retouchOfId: true,
  regeneratedFromId: true,
  regenerations: true,
  referenceAssetId: true,
  recipeVersion: { select: { version: true, recipe: { select: { categoryKey: true } } } },
  renditions: { select: { channel: true, storageKey: true, width: true, height: true } },
} satisfies Prisma.AssetSelect;

/** Primitive fields of an audit row's data, briefly: "reason: anatomy · note: left hand". Scores are in the checks table. */
export function describeAuditData(data: unknown): string {
  if (!data || typeof data !== "object" || Array.isArray(data)) return "";
  const parts: string[] = [];
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (key === "scores" || value === null || value === undefined || typeof value === "object") continue;
    const text = key === "reason" && typeof value === "string" ? (REJECT_REASON_LABELS[value as RejectReason] ?? value) : String(value);
    parts.push(`${key}: ${text}`);
  }
  const joined = parts.join(" · ");
  return joined.length > 240 ? `${joined.slice(0, 239)}…` : joined;
}

/**
 * One asset in the compare view: the output beside the source flat-lay and the
 * live store image, the QC overlays, every check, the audit history and the
 * asset's neighbours in the queue. Null when the asset is not the shop's.
 */
export async function loadReviewCompare(shopId: string, assetId: string, searchParams: URLSearchParams, options: { db?: PrismaClient; now?: Date } = {}): Promise<ReviewCompareData | null> {
  const db = options.db ?? prisma;
  const now = options.now ?? new Date();
  const filters = parseReviewFilters(searchParams).filters;
  const asset = await db.asset.findFirst({ where: { id: assetId, shopId }, select: COMPARE_SELECT });
  if (!asset) return null;

  const where = await reviewWhere(db, shopId, filters);
  const after: Prisma.AssetWhereInput = { OR: [{ createdAt: { gt: asset.createdAt } }, { createdAt: asset.createdAt, id: { gt: asset.id } }] };
  const before: Prisma.AssetWhereInput = { OR: [{ createdAt: { lt: asset.createdAt } }, { createdAt: asset.createdAt, id: { lt: asset.id } }] };
  const [product, history, next, previous, total, ahead, inQueue, reference] = await Promise.all([
    db.product.findFirst({
      where: { id: asset.productId, shopId },
      select: { title: true, tier: true, featuredImageUrl: true, media: { where: { url: { not: null } }, orderBy: { position: "asc" }, take: 1, select: { url: true, width: true, height: true } } },
    }),
    db.auditEvent.findMany({ where: { shopId, subjectType: "asset", subjectId: asset.id }, orderBy: [{ at: "desc" }, { id: "desc" }], take: HISTORY_LIMIT, select: { id: true, at: true, actor: true, action: true, data: true } }),
    db.asset.findFirst({ where: { AND: [where, after] }, orderBy: REVIEW_ORDER, select: { id: true } }),
    db.asset.findFirst({ where: { AND: [where, before] }, orderBy: REVIEW_ORDER_BACKWARDS, select: { id: true } }),
    db.asset.count({ where }),
    db.asset.count({ where: { AND: [where, before] } }),
    db.asset.count({ where: { AND: [where, { id: asset.id }] } }),
    asset.referenceAssetId ? db.asset.findFirst({ where: { id: asset.referenceAssetId, shopId }, select: { colour: true } }) : null,
  ]);

  const clock = signingClock(now.getTime());
  const sign = (key: string) => signedAssetUrl(key, { expiresInSeconds: URL_LIFETIME_SECONDS, now: clock });
  const output = outputOf(asset, sign);
  const report = readQcReport(asset.qcReport);
  const media = product?.media[0];
  const lineage = [
    asset.regeneratedFromId ? { label: "Regenerates", id: asset.regeneratedFromId } : null,
    asset.retouchOfId ? { label: "Retouched file of", id: asset.retouchOfId } : null,
    asset.duplicateOfId ? { label: "Near-duplicate of", id: asset.duplicateOfId } : null,
    // The studio shot of another colourway this AI image used as its model (docs/decisions/0025).
    asset.referenceAssetId ? { label: `Reference: studio shot${reference?.colour ? ` (${reference.colour})` : ""}`, id: asset.referenceAssetId } : null,
  ].filter((l): l is { label: string; id: string } => l !== null);
  const intents: ReviewIntent[] = ["approve", "reject", "flag", "regenerate", "retouch", "sign-off"];

  return {
    asset: {
      id: asset.id,
      productId: asset.productId,
      productTitle: product?.title ?? "Product no longer in the catalog",
      kind: asset.kind,
      view: asset.view,
      viewLabel: viewLabel(asset.view, asset.kind),
      candidateIndex: asset.candidateIndex,
      verdict: isVerdict(asset.qcVerdict) ? asset.qcVerdict : null,
      qcStatus: asset.qcStatus,
      reviewStatus: asset.reviewStatus,
      statusLabel: statusLabel(asset.reviewStatus),
      flagged: asset.reviewFlagged,
      source: asset.source,
      sourceLabel: sourceLabel(asset.source, asset.provider),
      demo: asset.provider === DEMO_PROVIDER,
      recipeLabel: recipeLabel(asset.recipeVersion?.recipe.categoryKey, asset.recipeVersion?.version),
      tier: product?.tier ?? null,
      regenerations: asset.regenerations,
      rejectReason: asset.rejectReason,
      reviewNote: asset.reviewNote,
      reviewedBy: asset.reviewedBy,
      signedOffBy: asset.signedOffBy,
      lineage,
    },
    output,
    sourceImage: product?.featuredImageUrl ? { url: product.featuredImageUrl, width: null, height: null, label: "Source flat-lay" } : null,
    liveImage: media?.url ? { url: media.url, width: media.width, height: media.height, label: "Live on the store" } : null,
    overlays: Object.entries(report?.overlays ?? {}).flatMap(([name, key]) => {
      try {
        return [{ name, label: overlayLabel(name), url: sign(key) }];
      } catch {
        // A malformed key in an old report: leave that overlay out rather than fail the view.
        return [];
      }
    }),
    checks: checkRows(asset.qcReport),
    history: history.map((h) => ({ id: h.id, at: h.at.toISOString(), actor: h.actor, action: h.action, detail: describeAuditData(h.data) })),
    allowed: Object.fromEntries(intents.map((intent) => [intent, canDecide(intent, asset.reviewStatus) && (intent !== "regenerate" || asset.source === "ai") && (intent !== "retouch" || asset.kind === "image")])) as Record<ReviewIntent, boolean>,
    queue: { previousId: previous?.id ?? null, nextId: next?.id ?? null, position: inQueue > 0 ? ahead + 1 : null, total },
    filters,
    hasMaster: Boolean(asset.storageKey),
    canUploadRetouch: asset.kind === "image" && canUploadRetouch(asset.reviewStatus),
  };
}

type CompareAsset = Prisma.AssetGetPayload<{ select: typeof COMPARE_SELECT }>;

/** What the compare view inspects: a clip as it is; an image's largest rendition, or the original before post-production. */
function outputOf(asset: CompareAsset, sign: (key: string) => string): CompareImage | null {
  const size = (w: number | null, h: number | null) => (w && h ? `, ${w}×${h}` : "");
  if (asset.kind === "video") {
    if (!asset.storageKey) return null;
    const seconds = asset.durationSeconds ? `, ${Math.round(asset.durationSeconds * 10) / 10} s` : "";
    return { url: sign(asset.storageKey), width: asset.width, height: asset.height, label: `Clip${size(asset.width, asset.height)}${seconds}`, video: { posterUrl: asset.posterKey ? sign(asset.posterKey) : null, durationSeconds: asset.durationSeconds } };
  }
  const largest = largestRendition(asset.renditions);
  if (largest) return { url: sign(largest.storageKey), width: largest.width, height: largest.height, label: `${largest.channel} rendition${size(largest.width, largest.height)}` };
  if (asset.storageKey) return { url: sign(asset.storageKey), width: asset.width, height: asset.height, label: `Original${size(asset.width, asset.height)} (not post-produced yet)` };
  return null;
}
