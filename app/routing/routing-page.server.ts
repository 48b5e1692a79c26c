import { z } from "zod";
import { env } from "../config/env";
import prisma from "../db.server";
import { productListFacets } from "../catalog/product-list.server";
import { parseRulesForm } from "./rule-schema";
import { previewTierChanges, type TierChangeEffect } from "../studio/capacity.server";
import { parsePinForm } from "./pin-form";
import { loadRules, pinProducts, previewRules, saveRules, tierCounts, type RoutingPreview, type TierCounts } from "./routing.server";
import type { Tier } from "./tier-rules";

/** The routing page: saved rules, default tier, counts per tier and the values the condition pickers offer. */
export async function loadRoutingPage(shopId: string) {
  const [{ rules, defaultTier }, counts, facets] = await Promise.all([loadRules(prisma, shopId), tierCounts(prisma, shopId), productListFacets(prisma, shopId)]);
  return { rules, defaultTier, counts, facets };
}

const envelopeSchema = z.object({
  intent: z.enum(["preview", "save"], { error: "intent must be preview or save" }),
  payload: z.string().min(2, "payload is missing: send the rules as JSON"),
});

/** The preview the page shows: tier counts, a sample of the products that move, and the studio-days and AI-spend effect (or why it could not be worked out). */
export type RoutingPagePreview = RoutingPreview & { capacity: TierChangeEffect | { error: string } };

export type RoutingActionResult =
  | { intent: "preview"; ok: true; preview: RoutingPagePreview }
  | { intent: "save"; ok: true; before: TierCounts; after: TierCounts; changed: number }
  | { intent: "preview" | "save"; ok: false; errors: Record<string, string> };

async function capacityEffect(shopId: string, moves: ReadonlyMap<string, Tier>, demo: boolean): Promise<TierChangeEffect | { error: string }> {
  try {
    return await previewTierChanges(prisma, shopId, moves, { demo });
  } catch (error) {
    // Impossible studio settings (RangeError) name their fix; the tier preview stands without the effect.
    if (error instanceof RangeError) return { error: error.message };
    throw error;
  }
}

/** Handles the rules form: validates everything first (nothing saved half-way), then previews or saves. */
export async function submitRoutingForm(shopId: string, form: FormData, actor: string, options: { demo?: boolean } = {}): Promise<RoutingActionResult> {
  const envelope = envelopeSchema.safeParse(Object.fromEntries(form));
  if (!envelope.success) return { intent: "preview", ok: false, errors: { form: envelope.error.issues.map((i) => i.message).join("; ") } };
  const { intent, payload } = envelope.data;
  let input: unknown;
  try {
    input = JSON.parse(payload);
  } catch {
    return { intent, ok: false, errors: { form: "the rules could not be read (invalid JSON); reload the page and try again" } };
  }
  const collections = await prisma.collection.findMany({ where: { shopId }, select: { id: true } });
  const parsed = parseRulesForm(input, new Set(collections.map((c) => c.id)));
  if (!parsed.ok) return { intent, ok: false, errors: parsed.errors };
  if (intent === "preview") {
    const { moves, ...preview } = await previewRules(prisma, shopId, parsed.rules, parsed.defaultTier);
    return { intent, ok: true, preview: { ...preview, capacity: await capacityEffect(shopId, moves, options.demo ?? env().demo) } };
  }
  const saved = await saveRules(prisma, shopId, parsed.rules, parsed.defaultTier, actor);
  return { intent, ok: true, ...saved };
}

/** Pins the selected products to a tier (or removes their pins), from the product list's bulk action. */
export async function pinSelection(shopId: string, form: Record<string, unknown>, actor: string) {
  const parsed = parsePinForm(form);
  if (!parsed.ok) return parsed;
  const pinned = await pinProducts(prisma, shopId, parsed.productIds, parsed.tier, actor);
  return { ok: true as const, pinned, tier: parsed.tier };
}
