import prisma from "../db.server";
import { catalogSyncStatus } from "./catalog-sync-requests.server";
import { listProducts, productListFacets } from "./product-list.server";
import { parseProductListQuery } from "./product-list-query";

/** Everything the catalog home page shows, from the mirror (no Admin API call). */
export async function loadCatalogHome(shopId: string, searchParams: URLSearchParams) {
  const parsed = parseProductListQuery(searchParams);
  const [shop, page, facets, sync, mirrored, rules] = await Promise.all([
    prisma.shop.findUnique({ where: { id: shopId }, select: { id: true, name: true, currencyCode: true } }),
    listProducts(prisma, shopId, parsed.query),
    productListFacets(prisma, shopId),
    catalogSyncStatus(shopId),
    prisma.product.count({ where: { shopId } }),
    prisma.tierRule.findMany({ where: { shopId }, select: { id: true, name: true } }),
  ]);
  return {
    shop: { domain: shopId, name: shop?.name ?? null, currencyCode: shop?.currencyCode ?? null, mirroredProducts: mirrored },
    query: parsed.query,
    queryErrors: parsed.ok ? {} : parsed.errors,
    page,
    facets,
    ruleNames: Object.fromEntries(rules.map((r) => [r.id, r.name])),
    sync: sync.run,
  };
}
