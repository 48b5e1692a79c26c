import { z } from "zod";
import { parseSearchParams } from "../lib/search-params";

export const PRODUCT_PAGE_SIZES = [25, 50, 100] as const;

const optionalText = z
  .string()
  .trim()
  .max(200, "is too long: use at most 200 characters")
  .transform((v) => (v.length === 0 ? undefined : v))
  .optional();

/** The product list's URL parameters: one schema for the page's links and the loader. */
export const productListQuerySchema = z.object({
  q: optionalText,
  type: optionalText,
  vendor: optionalText,
  tag: optionalText,
  collection: optionalText,
  tier: z.enum(["1", "2", "3", "unrouted"], { error: "must be 1, 2, 3 or unrouted" }).optional(),
  lane: z.enum(["studio", "hybrid", "ai"], { error: "must be studio, hybrid or ai" }).optional(),
  gap: z.enum(["on-model", "video", "packshot"], { error: "must be on-model, video or packshot" }).optional(),
  /** The status of the product's newest shot list, or "none" for products never put on one. */
  shotList: z.enum(["none", "draft", "sent", "shooting", "delivered"], { error: "must be none, draft, sent, shooting or delivered" }).optional(),
  page: z.coerce.number({ error: "must be a page number" }).int("must be a whole number").min(1, "must be 1 or more").max(100_000).default(1),
  pageSize: z.coerce
    .number()
    .refine((n) => (PRODUCT_PAGE_SIZES as readonly number[]).includes(n), `must be one of ${PRODUCT_PAGE_SIZES.join(", ")}`)
    .default(50),
});

export type ProductListQuery = z.infer<typeof productListQuerySchema>;

export type ParsedListQuery = { ok: true; query: ProductListQuery } | { ok: false; errors: Record<string, string>; query: ProductListQuery };

/** Parses URL search params; invalid fields fall back to defaults and are reported by name. */
export function parseProductListQuery(params: URLSearchParams): ParsedListQuery {
  const parsed = parseSearchParams(productListQuerySchema, params);
  return parsed.ok ? { ok: true, query: parsed.value } : { ok: false, errors: parsed.errors, query: parsed.value };
}
