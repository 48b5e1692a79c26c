import { z } from "zod";
import { catalogProductQueue, enqueue } from "../../jobs/queues";
import { recordAuditEvent } from "../audit/audit.server";
import { ensureShop } from "../catalog/catalog-sync.server";
import { removeMirrorProduct } from "../catalog/product-refresh.server";
import prisma from "../db.server";
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
 * products/create and products/update: re-read the product into the mirror in
 * the background. A delivery older than what the mirror holds (Shopify does not
 * deliver in order) is stale and skipped.
 */
export async function handleProductChanged(context: WebhookContext): Promise<WebhookOutcome> {
  const parsed = productPayloadSchema.safeParse(context.payload);
  if (!parsed.success) return logMalformed(context, parsed.error);
  if (parsed.data.updated_at) {
    const mirrored = await prisma.product.findUnique({ where: { id: parsed.data.admin_graphql_api_id }, select: { shopifyUpdatedAt: true } });
    if (mirrored && mirrored.shopifyUpdatedAt.getTime() >= Date.parse(parsed.data.updated_at)) return "ignored: stale";
  }
  await enqueue(
    catalogProductQueue,
    { shopId: context.shop, productId: parsed.data.admin_graphql_api_id },
    // The webhook id makes a duplicate delivery the same job.
    { jobId: `webhook-${context.webhookId}` },
  );
}

export async function handleProductDeleted(context: WebhookContext): Promise<WebhookOutcome> {
  const parsed = deletedProductPayloadSchema.safeParse(context.payload);
  if (!parsed.success) return logMalformed(context, parsed.error);
  await removeMirrorProduct(prisma, context.shop, `gid://shopify/Product/${parsed.data.id}`);
}

export async function handleAppUninstalled(context: WebhookContext): Promise<void> {
  // The session may already be gone if this webhook was delivered before.
  await prisma.session.deleteMany({ where: { shop: context.shop } });
  await prisma.shop.updateMany({ where: { id: context.shop }, data: { uninstalledAt: new Date() } });
}

const scopesPayloadSchema = z.object({ current: z.array(z.string()) });

export async function handleScopesUpdate(context: WebhookContext): Promise<WebhookOutcome> {
  const parsed = scopesPayloadSchema.safeParse(context.payload);
  if (!parsed.success) return logMalformed(context, parsed.error);
  if (context.session) {
    await prisma.session.update({ where: { id: context.session.id }, data: { scope: parsed.data.current.toString() } });
  }
}

/** Shotlane stores no customer data: the request is recorded, and there is nothing to export or erase. */
export async function handleCustomerPrivacyRequest(context: WebhookContext): Promise<void> {
  await ensureShop(prisma, context.shop);
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
 * shop/redact (48 h after uninstall): erase everything Shotlane holds for the
 * shop. Tables without a foreign key to Shop are deleted by name; the rest go
 * with the Shop row's cascade.
 */
export async function handleShopRedact(context: WebhookContext): Promise<void> {
  await prisma.$transaction([
    prisma.session.deleteMany({ where: { shop: context.shop } }),
    prisma.webhookDelivery.deleteMany({ where: { shopId: context.shop } }),
    prisma.productionPlan.deleteMany({ where: { shopId: context.shop } }),
    prisma.shop.deleteMany({ where: { id: context.shop } }),
  ]);
}

/** bulk_operations/finish: acknowledged; bulk catalog sync arrives with issue #3. */
export async function handleBulkOperationFinish(_context: WebhookContext): Promise<void> {}
