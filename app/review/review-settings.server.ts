import type { Prisma, PrismaClient } from "@prisma/client";
import { z } from "zod";
import { recordAuditEvent } from "../audit/audit.server";
import { ensureShop } from "../catalog/catalog-sync.server";
import { fieldErrorsOf, type FieldErrors } from "../recipes/recipe-spec";

/**
 * How a shop reviews: whether a reviewer's approval is final or waits for a
 * second, brand sign-off. Who approved and who signed off is the Shopify staff
 * account of the session that decided, so there is no approver list to keep.
 * A shop without a row gets the defaults.
 */

export interface ReviewSettings {
  brandSignOff: boolean;
}

export const DEFAULT_REVIEW_SETTINGS: ReviewSettings = { brandSignOff: false };

/** Accepts the form's "true"/"false" as well as a boolean. */
export const reviewSettingsSchema = z.strictObject(
  {
    brandSignOff: z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")], { error: "say whether approvals need a brand sign-off: true or false" }),
  },
  { error: (issue) => (issue.code === "unrecognized_keys" ? `only brandSignOff can be set here, not ${issue.keys.join(", ")}` : "send the review settings as an object, e.g. { brandSignOff: true }") },
);

export async function loadReviewSettings(db: PrismaClient | Prisma.TransactionClient, shopId: string): Promise<ReviewSettings> {
  const row = await db.reviewSettings.findUnique({ where: { shopId }, select: { brandSignOff: true } });
  return row ? { brandSignOff: row.brandSignOff } : { ...DEFAULT_REVIEW_SETTINGS };
}

export type SaveReviewSettingsResult = { ok: true; settings: ReviewSettings } | { ok: false; errors: FieldErrors };

/** Validates and stores the settings, with an audit event of before and after; saves nothing when the input is refused. */
export async function saveReviewSettings(db: PrismaClient, shopId: string, actor: string, input: unknown): Promise<SaveReviewSettingsResult> {
  const parsed = reviewSettingsSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: fieldErrorsOf(parsed.error) };
  const after: ReviewSettings = parsed.data;
  await ensureShop(db, shopId);
  await db.$transaction(async (tx) => {
    const before = await loadReviewSettings(tx, shopId);
    await tx.reviewSettings.upsert({ where: { shopId }, create: { shopId, ...after, updatedBy: actor }, update: { ...after, updatedBy: actor } });
    await recordAuditEvent(tx, { shopId, actor, action: "review.settings.saved", subjectType: "ReviewSettings", subjectId: shopId, data: { before: { ...before }, after: { ...after } } });
  });
  return { ok: true, settings: after };
}
