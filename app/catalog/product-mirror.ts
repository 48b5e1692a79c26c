import { z } from "zod";

/** A product's own fields (PRODUCT_OWN_FIELDS), as both sync documents return them. */
export const productOwnFieldsSchema = z.object({
  id: z.string().startsWith("gid://shopify/Product/"),
  legacyResourceId: z.string(),
  title: z.string(),
  handle: z.string(),
  productType: z.string(),
  vendor: z.string(),
  status: z.string(),
  tags: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  priceRangeV2: z.object({
    minVariantPrice: z.object({ amount: z.string(), currencyCode: z.string() }),
    maxVariantPrice: z.object({ amount: z.string(), currencyCode: z.string() }),
  }),
  variantsCount: z.object({ count: z.number() }).nullable(),
});

/** A variant, collection and media node, as both sync documents return them. */
export const variantNodeSchema = z.object({
  id: z.string(),
  title: z.string(),
  sku: z.string().nullable(),
  price: z.string(),
  position: z.number(),
  selectedOptions: z.array(z.object({ name: z.string(), value: z.string() })),
});
export const collectionNodeSchema = z.object({ id: z.string(), title: z.string(), handle: z.string() });
export const mediaNodeSchema = z.object({
  id: z.string(),
  alt: z.string().nullable(),
  status: z.string(),
  mediaContentType: z.string(),
  preview: z.object({ image: z.object({ url: z.string(), width: z.number().nullable(), height: z.number().nullable() }).nullable() }).nullable(),
});

/** Shape of one product as CATALOG_PAGE_QUERY returns it (validated at the boundary). */
export const productNodeSchema = productOwnFieldsSchema.extend({
  mediaCount: z.object({ count: z.number() }).nullable(),
  variants: z.object({ nodes: z.array(variantNodeSchema) }),
  collections: z.object({ nodes: z.array(collectionNodeSchema) }),
  media: z.object({ nodes: z.array(mediaNodeSchema) }),
});

export type ProductNode = z.infer<typeof productNodeSchema>;

export const catalogPageSchema = z.object({
  products: z.object({
    nodes: z.array(productNodeSchema),
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
  }),
});

export interface MirrorProduct {
  id: string;
  legacyId: string;
  title: string;
  handle: string;
  productType: string;
  vendor: string;
  status: string;
  minPriceCents: number;
  maxPriceCents: number;
  currencyCode: string;
  variantCount: number;
  imageCount: number;
  featuredImageUrl: string | null;
  shopifyCreatedAt: Date;
  shopifyUpdatedAt: Date;
  tags: string[];
  collections: { id: string; title: string; handle: string }[];
  variants: { id: string; title: string; sku: string | null; priceCents: number; options: Record<string, string>; position: number }[];
  media: { id: string; position: number; contentType: string; status: string; alt: string | null; url: string | null; width: number | null; height: number | null }[];
}

/** "12.50" → 1250, exactly (no float rounding), for any decimal amount Shopify sends. */
export function amountToCents(amount: string): number {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!match) throw new Error(`Not a decimal amount: ${JSON.stringify(amount)}`);
  const [, sign, whole, fraction = ""] = match;
  const cents = Number(whole) * 100 + Number((fraction + "00").slice(0, 2)) + (Number(fraction.slice(2, 3) || "0") >= 5 ? 1 : 0);
  return sign === "-" ? -cents : cents;
}

/** Maps a validated Admin API product to the mirror's record. Pure. */
export function toMirrorProduct(node: ProductNode): MirrorProduct {
  const images = node.media.nodes.filter((m) => m.mediaContentType === "IMAGE");
  return {
    id: node.id,
    legacyId: node.legacyResourceId,
    title: node.title,
    handle: node.handle,
    productType: node.productType,
    vendor: node.vendor,
    status: node.status,
    minPriceCents: amountToCents(node.priceRangeV2.minVariantPrice.amount),
    maxPriceCents: amountToCents(node.priceRangeV2.maxVariantPrice.amount),
    currencyCode: node.priceRangeV2.minVariantPrice.currencyCode,
    variantCount: node.variantsCount?.count ?? node.variants.nodes.length,
    imageCount: images.length,
    featuredImageUrl: images[0]?.preview?.image?.url ?? null,
    shopifyCreatedAt: new Date(node.createdAt),
    shopifyUpdatedAt: new Date(node.updatedAt),
    tags: [...new Set(node.tags)],
    collections: node.collections.nodes,
    variants: node.variants.nodes.map(toMirrorVariant),
    media: node.media.nodes.map((m, index) => toMirrorMedia(m, index + 1)),
  };
}

export function toMirrorVariant(v: z.infer<typeof variantNodeSchema>): MirrorProduct["variants"][number] {
  return { id: v.id, title: v.title, sku: v.sku, priceCents: amountToCents(v.price), options: Object.fromEntries(v.selectedOptions.map((o) => [o.name, o.value])), position: v.position };
}

export function toMirrorMedia(m: z.infer<typeof mediaNodeSchema>, position: number): MirrorProduct["media"][number] {
  const image = m.preview?.image;
  return { id: m.id, position, contentType: m.mediaContentType, status: m.status, alt: m.alt, url: image?.url ?? null, width: image?.width ?? null, height: image?.height ?? null };
}
