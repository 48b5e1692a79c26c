import type { Job } from "bullmq";
import prisma from "../../app/db.server";
import { pollStudioWatch, type StudioWatchResult } from "../../app/studio/studio-watch.server";
import { assetStore } from "../../app/storage/asset-store.server";
import { parseJobPayload, studioWatchQueue } from "../queues";

/** Every STUDIO_WATCH_MS: new files under the shops' watched studio locations become studio uploads (and, matched, assets). */
export async function processStudioWatch(job: Job): Promise<StudioWatchResult> {
  const { shopId } = parseJobPayload(studioWatchQueue, job.data);
  return pollStudioWatch({ db: prisma, store: assetStore() }, shopId ? { shopId } : {});
}
