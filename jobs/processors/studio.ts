import type { Job } from "bullmq";
import prisma from "../../app/db.server";
import { pruneStaleStudioUploads } from "../../app/studio/studio-uploads.server";
import { pollStudioWatch, type StudioWatchResult } from "../../app/studio/studio-watch.server";
import { assetStore } from "../../app/storage/asset-store.server";
import { parseJobPayload, studioWatchQueue } from "../queues";

const PRUNE_EVERY_MS = 3600_000;
let lastPrunedAt = 0;

/**
 * Every STUDIO_WATCH_MS: new files under the shops' watched studio locations
 * become studio uploads (and, matched, assets). Once an hour the same tick
 * also gives up uploads idle for a day and removes their staging files.
 */
export async function processStudioWatch(job: Job): Promise<StudioWatchResult & { pruned?: { abandoned: number; filesRemoved: number } }> {
  const { shopId } = parseJobPayload(studioWatchQueue, job.data);
  const result = await pollStudioWatch({ db: prisma, store: assetStore() }, shopId ? { shopId } : {});
  if (shopId || Date.now() - lastPrunedAt < PRUNE_EVERY_MS) return result;
  lastPrunedAt = Date.now();
  return { ...result, pruned: await pruneStaleStudioUploads(prisma) };
}
