import type { SyncRun } from "@prisma/client";
import { catalogSyncQueue, enqueue, QueueUnavailableError } from "../../jobs/queues";
import prisma from "../db.server";
import { activeSyncRun, cancelCatalogSync, latestSyncRun, requestCatalogSync, SyncAlreadyRunningError } from "./catalog-sync.server";

export interface SyncStatus {
  id: string;
  status: string;
  processed: number;
  total: number | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  active: boolean;
  kind: string;
}

function toStatus(run: SyncRun | null): SyncStatus | null {
  if (!run) return null;
  return {
    id: run.id,
    status: run.status,
    processed: run.processed,
    total: run.total,
    error: run.error,
    createdAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    active: run.status === "queued" || run.status === "running",
    kind: run.kind,
  };
}

export async function catalogSyncStatus(shopId: string): Promise<{ run: SyncStatus | null }> {
  return { run: toStatus((await activeSyncRun(prisma, shopId)) ?? (await latestSyncRun(prisma, shopId))) };
}

export type StartSyncResult = { ok: true; run: SyncStatus } | { ok: false; status: 409 | 503; error: string; run: SyncStatus | null };

/** Starts a catalog sync on the queue; the answer says why when it cannot. */
export async function startCatalogSync(shopId: string, requestedBy: string, kind: "bulk" | "paginated" = "bulk"): Promise<StartSyncResult> {
  try {
    const run = await requestCatalogSync(prisma, (payload) => enqueue(catalogSyncQueue, payload, { jobId: `catalog-sync-${payload.syncRunId}` }), { shopId, requestedBy, kind });
    return { ok: true, run: toStatus(run)! };
  } catch (error) {
    if (error instanceof SyncAlreadyRunningError) return { ok: false, status: 409, error: error.message, run: toStatus(error.run) };
    if (error instanceof QueueUnavailableError) {
      return { ok: false, status: 503, error: "The background worker's queue is unavailable right now. Try again in a minute; if it persists, check that Redis and `npm run worker` are running.", run: null };
    }
    throw error;
  }
}

/** Cancels the shop's running sync; says so when there is none. */
export async function stopCatalogSync(shopId: string, actor: string): Promise<{ ok: boolean; error?: string; run: SyncStatus | null }> {
  const run = await cancelCatalogSync(prisma, shopId, actor);
  return run ? { ok: true, run: toStatus(run) } : { ok: false, error: "No catalog sync is running.", run: null };
}
