import { z } from "zod";
import { parseSearchParams } from "../lib/search-params";
import { PROVIDER_IDS } from "../providers/provider";
import { REVIEW_STATUSES } from "./review-decision";

/**
 * The review grid's URL parameters: one schema for the grid's links, its
 * loader and "Approve all passed" (which approves exactly what the filters
 * show). Pure and browser-safe.
 */

export const REVIEW_PAGE_SIZE = 48;

/** Where an asset came from, as the grid filters it: the studio, one AI provider (the demo provider included), or the store. */
export const REVIEW_SOURCES = ["studio", "store", ...PROVIDER_IDS] as const;
export type ReviewSource = (typeof REVIEW_SOURCES)[number];

/** "open" = work for a person (awaiting review or sign-off); "flagged" = flagged by a reviewer. */
export const REVIEW_STATE_FILTERS = ["open", "flagged", ...REVIEW_STATUSES] as const;

const optionalText = z
  .string()
  .trim()
  .max(200, "is too long: use at most 200 characters")
  .transform((v) => (v.length === 0 ? undefined : v))
  .optional();

export const reviewFiltersSchema = z.object({
  verdict: z.enum(["pass", "flag", "reject"], { error: "must be pass, flag or reject" }).optional(),
  tier: z.enum(["1", "2", "3"], { error: "must be 1, 2 or 3" }).optional(),
  /** A collection's GID. */
  collection: optionalText,
  /** A garment category's key (the recipe's category). */
  category: optionalText,
  source: z.enum(REVIEW_SOURCES, { error: `must be one of ${REVIEW_SOURCES.join(", ")}` }).optional(),
  state: z.enum(REVIEW_STATE_FILTERS, { error: `must be one of ${REVIEW_STATE_FILTERS.join(", ")}` }).default("open"),
  /** A product's GID: the grid for one product (links from the product page). */
  product: optionalText,
  page: z.coerce.number({ error: "must be a page number" }).int("must be a whole number").min(1, "must be 1 or more").max(100_000).default(1),
});

export type ReviewFilters = z.infer<typeof reviewFiltersSchema>;

export type ParsedReviewFilters = { ok: true; filters: ReviewFilters } | { ok: false; errors: Record<string, string>; filters: ReviewFilters };

/** Parses URL search params (or a form); invalid fields fall back to defaults and are reported by name. */
export function parseReviewFilters(params: URLSearchParams): ParsedReviewFilters {
  const parsed = parseSearchParams(reviewFiltersSchema, params);
  return parsed.ok ? { ok: true, filters: parsed.value } : { ok: false, errors: parsed.errors, filters: parsed.value };
}

/** The filters as URL search params, without defaults, for links that keep the current view. */
export function reviewFiltersToParams(filters: Partial<ReviewFilters>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value === undefined || value === null || value === "") continue;
    if (key === "state" && value === "open") continue;
    if (key === "page" && value === 1) continue;
    params.set(key, String(value));
  }
  return params;
}
