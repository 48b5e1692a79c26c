import type { PrismaClient } from "@prisma/client";
import { requestCatalogSync, SyncAlreadyRunningError } from "./catalog-sync.server";

export interface ReconcileResult {
  started: string[];
  skipped: { shopId: string; reason: string }[];
}

/**
 * The scheduled reconciliation: a full (bulk) sync for every installed shop,
 * so anything a missed or malformed webhook left out is repaired. Shops with a
 * sync already under way, and uninstalled shops, are skipped.
 */
export async function reconcileCatalogs(
  db: PrismaClient,
  enqueueSync: (payload: { shopId: string; syncRunId: string }) => Promise<void>,
): Promise<ReconcileResult> {
  const shops = await db.shop.findMany({ where: { uninstalledAt: null }, select: { id: true }, orderBy: { id: "asc" } });
  const sessions = new Set((await db.session.findMany({ where: { isOnline: false }, select: { shop: true } })).map((s) => s.shop));
  const result: ReconcileResult = { started: [], skipped: [] };
  for (const { id } of shops) {
    if (!sessions.has(id)) {
      result.skipped.push({ shopId: id, reason: "no offline session" });
      continue;
    }
    try {
      await requestCatalogSync(db, enqueueSync, { shopId: id, requestedBy: "system:reconcile", kind: "bulk" });
      result.started.push(id);
    } catch (error) {
      if (!(error instanceof SyncAlreadyRunningError)) throw error;
      result.skipped.push({ shopId: id, reason: "a sync is already running" });
    }
  }
  return result;
}
