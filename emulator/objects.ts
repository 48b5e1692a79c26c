import { connection, type ConnectionArgs } from "./connection";
import { mediaUrl } from "./media";
import { hasMetafieldsFields } from "./metafields";
import { matchesSearch, parseSearchQuery, unknownFields, withoutUnknownFields, type FieldValue } from "./query-filter";
import { gid, type EmulatorStore, type MediaRecord, type ProductRecord, type ShopState, type VariantRecord } from "./store";
import type { SeedCollection } from "./seed-catalog";

/**
 * Plain JS objects in the schema's shapes, with `__typename` so graphql's
 * default type resolver handles interfaces and unions. A field with arguments
 * (or one that is costly to build) is a function the field resolver calls.
 * Fields absent here answer "not implemented".
 */

export interface ApiContext {
  store: EmulatorStore;
  shop: ShopState;
  baseUrl: string;
  /** Inside a bulk operation: connections return every node. */
  bulk?: boolean;
  /** Search warnings for `extensions.search` (unknown filter fields). */
  searchWarnings: SearchWarning[];
}

export interface SearchWarning {
  path: string[];
  query: string;
  warnings: { field: string; message: string }[];
}

const count = (n: number) => ({ __typename: "Count", count: n, precision: "EXACT" });
const money = (amount: string, currencyCode: string) => ({ __typename: "MoneyV2", amount, currencyCode });

function imageObject(ctx: ApiContext, media: MediaRecord) {
  if (media.status !== "READY" || media.kind !== "IMAGE") return null;
  const url = mediaUrl(ctx.baseUrl, ctx.shop.domain, media);
  return {
    __typename: "Image",
    id: gid("ImageSource", media.id),
    // Transforms are not applied: the original is served whatever was asked.
    url: () => url,
    src: url,
    originalSrc: url,
    transformedSrc: () => url,
    altText: media.alt,
    width: media.width,
    height: media.height,
    thumbhash: null,
  };
}

export function mediaObject(ctx: ApiContext, media: MediaRecord) {
  const errors = media.errors.map((e) => ({ __typename: "MediaError", ...e }));
  const common = {
    alt: media.alt,
    status: media.status,
    mediaContentType: media.kind,
    mediaErrors: errors,
    mediaWarnings: [],
    fileStatus: media.status,
    fileErrors: media.errors.map((e) => ({ __typename: "FileError", ...e })),
    createdAt: media.createdAt,
    updatedAt: media.updatedAt,
  };
  if (media.kind === "VIDEO") {
    const source = media.status === "READY" ? { __typename: "VideoSource", url: mediaUrl(ctx.baseUrl, ctx.shop.domain, media), mimeType: "video/mp4", format: "mp4", height: media.height ?? 0, width: media.width ?? 0, fileSize: media.bytes?.length ?? null } : null;
    return {
      __typename: "Video",
      id: gid("Video", media.id),
      ...common,
      filename: media.filename,
      duration: null,
      // The emulator does not render video posters.
      preview: { __typename: "MediaPreviewImage", status: media.status, image: null },
      sources: source ? [source] : [],
      originalSource: source,
    };
  }
  const image = imageObject(ctx, media);
  return {
    __typename: "MediaImage",
    id: gid("MediaImage", media.id),
    ...common,
    mimeType: media.mimeType,
    image,
    preview: { __typename: "MediaPreviewImage", status: media.status, image },
    originalSource: { __typename: "MediaImageOriginalSource", fileSize: media.bytes?.length ?? null, url: mediaUrl(ctx.baseUrl, ctx.shop.domain, media) },
    ...hasMetafieldsFields(ctx, gid("MediaImage", media.id)),
  };
}

export function variantObject(ctx: ApiContext, product: ProductRecord, variant: VariantRecord) {
  const media = () => ctx.store.variantMedia(variant);
  return {
    __typename: "ProductVariant",
    id: gid("ProductVariant", variant.id),
    legacyResourceId: String(variant.id),
    title: variant.title,
    displayName: `${product.title} - ${variant.title}`,
    sku: variant.sku,
    price: variant.price,
    compareAtPrice: null,
    position: variant.position,
    barcode: null,
    availableForSale: product.status === "ACTIVE",
    inventoryQuantity: 0,
    createdAt: product.createdAt,
    updatedAt: product.updatedAt,
    selectedOptions: Object.entries(variant.options).map(([name, value]) => ({ __typename: "SelectedOption", name, value })),
    product: () => productObject(ctx, product),
    // What productVariantAppendMedia put there (media of the product; one in practice).
    media: (args: ConnectionArgs) => connection(media(), args, { keyOf: (m) => String(m.id), toNode: (m) => mediaObject(ctx, m), bulk: ctx.bulk }),
    // The variant's featured image: its first media, when that is a ready image.
    image: () => {
      const first = media()[0];
      return first ? imageObject(ctx, first) : null;
    },
    ...hasMetafieldsFields(ctx, gid("ProductVariant", variant.id)),
  };
}

export function collectionObject(ctx: ApiContext, collection: SeedCollection) {
  const products = () => [...ctx.shop.products.values()].filter((p) => p.collectionIds.includes(collection.id));
  return {
    __typename: "Collection",
    id: gid("Collection", collection.id),
    legacyResourceId: String(collection.id),
    title: collection.title,
    handle: collection.handle,
    description: "",
    descriptionHtml: "",
    updatedAt: "2026-01-01T00:00:00Z",
    productsCount: () => count(products().length),
    hasProduct: ({ id }: { id: string }) => products().some((p) => gid("Product", p.id) === id),
    products: (args: ConnectionArgs) => connection(products(), args, { keyOf: (p) => String(p.id), toNode: (p) => productObject(ctx, p), bulk: ctx.bulk }),
  };
}

export function productObject(ctx: ApiContext, product: ProductRecord) {
  const prices = product.variants.map((v) => Number(v.price));
  const min = product.variants[prices.indexOf(Math.min(...prices))]?.price ?? "0.00";
  const max = product.variants[prices.indexOf(Math.max(...prices))]?.price ?? "0.00";
  const media = () => ctx.store.productMedia(product);
  const description = product.descriptionHtml.replace(/<[^>]+>/g, "");
  return {
    __typename: "Product",
    id: gid("Product", product.id),
    legacyResourceId: String(product.id),
    title: product.title,
    handle: product.handle,
    description: ({ truncateAt }: { truncateAt?: number | null }) => (truncateAt != null && description.length > truncateAt ? `${description.slice(0, Math.max(0, truncateAt - 3))}...` : description),
    descriptionHtml: product.descriptionHtml,
    productType: product.productType,
    vendor: product.vendor,
    tags: product.tags,
    status: product.status,
    createdAt: product.createdAt,
    updatedAt: product.updatedAt,
    publishedAt: product.status === "ACTIVE" ? product.createdAt : null,
    onlineStoreUrl: null,
    templateSuffix: null,
    isGiftCard: false,
    totalInventory: 0,
    tracksInventory: false,
    hasOnlyDefaultVariant: product.variants.length === 1,
    options: ({ first }: { first?: number | null }) =>
      [
        { name: "Color", values: product.colors },
        { name: "Size", values: product.sizes },
      ]
        .slice(0, first ?? undefined)
        .map((o, i) => ({ __typename: "ProductOption", id: gid("ProductOption", product.id * 10 + i + 1), name: o.name, position: i + 1, values: o.values })),
    priceRangeV2: { __typename: "ProductPriceRangeV2", minVariantPrice: money(min, ctx.shop.currencyCode), maxVariantPrice: money(max, ctx.shop.currencyCode) },
    variantsCount: count(product.variants.length),
    mediaCount: () => count(media().length),
    inCollection: ({ id }: { id: string }) => product.collectionIds.some((c) => gid("Collection", c) === id),
    variants: (args: ConnectionArgs) => connection(product.variants, args, { keyOf: (v) => String(v.id), toNode: (v) => variantObject(ctx, product, v), bulk: ctx.bulk }),
    collections: (args: ConnectionArgs) =>
      connection(
        product.collectionIds.map((id) => ctx.shop.collections.get(id)).filter((c): c is SeedCollection => c !== undefined),
        args,
        { keyOf: (c) => String(c.id), toNode: (c) => collectionObject(ctx, c), bulk: ctx.bulk },
      ),
    media: (args: ConnectionArgs & { query?: string | null; sortKey?: string | null }) =>
      connection(filterProductMedia(media(), args.query, args.sortKey), args, { keyOf: (m) => String(m.id), toNode: (m) => mediaObject(ctx, m), bulk: ctx.bulk }),
    featuredMedia: () => {
      const first = media()[0];
      return first ? mediaObject(ctx, first) : null;
    },
    ...hasMetafieldsFields(ctx, gid("Product", product.id)),
  };
}

/** `Product.media(query:)` knows `media_type` (IMAGE, VIDEO, …); sortKey ID or POSITION (the default). */
function filterProductMedia(media: MediaRecord[], query: string | null | undefined, sortKey: string | null | undefined): MediaRecord[] {
  const parsed = withoutUnknownFields(parseSearchQuery(query), new Set(["media_type", "id"]));
  const found = media.filter((m) => matchesSearch(parsed, { values: (field) => (field === "media_type" ? [m.kind] : field === "id" ? [m.id] : [m.alt, m.filename]) }));
  return sortKey === "ID" ? found.sort((a, b) => a.id - b.id) : found;
}

// ── Product search (QueryRoot.products and productsCount) ──

const PRODUCT_SORTS: Record<string, (p: ProductRecord) => string | number> = {
  ID: (p) => p.id,
  TITLE: (p) => p.title.toLowerCase(),
  UPDATED_AT: (p) => p.updatedAt,
  CREATED_AT: (p) => p.createdAt,
  PUBLISHED_AT: (p) => (p.status === "ACTIVE" ? p.createdAt : ""),
  PRODUCT_TYPE: (p) => p.productType.toLowerCase(),
  VENDOR: (p) => p.vendor.toLowerCase(),
};

export const PRODUCT_SEARCH_FIELDS: ReadonlySet<string> = new Set(["title", "product_type", "vendor", "tag", "status", "handle", "sku", "id", "updated_at", "created_at", "collection_id"]);
const PRODUCT_WORD_FIELDS: ReadonlySet<string> = new Set(["title"]);

/** Values a product has for a search field (`null` = free text). */
export function productSearchValues(product: ProductRecord, field: string | null): FieldValue[] {
  switch (field) {
    case null:
      return [product.title, product.vendor, product.productType, ...product.tags, ...product.variants.map((v) => v.sku)];
    case "title":
      return [product.title];
    case "product_type":
      return [product.productType];
    case "vendor":
      return [product.vendor];
    case "tag":
      return product.tags;
    case "status":
      return [product.status];
    case "handle":
      return [product.handle];
    case "sku":
      return product.variants.map((v) => v.sku);
    case "id":
      return [product.id];
    case "updated_at":
      return [product.updatedAt];
    case "created_at":
      return [product.createdAt];
    case "collection_id":
      return product.collectionIds;
    default:
      return [];
  }
}

/**
 * Products of the shop matching a search query, sorted as asked (ties by id).
 * Unknown filter fields are ignored and reported, as Shopify does.
 */
export function findProducts(shop: ShopState, query: string | null | undefined, sortKey = "ID", onUnknownFields?: (fields: string[]) => void): ProductRecord[] {
  const parsed = parseSearchQuery(query);
  const unknown = unknownFields(parsed, PRODUCT_SEARCH_FIELDS);
  if (unknown.length > 0) onUnknownFields?.(unknown);
  const effective = withoutUnknownFields(parsed, PRODUCT_SEARCH_FIELDS);
  const sort = PRODUCT_SORTS[sortKey] ?? PRODUCT_SORTS.ID;
  const found: ProductRecord[] = [];
  for (const product of shop.products.values()) {
    if (matchesSearch(effective, { values: (field) => productSearchValues(product, field), wordFields: PRODUCT_WORD_FIELDS })) found.push(product);
  }
  return found.sort((a, b) => {
    const x = sort(a);
    const y = sort(b);
    return x < y ? -1 : x > y ? 1 : a.id - b.id;
  });
}
