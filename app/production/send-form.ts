import { z } from "zod";

export const MAX_SEND_PRODUCTS = 250;

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
  .pipe(
    z
      .array(z.string().startsWith("gid://shopify/Product/", "each id must be a Product GID"))
      .min(1, "select at least one product")
      .max(MAX_SEND_PRODUCTS, `send at most ${MAX_SEND_PRODUCTS} products at once`)
      // A repeated id would be refused as "already in production" by its own twin.
      .transform((ids) => [...new Set(ids)]),
  );

/** The "Send to production" form: the selected products, as a JSON list of GIDs. */
export const sendFormSchema = z.object({ productIds });

export function parseSendForm(form: Record<string, unknown>): { ok: true; productIds: string[] } | { ok: false; error: string } {
  const parsed = sendFormSchema.safeParse(form);
  if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join(".") || "form"}: ${i.message}`).join("; ") };
  return { ok: true, productIds: parsed.data.productIds };
}
