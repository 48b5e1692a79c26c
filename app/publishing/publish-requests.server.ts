import type { Prisma, PrismaClient } from "@prisma/client";
import { enqueue, publishProductQueue, QueueUnavailableError } from "../../jobs/queues";
import { recordAuditEvent } from "../audit/audit.server";
import { renderAltText } from "./alt-text";
import { ACTIVE_PUBLICATION_STATUSES } from "./publish-product.server";
import { loadPublishingSettings } from "./publishing-settings.server";

/**
 * What puts approved assets on the way to the store: a Publication row per
 * asset (unique, so an asset is never published twice), then one
 * publish-product job per product. The rows are the source of truth; a job
 * lost from Redis is re-created by reconcilePublishing.
 */

/** Renditions that can stand on a product page, best first; a clip goes as its stored MP4. */
export const PUBLISH_CHANNELS = ["pdp-square", "pdp-portrait"] as const;

/** Publications that may start again from the beginning (nothing of theirs is on the product). */
const RESTARTABLE = ["failed", "canceled", "reverted", "replaced"];

const QUEUE_WARNING = "Saved, but the job queue is not reachable: publishing starts as soon as it is (the reconciler re-creates the jobs).";

export interface QueueResult {
  queued: number;
  skipped: { assetId: string; reason: string }[];
  queueWarning?: string;
}

const publishSelect = {
  id: true,
  shopId: true,
  productId: true,
  kind: true,
  view: true,
  colour: true,
  source: true,
  reviewStatus: true,
  storageKey: true,
  request: { select: { asset: true } },
  renditions: { select: { channel: true, fileName: true } },
} satisfies Prisma.AssetSelect;
type PublishAsset = Prisma.AssetGetPayload<{ select: typeof publishSelect }>;

/** The rendition to publish and its file name, or why there is none. */
function publishedFile(asset: PublishAsset, product: { handle: string }): { channel: string | null; fileName: string } | string {
  if (asset.kind === "video") {
    if (!asset.storageKey) return "the clip has no stored file yet";
    return { channel: null, fileName: `${product.handle}_video_${asset.id.slice(-8)}.mp4` };
  }
  for (const channel of PUBLISH_CHANNELS) {
    const rendition = asset.renditions.find((r) => r.channel === channel);
    if (rendition) return { channel, fileName: rendition.fileName };
  }
  return "it has no product-page rendition (pdp-square or pdp-portrait): enable one in Post-production and re-process it";
}

/** The publish job of one product; ids only differ in time, the service serialises a product's jobs. */
export async function enqueuePublishProduct(shopId: string, productId: string): Promise<void> {
  await enqueue(publishProductQueue, { shopId, productId }, { jobId: `publish-${productId.split("/").pop()}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}` });
}

async function enqueueProducts(shopId: string, productIds: Iterable<string>): Promise<string | undefined> {
  for (const productId of new Set(productIds)) {
    try {
      await enqueuePublishProduct(shopId, productId);
    } catch (error) {
      if (!(error instanceof QueueUnavailableError)) throw error;
      return QUEUE_WARNING;
    }
  }
  return undefined;
}

/**
 * Queues approved assets for publishing (all approved and not yet published
 * with "all-approved"). Each asset gets its alt text from the shop's template
 * now, so what the merchant previewed is what Shopify gets. Assets not
 * approved, without a publishable file, on a product no longer in the
 * catalog, or already published or on their way are skipped with the reason.
 */
export async function queuePublications(db: PrismaClient, shopId: string, assetIds: string[] | "all-approved", actor: string): Promise<QueueResult> {
  const where: Prisma.AssetWhereInput =
    assetIds === "all-approved" ? { shopId, reviewStatus: "approved", OR: [{ publication: null }, { publication: { status: { in: ["canceled"] } } }] } : { shopId, id: { in: assetIds } };
  const assets = await db.asset.findMany({ where, select: publishSelect, orderBy: { createdAt: "asc" } });
  const result: QueueResult = { queued: 0, skipped: [] };
  if (assetIds !== "all-approved") {
    const found = new Set(assets.map((a) => a.id));
    for (const id of assetIds) if (!found.has(id)) result.skipped.push({ assetId: id, reason: "no such asset in this shop" });
  }
  if (assets.length === 0) return result;

  const settings = await loadPublishingSettings(db, shopId);
  const products = new Map(
    (await db.product.findMany({ where: { shopId, id: { in: [...new Set(assets.map((a) => a.productId))] } }, select: { id: true, title: true, handle: true, vendor: true, productType: true, variants: { select: { sku: true, options: true }, orderBy: { position: "asc" } } } })).map((p) => [p.id, p]),
  );
  const existing = new Map((await db.publication.findMany({ where: { assetId: { in: assets.map((a) => a.id) } }, select: { assetId: true, status: true } })).map((p) => [p.assetId, p.status]));
  const touched: string[] = [];

  for (const asset of assets) {
    const skip = (reason: string) => result.skipped.push({ assetId: asset.id, reason });
    if (asset.reviewStatus !== "approved") {
      skip(`it is not approved (${asset.reviewStatus ?? "not checked yet"}): approve it in Review first`);
      continue;
    }
    const status = existing.get(asset.id);
    if (status && !RESTARTABLE.includes(status)) {
      skip(status === "ready" ? "it is already on the product" : "it is already being published");
      continue;
    }
    const product = products.get(asset.productId);
    if (!product) {
      skip("its product is no longer in the catalog (deleted in the store?)");
      continue;
    }
    const file = publishedFile(asset, product);
    if (typeof file === "string") {
      skip(file);
      continue;
    }
    const colourVariant = asset.colour ? product.variants.find((v) => Object.values((v.options ?? {}) as Record<string, string>).includes(asset.colour!)) : undefined;
    const alt = renderAltText(settings.altTemplate, {
      title: product.title,
      colour: asset.colour,
      view: asset.request.asset,
      kind: asset.kind === "video" ? "video" : "image",
      vendor: product.vendor,
      productType: product.productType,
      sku: colourVariant?.sku ?? product.variants[0]?.sku ?? null,
    });
    const fields = { status: "queued", kind: asset.kind, view: asset.request.asset, colour: asset.colour, channel: file.channel, fileName: file.fileName, alt, requestedBy: actor };
    const reset = { resourceUrl: null, mediaBefore: [], attachStartedAt: null, mediaId: null, variantIds: [], snapshotId: null, errorCode: null, error: null, attempts: 0, readyAt: null };
    // The status condition makes a concurrent queue of the same asset a no-op instead of a second publication.
    if (status) {
      const { count } = await db.publication.updateMany({ where: { assetId: asset.id, status }, data: { ...fields, ...reset } });
      if (count === 0) {
        skip("it is already being published");
        continue;
      }
    } else {
      try {
        await db.publication.create({ data: { shopId, productId: asset.productId, assetId: asset.id, ...fields } });
      } catch (error) {
        if ((error as { code?: string }).code !== "P2002") throw error;
        skip("it is already being published");
        continue;
      }
    }
    result.queued++;
    touched.push(asset.productId);
  }
  for (const productId of new Set(touched)) {
    await recordAuditEvent(db, { shopId, actor, action: "publishing.queued", subjectType: "Product", subjectId: productId, data: { assets: assets.filter((a) => a.productId === productId).map((a) => a.id) } });
  }
  const warning = await enqueueProducts(shopId, touched);
  if (warning) result.queueWarning = warning;
  return result;
}

/** Failed publications (of one product, or all) start again from the upload. */
export async function retryFailedPublications(db: PrismaClient, shopId: string, productId: string | null, actor: string): Promise<{ queued: number; queueWarning?: string }> {
  const failed = await db.publication.findMany({ where: { shopId, status: "failed", ...(productId ? { productId } : {}) }, select: { id: true, productId: true } });
  if (failed.length === 0) return { queued: 0 };
  await db.publication.updateMany({
    where: { id: { in: failed.map((p) => p.id) }, status: "failed" },
    data: { status: "queued", resourceUrl: null, mediaBefore: [], attachStartedAt: null, mediaId: null, snapshotId: null, errorCode: null, error: null, attempts: 0, requestedBy: actor },
  });
  await recordAuditEvent(db, { shopId, actor, action: "publishing.retried", subjectType: productId ? "Product" : "Shop", subjectId: productId ?? shopId, data: { publications: failed.map((p) => p.id) } });
  const queueWarning = await enqueueProducts(shopId, failed.map((p) => p.productId));
  return { queued: failed.length, ...(queueWarning ? { queueWarning } : {}) };
}

/**
 * Re-creates publish jobs from the database: products with publications
 * still on their way, or a revert waiting, untouched for `minAgeMs` (a live
 * job keeps its rows fresh). The service serialises a product's jobs, so an
 * extra job costs one look at the rows.
 */
export async function reconcilePublishing(db: PrismaClient, options: { shopId?: string; minAgeMs?: number } = {}): Promise<{ requeued: string[] }> {
  const before = new Date(Date.now() - (options.minAgeMs ?? 120_000));
  const shopFilter = { ...(options.shopId ? { shopId: options.shopId } : {}), shop: { uninstalledAt: null } };
  const [publications, reverts] = await Promise.all([
    db.publication.findMany({ where: { ...shopFilter, status: { in: [...ACTIVE_PUBLICATION_STATUSES] }, updatedAt: { lt: before } }, select: { shopId: true, productId: true }, distinct: ["productId"] }),
    db.mediaSnapshot.findMany({ where: { ...shopFilter, revertRequestedAt: { lt: before }, revertedAt: null, revertError: null }, select: { shopId: true, productId: true }, distinct: ["productId"] }),
  ]);
  const requeued: string[] = [];
  for (const { shopId, productId } of [...publications, ...reverts]) {
    if (requeued.includes(productId)) continue;
    await enqueuePublishProduct(shopId, productId);
    requeued.push(productId);
  }
  return { requeued };
}
