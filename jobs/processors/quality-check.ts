import type { Job } from "bullmq";
import prisma from "../../app/db.server";
import { requeueOrder } from "../../app/production/production-flow.server";
import { providerFetch } from "../../app/providers/registry.server";
import { checkAssetQuality, type QcOutcome } from "../../app/qc/quality-check.server";
import { assetStore } from "../../app/storage/asset-store.server";
import { parseJobPayload, qualityCheckQueue } from "../queues";

/** One asset's layer-1 quality checks; the last attempt always leaves the asset with a person, flagged with the reason. */
export async function processQualityCheck(job: Job): Promise<{ outcome: QcOutcome["outcome"] }> {
  const { assetId, generation } = parseJobPayload(qualityCheckQueue, job.data);
  const result = await checkAssetQuality(
    { db: prisma, store: assetStore(), fetch: providerFetch(), requeueOrder: (orderId) => requeueOrder(prisma, orderId) },
    assetId,
    { generation, isFinalAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1) },
  );
  return { outcome: result.outcome };
}
