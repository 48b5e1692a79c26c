import type { Job } from "bullmq";
import { env } from "../../app/config/env";
import prisma from "../../app/db.server";
import { generateAsset, type GenerateAssetDeps, type GenerateOutcome } from "../../app/production/generate-asset.server";
import { buildRequestFromDatabase } from "../../app/production/generation-request.server";
import { reconcileProduction } from "../../app/production/production-flow.server";
import { reconcilePublishing } from "../../app/publishing/publish-requests.server";
import { queueVisualsApprovedForOrders, reconcileVisualsApproved } from "../../app/flow/visuals-approved.server";
import { settleOrder, settleRequest } from "../../app/production/production-orders.server";
import { PROVIDER_IDS, type ProviderId } from "../../app/providers/provider";
import { providerFetch, providerForShop } from "../../app/providers/registry.server";
import { assetStore } from "../../app/storage/asset-store.server";
import { generateQueue, parseJobPayload, productionOrderQueue, productionReconcileQueue, productionRequestQueue } from "../queues";

function productionDeps(job: Job): GenerateAssetDeps {
  return {
    db: prisma,
    providerFor: (shopId, provider) => providerForShop(prisma, shopId, provider),
    fetch: providerFetch(),
    store: assetStore(),
    buildRequest: (asset) => buildRequestFromDatabase(prisma, asset),
    pollIntervalMs: env().PRODUCTION_POLL_MS,
    onProgress: (percent) => job.updateProgress(percent),
  };
}

/** The provider a generate-<provider> queue serves. */
function providerOfQueue(queueName: string): ProviderId {
  const provider = queueName.replace(/^generate-/, "");
  if (!(PROVIDER_IDS as readonly string[]).includes(provider)) throw new Error(`No provider serves queue ${queueName}`);
  return provider as ProviderId;
}

/** One candidate: budget, submit once, poll, download, check, store, ledger. */
export async function processGenerate(job: Job): Promise<{ outcome: GenerateOutcome }> {
  const { assetId, generation } = parseJobPayload(generateQueue(providerOfQueue(job.queueName)), job.data);
  const outcome = await generateAsset(productionDeps(job), assetId, { isFinalAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1), generation });
  return { outcome };
}

/** Runs when an asset request's candidates are done: records the request's outcome. */
export async function processProductionRequest(job: Job): Promise<{ status: string }> {
  const { requestId } = parseJobPayload(productionRequestQueue, job.data);
  return { status: await settleRequest(prisma, requestId) };
}

/** Runs when an order's requests are done: records the order's outcome. */
export async function processProductionOrder(job: Job): Promise<{ status: string }> {
  const { shopId, orderId } = parseJobPayload(productionOrderQueue, job.data);
  const status = await settleOrder(prisma, orderId);
  await queueVisualsApprovedForOrders(prisma, shopId, [orderId], "system:production");
  return { status };
}

/** Every minute: production flows and publish jobs that Redis lost are re-created from the database. */
export async function processProductionReconcile(job: Job): Promise<{ checked: number; requeued: number; publishing: number; flowTriggers: number }> {
  const { shopId } = parseJobPayload(productionReconcileQueue, job.data);
  const result = await reconcileProduction(prisma, { shopId });
  const publishing = await reconcilePublishing(prisma, { shopId });
  const flowTriggers = await reconcileVisualsApproved(prisma, { shopId });
  return { checked: result.checked, requeued: result.requeued.length, publishing: publishing.requeued.length, flowTriggers: flowTriggers.requeued.length };
}
