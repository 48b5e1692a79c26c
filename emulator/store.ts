import { randomUUID } from "node:crypto";
import { generateProduct, seedCollections, PALETTE, PRODUCT_ID_BASE, VARIANT_ID_BASE, type FlatLayTruth, type SeedCollection, type SeedProduct, type SeedVariant, type Silhouette } from "./seed-catalog";

const SILHOUETTE_BY_TYPE: Record<string, Silhouette> = { Tops: "tee", Dresses: "dress", Denim: "jeans", Knitwear: "sweater", Outerwear: "coat", Swimwear: "swimsuit", Accessories: "bag" };
import type { BucketState } from "./cost";

/** A product as the emulator holds it: seed data plus its current media order. */
export interface ProductRecord extends Omit<SeedProduct, "flatLay"> {
  flatLay: FlatLayTruth | null;
  mediaIds: number[];
}

export type MediaStatus = "UPLOADED" | "PROCESSING" | "READY" | "FAILED";

export interface MediaRecord {
  id: number;
  kind: "IMAGE" | "VIDEO";
  alt: string | null;
  status: MediaStatus;
  filename: string;
  mimeType: string;
  /** Uploaded bytes; seed flat-lays have none and are rendered on demand. */
  bytes: Buffer | null;
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
  filename: string;
  mimeType: string;
  resource: string;
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
  nextProductIndex: number;
  seed: number;
}

export interface WebhookDelivery {
  id: string;
  shop: string;
  topic: string;
  webhookId: string;
  eventId: string;
  triggeredAt: string;
  uri: string;
  body: string;
  attempts: { status: number | null; error: string | null; ms: number; at: string }[];
}

export const MEDIA_ID_BASE = 30_000_000_000;

/** A product's flat-lay image: rendered on demand from the product's truth, so it holds no bytes. */
function flatLayMedia(id: number, productId: number, title: string, createdAt: string): MediaRecord {
  return {
    id,
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
  readonly deliveries: WebhookDelivery[] = [];
  readonly jobs = new Map<string, { done: boolean }>();
  private nextMediaId = MEDIA_ID_BASE + 10_000_000;
  private nextVariantId = VARIANT_ID_BASE + 900_000_000;

  addShop(options: { domain: string; accessToken: string; seed: number; productCount: number; bucket: { maximumAvailable: number; restoreRate: number } }): ShopState {
    const collections = new Map(seedCollections().map((c) => [c.id, c]));
    const shop: ShopState = {
      domain: options.domain,
      accessToken: options.accessToken,
      issuedTokens: new Set(),
      refreshToken: null,
      refreshGrants: 0,
      name: options.domain.replace(/\.myshopify\.com$/, "").replace(/-/g, " ").replace(/\b\w/g, (c) => c.toUpperCase()),
      currencyCode: "EUR",
      bucket: { ...options.bucket, currentlyAvailable: options.bucket.maximumAvailable, updatedAt: Date.now() },
      products: new Map(),
      collections,
      nextProductIndex: options.productCount,
      seed: options.seed,
    };
    for (let i = 0; i < options.productCount; i++) {
      const seed = generateProduct(options.seed, i);
      const mediaId = MEDIA_ID_BASE + (seed.id - PRODUCT_ID_BASE);
      this.media.set(mediaId, flatLayMedia(mediaId, seed.id, seed.title, seed.createdAt));
      shop.products.set(seed.id, { ...seed, mediaIds: [mediaId] });
    }
    this.shops.set(options.domain, shop);
    return shop;
  }

  shop(domain: string): ShopState | undefined {
    return this.shops.get(domain);
  }

  /** Creates a product from a spec (as the admin would); a flat-lay is generated from the seed generator. */
  createProduct(shop: ShopState, spec: ProductSpec): ProductRecord {
    const index = shop.nextProductIndex++;
    const seed = generateProduct(shop.seed, index);
    const now = new Date().toISOString();
    const colors = spec.colors ?? seed.colors;
    const sizes = spec.sizes ?? seed.sizes;
    const price = spec.price ?? seed.variants[0].price;
    const variants: SeedVariant[] = [];
    for (const color of colors)
      for (const size of sizes)
        variants.push({
          id: this.nextVariantId++,
          title: `${color} / ${size}`,
          sku: `${spec.skuPrefix ?? `SL-NEW-${String(index + 1).padStart(5, "0")}`}-${color.slice(0, 3).toUpperCase()}-${size.toUpperCase()}`,
          price,
          position: variants.length + 1,
          options: { Color: color, Size: size },
        });
    const productType = spec.productType ?? seed.productType;
    const primary = PALETTE.find((c) => c.name === colors[0]);
    const product: ProductRecord = {
      ...seed,
      title: spec.title,
      descriptionHtml: `<p>${spec.title}.</p>`,
      // The flat-lay shows the garment the spec names, in its first colour when that is a palette colour.
      flatLay: { ...seed.flatLay, silhouette: SILHOUETTE_BY_TYPE[productType] ?? seed.flatLay.silhouette, ...(primary ? { primary: { ...primary } } : {}) },
      handle: spec.handle ?? `${spec.title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "")}-${index + 1}`,
      productType,
      vendor: spec.vendor ?? seed.vendor,
      status: spec.status ?? "ACTIVE",
      tags: spec.tags ?? seed.tags,
      createdAt: now,
      updatedAt: now,
      collectionIds: spec.collections ? [...shop.collections.values()].filter((c) => spec.collections!.includes(c.title)).map((c) => c.id) : seed.collectionIds,
      variants,
      colors,
      sizes,
      mediaIds: [],
    };
    shop.products.set(product.id, product);
    if (spec.withFlatLay !== false) {
      const mediaId = this.nextMediaId++;
      this.media.set(mediaId, flatLayMedia(mediaId, product.id, product.title, now));
      product.mediaIds.push(mediaId);
    } else {
      product.flatLay = null;
    }
    return product;
  }

  touch(product: ProductRecord): void {
    // Strictly increasing, so "stale delivery" checks downstream have an order to rely on.
    const now = Math.max(Date.now(), Date.parse(product.updatedAt) + 1);
    product.updatedAt = new Date(now).toISOString();
  }

  newMedia(fields: Omit<MediaRecord, "id" | "createdAt" | "updatedAt">): MediaRecord {
    const now = new Date().toISOString();
    const record: MediaRecord = { ...fields, id: this.nextMediaId++, createdAt: now, updatedAt: now };
    this.media.set(record.id, record);
    return record;
  }

  newStagedUpload(fields: Omit<StagedUpload, "id" | "bytes" | "parameters">): StagedUpload {
    const id = randomUUID();
    const upload: StagedUpload = {
      ...fields,
      id,
      bytes: null,
      parameters: [
        { name: "Content-Type", value: fields.mimeType },
        { name: "success_action_status", value: "201" },
        { name: "acl", value: "private" },
        { name: "key", value: `tmp/emulator/${id}/${fields.filename}` },
        { name: "policy", value: Buffer.from(JSON.stringify({ upload: id, size: fields.fileSize })).toString("base64") },
      ],
    };
    this.stagedUploads.set(id, upload);
    return upload;
  }
}

export interface ProductSpec {
  title: string;
  handle?: string;
  productType?: string;
  vendor?: string;
  status?: "ACTIVE" | "DRAFT" | "ARCHIVED";
  tags?: string[];
  collections?: string[];
  colors?: string[];
  sizes?: string[];
  price?: string;
  skuPrefix?: string;
  withFlatLay?: boolean;
}

export const gid = (type: string, id: number | string) => `gid://shopify/${type}/${id}`;

export function parseGid(value: unknown, type?: string): number | null {
  if (typeof value !== "string") return null;
  const match = /^gid:\/\/shopify\/(\w+)\/(\d+)$/.exec(value);
  if (!match || (type && match[1] !== type)) return null;
  return Number(match[2]);
}
