import { z } from "zod";
import type { RuleConditions, Tier, TierRule } from "./tier-rules";

const tier = z.coerce
  .number({ error: "choose tier 1, 2 or 3" })
  .refine((n): n is Tier => n === 1 || n === 2 || n === 3, "choose tier 1, 2 or 3") as unknown as z.ZodType<Tier>;

/** "49.90" → 4990; refuses anything that is not a plain amount. */
const money = z
  .union([z.string(), z.number()])
  .transform((value, ctx) => {
    const text = String(value).trim().replace(",", ".");
    if (!/^\d+(\.\d{1,2})?$/.test(text)) {
      ctx.addIssue({ code: "custom", message: "must be a number such as 49.90" });
      return z.NEVER;
    }
    return Math.round(Number(text) * 100);
  });

const textList = z.array(z.string().trim().min(1, "must not be empty")).max(200, "list at most 200 values");
const optionalText = z
  .string()
  .trim()
  .max(200, "use at most 200 characters")
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const conditionsSchema = z
  .object({
    collectionIds: textList.optional(),
    tags: z.object({ mode: z.enum(["any", "all", "none"], { error: "choose any, all or none" }), values: textList.min(1, "list at least one tag") }).optional(),
    productTypes: textList.optional(),
    vendors: textList.optional(),
    statuses: z.array(z.enum(["ACTIVE", "DRAFT", "ARCHIVED"], { error: "choose active, draft or archived" })).optional(),
    price: z
      .object({ on: z.enum(["min", "max"], { error: "choose the minimum or maximum variant price" }), min: money.optional(), max: money.optional() })
      .superRefine((price, ctx) => {
        if (price.min === undefined && price.max === undefined) ctx.addIssue({ code: "custom", path: ["min"], message: "give a minimum, a maximum or both" });
        if (price.min !== undefined && price.max !== undefined && price.min > price.max) {
          ctx.addIssue({ code: "custom", path: ["min"], message: "the minimum price must not be above the maximum" });
        }
      })
      .optional(),
    titleContains: optionalText,
    skuContains: optionalText,
    createdAfter: z
      .string()
      .trim()
      .refine((v) => v === "" || !Number.isNaN(Date.parse(v)), "must be a date such as 2026-01-31")
      .transform((v) => (v === "" ? undefined : v))
      .optional(),
    imageCount: z
      .object({
        op: z.enum(["lt", "lte", "eq", "gte", "gt"], { error: "choose a comparison" }),
        value: z.coerce.number({ error: "must be a whole number" }).int("must be a whole number").min(0, "must be 0 or more").max(250, "a product has at most 250 media"),
      })
      .optional(),
  })
  .strict();

const ruleSchema = z.object({
  id: z.string().optional(),
  name: z.string().trim().min(1, "give the rule a name").max(100, "use at most 100 characters"),
  enabled: z.boolean().default(true),
  tier,
  conditions: conditionsSchema,
});

/** The whole rules form: default tier plus the ordered rules (order = priority). */
export const rulesFormSchema = z.object({
  defaultTier: tier,
  rules: z.array(ruleSchema).max(200, "a shop can have at most 200 rules"),
});

export type RulesFormInput = z.input<typeof rulesFormSchema>;

function toConditions(input: z.infer<typeof conditionsSchema>): RuleConditions {
  const conditions: RuleConditions = {};
  if (input.collectionIds?.length) conditions.collectionIds = input.collectionIds;
  if (input.tags) conditions.tags = input.tags;
  if (input.productTypes?.length) conditions.productTypes = input.productTypes;
  if (input.vendors?.length) conditions.vendors = input.vendors;
  if (input.statuses?.length) conditions.statuses = input.statuses;
  if (input.price) conditions.price = { on: input.price.on, ...(input.price.min !== undefined ? { minCents: input.price.min } : {}), ...(input.price.max !== undefined ? { maxCents: input.price.max } : {}) };
  if (input.titleContains) conditions.titleContains = input.titleContains;
  if (input.skuContains) conditions.skuContains = input.skuContains;
  if (input.createdAfter) conditions.createdAfter = input.createdAfter;
  if (input.imageCount) conditions.imageCount = input.imageCount;
  return conditions;
}

export type RuleDraft = Omit<TierRule, "id"> & { id?: string };

export type ParsedRules = { ok: true; defaultTier: Tier; rules: RuleDraft[] } | { ok: false; errors: Record<string, string> };

/**
 * Validates the rules form. Errors are keyed by field path
 * (`rules.2.conditions.price.min`) with a message saying what to do; nothing
 * is half-accepted. Collections must be ones the shop has.
 */
export function parseRulesForm(input: unknown, knownCollectionIds: ReadonlySet<string>): ParsedRules {
  const result = rulesFormSchema.safeParse(input);
  const errors: Record<string, string> = {};
  if (!result.success) {
    for (const issue of result.error.issues) errors[issue.path.join(".")] ??= issue.message;
    return { ok: false, errors };
  }
  const rules = result.data.rules.map((rule, index) => {
    const conditions = toConditions(rule.conditions);
    if (Object.keys(conditions).length === 0) errors[`rules.${index}.conditions`] = "add at least one condition: a rule without conditions would match every product";
    const unknown = (conditions.collectionIds ?? []).filter((id) => !knownCollectionIds.has(id));
    if (unknown.length) errors[`rules.${index}.conditions.collectionIds`] = `unknown collection ${unknown.join(", ")}: sync the catalog or pick a collection from the list`;
    return { ...(rule.id ? { id: rule.id } : {}), name: rule.name, enabled: rule.enabled, tier: rule.tier, conditions };
  });
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, defaultTier: result.data.defaultTier, rules };
}
