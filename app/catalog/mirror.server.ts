import type { Prisma, PrismaClient } from "@prisma/client";
import type { MirrorProduct } from "./product-mirror";

type Db = PrismaClient | Prisma.TransactionClient;

function productColumns(shopId: string, p: MirrorProduct, syncedAt: Date) {
  return {
    shopId,
    legacyId: p.legacyId,
    title: p.title,
    handle: p.handle,
    productType: p.productType,
    vendor: p.vendor,
    status: p.status,
    minPriceCents: p.minPriceCents,
    maxPriceCents: p.maxPriceCents,
    currencyCode: p.currencyCode,
    variantCount: p.variantCount,
    imageCount: p.imageCount,
    featuredImageUrl: p.featuredImageUrl,
    shopifyCreatedAt: p.shopifyCreatedAt,
    shopifyUpdatedAt: p.shopifyUpdatedAt,
    syncedAt,
  };
}

/**
 * Writes a batch of products into the mirror in one transaction: the product
 * row, and its tags, collections, variants and media replaced as a whole, so
 * the mirror never holds half of a product.
 */
export async function upsertMirrorProducts(db: PrismaClient, shopId: string, products: MirrorProduct[], syncedAt = new Date()): Promise<void> {
  if (products.length === 0) return;
  const ids = products.map((p) => p.id);
  const collections = new Map(products.flatMap((p) => p.collections.map((c) => [c.id, c] as const)));
  await db.$transaction(async (tx) => {
    for (const c of collections.values()) {
      await tx.collection.upsert({
        where: { id: c.id },
        create: { id: c.id, shopId, title: c.title, handle: c.handle },
        update: { title: c.title, handle: c.handle },
      });
    }
    for (const p of products) {
      const columns = productColumns(shopId, p, syncedAt);
      await tx.product.upsert({ where: { id: p.id }, create: { id: p.id, ...columns }, update: columns });
    }
    await replaceChildren(tx, shopId, ids, products);
  });
}

async function replaceChildren(tx: Db, shopId: string, ids: string[], products: MirrorProduct[]): Promise<void> {
  await tx.productTag.deleteMany({ where: { productId: { in: ids } } });
  await tx.productCollection.deleteMany({ where: { productId: { in: ids } } });
  await tx.productVariant.deleteMany({ where: { productId: { in: ids } } });
  await tx.productMedia.deleteMany({ where: { productId: { in: ids } } });
  await tx.productTag.createMany({ data: products.flatMap((p) => p.tags.map((tag) => ({ shopId, productId: p.id, tag }))) });
  await tx.productCollection.createMany({
    data: products.flatMap((p) => p.collections.map((c) => ({ productId: p.id, collectionId: c.id }))),
  });
  await tx.productVariant.createMany({
    data: products.flatMap((p) =>
      p.variants.map((v) => ({ id: v.id, productId: p.id, title: v.title, sku: v.sku, priceCents: v.priceCents, options: v.options, position: v.position })),
    ),
  });
  await tx.productMedia.createMany({ data: products.flatMap((p) => p.media.map((m) => ({ ...m, productId: p.id }))) });
}

/** Removes mirror rows a completed full sync did not see: they no longer exist in the store. */
export async function removeProductsNotSyncedSince(db: PrismaClient, shopId: string, since: Date): Promise<number> {
  const { count } = await db.product.deleteMany({ where: { shopId, syncedAt: { lt: since } } });
  return count;
}
