import { createHash } from "node:crypto";
import { Prisma, type PrismaClient } from "@prisma/client";
import { z } from "zod";
import { productListFacets, productListWhere } from "../catalog/product-list.server";
import prisma from "../db.server";
import { productListQuerySchema, type ProductListQuery } from "../catalog/product-list-query";
import { buildGenerationRequest, planCandidates } from "../production/generation-request";
import { loadPlans } from "../production/plans.server";
import { ASSET_KINDS, ASSET_LABELS, type AssetKind, type PlanItem } from "../production/production-plan";
import { createDemoProvider } from "../providers/demo-provider.server";
import type { FetchLike, GenerationProvider, ProviderId } from "../providers/provider";
import { buildAdapter } from "../providers/registry.server";
import { DEFAULT_CATEGORIES, defaultRecipeSpec, type GarmentCategoryMapping } from "../recipes/garment-category";
import type { PromptProduct } from "../recipes/prompt-template";
import { recipeSpecSchema, topFieldErrorsOf, type RecipeSpec } from "../recipes/recipe-spec";
import { loadCategories } from "../recipes/recipes.server";
import { loadRules, pinProducts, routableSelect, toRoutable } from "../routing/routing.server";
import { compileRouter, TIERS, type Tier } from "../routing/tier-rules";
import { monthSpendMicros, startOfUtcMonth } from "../settings/spend.server";
import { previewLaneMove, projectBacklogDays, studioCapacity, weeklyLoad, type CandidatePricing, type CapacityFigures, type CapacityInput, type CapacityProduct, type LaneMovePreview, type WeekLoad } from "./capacity";
import { addDays, utcDay } from "./shot-list";
import { loadStudioSettings } from "./studio-settings.server";
import type { StudioSettings } from "./studio-settings";

/**
 * The studio capacity view and lane moves: the backlog in studio days and AI
 * spend, per tier and per week, and what pinning products (or a routing rule
 * change) would do to it. The catalog is aggregated in SQL: a 10,000-product
 * shop sends back a few hundred groups, not 10,000 rows with their variants.
 */

type Db = PrismaClient;

// ---------------------------------------------------------------------------
// Prices: each recipe's provider adapter prices a candidate the way the budget reservation does (provider.estimate).

const NO_NETWORK: FetchLike = async () => {
  throw new Error("pricing a candidate never calls the provider");
};
// Adapters built only to price: estimate() reads the request, never the key or the network.
const PRICING_CONFIG = { baseUrl: "https://pricing.invalid", apiKey: "" };
const PRICING_PRODUCT: PromptProduct = { title: "Sample", productType: "", vendor: "", tags: [], variants: [{ options: {} }] };

function pricingAdapter(provider: ProviderId): GenerationProvider {
  return provider === "demo" ? createDemoProvider({ fetchImage: () => NO_NETWORK("") as never }) : buildAdapter(provider, PRICING_CONFIG, { fetch: NO_NETWORK });
}

export interface RecipePricing {
  pricing: CandidatePricing;
  /** Asset kinds the recipe cannot make (priced at $0), with why. */
  problems: Partial<Record<AssetKind, string>>;
}

/** What one candidate of each asset kind costs under a recipe, from its provider adapter's estimate. */
export function recipePricing(spec: RecipeSpec): RecipePricing {
  const costPerCandidateMicros = {} as Record<AssetKind, number>;
  const problems: RecipePricing["problems"] = {};
  for (const asset of ASSET_KINDS) {
    costPerCandidateMicros[asset] = 0;
    const planned = planCandidates(spec, asset);
    if (!planned.ok) {
      problems[asset] = planned.reason;
      continue;
    }
    const { plan } = planned;
    try {
      const request = buildGenerationRequest({
        spec,
        product: PRICING_PRODUCT,
        candidate: { kind: plan.kind, operation: plan.operation, model: plan.model, seed: plan.seeds[0] ?? null, view: plan.view, pose: plan.pose },
        sourceImageUrl: "https://pricing.invalid/flat-lay.jpg",
        // Production supplies the recipe's model reference; a try-on is priced as if it had one.
        modelImageUrl: "https://pricing.invalid/model.jpg",
      });
      costPerCandidateMicros[asset] = Math.round(pricingAdapter(plan.provider).estimate(request).costMicros);
    } catch (error) {
      problems[asset] = error instanceof Error ? error.message : String(error);
    }
  }
  return { pricing: { costPerCandidateMicros, candidatesPerView: spec.candidatesPerView }, problems };
}

interface ShopPricing {
  categories: GarmentCategoryMapping[];
  byCategory: Record<string, RecipePricing & { name: string }>;
}

/**
 * Every garment category's current recipe, priced. A shop that has not opened
 * Brand recipes yet is priced with the default categories and recipes it will
 * get (nothing is written here).
 */
export async function loadShopPricing(db: Db, shopId: string, options: { demo: boolean }): Promise<ShopPricing> {
  const stored = await loadCategories(db, shopId);
  const categories = stored.length > 0 ? stored : DEFAULT_CATEGORIES.map((c) => ({ ...c }));
  const recipes = await db.recipe.findMany({ where: { shopId }, select: { id: true, categoryKey: true, currentVersion: true } });
  const versions = recipes.length
    ? await db.recipeVersion.findMany({ where: { OR: recipes.map((r) => ({ recipeId: r.id, version: r.currentVersion })) }, select: { recipeId: true, spec: true, version: true } })
    : [];
  const byCategory: ShopPricing["byCategory"] = {};
  for (const category of categories) {
    const recipe = recipes.find((r) => r.categoryKey === category.key);
    const version = recipe ? versions.find((v) => v.recipeId === recipe.id) : undefined;
    if (!version) {
      byCategory[category.key] = { name: category.name, ...recipePricing(defaultRecipeSpec(category.key, options)) };
      continue;
    }
    const parsed = recipeSpecSchema.safeParse(version.spec);
    if (parsed.success) {
      byCategory[category.key] = { name: category.name, ...recipePricing(parsed.data) };
    } else {
      const reason = `recipe v${version.version} no longer validates: save it again on the Brand recipes page`;
      byCategory[category.key] = {
        name: category.name,
        pricing: { costPerCandidateMicros: Object.fromEntries(ASSET_KINDS.map((k) => [k, 0])) as Record<AssetKind, number>, candidatesPerView: 1 },
        problems: Object.fromEntries(ASSET_KINDS.map((k) => [k, reason])),
      };
    }
  }
  return { categories, byCategory };
}

/** Pricing problems that matter: an asset some tier's plan makes with AI that a category's recipe cannot price. */
function pricingWarnings(pricing: ShopPricing, plans: Record<Tier, readonly PlanItem[]>): string[] {
  const aiKinds = new Set(TIERS.flatMap((tier) => plans[tier].filter((i) => i.source === "ai").map((i) => i.asset)));
  const warnings: string[] = [];
  for (const [key, entry] of Object.entries(pricing.byCategory)) {
    for (const kind of ASSET_KINDS) {
      const problem = entry.problems[kind];
      if (problem && aiKinds.has(kind)) warnings.push(`${entry.name} (${key}), ${ASSET_LABELS[kind]}: ${problem}. It counts as $0 here.`);
    }
  }
  return warnings;
}

// ---------------------------------------------------------------------------
// The catalog, grouped in SQL

interface GroupRow {
  before: number | null;
  after: number | null;
  colours: number;
  produced: string[];
  category: string | null;
  scheduled: boolean;
  n: number;
}

const OPEN_SHOT_LIST_STATUSES = ["draft", "sent", "shooting"];
const lower = (values: readonly string[]) => values.map((v) => v.trim().toLowerCase());

/** The garment category in SQL, as categoryForProduct decides it (first match by type or tag; else the first category). */
function categorySql(categories: readonly GarmentCategoryMapping[]): Prisma.Sql {
  if (categories.length === 0) return Prisma.sql`NULL::text`;
  const whens = categories.map(
    (c) => Prisma.sql`WHEN lower(btrim(p."productType")) = ANY(${lower(c.productTypes)}::text[]) OR COALESCE(t.tags && ${lower(c.tags)}::text[], false) THEN ${c.key}::text`,
  );
  return Prisma.sql`CASE ${Prisma.join(whens, " ")} ELSE ${categories[0].key}::text END`;
}

/**
 * The shop's products grouped by what the capacity maths reads: tier now and
 * after `moves` (product id → tier), colourways (as shot-list.ts colourways()
 * counts them: distinct colour values, no colour counting once), produced
 * assets, garment category and whether an open shot list already has it.
 */
async function capacityGroups(db: Db, shopId: string, categories: readonly GarmentCategoryMapping[], moves: ReadonlyMap<string, Tier> = new Map()): Promise<GroupRow[]> {
  const ids = [...moves.keys()];
  const tiers = ids.map((id) => moves.get(id)!);
  return db.$queryRaw<GroupRow[]>`
    WITH variant_colours AS (
      -- The usual "Color"/"Colour" keys are read directly; only other spellings (" colour", "COLOR") need the key scan.
      SELECT DISTINCT v."productId" AS id,
             COALESCE(lower(btrim(COALESCE(v.options->>'Color', v.options->>'Colour',
               CASE WHEN v.options::text ~* 'colou?r' THEN (SELECT o.value FROM json_each_text(v.options) o WHERE o.key ~* '^\\s*colou?r\\s*$' LIMIT 1) END))), '') AS colour
      FROM "ProductVariant" v
      JOIN "Product" p ON p.id = v."productId" AND p."shopId" = ${shopId}
    ), colours AS (
      SELECT id, COUNT(*)::int AS n FROM variant_colours GROUP BY id
    ), tags AS (
      SELECT "productId" AS id, array_agg(lower(btrim(tag))) AS tags FROM "ProductTag" WHERE "shopId" = ${shopId} GROUP BY "productId"
    ), moves AS (
      SELECT * FROM unnest(${ids}::text[], ${tiers}::int[]) AS m(id, tier)
    ), scheduled AS (
      SELECT DISTINCT l."productId" AS id FROM "ShotListLine" l JOIN "ShotList" s ON s.id = l."shotListId"
      WHERE l."shopId" = ${shopId} AND s.status = ANY(${OPEN_SHOT_LIST_STATUSES}::text[])
    )
    SELECT p.tier AS "before",
           CASE WHEN m.id IS NULL THEN p.tier ELSE m.tier END AS "after",
           GREATEST(COALESCE(c.n, 1), 1)::int AS "colours",
           p."producedAssets" AS "produced",
           ${categorySql(categories)} AS "category",
           (s.id IS NOT NULL) AS "scheduled",
           COUNT(*)::int AS "n"
    FROM "Product" p
    LEFT JOIN colours c ON c.id = p.id
    LEFT JOIN tags t ON t.id = p.id
    LEFT JOIN moves m ON m.id = p.id
    LEFT JOIN scheduled s ON s.id = p.id
    WHERE p."shopId" = ${shopId}
    GROUP BY 1, 2, 3, 4, 5, 6`;
}

const asTier = (value: number | null): Tier | null => (value === 1 || value === 2 || value === 3 ? value : null);

interface CapacityModel {
  settings: StudioSettings;
  plans: Record<Tier, PlanItem[]>;
  pricing: ShopPricing;
  groups: GroupRow[];
  input: CapacityInput;
}

function capacityInput(groups: readonly GroupRow[], settings: StudioSettings, plans: Record<Tier, PlanItem[]>, pricing: ShopPricing): CapacityInput {
  const firstKey = pricing.categories[0]?.key;
  const fallback = firstKey ? pricing.byCategory[firstKey].pricing : { costPerCandidateMicros: Object.fromEntries(ASSET_KINDS.map((k) => [k, 0])) as Record<AssetKind, number>, candidatesPerView: 1 };
  return {
    products: groups.map((g, i): CapacityProduct => ({ id: `g${i}`, tier: asTier(g.before), colourCount: g.colours, producedAssets: g.produced, count: g.n, pricing: g.category ?? undefined })),
    plans,
    ...fallback,
    pricing: Object.fromEntries(Object.entries(pricing.byCategory).map(([key, entry]) => [key, entry.pricing])),
    imagesPerView: settings.imagesPerView,
    imagesPerDay: settings.imagesPerDay,
    workdaysPerWeek: settings.workdays.length,
  };
}

async function loadCapacityModel(db: Db, shopId: string, options: { demo: boolean; moves?: ReadonlyMap<string, Tier> }): Promise<CapacityModel> {
  const [settings, plans, pricing] = await Promise.all([loadStudioSettings(db, shopId), loadPlans(db, shopId), loadShopPricing(db, shopId, options)]);
  const groups = await capacityGroups(db, shopId, pricing.categories, options.moves);
  return { settings, plans, pricing, groups, input: capacityInput(groups, settings, plans, pricing) };
}

/** The move the groups' "after" tiers describe, for previewLaneMove. */
function groupMoves(groups: readonly GroupRow[]): Map<string, Tier | null> {
  const tiers = new Map<string, Tier | null>();
  groups.forEach((g, i) => {
    if (g.after !== g.before) tiers.set(`g${i}`, asTier(g.after));
  });
  return tiers;
}

// ---------------------------------------------------------------------------
// The page

/** Weeks the chart shows; the rest of a long backlog is one line under it. */
export const CAPACITY_WEEKS_SHOWN = 26;

export interface InFlight {
  /** AI candidates with the provider (queued, submitting, submitted, downloading). */
  generating: number;
  /** Stored, waiting for post-production. */
  postProduction: number;
  /** Post-processed, waiting for the quality checks. */
  qualityChecks: number;
  /** Held by a budget limit. */
  paused: number;
}

async function aiInFlight(db: Db, shopId: string): Promise<InFlight> {
  const [row] = await db.$queryRaw<InFlight[]>`
    SELECT COUNT(*) FILTER (WHERE status IN ('queued', 'submitting', 'submitted', 'downloading'))::int AS "generating",
           COUNT(*) FILTER (WHERE status = 'stored' AND "postStatus" IN ('planned', 'queued', 'processing'))::int AS "postProduction",
           COUNT(*) FILTER (WHERE status = 'stored' AND ("postStatus" IS NULL OR "postStatus" NOT IN ('planned', 'queued', 'processing', 'failed')) AND "qcStatus" IN ('planned', 'queued', 'running'))::int AS "qualityChecks",
           COUNT(*) FILTER (WHERE status = 'paused')::int AS "paused"
    FROM "Asset"
    WHERE "shopId" = ${shopId} AND source = 'ai'
      AND (status IN ('queued', 'submitting', 'submitted', 'downloading', 'paused')
           OR (status = 'stored' AND ("postStatus" IN ('planned', 'queued', 'processing') OR "qcStatus" IN ('planned', 'queued', 'running'))))`;
  return row;
}

/**
 * Studio images still to shoot per studio day on open shot lists (views not
 * yet delivered). Days already past count on `today`: that work is overdue,
 * and it still has to fit into this week.
 */
async function scheduledStudioDays(db: Db, shopId: string, today: Date): Promise<{ date: Date; images: number }[]> {
  const rows = await db.$queryRaw<{ day: Date; images: number }[]>`
    SELECT GREATEST(l."studioDay", ${today}::timestamp) AS "day",
           SUM(CASE WHEN cardinality(l.views) = 0 THEN 0
                    ELSE l.images * cardinality(ARRAY(SELECT unnest(l.views) EXCEPT SELECT unnest(l."deliveredViews"))) / cardinality(l.views) END)::int AS "images"
    FROM "ShotListLine" l JOIN "ShotList" s ON s.id = l."shotListId"
    WHERE l."shopId" = ${shopId} AND s.status = ANY(${OPEN_SHOT_LIST_STATUSES}::text[])
    GROUP BY 1 ORDER BY 1`;
  return rows.filter((r) => r.images > 0).map((r) => ({ date: utcDay(new Date(r.day)), images: r.images }));
}

export interface CapacityWeeks {
  weeks: WeekLoad[];
  /** Backlog images beyond the weeks shown, and how many more weeks they need at capacity. */
  beyond: { images: number; weeks: number };
  scheduledImages: number;
  unscheduledImages: number;
}

function capacityWeeks(scheduled: { date: Date; images: number }[], unscheduledImages: number, settings: StudioSettings, today: Date): CapacityWeeks {
  const lastScheduled = scheduled.length ? scheduled[scheduled.length - 1].date : null;
  // The backlog is laid out after the shot lists' last day, at full capacity, as the next shot list would be.
  const backlogStart = lastScheduled ? addDays(lastScheduled, 1) : today;
  const backlog = projectBacklogDays(unscheduledImages, backlogStart, settings.imagesPerDay, settings.workdays, CAPACITY_WEEKS_SHOWN * 7);
  const all = weeklyLoad([...scheduled, ...backlog], settings.imagesPerDay, settings.workdays);
  const weeks = all.slice(0, CAPACITY_WEEKS_SHOWN);
  const shownImages = weeks.reduce((sum, w) => sum + w.images, 0);
  const scheduledImages = scheduled.reduce((sum, d) => sum + d.images, 0);
  const beyondImages = Math.max(0, scheduledImages + unscheduledImages - shownImages);
  const perWeek = settings.imagesPerDay * settings.workdays.length;
  return { weeks, beyond: { images: beyondImages, weeks: Math.ceil(beyondImages / perWeek) }, scheduledImages, unscheduledImages };
}

export interface CapacityPageData {
  settings: StudioSettings;
  figures: CapacityFigures;
  weeks: Omit<CapacityWeeks, "weeks"> & { weeks: (Omit<WeekLoad, "weekStart"> & { weekStart: string })[] };
  inFlight: InFlight;
  spend: { spentMicros: number; reservedMicros: number; monthlyBudgetMicros: number | null; monthStart: string };
  pricing: { categories: { key: string; name: string; costPerCandidateMicros: Record<AssetKind, number>; candidatesPerView: number }[]; warnings: string[] };
  products: number;
}

/** Everything the capacity view shows, in a handful of queries whatever the catalog's size. */
export async function loadCapacityPage(db: Db, shopId: string, options: { demo: boolean; now?: Date }): Promise<CapacityPageData> {
  const now = options.now ?? new Date();
  const today = utcDay(now);
  const [model, inFlight, spend, shop, scheduled] = await Promise.all([
    loadCapacityModel(db, shopId, options),
    aiInFlight(db, shopId),
    monthSpendMicros(db, shopId, now),
    db.shop.findUnique({ where: { id: shopId }, select: { monthlyBudgetCents: true } }),
    scheduledStudioDays(db, shopId, today),
  ]);
  const figures = studioCapacity(model.input);
  const unscheduled = studioCapacity({ ...model.input, products: model.input.products.filter((_, i) => !model.groups[i].scheduled) });
  const weeks = capacityWeeks(scheduled, unscheduled.studioImages, model.settings, today);
  return {
    settings: model.settings,
    figures,
    weeks: { ...weeks, weeks: weeks.weeks.map((w) => ({ ...w, weekStart: w.weekStart.toISOString().slice(0, 10) })) },
    inFlight,
    spend: { ...spend, monthlyBudgetMicros: shop?.monthlyBudgetCents != null ? shop.monthlyBudgetCents * 10_000 : null, monthStart: startOfUtcMonth(now).toISOString() },
    pricing: {
      categories: model.pricing.categories.map((c) => ({ key: c.key, name: c.name, ...model.pricing.byCategory[c.key].pricing })),
      warnings: pricingWarnings(model.pricing, model.plans),
    },
    products: model.groups.reduce((sum, g) => sum + g.n, 0),
  };
}

// ---------------------------------------------------------------------------
// Lane moves: preview, then confirm exactly what was previewed

/** More than this in one move is refused: narrow the filter (pinning re-routes every product in one request). */
export const MAX_MOVE_PRODUCTS = 20_000;
export const SELECTION_CHANGED = "the selection changed: preview again";

const filterSchema = productListQuerySchema.pick({ q: true, type: true, vendor: true, tag: true, collection: true, tier: true });

export const laneMoveFormSchema = filterSchema.extend({
  intent: z.enum(["preview", "confirm"], { error: "the form has no valid intent: reload the page and try again" }),
  target: z.enum(["1", "2", "3", "unpin"], { error: "choose the tier to move the products to, or Unpin" }),
  selection: z
    .string()
    .regex(/^[0-9a-f]{64}$/, "the preview is missing: press Preview first")
    .optional(),
});

export type LaneMoveTarget = z.infer<typeof laneMoveFormSchema>["target"];

export interface LaneMovePreviewData {
  target: LaneMoveTarget;
  /** Products the filter selects, and those whose tier the move changes. */
  selected: number;
  moved: number;
  /** Titles of a few products that change tier. */
  sample: { title: string; from: Tier | null; to: Tier }[];
  before: CapacityFigures;
  after: CapacityFigures;
  delta: LaneMovePreview["delta"];
  summary: string;
  /** What Confirm must send back: the selection it applies to, hashed. */
  selection: string;
}

export type LaneMoveResult =
  | { intent: "preview"; ok: true; preview: LaneMovePreviewData }
  | { intent: "confirm"; ok: true; pinned: number; target: LaneMoveTarget; summary: string }
  | { intent: "preview" | "confirm"; ok: false; errors: Record<string, string> };

interface Selected {
  id: string;
  title: string;
  tier: number | null;
  pinnedTier: number | null;
}

async function selectProducts(db: Db, shopId: string, filter: z.infer<typeof filterSchema>): Promise<Selected[]> {
  const query: ProductListQuery = { ...filter, page: 1, pageSize: 50 };
  return db.product.findMany({ where: productListWhere(shopId, query), select: { id: true, title: true, tier: true, pinnedTier: true }, orderBy: { id: "asc" }, take: MAX_MOVE_PRODUCTS + 1 });
}

/** The selection and what the move does to it, as one digest: a product added, removed or re-tiered changes it. */
function selectionDigest(target: LaneMoveTarget, rows: readonly Selected[]): string {
  const hash = createHash("sha256").update(`${target}\n`);
  for (const r of rows) hash.update(`${r.id}\t${r.tier ?? ""}\t${r.pinnedTier ?? ""}\n`);
  return hash.digest("hex");
}

/** Each selected product's tier after the move: the pin's tier, or (unpinning) what the saved rules give it. */
async function tiersAfter(db: Db, shopId: string, target: LaneMoveTarget, rows: readonly Selected[]): Promise<Map<string, Tier>> {
  const after = new Map<string, Tier>();
  if (target !== "unpin") {
    for (const r of rows) after.set(r.id, Number(target) as Tier);
    return after;
  }
  const { rules, defaultTier } = await loadRules(db, shopId);
  const route = compileRouter(rules, defaultTier);
  // Only pinned (or never routed) products can change tier when unpinned.
  const ids = rows.filter((r) => r.pinnedTier !== null || r.tier === null).map((r) => r.id);
  for (let i = 0; i < ids.length; i += 2000) {
    const batch = await db.product.findMany({ where: { shopId, id: { in: ids.slice(i, i + 2000) } }, select: routableSelect });
    for (const row of batch) after.set(row.id, route({ ...toRoutable(row), pinnedTier: null }).tier);
  }
  return after;
}

/** Previews or confirms a lane move from the capacity page's form. Confirm applies only the selection its preview showed. */
export async function submitLaneMove(db: Db, shopId: string, form: Record<string, unknown>, actor: string, options: { demo: boolean }): Promise<LaneMoveResult> {
  const parsed = laneMoveFormSchema.safeParse(form);
  const intent = form.intent === "confirm" ? "confirm" : "preview";
  if (!parsed.success) return { intent, ok: false, errors: topFieldErrorsOf(parsed.error) };
  const { target, selection, intent: _intent, ...filter } = parsed.data;
  const rows = await selectProducts(db, shopId, filter);
  if (rows.length === 0) return { intent, ok: false, errors: { filter: "no product matches these filters: widen them" } };
  if (rows.length > MAX_MOVE_PRODUCTS) return { intent, ok: false, errors: { filter: `more than ${MAX_MOVE_PRODUCTS.toLocaleString("en")} products match: narrow the filters and move them in parts` } };
  const digest = selectionDigest(target, rows);

  if (intent === "confirm") {
    if (!selection) return { intent, ok: false, errors: { selection: "the preview is missing: press Preview first" } };
    if (selection !== digest) return { intent, ok: false, errors: { selection: SELECTION_CHANGED } };
    const pinned = await pinProducts(db, shopId, rows.map((r) => r.id), target === "unpin" ? null : (Number(target) as Tier), actor);
    const verb = target === "unpin" ? "Unpinned" : `Pinned to tier ${target}:`;
    return { intent, ok: true, pinned, target, summary: `${verb} ${pinned.toLocaleString("en")} product${pinned === 1 ? "" : "s"}.` };
  }

  const after = await tiersAfter(db, shopId, target, rows);
  const tierNow = new Map(rows.map((r) => [r.id, r.tier]));
  const changes = new Map([...after].filter(([id, tier]) => tierNow.get(id) !== tier));
  const model = await loadCapacityModel(db, shopId, { ...options, moves: changes });
  const preview = previewLaneMove(model.input, { kind: "tiers", tiers: groupMoves(model.groups), target: target === "unpin" ? "unpin" : (Number(target) as Tier) });
  const sample = rows.filter((r) => changes.has(r.id)).slice(0, 10).map((r) => ({ title: r.title, from: asTier(r.tier), to: changes.get(r.id)! }));
  return {
    intent,
    ok: true,
    preview: { target, selected: rows.length, moved: preview.movedProducts, sample, before: preview.before, after: preview.after, delta: preview.delta, summary: preview.summary, selection: digest },
  };
}

// ---------------------------------------------------------------------------
// Rule changes (the Tier routing page's preview)

export interface TierChangeEffect {
  before: CapacityFigures;
  after: CapacityFigures;
  delta: LaneMovePreview["delta"];
  summary: string;
  warnings: string[];
}

/** What products changing tier (product id → new tier) does to studio days and AI spend. */
export async function previewTierChanges(db: Db, shopId: string, changes: ReadonlyMap<string, Tier>, options: { demo: boolean }): Promise<TierChangeEffect> {
  const model = await loadCapacityModel(db, shopId, { ...options, moves: changes });
  const preview = previewLaneMove(model.input, { kind: "tiers", tiers: groupMoves(model.groups), target: "rules" });
  return { before: preview.before, after: preview.after, delta: preview.delta, summary: preview.summary, warnings: pricingWarnings(model.pricing, model.plans) };
}

// ---------------------------------------------------------------------------
// The route's two calls

/** The capacity page: the figures, and the values the lane move's filters offer. */
export async function loadStudioCapacityRoute(shopId: string, options: { demo: boolean }) {
  const [page, facets] = await Promise.all([loadCapacityPage(prisma, shopId, options), productListFacets(prisma, shopId)]);
  return { ...page, facets };
}

export type StudioCapacityRouteData = Awaited<ReturnType<typeof loadStudioCapacityRoute>>;

/** The lane move form (preview or confirm). */
export async function submitLaneMoveForm(shopId: string, form: FormData, actor: string, options: { demo: boolean }): Promise<LaneMoveResult> {
  return submitLaneMove(prisma, shopId, Object.fromEntries(form), actor, options);
}
