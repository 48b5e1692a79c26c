import { describe, expect, it } from "vitest";
import type { RuleConditions } from "../routing/tier-rules";
import { changedRoutingFields, fieldsReadByRules, ROUTING_FIELDS, type RoutingInputs } from "./product-refresh.server";

const dress: RoutingInputs = {
  title: "Linen Wrap Dress",
  productType: "Dresses",
  vendor: "Atelier Nord",
  status: "ACTIVE",
  minPriceCents: 8900,
  maxPriceCents: 9900,
  tags: ["linen", "summer"],
  collectionIds: ["gid://shopify/Collection/1", "gid://shopify/Collection/2"],
  skus: ["LWD-S", "LWD-M"],
  createdAt: Date.parse("2026-11-01T00:00:00Z"),
  imageCount: 1,
};

const rule = (conditions: RuleConditions, enabled = true) => ({ enabled, conditions });

describe("which product changes can change a routing decision", () => {
  it("lists every routing field that changed; order of tags, collections and SKUs does not count", () => {
    expect(changedRoutingFields(dress, { ...dress, tags: ["summer", "linen"], collectionIds: [...dress.collectionIds].reverse(), skus: ["LWD-M", "LWD-S"] })).toEqual([]);
    expect(
      changedRoutingFields(dress, {
        title: "Linen Wrap Dress II",
        productType: "Tops",
        vendor: "Other",
        status: "DRAFT",
        minPriceCents: 8900,
        maxPriceCents: 12900,
        tags: ["linen"],
        collectionIds: ["gid://shopify/Collection/1"],
        skus: ["LWD-S", "LWD-M", "LWD-L"],
        createdAt: dress.createdAt + 1,
        imageCount: 2,
      }),
    ).toEqual([...ROUTING_FIELDS]);
    expect(changedRoutingFields(dress, { ...dress, imageCount: 3 })).toEqual(["imageCount"]);
    expect(changedRoutingFields(dress, { ...dress, minPriceCents: 100 })).toEqual(["price"]);
  });

  it("knows which fields the enabled rules read, and that disabled rules read none", () => {
    expect(fieldsReadByRules([])).toEqual(new Set());
    expect(fieldsReadByRules([rule({ tags: { mode: "any", values: ["linen"] } }), rule({ price: { on: "min", minCents: 100 }, vendors: ["Atelier Nord"] })])).toEqual(new Set(["tags", "price", "vendor"]));
    expect(fieldsReadByRules([rule({ imageCount: { op: "lt", value: 2 } }, false)])).toEqual(new Set());
    expect(
      fieldsReadByRules([
        rule({ titleContains: "linen", skuContains: "LWD", productTypes: ["Dresses"], statuses: ["ACTIVE"], collectionIds: ["gid://shopify/Collection/1"], createdAfter: "2026-01-01", imageCount: { op: "eq", value: 0 } }),
      ]),
    ).toEqual(new Set(["title", "skus", "productType", "status", "collections", "createdAt", "imageCount"]));
    // Empty lists match nothing and read nothing (the engine skips them too).
    expect(fieldsReadByRules([rule({ tags: { mode: "all", values: [] }, productTypes: [], vendors: [], collectionIds: [], statuses: [] })])).toEqual(new Set());
  });

  it("so a media write (image count) re-routes only for a shop whose rules count images", () => {
    const changed = changedRoutingFields(dress, { ...dress, imageCount: 5 });
    expect(changed.filter((f) => fieldsReadByRules([rule({ tags: { mode: "any", values: ["linen"] } })]).has(f))).toEqual([]);
    expect(changed.filter((f) => fieldsReadByRules([rule({ imageCount: { op: "lt", value: 3 } })]).has(f))).toEqual(["imageCount"]);
  });
});
