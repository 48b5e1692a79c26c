import type { PrismaClient } from "@prisma/client";
import { reprocessStoreImages } from "../imaging/reprocess.server";
import prisma from "../db.server";
import { providerForShop } from "../providers/registry.server";
import { monthSpendMicros, startOfUtcMonth } from "../settings/spend.server";
import { signedAssetUrl } from "../storage/signed-url.server";
import { cancelOrder, ProductionActionError, resumeShopProduction, retryOrder, sendToProduction, type SendResult } from "./production-orders.server";
import {
  assetLabel,
  costOf,
  countCandidates,
  DEMO_PROVIDER,
  describeCandidateError,
  formatUsd,
  orderActions,
  ORDERS_PER_PAGE,
  pageCount,
  parseProductionPageQuery,
  progressOfCounts,
  signingClock,
  statusesForFilter,
  UNFINISHED_ORDER_STATUSES,
  type CandidateCounts,
  type ProductionAction,
  type ProductionActionResult,
  type ProductionPageQuery,
} from "./production-page";
import { candidateStatus, progressOf, type Progress } from "./production-status";

const THUMBNAILS_PER_ASSET = 4;
const URL_LIFETIME_SECONDS = 3600;

export interface ProductionThumbnail {
  url: string;
  width: number | null;
  height: number | null;
  /** Set on a video's poster: the MP4 itself. */
  videoUrl?: string;
  durationSeconds?: number | null;
  demo: boolean;
  /** Post-production state of an image (null for video and older assets). */
  postStatus?: string | null;
  /** Layer-1 verdict and review state once checked, with the asset's page in the review grid. */
  qc?: { verdict: string | null; reviewStatus: string | null; href: string } | null;
  /** The channel renditions post-production made, smallest first. */
  renditions?: { channel: string; fileName: string; url: string; width: number; height: number; bytes: number }[];
}

export interface ProductionAssetRow {
  id: string;
  asset: string;
  label: string;
  source: string;
  status: string;
  error: string | null;
  /** The providers' reasons for failed candidates, once each. */
  candidateErrors: string[];
  counts: CandidateCounts;
  candidates: number;
  /** Some candidate was made (or is being made) by the local demo provider, not by an AI model. */
  demo: boolean;
  providers: string[];
  thumbnails: ProductionThumbnail[];
}

export interface ProductionOrderRow {
  id: string;
  productId: string;
  productTitle: string;
  featuredImageUrl: string | null;
  status: string;
  source: string;
  requestedBy: string;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
  progress: Progress;
  cost: string;
  wasted: string;
  costMicros: number;
  wastedMicros: number;
  demo: boolean;
  canCancel: boolean;
  canRetry: boolean;
  assets: ProductionAssetRow[];
}

export interface ProductionPageData {
  query: ProductionPageQuery;
  orders: ProductionOrderRow[];
  total: number;
  pageCount: number;
  summary: {
    /** Orders not finished yet (queued, running or paused). */
    activeOrders: number;
    /** Orders a worker is moving right now: the page polls while there are any. */
    liveOrders: number;
    progress: Progress;
    monthSpend: string;
    monthSpendMicros: number;
    monthWasted: string;
    monthWastedMicros: number;
  };
  pause: { reason: string; since: string } | null;
  /** The shop has never sent anything: the page explains how. */
  empty: boolean;
}

function signed(key: string, clock: number): string {
  return signedAssetUrl(key, { expiresInSeconds: URL_LIFETIME_SECONDS, now: clock });
}

/**
 * The Production page: one page of orders newest first with their requests and
 * candidates, costs from the ledger, and the shop-wide summary. A fixed number
 * of queries whatever the page holds (include and groupBy, no query per order).
 */
export async function loadProductionPage(shopId: string, searchParams: URLSearchParams, options: { db?: PrismaClient; now?: Date } = {}): Promise<ProductionPageData> {
  const db = options.db ?? prisma;
  const now = options.now ?? new Date();
  const query = parseProductionPageQuery(searchParams);
  const statuses = statusesForFilter(query.status);
  const where = { shopId, ...(statuses ? { status: { in: [...statuses] } } : {}) };

  const [total, anyOrder, shop] = await Promise.all([
    db.productionOrder.count({ where }),
    db.productionOrder.findFirst({ where: { shopId }, select: { id: true } }),
    db.shop.findUnique({ where: { id: shopId }, select: { productionPausedAt: true, productionPauseReason: true } }),
  ]);
  const pages = pageCount(total);
  const page = Math.min(query.page, pages);
  const orders = await db.productionOrder.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: (page - 1) * ORDERS_PER_PAGE,
    take: ORDERS_PER_PAGE,
    include: {
      requests: {
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        include: {
          assets: {
            orderBy: { candidateIndex: "asc" },
            select: {
              id: true,
              status: true,
              kind: true,
              colour: true,
              provider: true,
              errorCode: true,
              error: true,
              storageKey: true,
              posterKey: true,
              width: true,
              height: true,
              durationSeconds: true,
              postStatus: true,
              qcStatus: true,
              qcVerdict: true,
              reviewStatus: true,
              thumbKey: true,
              postErrorCode: true,
              postError: true,
              renditions: { select: { channel: true, fileName: true, storageKey: true, width: true, height: true, bytes: true }, orderBy: { bytes: "asc" } },
            },
          },
        },
      },
    },
  });
  const orderIds = orders.map((o) => o.id);
  const monthStart = startOfUtcMonth(now);
  const monthEnd = new Date(Date.UTC(monthStart.getUTCFullYear(), monthStart.getUTCMonth() + 1, 1));

  const [products, costs, activeOrders, liveOrders, activeCandidates, spend, wasted] = await Promise.all([
    db.product.findMany({ where: { shopId, id: { in: [...new Set(orders.map((o) => o.productId))] } }, select: { id: true, title: true, featuredImageUrl: true } }),
    db.costEntry.groupBy({ by: ["orderId", "outcome"], where: { shopId, orderId: { in: orderIds } }, _sum: { costMicros: true } }),
    db.productionOrder.count({ where: { shopId, status: { in: [...UNFINISHED_ORDER_STATUSES] } } }),
    db.productionOrder.count({ where: { shopId, status: { in: ["queued", "running"] } } }),
    db.asset.groupBy({ by: ["status"], where: { shopId, request: { order: { status: { in: [...UNFINISHED_ORDER_STATUSES] } } } }, _count: { _all: true } }),
    monthSpendMicros(db, shopId, now),
    db.costEntry.aggregate({ where: { shopId, at: { gte: monthStart, lt: monthEnd }, outcome: { in: ["failed", "canceled"] } }, _sum: { costMicros: true } }),
  ]);

  const productsById = new Map(products.map((p) => [p.id, p]));
  const costsByOrder = new Map<string, { outcome: string; costMicros: number }[]>();
  for (const group of costs) {
    if (!group.orderId) continue;
    const list = costsByOrder.get(group.orderId) ?? [];
    list.push({ outcome: group.outcome, costMicros: group._sum.costMicros ?? 0 });
    costsByOrder.set(group.orderId, list);
  }
  const clock = signingClock(now.getTime());

  const rows: ProductionOrderRow[] = orders.map((order) => {
    const candidates = order.requests.flatMap((r) => r.assets);
    const cost = costOf(costsByOrder.get(order.id) ?? []);
    const product = productsById.get(order.productId);
    const assets: ProductionAssetRow[] = order.requests.map((request) => {
      const stored = request.assets.filter((a) => a.status === "stored" && a.storageKey);
      const images = stored.filter((a) => a.kind === "image").slice(0, THUMBNAILS_PER_ASSET);
      const videos = stored.filter((a) => a.kind === "video" && a.posterKey).slice(0, THUMBNAILS_PER_ASSET);
      const thumbnails: ProductionThumbnail[] = [
        ...images.map((a) => {
          // Once post-production is done the smallest rendition is the thumbnail; until then the original.
          const renditions = a.renditions.map((r) => ({ channel: r.channel, fileName: r.fileName, url: signed(r.storageKey, clock), width: r.width, height: r.height, bytes: r.bytes }));
          const thumb = renditions[0];
          const qc = a.qcStatus === "done" || a.qcStatus === "failed" ? { verdict: a.qcVerdict, reviewStatus: a.reviewStatus, href: `/app/review/${a.id}` } : null;
          // The QC thumbnail (≤ 30 KB WebP) once checked; else the smallest rendition; else the original.
          const url = a.thumbKey ? signed(a.thumbKey, clock) : (thumb?.url ?? signed(a.storageKey!, clock));
          return { url, width: thumb?.width ?? a.width, height: thumb?.height ?? a.height, demo: a.provider === DEMO_PROVIDER, postStatus: a.postStatus, qc, renditions };
        }),
        ...videos.map((a) => ({ url: signed(a.posterKey!, clock), width: a.width, height: a.height, videoUrl: signed(a.storageKey!, clock), durationSeconds: a.durationSeconds, demo: a.provider === DEMO_PROVIDER })),
      ];
      const candidateErrors = [
        ...new Set([
          ...request.assets.filter((a) => a.status === "failed").map((a) => describeCandidateError(a.errorCode, a.error)),
          ...request.assets.filter((a) => a.postStatus === "failed").map((a) => (a.postError ? `Post-production: ${a.postError}` : null)),
        ].filter((e): e is string => e !== null)),
      ];
      // One order can make the same view for several colourways (a studio shot as the reference): name the colour then.
      const colours = [...new Set(request.assets.map((a) => a.colour).filter((c): c is string => c !== null))];
      const sameKind = order.requests.filter((r) => r.asset === request.asset).length > 1;
      return {
        id: request.id,
        asset: request.asset,
        label: sameKind && colours.length === 1 ? `${assetLabel(request.asset)} · ${colours[0]}` : assetLabel(request.asset),
        source: request.source,
        status: request.status,
        error: request.error,
        candidateErrors,
        counts: countCandidates(request.assets.map(candidateStatus)),
        candidates: request.assets.length,
        demo: request.assets.some((a) => a.provider === DEMO_PROVIDER),
        providers: [...new Set(request.assets.map((a) => a.provider))],
        thumbnails,
      };
    });
    return {
      id: order.id,
      productId: order.productId,
      productTitle: product?.title ?? "Product no longer in the catalog",
      featuredImageUrl: product?.featuredImageUrl ?? null,
      status: order.status,
      source: order.source,
      requestedBy: order.requestedBy,
      createdAt: order.createdAt.toISOString(),
      finishedAt: order.finishedAt?.toISOString() ?? null,
      error: order.error,
      progress: progressOf(candidates.map(candidateStatus)),
      cost: formatUsd(cost.costMicros),
      wasted: formatUsd(cost.wastedMicros),
      ...cost,
      demo: assets.some((a) => a.demo),
      ...orderActions(order.status),
      assets,
    };
  });

  const monthWastedMicros = wasted._sum.costMicros ?? 0;
  return {
    query: { ...query, page },
    orders: rows,
    total,
    pageCount: pages,
    summary: {
      activeOrders,
      liveOrders,
      progress: progressOfCounts(activeCandidates.map((g) => ({ status: g.status, count: g._count._all }))),
      monthSpend: formatUsd(spend.spentMicros),
      monthSpendMicros: spend.spentMicros,
      monthWasted: formatUsd(monthWastedMicros),
      monthWastedMicros,
    },
    pause: shop?.productionPausedAt ? { reason: shop.productionPauseReason ?? "a spending limit was reached", since: shop.productionPausedAt.toISOString() } : null,
    empty: anyOrder === null,
  };
}

/** Runs one of the page's actions; refusals come back as the merchant-facing message. */
export async function runProductionAction(shopId: string, action: ProductionAction, actor: string, db: PrismaClient = prisma): Promise<ProductionActionResult> {
  try {
    switch (action.intent) {
      case "cancel": {
        await cancelOrder(db, shopId, action.orderId, actor, (provider, job) => providerForShop(db, shopId, provider).then((p) => p.cancel(job)));
        return { ok: true, message: "Order canceled. Jobs a provider already started were asked to stop." };
      }
      case "retry": {
        const { candidates } = await retryOrder(db, shopId, action.orderId, actor);
        return { ok: true, message: `Retrying ${candidates} candidate${candidates === 1 ? "" : "s"}.` };
      }
      case "resume": {
        const { orders } = await resumeShopProduction(db, shopId, actor);
        return { ok: true, message: `Production resumed${orders ? `: ${orders} paused order${orders === 1 ? " continues" : "s continue"}` : ""}.` };
      }
    }
  } catch (error) {
    if (error instanceof ProductionActionError) return { ok: false, error: error.message };
    throw error;
  }
}


/** "Send to production" from the catalog's selection: one product is a manual order, more are a bulk send. */
export function reprocessSelection(shopId: string, productIds: string[], options: { actor: string; demo: boolean }, db: PrismaClient = prisma): Promise<SendResult> {
  return reprocessStoreImages(db, shopId, productIds, options);
}

export function sendSelectionToProduction(shopId: string, productIds: string[], options: { actor: string; demo: boolean }, db: PrismaClient = prisma): Promise<SendResult> {
  return sendToProduction(db, shopId, productIds, { actor: options.actor, source: productIds.length > 1 ? "bulk" : "manual", demo: options.demo });
}
