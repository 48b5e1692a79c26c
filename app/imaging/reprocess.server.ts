import type { PrismaClient } from "@prisma/client";
import { recordAuditEvent } from "../audit/audit.server";
import { enqueueCreatedOrders, freeForNewOrders, type SendResult } from "../production/production-orders.server";
import { resolveRecipeForProduct } from "../recipes/recipes.server";

/** The plan asset kind of images taken from the store for re-processing. */
export const STORE_IMAGE_ASSET = "store-image";

/**
 * "Re-process store images": for each selected product, its current images
 * on the store go through post-production like any new image. One order per
 * product, one request listing its images, one asset per image (source
 * "store"); the post-production job fetches each image, so nothing is
 * downloaded in the web request. Results wait for review beside AI output.
 */
export async function reprocessStoreImages(db: PrismaClient, shopId: string, productIds: string[], options: { actor: string; demo: boolean }): Promise<SendResult> {
  const result: SendResult = { created: [], skipped: [] };
  const products = await db.product.findMany({
    where: { shopId, id: { in: productIds } },
    include: { tags: { select: { tag: true } }, media: { where: { contentType: "IMAGE" }, orderBy: { position: "asc" } } },
  });
  for (const product of await freeForNewOrders(db, shopId, productIds, products, result)) {
    const images = product.media.filter((m) => m.url && m.status === "READY");
    if (images.length === 0) {
      const processing = product.media.length > 0;
      result.skipped.push({ productId: product.id, title: product.title, reason: processing ? "its images are still processing on Shopify: try again in a minute" : "it has no images on the store" });
      continue;
    }
    // The category's recipe decides cleanup, framing and shadow, as for AI output of the same garment.
    const recipe = await resolveRecipeForProduct(db, shopId, { productType: product.productType, tags: product.tags.map((t) => t.tag) }, { demo: options.demo });
    const order = await db.$transaction(async (tx) => {
      const created = await tx.productionOrder.create({ data: { shopId, productId: product.id, status: "queued", source: "reprocess", requestedBy: options.actor } });
      const request = await tx.assetRequest.create({
        data: { shopId, orderId: created.id, productId: product.id, asset: STORE_IMAGE_ASSET, source: "store", status: "queued", recipeVersionId: recipe.recipeVersionId, candidatesWanted: images.length },
      });
      await tx.asset.createMany({
        data: images.map((media, index) => ({
          shopId,
          productId: product.id,
          orderId: created.id,
          requestId: request.id,
          candidateIndex: index,
          source: "store",
          kind: "image",
          status: "queued",
          provider: "shopify",
          model: "store-media",
          operation: "reprocess",
          recipeVersionId: recipe.recipeVersionId,
          view: `image-${media.position + 1}`,
          postStatus: "queued",
          qcStatus: "queued",
          sourceMediaId: media.id,
          sourceUrl: media.url,
        })),
      });
      await recordAuditEvent(tx, {
        shopId,
        actor: options.actor,
        action: "production.order.created",
        subjectType: "ProductionOrder",
        subjectId: created.id,
        data: { productId: product.id, source: "reprocess", category: recipe.categoryKey, recipeVersion: recipe.version, images: images.map((m) => m.id) },
      });
      return created;
    });
    result.created.push({ orderId: order.id, productId: product.id });
  }
  await enqueueCreatedOrders(db, result);
  return result;
}
