import type { MirrorProduct } from "../../app/catalog/product-mirror";

/** A mirror product with sensible defaults; ids are small numbers turned into GIDs. */
export function mirrorProduct(overrides: Partial<Omit<MirrorProduct, "id">> & { id: number }): MirrorProduct {
  const { id, ...rest } = overrides;
  const title = rest.title ?? `Product ${id}`;
  return {
    id: `gid://shopify/Product/${id}`,
    legacyId: String(id),
    title,
    handle: title.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
    productType: "Tops",
    vendor: "Atelier Nord",
    status: "ACTIVE",
    minPriceCents: 4900,
    maxPriceCents: 5900,
    currencyCode: "EUR",
    variantCount: 1,
    imageCount: 0,
    featuredImageUrl: null,
    shopifyCreatedAt: new Date("2026-01-01T00:00:00Z"),
    shopifyUpdatedAt: new Date("2026-01-02T00:00:00Z"),
    tags: [],
    collections: [],
    variants: [{ id: `gid://shopify/ProductVariant/${id}01`, title: "Default", sku: `SKU-${id}`, priceCents: 4900, options: { Size: "M" }, position: 1 }],
    media: [],
    ...rest,
  };
}
