import { z } from "zod";
import type { Tier } from "./tier-rules";

const productIds = z
  .string({ error: "productIds is missing: select products first" })
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "productIds must be a JSON list of product ids" });
      return z.NEVER;
    }
  })
  .pipe(z.array(z.string().startsWith("gid://shopify/Product/", "each id must be a Product GID")).min(1, "select at least one product").max(250, "pin at most 250 products at once"));

/** The pin form: a tier (or "none" to remove pins) for a selection of products. */
export const pinFormSchema = z.object({
  tier: z.enum(["1", "2", "3", "none"], { error: "tier must be 1, 2, 3 or none" }).transform((t): Tier | null => (t === "none" ? null : (Number(t) as Tier))),
  productIds,
});

export function parsePinForm(form: Record<string, unknown>): { ok: true; tier: Tier | null; productIds: string[] } | { ok: false; error: string } {
  const parsed = pinFormSchema.safeParse(form);
  if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join(".") || "form"}: ${i.message}`).join("; ") };
  return { ok: true, ...parsed.data };
}
