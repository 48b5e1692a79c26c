import type { PrismaClient } from "@prisma/client";
import { recordAuditEvent } from "../audit/audit.server";
import { removeMirrorProduct } from "../catalog/product-refresh.server";
import { cancelOpenWork, type CancelAtProvider, type CanceledWork } from "./open-work.server";

/**
 * products/delete: the product's mirror row goes, and its open work is
 * canceled (production orders, their candidates and reservations,
 * publications not yet finished). Orders, assets, publications and audit
 * events stay: they are the record of what was made and spent.
 *
 * The mirror row goes first: an automatic order being opened for the product
 * at the same moment either exists already (and is canceled here) or is
 * opened after the row is gone, and onProductCreated cancels it when it sees
 * the product missing. Safe to run twice.
 */
export async function onProductDeleted(
  db: PrismaClient,
  shopId: string,
  productId: string,
  options: { actor: string; cancelAtProvider?: CancelAtProvider },
): Promise<{ mirrorRemoved: boolean; work: CanceledWork }> {
  const mirrorRemoved = (await removeMirrorProduct(db, shopId, productId)) > 0;
  const work = await cancelOpenWork(db, shopId, { productId }, options.actor, { cancelAtProvider: options.cancelAtProvider, reason: "Canceled: the product was deleted in Shopify." });
  // Nothing to record for a product Shotlane never knew (or a repeat): the audit trail needs its Shop row.
  if (mirrorRemoved || work.orders.length > 0 || work.publications > 0) {
    await recordAuditEvent(db, {
      shopId,
      actor: options.actor,
      action: "product.deleted",
      subjectType: "Product",
      subjectId: productId,
      data: { mirrorRemoved, canceledOrders: work.orders, canceledCandidates: work.candidates, canceledPublications: work.publications, providerCancels: work.providerCancels },
    });
  }
  return { mirrorRemoved, work };
}
