import { z } from "zod";
import { describeFormIssues, selectedProductIds } from "../catalog/product-selection";
import type { Tier } from "./tier-rules";

/** The pin form: a tier (or "none" to remove pins) for a selection of products. */
export const pinFormSchema = z.object({
  tier: z.enum(["1", "2", "3", "none"], { error: "tier must be 1, 2, 3 or none" }).transform((t): Tier | null => (t === "none" ? null : (Number(t) as Tier))),
  productIds: selectedProductIds("pin"),
});

export function parsePinForm(form: Record<string, unknown>): { ok: true; tier: Tier | null; productIds: string[] } | { ok: false; error: string } {
  const parsed = pinFormSchema.safeParse(form);
  if (!parsed.success) return { ok: false, error: describeFormIssues(parsed.error) };
  return { ok: true, ...parsed.data };
}
