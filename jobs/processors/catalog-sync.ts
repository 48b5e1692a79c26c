import type { Job } from "bullmq";
import { runCatalogSync } from "../../app/catalog/catalog-sync.server";
import { env } from "../../app/config/env";
import prisma from "../../app/db.server";
import { offlineAdmin } from "../../app/shopify/offline-admin.server";
import { catalogSyncQueue, parseJobPayload } from "../queues";

export async function processCatalogSync(job: Job): Promise<{ processed: number }> {
  const { shopId, syncRunId } = parseJobPayload(catalogSyncQueue, job.data);
  const { admin } = await offlineAdmin(shopId);
  const run = await runCatalogSync({
    db: prisma,
    admin,
    syncRunId,
    bulkPollMs: env().BULK_POLL_MS,
    isFinalAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
    onProgress: (progress) => job.updateProgress(progress),
    onThrottle: (waitMs) => job.log(`Throttled by the Admin API; waiting ${waitMs} ms`),
  });
  return { processed: run.processed };
}
