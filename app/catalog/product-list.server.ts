import type { Prisma, PrismaClient } from "@prisma/client";
import { DEFAULT_PLANS, gapKinds, laneOf, type PlanItem } from "../production/production-plan";
import type { Tier } from "../routing/tier-rules";
import type { MirrorProduct } from "./product-mirror";
import type { ProductListQuery } from "./product-list-query";

/** A row of the product list: the mirror's columns, with tag and collection names. */
export type ProductListItem = Pick<
  MirrorProduct,
  "id" | "legacyId" | "title" | "handle" | "productType" | "vendor" | "status" | "minPriceCents" | "maxPriceCents" | "currencyCode" | "variantCount" | "imageCount" | "featuredImageUrl" | "tags"
> & { collections: string[]; tier: number | null; tierSource: string | null; tierRuleId: string | null; producedAssets: string[] };

export interface ProductListFacets {
  types: string[];
  vendors: string[];
  tags: string[];
  collections: { id: string; title: string }[];
}

export interface ProductListPage {
  items: ProductListItem[];
  total: number;
  page: number;
  pageCount: number;
  pageSize: number;
}

/**
 * Lane and gap filters come from the tier's production plan: a product is in
 * the hybrid lane because its tier's plan mixes studio and AI; it needs video
 * when its plan asks for one and it has no produced video yet.
 */
export function planFilter(query: ProductListQuery, plans: Record<Tier, PlanItem[]>): Prisma.ProductWhereInput | undefined {
  if (!query.lane && !query.gap) return undefined;
  const gap = query.gap;
  const tiers = ([1, 2, 3] as const).filter((tier) => (!query.lane || laneOf(plans[tier]) === query.lane) && (!gap || gapKinds(plans[tier], gap).length > 0));
  if (!gap) return { tier: { in: tiers } };
  return { OR: tiers.map((tier) => ({ tier, NOT: { producedAssets: { hasEvery: gapKinds(plans[tier], gap) } } })) };
}

export function productListWhere(shopId: string, query: ProductListQuery, plan?: Prisma.ProductWhereInput): Prisma.ProductWhereInput {
  return {
    ...(plan ? { AND: [plan] } : {}),
    shopId,
    ...(query.q ? { OR: [{ title: { contains: query.q, mode: "insensitive" } }, { handle: { contains: query.q, mode: "insensitive" } }, { variants: { some: { sku: { contains: query.q, mode: "insensitive" } } } }] } : {}),
    ...(query.type ? { productType: query.type } : {}),
    ...(query.vendor ? { vendor: query.vendor } : {}),
    ...(query.tag ? { tags: { some: { tag: query.tag } } } : {}),
    ...(query.collection ? { collections: { some: { collectionId: query.collection } } } : {}),
    ...(query.tier ? { tier: query.tier === "unrouted" ? null : Number(query.tier) } : {}),
  };
}

/** One page of the mirror, filtered and searched in the database (never in memory). */
export async function listProducts(db: PrismaClient, shopId: string, query: ProductListQuery, plans: Record<Tier, PlanItem[]> = DEFAULT_PLANS): Promise<ProductListPage> {
  const where = productListWhere(shopId, query, planFilter(query, plans));
  const [total, rows] = await Promise.all([
    db.product.count({ where }),
    db.product.findMany({
      where,
      orderBy: [{ title: "asc" }, { id: "asc" }],
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
      include: { tags: { select: { tag: true } }, collections: { select: { collection: { select: { title: true } } } } },
    }),
  ]);
  return {
    items: rows.map((row) => ({
      id: row.id,
      legacyId: row.legacyId,
      title: row.title,
      handle: row.handle,
      productType: row.productType,
      vendor: row.vendor,
      status: row.status,
      minPriceCents: row.minPriceCents,
      maxPriceCents: row.maxPriceCents,
      currencyCode: row.currencyCode,
      variantCount: row.variantCount,
      imageCount: row.imageCount,
      featuredImageUrl: row.featuredImageUrl,
      tags: row.tags.map((t) => t.tag).sort(),
      collections: row.collections.map((c) => c.collection.title).sort(),
      tier: row.tier,
      tierSource: row.tierSource,
      tierRuleId: row.tierRuleId,
      producedAssets: row.producedAssets,
    })),
    total,
    page: query.page,
    pageSize: query.pageSize,
    pageCount: Math.max(1, Math.ceil(total / query.pageSize)),
  };
}

/** The values the filters offer, from the mirror. */
export async function productListFacets(db: PrismaClient, shopId: string): Promise<ProductListFacets> {
  // GROUP BY runs in the database; Prisma's `distinct` would fetch every row and dedupe in JavaScript.
  const [types, vendors, tags, collections] = await Promise.all([
    db.product.groupBy({ by: ["productType"], where: { shopId }, orderBy: { productType: "asc" } }),
    db.product.groupBy({ by: ["vendor"], where: { shopId }, orderBy: { vendor: "asc" } }),
    db.productTag.groupBy({ by: ["tag"], where: { shopId }, orderBy: { tag: "asc" } }),
    db.collection.findMany({ where: { shopId }, select: { id: true, title: true }, orderBy: { title: "asc" } }),
  ]);
  return {
    types: types.map((t) => t.productType).filter(Boolean),
    vendors: vendors.map((v) => v.vendor).filter(Boolean),
    tags: tags.map((t) => t.tag),
    collections,
  };
}
