import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { loadRules, rerouteProducts, routableSelect, toRoutable } from "../routing/routing.server";
import { compileRouter, type RoutableProduct, type TierRule } from "../routing/tier-rules";
import { adminQuery, type AdminGraphqlClient } from "../shopify/admin-graphql.server";
import { PRODUCT_MIRROR_QUERY } from "./catalog-queries";
import { ensureShop } from "./catalog-sync.server";
import { upsertMirrorProducts } from "./mirror.server";
import { productNodeSchema, toMirrorProduct, type MirrorProduct } from "./product-mirror";

const productSchema = z.object({ product: productNodeSchema.nullable() });

/** The product fields a tier rule can read (app/routing/tier-rules.ts compileConditions). */
export const ROUTING_FIELDS = ["title", "productType", "vendor", "status", "price", "tags", "collections", "skus", "createdAt", "imageCount"] as const;
export type RoutingField = (typeof ROUTING_FIELDS)[number];

/** What routing reads of a product, without its id and pin (a pin is not a product field; pinning re-routes by itself). */
export type RoutingInputs = Omit<RoutableProduct, "id" | "pinnedTier">;

/** The fields the enabled rules read: only a change to one of them can change a routing decision. */
export function fieldsReadByRules(rules: readonly Pick<TierRule, "enabled" | "conditions">[]): Set<RoutingField> {
  const read = new Set<RoutingField>();
  for (const { enabled, conditions: c } of rules) {
    if (!enabled) continue;
    if (c.titleContains) read.add("title");
    if (c.productTypes?.length) read.add("productType");
    if (c.vendors?.length) read.add("vendor");
    if (c.statuses?.length) read.add("status");
    if (c.price) read.add("price");
    if (c.tags?.values.length) read.add("tags");
    if (c.collectionIds?.length) read.add("collections");
    if (c.skuContains) read.add("skus");
    if (c.createdAfter) read.add("createdAt");
    if (c.imageCount) read.add("imageCount");
  }
  return read;
}

const sameSet = (a: readonly string[], b: readonly string[]) => {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((v) => right.has(v));
};

/** Every routing field whose value differs between two states of a product (tags, collections and SKUs as sets). */
export function changedRoutingFields(before: RoutingInputs, after: RoutingInputs): RoutingField[] {
  const same: Record<RoutingField, boolean> = {
    title: before.title === after.title,
    productType: before.productType === after.productType,
    vendor: before.vendor === after.vendor,
    status: before.status === after.status,
    price: before.minPriceCents === after.minPriceCents && before.maxPriceCents === after.maxPriceCents,
    tags: sameSet(before.tags, after.tags),
    collections: sameSet(before.collectionIds, after.collectionIds),
    skus: sameSet(before.skus, after.skus),
    createdAt: before.createdAt === after.createdAt,
    imageCount: before.imageCount === after.imageCount,
  };
  return ROUTING_FIELDS.filter((field) => !same[field]);
}

export function routingInputsOf(product: MirrorProduct): RoutingInputs {
  return {
    title: product.title,
    productType: product.productType,
    vendor: product.vendor,
    status: product.status,
    minPriceCents: product.minPriceCents,
    maxPriceCents: product.maxPriceCents,
    tags: product.tags,
    collectionIds: product.collections.map((c) => c.id),
    skus: product.variants.flatMap((v) => (v.sku ? [v.sku] : [])),
    createdAt: product.shopifyCreatedAt.getTime(),
    imageCount: product.imageCount,
  };
}

/**
 * What a refresh did: "removed" (the store no longer has the product),
 * "mirrored" (new to the mirror or never routed: routed now), "rerouted" (a
 * field the rules read changed: routed again; `fields` says which) or
 * "unchanged" (nothing the rules read changed, e.g. only media or the
 * description: the mirror is refreshed and routing left alone).
 */
export type RefreshOutcome = { outcome: "removed" } | { outcome: "mirrored" | "rerouted" | "unchanged"; fields: RoutingField[]; tier: number | null };

/** The product as the mirror holds it, in routing terms, or null when it is not there (or not this shop's). */
async function mirroredRoutingInputs(db: PrismaClient, shopId: string, productId: string): Promise<{ inputs: RoutingInputs; routed: boolean } | null> {
  const row = await db.product.findFirst({ where: { id: productId, shopId }, select: routableSelect });
  if (!row) return null;
  const { id: _id, pinnedTier: _pin, ...inputs } = toRoutable(row);
  return { routed: row.tier !== null, inputs };
}

/**
 * Re-reads one product from the Admin API into the mirror (webhooks carry the
 * REST shape without collections, so the product is fetched fresh). A product
 * the store no longer has is removed from the mirror. The product is routed
 * again only when a field the shop's enabled rules read changed: Shotlane's
 * own media writes fire products/update too, and must come to nothing more
 * than a refreshed mirror.
 */
export async function refreshMirrorProduct(db: PrismaClient, admin: AdminGraphqlClient, shopId: string, productId: string): Promise<RefreshOutcome> {
  const { data } = await adminQuery(admin, PRODUCT_MIRROR_QUERY, productSchema, { variables: { id: productId } });
  if (!data.product) {
    await db.product.deleteMany({ where: { id: productId, shopId } });
    return { outcome: "removed" };
  }
  await ensureShop(db, shopId);
  const after = toMirrorProduct(data.product);
  const before = await mirroredRoutingInputs(db, shopId, productId);
  await upsertMirrorProducts(db, shopId, [after]);

  const { rules, defaultTier } = await loadRules(db, shopId);
  let outcome: "mirrored" | "rerouted" | "unchanged";
  let fields: RoutingField[] = [];
  if (!before?.routed) outcome = "mirrored";
  else {
    const read = fieldsReadByRules(rules);
    fields = changedRoutingFields(before.inputs, routingInputsOf(after)).filter((field) => read.has(field));
    outcome = fields.length > 0 ? "rerouted" : "unchanged";
  }
  if (outcome !== "unchanged") await rerouteProducts(db, shopId, { id: productId }, compileRouter(rules, defaultTier));
  const routed = await db.product.findUnique({ where: { id: productId }, select: { tier: true } });
  return { outcome, fields, tier: routed?.tier ?? null };
}

export async function removeMirrorProduct(db: PrismaClient, shopId: string, productId: string): Promise<number> {
  const { count } = await db.product.deleteMany({ where: { id: productId, shopId } });
  return count;
}
