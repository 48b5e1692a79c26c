/**
 * Tier routing: an ordered list of merchant rules; the first enabled rule whose
 * conditions all hold decides the product's tier. A hand-set pin beats every
 * rule; the shop's default tier applies when nothing matches. Pure functions,
 * compiled once per rule set so routing a whole catalog is a tight loop.
 */

export const TIERS = [1, 2, 3] as const;
export type Tier = (typeof TIERS)[number];

export type TagMode = "any" | "all" | "none";
export type CountOp = "lt" | "lte" | "eq" | "gte" | "gt";

export interface RuleConditions {
  /** In at least one of these collections (GIDs). */
  collectionIds?: string[];
  tags?: { mode: TagMode; values: string[] };
  productTypes?: string[];
  vendors?: string[];
  /** On the product's minimum or maximum variant price, bounds inclusive, in cents. */
  price?: { on: "min" | "max"; minCents?: number; maxCents?: number };
  statuses?: string[];
  titleContains?: string;
  skuContains?: string;
  /** ISO date: created strictly after it. */
  createdAfter?: string;
  imageCount?: { op: CountOp; value: number };
}

export interface TierRule {
  id: string;
  name: string;
  enabled: boolean;
  tier: Tier;
  conditions: RuleConditions;
}

/** What routing needs of a product (from the mirror). */
export interface RoutableProduct {
  id: string;
  title: string;
  productType: string;
  vendor: string;
  status: string;
  minPriceCents: number;
  maxPriceCents: number;
  tags: readonly string[];
  collectionIds: readonly string[];
  skus: readonly string[];
  createdAt: number;
  imageCount: number;
  pinnedTier: Tier | null;
}

export type RoutingSource = "pin" | "rule" | "default";

export interface RoutingDecision {
  tier: Tier;
  source: RoutingSource;
  /** The rule that decided, when source is "rule". */
  ruleId: string | null;
}

/**
 * A product with its text fields lower-cased at most once, so rules compare
 * without re-casing per rule. Title and SKUs (checked last, rarely reached) are
 * cased only when a rule first asks for them.
 */
export class NormalizedProduct {
  readonly productType: string;
  readonly vendor: string;
  readonly tags: readonly string[];
  private lowerTitle: string | undefined;
  private lowerSkus: string[] | undefined;

  constructor(readonly product: RoutableProduct, needs: TextNeeds = ALL_TEXT) {
    this.productType = needs.productType ? product.productType.toLowerCase() : "";
    this.vendor = needs.vendor ? product.vendor.toLowerCase() : "";
    this.tags = needs.tags ? product.tags.map((t) => t.toLowerCase()) : EMPTY;
  }

  get title(): string {
    return (this.lowerTitle ??= this.product.title.toLowerCase());
  }

  get skus(): string[] {
    return (this.lowerSkus ??= this.product.skus.map((sku) => sku.toLowerCase()));
  }
}

const EMPTY: string[] = [];

/** Which text fields a rule set compares, so products are lower-cased only where it matters. */
export interface TextNeeds {
  productType: boolean;
  vendor: boolean;
  tags: boolean;
}

const ALL_TEXT: TextNeeds = { productType: true, vendor: true, tags: true };

type Predicate = (n: NormalizedProduct) => boolean;

const lowerSet = (values: readonly string[]) => new Set(values.map((v) => v.toLowerCase()));

function anyIn(values: readonly string[], set: Set<string>): boolean {
  for (const value of values) if (set.has(value)) return true;
  return false;
}

const COUNT_OPS: Record<CountOp, (a: number, b: number) => boolean> = {
  lt: (a, b) => a < b,
  lte: (a, b) => a <= b,
  eq: (a, b) => a === b,
  gte: (a, b) => a >= b,
  gt: (a, b) => a > b,
};

/** Turns one rule's conditions into predicates, cheapest and most selective first. Text comparisons ignore case. */
export function compileConditions(conditions: RuleConditions): Predicate[] {
  const predicates: Predicate[] = [];
  if (conditions.vendors?.length) {
    const vendors = lowerSet(conditions.vendors);
    predicates.push((n) => vendors.has(n.vendor));
  }
  if (conditions.productTypes?.length) {
    const types = lowerSet(conditions.productTypes);
    predicates.push((n) => types.has(n.productType));
  }
  if (conditions.statuses?.length) {
    const statuses = new Set(conditions.statuses.map((s) => s.toUpperCase()));
    predicates.push((n) => statuses.has(n.product.status));
  }
  if (conditions.price) {
    const { on, minCents = -Infinity, maxCents = Infinity } = conditions.price;
    predicates.push(
      on === "min"
        ? (n) => n.product.minPriceCents >= minCents && n.product.minPriceCents <= maxCents
        : (n) => n.product.maxPriceCents >= minCents && n.product.maxPriceCents <= maxCents,
    );
  }
  if (conditions.imageCount) {
    const { op, value } = conditions.imageCount;
    const compare = COUNT_OPS[op];
    predicates.push((n) => compare(n.product.imageCount, value));
  }
  if (conditions.createdAfter) {
    const after = Date.parse(conditions.createdAfter);
    predicates.push((n) => n.product.createdAt > after);
  }
  if (conditions.collectionIds?.length) {
    const collections = new Set(conditions.collectionIds);
    predicates.push((n) => anyIn(n.product.collectionIds, collections));
  }
  if (conditions.tags?.values.length) {
    const { mode, values } = conditions.tags;
    const tags = lowerSet(values);
    if (mode === "any") predicates.push((n) => anyIn(n.tags, tags));
    else if (mode === "none") predicates.push((n) => !anyIn(n.tags, tags));
    else
      predicates.push((n) => {
        let found = 0;
        for (const tag of n.tags) if (tags.has(tag)) found++;
        return found >= tags.size;
      });
  }
  if (conditions.titleContains) {
    const needle = conditions.titleContains.toLowerCase();
    predicates.push((n) => n.title.includes(needle));
  }
  if (conditions.skuContains) {
    const needle = conditions.skuContains.toLowerCase();
    predicates.push((n) => n.skus.some((sku) => sku.includes(needle)));
  }
  return predicates;
}

export type Router = (product: RoutableProduct) => RoutingDecision;

/** Compiles the ordered rules once; the returned function routes one product. */
export function compileRouter(rules: readonly TierRule[], defaultTier: Tier): Router {
  const compiled = rules
    .filter((rule) => rule.enabled)
    .map((rule) => ({ decision: { tier: rule.tier, source: "rule" as const, ruleId: rule.id }, predicates: compileConditions(rule.conditions) }))
    // A rule without conditions would match everything; validation refuses it, routing ignores it.
    .filter((rule) => rule.predicates.length > 0);
  const active = rules.filter((rule) => rule.enabled).map((rule) => rule.conditions);
  const needs: TextNeeds = {
    productType: active.some((c) => c.productTypes?.length),
    vendor: active.some((c) => c.vendors?.length),
    tags: active.some((c) => c.tags?.values.length),
  };
  const fallback: RoutingDecision = { tier: defaultTier, source: "default", ruleId: null };
  const pins = new Map(TIERS.map((tier) => [tier, { tier, source: "pin" as const, ruleId: null }]));
  return (product) => {
    if (product.pinnedTier !== null) return pins.get(product.pinnedTier)!;
    const normalized = new NormalizedProduct(product, needs);
    outer: for (const rule of compiled) {
      for (const predicate of rule.predicates) if (!predicate(normalized)) continue outer;
      return rule.decision;
    }
    return fallback;
  };
}

/** Routes many products; counts per tier come along for previews and audit records. */
export function routeProducts(products: Iterable<RoutableProduct>, router: Router): { decisions: Map<string, RoutingDecision>; counts: Record<Tier, number> } {
  const decisions = new Map<string, RoutingDecision>();
  const counts: Record<Tier, number> = { 1: 0, 2: 0, 3: 0 };
  for (const product of products) {
    const decision = router(product);
    decisions.set(product.id, decision);
    counts[decision.tier]++;
  }
  return { decisions, counts };
}
