import { Prisma, type PrismaClient } from "@prisma/client";
import { ProviderError, type FetchLike, type GenerationProvider, type GenerationRequest, type ProviderId, type SubmittedJob, type Usage } from "../providers/provider";
import { downloadProviderOutput } from "../providers/provider-http";
import type { AssetStore } from "../storage/asset-store";
import { normalizeVideo, VideoRejectedError } from "../video/normalize-video.server";
import type { VideoSpecInput } from "../video/video-spec";
import { releaseReservation, reserveSpend, settleSpend, type LedgerSubject } from "./cost-ledger.server";
import { isAssetFinished } from "./production-status";
import { checkGeneratedResult, ResultCheckError } from "./result-check.server";

const assetWithContext = {
  include: { request: { include: { order: { select: { id: true, status: true, shopId: true, productId: true, generation: true } } } } },
} satisfies Prisma.AssetDefaultArgs;
export type AssetWithContext = Prisma.AssetGetPayload<typeof assetWithContext>;

export interface GenerateAssetDeps {
  db: PrismaClient;
  providerFor(shopId: string, provider: ProviderId): Promise<GenerationProvider>;
  /** The fetch that downloads outputs (the policy-enforcing one in production). */
  fetch: FetchLike;
  store: AssetStore;
  /** Recipe + product → the provider request; URLs are signed at call time, so they are fresh on every attempt. */
  buildRequest(asset: AssetWithContext): Promise<{ request: GenerationRequest; videoSpec?: VideoSpecInput }>;
  sleep?(ms: number): Promise<void>;
  /** Poll interval when the provider gives no hint. */
  pollIntervalMs?: number;
  /** How long one attempt polls before handing the job back to the queue (the stored job id makes the next attempt resume polling). */
  maxPollMs?: number;
  onProgress?(percent: number): unknown;
}

export type GenerateOutcome = "stored" | "failed" | "canceled" | "paused" | "already-finished" | "superseded";

/** A result the provider made but Shotlane cannot use: counted as a failed (wasted) generation, not retried. */
const MAX_IMAGE_BYTES = 50 * 1024 * 1024;
const MAX_VIDEO_BYTES = 1024 * 1024 * 1024;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A candidate that cannot be made as planned (no source image, a recipe that no longer parses): failed at once, never retried. */
export class PermanentGenerationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentGenerationError";
  }
}

export class PollTimeoutError extends Error {
  constructor(assetId: string, ms: number) {
    super(`Asset ${assetId}: the provider was still working after ${Math.round(ms / 1000)} s; polling resumes on the next attempt`);
    this.name = "PollTimeoutError";
  }
}

function ledgerSubject(asset: AssetWithContext): LedgerSubject {
  return { shopId: asset.shopId, productId: asset.productId, orderId: asset.orderId, assetId: asset.id, provider: asset.provider, model: asset.model, operation: asset.operation };
}

async function markOrderRunning(db: PrismaClient, asset: AssetWithContext): Promise<void> {
  await db.assetRequest.updateMany({ where: { id: asset.requestId, status: "queued" }, data: { status: "running" } });
  await db.productionOrder.updateMany({ where: { id: asset.orderId, status: "queued" }, data: { status: "running" } });
}

async function failAsset(db: PrismaClient, asset: AssetWithContext, code: string, message: string, usage?: Usage): Promise<GenerateOutcome> {
  await db.$transaction(async (tx) => {
    await tx.asset.update({ where: { id: asset.id }, data: { status: "failed", errorCode: code, error: message, finishedAt: new Date(), costMicros: usage?.costMicros ?? 0 } });
    await settleSpend(tx, ledgerSubject(asset), "failed", usage, asset.providerJobId);
  });
  return "failed";
}

/** Stops the shop's production with the reason the merchant sees in the banner; this candidate waits as "paused". */
async function pauseForBudget(db: PrismaClient, asset: AssetWithContext, reason: string): Promise<GenerateOutcome> {
  await db.shop.updateMany({ where: { id: asset.shopId, productionPausedAt: null }, data: { productionPausedAt: new Date(), productionPauseReason: reason } });
  await db.asset.update({ where: { id: asset.id }, data: { status: "paused" } });
  return "paused";
}

/**
 * Makes one candidate: checks the budget and reserves the estimate, submits
 * to the provider ONCE (the provider's job id is stored before the first
 * poll), polls, downloads the output at once (provider URLs expire), checks
 * it, stores it under its content address and settles the cost ledger.
 *
 * Safe to run again at any point: a stored candidate is left alone; one with a
 * provider job id is polled, never resubmitted. Retryable provider failures
 * are thrown so the queue backs off and retries; final ones are recorded on
 * the candidate with the reason the merchant sees.
 */
export async function generateAsset(deps: GenerateAssetDeps, assetId: string, attempt: { isFinalAttempt: boolean; generation: number }): Promise<GenerateOutcome> {
  const { db } = deps;
  let asset = await db.asset.findUnique({ where: { id: assetId }, ...assetWithContext });
  if (!asset) throw new Error(`Asset ${assetId} does not exist (was the order deleted?)`);
  if (isAssetFinished(asset.status)) return "already-finished";
  // Retry, resume and the reconciler re-create an order's flow under a new generation; a job of an
  // older flow that is still around must not work the same candidate beside it (it could submit twice).
  if (attempt.generation < asset.request.order.generation) return "superseded";
  if (asset.request.order.status === "canceled") {
    await db.asset.update({ where: { id: asset.id }, data: { status: "canceled", finishedAt: new Date() } });
    await releaseReservation(db, asset.id);
    return "canceled";
  }
  const shop = await db.shop.findUniqueOrThrow({ where: { id: asset.shopId }, select: { productionPausedAt: true } });
  if (shop.productionPausedAt && !asset.providerJobId) {
    await db.asset.update({ where: { id: asset.id }, data: { status: "paused" } });
    return "paused";
  }
  await markOrderRunning(db, asset);

  try {
    const provider = await deps.providerFor(asset.shopId, asset.provider as ProviderId);
    let job: SubmittedJob;
    let videoSpec: VideoSpecInput | undefined;
    if (asset.providerJobId) {
      job = { providerJobId: asset.providerJobId, handle: (asset.providerHandle ?? {}) as Record<string, string> };
      videoSpec = (await deps.buildRequest(asset)).videoSpec;
    } else {
      const built = await deps.buildRequest(asset);
      videoSpec = built.videoSpec;
      const decision = await reserveSpend(db, ledgerSubject(asset), provider.estimate(built.request));
      if (!decision.ok) return pauseForBudget(db, asset, decision.reason);
      await db.asset.update({ where: { id: asset.id }, data: { status: "submitting", attempts: { increment: 1 } } });
      try {
        job = await provider.submit(built.request);
      } catch (error) {
        // Nothing reached the provider's queue: the reservation goes back.
        await releaseReservation(db, asset.id);
        throw error;
      }
      asset = await db.asset.update({
        where: { id: asset.id },
        data: { status: "submitted", providerJobId: job.providerJobId, providerHandle: job.handle, submittedAt: new Date() },
        ...assetWithContext,
      });
    }
    return await pollAndStore(deps, provider, asset, job, videoSpec);
  } catch (error) {
    if (error instanceof PermanentGenerationError) return failAsset(db, asset, "invalid_input", error.message);
    if (error instanceof Error && error.name === "ProviderNotConfiguredError") return failAsset(db, asset, "not_configured", error.message);
    if (error instanceof ProviderError && !error.retryable) return failAsset(db, asset, error.code, error.message);
    // Out of attempts: the candidate records why, so its order can finish instead of waiting forever.
    if (attempt.isFinalAttempt) {
      const code = error instanceof ProviderError ? error.code : error instanceof PollTimeoutError ? "timeout" : "internal";
      return failAsset(db, asset, code, error instanceof Error ? error.message : String(error));
    }
    throw error;
  }
}

async function pollAndStore(deps: GenerateAssetDeps, provider: GenerationProvider, asset: AssetWithContext, job: SubmittedJob, videoSpec: VideoSpecInput | undefined): Promise<GenerateOutcome> {
  const { db } = deps;
  const sleep = deps.sleep ?? defaultSleep;
  const interval = deps.pollIntervalMs ?? 2000;
  const deadline = Date.now() + (deps.maxPollMs ?? 10 * 60_000);
  for (;;) {
    const result = await provider.poll(job);
    if (result.state === "pending") {
      if (result.progress !== undefined) await deps.onProgress?.(Math.round(result.progress * 100));
      if (Date.now() > deadline) throw new PollTimeoutError(asset.id, deps.maxPollMs ?? 10 * 60_000);
      // A provider's own hint wins (Runway asks for ≥ 5 s; the local demo provider knows when its render ends).
      await sleep(result.retryAfterMs ?? interval);
      continue;
    }
    if (result.state === "failed") {
      if (result.error.retryable) {
        // The provider's job died on its side: this attempt's call is spent; the next attempt submits anew.
        await db.$transaction(async (tx) => {
          await settleSpend(tx, ledgerSubject(asset), "failed", result.usage, asset.providerJobId);
          await tx.asset.update({ where: { id: asset.id }, data: { providerJobId: null, providerHandle: Prisma.DbNull, status: "queued", errorCode: result.error.code, error: result.error.message } });
        });
      } else {
        return failAsset(db, asset, result.error.code, result.error.message, result.usage);
      }
      throw result.error;
    }
    await db.asset.update({ where: { id: asset.id }, data: { status: "downloading" } });
    const output = result.outputs[0];
    if (!output) return failAsset(db, asset, "bad_response", `${provider.label} reported success without an output`, result.usage);
    const downloaded = await downloadProviderOutput(provider.id, { fetch: deps.fetch, timeoutMs: 120_000 }, output);
    try {
      const stored = asset.kind === "video" ? await storeVideo(deps, downloaded, videoSpec) : await storeImage(deps, downloaded);
      await db.$transaction(async (tx) => {
        await tx.asset.update({ where: { id: asset.id }, data: { ...stored, status: "stored", costMicros: result.usage.costMicros, errorCode: null, error: null, finishedAt: new Date() } });
        await settleSpend(tx, ledgerSubject(asset), "succeeded", result.usage, asset.providerJobId);
      });
      return "stored";
    } catch (error) {
      if (error instanceof ResultCheckError || error instanceof VideoRejectedError) return failAsset(db, asset, "rejected_output", `The provider's output was refused: ${error.message}`, result.usage);
      throw error;
    }
  }
}

async function storeImage(deps: GenerateAssetDeps, downloaded: { bytes: Buffer; contentType: string }) {
  const checked = await checkGeneratedResult(downloaded.bytes, downloaded.contentType, { kind: "image", maxBytes: MAX_IMAGE_BYTES, minWidth: 256, minHeight: 256 });
  const put = await deps.store.put(downloaded.bytes, { contentType: checked.contentType, extension: checked.extension });
  return { storageKey: put.key, contentType: checked.contentType, width: checked.width, height: checked.height, bytes: put.bytes };
}

/** Videos are normalised for Shopify (H.264, faststart, checked limits) and stored with a poster frame. */
async function storeVideo(deps: GenerateAssetDeps, downloaded: { bytes: Buffer; contentType: string }, spec: VideoSpecInput | undefined) {
  await checkGeneratedResult(downloaded.bytes, downloaded.contentType, { kind: "video", maxBytes: MAX_VIDEO_BYTES });
  const video = await normalizeVideo(downloaded.bytes, spec ?? {});
  const mp4 = await deps.store.put(video.mp4, { contentType: "video/mp4", extension: "mp4" });
  const poster = await deps.store.put(video.poster, { contentType: "image/jpeg", extension: "jpg" });
  return { storageKey: mp4.key, posterKey: poster.key, contentType: "video/mp4", width: video.width, height: video.height, bytes: mp4.bytes, durationSeconds: video.durationSeconds };
}
