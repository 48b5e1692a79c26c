import { Prisma, type PrismaClient } from "@prisma/client";
import { z } from "zod";
import prisma from "../db.server";
import { parseSearchParams } from "../lib/search-params";
import { queuePublications, retryFailedPublications } from "./publish-requests.server";
import { requestRevert } from "./revert.server";

/**
 * The Publishing page: how far approved media is on its way to the products,
 * shop-wide and per product, with Shopify's reasons for what failed, and the
 * page's actions (publish approved, retry failed, revert). Counts come from
 * groupBy, never from rows in memory, and a page costs the same fixed number
 * of queries whatever it shows.
 */

export const PRODUCTS_PER_PAGE = 25;
/** Failed media listed per product; the rest are counted. */
const FAILED_SHOWN_PER_PRODUCT = 5;

/** Publication.status values, in their life cycle's order (prisma/schema.prisma). */
export const PUBLICATION_STATUSES = ["queued", "staged", "uploaded", "attaching", "processing", "placing", "ready", "failed", "canceled", "reverted", "replaced"] as const;
/** Statuses a publication ends in. Every other one is still on its way, whatever the worker calls its steps. */
const SETTLED_STATUSES = ["ready", "failed", "canceled", "reverted", "replaced"];
/**
 * Publications that no longer count towards progress: canceled before they
 * reached the product, or taken off it on purpose by a revert or a newer
 * media for the same view. Counting them would keep the bar short of 100 %
 * for work nobody should finish.
 */
const WITHDRAWN_STATUSES = ["canceled", "reverted", "replaced"];

export const STATUS_FILTERS = ["all", "in-progress", "failed", "ready"] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

/** The page's address: `?status=failed&page=2`; a stale or hand-edited value falls back rather than fail. */
const querySchema = z.object({
  status: z.enum(STATUS_FILTERS).catch("all"),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});
export type PublishingPageQuery = z.infer<typeof querySchema>;

export function parsePublishingPageQuery(params: URLSearchParams): PublishingPageQuery {
  return parseSearchParams(querySchema, params).value;
}

/** Which publications put a product on the page under each filter (a product shows when any of its publications match). */
function statusWhere(filter: StatusFilter): Prisma.PublicationWhereInput {
  switch (filter) {
    case "all":
      return {};
    case "in-progress":
      return { status: { notIn: SETTLED_STATUSES } };
    case "failed":
      return { status: "failed" };
    case "ready":
      return { status: "ready" };
  }
}

function statusSql(filter: StatusFilter): Prisma.Sql {
  switch (filter) {
    case "all":
      return Prisma.empty;
    case "in-progress":
      return Prisma.sql`AND "status" NOT IN (${Prisma.join(SETTLED_STATUSES)})`;
    case "failed":
    case "ready":
      return Prisma.sql`AND "status" = ${filter}`;
  }
}

export type StatusCounts = Partial<Record<string, number>>;

export interface PublishingProgress {
  ready: number;
  /** Publications that count: all but the withdrawn ones. */
  total: number;
  inProgress: number;
  failed: number;
  percent: number;
}

/** Ready out of every publication not withdrawn; an empty set is complete. */
export function progressOfStatusCounts(counts: StatusCounts): PublishingProgress {
  let ready = 0;
  let total = 0;
  let inProgress = 0;
  let failed = 0;
  for (const [status, count = 0] of Object.entries(counts)) {
    if (WITHDRAWN_STATUSES.includes(status)) continue;
    total += count;
    if (status === "ready") ready += count;
    else if (status === "failed") failed += count;
    else inProgress += count;
  }
  return { ready, total, inProgress, failed, percent: total === 0 ? 100 : Math.floor((ready / total) * 100) };
}

export interface FailedPublication {
  id: string;
  assetId: string;
  kind: string;
  view: string | null;
  colour: string | null;
  fileName: string;
  /** Shopify's code (a MediaErrorCode or a user error's code) and its message. */
  errorCode: string | null;
  error: string | null;
  attempts: number;
  failedAt: string;
}

/**
 * What Revert would do for the product: nothing to revert; available (the
 * newest snapshot not yet reverted); under way in the worker; or failed with
 * the worker's reason (Revert may be tried again).
 */
export type RevertState =
  | { state: "none" }
  | { state: "available"; snapshotAt: string }
  | { state: "reverting"; snapshotAt: string; requestedAt: string; requestedBy: string | null }
  | { state: "failed"; snapshotAt: string; error: string };

export interface PublishingProductRow {
  productId: string;
  title: string;
  /** Still in the catalog mirror (a product deleted in the store keeps its history here). */
  inCatalog: boolean;
  featuredImageUrl: string | null;
  counts: StatusCounts;
  progress: PublishingProgress;
  failed: FailedPublication[];
  /** Failed publications beyond the ones listed. */
  moreFailed: number;
  lastPublishedAt: string | null;
  lastActivityAt: string;
  revert: RevertState;
}

export interface PublishingPageData {
  query: PublishingPageQuery;
  summary: {
    counts: StatusCounts;
    progress: PublishingProgress;
    /** Approved assets with no publication yet (or a canceled one): what "Publish approved" would queue. */
    approvedUnpublished: number;
    /** Reverts the worker has not finished. */
    reverting: number;
  };
  products: PublishingProductRow[];
  /** Products under the current filter, over all pages. */
  total: number;
  pageCount: number;
  /** The page polls while anything moves. */
  live: boolean;
  /** The shop has never published anything: the page explains how. */
  empty: boolean;
}

/** A failed publication as the page query reads it (the product it belongs to, and when it last changed). */
type FailedRow = Omit<FailedPublication, "failedAt"> & { productId: string; updatedAt: Date };

const countsByStatus = (groups: readonly { status: string; _count: { _all: number } }[]): StatusCounts => Object.fromEntries(groups.map((g) => [g.status, g._count._all]));

/** One page of products with publications, most recently active first, and the shop-wide summary, in a fixed number of queries. */
export async function loadPublishingPage(shopId: string, searchParams: URLSearchParams, options: { db?: PrismaClient } = {}): Promise<PublishingPageData> {
  const db = options.db ?? prisma;
  const query = parsePublishingPageQuery(searchParams);
  const where: Prisma.PublicationWhereInput = { shopId, ...statusWhere(query.status) };

  const [shopCounts, approvedUnpublished, reverting, [{ total }]] = await Promise.all([
    db.publication.groupBy({ by: ["status"], where: { shopId }, _count: { _all: true } }),
    // The same selection as queuePublications(…, "all-approved").
    db.asset.count({ where: { shopId, reviewStatus: "approved", OR: [{ publication: null }, { publication: { status: "canceled" } }] } }),
    db.mediaSnapshot.count({ where: { shopId, revertRequestedAt: { not: null }, revertedAt: null, revertError: null } }),
    db.$queryRaw<{ total: number }[]>`SELECT COUNT(DISTINCT "productId")::int AS "total" FROM "Publication" WHERE "shopId" = ${shopId} ${statusSql(query.status)}`,
  ]);
  const pages = Math.max(1, Math.ceil(total / PRODUCTS_PER_PAGE));
  const page = Math.min(query.page, pages);

  const pageGroups = await db.publication.groupBy({
    by: ["productId"],
    where,
    _max: { updatedAt: true },
    orderBy: [{ _max: { updatedAt: "desc" } }, { productId: "asc" }],
    skip: (page - 1) * PRODUCTS_PER_PAGE,
    take: PRODUCTS_PER_PAGE,
  });
  const productIds = pageGroups.map((g) => g.productId);

  const [productCounts, failedRows, products, snapshots] = productIds.length
    ? await Promise.all([
        db.publication.groupBy({ by: ["productId", "status"], where: { shopId, productId: { in: productIds } }, _count: { _all: true }, _max: { readyAt: true, updatedAt: true } }),
        // The newest few failures of each product on the page (a window per product, so one product's many cannot crowd out the others).
        db.$queryRaw<FailedRow[]>`
          SELECT "id", "productId", "assetId", "kind", "view", "colour", "fileName", "errorCode", "error", "attempts", "updatedAt"
          FROM (
            SELECT *, ROW_NUMBER() OVER (PARTITION BY "productId" ORDER BY "updatedAt" DESC, "id") AS "n"
            FROM "Publication"
            WHERE "shopId" = ${shopId} AND "status" = 'failed' AND "productId" IN (${Prisma.join(productIds)})
          ) AS "failed"
          WHERE "n" <= ${FAILED_SHOWN_PER_PRODUCT}
          ORDER BY "updatedAt" DESC, "id"`,
        db.product.findMany({ where: { shopId, id: { in: productIds } }, select: { id: true, title: true, featuredImageUrl: true } }),
        // The newest snapshot not reverted yet is what Revert restores; one per product.
        db.mediaSnapshot.findMany({
          where: { shopId, productId: { in: productIds }, revertedAt: null },
          orderBy: [{ productId: "asc" }, { createdAt: "desc" }, { id: "desc" }],
          distinct: ["productId"],
          select: { productId: true, createdAt: true, revertRequestedAt: true, revertRequestedBy: true, revertError: true },
        }),
      ])
    : [[], [] as FailedRow[], [], []];

  const productsById = new Map(products.map((p) => [p.id, p]));
  const snapshotsByProduct = new Map(snapshots.map((s) => [s.productId, s]));
  const rows: PublishingProductRow[] = pageGroups.map((group) => {
    const groups = productCounts.filter((g) => g.productId === group.productId);
    const counts = countsByStatus(groups);
    const failed = failedRows.filter((f) => f.productId === group.productId);
    const lastReady = groups.map((g) => g._max.readyAt).filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0];
    const lastActivity = groups.map((g) => g._max.updatedAt).filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0] ?? group._max.updatedAt;
    const product = productsById.get(group.productId);
    return {
      productId: group.productId,
      title: product?.title ?? "Product no longer in the catalog",
      inCatalog: product !== undefined,
      featuredImageUrl: product?.featuredImageUrl ?? null,
      counts,
      progress: progressOfStatusCounts(counts),
      failed: failed.map((f) => ({
        id: f.id,
        assetId: f.assetId,
        kind: f.kind,
        view: f.view,
        colour: f.colour,
        fileName: f.fileName,
        errorCode: f.errorCode,
        error: f.error,
        attempts: f.attempts,
        failedAt: f.updatedAt.toISOString(),
      })),
      moreFailed: Math.max(0, (counts.failed ?? 0) - failed.length),
      lastPublishedAt: lastReady?.toISOString() ?? null,
      lastActivityAt: (lastActivity ?? new Date(0)).toISOString(),
      revert: revertState(snapshotsByProduct.get(group.productId)),
    };
  });

  const counts = countsByStatus(shopCounts);
  const progress = progressOfStatusCounts(counts);
  return {
    query: { ...query, page },
    summary: { counts, progress, approvedUnpublished, reverting },
    products: rows,
    total,
    pageCount: pages,
    live: progress.inProgress > 0 || reverting > 0,
    empty: shopCounts.length === 0,
  };
}

function revertState(snapshot: { createdAt: Date; revertRequestedAt: Date | null; revertRequestedBy: string | null; revertError: string | null } | undefined): RevertState {
  if (!snapshot) return { state: "none" };
  const snapshotAt = snapshot.createdAt.toISOString();
  if (snapshot.revertError) return { state: "failed", snapshotAt, error: snapshot.revertError };
  if (snapshot.revertRequestedAt) return { state: "reverting", snapshotAt, requestedAt: snapshot.revertRequestedAt.toISOString(), requestedBy: snapshot.revertRequestedBy };
  return { state: "available", snapshotAt };
}

const productId = z
  .string({ error: "productId is missing: reload the page" })
  .regex(/^gid:\/\/shopify\/Product\/\d+$/, "productId is not a Shopify product id: reload the page");

/** The page's buttons. Retry without a product retries every failed publication of the shop. */
export const publishingActionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("publish-approved") }),
    z.object({ intent: z.literal("retry"), productId: productId.optional() }),
    z.object({ intent: z.literal("revert"), productId }),
  ],
  { error: "intent must be publish-approved, retry or revert" },
);
export type PublishingAction = z.infer<typeof publishingActionSchema>;

export type PublishingActionResult = { ok: true; intent: PublishingAction["intent"]; message: string; warning?: string } | { ok: false; error: string };

export function parsePublishingAction(form: Record<string, unknown>): { ok: true; action: PublishingAction } | { ok: false; error: string } {
  // An empty productId from the form means "all products".
  const input = form.productId === "" ? { ...form, productId: undefined } : form;
  const parsed = publishingActionSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join(".") || "form"}: ${i.message}`).join("; ") };
  return { ok: true, action: parsed.data };
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

/** "2 skipped: it is already on the product (2)": each reason once, with how often. */
function describeSkipped(skipped: readonly { reason: string }[]): string {
  const reasons = new Map<string, number>();
  for (const { reason } of skipped) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  return `${skipped.length} skipped: ${[...reasons].map(([reason, n]) => (n > 1 ? `${reason} (${n})` : reason)).join("; ")}.`;
}

/** Runs one of the page's actions; refusals come back as the merchant-facing message. */
export async function runPublishingAction(shopId: string, action: PublishingAction, actor: string, db: PrismaClient = prisma): Promise<PublishingActionResult> {
  switch (action.intent) {
    case "publish-approved": {
      const result = await queuePublications(db, shopId, "all-approved", actor);
      if (result.queued === 0 && result.skipped.length === 0) return { ok: true, intent: action.intent, message: "Nothing to publish: no approved media is waiting." };
      const message = [result.queued > 0 ? `Publishing ${plural(result.queued, "approved asset")}.` : "Nothing was queued.", result.skipped.length > 0 ? describeSkipped(result.skipped) : ""]
        .filter(Boolean)
        .join(" ");
      return { ok: true, intent: action.intent, message, ...(result.queueWarning ? { warning: result.queueWarning } : {}) };
    }
    case "retry": {
      const result = await retryFailedPublications(db, shopId, action.productId ?? null, actor);
      if (result.queued === 0) return { ok: true, intent: action.intent, message: action.productId ? "This product has no failed media to retry." : "No failed media to retry." };
      return { ok: true, intent: action.intent, message: `Retrying ${plural(result.queued, "failed publication")}.`, ...(result.queueWarning ? { warning: result.queueWarning } : {}) };
    }
    case "revert": {
      const result = await requestRevert(db, shopId, action.productId, actor);
      return result.ok ? { ok: true, intent: action.intent, message: result.message } : { ok: false, error: result.error };
    }
  }
}
