import { describe, expect, it } from "vitest";
import { generateCatalog } from "../../emulator/seed-catalog";
import { categoryForProduct, DEFAULT_CATEGORIES, defaultRecipeSpec, parseGarmentCategories } from "./garment-category";
import { recipeSpecSchema, VIEW_ASSET_KINDS } from "./recipe-spec";

describe("categoryForProduct", () => {
  it("matches the product type case-insensitively, in category order", () => {
    expect(categoryForProduct(DEFAULT_CATEGORIES, { productType: "dresses", tags: [] })).toBe("dresses");
    expect(categoryForProduct(DEFAULT_CATEGORIES, { productType: " Denim ", tags: [] })).toBe("bottoms");
    const overlapping = [
      { key: "first", productTypes: ["Tops"], tags: [] },
      { key: "second", productTypes: ["tops"], tags: [] },
    ];
    expect(categoryForProduct(overlapping, { productType: "TOPS", tags: [] })).toBe("first");
  });

  it("matches tags when the type does not, and returns null when nothing matches", () => {
    expect(categoryForProduct(DEFAULT_CATEGORIES, { productType: "Loungewear", tags: ["Category:Knitwear"] })).toBe("knitwear");
    expect(categoryForProduct(DEFAULT_CATEGORIES, { productType: "Loungewear", tags: ["cosy"] })).toBeNull();
    expect(categoryForProduct(DEFAULT_CATEGORIES, { productType: "", tags: [] })).toBeNull();
  });

  it("maps every product type of the demo catalog to a category", () => {
    const types = new Set(generateCatalog({ seed: 2026, count: 500 }).map((p) => p.productType));
    expect(types.size).toBeGreaterThan(5);
    for (const productType of types) expect(categoryForProduct(DEFAULT_CATEGORIES, { productType, tags: [] }), productType).not.toBeNull();
  });
});

describe("parseGarmentCategories", () => {
  it("accepts the defaults and refuses duplicate keys, empty names and categories that match nothing", () => {
    expect(parseGarmentCategories(DEFAULT_CATEGORIES).ok).toBe(true);
    const result = parseGarmentCategories([
      { key: "tops", name: "Tops", productTypes: ["Tops"], tags: [] },
      { key: "tops", name: " ", productTypes: [], tags: [] },
      { key: "Bad Key", name: "X", productTypes: [], tags: ["x"] },
    ]);
    expect(result).toEqual({
      ok: false,
      errors: {
        "categories.1.name": "give the category a name",
        "categories.1.productTypes": "list at least one product type or tag, or the category matches nothing",
        "categories.1.key": "the key tops is used twice: give each category its own key",
        "categories.2.key": "use 1-40 lowercase letters, digits or dashes, e.g. tops or wide-leg",
      },
    });
    expect(parseGarmentCategories([])).toEqual({ ok: false, errors: { categories: "keep at least one category: products that match none use the first" } });
  });
});

describe("defaultRecipeSpec", () => {
  it("is a valid spec in both modes, with one view per image asset kind", () => {
    for (const key of DEFAULT_CATEGORIES.map((c) => c.key)) {
      for (const demo of [true, false]) {
        const spec = defaultRecipeSpec(key, { demo });
        expect(recipeSpecSchema.parse(spec)).toEqual(spec);
        expect(spec.views.map((v) => v.asset)).toEqual([...VIEW_ASSET_KINDS]);
      }
    }
  });

  it("uses the local demo provider only in demo mode", () => {
    const demo = defaultRecipeSpec("tops", { demo: true });
    expect([demo.provider, demo.model, demo.operation, demo.video?.provider, demo.video?.model, demo.video?.durationSeconds]).toEqual(["demo", "demo-compose", "try-on", "demo", "demo-zoom-pan", 3]);
    const real = defaultRecipeSpec("tops", { demo: false });
    expect([real.provider, real.model, real.video?.provider, real.video?.model, real.video?.durationSeconds]).toEqual(["fashn", "tryon-v1.6", "fal", "fal-ai/kling-video/v2.1/standard/image-to-video", 5]);
    expect(real.candidatesPerView).toBe(3);
    expect(defaultRecipeSpec("accessories", { demo: false }).promptTemplate).toContain("carried by the brand model");
  });
});
