import { FlowProducer, Queue, UnrecoverableError, type JobsOptions } from "bullmq";
import { z } from "zod";
import { env } from "../app/config/env";
import { PROVIDER_IDS, type ProviderId } from "../app/providers/provider";
import { producerConnection } from "./connection";

/** A queue: its name, the zod schema of its payload and its job options. */
export interface QueueDefinition<P> {
  name: string;
  payload: z.ZodType<P>;
  jobOptions: JobsOptions;
}

const shopDomain = z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, "must be a shop's myshopify domain");

const retained = { removeOnComplete: { count: 1000, age: 7 * 24 * 3600 }, removeOnFail: { count: 5000, age: 30 * 24 * 3600 } };

export const catalogSyncQueue: QueueDefinition<{ shopId: string; syncRunId: string }> = {
  name: "catalog-sync",
  payload: z.object({ shopId: shopDomain, syncRunId: z.string().min(1, "must name the SyncRun row") }).strict(),
  jobOptions: { attempts: 3, backoff: { type: "exponential", delay: 5000 }, ...retained },
};

/**
 * One product re-read into the mirror (products/create and products/update).
 * `trigger` says which webhook asked: only "created" may open an automatic
 * production order; an update (the app's own media writes among them) only
 * refreshes and, when a rule-relevant field changed, re-routes.
 */
export const catalogProductQueue: QueueDefinition<{ shopId: string; productId: string; trigger?: "created" | "updated" }> = {
  name: "catalog-product",
  payload: z
    .object({
      shopId: shopDomain,
      productId: z.string().startsWith("gid://shopify/Product/", "must be a Product GID"),
      trigger: z.enum(["created", "updated"], { error: 'must be "created" or "updated"' }).optional(),
    })
    .strict(),
  jobOptions: { attempts: 5, backoff: { type: "exponential", delay: 2000 }, ...retained },
};

export const catalogReconcileQueue: QueueDefinition<Record<string, never>> = {
  name: "catalog-reconcile",
  payload: z.object({}).strict(),
  jobOptions: { attempts: 3, backoff: { type: "exponential", delay: 60_000 }, ...retained },
};

/** Nightly at 03:17 UTC (off the hour, when Shopify's own traffic peaks). */
export const RECONCILE_SCHEDULE = "17 3 * * *";

const cuid = (what: string) => z.string().regex(/^[a-z0-9]{20,40}$/, `must be the ${what} row's id`);

/** Production flows: an order (parent) → its asset requests (children) → their candidates (grandchildren, one queue per provider). */
export const productionOrderQueue: QueueDefinition<{ shopId: string; orderId: string }> = {
  name: "production-order",
  payload: z.object({ shopId: shopDomain, orderId: cuid("ProductionOrder") }).strict(),
  jobOptions: { attempts: 5, backoff: { type: "exponential", delay: 2000 }, ...retained },
};

export const productionRequestQueue: QueueDefinition<{ shopId: string; requestId: string }> = {
  name: "production-request",
  payload: z.object({ shopId: shopDomain, requestId: cuid("AssetRequest") }).strict(),
  jobOptions: { attempts: 5, backoff: { type: "exponential", delay: 2000 }, ...retained },
};

/**
 * One queue per provider, so each gets its own concurrency and rate limit.
 * Retryable provider failures (429, 5xx, timeouts) back off exponentially
 * with jitter; the candidate's stored provider job id makes every retry poll
 * instead of submitting again.
 */
export function generateQueue(provider: ProviderId): QueueDefinition<{ shopId: string; assetId: string; generation: number }> {
  return {
    name: `generate-${provider}`,
    // The order's flow generation this job belongs to: a job of an older flow steps aside (see generateAsset).
    payload: z.object({ shopId: shopDomain, assetId: cuid("Asset"), generation: z.number().int().min(0, "must be the order's flow generation (0 or more)") }).strict(),
    jobOptions: { attempts: 6, backoff: { type: "exponential", delay: 3000, jitter: 0.5 }, ...retained },
  };
}

export const GENERATE_QUEUES = PROVIDER_IDS.map(generateQueue);

/**
 * Post-production of one asset (decode, cleanup, colour, renditions): the
 * parent of its generate job in a production flow, so it runs once the file
 * is stored. CPU-bound, so its concurrency is low; a file the pipeline refuses
 * fails at once (UnrecoverableError), other failures back off and retry.
 */
export const postProductionQueue: QueueDefinition<{ shopId: string; assetId: string; generation: number }> = {
  name: "post-production",
  payload: z.object({ shopId: shopDomain, assetId: cuid("Asset"), generation: z.number().int().min(0, "must be the order's flow generation (0 or more)") }).strict(),
  jobOptions: { attempts: 4, backoff: { type: "exponential", delay: 3000, jitter: 0.5 }, ...retained },
};

/**
 * Layer-1 quality checks of one asset (issue #6): the parent of its
 * post-production job (or, for a clip, of its generate job), so it runs on
 * the finished renditions. Checks that cannot run leave the asset for a
 * person with the reason, so a failure here never loses an asset.
 */
export const qualityCheckQueue: QueueDefinition<{ shopId: string; assetId: string; generation: number }> = {
  name: "quality-check",
  payload: z.object({ shopId: shopDomain, assetId: cuid("Asset"), generation: z.number().int().min(0, "must be the order's flow generation (0 or more)") }).strict(),
  jobOptions: { attempts: 3, backoff: { type: "exponential", delay: 3000, jitter: 0.5 }, ...retained },
};

/** Re-creates production jobs that Redis lost, from the database (the source of truth). */
export const productionReconcileQueue: QueueDefinition<{ shopId?: string }> = {
  name: "production-reconcile",
  payload: z.object({ shopId: shopDomain.optional() }).strict(),
  jobOptions: { attempts: 3, backoff: { type: "exponential", delay: 10_000 }, ...retained },
};

export const PRODUCTION_RECONCILE_EVERY_MS = 60_000;

/**
 * Publishing (issue #7): one job works through one product's pending
 * publications and revert requests, in order. Jobs of the same product never
 * run at once (a per-product lock in the service), so placement and revert
 * read the media they change; the job id only has to be unique.
 */
export const publishProductQueue: QueueDefinition<{ shopId: string; productId: string }> = {
  name: "publish-product",
  payload: z.object({ shopId: shopDomain, productId: z.string().regex(/^gid:\/\/shopify\/Product\/\d+$/, "must be a Product GID") }).strict(),
  jobOptions: { attempts: 8, backoff: { type: "exponential", delay: 2000, jitter: 0.5 }, ...retained },
};

/**
 * Studio files (issue #8): lists the shops' watched locations (every
 * STUDIO_WATCH_MS) and imports new files. Repeatable with one worker at a
 * time; a file is imported once by its watch key whatever runs it, so an
 * overlapping or retried poll imports nothing twice.
 */
export const studioWatchQueue: QueueDefinition<{ shopId?: string }> = {
  name: "studio-watch",
  payload: z.object({ shopId: shopDomain.optional() }).strict(),
  jobOptions: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 500, age: 7 * 24 * 3600 } },
};

/**
 * Shopify Flow triggers (issue #9): one job sends "Visuals approved" for one
 * production order. The job id is the order's, so approvals racing each other
 * add one job; a finished job is removed at once (the audit trail, not Redis,
 * remembers that the trigger was sent), and a failed one after an hour, so the
 * production reconciler can add it again.
 */
export const flowTriggerQueue: QueueDefinition<{ shopId: string; orderId: string }> = {
  name: "flow-triggers",
  payload: z.object({ shopId: shopDomain, orderId: cuid("ProductionOrder") }).strict(),
  jobOptions: { attempts: 8, backoff: { type: "exponential", delay: 5000, jitter: 0.5 }, removeOnComplete: true, removeOnFail: { age: 3600 } },
};

export const ALL_QUEUES = [catalogSyncQueue, catalogProductQueue, catalogReconcileQueue, productionOrderQueue, productionRequestQueue, productionReconcileQueue, postProductionQueue, qualityCheckQueue, publishProductQueue, studioWatchQueue, flowTriggerQueue, ...GENERATE_QUEUES] as const;

/** Parses a job's payload; a bad one fails at once, without retries. */
export function parseJobPayload<P>(definition: QueueDefinition<P>, data: unknown): P {
  const result = definition.payload.safeParse(data);
  if (!result.success) {
    const fields = result.error.issues.map((i) => `${i.path.join(".") || "payload"}: ${i.message}`).join("; ");
    throw new UnrecoverableError(`Invalid ${definition.name} job payload (${fields}); the job was not retried`);
  }
  return result.data;
}

const queues = new Map<string, Queue>();

export function getQueue<P>(definition: QueueDefinition<P>): Queue {
  let queue = queues.get(definition.name);
  if (!queue) {
    const config = env();
    queue = new Queue(definition.name, { connection: producerConnection(config.REDIS_URL), prefix: config.QUEUE_PREFIX, defaultJobOptions: definition.jobOptions });
    // Errors surface on add(); the listener keeps an unreachable Redis from crashing the process.
    queue.on("error", () => undefined);
    queues.set(definition.name, queue);
  }
  return queue;
}

export class QueueUnavailableError extends Error {
  constructor(queue: string, cause: unknown) {
    super(`The ${queue} queue is unavailable (is Redis running at REDIS_URL?): ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "QueueUnavailableError";
  }
}

const ENQUEUE_TIMEOUT_MS = 3000;

/** Validates the payload, then adds the job. The job id makes enqueueing idempotent. */
export async function enqueue<P>(definition: QueueDefinition<P>, payload: P, options: { jobId: string }): Promise<void> {
  const data = definition.payload.parse(payload);
  // BullMQ waits for a connection before adding; a web request must not wait with it.
  await withEnqueueTimeout(definition.name, getQueue(definition).add(definition.name, data, { jobId: options.jobId }));
}

let flowProducer: FlowProducer | undefined;

/** The producer of production flows (parent with children in one atomic add). */
export function getFlowProducer(): FlowProducer {
  if (!flowProducer) {
    const config = env();
    flowProducer = new FlowProducer({ connection: producerConnection(config.REDIS_URL), prefix: config.QUEUE_PREFIX });
    flowProducer.on("error", () => undefined);
  }
  return flowProducer;
}

/** Races a Redis call against the producer timeout, so a web request never hangs on a dead Redis. */
export async function withEnqueueTimeout<T>(what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from Redis within ${ENQUEUE_TIMEOUT_MS} ms`)), ENQUEUE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } catch (error) {
    throw new QueueUnavailableError(what, error);
  } finally {
    clearTimeout(timer);
  }
}

export async function closeQueues(): Promise<void> {
  await Promise.all([...queues.values()].map((q) => q.close()));
  queues.clear();
  await flowProducer?.close();
  flowProducer = undefined;
}
