import type { PrismaClient } from "@prisma/client";
import { QueueUnavailableError } from "../../jobs/queues";
import { recordAuditEvent } from "../audit/audit.server";
import { ACTIVE_PUBLICATION_STATUSES } from "./publish-product.server";
import { enqueuePublishProduct } from "./publish-requests.server";

/**
 * "Revert": asks the worker to restore the product's media as they were
 * before Shotlane's last change (the newest snapshot not yet reverted). The
 * worker does it in the product's publish job, after any job running now,
 * so a revert never interleaves with a publication. Each Revert goes one
 * change further back.
 */
export async function requestRevert(db: PrismaClient, shopId: string, productId: string, actor: string): Promise<{ ok: true; snapshotId: string; message: string } | { ok: false; error: string }> {
  const busy = await db.publication.count({ where: { shopId, productId, status: { in: [...ACTIVE_PUBLICATION_STATUSES] } } });
  if (busy > 0) return { ok: false, error: `${busy} media of this product are still being published: wait until they are done, then revert.` };
  const snapshot = await db.mediaSnapshot.findFirst({ where: { shopId, productId, revertedAt: null }, orderBy: { createdAt: "desc" } });
  if (!snapshot) return { ok: false, error: "Nothing to revert: Shotlane has not changed this product's media, or every change is already reverted." };
  if (snapshot.revertRequestedAt && !snapshot.revertError) return { ok: true, snapshotId: snapshot.id, message: "A revert of this product is already under way." };
  await db.mediaSnapshot.update({ where: { id: snapshot.id }, data: { revertRequestedAt: new Date(), revertRequestedBy: actor, revertError: null } });
  await recordAuditEvent(db, { shopId, actor, action: "publishing.revert-requested", subjectType: "Product", subjectId: productId, data: { snapshotId: snapshot.id, snapshotTakenAt: snapshot.createdAt.toISOString() } });
  try {
    await enqueuePublishProduct(shopId, productId);
  } catch (error) {
    if (!(error instanceof QueueUnavailableError)) throw error;
    return { ok: true, snapshotId: snapshot.id, message: "Revert saved; the job queue is not reachable, so it starts as soon as it is." };
  }
  return { ok: true, snapshotId: snapshot.id, message: `Reverting to the media as they were on ${snapshot.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC.` };
}
