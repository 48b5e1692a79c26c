import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { rerouteProducts } from "../routing/routing.server";
import { adminQuery, type AdminGraphqlClient } from "../shopify/admin-graphql.server";
import { PRODUCT_MIRROR_QUERY } from "./catalog-queries";
import { ensureShop } from "./catalog-sync.server";
import { upsertMirrorProducts } from "./mirror.server";
import { productNodeSchema, toMirrorProduct } from "./product-mirror";

const productSchema = z.object({ product: productNodeSchema.nullable() });

/**
 * Re-reads one product from the Admin API into the mirror (webhooks carry the
 * REST shape without collections, so the product is fetched fresh). A product
 * the store no longer has is removed from the mirror.
 */
export async function refreshMirrorProduct(db: PrismaClient, admin: AdminGraphqlClient, shopId: string, productId: string): Promise<"upserted" | "removed"> {
  const { data } = await adminQuery(admin, PRODUCT_MIRROR_QUERY, productSchema, { variables: { id: productId } });
  if (!data.product) {
    await db.product.deleteMany({ where: { id: productId, shopId } });
    return "removed";
  }
  await ensureShop(db, shopId);
  await upsertMirrorProducts(db, shopId, [toMirrorProduct(data.product)]);
  await rerouteProducts(db, shopId, { id: productId });
  return "upserted";
}

export async function removeMirrorProduct(db: PrismaClient, shopId: string, productId: string): Promise<number> {
  const { count } = await db.product.deleteMany({ where: { id: productId, shopId } });
  return count;
}
