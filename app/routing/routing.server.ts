import type { Prisma, PrismaClient } from "@prisma/client";
import { recordAuditEvent } from "../audit/audit.server";
import type { RuleDraft } from "./rule-schema";
import { compileRouter, type RoutableProduct, type RoutingDecision, type Router, type RuleConditions, type Tier, type TierRule } from "./tier-rules";

const BATCH = 2000;

/** The columns routing reads of a product (and its current decision). */
export const routableSelect = {
  id: true,
  title: true,
  productType: true,
  vendor: true,
  status: true,
  minPriceCents: true,
  maxPriceCents: true,
  shopifyCreatedAt: true,
  imageCount: true,
  pinnedTier: true,
  tier: true,
  tierSource: true,
  tierRuleId: true,
  tags: { select: { tag: true } },
  collections: { select: { collectionId: true } },
  variants: { select: { sku: true } },
} satisfies Prisma.ProductSelect;

type RoutableRow = Prisma.ProductGetPayload<{ select: typeof routableSelect }>;

const asTier = (value: number | null): Tier | null => (value === 1 || value === 2 || value === 3 ? value : null);

export function toRoutable(row: RoutableRow): RoutableProduct {
  return {
    id: row.id,
    title: row.title,
    productType: row.productType,
    vendor: row.vendor,
    status: row.status,
    minPriceCents: row.minPriceCents,
    maxPriceCents: row.maxPriceCents,
    tags: row.tags.map((t) => t.tag),
    collectionIds: row.collections.map((c) => c.collectionId),
    skus: row.variants.flatMap((v) => (v.sku ? [v.sku] : [])),
    createdAt: row.shopifyCreatedAt.getTime(),
    imageCount: row.imageCount,
    pinnedTier: asTier(row.pinnedTier),
  };
}

/** Streams the shop's products in id order, a batch at a time, so memory stays flat for any catalog size. */
async function* routableBatches(db: PrismaClient, shopId: string, where: Prisma.ProductWhereInput = {}): AsyncGenerator<RoutableRow[]> {
  let cursor: string | undefined;
  for (;;) {
    const rows = await db.product.findMany({
      where: { shopId, ...where, ...(cursor ? { id: { gt: cursor } } : {}) },
      select: routableSelect,
      orderBy: { id: "asc" },
      take: BATCH,
    });
    if (rows.length === 0) return;
    yield rows;
    cursor = rows[rows.length - 1].id;
    if (rows.length < BATCH) return;
  }
}

export async function loadRules(db: PrismaClient, shopId: string): Promise<{ rules: TierRule[]; defaultTier: Tier }> {
  const [rows, shop] = await Promise.all([
    db.tierRule.findMany({ where: { shopId }, orderBy: { position: "asc" } }),
    db.shop.findUnique({ where: { id: shopId }, select: { defaultTier: true } }),
  ]);
  return {
    rules: rows.map((r) => ({ id: r.id, name: r.name, enabled: r.enabled, tier: asTier(r.tier) ?? 3, conditions: r.conditions as RuleConditions })),
    defaultTier: asTier(shop?.defaultTier ?? 3) ?? 3,
  };
}

export type TierCounts = Record<Tier, number> & { unrouted: number };

const emptyCounts = (): TierCounts => ({ 1: 0, 2: 0, 3: 0, unrouted: 0 });
const sameDecision = (row: RoutableRow, d: RoutingDecision) => row.tier === d.tier && row.tierSource === d.source && row.tierRuleId === d.ruleId;

/** Writes changed decisions, grouped so one UPDATE serves every product that gets the same one. */
async function applyDecisions(db: PrismaClient, changes: { id: string; decision: RoutingDecision }[], routedAt: Date): Promise<void> {
  const groups = new Map<string, { decision: RoutingDecision; ids: string[] }>();
  for (const { id, decision } of changes) {
    const key = `${decision.tier}|${decision.source}|${decision.ruleId ?? ""}`;
    const group = groups.get(key) ?? { decision, ids: [] };
    group.ids.push(id);
    groups.set(key, group);
  }
  for (const { decision, ids } of groups.values()) {
    for (let i = 0; i < ids.length; i += 500) {
      await db.product.updateMany({
        where: { id: { in: ids.slice(i, i + 500) } },
        data: { tier: decision.tier, tierSource: decision.source, tierRuleId: decision.ruleId, routedAt },
      });
    }
  }
}

/** Routes the shop's products (all, or those matching `where`) with the saved rules; returns counts after. */
export async function rerouteProducts(db: PrismaClient, shopId: string, where: Prisma.ProductWhereInput = {}, router?: Router): Promise<{ counts: TierCounts; changed: number }> {
  const route = router ?? (await savedRouter(db, shopId));
  const counts = emptyCounts();
  let changed = 0;
  const routedAt = new Date();
  for await (const rows of routableBatches(db, shopId, where)) {
    const changes: { id: string; decision: RoutingDecision }[] = [];
    for (const row of rows) {
      const decision = route(toRoutable(row));
      counts[decision.tier]++;
      if (!sameDecision(row, decision)) changes.push({ id: row.id, decision });
    }
    await applyDecisions(db, changes, routedAt);
    changed += changes.length;
  }
  return { counts, changed };
}

async function savedRouter(db: PrismaClient, shopId: string): Promise<Router> {
  const { rules, defaultTier } = await loadRules(db, shopId);
  return compileRouter(rules, defaultTier);
}

/** Products per tier as stored now (products never routed count as unrouted). */
export async function tierCounts(db: PrismaClient, shopId: string): Promise<TierCounts> {
  const groups = await db.product.groupBy({ by: ["tier"], where: { shopId }, _count: { _all: true } });
  const counts = emptyCounts();
  for (const g of groups) {
    const tier = asTier(g.tier);
    if (tier) counts[tier] = g._count._all;
    else counts.unrouted += g._count._all;
  }
  return counts;
}

export interface RoutingPreview {
  before: TierCounts;
  after: TierCounts;
  moved: number;
  sample: { id: string; title: string; from: Tier | null; to: Tier; by: string }[];
}

/**
 * What saving these rules would change, computed without writing anything;
 * `moves` holds every product whose tier would change (for the studio-days
 * and AI-spend effect), and stays on the server.
 */
export async function previewRules(db: PrismaClient, shopId: string, rules: RuleDraft[], defaultTier: Tier, sampleSize = 20): Promise<RoutingPreview & { moves: Map<string, Tier> }> {
  const drafts: TierRule[] = rules.map((r, i) => ({ ...r, id: r.id ?? `draft-${i}` }));
  const names = new Map(drafts.map((r) => [r.id, r.name]));
  const router = compileRouter(drafts, defaultTier);
  const before = await tierCounts(db, shopId);
  const after = emptyCounts();
  const sample: RoutingPreview["sample"] = [];
  const moves = new Map<string, Tier>();
  let moved = 0;
  for await (const rows of routableBatches(db, shopId)) {
    for (const row of rows) {
      const decision = router(toRoutable(row));
      after[decision.tier]++;
      if (row.tier !== decision.tier) {
        moved++;
        moves.set(row.id, decision.tier);
        if (sample.length < sampleSize) {
          const by = decision.source === "rule" ? `rule “${names.get(decision.ruleId!)}”` : decision.source === "pin" ? "pinned by hand" : "default tier";
          sample.push({ id: row.id, title: row.title, from: asTier(row.tier), to: decision.tier, by });
        }
      }
    }
  }
  return { before, after, moved, sample, moves };
}

/** Replaces the shop's rules (order = priority) and default tier, re-routes the catalog, and audits before/after. */
export async function saveRules(db: PrismaClient, shopId: string, rules: RuleDraft[], defaultTier: Tier, actor: string): Promise<{ before: TierCounts; after: TierCounts; changed: number }> {
  const before = await tierCounts(db, shopId);
  const previous = await loadRules(db, shopId);
  await db.$transaction([
    db.tierRule.deleteMany({ where: { shopId } }),
    db.tierRule.createMany({
      data: rules.map((rule, position) => ({ ...(rule.id ? { id: rule.id } : {}), shopId, position, name: rule.name, enabled: rule.enabled, tier: rule.tier, conditions: rule.conditions as Prisma.InputJsonValue })),
    }),
    db.shop.update({ where: { id: shopId }, data: { defaultTier } }),
  ]);
  const { counts: after, changed } = await rerouteProducts(db, shopId);
  await recordAuditEvent(db, {
    shopId,
    actor,
    action: "routing.rules.saved",
    subjectType: "TierRules",
    data: {
      before,
      after,
      changed,
      defaultTier: { before: previous.defaultTier, after: defaultTier },
      rules: { before: previous.rules, after: rules },
    } as unknown as Prisma.InputJsonValue,
  });
  return { before, after, changed };
}

/** Pins (or, with null, unpins) products to a tier by hand, then re-routes them. */
export async function pinProducts(db: PrismaClient, shopId: string, productIds: string[], tier: Tier | null, actor: string): Promise<number> {
  const { count } = await db.product.updateMany({ where: { shopId, id: { in: productIds } }, data: { pinnedTier: tier } });
  await rerouteProducts(db, shopId, { id: { in: productIds } });
  await recordAuditEvent(db, { shopId, actor, action: tier === null ? "routing.unpinned" : "routing.pinned", subjectType: "Product", data: { productIds, tier } });
  return count;
}

