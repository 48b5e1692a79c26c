import type { PrismaClient } from "@prisma/client";
import { recordAuditEvent } from "../audit/audit.server";
import { ACTIVE_SYNC_STATUSES } from "../catalog/catalog-sync.server";
import { cancelOpenWork, type CancelAtProvider, type CanceledWork } from "./open-work.server";
import { removeShopJobs, type RemovedJobs } from "./shop-jobs.server";

export interface UninstallResult {
  /** False when an earlier delivery already marked the shop uninstalled. */
  firstTime: boolean;
  sessions: number;
  work: CanceledWork;
  syncRuns: number;
  jobs: RemovedJobs;
}

/**
 * app/uninstalled: the app lost its access, so every job of the shop stops.
 * In this order, so a job that is running meanwhile cannot start new work:
 * the shop is marked uninstalled (the catalog-product worker and the
 * production reconciler skip such shops) and its sessions deleted; open
 * orders, publications and catalog syncs are canceled in the database; then
 * its queued jobs are removed from every queue. The catalog and the audit
 * trail stay until shop/redact, 48 hours later, so a reinstall finds them.
 * Safe to run twice: a second run finds nothing left to stop.
 */
export async function stopShop(db: PrismaClient, shopId: string, options: { actor: string; cancelAtProvider?: CancelAtProvider }): Promise<UninstallResult> {
  const marked = await db.shop.updateMany({ where: { id: shopId, uninstalledAt: null }, data: { uninstalledAt: new Date() } });
  // The session may already be gone if this webhook was delivered before.
  const sessions = await db.session.deleteMany({ where: { shop: shopId } });
  const work = await cancelOpenWork(db, shopId, {}, options.actor, { cancelAtProvider: options.cancelAtProvider, reason: "Canceled: the app was uninstalled from the store." });
  const syncRuns = await db.syncRun.updateMany({
    where: { shopId, status: { in: [...ACTIVE_SYNC_STATUSES] } },
    data: { status: "cancelled", finishedAt: new Date(), error: "The app was uninstalled from the store." },
  });
  const jobs = await removeShopJobs(shopId);
  const result = { firstTime: marked.count > 0, sessions: sessions.count, work, syncRuns: syncRuns.count, jobs };
  const shopExists = (await db.shop.count({ where: { id: shopId } })) > 0;
  if (shopExists && (result.firstTime || work.orders.length > 0 || work.publications > 0 || jobs.removed > 0)) {
    await recordAuditEvent(db, {
      shopId,
      actor: options.actor,
      action: "shop.uninstalled",
      subjectType: "Shop",
      subjectId: shopId,
      data: { canceledOrders: work.orders.length, canceledCandidates: work.candidates, canceledPublications: work.publications, canceledSyncRuns: syncRuns.count, removedJobs: jobs.removed, jobsLeftRunning: jobs.locked },
    });
  }
  return result;
}
