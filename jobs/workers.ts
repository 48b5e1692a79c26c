import { Worker, type Job } from "bullmq";
import { env } from "../app/config/env";
import { workerConnection } from "./connection";
import { closeShopLocks } from "./shop-lock";
import { processCatalogProduct } from "./processors/catalog-product";
import { processCatalogReconcile } from "./processors/catalog-reconcile";
import { processCatalogSync } from "./processors/catalog-sync";
import { catalogProductQueue, catalogReconcileQueue, catalogSyncQueue, getQueue, RECONCILE_SCHEDULE, type QueueDefinition } from "./queues";

type Processor = (job: Job) => Promise<unknown>;

const PROCESSORS: [QueueDefinition<never>, Processor, number][] = [
  [catalogSyncQueue as QueueDefinition<never>, processCatalogSync, 2],
  [catalogProductQueue as QueueDefinition<never>, processCatalogProduct, 4],
  [catalogReconcileQueue as QueueDefinition<never>, processCatalogReconcile, 1],
];

/** Registers the recurring jobs; idempotent, so every worker start may call it. */
export async function scheduleRecurringJobs(): Promise<void> {
  await getQueue(catalogReconcileQueue).upsertJobScheduler("catalog-reconcile-nightly", { pattern: RECONCILE_SCHEDULE, tz: "UTC" }, { name: catalogReconcileQueue.name, data: {} });
}

/** Starts one BullMQ worker per queue, each with an error listener. */
export function startWorkers(log: Pick<Console, "error" | "info"> = console): Worker[] {
  const config = env();
  return PROCESSORS.map(([definition, processor, concurrency]) => {
    const worker = new Worker(definition.name, processor, {
      connection: workerConnection(config.REDIS_URL),
      prefix: config.QUEUE_PREFIX,
      concurrency,
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
