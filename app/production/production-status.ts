/**
 * Production states and how they roll up: candidates (Asset rows) → asset
 * requests → orders. Pure, so the processors, the reconciler and the page all
 * agree on what "done" means.
 */

/** "processing" is derived (candidateStatus): stored, with post-production still to finish. */
export const ASSET_STATUSES = ["queued", "submitting", "submitted", "downloading", "processing", "stored", "failed", "canceled", "paused"] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];

export const REQUEST_STATUSES = ["queued", "running", "succeeded", "failed", "canceled", "paused", "waiting-studio"] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const ORDER_STATUSES = ["queued", "running", "paused", "completed", "partial", "failed", "canceled"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Post-production of one asset (issue #5); null = not planned (videos, assets made before it existed). */
export const POST_STATUSES = ["queued", "processing", "done", "failed", "skipped"] as const;
export type PostStatus = (typeof POST_STATUSES)[number];

/**
 * A candidate's status counting post-production and QC: a stored image is only
 * finished once post-production and its checks are, and one that post-production refused
 * (an undecodable file, no subject) counts as failed.
 */
export function candidateStatus(asset: { status: string; postStatus: string | null; qcStatus?: string | null }): string {
  if (asset.status !== "stored") return asset.status;
  if (asset.postStatus === "failed") return "failed";
  if (asset.postStatus === "queued" || asset.postStatus === "processing") return "processing";
  // The quality checks (issue #6) still to run: not finished yet. A check that failed to run leaves the asset for a person, so it counts as stored.
  if (asset.qcStatus === "queued" || asset.qcStatus === "running") return "processing";
  return "stored";
}

/** A candidate that no longer needs a worker. */
export function isAssetFinished(status: string): boolean {
  return status === "stored" || status === "failed" || status === "canceled";
}

export function isOrderActive(status: string): boolean {
  return status === "queued" || status === "running";
}

/** An asset request's status from its candidates' (AI lane). */
export function rollUpRequest(candidates: readonly string[]): RequestStatus {
  if (candidates.length === 0) return "failed";
  if (candidates.some((s) => s === "paused")) return "paused";
  if (candidates.some((s) => !isAssetFinished(s) && s !== "paused")) return candidates.some((s) => s !== "queued") ? "running" : "queued";
  if (candidates.some((s) => s === "stored")) return "succeeded";
  if (candidates.every((s) => s === "canceled")) return "canceled";
  return "failed";
}

/**
 * An order's status from its requests'. Studio requests wait for the studio
 * lane and do not hold the AI part of an order open.
 */
export function rollUpOrder(requests: readonly string[]): OrderStatus {
  const ai = requests.filter((s) => s !== "waiting-studio");
  if (ai.length === 0) return "completed";
  if (ai.some((s) => s === "paused")) return "paused";
  if (ai.some((s) => s === "queued" || s === "running")) return ai.some((s) => s !== "queued") ? "running" : "queued";
  if (ai.every((s) => s === "canceled")) return "canceled";
  if (ai.every((s) => s === "succeeded")) return "completed";
  if (ai.some((s) => s === "succeeded")) return "partial";
  return "failed";
}

export interface Progress {
  done: number;
  total: number;
  /** 0–100, whole numbers. */
  percent: number;
}

/** How far the candidates are: finished ones over all. */
export function progressOf(candidates: readonly string[]): Progress {
  const done = candidates.filter(isAssetFinished).length;
  const total = candidates.length;
  return { done, total, percent: total === 0 ? 100 : Math.floor((done / total) * 100) };
}
