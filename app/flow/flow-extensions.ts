import { z } from "zod";
import { fieldErrorsOf, type FieldErrors } from "../recipes/recipe-spec";

/**
 * What Shotlane and Shopify Flow agree on (issue #9): the handles and field
 * keys declared in extensions/flow-*\/shopify.extension.toml, the action's
 * route, the trigger's payload and the action's request body. Pure: the
 * extension test checks these against the tomls.
 */

/** The trigger extension's handle (extensions/flow-visuals-approved). */
export const VISUALS_APPROVED_HANDLE = "visuals-approved";
/** The action extension's handle (extensions/flow-send-to-production). */
export const SEND_TO_PRODUCTION_HANDLE = "send-to-production";
/** The action's runtime_url path: app/routes/flow.actions.send-to-production.ts. */
export const SEND_TO_PRODUCTION_PATH = "/flow/actions/send-to-production";

/**
 * The trigger's payload keys. A `product_reference` field has no key of its
 * own: Flow reads it from `product_id`, the product's numeric id. Custom field
 * keys are the toml's `key`s (Flow allows letters and spaces there).
 */
export const VISUALS_APPROVED_KEYS = { product: "product_id", assetCount: "Asset count", tier: "Tier" } as const;

/** The action's property keys: the product reference arrives as `product_id`, the text field under its toml key. */
export const SEND_TO_PRODUCTION_KEYS = { product: "product_id", recipe: "recipe" } as const;

export interface VisualsApprovedFacts {
  /** The product's GID. */
  productId: string;
  /** Approved assets of the order. */
  assetCount: number;
  tier: number;
}

/** The numeric id of a Product GID (Flow's reference fields take legacy ids). */
export function productLegacyId(productId: string): number {
  const match = /^gid:\/\/shopify\/Product\/(\d+)$/.exec(productId);
  if (!match) throw new Error(`Not a Product GID: ${productId}`);
  return Number(match[1]);
}

/** The flowTriggerReceive payload of "Visuals approved". */
export function visualsApprovedPayload(facts: VisualsApprovedFacts): Record<string, number> {
  return { [VISUALS_APPROVED_KEYS.product]: productLegacyId(facts.productId), [VISUALS_APPROVED_KEYS.assetCount]: facts.assetCount, [VISUALS_APPROVED_KEYS.tier]: facts.tier };
}

/** A product reference as Flow sends it (a numeric id, as a number or a string) or as a GID; normalised to the GID. */
const PRODUCT_REFERENCE_ERROR = "must be the product's id (a number such as 8100000001, or gid://shopify/Product/8100000001): pick the product in the action's Product field";
const productReference = z
  .union([z.number().int(PRODUCT_REFERENCE_ERROR).positive(PRODUCT_REFERENCE_ERROR), z.string().trim().regex(/^(\d+|gid:\/\/shopify\/Product\/\d+)$/, PRODUCT_REFERENCE_ERROR)], { error: PRODUCT_REFERENCE_ERROR })
  .transform((value) => (typeof value === "number" || /^\d+$/.test(value) ? `gid://shopify/Product/${value}` : value));

/** The request body of one action run, as Flow posts it; unknown extra keys (step_reference, …) are ignored. */
export const sendToProductionBodySchema = z.object({
  shop_id: z.union([z.string(), z.number()]).optional(),
  shopify_domain: z.string({ error: "is required: the shop's myshopify.com domain" }).regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, "must be the shop's myshopify.com domain"),
  action_run_id: z.string({ error: "is required: Flow's id of this action run" }).trim().min(1, "must not be empty: Flow's id of this action run").max(255, "is longer than 255 characters"),
  action_definition_id: z.string().optional(),
  handle: z.literal(SEND_TO_PRODUCTION_HANDLE, { error: `must be "${SEND_TO_PRODUCTION_HANDLE}": this endpoint runs only the Send product to Shotlane production action` }).optional(),
  properties: z.object(
    {
      [SEND_TO_PRODUCTION_KEYS.product]: productReference,
      [SEND_TO_PRODUCTION_KEYS.recipe]: z
        .string({ error: "must be text: a garment category key such as dresses" })
        .trim()
        .max(64, "is longer than 64 characters: use a garment category key such as dresses")
        .nullish()
        .transform((value) => value || undefined),
    },
    { error: "is required: the action's fields (product_id, recipe)" },
  ),
});

export type SendToProductionBody = z.infer<typeof sendToProductionBodySchema>;

/** Parses an action run's body; errors are keyed by the field's path (`properties.product_id`). */
export function parseSendToProductionBody(input: unknown): { ok: true; body: SendToProductionBody } | { ok: false; errors: FieldErrors } {
  const parsed = sendToProductionBodySchema.safeParse(input);
  return parsed.success ? { ok: true, body: parsed.data } : { ok: false, errors: fieldErrorsOf(parsed.error) };
}
