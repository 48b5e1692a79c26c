import type { PrismaClient } from "@prisma/client";
import type { PanelError, ProduceResult, ProductPanel } from "../../extensions/shared/panel-contract";
import { loadPlans } from "../production/plans.server";
import { UNFINISHED_ORDER_STATUSES } from "../production/production-page";
import { laneOf } from "../production/production-plan";
import { sendToProduction } from "../production/production-orders.server";
import { categoryForProduct } from "../recipes/garment-category";
import { ensureDefaultRecipes, loadCategories } from "../recipes/recipes.server";
import { pickThumbnail } from "../review/review-grid";
import { signedAssetUrl } from "../storage/signed-url.server";
import { countPhases, panelAction, panelLinks, parseProduceRequest, pickPanelThumbnails, planWithGaps, produceMessage, productGidOf, tierReasonOf } from "./product-panel";

/**
 * The product page extensions' backend (issue #9): the panel the block shows
 * and the send the action makes, for one product of the token's shop.
 * Answers are the contract's shapes (extensions/shared/panel-contract.ts)
 * with the HTTP status the route should use.
 */

export type PanelAnswer<T> = { status: 200; body: T } | { status: 400 | 404; body: PanelError };

/** Thumbnail URLs live an hour: the block refetches whenever the product page opens. */
const THUMB_URL_SECONDS = 3600;
/** Assets that can no longer show in the panel; everything else is in flight, waiting for a person or approved. */
const GONE_STATUSES = ["failed", "canceled"];

const notInCatalog = (productId: string): PanelAnswer<never> => ({
  status: 404,
  body: { ok: false, field: "productId", error: `${productId} is not in Shotlane's catalog for this shop: sync the catalog on Shotlane's Catalog page, then reload this page` },
});

export async function loadProductPanel(db: PrismaClient, shopId: string, rawProductId: string | undefined, options: { demo: boolean; now?: number }): Promise<PanelAnswer<ProductPanel>> {
  const gid = productGidOf(rawProductId);
  if (!gid.ok) return { status: 400, body: { ok: false, field: gid.field, error: gid.error } };
  const product = await db.product.findFirst({
    where: { id: gid.value, shopId },
    select: { id: true, title: true, tier: true, tierSource: true, tierRuleId: true, productType: true, tags: { select: { tag: true } } },
  });
  if (!product) return notInCatalog(gid.value);

  // The recipe choices need the shop's recipes; the first production would create the defaults anyway.
  await ensureDefaultRecipes(db, shopId, { demo: options.demo });
  const [rule, plans, assets, waitingStudio, openOrder, categories, recipes] = await Promise.all([
    product.tierRuleId ? db.tierRule.findFirst({ where: { id: product.tierRuleId, shopId }, select: { id: true, name: true } }) : null,
    loadPlans(db, shopId),
    db.asset.findMany({
      where: { shopId, productId: product.id, status: { notIn: GONE_STATUSES } },
      select: {
        id: true,
        status: true,
        postStatus: true,
        qcStatus: true,
        reviewStatus: true,
        kind: true,
        view: true,
        createdAt: true,
        thumbKey: true,
        width: true,
        height: true,
        request: { select: { asset: true } },
        renditions: { select: { storageKey: true, width: true, height: true, bytes: true }, orderBy: { bytes: "asc" }, take: 1 },
      },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    }),
    db.assetRequest.count({ where: { shopId, productId: product.id, status: "waiting-studio", order: { status: { not: "canceled" } } } }),
    db.productionOrder.findFirst({ where: { shopId, productId: product.id, status: { in: [...UNFINISHED_ORDER_STATUSES] } }, select: { id: true, status: true }, orderBy: { createdAt: "desc" } }),
    loadCategories(db, shopId),
    db.recipe.findMany({ where: { shopId }, select: { categoryKey: true } }),
  ]);

  const routing = tierReasonOf({ tier: product.tier, tierSource: product.tierSource, ruleName: rule?.name ?? null });
  const tier = routing.source === "not-routed" ? null : (product.tier as 1 | 2 | 3);
  const rows = assets.map((a) => ({ ...a, asset: a.request.asset, thumb: pickThumbnail(a, a.renditions) }));
  const counts = countPhases(rows);
  const approvedKinds = rows.filter((r) => r.reviewStatus === "approved").map((r) => r.asset);
  const plan = planWithGaps(tier ? plans[tier] : [], approvedKinds);
  const withRecipe = new Set(recipes.map((r) => r.categoryKey));
  const recipeChoices = categories.filter((c) => withRecipe.has(c.key)).map((c) => ({ key: c.key, name: c.name }));
  const ownCategory = categoryForProduct(categories, { productType: product.productType, tags: product.tags.map((t) => t.tag) });
  const now = options.now ?? Date.now();

  return {
    status: 200,
    body: {
      ok: true,
      product: { id: product.id, title: product.title },
      tier,
      tierSource: routing.source,
      tierReason: routing.reason,
      rule: routing.source === "rule" && rule ? rule : null,
      plan: { lane: tier ? laneOf(plans[tier]) : null, items: plan.items },
      missing: plan.missing,
      inFlight: { total: counts.inFlight, byPhase: counts.byPhase, waitingStudio },
      awaitingReview: counts.awaitingReview,
      approved: counts.approved,
      thumbnails: pickPanelThumbnails(rows, (key) => signedAssetUrl(key, { expiresInSeconds: THUMB_URL_SECONDS, now })),
      openOrder,
      links: panelLinks(product.id),
      recipes: recipeChoices,
      defaultRecipe: recipeChoices.find((r) => r.key === ownCategory)?.key ?? recipeChoices[0]?.key ?? null,
      action: panelAction({ awaitingReview: counts.awaitingReview, approved: counts.approved, plan: plan.items }),
    },
  };
}

/**
 * "Send to production" / "Regenerate" from the product page: a new order for
 * the chosen views with the chosen recipe. sendToProduction decides; an order
 * still open, a view outside the plan or an unknown recipe come back as its
 * skip reason.
 */
export async function produceFromPanel(
  db: PrismaClient,
  shopId: string,
  rawProductId: string | undefined,
  body: unknown,
  options: { actor: string; demo: boolean },
): Promise<PanelAnswer<ProduceResult>> {
  const gid = productGidOf(rawProductId);
  if (!gid.ok) return { status: 400, body: { ok: false, field: gid.field, error: gid.error } };
  const input = parseProduceRequest(body);
  if (!input.ok) return { status: 400, body: { ok: false, field: input.field, error: input.error } };
  const product = await db.product.findFirst({ where: { id: gid.value, shopId }, select: { id: true } });
  if (!product) return notInCatalog(gid.value);

  const result = await sendToProduction(db, shopId, [product.id], { actor: options.actor, source: "extension", demo: options.demo, assets: input.value.views, recipe: input.value.recipe });
  const recipeName = input.value.recipe ? ((await db.garmentCategory.findFirst({ where: { shopId, key: input.value.recipe }, select: { name: true } }))?.name ?? input.value.recipe) : null;
  return { status: 200, body: { ok: true, ...produceMessage(result, { productId: product.id, views: input.value.views, recipeName }) } };
}
