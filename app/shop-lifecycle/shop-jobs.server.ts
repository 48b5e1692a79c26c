import type { JobType, Queue } from "bullmq";
import { ALL_QUEUES, getQueue, withEnqueueTimeout } from "../../jobs/queues";

/** States of jobs no worker holds yet; active jobs are locked and finish by themselves. */
const PARENTS_FIRST: JobType[][] = [["waiting-children"], ["delayed", "prioritized", "waiting"]];
const PAGE = 500;

export interface RemovedJobs {
  removed: number;
  /** Jobs (or flows with a child) a worker held at that moment: they run on, find their work canceled in the database and step aside. */
  locked: number;
}

/** Ids of the queue's jobs in these states whose payload names the shop (every queue's payload carries shopId; the nightly reconcile has none). */
async function jobIdsOfShop(queue: Queue, states: JobType[], shopId: string): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; ; start += PAGE) {
    // Each call is bounded, so a dead Redis fails the delivery (Shopify retries) instead of hanging it.
    const jobs = await withEnqueueTimeout(queue.name, queue.getJobs(states, start, start + PAGE - 1, true));
    for (const job of jobs) if (job?.id && (job.data as { shopId?: unknown } | undefined)?.shopId === shopId) ids.push(job.id);
    if (jobs.length < PAGE) return ids;
  }
}

/**
 * Removes every waiting, delayed, prioritized and waiting-children job of a
 * shop from every queue of the app (ALL_QUEUES, so a queue added later is
 * covered too), and no other shop's. Flow parents go first, taking their
 * children with them. The database is changed first by the caller (orders
 * and publications canceled), so the reconciler never re-creates these jobs
 * and a job this misses does nothing. Safe to run twice.
 */
export async function removeShopJobs(shopId: string): Promise<RemovedJobs> {
  const result: RemovedJobs = { removed: 0, locked: 0 };
  for (const states of PARENTS_FIRST) {
    for (const definition of ALL_QUEUES) {
      const queue = getQueue(definition);
      const ids = await jobIdsOfShop(queue, states, shopId);
      for (const id of ids) {
        // 1 removed (with its children), 0 when it or one of its children is locked by a worker.
        const outcome = await withEnqueueTimeout(definition.name, queue.remove(id, { removeChildren: true }));
        if (outcome === 1) result.removed++;
        else result.locked++;
      }
    }
  }
  return result;
}
