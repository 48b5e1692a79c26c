import { UnrecoverableError, type Job } from "bullmq";
import prisma from "../../app/db.server";
import { backgroundRemoverForShop } from "../../app/imaging/background-removal/registry.server";
import { postProcessAsset, type PostOutcome } from "../../app/imaging/post-production.server";
import { providerFetch } from "../../app/providers/registry.server";
import { assetStore } from "../../app/storage/asset-store.server";
import { signedAssetUrl } from "../../app/storage/signed-url.server";
import { parseJobPayload, postProductionQueue } from "../queues";

/**
 * One asset's post-production. A file the pipeline refuses (truncated, a
 * decompression bomb, not an image …) is recorded on the asset and the job
 * fails at once without retry; other failures retry with backoff.
 */
export async function processPostProduction(job: Job): Promise<{ outcome: PostOutcome["outcome"] }> {
  const { assetId, generation } = parseJobPayload(postProductionQueue, job.data);
  const result = await postProcessAsset(
    {
      db: prisma,
      store: assetStore(),
      fetch: providerFetch(),
      removerFor: (shopId, id) => backgroundRemoverForShop(prisma, shopId, id),
      signedUrl: (key) => signedAssetUrl(key),
    },
    assetId,
    { generation, isFinalAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1) },
  );
  if (result.outcome === "failed" && result.permanent) throw new UnrecoverableError(`${result.code}: ${result.message}`);
  return { outcome: result.outcome };
}
