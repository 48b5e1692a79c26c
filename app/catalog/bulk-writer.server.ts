import { Prisma, type PrismaClient } from "@prisma/client";
import type { BulkBatch } from "./bulk-catalog";
import type { BulkProduct } from "./bulk-catalog";

/**
 * Writes one batch of the bulk export in one transaction: products first
 * (their earlier children are cleared, as the export brings them again), then
 * the children of this batch, whose parents are now all in the database.
 */
export async function writeBulkBatch(db: PrismaClient, shopId: string, batch: BulkBatch, syncedAt: Date): Promise<void> {
  const ids = batch.products.map((p) => p.id);
  const collections = new Map(batch.collections.map((c) => [c.id, c]));
  await db.$transaction(async (tx) => {
    if (ids.length > 0) {
      await upsertProductRows(tx, shopId, batch.products, syncedAt);
      await tx.productTag.deleteMany({ where: { productId: { in: ids } } });
      await tx.productCollection.deleteMany({ where: { productId: { in: ids } } });
      await tx.productVariant.deleteMany({ where: { productId: { in: ids } } });
      await tx.productMedia.deleteMany({ where: { productId: { in: ids } } });
      await insertRows(tx, "ProductTag", ["shopId", "productId", "tag"], batch.products.flatMap((p) => p.tags.map((tag) => [shopId, p.id, tag])));
    }
    for (const c of collections.values()) {
      await tx.collection.upsert({ where: { id: c.id }, create: { id: c.id, shopId, title: c.title, handle: c.handle }, update: { title: c.title, handle: c.handle } });
    }
    await insertRows(tx, "ProductCollection", ["productId", "collectionId"], batch.collections.map((c) => [c.productId, c.id]));
    await insertRows(
      tx,
      "ProductVariant",
      ["id", "productId", "title", "sku", "priceCents", "options", "position"],
      batch.variants.map((v) => [v.id, v.productId, v.title, v.sku, v.priceCents, JSON.stringify(v.options), v.position]),
    );
    await insertRows(
      tx,
      "ProductMedia",
      ["id", "productId", "position", "contentType", "status", "alt", "url", "width", "height"],
      batch.media.map((m) => [m.id, m.productId, m.position, m.contentType, m.status, m.alt, m.url, m.width, m.height]),
    );
  });
}

const PRODUCT_COLUMNS = [
  "id",
  "shopId",
  "legacyId",
  "title",
  "handle",
  "productType",
  "vendor",
  "status",
  "minPriceCents",
  "maxPriceCents",
  "currencyCode",
  "variantCount",
  "imageCount",
  "shopifyCreatedAt",
  "shopifyUpdatedAt",
  "syncedAt",
] as const;

/**
 * One multi-row INSERT … ON CONFLICT DO UPDATE for a batch of products: a
 * row-by-row upsert costs a read and a write per product. Routing columns
 * (tier, pins) and image columns of existing rows are left as they are.
 */
async function upsertProductRows(tx: Prisma.TransactionClient, shopId: string, products: BulkProduct[], syncedAt: Date): Promise<void> {
  let offset = 0;
  for (const size of chunkSizes(products.length)) {
    await upsertProductChunk(tx, shopId, products.slice(offset, offset + size), syncedAt);
    offset += size;
  }
}

async function upsertProductChunk(tx: Prisma.TransactionClient, shopId: string, products: BulkProduct[], syncedAt: Date): Promise<void> {
  const rows = products.map(
    (p) =>
      Prisma.sql`(${p.id}, ${shopId}, ${p.legacyId}, ${p.title}, ${p.handle}, ${p.productType}, ${p.vendor}, ${p.status}, ${p.minPriceCents}, ${p.maxPriceCents}, ${p.currencyCode}, ${p.variantCount}, 0, ${p.shopifyCreatedAt}, ${p.shopifyUpdatedAt}, ${syncedAt})`,
  );
  const updated = PRODUCT_COLUMNS.filter((c) => c !== "id" && c !== "imageCount").map((c) => Prisma.raw(`"${c}" = excluded."${c}"`));
  await tx.$executeRaw`
    INSERT INTO "Product" (${Prisma.join(PRODUCT_COLUMNS.map((c) => Prisma.raw(`"${c}"`)))})
    VALUES ${Prisma.join(rows)}
    ON CONFLICT ("id") DO UPDATE SET ${Prisma.join(updated)}`;
}

/**
 * Statement sizes rows are split into. SQLite prepares (and the driver caches)
 * each distinct SQL text; a handful of fixed shapes keeps that cache small,
 * where "whatever this batch held" would grow it with every batch.
 */
const CHUNK_SIZES = [256, 64, 16, 4, 1];

export function chunkSizes(total: number): number[] {
  const sizes: number[] = [];
  let left = total;
  for (const size of CHUNK_SIZES) {
    while (left >= size) {
      sizes.push(size);
      left -= size;
    }
  }
  return sizes;
}

/** Multi-row INSERTs in fixed-size statements. */
async function insertRows(tx: Prisma.TransactionClient, table: string, columns: string[], rows: (string | number | null)[][]): Promise<void> {
  const head = Prisma.raw(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES `);
  let offset = 0;
  for (const size of chunkSizes(rows.length)) {
    const values = rows.slice(offset, offset + size).map((row) => Prisma.sql`(${Prisma.join(row)})`);
    offset += size;
    await tx.$executeRaw`${head}${Prisma.join(values)}`;
  }
}

/** Image count and featured image, from the media rows the export brought (media lines come after their product). */
export async function refreshImageColumns(db: PrismaClient, shopId: string): Promise<void> {
  await db.$executeRaw`
    UPDATE "Product" SET
      "imageCount" = (SELECT COUNT(*) FROM "ProductMedia" m WHERE m."productId" = "Product"."id" AND m."contentType" = 'IMAGE'),
      "featuredImageUrl" = (SELECT m."url" FROM "ProductMedia" m WHERE m."productId" = "Product"."id" AND m."contentType" = 'IMAGE' ORDER BY m."position" LIMIT 1)
    WHERE "shopId" = ${shopId}`;
}
