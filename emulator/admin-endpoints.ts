import type http from "node:http";
import { z } from "zod";
import { ADMIN_API_VERSION } from "../app/shopify/api-version";
import { throttleStatus } from "./bucket";
import { HttpError, readJson, sendJson } from "./http-util";
import { mediaUrl } from "./media";
import type { ProductChanges, ProductSpec } from "./product-spec";
import { gid, parseGid, type EmulatorStore, type MediaRecord, type ProductRecord, type ShopState } from "./store";

/**
 * The emulator's own JSON endpoints under /emulator/ (loopback only, no
 * auth): what a merchant or a test does to the store from outside the app.
 *
 *   GET    /emulator/health
 *   POST   /emulator/shops/{shop}/products              create (fires products/create)
 *   GET    /emulator/shops/{shop}/products/{id}         read, with the flat-lay truth
 *   PATCH  /emulator/shops/{shop}/products/{id}         change (fires products/update)
 *   DELETE /emulator/shops/{shop}/products/{id}         delete (fires products/delete)
 *   POST   /emulator/shops/{shop}/throttle              { currentlyAvailable } sets the bucket
 *   GET    /emulator/shops/{shop}/webhook-deliveries    every delivery and its attempts
 *   POST   /emulator/shops/{shop}/media-failures        { count, code?, message? } the next `count` new media end FAILED
 *   POST   /emulator/deliveries/{id}/redeliver          the same body and webhook id again (answers the delivery)
 */

const mediaGid = (m: MediaRecord) => gid(m.kind === "VIDEO" ? "Video" : "MediaImage", m.id);

/** A product as plain JSON for the admin endpoints. */
function productJson(store: EmulatorStore, shop: ShopState, product: ProductRecord) {
  return {
    id: `gid://shopify/Product/${product.id}`,
    legacyResourceId: String(product.id),
    title: product.title,
    handle: product.handle,
    productType: product.productType,
    vendor: product.vendor,
    status: product.status,
    tags: product.tags,
    createdAt: product.createdAt,
    updatedAt: product.updatedAt,
    variants: product.variants.map((v) => ({
      id: gid("ProductVariant", v.id),
      title: v.title,
      sku: v.sku,
      price: v.price,
      // As the API names them (MediaImage/Video GIDs), so a test compares them with what the app stored.
      mediaIds: store.variantMedia(v).map(mediaGid),
    })),
    media: store.productMedia(product).map((m) => ({
      id: m.id,
      gid: mediaGid(m),
      kind: m.kind,
      status: m.status,
      url: mediaUrl(store.baseUrl, shop.domain, m),
      alt: m.alt,
      mimeType: m.mimeType,
      filename: m.filename,
      errors: m.errors,
    })),
    metafields: [...(shop.metafields.get(gid("Product", product.id))?.values() ?? [])].map((f) => ({ namespace: f.namespace, key: f.key, type: f.type, value: f.value })),
    flatLay: product.flatLay,
  };
}

/** Accepts a numeric id or a Product GID in the path. */
function productId(segment: string): number {
  const id = parseGid(segment, "Product") ?? Number(segment);
  if (!Number.isSafeInteger(id)) throw new HttpError(404, `Not a product id: ${segment}`);
  return id;
}

export async function handleEmulatorAdmin(store: EmulatorStore, req: http.IncomingMessage, res: http.ServerResponse, parts: string[]): Promise<void> {
  const method = req.method ?? "GET";
  if (parts[0] === "health" && method === "GET") return sendJson(res, 200, { ok: true, shops: [...store.shops.keys()], apiVersion: ADMIN_API_VERSION });
  if (parts[0] === "deliveries" && parts[1] && parts[2] === "redeliver" && method === "POST") return sendJson(res, 200, await store.redeliver(parts[1]));
  if (parts[0] !== "shops" || !parts[1]) throw new HttpError(404, "Unknown emulator endpoint");
  const shop = store.requireShop(parts[1]);
  const [resource, id, ...rest] = parts.slice(2);
  if (rest.length > 0) throw new HttpError(404, "Unknown emulator endpoint");

  if (resource === "products" && id === undefined && method === "POST") {
    // The store validates the body with zod (422 naming the fields).
    const product = store.createProduct(shop.domain, (await readJson(req)) as ProductSpec);
    return sendJson(res, 201, { product: productJson(store, shop, product) });
  }
  if (resource === "products" && id !== undefined) {
    const numeric = productId(id);
    if (method === "GET") return sendJson(res, 200, { product: productJson(store, shop, store.requireProduct(shop.domain, numeric)) });
    if (method === "PATCH") return sendJson(res, 200, { product: productJson(store, shop, store.updateProduct(shop.domain, numeric, (await readJson(req)) as ProductChanges)) });
    if (method === "DELETE") {
      store.deleteProduct(shop.domain, numeric);
      return sendJson(res, 200, { deleted: String(numeric) });
    }
  }
  if (resource === "throttle" && id === undefined && method === "POST") {
    const body = z.object({ currentlyAvailable: z.number().min(0) }).parse(await readJson(req));
    store.setBucket(shop.domain, body.currentlyAvailable);
    return sendJson(res, 200, { throttleStatus: throttleStatus(shop.bucket) });
  }
  if (resource === "media-failures" && id === undefined && method === "POST") {
    const body = z.object({ count: z.number().int().min(0).max(10_000), code: z.string().min(1).optional(), message: z.string().min(1).optional() }).parse(await readJson(req));
    // The store checks the code against the schema's MediaErrorCode (422 listing them).
    return sendJson(res, 200, { pending: store.failNextMedia(shop.domain, body.count, body.code, body.message) });
  }
  if (resource === "webhook-deliveries" && id === undefined && method === "GET") return sendJson(res, 200, { deliveries: store.webhookDeliveries(shop.domain) });
  throw new HttpError(404, "Unknown emulator endpoint");
}
