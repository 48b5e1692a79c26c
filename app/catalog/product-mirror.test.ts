import { describe, expect, it } from "vitest";
import { amountToCents, productNodeSchema, toMirrorProduct } from "./product-mirror";

describe("amountToCents", () => {
  it.each([
    ["12.50", 1250],
    ["12.5", 1250],
    ["9", 900],
    ["0.995", 100],
    ["899.99", 89999],
    ["-3.20", -320],
  ])("%s → %i", (amount, cents) => expect(amountToCents(amount)).toBe(cents));
  it("rejects what is not a decimal", () => {
    expect(() => amountToCents("12,50")).toThrow(/Not a decimal amount/);
  });
});

describe("toMirrorProduct", () => {
  const node = productNodeSchema.parse({
    id: "gid://shopify/Product/42",
    legacyResourceId: "42",
    title: "Linen Wrap Dress",
    handle: "linen-wrap-dress",
    productType: "Dresses",
    vendor: "Atelier Nord",
    status: "ACTIVE",
    tags: ["ss26", "linen", "ss26"],
    createdAt: "2026-03-01T10:00:00Z",
    updatedAt: "2026-03-02T10:00:00Z",
    priceRangeV2: { minVariantPrice: { amount: "89.0", currencyCode: "EUR" }, maxVariantPrice: { amount: "99.5", currencyCode: "EUR" } },
    variantsCount: { count: 2 },
    mediaCount: { count: 2 },
    variants: {
      nodes: [
        { id: "gid://shopify/ProductVariant/1", title: "Sand / S", sku: "AN-1-S", price: "89.00", position: 1, selectedOptions: [{ name: "Color", value: "Sand" }, { name: "Size", value: "S" }] },
        { id: "gid://shopify/ProductVariant/2", title: "Sand / M", sku: null, price: "99.50", position: 2, selectedOptions: [{ name: "Color", value: "Sand" }, { name: "Size", value: "M" }] },
      ],
    },
    collections: { nodes: [{ id: "gid://shopify/Collection/7", title: "SS26 Drop", handle: "ss26-drop" }] },
    media: {
      nodes: [
        { id: "gid://shopify/Video/9", alt: null, status: "READY", mediaContentType: "VIDEO", preview: { image: { url: "https://cdn.example/v.jpg", width: 10, height: 10 } } },
        { id: "gid://shopify/MediaImage/8", alt: "front", status: "READY", mediaContentType: "IMAGE", preview: { image: { url: "https://cdn.example/a.png", width: 800, height: 1000 } } },
      ],
    },
  });

  it("maps prices to cents, dedupes tags and keeps option values", () => {
    const mirror = toMirrorProduct(node);
    expect(mirror.minPriceCents).toBe(8900);
    expect(mirror.maxPriceCents).toBe(9950);
    expect(mirror.tags).toEqual(["ss26", "linen"]);
    expect(mirror.variants[0].options).toEqual({ Color: "Sand", Size: "S" });
    expect(mirror.variants[1].sku).toBeNull();
  });

  it("counts images only and features the first image, not a video preview", () => {
    const mirror = toMirrorProduct(node);
    expect(mirror.imageCount).toBe(1);
    expect(mirror.featuredImageUrl).toBe("https://cdn.example/a.png");
    expect(mirror.media.map((m) => m.position)).toEqual([1, 2]);
  });
});
