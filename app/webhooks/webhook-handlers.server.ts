import { z } from "zod";
import { catalogProductQueue, enqueue } from "../../jobs/queues";
import { recordAuditEvent } from "../audit/audit.server";
import { ensureShop } from "../catalog/catalog-sync.server";
import prisma from "../db.server";
import { cancelWithShopProvider } from "../shop-lifecycle/open-work.server";
import { onProductDeleted } from "../shop-lifecycle/product-deleted.server";
import { redactShop } from "../shop-lifecycle/shop-redact.server";
import { stopShop } from "../shop-lifecycle/uninstall.server";
import { assetStore } from "../storage/asset-store.server";
import { ENQUEUED, webhookJobId } from "./delivery-ledger.server";
import type { WebhookContext, WebhookOutcome } from "./receive-webhook.server";

const productPayloadSchema = z.object({
  admin_graphql_api_id: z.string().startsWith("gid://shopify/Product/"),
  updated_at: z.string().refine((v) => !Number.isNaN(Date.parse(v)), "must be an ISO date").optional(),
});
const deletedProductPayloadSchema = z.object({ id: z.union([z.number().int(), z.string().regex(/^\d+$/)]) });

/**
 * A malformed payload is logged and acknowledged: Shopify would otherwise retry
 * the same bad body for hours, and nothing is written.
 */
function logMalformed(context: WebhookContext, error: z.ZodError): WebhookOutcome {
  console.warn(`Ignored malformed ${context.topic} webhook ${context.webhookId} from ${context.shop}: ${z.prettifyError(error)}`);
  return "ignored: malformed payload";
}

/**
 * products/create: acknowledged as soon as the refresh job is queued (well
 * under Shopify's 1-second connect and 5-second answer limits). The worker
 * mirrors and routes the product, then may open an automatic production order
 * (onProductCreated). No stale check here: a create must reach the worker even
 * when a products/update of the same product got there first.
 */
export async function handleProductCreated(context: WebhookContext): Promise<WebhookOutcome> {
  const parsed = productPayloadSchema.safeParse(context.payload);
  if (!parsed.success) return logMalformed(context, parsed.error);
  await enqueueProductRefresh(context, parsed.data.admin_graphql_api_id, "created");
  return ENQUEUED;
}

/**
 * products/update: re-read the product into the mirror in the background (and
 * re-route it if a rule-relevant field changed). A delivery older than what
 * the mirror holds (Shopify does not deliver in order) is stale and skipped.
 * It never opens an order or a publication: Shotlane's own media writes fire
 * this topic too.
 */
export async function handleProductUpdated(context: WebhookContext): Promise<WebhookOutcome> {
  const parsed = productPayloadSchema.safeParse(context.payload);
  if (!parsed.success) return logMalformed(context, parsed.error);
  if (parsed.data.updated_at) {
    const mirrored = await prisma.product.findUnique({ where: { id: parsed.data.admin_graphql_api_id }, select: { shopifyUpdatedAt: true } });
    if (mirrored && mirrored.shopifyUpdatedAt.getTime() >= Date.parse(parsed.data.updated_at)) return "ignored: stale";
  }
  await enqueueProductRefresh(context, parsed.data.admin_graphql_api_id, "updated");
  return ENQUEUED;
}

function enqueueProductRefresh(context: WebhookContext, productId: string, trigger: "created" | "updated"): Promise<void> {
  // The webhook id makes a duplicate delivery the same job.
  return enqueue(catalogProductQueue, { shopId: context.shop, productId, trigger }, { jobId: webhookJobId(context.webhookId) });
}

/** products/delete: open work for the product is canceled and its mirror row removed; the audit trail stays. */
export async function handleProductDeleted(context: WebhookContext): Promise<WebhookOutcome> {
  const parsed = deletedProductPayloadSchema.safeParse(context.payload);
  if (!parsed.success) return logMalformed(context, parsed.error);
  const { mirrorRemoved, work } = await onProductDeleted(prisma, context.shop, `gid://shopify/Product/${parsed.data.id}`, {
    actor: "shopify:products/delete",
    cancelAtProvider: cancelWithShopProvider(prisma, context.shop),
  });
  if (!mirrorRemoved && work.orders.length === 0 && work.publications === 0) return "processed: not in the mirror";
  return `processed: ${[mirrorRemoved ? "mirror row removed" : "", work.orders.length ? `${work.orders.length} order(s) canceled` : "", work.publications ? `${work.publications} publication(s) canceled` : ""].filter(Boolean).join(", ")}`;
}

/** app/uninstalled: every job of the shop stops and its sessions go (stopShop); the catalog stays until shop/redact. */
export async function handleAppUninstalled(context: WebhookContext): Promise<WebhookOutcome> {
  const result = await stopShop(prisma, context.shop, { actor: "shopify:app/uninstalled", cancelAtProvider: cancelWithShopProvider(prisma, context.shop) });
  return `processed: ${result.work.orders.length} order(s) and ${result.work.publications} publication(s) canceled, ${result.jobs.removed} job(s) removed${result.firstTime ? "" : " (repeat)"}`;
}

const scopesPayloadSchema = z.object({ current: z.array(z.string()) });

export async function handleScopesUpdate(context: WebhookContext): Promise<WebhookOutcome> {
  const parsed = scopesPayloadSchema.safeParse(context.payload);
  if (!parsed.success) return logMalformed(context, parsed.error);
  if (context.session) {
    await prisma.session.update({ where: { id: context.session.id }, data: { scope: parsed.data.current.toString() } });
  }
}

/**
 * customers/data_request and customers/redact: Shotlane stores no customer
 * data, so there is nothing to export or erase; the request is recorded in
 * the shop's audit trail (by webhook id, without the customer's details,
 * which Shotlane does not keep). A request for a shop Shotlane no longer
 * holds (after shop/redact) is acknowledged without bringing the shop back.
 */
export async function handleCustomerPrivacyRequest(context: WebhookContext): Promise<WebhookOutcome> {
  const shop = await prisma.shop.findUnique({ where: { id: context.shop }, select: { id: true } });
  if (!shop) {
    // Installed but never opened: its Shop row is made now, so the request has a place in the audit trail.
    if ((await prisma.session.count({ where: { shop: context.shop } })) === 0) return "processed: no data held for this shop";
    await ensureShop(prisma, context.shop);
  }
  await recordAuditEvent(prisma, {
    shopId: context.shop,
    actor: "shopify",
    action: `compliance.${context.topic.toLowerCase()}`,
    subjectType: "ComplianceRequest",
    subjectId: context.webhookId,
    data: { note: "Shotlane stores no customer data; nothing to export or redact." },
  });
}

/**
 * shop/redact (48 h after uninstall): erase every row and every stored file
 * of the shop (redactShop); a file another shop also references stays. The
 * delivery's own ledger row goes with the rest.
 */
export async function handleShopRedact(context: WebhookContext): Promise<void> {
  const result = await redactShop(prisma, assetStore(), context.shop);
  if (result.files.failed.length > 0) {
    // The rows are gone, so nothing serves these files any more; they are orphans for the store's operator to remove.
    console.warn(`shop/redact of ${context.shop}: ${result.files.failed.length} stored file(s) could not be deleted: ${result.files.failed.map((f) => `${f.key} (${f.error})`).join("; ")}`);
  }
}

/** bulk_operations/finish: acknowledged; bulk catalog sync arrives with issue #3. */
export async function handleBulkOperationFinish(_context: WebhookContext): Promise<void> {}
