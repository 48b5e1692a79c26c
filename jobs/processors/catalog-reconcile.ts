import type { Job } from "bullmq";
import { reconcileCatalogs } from "../../app/catalog/reconcile.server";
import prisma from "../../app/db.server";
import { catalogReconcileQueue, catalogSyncQueue, enqueue, parseJobPayload } from "../queues";

export async function processCatalogReconcile(job: Job) {
  parseJobPayload(catalogReconcileQueue, job.data);
  return reconcileCatalogs(prisma, (payload) => enqueue(catalogSyncQueue, payload, { jobId: `catalog-sync-${payload.syncRunId}` }));
}
