import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { recordAuditEvent } from "../audit/audit.server";
import { describeFormIssues, selectedProductIds } from "../catalog/product-selection";
import prisma from "../db.server";
import { calendarDateSchema, isoDate } from "./shot-list";

/**
 * Launch date and priority of products, set in bulk from the product list:
 * shot lists shoot the earliest launches first and, among equal dates, the
 * lower priority number first.
 */

const blankToNull = (value: unknown) => (typeof value === "string" && value.trim() === "" ? null : value);

export const launchFormSchema = z.object({
  productIds: selectedProductIds("set the launch date of"),
  launchDate: z.preprocess(
    blankToNull,
    calendarDateSchema({ format: "write the launch date as YYYY-MM-DD, or leave it blank to clear it", notText: "launchDate: write the date as YYYY-MM-DD, or leave it blank to clear it" }).nullable(),
  ),
  priority: z.preprocess(
    blankToNull,
    z.coerce
      .number({ error: "priority must be a whole number from 1 (first) to 5, or blank" })
      .int("priority must be a whole number from 1 (first) to 5, or blank")
      .min(1, "priority must be a whole number from 1 (first) to 5, or blank")
      .max(5, "priority must be a whole number from 1 (first) to 5, or blank")
      .nullable(),
  ),
});

export type LaunchResult = { ok: true; updated: number; launchDate: string | null; priority: number | null; message: string } | { ok: false; error: string };

/** Writes launch date and priority (blank clears) onto the shop's selected products, with an audit event. */
export async function setLaunchDates(db: PrismaClient, shopId: string, form: Record<string, unknown>, actor: string): Promise<LaunchResult> {
  const parsed = launchFormSchema.safeParse(form);
  if (!parsed.success) return { ok: false, error: describeFormIssues(parsed.error) };
  const { productIds, launchDate, priority } = parsed.data;
  const updated = await db.$transaction(async (tx) => {
    const result = await tx.product.updateMany({ where: { shopId, id: { in: productIds } }, data: { launchDate, priority } });
    await recordAuditEvent(tx, {
      shopId,
      actor,
      action: "studio.launch-dates.set",
      subjectType: "Product",
      data: { productIds, launchDate: launchDate ? isoDate(launchDate) : null, priority, updated: result.count },
    });
    return result.count;
  });
  const what = [launchDate ? `launch date ${isoDate(launchDate)}` : "no launch date", priority ? `priority ${priority}` : "no priority"].join(" and ");
  return { ok: true, updated, launchDate: launchDate ? isoDate(launchDate) : null, priority, message: `${updated} product${updated === 1 ? "" : "s"} now ${updated === 1 ? "has" : "have"} ${what}.` };
}

/** The product list's bulk action (POST /api/products/launch). */
export function setLaunchDatesFromForm(shopId: string, form: Record<string, unknown>, actor: string): Promise<LaunchResult> {
  return setLaunchDates(prisma, shopId, form, actor);
}
