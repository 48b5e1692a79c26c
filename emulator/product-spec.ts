import { z } from "zod";

/**
 * What the emulator's admin endpoints accept to create or change a product,
 * as a merchant would in the Shopify admin. Everything but the title has a
 * default drawn from the seed generator.
 */
export const productSpecSchema = z.object({
  title: z.string().trim().min(1, "title is required"),
  handle: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "handle must be lowercase letters, digits and dashes").optional(),
  productType: z.string().optional(),
  vendor: z.string().optional(),
  status: z.enum(["ACTIVE", "DRAFT", "ARCHIVED"]).optional(),
  tags: z.array(z.string().trim().min(1)).optional(),
  /** Collection titles; unknown titles are an error, not silently dropped. */
  collections: z.array(z.string()).optional(),
  colors: z.array(z.string().min(1)).min(1).optional(),
  sizes: z.array(z.string().min(1)).min(1).optional(),
  price: z.string().regex(/^\d+(\.\d{1,2})?$/, "price must be a decimal such as 49.00").optional(),
  skuPrefix: z.string().optional(),
  /** Give the product a rendered flat-lay image (default true). */
  withFlatLay: z.boolean().optional(),
});

export type ProductSpec = z.input<typeof productSpecSchema>;

export const productChangesSchema = z
  .object({
    title: z.string().trim().min(1, "title must not be empty"),
    descriptionHtml: z.string(),
    tags: z.array(z.string().trim().min(1)),
    productType: z.string(),
    vendor: z.string(),
    status: z.enum(["ACTIVE", "DRAFT", "ARCHIVED"]),
  })
  .partial();

export type ProductChanges = z.input<typeof productChangesSchema>;

/** Zod issues as `{ field, message }`, the shape the admin endpoints answer 422 with. */
export function fieldErrors(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.map((issue) => ({ field: issue.path.join(".") || "(body)", message: issue.message }));
}
