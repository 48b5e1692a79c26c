import type { Prisma, PrismaClient } from "@prisma/client";
import prisma from "../db.server";
import { signingClock } from "../production/production-page";
import type { QcVerdict } from "../qc/qc-check";
import { signedAssetUrl } from "../storage/signed-url.server";
import {
  findingsOf,
  isVerdict,
  pickThumbnail,
  recipeLabel,
  reviewPageCount,
  sourceLabel,
  statusLabel,
  viewLabel,
  type ReviewCard,
} from "./review-grid";
import { parseReviewFilters, REVIEW_PAGE_SIZE, type ReviewFilters } from "./review-filters";
import { REVIEW_ORDER, reviewWhere } from "./review-query.server";
import { DEMO_PROVIDER } from "../production/production-page";

const URL_LIFETIME_SECONDS = 3600;

export interface ReviewGridData {
  filters: ReviewFilters;
  /** Address parameters that were ignored, by name, with what to do. */
  filterErrors: Record<string, string>;
  cards: ReviewCard[];
  /** Assets the filters select (all pages). */
  total: number;
  page: number;
  pageCount: number;
  /** Per verdict, for the filters other than the verdict (so the counts say what each verdict filter would show). */
  verdictCounts: Record<QcVerdict | "unchecked", number>;
  /** What "Approve all passed" would approve: awaiting review, verdict pass, within the filters. */
  passedAwaiting: number;
  facets: { collections: { id: string; title: string }[]; categories: { key: string; name: string }[] };
  brandSignOff: boolean;
}

/** Only what a card shows: the page query never reads masters, prompts or provider handles. */
const CARD_SELECT = {
  id: true,
  productId: true,
  kind: true,
  view: true,
  candidateIndex: true,
  source: true,
  provider: true,
  qcVerdict: true,
  qcReport: true,
  reviewStatus: true,
  reviewFlagged: true,
  regenerations: true,
  thumbKey: true,
  width: true,
  height: true,
  recipeVersion: { select: { version: true, recipe: { select: { categoryKey: true } } } },
  // Only needed when there is no QC thumbnail; one row per asset at most.
  renditions: { select: { storageKey: true, width: true, height: true, bytes: true }, orderBy: { bytes: "asc" }, take: 1 },
} satisfies Prisma.AssetSelect;

type CardRow = Prisma.AssetGetPayload<{ select: typeof CARD_SELECT }>;

/**
 * The review grid: one page of assets the filters select, oldest first, with
 * the counts the page shows. A fixed number of queries whatever the page holds
 * (the asset page and its counts in parallel on the shopId/reviewStatus/createdAt
 * index, then one product lookup), so 2,000 open assets cost what 20 do.
 */
export async function loadReviewGrid(shopId: string, searchParams: URLSearchParams, options: { db?: PrismaClient; now?: Date } = {}): Promise<ReviewGridData> {
  const db = options.db ?? prisma;
  const now = options.now ?? new Date();
  const parsed = parseReviewFilters(searchParams);
  const filters = parsed.filters;

  // The verdict filter is applied on top of the rest, so the per-verdict counts can ignore it.
  const base = await reviewWhere(db, shopId, { ...filters, verdict: undefined });
  const where: Prisma.AssetWhereInput = filters.verdict ? { ...base, qcVerdict: filters.verdict } : base;
  const pageOf = (page: number) => db.asset.findMany({ where, orderBy: REVIEW_ORDER, skip: (page - 1) * REVIEW_PAGE_SIZE, take: REVIEW_PAGE_SIZE, select: CARD_SELECT });

  const [total, byVerdict, passedAwaiting, firstTry, collections, categories, settings] = await Promise.all([
    db.asset.count({ where }),
    db.asset.groupBy({ by: ["qcVerdict"], where: base, _count: { _all: true } }),
    db.asset.count({ where: { AND: [where, { qcVerdict: "pass", reviewStatus: "awaiting-review" }] } }),
    pageOf(filters.page),
    db.collection.findMany({ where: { shopId }, select: { id: true, title: true }, orderBy: [{ title: "asc" }, { id: "asc" }] }),
    db.garmentCategory.findMany({ where: { shopId }, select: { key: true, name: true }, orderBy: [{ position: "asc" }, { key: "asc" }] }),
    db.reviewSettings.findUnique({ where: { shopId }, select: { brandSignOff: true } }),
  ]);

  const pageCount = reviewPageCount(total);
  // A page past the end (the queue drained since the link was made) shows the last page instead.
  const page = Math.min(filters.page, pageCount);
  const rows = page === filters.page ? firstTry : await pageOf(page);

  const products = await db.product.findMany({ where: { shopId, id: { in: [...new Set(rows.map((r) => r.productId))] } }, select: { id: true, title: true, tier: true } });
  const productsById = new Map(products.map((p) => [p.id, p]));
  const clock = signingClock(now.getTime());

  const verdictCounts: ReviewGridData["verdictCounts"] = { pass: 0, flag: 0, reject: 0, unchecked: 0 };
  for (const group of byVerdict) verdictCounts[isVerdict(group.qcVerdict) ? group.qcVerdict : "unchecked"] += group._count._all;

  return {
    filters: { ...filters, page },
    filterErrors: parsed.ok ? {} : parsed.errors,
    cards: rows.map((row) => toCard(row, productsById.get(row.productId), clock)),
    total,
    page,
    pageCount,
    verdictCounts,
    passedAwaiting,
    facets: { collections, categories },
    brandSignOff: settings?.brandSignOff ?? false,
  };
}

function toCard(row: CardRow, product: { title: string; tier: number | null } | undefined, clock: number): ReviewCard {
  const thumb = pickThumbnail(row, row.renditions);
  const card = {
    id: row.id,
    productId: row.productId,
    productTitle: product?.title ?? "Product no longer in the catalog",
    view: row.view,
    viewLabel: viewLabel(row.view, row.kind),
    candidateIndex: row.candidateIndex,
    verdict: isVerdict(row.qcVerdict) ? row.qcVerdict : null,
    findings: findingsOf(row.qcReport),
    tier: product?.tier ?? null,
    source: row.source,
    sourceLabel: sourceLabel(row.source, row.provider),
    demo: row.provider === DEMO_PROVIDER,
    recipeLabel: recipeLabel(row.recipeVersion?.recipe.categoryKey, row.recipeVersion?.version),
    reviewStatus: row.reviewStatus,
    statusLabel: statusLabel(row.reviewStatus),
    flagged: row.reviewFlagged,
    regenerations: row.regenerations,
    thumb: thumb ? { url: signedAssetUrl(thumb.key, { expiresInSeconds: URL_LIFETIME_SECONDS, now: clock }), width: thumb.width, height: thumb.height } : null,
  };
  return card;
}
