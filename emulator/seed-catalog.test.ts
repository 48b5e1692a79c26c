import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { flatLaySvg, renderFlatLay, FLAT_LAY_HEIGHT, FLAT_LAY_WIDTH } from "./render-flat-lay";
import { generateCatalog, generateProduct, PALETTE, seedCollections } from "./seed-catalog";

describe("seeded demo catalog", () => {
  const catalog = generateCatalog({ seed: 2026, count: 500 });

  it("is identical for the same seed, different for another, and product i does not depend on the count", () => {
    expect(generateCatalog({ seed: 2026, count: 500 })).toEqual(catalog);
    expect(generateCatalog({ seed: 7, count: 50 }).map((p) => p.title)).not.toEqual(catalog.slice(0, 50).map((p) => p.title));
    expect(generateProduct(2026, 321)).toEqual(catalog[321]);
  });

  it("covers every product type, collection and vendor, within the 9–900 price range", () => {
    expect(new Set(catalog.map((p) => p.productType))).toEqual(new Set(["Tops", "Dresses", "Denim", "Knitwear", "Outerwear", "Swimwear", "Accessories"]));
    const collectionIds = new Set(catalog.flatMap((p) => p.collectionIds));
    for (const c of seedCollections()) expect(collectionIds.has(c.id), c.title).toBe(true);
    expect(seedCollections().map((c) => c.title)).toEqual(expect.arrayContaining(["Core", "SS26 Drop", "Sale", "Premium", "Dresses"]));
    const prices = catalog.flatMap((p) => p.variants.map((v) => Number(v.price)));
    expect(Math.min(...prices)).toBeGreaterThanOrEqual(9);
    expect(Math.max(...prices)).toBeLessThanOrEqual(910);
    expect(Math.max(...prices)).toBeGreaterThan(500);
    expect(new Set(catalog.map((p) => p.vendor)).size).toBeGreaterThanOrEqual(10);
  });

  it("prices accessories below outerwear and keeps each product's variants close together", () => {
    const median = (type: string) => {
      const values = catalog.filter((p) => p.productType === type).map((p) => Number(p.variants[0].price)).sort((a, b) => a - b);
      return values[Math.floor(values.length / 2)];
    };
    expect(median("Accessories")).toBeLessThan(median("Outerwear"));
    for (const p of catalog) {
      const values = p.variants.map((v) => Number(v.price));
      expect(Math.max(...values) - Math.min(...values), p.title).toBeLessThan(11);
    }
  });

  it("gives unique handles and SKUs in the SL-TYPE-NUMBER-COLOUR-SIZE form", () => {
    expect(new Set(catalog.map((p) => p.handle)).size).toBe(500);
    const skus = catalog.flatMap((p) => p.variants.map((v) => v.sku));
    expect(new Set(skus).size).toBe(skus.length);
    for (const sku of skus) expect(sku).toMatch(/^SL-(TOP|DRS|DNM|KNT|OUT|SWM|ACC)-\d{5}-[A-Z]{3}-[A-Z0-9]+$/);
    const black = catalog.flatMap((p) => p.variants).find((v) => v.options.Color === "Black");
    expect(black?.sku).toMatch(/-BLK-/);
  });

  it("is mostly active, with some drafts and archived products, created over the past year", () => {
    const statuses = catalog.map((p) => p.status);
    expect(statuses.filter((s) => s === "ACTIVE").length).toBeGreaterThan(350);
    expect(statuses).toContain("DRAFT");
    expect(statuses).toContain("ARCHIVED");
    const created = catalog.map((p) => Date.parse(p.createdAt));
    expect(Math.max(...created) - Math.min(...created)).toBeGreaterThan(300 * 24 * 3600 * 1000);
    for (const p of catalog) expect(Date.parse(p.updatedAt)).toBeGreaterThanOrEqual(Date.parse(p.createdAt));
  });

  it("scales to 50,000 products without rendering images", () => {
    const big = generateCatalog({ seed: 1, count: 50_000 });
    expect(big).toHaveLength(50_000);
    expect(big[49_999].id).toBe(big[0].id + 49_999);
    expect(new Set(big.map((p) => p.handle)).size).toBe(50_000);
  });

  it("renders flat-lays whose garment pixels are exactly the truth's primary colour", async () => {
    const product = catalog.find((p) => p.flatLay.pattern === "solid" && p.flatLay.silhouette === "dress")!;
    const png = await renderFlatLay(product.flatLay);
    expect(await renderFlatLay(product.flatLay)).toEqual(png);
    const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([FLAT_LAY_WIDTH, FLAT_LAY_HEIGHT]);
    const pixel = (x: number, y: number) => `#${[0, 1, 2].map((c) => data[(y * info.width + x) * 3 + c].toString(16).padStart(2, "0")).join("")}`;
    expect(pixel(400, 600)).toBe(product.flatLay.primary.hex); // inside the skirt
    expect(pixel(20, 20)).toBe(product.flatLay.background); // the backdrop
    expect(PALETTE.map((c) => c.hex)).toContain(product.flatLay.primary.hex);
  });

  it("draws patterns in the primary and secondary colours", () => {
    const striped = catalog.find((p) => p.flatLay.pattern === "stripes")!;
    const svg = flatLaySvg(striped.flatLay);
    expect(svg).toContain(striped.flatLay.primary.hex);
    expect(svg).toContain(striped.flatLay.secondary.hex);
    expect(striped.flatLay.secondary.hex).not.toBe(striped.flatLay.primary.hex);
  });
});
