import { UnrecoverableError, type Job } from "bullmq";
import prisma from "../../app/db.server";
import { sendVisualsApproved, type TriggerOutcome } from "../../app/flow/visuals-approved.server";
import { offlineAdmin } from "../../app/shopify/offline-admin.server";
import { flowTriggerQueue, parseJobPayload } from "../queues";

/** "Visuals approved" for one order, through the shop's offline Admin session; Flow's userErrors end the job without retries. */
export async function processFlowTrigger(job: Job): Promise<{ outcome: TriggerOutcome }> {
  const { shopId, orderId } = parseJobPayload(flowTriggerQueue, job.data);
  const result = await sendVisualsApproved({ db: prisma, adminFor: async (shop) => (await offlineAdmin(shop)).admin }, shopId, orderId);
  if (result.outcome === "refused") {
    throw new UnrecoverableError(`Flow refused the visuals-approved trigger of order ${orderId}: ${result.userErrors?.map((e) => `${e.field?.join(".") ?? "payload"}: ${e.message}`).join("; ")}`);
  }
  return { outcome: result.outcome };
}
