import type { PrismaClient } from "@prisma/client";
import type { FlowJob } from "bullmq";
import { generateQueue, getFlowProducer, getQueue, postProductionQueue, productionOrderQueue, productionRequestQueue, qualityCheckQueue, withEnqueueTimeout } from "../../jobs/queues";
import type { ProviderId } from "../providers/provider";
import { isAssetFinished } from "./production-status";

/** Job ids carry the order's generation, so a re-created flow never collides with the jobs of an earlier one. */
export const orderJobId = (orderId: string, generation: number) => `order-${orderId}-g${generation}`;
export const requestJobId = (requestId: string, generation: number) => `request-${requestId}-g${generation}`;
export const assetJobId = (assetId: string, generation: number) => `asset-${assetId}-g${generation}`;
export const postJobId = (assetId: string, generation: number) => `post-${assetId}-g${generation}`;
export const qcJobId = (assetId: string, generation: number) => `qc-${assetId}-g${generation}`;

type FlowAsset = { id: string; status: string; provider: string; source: string; postStatus: string | null; qcStatus: string | null };

const open = (status: string | null) => status === "queued" || status === "processing" || status === "running";

/** An AI candidate still to generate: its job on the provider's queue. */
function generateJob(shopId: string, asset: FlowAsset, g: number): FlowJob {
  const queue = generateQueue(asset.provider as ProviderId);
  return {
    name: queue.name,
    queueName: queue.name,
    data: queue.payload.parse({ shopId, assetId: asset.id, generation: g }),
    opts: { ...queue.jobOptions, jobId: assetJobId(asset.id, g), ignoreDependencyOnFailure: true },
  };
}

/**
 * One asset's jobs, each the parent of the one before it: QC (when planned
 * and not done) after post-production (when planned and not done) after its
 * generate job (when the file is not stored yet). Images from the store or a
 * retouch upload have no generate job: the file is there already.
 */
function assetJobs(shopId: string, asset: FlowAsset, g: number): FlowJob[] {
  const alive = asset.status !== "failed" && asset.status !== "canceled";
  const generate = asset.source === "ai" && !isAssetFinished(asset.status) ? [generateJob(shopId, asset, g)] : [];
  const post: FlowJob[] = alive && open(asset.postStatus) ? [stepJob(postProductionQueue, postJobId, shopId, asset.id, g, generate)] : generate;
  return alive && open(asset.qcStatus) ? [stepJob(qualityCheckQueue, qcJobId, shopId, asset.id, g, post)] : post;
}

function stepJob(queue: typeof postProductionQueue, jobId: (assetId: string, g: number) => string, shopId: string, assetId: string, g: number, children: FlowJob[]): FlowJob {
  return {
    name: queue.name,
    queueName: queue.name,
    data: queue.payload.parse({ shopId, assetId, generation: g }),
    opts: { ...queue.jobOptions, jobId: jobId(assetId, g), ignoreDependencyOnFailure: true },
    children,
  };
}

/**
 * Adds an order's BullMQ flow from the database: the order is the parent,
 * each AI, store re-process or delivered studio asset request a child (a
 * studio request still waiting for its files has no jobs), and under it each
 * candidate's chain: QC, then post-production, then its generation on the
 * provider's queue, each the child of the step after it. Children ignore a failed dependency so one bad
 * candidate never strands its parent; the parents read the outcome from the
 * database. Only ids travel in job data.
 */
export async function enqueueOrderFlow(db: PrismaClient, orderId: string): Promise<void> {
  const order = await db.productionOrder.findUniqueOrThrow({
    where: { id: orderId },
    include: { requests: { where: { OR: [{ source: { in: ["ai", "store"] } }, { source: "studio", assets: { some: {} } }] }, include: { assets: { select: { id: true, status: true, provider: true, source: true, postStatus: true, qcStatus: true } } } } },
  });
  const g = order.generation;
  const children: FlowJob[] = order.requests.map((request) => ({
    name: productionRequestQueue.name,
    queueName: productionRequestQueue.name,
    data: productionRequestQueue.payload.parse({ shopId: order.shopId, requestId: request.id }),
    opts: { ...productionRequestQueue.jobOptions, jobId: requestJobId(request.id, g), ignoreDependencyOnFailure: true },
    children: request.assets.flatMap((asset) => assetJobs(order.shopId, asset, g)),
  }));
  await withEnqueueTimeout(
    productionOrderQueue.name,
    getFlowProducer().add({
      name: productionOrderQueue.name,
      queueName: productionOrderQueue.name,
      data: productionOrderQueue.payload.parse({ shopId: order.shopId, orderId: order.id }),
      opts: { ...productionOrderQueue.jobOptions, jobId: orderJobId(order.id, g) },
      children,
    }),
  );
}

/** Bumps the order's generation and adds a fresh flow for what is still open (retry, resume, lost jobs). */
export async function requeueOrder(db: PrismaClient, orderId: string): Promise<void> {
  await db.productionOrder.update({ where: { id: orderId }, data: { generation: { increment: 1 }, status: "queued", finishedAt: null } });
  await enqueueOrderFlow(db, orderId);
}

/**
 * The reconciler: every active order whose parent job Redis no longer holds
 * (flushed, evicted, lost with a failover) gets its flow re-created from the
 * database. Candidates that already stored their file, or hold a provider job
 * id, pick up where they were: nothing is submitted or paid for twice.
 */
export async function reconcileProduction(db: PrismaClient, options: { shopId?: string; minAgeMs?: number } = {}): Promise<{ checked: number; requeued: string[] }> {
  // An order changed in the last minute may be between its database write and its flow's add; leave it be.
  const changedBefore = new Date(Date.now() - (options.minAgeMs ?? 60_000));
  const orders = await db.productionOrder.findMany({
    where: { ...(options.shopId ? { shopId: options.shopId } : {}), status: { in: ["queued", "running"] }, updatedAt: { lt: changedBefore }, shop: { productionPausedAt: null, uninstalledAt: null } },
    select: { id: true, generation: true, status: true },
  });
  const queue = getQueue(productionOrderQueue);
  const requeued: string[] = [];
  for (const order of orders) {
    const job = await queue.getJob(orderJobId(order.id, order.generation));
    if (job && !(await job.isCompleted()) && !(await job.isFailed())) continue;
    await requeueOrder(db, order.id);
    requeued.push(order.id);
  }
  return { checked: orders.length, requeued };
}
