import prisma from "../db.server";
import { catalogSyncStatus } from "./catalog-sync-requests.server";
import { listProducts, productListFacets } from "./product-list.server";
import { parseProductListQuery } from "./product-list-query";
import { loadPlans } from "../production/plans.server";
import { laneOf, type PlanItem } from "../production/production-plan";
import type { Tier } from "../routing/tier-rules";

/** Per tier: its lane and the assets its plan asks for (the list shows what each product still lacks). */
function planSummaries(plans: Record<Tier, PlanItem[]>) {
  return Object.fromEntries(([1, 2, 3] as const).map((tier) => [tier, { lane: laneOf(plans[tier]), items: plans[tier] }])) as Record<Tier, { lane: string; items: PlanItem[] }>;
}

/** Everything the catalog home page shows, from the mirror (no Admin API call). */
export async function loadCatalogHome(shopId: string, searchParams: URLSearchParams) {
  const parsed = parseProductListQuery(searchParams);
  const plans = await loadPlans(prisma, shopId);
  const [shop, page, facets, sync, mirrored, rules] = await Promise.all([
    prisma.shop.findUnique({ where: { id: shopId }, select: { id: true, name: true, currencyCode: true } }),
    listProducts(prisma, shopId, parsed.query, plans),
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
    plans: planSummaries(plans),
    sync: sync.run,
  };
}
