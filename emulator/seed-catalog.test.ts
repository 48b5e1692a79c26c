import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { renderFlatLay, FLAT_LAY_HEIGHT, FLAT_LAY_WIDTH } from "./render-flat-lay";
import { generateCatalog, PALETTE, seedCollections } from "./seed-catalog";

describe("seeded demo catalog", () => {
  const catalog = generateCatalog({ seed: 2026, count: 500 });

  it("is identical for the same seed and different for another", () => {
    expect(generateCatalog({ seed: 2026, count: 500 })).toEqual(catalog);
    expect(generateCatalog({ seed: 7, count: 50 }).map((p) => p.title)).not.toEqual(catalog.slice(0, 50).map((p) => p.title));
  });

  it("covers every product type, collection and the 9–900 price range", () => {
    expect(new Set(catalog.map((p) => p.productType))).toEqual(new Set(["Tops", "Dresses", "Denim", "Knitwear", "Outerwear", "Swimwear", "Accessories"]));
    const collectionIds = new Set(catalog.flatMap((p) => p.collectionIds));
    for (const c of seedCollections()) expect(collectionIds.has(c.id), c.title).toBe(true);
    const prices = catalog.flatMap((p) => p.variants.map((v) => Number(v.price)));
    expect(Math.min(...prices)).toBeGreaterThanOrEqual(9);
    expect(Math.max(...prices)).toBeLessThanOrEqual(910);
    expect(Math.max(...prices)).toBeGreaterThan(500);
    expect(new Set(catalog.map((p) => p.vendor)).size).toBeGreaterThanOrEqual(10);
  });

  it("gives unique handles and SKUs", () => {
    expect(new Set(catalog.map((p) => p.handle)).size).toBe(500);
    const skus = catalog.flatMap((p) => p.variants.map((v) => v.sku));
    expect(new Set(skus).size).toBe(skus.length);
  });

  it("scales to 50,000 products without rendering images", () => {
    const big = generateCatalog({ seed: 1, count: 50_000 });
    expect(big).toHaveLength(50_000);
    expect(big[49_999].id).toBe(big[0].id + 49_999);
  });

  it("renders flat-lays whose garment pixels are exactly the truth's primary colour", async () => {
    const product = catalog.find((p) => p.flatLay.pattern === "solid" && p.flatLay.silhouette === "dress")!;
    const png = await renderFlatLay(product.flatLay);
    const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([FLAT_LAY_WIDTH, FLAT_LAY_HEIGHT]);
    const pixel = (x: number, y: number) => `#${[0, 1, 2].map((c) => data[(y * info.width + x) * 3 + c].toString(16).padStart(2, "0")).join("")}`;
    expect(pixel(400, 600)).toBe(product.flatLay.primary.hex); // inside the skirt
    expect(pixel(20, 20)).toBe(product.flatLay.background); // the backdrop
    expect(PALETTE.map((c) => c.hex)).toContain(product.flatLay.primary.hex);
  });
});
