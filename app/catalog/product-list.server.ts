import type { Prisma, PrismaClient } from "@prisma/client";
import { DEFAULT_PLANS, gapKinds, laneOf, type PlanItem } from "../production/production-plan";
import type { Tier } from "../routing/tier-rules";
import { latestShotLists, productIdsByShotListStatus, type LatestShotList } from "../studio/shot-lists.server";
import type { MirrorProduct } from "./product-mirror";
import type { ProductListQuery } from "./product-list-query";

/** A row of the product list: the mirror's columns, with tag and collection names. */
export type ProductListItem = Pick<
  MirrorProduct,
  "id" | "legacyId" | "title" | "handle" | "productType" | "vendor" | "status" | "minPriceCents" | "maxPriceCents" | "currencyCode" | "variantCount" | "imageCount" | "featuredImageUrl" | "tags"
> & {
  collections: string[];
  tier: number | null;
  tierSource: string | null;
  tierRuleId: string | null;
  producedAssets: string[];
  /** YYYY-MM-DD, for the studio's shot list order. */
  launchDate: string | null;
  priority: number | null;
  /** The product's newest shot list, if it was ever put on one. */
  shotList: LatestShotList | null;
};

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

/** The shot list filter as ids: products whose newest list has the status, or (none) products on no list. */
async function shotListFilter(db: PrismaClient, shopId: string, query: ProductListQuery): Promise<Prisma.ProductWhereInput | undefined> {
  if (!query.shotList) return undefined;
  if (query.shotList === "none") return { id: { notIn: await productIdsByShotListStatus(db, shopId, "any") } };
  return { id: { in: await productIdsByShotListStatus(db, shopId, query.shotList) } };
}

/** One page of the mirror, filtered and searched in the database (never in memory), with each row's newest shot list (one more query per page). */
export async function listProducts(db: PrismaClient, shopId: string, query: ProductListQuery, plans: Record<Tier, PlanItem[]> = DEFAULT_PLANS): Promise<ProductListPage> {
  const filters = [planFilter(query, plans), await shotListFilter(db, shopId, query)].filter((f): f is Prisma.ProductWhereInput => f !== undefined);
  const where = productListWhere(shopId, query, filters.length === 0 ? undefined : filters.length === 1 ? filters[0] : { AND: filters });
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
  const shotLists = await latestShotLists(
    db,
    shopId,
    rows.map((r) => r.id),
  );
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
      launchDate: row.launchDate ? row.launchDate.toISOString().slice(0, 10) : null,
      priority: row.priority,
      shotList: shotLists.get(row.id) ?? null,
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
