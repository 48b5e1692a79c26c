import type { Job } from "bullmq";
import { env } from "../../app/config/env";
import prisma from "../../app/db.server";
import { publishProduct, type PublishOutcome } from "../../app/publishing/publish-product.server";
import { offlineAdmin } from "../../app/shopify/offline-admin.server";
import { assetStore } from "../../app/storage/asset-store.server";
import { parseJobPayload, publishProductQueue } from "../queues";

/** One product's pending publications and revert request, through the shop's offline Admin session. */
export async function processPublishProduct(job: Job): Promise<PublishOutcome> {
  const { shopId, productId } = parseJobPayload(publishProductQueue, job.data);
  const { admin } = await offlineAdmin(shopId);
  return publishProduct(
    {
      db: prisma,
      admin,
      store: assetStore(),
      pollIntervalMs: env().PRODUCTION_POLL_MS,
      // A third of BullMQ's job lock (10 s by default): a dead worker's products are free again before its jobs are taken over.
      lockTtlMs: Math.max(1000, Math.round(env().QUEUE_LOCK_MS / 3)),
      onThrottle: (waitMs) => void job.log(`Throttled by the Admin API; waiting ${waitMs} ms`),
    },
    shopId,
    productId,
  );
}
