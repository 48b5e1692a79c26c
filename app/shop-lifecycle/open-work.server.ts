import type { PrismaClient } from "@prisma/client";
import { recordAuditEvent } from "../audit/audit.server";
import type { ProviderId } from "../providers/provider";
import { providerForShop } from "../providers/registry.server";

/** Publication states with work still to do (app/publishing); the rest are final. */
export const OPEN_PUBLICATION_STATUSES = ["queued", "staged", "uploaded", "attaching", "processing", "placing"] as const;
/** Orders a cancel applies to (the ones cancelOrder accepts). */
const OPEN_ORDER_STATUSES = ["queued", "running", "paused"];
const FINISHED_CANDIDATE_STATUSES = ["stored", "failed", "canceled"];

export type CancelAtProvider = (provider: ProviderId, job: { providerJobId: string; handle: Record<string, string> }) => Promise<void>;

export interface CanceledWork {
  orders: string[];
  candidates: number;
  publications: number;
  /** Provider jobs asked to stop (best effort; some may still be finishing when this returns). */
  providerCancels: number;
}

/** The shop's provider adapters, as the Production page's Cancel uses them. */
export const cancelWithShopProvider =
  (db: PrismaClient, shopId: string): CancelAtProvider =>
  (provider, job) =>
    providerForShop(db, shopId, provider).then((adapter) => adapter.cancel(job));

/**
 * Cancels the open work of a shop, or of one of its products: active and
 * paused production orders with their unfinished candidates and requests (the
 * reservations in the cost ledger released), and publications not yet
 * finished. The same changes as cancelOrder in production-orders.server.ts,
 * for many orders in one transaction, because app/uninstalled has to finish
 * inside Shopify's 5-second limit. Rows are kept (the audit trail); jobs that
 * still run find their order canceled and step aside.
 *
 * Provider jobs already running are asked to stop afterwards, best effort,
 * for at most `providerBudgetMs`: a webhook cannot wait on a slow provider,
 * and a provider that finishes anyway is only a cost (the ledger says so).
 */
export async function cancelOpenWork(
  db: PrismaClient,
  shopId: string,
  scope: { productId?: string },
  actor: string,
  options: { cancelAtProvider?: CancelAtProvider; providerBudgetMs?: number; /** Why, for the canceled publications' error (shown on the Publishing page). */ reason?: string } = {},
): Promise<CanceledWork> {
  const product = scope.productId ? { productId: scope.productId } : {};
  const orders = await db.productionOrder.findMany({ where: { shopId, ...product, status: { in: OPEN_ORDER_STATUSES } }, select: { id: true, productId: true } });
  const orderIds = orders.map((o) => o.id);
  const open = orderIds.length
    ? await db.asset.findMany({ where: { orderId: { in: orderIds }, status: { notIn: FINISHED_CANDIDATE_STATUSES } }, select: { id: true, orderId: true, provider: true, providerJobId: true, providerHandle: true } })
    : [];
  const now = new Date();
  const publications = await db.$transaction(async (tx) => {
    await tx.productionOrder.updateMany({ where: { id: { in: orderIds }, status: { in: OPEN_ORDER_STATUSES } }, data: { status: "canceled", finishedAt: now } });
    await tx.asset.updateMany({ where: { id: { in: open.map((a) => a.id) }, status: { notIn: FINISHED_CANDIDATE_STATUSES } }, data: { status: "canceled", finishedAt: now } });
    await tx.assetRequest.updateMany({ where: { orderId: { in: orderIds }, status: { in: OPEN_ORDER_STATUSES } }, data: { status: "canceled" } });
    await tx.costEntry.updateMany({ where: { assetId: { in: open.map((a) => a.id) }, outcome: "reserved" }, data: { outcome: "canceled", costMicros: 0 } });
    const { count } = await tx.publication.updateMany({ where: { shopId, ...product, status: { in: [...OPEN_PUBLICATION_STATUSES] } }, data: { status: "canceled", error: options.reason ?? `Canceled by ${actor}` } });
    for (const order of orders) {
      await recordAuditEvent(tx, {
        shopId,
        actor,
        action: "production.order.canceled",
        subjectType: "ProductionOrder",
        subjectId: order.id,
        data: { openCandidates: open.filter((a) => a.orderId === order.id).length, productId: order.productId },
      });
    }
    return count;
    // A shop-wide cancel writes an audit event per order: give a large shop more than Prisma's 5-second default.
  }, { timeout: 30_000 });

  const running = open.filter((a): a is typeof a & { providerJobId: string } => a.providerJobId !== null);
  if (running.length > 0 && options.cancelAtProvider) {
    const cancel = options.cancelAtProvider;
    const calls = Promise.allSettled(running.map((a) => cancel(a.provider as ProviderId, { providerJobId: a.providerJobId, handle: (a.providerHandle ?? {}) as Record<string, string> })));
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, options.providerBudgetMs ?? 1500);
      timer.unref();
    });
    await Promise.race([calls, budget]);
    clearTimeout(timer);
  }
  return { orders: orderIds, candidates: open.length, publications, providerCancels: running.length };
}
