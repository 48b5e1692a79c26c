import type { CountOp, RuleConditions, TagMode, TierRule } from "./tier-rules";

/** A rule as the editor holds it: every field a string or list, as form controls give them. */
export interface RuleDraftFields {
  key: string;
  id?: string;
  name: string;
  enabled: boolean;
  tier: string;
  collectionIds: string[];
  tagMode: TagMode;
  tags: string;
  productTypes: string[];
  vendors: string[];
  statuses: string[];
  priceOn: "min" | "max";
  priceMin: string;
  priceMax: string;
  titleContains: string;
  skuContains: string;
  createdAfter: string;
  imageOp: CountOp | "";
  imageValue: string;
}

const cents = (value: number | undefined) => (value === undefined ? "" : (value / 100).toFixed(2));

export function emptyDraft(key: string): RuleDraftFields {
  return {
    key,
    name: "",
    enabled: true,
    tier: "2",
    collectionIds: [],
    tagMode: "any",
    tags: "",
    productTypes: [],
    vendors: [],
    statuses: [],
    priceOn: "max",
    priceMin: "",
    priceMax: "",
    titleContains: "",
    skuContains: "",
    createdAfter: "",
    imageOp: "",
    imageValue: "",
  };
}

export function toDraft(rule: TierRule): RuleDraftFields {
  const c = rule.conditions;
  return {
    ...emptyDraft(rule.id),
    id: rule.id,
    name: rule.name,
    enabled: rule.enabled,
    tier: String(rule.tier),
    collectionIds: c.collectionIds ?? [],
    tagMode: c.tags?.mode ?? "any",
    tags: (c.tags?.values ?? []).join(", "),
    productTypes: c.productTypes ?? [],
    vendors: c.vendors ?? [],
    statuses: c.statuses ?? [],
    priceOn: c.price?.on ?? "max",
    priceMin: cents(c.price?.minCents),
    priceMax: cents(c.price?.maxCents),
    titleContains: c.titleContains ?? "",
    skuContains: c.skuContains ?? "",
    createdAfter: c.createdAfter ?? "",
    imageOp: c.imageCount?.op ?? "",
    imageValue: c.imageCount ? String(c.imageCount.value) : "",
  };
}

/** The rules form's JSON payload (validated on the server by rule-schema.ts). */
export function toPayload(drafts: RuleDraftFields[], defaultTier: string) {
  return {
    defaultTier,
    rules: drafts.map((d) => {
      const conditions: Record<string, unknown> = {};
      if (d.collectionIds.length) conditions.collectionIds = d.collectionIds;
      const tags = d.tags.split(",").map((t) => t.trim()).filter(Boolean);
      if (tags.length) conditions.tags = { mode: d.tagMode, values: tags };
      if (d.productTypes.length) conditions.productTypes = d.productTypes;
      if (d.vendors.length) conditions.vendors = d.vendors;
      if (d.statuses.length) conditions.statuses = d.statuses;
      if (d.priceMin.trim() || d.priceMax.trim()) {
        conditions.price = { on: d.priceOn, ...(d.priceMin.trim() ? { min: d.priceMin } : {}), ...(d.priceMax.trim() ? { max: d.priceMax } : {}) };
      }
      if (d.titleContains.trim()) conditions.titleContains = d.titleContains;
      if (d.skuContains.trim()) conditions.skuContains = d.skuContains;
      if (d.createdAfter.trim()) conditions.createdAfter = d.createdAfter;
      if (d.imageOp) conditions.imageCount = { op: d.imageOp, value: d.imageValue };
      return { ...(d.id ? { id: d.id } : {}), name: d.name, enabled: d.enabled, tier: d.tier, conditions: conditions as RuleConditions };
    }),
  };
}

/** Moves one item of a list up (-1) or down (+1); out-of-range moves change nothing. */
export function move<T>(items: T[], index: number, by: -1 | 1): T[] {
  const target = index + by;
  if (target < 0 || target >= items.length) return items;
  const copy = [...items];
  [copy[index], copy[target]] = [copy[target], copy[index]];
  return copy;
}
