import { z } from "zod";
import { describeFormIssues, MAX_SELECTED_PRODUCTS, selectedProductIds } from "../catalog/product-selection";

export const MAX_SEND_PRODUCTS = MAX_SELECTED_PRODUCTS;

/** The "Send to production" form: the selected products, as a JSON list of GIDs (a repeated id would be refused as "already in production" by its own twin, so duplicates are dropped). */
export const sendFormSchema = z.object({ productIds: selectedProductIds("send") });

export function parseSendForm(form: Record<string, unknown>): { ok: true; productIds: string[] } | { ok: false; error: string } {
  const parsed = sendFormSchema.safeParse(form);
  if (!parsed.success) return { ok: false, error: describeFormIssues(parsed.error) };
  return { ok: true, productIds: parsed.data.productIds };
}
