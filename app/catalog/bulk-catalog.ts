import { z } from "zod";
import { amountToCents, collectionNodeSchema, mediaNodeSchema, productOwnFieldsSchema, toMirrorMedia, toMirrorVariant, variantNodeSchema, type MirrorProduct } from "./product-mirror";

/** A product line of the bulk export: the mirror's own columns (children arrive as their own lines). */
export type BulkProduct = Omit<MirrorProduct, "collections" | "variants" | "media" | "imageCount" | "featuredImageUrl">;
export type BulkVariant = MirrorProduct["variants"][number] & { productId: string };
export type BulkCollection = MirrorProduct["collections"][number] & { productId: string };
export type BulkMedia = Omit<MirrorProduct["media"][number], "position"> & { productId: string; position: number };

export interface BulkBatch {
  products: BulkProduct[];
  variants: BulkVariant[];
  collections: BulkCollection[];
  media: BulkMedia[];
}

const productLine = productOwnFieldsSchema;
const parent = { __parentId: z.string() };
const variantLine = variantNodeSchema.extend(parent);
const collectionLine = collectionNodeSchema.extend(parent);
const mediaLine = mediaNodeSchema.extend(parent);

export class BulkLineError extends Error {
  constructor(lineNumber: number, reason: string) {
    super(`Bulk export line ${lineNumber} could not be read: ${reason}`);
    this.name = "BulkLineError";
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown, lineNumber: number): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new BulkLineError(lineNumber, z.prettifyError(result.error));
  return result.data;
}

/**
 * Turns the bulk export's JSONL, line by line, into write batches. Children
 * reference their parent by `__parentId` and come after it, though not next to
 * it; a batch's products are written before its children, so every child's
 * parent exists when the child is written. Holds at most one batch in memory.
 */
export class BulkCatalogBatcher {
  private batch: BulkBatch = { products: [], variants: [], collections: [], media: [] };
  private lineNumber = 0;
  private readonly mediaPositions = new Map<string, number>();
  productCount = 0;

  constructor(private readonly batchSize = 500) {}

  /** Adds one JSONL line; returns a full batch when one is ready to write. */
  add(line: string): BulkBatch | null {
    this.lineNumber++;
    if (line.trim() === "") return null;
    let json: { id?: unknown; __parentId?: unknown };
    try {
      json = JSON.parse(line) as typeof json;
    } catch {
      throw new BulkLineError(this.lineNumber, "not valid JSON");
    }
    const id = typeof json.id === "string" ? json.id : "";
    const kind = /^gid:\/\/shopify\/(\w+)\//.exec(id)?.[1];
    if (kind === "Product" && json.__parentId === undefined) {
      const p = parse(productLine, json, this.lineNumber);
      this.productCount++;
      this.batch.products.push({
        id: p.id,
        legacyId: p.legacyResourceId,
        title: p.title,
        handle: p.handle,
        productType: p.productType,
        vendor: p.vendor,
        status: p.status,
        minPriceCents: amountToCents(p.priceRangeV2.minVariantPrice.amount),
        maxPriceCents: amountToCents(p.priceRangeV2.maxVariantPrice.amount),
        currencyCode: p.priceRangeV2.minVariantPrice.currencyCode,
        variantCount: p.variantsCount?.count ?? 0,
        shopifyCreatedAt: new Date(p.createdAt),
        shopifyUpdatedAt: new Date(p.updatedAt),
        tags: [...new Set(p.tags)],
      });
    } else if (kind === "ProductVariant") {
      const v = parse(variantLine, json, this.lineNumber);
      this.batch.variants.push({ productId: v.__parentId, ...toMirrorVariant(v) });
    } else if (kind === "Collection") {
      const c = parse(collectionLine, json, this.lineNumber);
      this.batch.collections.push({ productId: c.__parentId, id: c.id, title: c.title, handle: c.handle });
    } else if (kind === "MediaImage" || kind === "Video" || kind === "ExternalVideo" || kind === "Model3d") {
      const m = parse(mediaLine, json, this.lineNumber);
      const position = (this.mediaPositions.get(m.__parentId) ?? 0) + 1;
      this.mediaPositions.set(m.__parentId, position);
      this.batch.media.push({ productId: m.__parentId, ...toMirrorMedia(m, position) });
    } else {
      throw new BulkLineError(this.lineNumber, `unexpected object ${id || "without an id"}`);
    }
    const b = this.batch;
    return b.products.length >= this.batchSize || b.variants.length + b.collections.length + b.media.length >= this.batchSize * 10 ? this.take() : null;
  }

  /** The last, partial batch. */
  finish(): BulkBatch {
    return this.take();
  }

  private take(): BulkBatch {
    const batch = this.batch;
    this.batch = { products: [], variants: [], collections: [], media: [] };
    return batch;
  }
}
