import type { Job } from "bullmq";
import { refreshMirrorProduct, type RefreshOutcome } from "../../app/catalog/product-refresh.server";
import { env } from "../../app/config/env";
import prisma from "../../app/db.server";
import { onProductCreated, type AutoProduceOutcome } from "../../app/production/auto-produce.server";
import { offlineAdmin } from "../../app/shopify/offline-admin.server";
import { recordDeliveryOutcome, webhookIdOfJob } from "../../app/webhooks/delivery-ledger.server";
import { catalogProductQueue, parseJobPayload } from "../queues";

export interface CatalogProductResult {
  refresh: RefreshOutcome | { outcome: "skipped: shop uninstalled" };
  /** products/create only: what automatic production decided. */
  auto?: AutoProduceOutcome;
}

/** One line for the delivery ledger: "processed: rerouted (tags, price)", "processed: mirrored, auto order opened" … */
function summary(result: CatalogProductResult): string {
  const { refresh, auto } = result;
  if (refresh.outcome === "skipped: shop uninstalled") return refresh.outcome;
  const parts = [refresh.outcome === "rerouted" ? `rerouted (${refresh.fields.join(", ")})` : refresh.outcome];
  if (auto) parts.push(auto.code === "opened" ? "auto order opened" : `no auto order (${auto.code})`);
  if (auto?.draftHold === "held") parts.push("held as draft");
  return `processed: ${parts.join(", ")}`;
}

/**
 * products/create and products/update: the product is re-read into the
 * mirror (and re-routed when a rule-relevant field changed); for a create,
 * automatic production follows. An update never opens anything, so the app's
 * own media writes, which fire products/update, cannot loop.
 */
export async function processCatalogProduct(job: Job): Promise<CatalogProductResult> {
  const { shopId, productId, trigger } = parseJobPayload(catalogProductQueue, job.data);
  const webhookId = webhookIdOfJob(job.id);
  const shop = await prisma.shop.findUnique({ where: { id: shopId }, select: { uninstalledAt: true } });
  let result: CatalogProductResult;
  if (shop?.uninstalledAt) {
    // No session any more; app/uninstalled canceled the shop's work.
    result = { refresh: { outcome: "skipped: shop uninstalled" } };
  } else {
    const { admin } = await offlineAdmin(shopId);
    const refresh = await refreshMirrorProduct(prisma, admin, shopId, productId);
    const auto = trigger === "created" && refresh.outcome !== "removed" ? await onProductCreated(prisma, admin, shopId, productId, { demo: env().demo }) : undefined;
    result = { refresh, ...(auto ? { auto } : {}) };
  }
  if (webhookId) await recordDeliveryOutcome(prisma, webhookId, summary(result));
  return result;
}
