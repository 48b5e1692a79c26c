import { connection, type ConnectionArgs } from "./connection";
import { parseSearchQuery, matchesSearch, type FieldValue } from "./query-filter";
import { gid, type EmulatorStore, type MediaRecord, type ProductRecord, type ShopState } from "./store";
import type { SeedCollection, SeedVariant } from "./seed-catalog";

export interface ApiContext {
  store: EmulatorStore;
  shop: ShopState;
  baseUrl: string;
  /** Called after a product changes through the API (products/update webhook). */
  productChanged: (product: ProductRecord) => void;
  /** Inside a bulk operation: connections return every node. */
  bulk?: boolean;
}

export function mediaUrl(ctx: ApiContext, media: MediaRecord): string {
  if (media.seedProductId !== null && media.bytes === null) return `${ctx.baseUrl}/cdn/${ctx.shop.domain}/products/${media.seedProductId}/flat-lay.png`;
  return `${ctx.baseUrl}/cdn/${ctx.shop.domain}/files/${media.id}/${encodeURIComponent(media.filename)}`;
}

function imageObject(ctx: ApiContext, media: MediaRecord) {
  if (media.status !== "READY" || media.kind !== "IMAGE") return null;
  const url = mediaUrl(ctx, media);
  return { __typename: "Image", id: gid("ImageSource", media.id), url: () => url, src: url, originalSrc: url, transformedSrc: () => url, altText: media.alt, width: media.width, height: media.height, thumbhash: null };
}

export function mediaObject(ctx: ApiContext, media: MediaRecord) {
  const common = {
    alt: media.alt,
    status: media.status,
    mediaContentType: media.kind,
    mediaErrors: media.errors.map((e) => ({ __typename: "MediaError", ...e })),
    mediaWarnings: [],
    fileStatus: media.status === "READY" ? "READY" : media.status === "FAILED" ? "FAILED" : media.status === "PROCESSING" ? "PROCESSING" : "UPLOADED",
    fileErrors: media.errors.map((e) => ({ __typename: "FileError", code: e.code, details: e.details, message: e.message })),
    createdAt: media.createdAt,
    updatedAt: media.updatedAt,
    mimeType: media.mimeType,
  };
  if (media.kind === "VIDEO") {
    const ready = media.status === "READY";
    return {
      __typename: "Video",
      id: gid("Video", media.id),
      ...common,
      filename: media.filename,
      duration: null,
      preview: { __typename: "MediaPreviewImage", status: media.status, image: null },
      sources: ready
        ? [{ __typename: "VideoSource", url: mediaUrl(ctx, media), mimeType: "video/mp4", format: "mp4", height: media.height ?? 0, width: media.width ?? 0, fileSize: media.bytes?.length ?? null }]
        : [],
      originalSource: ready ? { __typename: "VideoSource", url: mediaUrl(ctx, media), mimeType: "video/mp4", format: "mp4", height: media.height ?? 0, width: media.width ?? 0, fileSize: media.bytes?.length ?? null } : null,
    };
  }
  const image = imageObject(ctx, media);
  return {
    __typename: "MediaImage",
    id: gid("MediaImage", media.id),
    ...common,
    image,
    preview: { __typename: "MediaPreviewImage", status: media.status, image },
    originalSource: media.bytes ? { __typename: "MediaImageOriginalSource", fileSize: media.bytes.length, url: mediaUrl(ctx, media) } : null,
  };
}

function productMedia(ctx: ApiContext, product: ProductRecord): MediaRecord[] {
  return product.mediaIds.map((id) => ctx.store.media.get(id)).filter((m): m is MediaRecord => m !== undefined);
}

export function variantObject(ctx: ApiContext, product: ProductRecord, variant: SeedVariant) {
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
    createdAt: product.createdAt,
    updatedAt: product.updatedAt,
    selectedOptions: Object.entries(variant.options).map(([name, value]) => ({ __typename: "SelectedOption", name, value })),
    product: () => productObject(ctx, product),
    media: (args: ConnectionArgs) => connection([] as ReturnType<typeof mediaObject>[], args, (m) => m.id, ctx.bulk),
  };
}

function money(amount: string, currencyCode: string) {
  return { __typename: "MoneyV2", amount, currencyCode };
}

export function collectionObject(ctx: ApiContext, collection: SeedCollection) {
  const products = () => [...ctx.shop.products.values()].filter((p) => p.collectionIds.includes(collection.id));
  return {
    __typename: "Collection",
    id: gid("Collection", collection.id),
    legacyResourceId: String(collection.id),
    title: collection.title,
    handle: collection.handle,
    updatedAt: "2026-01-01T00:00:00Z",
    productsCount: () => ({ __typename: "Count", count: products().length, precision: "EXACT" }),
    products: (args: ConnectionArgs) => connection(products().map((p) => productObject(ctx, p)), args, (p) => p.legacyResourceId, ctx.bulk),
  };
}

export function productObject(ctx: ApiContext, product: ProductRecord) {
  const prices = product.variants.map((v) => Number(v.price));
  const min = product.variants.find((v) => Number(v.price) === Math.min(...prices))?.price ?? "0.00";
  const max = product.variants.find((v) => Number(v.price) === Math.max(...prices))?.price ?? "0.00";
  const media = productMedia(ctx, product);
  return {
    __typename: "Product",
    id: gid("Product", product.id),
    legacyResourceId: String(product.id),
    title: product.title,
    handle: product.handle,
    description: product.descriptionHtml.replace(/<[^>]+>/g, ""),
    descriptionHtml: product.descriptionHtml,
    productType: product.productType,
    vendor: product.vendor,
    tags: product.tags,
    status: product.status,
    createdAt: product.createdAt,
    updatedAt: product.updatedAt,
    publishedAt: product.status === "ACTIVE" ? product.createdAt : null,
    onlineStoreUrl: null,
    totalInventory: 0,
    hasOnlyDefaultVariant: product.variants.length === 1,
    options: () => [
      { __typename: "ProductOption", id: gid("ProductOption", product.id * 10 + 1), name: "Color", position: 1, values: product.colors },
      { __typename: "ProductOption", id: gid("ProductOption", product.id * 10 + 2), name: "Size", position: 2, values: product.sizes },
    ],
    priceRangeV2: { __typename: "ProductPriceRangeV2", minVariantPrice: money(min, ctx.shop.currencyCode), maxVariantPrice: money(max, ctx.shop.currencyCode) },
    variantsCount: { __typename: "Count", count: product.variants.length, precision: "EXACT" },
    mediaCount: { __typename: "Count", count: media.length, precision: "EXACT" },
    variants: (args: ConnectionArgs) => connection(product.variants.map((v) => variantObject(ctx, product, v)), args, (v) => v.legacyResourceId, ctx.bulk),
    collections: (args: ConnectionArgs) =>
      connection(
        product.collectionIds.map((id) => ctx.shop.collections.get(id)).filter((c): c is SeedCollection => !!c).map((c) => collectionObject(ctx, c)),
        args,
        (c) => c.legacyResourceId,
        ctx.bulk,
      ),
    media: (args: ConnectionArgs) => connection(media.map((m) => mediaObject(ctx, m)), args, (m) => m.id.split("/").pop()!, ctx.bulk),
    featuredMedia: () => (media[0] ? mediaObject(ctx, media[0]) : null),
  };
}

const SORTS: Record<string, (p: ProductRecord) => string | number> = {
  ID: (p) => p.id,
  TITLE: (p) => p.title.toLowerCase(),
  UPDATED_AT: (p) => p.updatedAt,
  CREATED_AT: (p) => p.createdAt,
  PRODUCT_TYPE: (p) => p.productType.toLowerCase(),
  VENDOR: (p) => p.vendor.toLowerCase(),
};

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
    default:
      return [];
  }
}

/** Products of the shop matching a search query, sorted as asked. */
export function findProducts(shop: ShopState, query: string | null | undefined, sortKey = "ID"): ProductRecord[] {
  const parsed = parseSearchQuery(query);
  const sort = SORTS[sortKey] ?? SORTS.ID;
  return [...shop.products.values()]
    .filter((p) => matchesSearch(parsed, (field) => productSearchValues(p, field)))
    .sort((a, b) => {
      const x = sort(a);
      const y = sort(b);
      return x < y ? -1 : x > y ? 1 : a.id - b.id;
    });
}
