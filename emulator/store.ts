import { randomUUID } from "node:crypto";
import { fullBucket, refill, setLevel, type BucketState } from "./bucket";
import type { BulkOperationRecord } from "./bulk";
import { HttpError } from "./http-util";
import { defaultMediaFailure, mediaErrorCodes, mediaUrl } from "./media";
import { productChangesSchema, productSpecSchema, type ProductChanges, type ProductSpec } from "./product-spec";
import { colorCode, generateProduct, PALETTE, PRODUCT_ID_BASE, seedCollections, SILHOUETTE_BY_TYPE, sizeCode, slug, VARIANT_ID_BASE, type FlatLayTruth, type SeedCollection, type SeedProduct, type SeedVariant } from "./seed-catalog";
import { productWebhookPayload, WebhookDispatcher, type WebhookConfig, type WebhookDelivery } from "./webhooks";

/**
 * The emulator's state: shops with their seeded catalogs, media, staged
 * uploads, jobs, bulk operations and webhook deliveries, in memory. Its
 * public methods are the emulator's admin operations (what a merchant does in
 * the Shopify admin), each firing the webhook Shopify would.
 */

/** A variant as the emulator holds it: seed data plus the media appended to it. */
export interface VariantRecord extends SeedVariant {
  /** Set on the first productVariantAppendMedia (50,000 seeded products should not carry 500,000 empty arrays). */
  mediaIds?: number[];
}

/** A product as the emulator holds it: seed data plus its current media order. */
export interface ProductRecord extends Omit<SeedProduct, "flatLay" | "variants"> {
  flatLay: FlatLayTruth | null;
  mediaIds: number[];
  variants: VariantRecord[];
}

/** The metafield owners the emulator keeps metafields for, by GID type, with their MetafieldOwnerType. */
export const METAFIELD_OWNER_TYPES = { Product: "PRODUCT", ProductVariant: "PRODUCTVARIANT", MediaImage: "MEDIA_IMAGE" } as const;
export type MetafieldOwnerGidType = keyof typeof METAFIELD_OWNER_TYPES;

export interface MetafieldRecord {
  id: number;
  /** The owner's GID, e.g. gid://shopify/Product/8100000001. */
  ownerId: string;
  ownerType: (typeof METAFIELD_OWNER_TYPES)[MetafieldOwnerGidType];
  namespace: string;
  key: string;
  type: string;
  value: string;
  createdAt: string;
  updatedAt: string;
}

/** What the next media created in a shop is made to fail with (null: the default for its kind). */
export interface MediaFailure {
  code: string | null;
  message: string | null;
}

export type MediaStatus = "UPLOADED" | "PROCESSING" | "READY" | "FAILED";

export interface MediaRecord {
  id: number;
  shop: string;
  kind: "IMAGE" | "VIDEO";
  alt: string | null;
  status: MediaStatus;
  filename: string;
  mimeType: string;
  /** Uploaded bytes; seed flat-lays have none and are rendered on demand. */
  bytes: Buffer | null;
  /** For a flat-lay: the product whose truth it renders. */
  seedProductId: number | null;
  width: number | null;
  height: number | null;
  errors: { code: string; message: string; details: string | null }[];
  productIds: Set<number>;
  createdAt: string;
  updatedAt: string;
}

export interface StagedUpload {
  id: string;
  shop: string;
  filename: string;
  mimeType: string;
  resource: string;
  httpMethod: "POST" | "PUT";
  fileSize: number | null;
  parameters: { name: string; value: string }[];
  bytes: Buffer | null;
}

export interface ShopState {
  domain: string;
  accessToken: string;
  /** Tokens issued by refresh grants (the original one stays valid too). */
  issuedTokens: Set<string>;
  /** The one refresh token that works now; each refresh rotates it. */
  refreshToken: string | null;
  refreshGrants: number;
  name: string;
  currencyCode: string;
  bucket: BucketState;
  products: Map<number, ProductRecord>;
  collections: Map<number, SeedCollection>;
  /** Metafields by owner GID, then by `namespace.key`. */
  metafields: Map<string, Map<string, MetafieldRecord>>;
  /** Failures injected by tests: each new media takes the first one. */
  mediaFailures: MediaFailure[];
  nextProductIndex: number;
  seed: number;
}

export interface ShopOptions {
  domain: string;
  accessToken: string;
  seed: number;
  productCount: number;
  bucket: { maximumAvailable: number; restoreRate: number };
}

export const MEDIA_ID_BASE = 30_000_000_000;
/** Ids of media and variants made after seeding start here, clear of the seeded ranges. */
const CREATED_MEDIA_ID_BASE = MEDIA_ID_BASE + 10_000_000_000;
const CREATED_VARIANT_ID_BASE = VARIANT_ID_BASE + 900_000_000_000;
const METAFIELD_ID_BASE = 50_000_000_000;

export const gid = (type: string, id: number | string) => `gid://shopify/${type}/${id}`;

/** The numeric id of a GID, optionally only when it names `type`. */
export function parseGid(value: unknown, type?: string): number | null {
  if (typeof value !== "string") return null;
  const match = /^gid:\/\/shopify\/(\w+)\/(\d+)$/.exec(value);
  if (!match || (type && match[1] !== type)) return null;
  return Number(match[2]);
}

/** A product's flat-lay image: rendered on demand from the product's truth, so it holds no bytes. */
function flatLayMedia(id: number, shop: string, productId: number, title: string, createdAt: string): MediaRecord {
  return {
    id,
    shop,
    kind: "IMAGE",
    alt: `${title} flat-lay`,
    status: "READY",
    filename: "flat-lay.png",
    mimeType: "image/png",
    bytes: null,
    seedProductId: productId,
    width: 800,
    height: 1000,
    errors: [],
    productIds: new Set([productId]),
    createdAt,
    updatedAt: createdAt,
  };
}

export class EmulatorStore {
  readonly shops = new Map<string, ShopState>();
  readonly media = new Map<number, MediaRecord>();
  readonly stagedUploads = new Map<string, StagedUpload>();
  readonly jobs = new Map<string, { done: boolean }>();
  readonly bulkOperations = new Map<number, BulkOperationRecord>();
  /** Shops whose next bulk operation fails (to test failure reporting). */
  readonly failNextBulk = new Set<string>();
  readonly webhooks: WebhookDispatcher;
  /** The emulator's own origin, known once it listens; media URLs start with it. */
  baseUrl = "";
  private nextMediaId = CREATED_MEDIA_ID_BASE;
  private nextVariantId = CREATED_VARIANT_ID_BASE;
  private nextMetafieldId = METAFIELD_ID_BASE;

  constructor(webhooks: WebhookConfig) {
    this.webhooks = new WebhookDispatcher(webhooks);
  }

  addShop(options: ShopOptions): ShopState {
    const shop: ShopState = {
      domain: options.domain,
      accessToken: options.accessToken,
      issuedTokens: new Set(),
      refreshToken: null,
      refreshGrants: 0,
      name: options.domain.replace(/\.myshopify\.com$/, "").replace(/-/g, " ").replace(/\b\w/g, (c) => c.toUpperCase()),
      currencyCode: "EUR",
      bucket: fullBucket(options.bucket, Date.now()),
      products: new Map(),
      collections: new Map(seedCollections().map((c) => [c.id, c])),
      metafields: new Map(),
      mediaFailures: [],
      nextProductIndex: options.productCount,
      seed: options.seed,
    };
    for (let i = 0; i < options.productCount; i++) {
      // The generated object becomes the record (no copy: 50,000 of them should start fast).
      const product: ProductRecord = Object.assign(generateProduct(options.seed, i), { mediaIds: [] as number[] });
      // Media ids are per shop in Shopify; here they share one map, so seeded ones carry the shop's offset.
      const mediaId = MEDIA_ID_BASE + this.shops.size * 1_000_000_000 + (product.id - PRODUCT_ID_BASE);
      this.media.set(mediaId, flatLayMedia(mediaId, shop.domain, product.id, product.title, product.createdAt));
      product.mediaIds.push(mediaId);
      shop.products.set(product.id, product);
    }
    this.shops.set(options.domain, shop);
    return shop;
  }

  shop(domain: string): ShopState | undefined {
    return this.shops.get(domain);
  }

  requireShop(domain: string): ShopState {
    const shop = this.shops.get(domain);
    if (!shop) throw new HttpError(404, `Unknown shop ${domain}: the emulator serves ${[...this.shops.keys()].join(", ")}`);
    return shop;
  }

  requireProduct(domain: string, id: number): ProductRecord {
    const product = this.requireShop(domain).products.get(id);
    if (!product) throw new HttpError(404, `Product ${id} does not exist in ${domain}`);
    return product;
  }

  /** The product's media in order (records that were deleted are skipped). */
  productMedia(product: ProductRecord): MediaRecord[] {
    return product.mediaIds.map((id) => this.media.get(id)).filter((m): m is MediaRecord => m !== undefined);
  }

  /** A variant's media in order (records that were deleted are skipped). */
  variantMedia(variant: VariantRecord): MediaRecord[] {
    return (variant.mediaIds ?? []).map((id) => this.media.get(id)).filter((m): m is MediaRecord => m !== undefined);
  }

  /** The product of the shop that has this variant, and the variant. */
  findVariant(shop: ShopState, variantId: number): { product: ProductRecord; variant: VariantRecord } | undefined {
    for (const product of shop.products.values()) {
      const variant = product.variants.find((v) => v.id === variantId);
      if (variant) return { product, variant };
    }
    return undefined;
  }

  // ── Admin operations (the emulator's /emulator endpoints call these) ──

  /** Creates a product as a merchant would; fires products/create. */
  createProduct(domain: string, input: ProductSpec): ProductRecord {
    const shop = this.requireShop(domain);
    const spec = productSpecSchema.parse(input);
    const collectionIds = spec.collections?.map((title) => {
      const collection = [...shop.collections.values()].find((c) => c.title === title);
      if (!collection) throw new HttpError(422, `No collection titled ${title}`, [{ field: "collections", message: `no collection titled "${title}"` }]);
      return collection.id;
    });
    const index = shop.nextProductIndex++;
    // Whatever the spec leaves out comes from the product the seed would have made next.
    const seed = generateProduct(shop.seed, index);
    const now = this.now();
    const colors = spec.colors ?? seed.colors;
    const sizes = spec.sizes ?? seed.sizes;
    const number = String(index + 1).padStart(5, "0");
    const variants: SeedVariant[] = [];
    for (const color of colors) {
      for (const size of sizes) {
        variants.push({
          id: this.nextVariantId++,
          title: `${color} / ${size}`,
          sku: [spec.skuPrefix ?? `SL-NEW-${number}`, colorCode(color), sizeCode(size)].join("-"),
          price: spec.price ?? seed.variants[0].price,
          position: variants.length + 1,
          options: { Color: color, Size: size },
        });
      }
    }
    const productType = spec.productType ?? seed.productType;
    const primary = PALETTE.find((c) => c.name === colors[0]);
    const product: ProductRecord = {
      ...seed,
      title: spec.title,
      descriptionHtml: `<p>${spec.title}.</p>`,
      // The flat-lay shows the garment the spec names, in its first colour when that is a palette colour.
      flatLay:
        spec.withFlatLay === false
          ? null
          : { ...seed.flatLay, silhouette: SILHOUETTE_BY_TYPE[productType] ?? seed.flatLay.silhouette, ...(primary ? { primary: { name: primary.name, hex: primary.hex } } : {}) },
      handle: spec.handle ?? `${slug(spec.title)}-${number}`,
      productType,
      vendor: spec.vendor ?? seed.vendor,
      status: spec.status ?? "ACTIVE",
      tags: spec.tags ?? seed.tags,
      createdAt: now,
      updatedAt: now,
      collectionIds: collectionIds ?? seed.collectionIds,
      variants,
      colors,
      sizes,
      mediaIds: [],
    };
    shop.products.set(product.id, product);
    if (product.flatLay) {
      const media = flatLayMedia(this.nextMediaId++, shop.domain, product.id, product.title, now);
      this.media.set(media.id, media);
      product.mediaIds.push(media.id);
    }
    this.productChanged(shop, product, "products/create");
    return product;
  }

  /** Changes a product's own fields; fires products/update. */
  updateProduct(domain: string, id: number, changes: ProductChanges): ProductRecord {
    const shop = this.requireShop(domain);
    const product = this.requireProduct(domain, id);
    Object.assign(product, productChangesSchema.parse(changes));
    this.productChanged(shop, product);
    return product;
  }

  /** Deletes a product; fires products/delete (whose body is only the id). */
  deleteProduct(domain: string, id: number): void {
    const shop = this.requireShop(domain);
    const product = this.requireProduct(domain, id);
    shop.products.delete(id);
    shop.metafields.delete(gid("Product", id));
    for (const variant of product.variants) shop.metafields.delete(gid("ProductVariant", variant.id));
    for (const mediaId of product.mediaIds) {
      const media = this.media.get(mediaId);
      media?.productIds.delete(id);
      // Seed flat-lays exist only as the product's image.
      if (media && media.seedProductId === id && media.bytes === null) this.deleteMedia(shop, media);
    }
    this.webhooks.emit(shop.domain, "products/delete", { id });
  }

  /** Sets the shop's bucket level now (tests drain it to see THROTTLED). */
  setBucket(domain: string, currentlyAvailable: number): void {
    const shop = this.requireShop(domain);
    shop.bucket = setLevel(refill(shop.bucket, Date.now()), currentlyAvailable, Date.now());
  }

  webhookDeliveries(domain: string): WebhookDelivery[] {
    this.requireShop(domain);
    return this.webhooks.forShop(domain);
  }

  /** Sends a recorded delivery again, same body and webhook id. */
  async redeliver(deliveryId: string): Promise<WebhookDelivery> {
    const delivery = await this.webhooks.redeliver(deliveryId);
    if (!delivery) throw new HttpError(404, `No webhook delivery ${deliveryId}`);
    return delivery;
  }

  /** Gives the shop an expiring offline token pair, as token exchange with `expiring: true` would. */
  issueRefreshToken(domain: string): string {
    const shop = this.requireShop(domain);
    shop.refreshToken = `shprt_${randomUUID()}`;
    return shop.refreshToken;
  }

  /**
   * Makes the next `count` media created in the shop (productUpdate(media:))
   * end FAILED with `code` (a MediaErrorCode; by default the usual failure
   * for the media's kind) instead of being inspected. Replaces failures still
   * pending; a count of 0 clears them. Answers how many are pending.
   */
  failNextMedia(domain: string, count: number, code?: string, message?: string): number {
    const shop = this.requireShop(domain);
    if (!Number.isInteger(count) || count < 0) throw new HttpError(422, "count must be a whole number, 0 or more", [{ field: "count", message: "count must be a whole number, 0 or more" }]);
    if (code !== undefined && !mediaErrorCodes().includes(code)) {
      const message = `code must be a MediaErrorCode (${mediaErrorCodes().join(", ")}), not ${code}`;
      throw new HttpError(422, message, [{ field: "code", message }]);
    }
    shop.mediaFailures = Array.from({ length: count }, () => ({ code: code ?? null, message: message ?? null }));
    return shop.mediaFailures.length;
  }

  /** The injected failure the next new media of this kind takes, if one is pending. */
  takeMediaFailure(shop: ShopState, kind: MediaRecord["kind"]): { ok: false; code: string; message: string } | undefined {
    const failure = shop.mediaFailures.shift();
    if (!failure) return undefined;
    const fallback = defaultMediaFailure(kind);
    return { ok: false, code: failure.code ?? fallback.code, message: failure.message ?? (failure.code ? `Injected ${failure.code} (emulator media-failures).` : fallback.message) };
  }

  /** Makes the shop's next bulk operation fail with INTERNAL_SERVER_ERROR. */
  failNextBulkOperation(domain: string): void {
    this.requireShop(domain);
    this.failNextBulk.add(domain);
  }

  // ── Used by the API resolvers ──

  /** Marks a product changed (strictly later updatedAt) and fires the webhook. */
  productChanged(shop: ShopState, product: ProductRecord, topic: "products/create" | "products/update" = "products/update"): void {
    if (topic === "products/update") this.touch(product);
    this.webhooks.emit(shop.domain, topic, productWebhookPayload(product, this.productMedia(product), (m) => mediaUrl(this.baseUrl, shop.domain, m)));
  }

  /** Takes media off a product, and off that product's variants (Shopify keeps no variant media the product lacks). */
  detachMedia(media: MediaRecord, product: ProductRecord): void {
    media.productIds.delete(product.id);
    product.mediaIds = product.mediaIds.filter((m) => m !== media.id);
    for (const variant of product.variants) {
      if (variant.mediaIds?.includes(media.id)) variant.mediaIds = variant.mediaIds.filter((m) => m !== media.id);
    }
  }

  /** Deletes a file for good, with its metafields; callers detach it from products first. */
  deleteMedia(shop: ShopState, media: MediaRecord): void {
    this.media.delete(media.id);
    if (media.kind === "IMAGE") shop.metafields.delete(gid("MediaImage", media.id));
  }

  newMetafieldId(): number {
    return this.nextMetafieldId++;
  }

  touch(product: ProductRecord): void {
    // Strictly increasing, so "stale delivery" checks downstream have an order to rely on.
    const now = Math.max(Date.now(), Date.parse(product.updatedAt) + 1);
    product.updatedAt = new Date(now).toISOString();
  }

  newMedia(fields: Omit<MediaRecord, "id" | "createdAt" | "updatedAt">): MediaRecord {
    const now = this.now();
    const record: MediaRecord = { ...fields, id: this.nextMediaId++, createdAt: now, updatedAt: now };
    this.media.set(record.id, record);
    return record;
  }

  newStagedUpload(fields: Omit<StagedUpload, "id" | "bytes" | "parameters">): StagedUpload {
    const id = randomUUID();
    const key = `tmp/emulator/${id}/${fields.filename}`;
    // The names Shopify's (Google Cloud Storage) POST targets use; a PUT target's parameters are headers.
    const parameters =
      fields.httpMethod === "POST"
        ? [
            { name: "Content-Type", value: fields.mimeType },
            { name: "success_action_status", value: "201" },
            { name: "acl", value: "private" },
            { name: "key", value: key },
            { name: "x-goog-date", value: new Date().toISOString().replace(/[-:]|\.\d+/g, "") },
            { name: "x-goog-credential", value: "emulator@shotlane.local/auto/storage/goog4_request" },
            { name: "x-goog-algorithm", value: "GOOG4-RSA-SHA256" },
            { name: "x-goog-signature", value: randomUUID().replace(/-/g, "") },
            { name: "policy", value: Buffer.from(JSON.stringify({ upload: id, size: fields.fileSize })).toString("base64") },
          ]
        : [
            { name: "content_type", value: fields.mimeType },
            { name: "acl", value: "private" },
          ];
    const upload: StagedUpload = { ...fields, id, bytes: null, parameters };
    this.stagedUploads.set(id, upload);
    return upload;
  }

  private now(): string {
    return new Date().toISOString();
  }
}
