import type { PrismaClient } from "@prisma/client";
import type { BulkBatch } from "./bulk-catalog";
import { productColumns } from "./mirror.server";

/**
 * Writes one batch of the bulk export in one transaction: products first
 * (their earlier children are cleared, as the export brings them again), then
 * the children of this batch, whose parents are now all in the database.
 */
export async function writeBulkBatch(db: PrismaClient, shopId: string, batch: BulkBatch, syncedAt: Date): Promise<void> {
  const ids = batch.products.map((p) => p.id);
  const collections = new Map(batch.collections.map((c) => [c.id, c]));
  await db.$transaction(async (tx) => {
    for (const p of batch.products) {
      const columns = productColumns(shopId, p, syncedAt);
      await tx.product.upsert({ where: { id: p.id }, create: { id: p.id, imageCount: 0, ...columns }, update: columns });
    }
    if (ids.length > 0) {
      await tx.productTag.deleteMany({ where: { productId: { in: ids } } });
      await tx.productCollection.deleteMany({ where: { productId: { in: ids } } });
      await tx.productVariant.deleteMany({ where: { productId: { in: ids } } });
      await tx.productMedia.deleteMany({ where: { productId: { in: ids } } });
      await tx.productTag.createMany({ data: batch.products.flatMap((p) => p.tags.map((tag) => ({ shopId, productId: p.id, tag }))) });
    }
    for (const c of collections.values()) {
      await tx.collection.upsert({ where: { id: c.id }, create: { id: c.id, shopId, title: c.title, handle: c.handle }, update: { title: c.title, handle: c.handle } });
    }
    await tx.productCollection.createMany({ data: batch.collections.map((c) => ({ productId: c.productId, collectionId: c.id })) });
    await tx.productVariant.createMany({
      data: batch.variants.map((v) => ({ id: v.id, productId: v.productId, title: v.title, sku: v.sku, priceCents: v.priceCents, options: v.options, position: v.position })),
    });
    await tx.productMedia.createMany({ data: batch.media });
  });
}

/** Image count and featured image, from the media rows the export brought (media lines come after their product). */
export async function refreshImageColumns(db: PrismaClient, shopId: string): Promise<void> {
  await db.$executeRaw`
    UPDATE "Product" SET
      "imageCount" = (SELECT COUNT(*) FROM "ProductMedia" m WHERE m."productId" = "Product"."id" AND m."contentType" = 'IMAGE'),
      "featuredImageUrl" = (SELECT m."url" FROM "ProductMedia" m WHERE m."productId" = "Product"."id" AND m."contentType" = 'IMAGE' ORDER BY m."position" LIMIT 1)
    WHERE "shopId" = ${shopId}`;
}
