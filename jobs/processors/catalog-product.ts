import type { Job } from "bullmq";
import { refreshMirrorProduct } from "../../app/catalog/product-refresh.server";
import prisma from "../../app/db.server";
import { offlineAdmin } from "../../app/shopify/offline-admin.server";
import { catalogProductQueue, parseJobPayload } from "../queues";

export async function processCatalogProduct(job: Job): Promise<{ outcome: string }> {
  const { shopId, productId } = parseJobPayload(catalogProductQueue, job.data);
  const { admin } = await offlineAdmin(shopId);
  return { outcome: await refreshMirrorProduct(prisma, admin, shopId, productId) };
}
