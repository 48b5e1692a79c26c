import type { PrismaClient } from "@prisma/client";

/** The prefix of a job enqueued by a webhook delivery: `webhook-<X-Shopify-Webhook-Id>`, so a duplicate delivery is the same job. */
export const WEBHOOK_JOB_PREFIX = "webhook-";

export const webhookJobId = (webhookId: string) => `${WEBHOOK_JOB_PREFIX}${webhookId}`;

/** The webhook id a job was enqueued for, or null for a job no delivery made. */
export function webhookIdOfJob(jobId: string | undefined): string | null {
  return jobId?.startsWith(WEBHOOK_JOB_PREFIX) ? jobId.slice(WEBHOOK_JOB_PREFIX.length) : null;
}

/** A delivery's outcome while its job waits for the worker. */
export const ENQUEUED = "enqueued";

/**
 * The worker's result for a delivery whose work it did ("processed: rerouted
 * (tags)", "processed: unchanged" …), on the delivery's ledger row. Only a
 * row still waiting for it is changed, so the first run of a retried job and
 * the receiving request never overwrite each other's outcome.
 */
export async function recordDeliveryOutcome(db: PrismaClient, webhookId: string, outcome: string): Promise<void> {
  await db.webhookDelivery.updateMany({ where: { webhookId, outcome: { in: ["received", ENQUEUED] } }, data: { outcome } });
}
