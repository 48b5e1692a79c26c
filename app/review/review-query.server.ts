import type { Prisma, PrismaClient } from "@prisma/client";
import type { ReviewFilters } from "./review-filters";

/**
 * The assets a set of review filters selects, as a Prisma where-clause. The
 * grid pages through it and "Approve all passed" approves through it, so both
 * always mean the same assets. Tier and collection live on the product, which
 * assets reference by id only (an asset outlives its product for the audit
 * trail), so they resolve to product ids first.
 */
export async function reviewWhere(db: PrismaClient, shopId: string, filters: ReviewFilters): Promise<Prisma.AssetWhereInput> {
  const where: Prisma.AssetWhereInput = { shopId };
  if (filters.state === "open") where.reviewStatus = { in: ["awaiting-review", "awaiting-signoff"] };
  else if (filters.state === "flagged") Object.assign(where, { reviewStatus: { in: ["awaiting-review", "awaiting-signoff"] }, reviewFlagged: true });
  else where.reviewStatus = filters.state;
  if (filters.verdict) where.qcVerdict = filters.verdict;
  if (filters.source === "studio" || filters.source === "store") where.source = filters.source;
  else if (filters.source) Object.assign(where, { source: "ai", provider: filters.source });
  if (filters.category) {
    // AI candidates carry their recipe's category; studio and store images have no recipe, so their product's
    // type and tags place them (the category's mapping, without the first-match precedence between categories).
    const category = await db.garmentCategory.findUnique({ where: { shopId_key: { shopId, key: filters.category } }, select: { productTypes: true, tags: true } });
    const mapped = category ? await db.product.findMany({ where: { shopId, OR: [{ productType: { in: category.productTypes } }, { tags: { some: { tag: { in: category.tags } } } }] }, select: { id: true } }) : [];
    where.AND = [{ OR: [{ recipeVersion: { recipe: { categoryKey: filters.category } } }, { recipeVersionId: null, productId: { in: mapped.map((p) => p.id) } }] }];
  }
  if (filters.product) where.productId = filters.product;
  if (filters.tier || filters.collection) {
    const products = await db.product.findMany({
      where: { shopId, ...(filters.tier ? { tier: Number(filters.tier) } : {}), ...(filters.collection ? { collections: { some: { collectionId: filters.collection } } } : {}) },
      select: { id: true },
    });
    const ids = products.map((p) => p.id);
    where.productId = filters.product ? (ids.includes(filters.product) ? filters.product : { in: [] }) : { in: ids };
  }
  return where;
}

/** The grid's order: oldest first, so the queue drains like a queue; id breaks ties for stable pages. */
export const REVIEW_ORDER: Prisma.AssetOrderByWithRelationInput[] = [{ createdAt: "asc" }, { id: "asc" }];
