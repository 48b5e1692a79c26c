import { z } from "zod";

/** At most this many products per bulk action (Polaris' page of the list, and one request's worth of work). */
export const MAX_SELECTED_PRODUCTS = 250;

/**
 * The product list's selection as a form field: a JSON list of Product GIDs,
 * 1 to 250, duplicates dropped. `verb` names the action in the error ("pin at
 * most 250 products at once").
 */
export function selectedProductIds(verb: string) {
  return z
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
        .max(MAX_SELECTED_PRODUCTS, `${verb} at most ${MAX_SELECTED_PRODUCTS} products at once`)
        .transform((ids) => [...new Set(ids)]),
    );
}

/** One line naming each bad field and its fix, for a bulk action's error banner. */
export function describeFormIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "form"}: ${i.message}`).join("; ");
}
