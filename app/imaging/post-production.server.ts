import { Prisma, type PrismaClient } from "@prisma/client";
import { releaseReservation, reserveSpend, settleSpend, type LedgerSubject } from "../production/cost-ledger.server";
import { ProviderError, type FetchLike } from "../providers/provider";
import { recipeSpecSchema } from "../recipes/recipe-spec";
import type { AssetStore } from "../storage/asset-store";
import { VideoRejectedError } from "../video/normalize-video.server";
import { postProcessStudioVideo } from "../video/studio-video.server";
import type { BackgroundRemover, RemovalProviderId } from "./background-removal/background-remover";
import { fileNameStem, renderFileName, uniqueFileName } from "./file-naming";
import { postProcessImage, type PostProcessConfig, type PostProcessDeps, type PostReport } from "./post-process";
import { DEFAULT_POST_PRODUCTION_RECIPE, type PostProductionRecipe } from "./post-production-recipe";
import { loadLut, loadPostProductionSettings } from "./post-production-settings.server";
import type { RenderedRendition } from "./renditions";
import { ImageRejectedError, inspectImage } from "./safe-decode";

/**
 * Post-production of one asset, whatever made it: the AI lane calls it for
 * each stored candidate, re-processing for images already on the store, and
 * the studio lane for uploads. Reads the original from the asset store, runs
 * the pipeline with the shop's settings and the recipe's post-production
 * part, stores every channel rendition under a unique file name, and records
 * what was done on the asset (its audit record).
 *
 * Safe to run again: a finished asset is left alone, a re-run replaces the
 * asset's own renditions (keeping their names), and the content-addressed
 * store never writes the same bytes twice.
 */

export interface PostProductionDeps {
  db: PrismaClient;
  store: AssetStore;
  /** Downloads images already on the store (the policy-enforcing fetch in production). */
  fetch: FetchLike;
  removerFor(shopId: string, id: RemovalProviderId): Promise<BackgroundRemover>;
  /** A URL a removal provider can fetch the original from (fal needs one). */
  signedUrl?(key: string): string;
}

export type PostOutcome = { outcome: "done" } | { outcome: "failed"; code: string; message: string; permanent: boolean } | { outcome: "skipped" | "superseded" | "already-done" | "waiting" };

const MAX_STORE_IMAGE_BYTES = 50 * 1024 * 1024;

const assetForPost = {
  include: {
    request: { include: { order: { select: { id: true, status: true, generation: true } } } },
    recipeVersion: { select: { spec: true, version: true } },
  },
} satisfies Prisma.AssetDefaultArgs;
type AssetForPost = Prisma.AssetGetPayload<typeof assetForPost>;

/** A failure that retrying cannot fix (a file the pipeline refuses): the job ends without retry. */
export class PostProductionRejectedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "PostProductionRejectedError";
  }
}

function recipeOf(asset: AssetForPost): PostProductionRecipe {
  if (!asset.recipeVersion) return DEFAULT_POST_PRODUCTION_RECIPE;
  const parsed = recipeSpecSchema.safeParse(asset.recipeVersion.spec);
  // A version that no longer parses still has a usable post-production part more often than not; defaults otherwise.
  return parsed.success ? parsed.data.postProduction : DEFAULT_POST_PRODUCTION_RECIPE;
}

async function fail(db: PrismaClient, asset: { id: string; status: string; source: string }, code: string, message: string, permanent: boolean): Promise<PostOutcome> {
  // A store image that never arrived (gone, not an image) has no stored original: the asset itself failed.
  const unfetched = asset.source === "store" && asset.status !== "stored" ? { status: "failed", errorCode: code, error: message, finishedAt: new Date() } : {};
  await db.asset.update({ where: { id: asset.id }, data: { postStatus: "failed", postErrorCode: code, postError: message, ...unfetched } });
  return { outcome: "failed", code, message, permanent };
}

/** Images already on the store arrive here without bytes: fetch, check and keep the original first. */
async function fetchStoreOriginal(deps: PostProductionDeps, asset: AssetForPost): Promise<AssetForPost> {
  if (!asset.sourceUrl) throw new PostProductionRejectedError("invalid_input", "This store image has no URL (the media may have been removed from Shopify): re-sync the catalog and re-process");
  let response: Response;
  try {
    response = await deps.fetch(asset.sourceUrl, { signal: AbortSignal.timeout(60_000) });
  } catch (error) {
    throw new Error(`The store image did not download: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (response.status === 404 || response.status === 410) {
    await response.body?.cancel();
    throw new PostProductionRejectedError("source_gone", `The store image answered HTTP ${response.status}: it was removed from Shopify. Re-sync the catalog and re-process`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`The store image answered HTTP ${response.status}; trying again`);
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > MAX_STORE_IMAGE_BYTES) throw new PostProductionRejectedError("too_large", `The store image is ${(bytes.length / 1048576).toFixed(1)} MB; the limit is ${MAX_STORE_IMAGE_BYTES / 1048576} MB`);
  const header = await inspectImage(bytes);
  const contentType = `image/${header.format === "jpeg" ? "jpeg" : header.format}`;
  const put = await deps.store.put(bytes, { contentType, extension: header.format === "jpeg" ? "jpg" : header.format });
  return deps.db.asset.update({
    where: { id: asset.id },
    data: { status: "stored", storageKey: put.key, contentType, width: header.width, height: header.height, bytes: put.bytes, finishedAt: new Date() },
    ...assetForPost,
  });
}

/** The removal provider's call, with its cost reserved and settled in the ledger like a generation. */
function removeBackgroundWith(deps: PostProductionDeps, asset: AssetForPost, recipe: PostProductionRecipe): PostProcessDeps["removeBackground"] {
  const id = recipe.removalProvider;
  if (!id) return undefined;
  return async (input) => {
    const remover = await deps.removerFor(asset.shopId, id);
    const subject: LedgerSubject = { shopId: asset.shopId, productId: asset.productId, orderId: asset.orderId, assetId: asset.id, provider: id, model: "background-removal", operation: "background-removal" };
    const decision = await reserveSpend(deps.db, subject, remover.estimate());
    if (!decision.ok) throw new PostProductionRejectedError("budget", `Background removal was not run: ${decision.reason}. Raise the limit in Settings, then retry the order`);
    try {
      const imageUrl = asset.storageKey && deps.signedUrl ? deps.signedUrl(asset.storageKey) : undefined;
      const result = await remover.remove({ ...input, ...(imageUrl ? { imageUrl } : {}) });
      await settleSpend(deps.db, subject, "succeeded", result.usage, null);
      return { bytes: result.bytes, provider: remover.label };
    } catch (error) {
      if (error instanceof ProviderError) await settleSpend(deps.db, subject, "failed", undefined, null);
      else await releaseReservation(deps.db, asset.id);
      throw error;
    }
  };
}

async function namingContext(db: PrismaClient, asset: AssetForPost) {
  const product = await db.product.findUnique({
    where: { id: asset.productId },
    select: { handle: true, variants: { select: { sku: true }, orderBy: { position: "asc" } } },
  });
  return { handle: product?.handle ?? asset.productId.split("/").pop() ?? "product", sku: product?.variants.find((v) => v.sku)?.sku ?? undefined };
}

const EXTENSIONS: Record<string, string> = { jpeg: "jpg", webp: "webp", avif: "avif", png: "png" };

/**
 * Stores the renditions and replaces the asset's earlier ones in one
 * transaction. File names come from the shop's template and are unique per
 * shop; the asset's own earlier names are reused, and a clash with another
 * worker's insert is retried with the next free name.
 */
async function storeRenditions(deps: PostProductionDeps, asset: AssetForPost, renditions: RenderedRendition[], template: string): Promise<void> {
  const { db, store } = deps;
  const context = await namingContext(db, asset);
  const stored = await Promise.all(renditions.map(async (r) => ({ rendition: r, put: await store.put(r.bytes, { contentType: r.contentType, extension: EXTENSIONS[r.format] ?? r.format }) })));
  for (let attempt = 0; ; attempt++) {
    const own = new Map((await db.assetRendition.findMany({ where: { assetId: asset.id }, select: { channel: true, fileName: true } })).map((r) => [r.channel, r.fileName]));
    const wanted = stored.map(({ rendition }) => renderFileName(template, { sku: context.sku, handle: context.handle, view: asset.view ?? asset.kind, channel: rendition.channel, ext: EXTENSIONS[rendition.format] ?? rendition.format, index: asset.candidateIndex + 1, productId: asset.productId.split("/").pop() }));
    // Every other asset's name that starts like a wanted one: the name itself and any numbered twin of it.
    const taken = new Set((await db.assetRendition.findMany({ where: { shopId: asset.shopId, assetId: { not: asset.id }, OR: wanted.map((name) => ({ fileName: { startsWith: fileNameStem(name) } })) }, select: { fileName: true } })).map((r) => r.fileName));
    const names = wanted.map((name, i) => {
      const ownName = own.get(stored[i]!.rendition.channel);
      const chosen = ownName && !taken.has(ownName) && (ownName === name || ownName.startsWith(fileNameStem(name))) ? ownName : uniqueFileName(name, (candidate) => taken.has(candidate));
      taken.add(chosen);
      return chosen;
    });
    try {
      await db.$transaction(async (tx) => {
        await tx.assetRendition.deleteMany({ where: { assetId: asset.id } });
        await tx.assetRendition.createMany({
          data: stored.map(({ rendition, put }, i) => ({ shopId: asset.shopId, assetId: asset.id, channel: rendition.channel, fileName: names[i]!, storageKey: put.key, contentType: rendition.contentType, format: rendition.format, width: rendition.width, height: rendition.height, bytes: put.bytes })),
        });
      });
      return;
    } catch (error) {
      const clash = error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
      if (!clash || attempt >= 4) throw error;
    }
  }
}


export async function postProcessAsset(deps: PostProductionDeps, assetId: string, attempt: { generation: number; isFinalAttempt: boolean }): Promise<PostOutcome> {
  const { db } = deps;
  let asset = await db.asset.findUnique({ where: { id: assetId }, ...assetForPost });
  if (!asset) throw new PostProductionRejectedError("missing", `Asset ${assetId} does not exist (was its order deleted?)`);
  if (attempt.generation < asset.request.order.generation) return { outcome: "superseded" };
  if (asset.postStatus === "done") return { outcome: "already-done" };
  if (asset.postStatus !== "queued" && asset.postStatus !== "processing") return { outcome: "skipped" };
  if (asset.status === "failed" || asset.status === "canceled" || asset.request.order.status === "canceled") {
    // Nothing to post-process; a retry of the candidate re-plans post-production.
    await db.asset.update({ where: { id: asset.id }, data: { postStatus: "skipped" } });
    return { outcome: "skipped" };
  }
  // The generate job stepped aside without a file (budget pause, a newer flow): post-production waits
  // for the flow that resumes it, and changes nothing here.
  if (asset.source === "ai" && asset.status !== "stored") return { outcome: "waiting" };
  await db.asset.update({ where: { id: asset.id }, data: { postStatus: "processing" } });

  try {
    if (asset.source === "store" && !asset.storageKey) asset = await fetchStoreOriginal(deps, asset);
    if (asset.status !== "stored" || !asset.storageKey) throw new Error(`Asset ${asset.id} is ${asset.status} without a stored file; post-production waits for its generation`);
    // Only studio clips come here (AI clips are normalised when generated): normalised, not image-processed.
    if (asset.kind === "video") {
      await postProcessStudioVideo(deps, { ...asset, storageKey: asset.storageKey });
      return { outcome: "done" };
    }
    const recipe = recipeOf(asset);
    const settings = await loadPostProductionSettings(db, asset.shopId);
    const channels = settings.channels.filter((spec) => spec.enabled && (!recipe.channels || recipe.channels.includes(spec.id)));
    const lut = recipe.brandLut && settings.activeLut ? { lut: await loadLut(deps.store, settings.activeLut), sha256: settings.activeLut.sha256, name: settings.activeLut.name } : null;
    const config: PostProcessConfig = {
      recipe,
      channels,
      lut,
      lutInterpolation: settings.lutInterpolation,
      ...(asset.source === "ai" && settings.aiDisclosure ? { aiDisclosure: "trainedAlgorithmicMedia" } : {}),
    };
    const original = await deps.store.get(asset.storageKey);
    const removeBackground = removeBackgroundWith(deps, asset, recipe);
    const result = await postProcessImage(original, asset.contentType ?? "application/octet-stream", config, removeBackground ? { removeBackground } : {});
    await storeRenditions(deps, asset, result.renditions, settings.namingTemplate);
    await db.asset.update({
      where: { id: asset.id },
      data: { postStatus: "done", postErrorCode: null, postError: null, postProcessedAt: new Date(), postReport: result.report satisfies PostReport as unknown as Prisma.InputJsonValue },
    });
    return { outcome: "done" };
  } catch (error) {
    if (error instanceof ImageRejectedError) return fail(db, asset, error.code, error.message, true);
    if (error instanceof VideoRejectedError) return fail(db, asset, "video_rejected", `The clip was refused: ${error.message}`, true);
    if (error instanceof PostProductionRejectedError) return fail(db, asset, error.code, error.message, true);
    if (error instanceof ProviderError && !error.retryable) return fail(db, asset, error.code, `Background removal failed: ${error.message}`, true);
    if (error instanceof Error && error.name === "ProviderNotConfiguredError") return fail(db, asset, "not_configured", error.message, true);
    if (attempt.isFinalAttempt) return fail(db, asset, error instanceof ProviderError ? error.code : "internal", error instanceof Error ? error.message : String(error), false);
    throw error;
  }
}
