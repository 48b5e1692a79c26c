import { Worker, type Job } from "bullmq";
import { env } from "../app/config/env";
import { workerConnection } from "./connection";
import { closeShopLocks } from "./shop-lock";
import { processCatalogProduct } from "./processors/catalog-product";
import { processCatalogReconcile } from "./processors/catalog-reconcile";
import { processCatalogSync } from "./processors/catalog-sync";
import { processFlowTrigger } from "./processors/flow-triggers";
import { processPostProduction } from "./processors/post-production";
import { processPublishProduct } from "./processors/publishing";
import { processQualityCheck } from "./processors/quality-check";
import { processGenerate, processProductionOrder, processProductionReconcile, processProductionRequest } from "./processors/production";
import { processStudioWatch } from "./processors/studio";
import { PROVIDER_LIMITS } from "./provider-limits";
import {
  catalogProductQueue,
  catalogReconcileQueue,
  catalogSyncQueue,
  flowTriggerQueue,
  generateQueue,
  getQueue,
  postProductionQueue,
  PRODUCTION_RECONCILE_EVERY_MS,
  productionOrderQueue,
  productionReconcileQueue,
  productionRequestQueue,
  publishProductQueue,
  qualityCheckQueue,
  RECONCILE_SCHEDULE,
  studioWatchQueue,
  type QueueDefinition,
} from "./queues";
import { PROVIDER_IDS } from "../app/providers/provider";

type Processor = (job: Job) => Promise<unknown>;
type Limits = { concurrency: number; limiter?: { max: number; duration: number } };

const PROCESSORS: [QueueDefinition<never>, Processor, Limits][] = [
  [catalogSyncQueue as QueueDefinition<never>, processCatalogSync, { concurrency: 2 }],
  [catalogProductQueue as QueueDefinition<never>, processCatalogProduct, { concurrency: 4 }],
  [catalogReconcileQueue as QueueDefinition<never>, processCatalogReconcile, { concurrency: 1 }],
  [productionOrderQueue as QueueDefinition<never>, processProductionOrder, { concurrency: 4 }],
  [productionRequestQueue as QueueDefinition<never>, processProductionRequest, { concurrency: 4 }],
  [productionReconcileQueue as QueueDefinition<never>, processProductionReconcile, { concurrency: 1 }],
  // sharp already spreads one image over libuv's threads; two at a time keeps both cores busy without thrashing.
  [postProductionQueue as QueueDefinition<never>, processPostProduction, { concurrency: 2 }],
  // The checks are single-threaded JS on ~2 MP plus a few sharp decodes: two at a time, like post-production.
  [qualityCheckQueue as QueueDefinition<never>, processQualityCheck, { concurrency: 2 }],
  // Mostly waiting on Shopify (uploads, processing, reorder jobs); the shop's cost bucket, not CPU, is the limit.
  [publishProductQueue as QueueDefinition<never>, processPublishProduct, { concurrency: 4 }],
  // One poll at a time: it lists every watched location and hands new files to the intake one by one.
  [studioWatchQueue as QueueDefinition<never>, processStudioWatch, { concurrency: 1 }],
  // One small mutation per order; Flow, not CPU, is the limit.
  [flowTriggerQueue as QueueDefinition<never>, processFlowTrigger, { concurrency: 2 }],
  ...PROVIDER_IDS.map((provider): [QueueDefinition<never>, Processor, Limits] => [generateQueue(provider) as QueueDefinition<never>, processGenerate, PROVIDER_LIMITS[provider]]),
];

/** Registers the recurring jobs; idempotent, so every worker start may call it. */
export async function scheduleRecurringJobs(): Promise<void> {
  await getQueue(catalogReconcileQueue).upsertJobScheduler("catalog-reconcile-nightly", { pattern: RECONCILE_SCHEDULE, tz: "UTC" }, { name: catalogReconcileQueue.name, data: {} });
  // Production jobs lost from Redis are re-created from the database within a minute.
  await getQueue(productionReconcileQueue).upsertJobScheduler("production-reconcile", { every: PRODUCTION_RECONCILE_EVERY_MS }, { name: productionReconcileQueue.name, data: {} });
  // New files under the shops' watched studio locations are imported within STUDIO_WATCH_MS.
  await getQueue(studioWatchQueue).upsertJobScheduler("studio-watch", { every: env().STUDIO_WATCH_MS }, { name: studioWatchQueue.name, data: {} });
}

/** Starts one BullMQ worker per queue, each with an error listener. */
export function startWorkers(log: Pick<Console, "error" | "info"> = console): Worker[] {
  const config = env();
  return PROCESSORS.map(([definition, processor, limits]) => {
    const worker = new Worker(definition.name, processor, {
      connection: workerConnection(config.REDIS_URL),
      prefix: config.QUEUE_PREFIX,
      concurrency: limits.concurrency,
      // A crashed worker's jobs run again once their lock expires and a stall check sees it.
      lockDuration: config.QUEUE_LOCK_MS,
      stalledInterval: config.QUEUE_STALLED_INTERVAL_MS,
      ...(limits.limiter ? { limiter: limits.limiter } : {}),
    });
    worker.on("error", (error) => log.error(`[worker ${definition.name}] ${error.message}`));
    worker.on("failed", (job, error) => log.error(`[worker ${definition.name}] job ${job?.id} failed (attempt ${job?.attemptsMade}): ${error.message}`));
    return worker;
  });
}

/** Lets running jobs finish, then disconnects. */
export async function stopWorkers(workers: Worker[]): Promise<void> {
  await Promise.all(workers.map((worker) => worker.close()));
  await closeShopLocks();
}
