import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { recordAuditEvent } from "../audit/audit.server";
import { adminQuery, type AdminGraphqlClient } from "../shopify/admin-graphql.server";

/**
 * The optional draft hold (PublishingSettings.draftUntilPublished, issue #7):
 * a new ACTIVE product that gets an automatic production order is set to
 * DRAFT, so shoppers never see it without its visuals, and set ACTIVE again
 * once its publications are ready. Product.draftHeldAt marks the hold; only a
 * product Shotlane itself held is ever set ACTIVE by it, so a product the
 * merchant created as a draft stays one.
 */

export const PRODUCT_STATUS_QUERY = `#graphql
  query DraftHoldProductStatus($id: ID!) {
    product(id: $id) {
      id
      status
    }
  }
`;

export const PRODUCT_STATUS_UPDATE_MUTATION = `#graphql
  mutation DraftHoldSetProductStatus($product: ProductUpdateInput!) {
    productUpdate(product: $product) {
      product {
        id
        status
      }
      userErrors {
        field
        message
      }
    }
  }
`;

const statusSchema = z.object({ product: z.object({ id: z.string(), status: z.string() }).nullable() });
const updateSchema = z.object({
  productUpdate: z.object({
    product: z.object({ id: z.string(), status: z.string() }).nullable(),
    userErrors: z.array(z.object({ field: z.array(z.string()).nullable(), message: z.string() })),
  }),
});

/** Shopify refused the status change; the message names the product and what stays as it was. */
export class DraftHoldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DraftHoldError";
  }
}

async function setProductStatus(admin: AdminGraphqlClient, productId: string, status: "ACTIVE" | "DRAFT"): Promise<{ ok: true } | { ok: false; errors: string }> {
  const { data } = await adminQuery(admin, PRODUCT_STATUS_UPDATE_MUTATION, updateSchema, { variables: { product: { id: productId, status } } });
  const { userErrors, product } = data.productUpdate;
  if (userErrors.length > 0) return { ok: false, errors: userErrors.map((e) => `${e.field?.join(".") ?? "product"}: ${e.message}`).join("; ") };
  if (product?.status !== status) return { ok: false, errors: `Shopify answered with status ${product?.status ?? "none"}` };
  return { ok: true };
}

/**
 * Sets a new ACTIVE product to DRAFT and marks the hold. The mark is written
 * before the call, so a crash between the two leaves a hold that
 * releaseDraftHold lifts harmlessly, never a DRAFT product nobody releases.
 * Returns whether the product is now held; a product that is not ACTIVE in
 * the mirror, or is already held, is left alone.
 */
export async function holdNewProductAsDraft(db: PrismaClient, admin: AdminGraphqlClient, shopId: string, productId: string, options: { actor?: string } = {}): Promise<boolean> {
  const actor = options.actor ?? "shotlane:draft-hold";
  const heldAt = new Date();
  const { count } = await db.product.updateMany({ where: { id: productId, shopId, status: "ACTIVE", draftHeldAt: null }, data: { draftHeldAt: heldAt } });
  if (count === 0) return false;
  const unmark = () => db.product.updateMany({ where: { id: productId, shopId, draftHeldAt: heldAt }, data: { draftHeldAt: null } });
  let result: Awaited<ReturnType<typeof setProductStatus>>;
  try {
    result = await setProductStatus(admin, productId, "DRAFT");
  } catch (error) {
    // Not a refusal (network, throttling beyond the retries): the caller's retry tries again.
    await unmark();
    throw error;
  }
  if (!result.ok) {
    await unmark();
    await recordAuditEvent(db, { shopId, actor, action: "publishing.draft-hold.failed", subjectType: "Product", subjectId: productId, data: { error: result.errors } });
    throw new DraftHoldError(`Shopify refused to set product ${productId} to DRAFT (${result.errors}); it stays ACTIVE and its production order is unaffected.`);
  }
  await recordAuditEvent(db, {
    shopId,
    actor,
    action: "publishing.draft-hold.set",
    subjectType: "Product",
    subjectId: productId,
    data: { from: "ACTIVE", to: "DRAFT", note: "Kept in DRAFT until its visuals are published (Settings: draft until published)." },
  });
  return true;
}

/**
 * Lifts Shotlane's draft hold: sets the product ACTIVE again and clears
 * draftHeldAt. The publishing service calls it once every publication of the
 * product is ready. Returns false when there is no hold to lift (never held,
 * or already released by a concurrent call). A product the merchant has
 * meanwhile set to another status (ACTIVE or ARCHIVED by hand) keeps it: the
 * hold is cleared without a status change.
 */
export async function releaseDraftHold(db: PrismaClient, admin: AdminGraphqlClient, shopId: string, productId: string, options: { actor?: string } = {}): Promise<boolean> {
  const actor = options.actor ?? "shotlane:publishing";
  const row = await db.product.findFirst({ where: { id: productId, shopId }, select: { draftHeldAt: true } });
  if (!row?.draftHeldAt) return false;
  const heldAt = row.draftHeldAt;
  // Claimed first, so two publications finishing together release once.
  const { count } = await db.product.updateMany({ where: { id: productId, shopId, draftHeldAt: heldAt }, data: { draftHeldAt: null } });
  if (count === 0) return false;
  const restore = () => db.product.updateMany({ where: { id: productId, shopId, draftHeldAt: null }, data: { draftHeldAt: heldAt } });

  let statusNow: string | null;
  let result: Awaited<ReturnType<typeof setProductStatus>> | null = null;
  try {
    statusNow = (await adminQuery(admin, PRODUCT_STATUS_QUERY, statusSchema, { variables: { id: productId } })).data.product?.status ?? null;
    if (statusNow === "DRAFT") result = await setProductStatus(admin, productId, "ACTIVE");
  } catch (error) {
    await restore();
    throw error;
  }
  if (result && !result.ok) {
    await restore();
    await recordAuditEvent(db, { shopId, actor, action: "publishing.draft-hold.release-failed", subjectType: "Product", subjectId: productId, data: { error: result.errors } });
    throw new DraftHoldError(`Shopify refused to set product ${productId} back to ACTIVE (${result.errors}); it stays in DRAFT and the hold is kept, so publishing can release it again.`);
  }
  await recordAuditEvent(db, {
    shopId,
    actor,
    action: "publishing.draft-hold.released",
    subjectType: "Product",
    subjectId: productId,
    data: result ? { from: "DRAFT", to: "ACTIVE", heldSince: heldAt.toISOString() } : { statusLeft: statusNow, heldSince: heldAt.toISOString(), note: "The merchant had changed the status since; it was left as they set it." },
  });
  return true;
}
