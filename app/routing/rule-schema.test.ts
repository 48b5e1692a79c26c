import { describe, expect, it } from "vitest";
import { parseRulesForm } from "./rule-schema";

const collections = new Set(["gid://shopify/Collection/1"]);
const form = (rules: unknown[], defaultTier: unknown = 3) => parseRulesForm({ defaultTier, rules }, collections);

describe("parseRulesForm", () => {
  it("accepts a valid rule set and converts prices to cents", () => {
    const parsed = form([
      { name: "Premium", tier: "1", enabled: true, conditions: { collectionIds: ["gid://shopify/Collection/1"] } },
      { name: "Cheap basics", tier: 3, enabled: false, conditions: { price: { on: "max", max: "29.9" }, tags: { mode: "none", values: ["premium"] }, titleContains: "  " } },
    ]);
    expect(parsed).toEqual({
      ok: true,
      defaultTier: 3,
      rules: [
        { name: "Premium", tier: 1, enabled: true, conditions: { collectionIds: ["gid://shopify/Collection/1"] } },
        { name: "Cheap basics", tier: 3, enabled: false, conditions: { price: { on: "max", maxCents: 2990 }, tags: { mode: "none", values: ["premium"] } } },
      ],
    });
  });

  it("refuses a rule with no conditions", () => {
    expect(form([{ name: "Everything", tier: 2, conditions: { titleContains: "" } }])).toEqual({
      ok: false,
      errors: { "rules.0.conditions": "add at least one condition: a rule without conditions would match every product" },
    });
  });

  it("refuses a minimum price above the maximum and a non-numeric price, naming the field", () => {
    const parsed = form([
      { name: "A", tier: 1, conditions: { price: { on: "min", min: "200", max: "100" } } },
      { name: "B", tier: 1, conditions: { price: { on: "min", min: "cheap" } } },
    ]);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors["rules.0.conditions.price.min"]).toBe("the minimum price must not be above the maximum");
    expect(parsed.errors["rules.1.conditions.price.min"]).toBe("must be a number such as 49.90");
  });

  it("refuses an unknown collection, a bad tier, a bad date and an empty name", () => {
    const unknown = form([{ name: "X", tier: 1, conditions: { collectionIds: ["gid://shopify/Collection/404"] } }]);
    expect(unknown).toEqual({ ok: false, errors: { "rules.0.conditions.collectionIds": expect.stringMatching(/^unknown collection gid:\/\/shopify\/Collection\/404/) } });
    const bad = form([{ name: " ", tier: 4, conditions: { createdAfter: "yesterday" } }], 0);
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors).toMatchObject({
      defaultTier: "choose tier 1, 2 or 3",
      "rules.0.name": "give the rule a name",
      "rules.0.tier": "choose tier 1, 2 or 3",
      "rules.0.conditions.createdAfter": "must be a date such as 2026-01-31",
    });
  });
});
