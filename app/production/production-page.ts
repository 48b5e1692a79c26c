import { z } from "zod";
import { ASSET_KINDS, ASSET_LABELS, type AssetKind } from "./production-plan";
import { ASSET_STATUSES, isAssetFinished, isOrderActive, type AssetStatus, type OrderStatus, type Progress } from "./production-status";

/**
 * Pure parts of the Production page: its address (filter and page), which
 * statuses each filter shows, money, costs, candidate counts and the actions
 * an order offers. No I/O, so the page and its tests agree on them.
 */

export const ORDERS_PER_PAGE = 25;

export const STATUS_FILTERS = ["all", "active", "finished", "failed"] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

/** Orders that are not done yet: paused ones wait for the merchant, but they are still in production. */
export const UNFINISHED_ORDER_STATUSES: readonly OrderStatus[] = ["queued", "running", "paused"];

const FILTER_STATUSES: Record<StatusFilter, readonly OrderStatus[] | null> = {
  all: null,
  active: UNFINISHED_ORDER_STATUSES,
  finished: ["completed", "partial", "failed", "canceled"],
  // Partial orders lost some assets: the merchant looks for them with the failed ones.
  failed: ["failed", "partial"],
};

export function statusesForFilter(filter: StatusFilter): readonly OrderStatus[] | null {
  return FILTER_STATUSES[filter];
}

/** The page's address: `?status=active&page=2`. Unknown values fall back rather than fail: it is a bookmarkable list. */
export const productionPageQuerySchema = z.object({
  status: z.enum(STATUS_FILTERS).catch("all"),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});
export type ProductionPageQuery = z.infer<typeof productionPageQuerySchema>;

export function parseProductionPageQuery(params: URLSearchParams): ProductionPageQuery {
  return productionPageQuerySchema.parse({ status: params.get("status") ?? undefined, page: params.get("page") ?? undefined });
}

export function productionPageSearch(query: ProductionPageQuery): string {
  const params = new URLSearchParams();
  if (query.status !== "all") params.set("status", query.status);
  if (query.page > 1) params.set("page", String(query.page));
  const search = params.toString();
  return search ? `?${search}` : "";
}

export function pageCount(total: number, perPage = ORDERS_PER_PAGE): number {
  return Math.max(1, Math.ceil(total / perPage));
}

/** Provider costs are USD in micro-dollars; the page shows dollars and cents. */
export function formatUsd(micros: number): string {
  const cents = Math.round(micros / 10_000);
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}$${Math.floor(abs / 100).toLocaleString("en-US")}.${String(abs % 100).padStart(2, "0")}`;
}

export interface OrderCost {
  /** Settled cost: every ledger outcome except reservations still open. */
  costMicros: number;
  /** Of that, what bought nothing: failed and canceled calls. */
  wastedMicros: number;
}

export function costOf(entries: readonly { outcome: string; costMicros: number }[]): OrderCost {
  let costMicros = 0;
  let wastedMicros = 0;
  for (const entry of entries) {
    if (entry.outcome === "reserved") continue;
    costMicros += entry.costMicros;
    if (entry.outcome === "failed" || entry.outcome === "canceled") wastedMicros += entry.costMicros;
  }
  return { costMicros, wastedMicros };
}

/** progressOf for candidates already counted by status (a groupBy), so the summary needs no row per candidate. */
export function progressOfCounts(groups: readonly { status: string; count: number }[]): Progress {
  let done = 0;
  let total = 0;
  for (const group of groups) {
    total += group.count;
    if (isAssetFinished(group.status)) done += group.count;
  }
  return { done, total, percent: total === 0 ? 100 : Math.floor((done / total) * 100) };
}

export type CandidateCounts = Partial<Record<AssetStatus, number>>;

export function countCandidates(statuses: readonly string[]): CandidateCounts {
  const counts: CandidateCounts = {};
  for (const status of statuses) {
    if (!(ASSET_STATUSES as readonly string[]).includes(status)) continue;
    const key = status as AssetStatus;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** "2 stored, 1 failed": in the order of the statuses' life cycle. */
export function describeCandidateCounts(counts: CandidateCounts): string {
  return ASSET_STATUSES.filter((s) => counts[s])
    .map((s) => `${counts[s]} ${s}`)
    .join(", ");
}

export function assetLabel(asset: string): string {
  if (asset === "store-image") return "Store images (re-processed)";
  return (ASSET_KINDS as readonly string[]).includes(asset) ? ASSET_LABELS[asset as AssetKind] : asset;
}

/** The provider's reason as the merchant reads it: "moderation: the image was refused …". */
export function describeCandidateError(errorCode: string | null, error: string | null): string | null {
  if (!error && !errorCode) return null;
  if (!errorCode) return error;
  if (!error) return errorCode;
  return error.toLowerCase().startsWith(errorCode.toLowerCase()) ? error : `${errorCode}: ${error}`;
}

export interface OrderActions {
  canCancel: boolean;
  canRetry: boolean;
}

/** Mirrors what cancelOrder and retryOrder accept, so the page only offers what will work. */
export function orderActions(status: string): OrderActions {
  return {
    canCancel: isOrderActive(status) || status === "paused",
    canRetry: status === "failed" || status === "partial" || status === "canceled",
  };
}

/**
 * Signed thumbnail URLs are re-made on every poll; signing against a clock
 * rounded down to 10 minutes keeps a URL identical between polls (so the
 * browser does not reload the image every 2 s) while it stays valid for at
 * least 50 of its 60 minutes.
 */
export const SIGNING_STEP_MS = 10 * 60 * 1000;
export function signingClock(now: number): number {
  return Math.floor(now / SIGNING_STEP_MS) * SIGNING_STEP_MS;
}

export const DEMO_PROVIDER = "demo";
export const DEMO_PROVIDER_LABEL = "Demo provider (local composition, not AI)";

/** The page's buttons: Cancel and Retry name an order; Resume lifts the shop's pause. */
export const productionActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("cancel"), orderId: z.string({ error: "orderId is missing: reload the page" }).min(1, "orderId is missing: reload the page") }),
  z.object({ intent: z.literal("retry"), orderId: z.string({ error: "orderId is missing: reload the page" }).min(1, "orderId is missing: reload the page") }),
  z.object({ intent: z.literal("resume") }),
], { error: "intent must be cancel, retry or resume" });
export type ProductionAction = z.infer<typeof productionActionSchema>;

export type ProductionActionResult = { ok: true; message: string } | { ok: false; error: string };

export function parseProductionAction(form: Record<string, unknown>): { ok: true; action: ProductionAction } | { ok: false; error: string } {
  const parsed = productionActionSchema.safeParse(form);
  if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join(".") || "form"}: ${i.message}`).join("; ") };
  return { ok: true, action: parsed.data };
}
