import { describe, expect, it } from "vitest";
import { compileRouter, routeProducts, type RoutableProduct, type RuleConditions, type TierRule } from "./tier-rules";

const product = (overrides: Partial<RoutableProduct> = {}): RoutableProduct => ({
  id: "p1",
  title: "Linen Wrap Dress",
  productType: "Dresses",
  vendor: "Atelier Nord",
  status: "ACTIVE",
  minPriceCents: 8900,
  maxPriceCents: 9900,
  tags: ["ss26", "Linen"],
  collectionIds: ["gid://shopify/Collection/1"],
  skus: ["AN-DRS-001-S", "AN-DRS-001-M"],
  createdAt: Date.parse("2026-03-01T00:00:00Z"),
  imageCount: 1,
  pinnedTier: null,
  ...overrides,
});

let next = 0;
const rule = (tier: 1 | 2 | 3, conditions: RuleConditions, extra: Partial<TierRule> = {}): TierRule => ({ id: `r${++next}`, name: `rule ${next}`, enabled: true, tier, conditions, ...extra });
const matches = (conditions: RuleConditions, p = product()) => compileRouter([rule(1, conditions)], 3)(p).source === "rule";

describe("rule conditions", () => {
  it("collection: in any of the listed collections", () => {
    expect(matches({ collectionIds: ["gid://shopify/Collection/9", "gid://shopify/Collection/1"] })).toBe(true);
    expect(matches({ collectionIds: ["gid://shopify/Collection/9"] })).toBe(false);
  });

  it("tags: any / all / none, ignoring case", () => {
    expect(matches({ tags: { mode: "any", values: ["LINEN", "sale"] } })).toBe(true);
    expect(matches({ tags: { mode: "all", values: ["ss26", "linen"] } })).toBe(true);
    expect(matches({ tags: { mode: "all", values: ["ss26", "sale"] } })).toBe(false);
    expect(matches({ tags: { mode: "none", values: ["sale"] } })).toBe(true);
    expect(matches({ tags: { mode: "none", values: ["ss26"] } })).toBe(false);
  });

  it("product type, vendor and status, ignoring case", () => {
    expect(matches({ productTypes: ["dresses", "Tops"] })).toBe(true);
    expect(matches({ vendors: ["atelier nord"] })).toBe(true);
    expect(matches({ vendors: ["Kiyo"] })).toBe(false);
    expect(matches({ statuses: ["active"] })).toBe(true);
    expect(matches({ statuses: ["DRAFT"] })).toBe(false);
  });

  it("price range on the minimum or maximum variant price, bounds inclusive", () => {
    expect(matches({ price: { on: "min", minCents: 8900, maxCents: 8900 } })).toBe(true);
    expect(matches({ price: { on: "max", minCents: 9901 } })).toBe(false);
    expect(matches({ price: { on: "max", maxCents: 9900 } })).toBe(true);
    expect(matches({ price: { on: "min", minCents: 25000 } })).toBe(false);
  });

  it("title and SKU contain, created after, and image count", () => {
    expect(matches({ titleContains: "wrap" })).toBe(true);
    expect(matches({ skuContains: "drs-001-m" })).toBe(true);
    expect(matches({ skuContains: "XL" })).toBe(false);
    expect(matches({ createdAfter: "2026-02-28" })).toBe(true);
    expect(matches({ createdAfter: "2026-03-01T00:00:00Z" })).toBe(false);
    expect(matches({ imageCount: { op: "eq", value: 0 } })).toBe(false);
    expect(matches({ imageCount: { op: "lt", value: 2 } })).toBe(true);
  });

  it("joins conditions with AND", () => {
    expect(matches({ productTypes: ["Dresses"], tags: { mode: "any", values: ["sale"] } })).toBe(false);
    expect(matches({ productTypes: ["Dresses"], tags: { mode: "any", values: ["ss26"] }, price: { on: "min", maxCents: 10_000 } })).toBe(true);
  });
});

describe("compileRouter", () => {
  const premium = rule(1, { collectionIds: ["gid://shopify/Collection/1"] });
  const dresses = rule(2, { productTypes: ["Dresses"] });
  const cheap = rule(3, { price: { on: "max", maxCents: 2000 } });

  it("lets the first matching rule decide (order breaks ties)", () => {
    expect(compileRouter([premium, dresses], 3)(product())).toEqual({ tier: 1, source: "rule", ruleId: premium.id });
    expect(compileRouter([dresses, premium], 3)(product())).toEqual({ tier: 2, source: "rule", ruleId: dresses.id });
  });

  it("skips disabled rules and rules without conditions", () => {
    const disabled = { ...premium, enabled: false };
    const empty = rule(1, {});
    expect(compileRouter([disabled, empty, dresses], 3)(product())).toEqual({ tier: 2, source: "rule", ruleId: dresses.id });
  });

  it("falls back to the default tier when nothing matches", () => {
    expect(compileRouter([cheap], 2)(product())).toEqual({ tier: 2, source: "default", ruleId: null });
  });

  it("a pin beats every rule and survives rule changes", () => {
    const pinned = product({ pinnedTier: 3 });
    expect(compileRouter([premium], 1)(pinned)).toEqual({ tier: 3, source: "pin", ruleId: null });
    expect(compileRouter([dresses, cheap], 2)(pinned)).toEqual({ tier: 3, source: "pin", ruleId: null });
  });

  it("routes a catalog and counts per tier", () => {
    const products = [product({ id: "a" }), product({ id: "b", collectionIds: [] }), product({ id: "c", collectionIds: [], productType: "Tops" }), product({ id: "d", pinnedTier: 3 })];
    const { decisions, counts } = routeProducts(products, compileRouter([premium, dresses], 2));
    expect(counts).toEqual({ 1: 1, 2: 2, 3: 1 });
    expect(decisions.get("b")).toEqual({ tier: 2, source: "rule", ruleId: dresses.id });
    expect(decisions.get("c")).toEqual({ tier: 2, source: "default", ruleId: null });
  });
});
