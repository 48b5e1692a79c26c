import { formatUsd } from "../production/production-page";
import { stillNeeded, type AssetKind, type PlanItem } from "../production/production-plan";
import type { Tier } from "../routing/tier-rules";
import { addDays, DEFAULT_WORKDAYS, nextWorkday, utcDay } from "./shot-list";

/**
 * Studio capacity and the "move lanes" preview: what the backlog costs in
 * studio days and AI spend, and how a pin or a plan change shifts it before
 * the merchant confirms. Pure, so the preview and the confirmed change agree.
 */

export interface CapacityProduct {
  id: string;
  /** Null while the product has not been routed: it is in no tier's backlog. */
  tier: Tier | null;
  /** Colourways the studio shoots separately; 0 or 1 both mean one shoot. */
  colourCount: number;
  /**
   * Plan kinds the product already has an asset for (Product.producedAssets).
   * Produced rather than still-needed kinds, so a move to another tier's plan
   * can work out what that plan would still need.
   */
  producedAssets: readonly string[];
  /** Identical products this entry stands for (the database groups a large catalog); 1 by default. */
  count?: number;
  /** Key of the product's prices in CapacityInput.pricing (its garment category's recipe); the input's own prices without one. */
  pricing?: string;
}

/** What one AI candidate costs under a recipe, and how many candidates an image view makes. */
export interface CandidatePricing {
  /** Provider cost of one AI candidate per asset kind, USD micros. */
  costPerCandidateMicros: Record<AssetKind, number>;
  /** Candidates generated per AI image view (the recipe's candidatesPerView); a video is one clip. */
  candidatesPerView: number;
}

export interface CapacityInput extends CandidatePricing {
  products: readonly CapacityProduct[];
  plans: Record<Tier, readonly PlanItem[]>;
  /** Prices per recipe (garment category), for products that name one. */
  pricing?: Readonly<Record<string, CandidatePricing>>;
  /** Finished studio images per view; 1 by default. */
  imagesPerView?: number;
  imagesPerDay: number;
  /** Studio days per week; 5 by default. */
  workdaysPerWeek?: number;
}

export interface TierBacklog {
  /** Products that still need at least one planned asset. */
  products: number;
  studioImages: number;
  aiAssets: number;
  aiSpendMicros: number;
}

export interface CapacityFigures {
  studioImages: number;
  studioDays: number;
  studioWeeks: number;
  aiAssets: number;
  aiCandidates: number;
  aiSpendMicros: number;
  backlog: Record<Tier, TierBacklog>;
}

function validate(input: CapacityInput): void {
  if (!Number.isInteger(input.imagesPerDay) || input.imagesPerDay < 1) throw new RangeError("Studio images per day must be a whole number of at least 1: set it in Settings.");
  const perWeek = input.workdaysPerWeek ?? 5;
  if (!Number.isInteger(perWeek) || perWeek < 1 || perWeek > 7) throw new RangeError("Studio days per week must be a whole number from 1 to 7: set it in Settings.");
  for (const pricing of [input, ...Object.values(input.pricing ?? {})]) {
    if (!Number.isInteger(pricing.candidatesPerView) || pricing.candidatesPerView < 1) throw new RangeError("Candidates per view must be a whole number of at least 1: fix it in the recipe.");
  }
}

/** Candidates one AI asset costs: image views make the recipe's candidates, a video one clip (as planCandidates does). */
function candidatesFor(asset: AssetKind, candidatesPerView: number): number {
  return asset === "video" ? 1 : candidatesPerView;
}

/**
 * The backlog's studio images and days, and its AI assets and spend. Studio
 * work counts every colourway (the studio shoots each); AI work counts one
 * asset per product, as production dresses the model from the first colourway.
 */
export function studioCapacity(input: CapacityInput): CapacityFigures {
  validate(input);
  const imagesPerView = input.imagesPerView ?? 1;
  const backlog: Record<Tier, TierBacklog> = { 1: emptyBacklog(), 2: emptyBacklog(), 3: emptyBacklog() };
  let aiCandidates = 0;
  for (const product of input.products) {
    if (product.tier === null) continue;
    const count = product.count ?? 1;
    if (count === 0) continue;
    const needed = stillNeeded(input.plans[product.tier] ?? [], product.producedAssets);
    if (needed.length === 0) continue;
    const pricing = (product.pricing !== undefined ? input.pricing?.[product.pricing] : undefined) ?? input;
    const tier = backlog[product.tier];
    tier.products += count;
    for (const item of needed) {
      if (item.source === "studio") {
        tier.studioImages += Math.max(1, product.colourCount) * imagesPerView * count;
      } else {
        const candidates = candidatesFor(item.asset, pricing.candidatesPerView);
        tier.aiAssets += count;
        tier.aiSpendMicros += candidates * pricing.costPerCandidateMicros[item.asset] * count;
        aiCandidates += candidates * count;
      }
    }
  }
  const tiers = Object.values(backlog);
  const studioImages = tiers.reduce((sum, t) => sum + t.studioImages, 0);
  const studioDays = Math.ceil(studioImages / input.imagesPerDay);
  return {
    studioImages,
    studioDays,
    studioWeeks: Math.ceil(studioDays / (input.workdaysPerWeek ?? 5)),
    aiAssets: tiers.reduce((sum, t) => sum + t.aiAssets, 0),
    aiCandidates,
    aiSpendMicros: tiers.reduce((sum, t) => sum + t.aiSpendMicros, 0),
    backlog,
  };
}

function emptyBacklog(): TierBacklog {
  return { products: 0, studioImages: 0, aiAssets: 0, aiSpendMicros: 0 };
}

/**
 * A bulk move: pin some products to a tier; give products each their own new
 * tier (unpinning them, or a routing rule change: `target` words the
 * summary); or change the tiers' plans.
 */
export type LaneMove =
  | { kind: "pin"; productIds: readonly string[]; toTier: Tier }
  | { kind: "tiers"; tiers: ReadonlyMap<string, Tier | null>; target: "unpin" | "rules" | Tier }
  | { kind: "plans"; plans: Record<Tier, readonly PlanItem[]> };

export interface CapacityDelta {
  studioImages: number;
  studioDays: number;
  studioWeeks: number;
  aiAssets: number;
  aiSpendMicros: number;
}

export interface LaneMovePreview {
  before: CapacityFigures;
  after: CapacityFigures;
  /** After minus before: negative studio days are days saved. */
  delta: CapacityDelta;
  /** Products whose tier the move changes (0 for a plan change). */
  movedProducts: number;
  summary: string;
}

const plural = (n: number, word: string) => `${n.toLocaleString("en")} ${word}${n === 1 ? "" : "s"}`;

function destination(target: Tier | "unpin" | "rules"): string {
  if (target === "unpin") return "back to the tiers their rules give";
  if (target === "rules") return "to the tiers these rules give";
  return `to tier ${target}`;
}

/** The figures before and after a move, their difference and one sentence for the confirm dialog. */
export function previewLaneMove(input: CapacityInput, move: LaneMove): LaneMovePreview {
  let afterInput: CapacityInput;
  let movedProducts = 0;
  if (move.kind === "plans") {
    afterInput = { ...input, plans: move.plans };
  } else {
    const pinned = move.kind === "pin" ? new Set(move.productIds) : null;
    // The tier a product would have after the move; undefined when the move leaves it alone.
    const targetOf = (id: string): Tier | null | undefined => (move.kind === "pin" ? (pinned?.has(id) ? move.toTier : undefined) : move.tiers.get(id));
    afterInput = {
      ...input,
      products: input.products.map((p) => {
        const to = targetOf(p.id);
        if (to === undefined || to === p.tier) return p;
        movedProducts += p.count ?? 1;
        return { ...p, tier: to };
      }),
    };
  }
  const before = studioCapacity(input);
  const after = studioCapacity(afterInput);
  const delta: CapacityDelta = {
    studioImages: after.studioImages - before.studioImages,
    studioDays: after.studioDays - before.studioDays,
    studioWeeks: after.studioWeeks - before.studioWeeks,
    aiAssets: after.aiAssets - before.aiAssets,
    aiSpendMicros: after.aiSpendMicros - before.aiSpendMicros,
  };
  const subject = move.kind === "plans" ? "Changing the production plans" : `Moving ${plural(movedProducts, "product")} ${destination(move.kind === "pin" ? move.toTier : move.target)}`;
  const days = delta.studioDays < 0 ? `saves ${plural(-delta.studioDays, "studio day")}` : delta.studioDays > 0 ? `adds ${plural(delta.studioDays, "studio day")}` : "leaves studio days unchanged";
  const spend = delta.aiSpendMicros > 0 ? `costs ≈ ${formatUsd(delta.aiSpendMicros)} more of AI` : delta.aiSpendMicros < 0 ? `saves ≈ ${formatUsd(-delta.aiSpendMicros)} of AI` : "leaves AI spend unchanged";
  return { before, after, delta, movedProducts, summary: `${subject} ${days} and ${spend}.` };
}

export interface WeekLoad {
  /** ISO week, e.g. "2026-W50". */
  week: string;
  /** The week's Monday. */
  weekStart: Date;
  images: number;
  /** Of `images`: on shot lists, and the unscheduled backlog projected at full capacity. */
  scheduled: number;
  backlog: number;
  /** Images per day times the week's studio workdays. */
  capacity: number;
  overCapacity: boolean;
}

/** ISO 8601 week of a date: the week belongs to the year its Thursday is in. */
export function isoWeek(date: Date): { year: number; week: number; monday: Date } {
  const day = utcDay(date);
  const weekday = day.getUTCDay() || 7;
  const monday = addDays(day, 1 - weekday);
  const thursday = addDays(day, 4 - weekday);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 / 7) + 1;
  return { year, week, monday };
}

export interface StudioDayLoad {
  date: Date;
  images: number;
  /** Projected backlog rather than work on a shot list. */
  backlog?: boolean;
}

/**
 * Studio images needed against capacity per ISO week, from the shot list's
 * days (and projected backlog days); weeks without shoots between the first
 * and last appear with 0 so the chart has no gaps.
 */
export function weeklyLoad(days: readonly StudioDayLoad[], imagesPerDay: number, workdays: readonly number[] = DEFAULT_WORKDAYS): WeekLoad[] {
  if (days.length === 0) return [];
  const byMonday = new Map<number, { scheduled: number; backlog: number }>();
  for (const day of days) {
    const { monday } = isoWeek(day.date);
    const week = byMonday.get(monday.getTime()) ?? { scheduled: 0, backlog: 0 };
    if (day.backlog) week.backlog += day.images;
    else week.scheduled += day.images;
    byMonday.set(monday.getTime(), week);
  }
  const mondays = [...byMonday.keys()].sort((a, b) => a - b);
  const capacity = new Set(workdays.filter((d) => d >= 0 && d <= 6)).size * imagesPerDay;
  const rows: WeekLoad[] = [];
  for (let t = mondays[0]; t <= mondays[mondays.length - 1]; t = addDays(new Date(t), 7).getTime()) {
    const { year, week, monday } = isoWeek(new Date(t));
    const { scheduled, backlog } = byMonday.get(t) ?? { scheduled: 0, backlog: 0 };
    const images = scheduled + backlog;
    rows.push({ week: `${year}-W${String(week).padStart(2, "0")}`, weekStart: monday, images, scheduled, backlog, capacity, overCapacity: images > capacity });
  }
  return rows;
}

/**
 * The unscheduled backlog laid onto studio days at full capacity from
 * `start` (moved to the next workday), the way a shot list would fill them;
 * at most `maxDays` days, so a huge backlog stays a bounded chart.
 */
export function projectBacklogDays(images: number, start: Date, imagesPerDay: number, workdays: readonly number[] = DEFAULT_WORKDAYS, maxDays = 366): StudioDayLoad[] {
  if (!Number.isInteger(imagesPerDay) || imagesPerDay < 1) throw new RangeError("Studio images per day must be a whole number of at least 1: set it in Settings.");
  const days: StudioDayLoad[] = [];
  let left = Math.max(0, Math.floor(images));
  let day = nextWorkday(start, workdays);
  while (left > 0 && days.length < maxDays) {
    const shot = Math.min(left, imagesPerDay);
    days.push({ date: day, images: shot, backlog: true });
    left -= shot;
    day = nextWorkday(addDays(day, 1), workdays);
  }
  return days;
}
