import type { Prisma, PrismaClient } from "@prisma/client";
import { withShopLock } from "../../jobs/shop-lock";
import { recordAuditEvent } from "../audit/audit.server";
import { DraftHoldError, holdNewProductAsDraft } from "../publishing/draft-hold.server";
import type { Tier } from "../routing/tier-rules";
import type { AdminGraphqlClient } from "../shopify/admin-graphql.server";
import { cancelOpenWork, cancelWithShopProvider } from "../shop-lifecycle/open-work.server";
import { loadPlans } from "./plans.server";
import type { PlanItem } from "./production-plan";
import { sendToProduction } from "./production-orders.server";
import { loadPublishingSettings } from "../publishing/publishing-settings.server";

export const AUTO_PRODUCE_ACTOR = "shopify:products/create";

/** PublishingSettings' schema defaults, for a shop that never saved the settings. */
const OPEN_ORDER_STATUSES = ["queued", "running", "paused"];

export type AutoProduceCode = "opened" | "shop-missing" | "shop-uninstalled" | "product-missing" | "already-produced" | "not-routed" | "tier-not-automatic" | "no-ai-assets" | "production-paused" | "not-created";

export type AutoProduceDecision = { produce: true; tier: Tier; aiAssets: string[] } | { produce: false; code: Exclude<AutoProduceCode, "opened">; reason: string };

export interface AutoProduceFacts {
  shop: { uninstalledAt: Date | null; productionPausedAt: Date | null; productionPauseReason: string | null } | null;
  product: { tier: number | null } | null;
  autoProduceTiers: readonly number[];
  plans: Record<Tier, readonly PlanItem[]>;
  /** The product's earlier automatic order, if any: a product is produced automatically at most once. */
  autoOrder: { id: string; status: string } | null;
}

const tierList = (tiers: readonly number[]) => (tiers.length ? [...tiers].sort((a, b) => a - b).map((t) => `tier ${t}`).join(", ") : "no tier");

/** Whether a new product gets an automatic production order, and why not when it does not. Pure. */
export function decideAutoProduction(facts: AutoProduceFacts): AutoProduceDecision {
  if (!facts.shop) return { produce: false, code: "shop-missing", reason: "the shop is not installed in Shotlane" };
  if (facts.shop.uninstalledAt) return { produce: false, code: "shop-uninstalled", reason: "the app was uninstalled from the shop" };
  if (!facts.product) return { produce: false, code: "product-missing", reason: "the product is not in the catalog mirror (deleted in Shopify since)" };
  if (facts.autoOrder) return { produce: false, code: "already-produced", reason: `the product already has an automatic order (${facts.autoOrder.id}, ${facts.autoOrder.status})` };
  const tier = facts.product.tier;
  if (tier !== 1 && tier !== 2 && tier !== 3) return { produce: false, code: "not-routed", reason: "the product is not routed to a tier" };
  if (!facts.autoProduceTiers.includes(tier)) {
    return { produce: false, code: "tier-not-automatic", reason: `tier ${tier} is not set to produce new products automatically (automatic: ${tierList(facts.autoProduceTiers)})` };
  }
  const aiAssets = facts.plans[tier].filter((item) => item.source === "ai").map((item) => item.asset);
  if (aiAssets.length === 0) return { produce: false, code: "no-ai-assets", reason: `the tier ${tier} production plan has no AI asset (studio work is booked by hand)` };
  if (facts.shop.productionPausedAt) {
    return { produce: false, code: "production-paused", reason: `production is paused (${facts.shop.productionPauseReason ?? "budget limit"}): resume it on the Production page, then send the product by hand` };
  }
  return { produce: true, tier, aiAssets };
}

export interface AutoProduceOutcome {
  code: AutoProduceCode;
  reason?: string;
  orderId?: string;
  /** "held": set to DRAFT now; "off": the setting is off; "not-held": nothing to hold (no open automatic order, not ACTIVE, held before); "failed": Shopify refused (audited). */
  draftHold: "held" | "off" | "not-held" | "failed";
}

/**
 * products/create, in the worker after the product was mirrored and routed:
 * opens a production order by itself when the shop's settings list the
 * product's tier for automatic production and that tier's plan has an AI
 * asset; optionally holds the product in DRAFT until its visuals are
 * published. Every decision, including not producing, is in the audit trail.
 *
 * Exactly once: under a per-product lock, an earlier automatic order of the
 * product (a retried job, a duplicate delivery under another webhook id)
 * means no new order. A product deleted, or a shop uninstalled, while the
 * order was being opened gets that order canceled again.
 */
export async function onProductCreated(db: PrismaClient, admin: AdminGraphqlClient, shopId: string, productId: string, options: { demo: boolean; actor?: string }): Promise<AutoProduceOutcome> {
  const actor = options.actor ?? AUTO_PRODUCE_ACTOR;
  return withShopLock(`auto-produce:${productId}`, shopId, async () => {
    const [shop, product, settings, plans, autoOrder] = await Promise.all([
      db.shop.findUnique({ where: { id: shopId }, select: { uninstalledAt: true, productionPausedAt: true, productionPauseReason: true } }),
      db.product.findFirst({ where: { id: productId, shopId }, select: { tier: true, status: true } }),
      loadPublishingSettings(db, shopId),
      loadPlans(db, shopId),
      db.productionOrder.findFirst({ where: { shopId, productId, source: "auto" }, orderBy: { createdAt: "asc" }, select: { id: true, status: true } }),
    ]);
    const { autoProduceTiers, draftUntilPublished } = settings;
    const decision = decideAutoProduction({ shop, product, autoProduceTiers, plans, autoOrder });

    let outcome: Omit<AutoProduceOutcome, "draftHold">;
    if (decision.produce) {
      const sent = await sendToProduction(db, shopId, [productId], { actor, source: "auto", demo: options.demo });
      const created = sent.created[0];
      outcome = created ? { code: "opened", orderId: created.orderId } : { code: "not-created", reason: sent.skipped[0]?.reason ?? "production refused the order" };
      if (created) await cancelIfGoneMeanwhile(db, shopId, productId, actor);
    } else {
      outcome = { code: decision.code, reason: decision.reason, ...(decision.code === "already-produced" && autoOrder ? { orderId: autoOrder.id } : {}) };
    }
    if (shop) {
      await recordAuditEvent(db, {
        shopId,
        actor,
        action: "production.auto.decided",
        subjectType: "Product",
        subjectId: productId,
        data: {
          opened: outcome.code === "opened",
          code: outcome.code,
          reason: outcome.reason ?? `tier ${product?.tier} is set to produce new products automatically and its plan has AI assets`,
          tier: product?.tier ?? null,
          autoProduceTiers: [...autoProduceTiers],
          ...(decision.produce ? { aiAssets: decision.aiAssets } : {}),
          ...(outcome.orderId ? { orderId: outcome.orderId } : {}),
        } satisfies Prisma.InputJsonValue,
      });
    }
    if (!draftUntilPublished) return { ...outcome, draftHold: "off" };
    return { ...outcome, draftHold: await holdIfProducing(db, admin, shopId, productId, outcome.orderId, actor) };
  });
}

/** A product deleted or a shop uninstalled while its order was being opened: that order is canceled like the rest of its work. */
async function cancelIfGoneMeanwhile(db: PrismaClient, shopId: string, productId: string, actor: string): Promise<void> {
  const [product, shop] = await Promise.all([db.product.findFirst({ where: { id: productId, shopId }, select: { id: true } }), db.shop.findUnique({ where: { id: shopId }, select: { uninstalledAt: true } })]);
  if (product && shop && !shop.uninstalledAt) return;
  await cancelOpenWork(db, shopId, { productId }, actor, { cancelAtProvider: cancelWithShopProvider(db, shopId), reason: "Canceled: the product was deleted or the app uninstalled while its order was opened." });
}

/**
 * The draft hold, for a product whose automatic order is open. A product is
 * held at most once (the audit trail says whether it was), so a late duplicate
 * delivery never puts a product back in DRAFT after its hold was released.
 */
async function holdIfProducing(db: PrismaClient, admin: AdminGraphqlClient, shopId: string, productId: string, orderId: string | undefined, actor: string): Promise<AutoProduceOutcome["draftHold"]> {
  if (!orderId) return "not-held";
  const order = await db.productionOrder.findUnique({ where: { id: orderId }, select: { status: true } });
  if (!order || !OPEN_ORDER_STATUSES.includes(order.status)) return "not-held";
  const heldBefore = await db.auditEvent.count({ where: { shopId, subjectType: "Product", subjectId: productId, action: "publishing.draft-hold.set" } });
  if (heldBefore > 0) return "not-held";
  try {
    return (await holdNewProductAsDraft(db, admin, shopId, productId, { actor })) ? "held" : "not-held";
  } catch (error) {
    if (error instanceof DraftHoldError) return "failed";
    throw error;
  }
}
