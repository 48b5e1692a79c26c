import { z } from "zod";
import type { Tier } from "../routing/tier-rules";

/** The assets a product page can need. */
export const ASSET_KINDS = ["on-model-front", "on-model-back", "on-model-side", "packshot", "detail", "lifestyle", "video"] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

export const ASSET_LABELS: Record<AssetKind, string> = {
  "on-model-front": "On-model, front",
  "on-model-back": "On-model, back",
  "on-model-side": "On-model, side",
  packshot: "Packshot",
  detail: "Detail",
  lifestyle: "Lifestyle",
  video: "Video",
};

export type Source = "studio" | "ai";
export type Lane = "studio" | "hybrid" | "ai";

export interface PlanItem {
  asset: AssetKind;
  source: Source;
}

/**
 * The industry pattern as defaults: tier 1 all studio; tier 2 studio on-model
 * with AI packshot and detail; tier 3 AI on-model and video.
 */
export const DEFAULT_PLANS: Record<Tier, PlanItem[]> = {
  1: [
    { asset: "on-model-front", source: "studio" },
    { asset: "on-model-back", source: "studio" },
    { asset: "on-model-side", source: "studio" },
    { asset: "packshot", source: "studio" },
    { asset: "detail", source: "studio" },
    { asset: "video", source: "studio" },
  ],
  2: [
    { asset: "on-model-front", source: "studio" },
    { asset: "on-model-back", source: "studio" },
    { asset: "packshot", source: "ai" },
    { asset: "detail", source: "ai" },
  ],
  3: [
    { asset: "on-model-front", source: "ai" },
    { asset: "on-model-back", source: "ai" },
    { asset: "packshot", source: "ai" },
    { asset: "video", source: "ai" },
  ],
};

/** A plan's lane: all studio, all AI, or a mix. */
export function laneOf(items: readonly PlanItem[]): Lane {
  const sources = new Set(items.map((i) => i.source));
  return sources.size === 1 ? (sources.has("ai") ? "ai" : "studio") : "hybrid";
}

export type Gap = "on-model" | "video" | "packshot";

/** The plan's asset kinds a gap filter is about ("on-model" covers every on-model view). */
export function gapKinds(items: readonly PlanItem[], gap: Gap): AssetKind[] {
  return items.filter((i) => (gap === "on-model" ? i.asset.startsWith("on-model") : i.asset === gap)).map((i) => i.asset);
}

/** Whether a plan asks for an asset of this kind (the gap filters read it). */
export function planNeeds(items: readonly PlanItem[], gap: Gap): boolean {
  return gapKinds(items, gap).length > 0;
}

/** What a product's plan still lacks: the planned items it has no produced asset for yet. */
export function stillNeeded(items: readonly PlanItem[], produced: readonly string[]): PlanItem[] {
  const have = new Set(produced);
  return items.filter((i) => !have.has(i.asset));
}

const itemsSchema = z
  .array(z.object({ asset: z.enum(ASSET_KINDS, { error: "unknown asset kind" }), source: z.enum(["studio", "ai"], { error: "choose studio or AI" }) }))
  .min(1, "plan at least one asset")
  .refine((items) => new Set(items.map((i) => i.asset)).size === items.length, "list each asset once");

export const plansFormSchema = z.object({ 1: itemsSchema, 2: itemsSchema, 3: itemsSchema });

export function parsePlansForm(input: unknown): { ok: true; plans: Record<Tier, PlanItem[]> } | { ok: false; errors: Record<string, string> } {
  const parsed = plansFormSchema.safeParse(input);
  if (parsed.success) return { ok: true, plans: parsed.data };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) errors[`tier${String(issue.path[0])}${issue.path.length > 1 ? `.${issue.path.slice(1).join(".")}` : ""}`] ??= issue.message;
  return { ok: false, errors };
}
