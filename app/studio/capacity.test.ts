import { describe, expect, it } from "vitest";
import { DEFAULT_PLANS, type AssetKind, type PlanItem } from "../production/production-plan";
import type { Tier } from "../routing/tier-rules";
import { isoWeek, previewLaneMove, projectBacklogDays, studioCapacity, weeklyLoad, type CapacityInput, type CapacityProduct } from "./capacity";
import { buildShotLists } from "./shot-list";

const COSTS: Record<AssetKind, number> = {
  "on-model-front": 40_000,
  "on-model-back": 40_000,
  "on-model-side": 40_000,
  packshot: 20_000,
  detail: 20_000,
  lifestyle: 50_000,
  video: 500_000,
};

const PRODUCTS: CapacityProduct[] = [
  // Tier 1, all six kinds studio, 3 colourways: 18 images.
  { id: "p1", tier: 1, colourCount: 3, producedAssets: [] },
  // Tier 1 with video and detail done, no colour option: 4 images.
  { id: "p2", tier: 1, colourCount: 0, producedAssets: ["video", "detail"] },
  // Tier 2, 2 colourways: front+back studio = 4 images; packshot+detail AI = 2 x 4 x 20_000.
  { id: "p3", tier: 2, colourCount: 2, producedAssets: [] },
  // Tier 3 with everything produced: not in the backlog.
  { id: "p4", tier: 3, colourCount: 5, producedAssets: ["on-model-front", "on-model-back", "packshot", "video"] },
  // Tier 3: front, back (4 x 40_000 each), packshot (4 x 20_000), video (1 clip x 500_000) = 900_000.
  { id: "p5", tier: 3, colourCount: 1, producedAssets: [] },
];

const input = (overrides: Partial<CapacityInput> = {}): CapacityInput => ({
  products: PRODUCTS,
  plans: DEFAULT_PLANS,
  costPerCandidateMicros: COSTS,
  candidatesPerView: 4,
  imagesPerDay: 10,
  workdaysPerWeek: 5,
  ...overrides,
});

describe("studioCapacity", () => {
  it("adds up studio images per colourway and AI assets per product", () => {
    expect(studioCapacity(input())).toEqual({
      studioImages: 26,
      studioDays: 3,
      studioWeeks: 1,
      aiAssets: 6,
      aiCandidates: 21,
      aiSpendMicros: 1_060_000,
      backlog: {
        1: { products: 2, studioImages: 22, aiAssets: 0, aiSpendMicros: 0 },
        2: { products: 1, studioImages: 4, aiAssets: 2, aiSpendMicros: 160_000 },
        3: { products: 1, studioImages: 0, aiAssets: 4, aiSpendMicros: 900_000 },
      },
    });
  });

  it("rounds days and weeks up and multiplies images per view", () => {
    const figures = studioCapacity(input({ imagesPerView: 2, imagesPerDay: 5, workdaysPerWeek: 4 }));
    // 52 images / 5 a day = 10.4 -> 11 days; 11 / 4 = 2.75 -> 3 weeks.
    expect([figures.studioImages, figures.studioDays, figures.studioWeeks]).toEqual([52, 11, 3]);
  });

  it("is all zeros for an empty backlog", () => {
    const figures = studioCapacity(input({ products: [] }));
    expect([figures.studioImages, figures.studioDays, figures.studioWeeks, figures.aiAssets, figures.aiSpendMicros]).toEqual([0, 0, 0, 0, 0]);
  });

  it("counts grouped products by their count, prices each by its recipe, and leaves unrouted ones out", () => {
    const grouped = studioCapacity(
      input({
        products: [
          // 10 tier-2 products with 2 colourways, priced by a recipe with 2 candidates at 10_000 per packshot and detail.
          { id: "g1", tier: 2, colourCount: 2, producedAssets: [], count: 10, pricing: "cheap" },
          // 3 tier-3 products at the input's own prices: 900_000 each.
          { id: "g2", tier: 3, colourCount: 1, producedAssets: [], count: 3 },
          { id: "g3", tier: null, colourCount: 4, producedAssets: [], count: 50 },
          { id: "g4", tier: 1, colourCount: 4, producedAssets: [], count: 0 },
        ],
        pricing: { cheap: { costPerCandidateMicros: { ...COSTS, packshot: 10_000, detail: 10_000 }, candidatesPerView: 2 } },
      }),
    );
    expect(grouped.backlog).toEqual({
      1: { products: 0, studioImages: 0, aiAssets: 0, aiSpendMicros: 0 },
      2: { products: 10, studioImages: 40, aiAssets: 20, aiSpendMicros: 400_000 },
      3: { products: 3, studioImages: 0, aiAssets: 12, aiSpendMicros: 2_700_000 },
    });
    expect([grouped.studioImages, grouped.studioDays, grouped.aiCandidates]).toEqual([40, 4, 40 + 3 * 13]);
    expect(() => studioCapacity(input({ pricing: { bad: { costPerCandidateMicros: COSTS, candidatesPerView: 0 } } }))).toThrow(/Candidates per view/);
  });

  it("refuses impossible settings with the fix", () => {
    expect(() => studioCapacity(input({ imagesPerDay: 0 }))).toThrow(/images per day must be a whole number of at least 1: set it in Settings/);
    expect(() => studioCapacity(input({ workdaysPerWeek: 8 }))).toThrow(/days per week must be a whole number from 1 to 7/);
    expect(() => studioCapacity(input({ candidatesPerView: 0 }))).toThrow(/Candidates per view/);
  });
});

describe("previewLaneMove", () => {
  it("shows what pinning tier 1 products to tier 3 saves in studio days and costs in AI", () => {
    // p1 on tier 3: 900_000; p2 on tier 3 (video done): front, back, packshot = 400_000.
    const preview = previewLaneMove(input(), { kind: "pin", productIds: ["p1", "p2", "p5"], toTier: 3 });
    expect(preview.movedProducts).toBe(2);
    expect(preview.after).toMatchObject({ studioImages: 4, studioDays: 1, studioWeeks: 1, aiAssets: 13, aiSpendMicros: 2_360_000 });
    expect(preview.delta).toEqual({ studioImages: -22, studioDays: -2, studioWeeks: 0, aiAssets: 7, aiSpendMicros: 1_300_000 });
    expect(preview.after.backlog[1]).toEqual({ products: 0, studioImages: 0, aiAssets: 0, aiSpendMicros: 0 });
    expect(preview.summary).toBe("Moving 2 products to tier 3 saves 2 studio days and costs ≈ $1.30 more of AI.");
    expect(preview.before).toEqual(studioCapacity(input()));
  });

  it("shows the reverse move adding studio days and saving AI spend", () => {
    // p5 on tier 1: 6 studio images (32 in all -> 4 days); its 900_000 of AI goes.
    const preview = previewLaneMove(input(), { kind: "pin", productIds: ["p5"], toTier: 1 });
    expect(preview.delta).toEqual({ studioImages: 6, studioDays: 1, studioWeeks: 0, aiAssets: -4, aiSpendMicros: -900_000 });
    expect(preview.summary).toBe("Moving 1 product to tier 1 adds 1 studio day and saves ≈ $0.90 of AI.");
  });

  it("previews a plan change (a routing rule change) for every product on the tier", () => {
    const allAi: PlanItem[] = DEFAULT_PLANS[2].map((i) => ({ ...i, source: "ai" }));
    const plans: Record<Tier, PlanItem[]> = { ...DEFAULT_PLANS, 2: allAi };
    // p3 loses 4 studio images (26 -> 22, still 3 days) and gains front+back at 160_000 each.
    const preview = previewLaneMove(input(), { kind: "plans", plans });
    expect(preview.movedProducts).toBe(0);
    expect(preview.delta).toEqual({ studioImages: -4, studioDays: 0, studioWeeks: 0, aiAssets: 2, aiSpendMicros: 320_000 });
    expect(preview.summary).toBe("Changing the production plans leaves studio days unchanged and costs ≈ $0.32 more of AI.");
  });

  it("moves products each to its own tier (an unpin or a rule change) and counts grouped products", () => {
    const products: CapacityProduct[] = [...PRODUCTS, { id: "g", tier: 3, colourCount: 2, producedAssets: [], count: 5 }, { id: "new", tier: null, colourCount: 1, producedAssets: [], count: 2 }];
    // p1 1 -> 2: 18 studio images -> front+back 6, packshot+detail 2 x 4 x 20_000 = 160_000.
    // g (5 products) 3 -> 1: +5 x 6 x 2 = 60 studio images, -5 x 900_000 of AI.
    // new (2 unrouted) -> 3: +2 x 900_000. p5 stays where it is.
    const tiers = new Map<string, 1 | 2 | 3 | null>([["p1", 2], ["g", 1], ["new", 3], ["p5", 3]]);
    const preview = previewLaneMove(input({ products }), { kind: "tiers", tiers, target: "rules" });
    expect(preview.movedProducts).toBe(8);
    expect(preview.delta).toEqual({ studioImages: -12 + 60, studioDays: 5, studioWeeks: 1, aiAssets: 2 - 20 + 8, aiSpendMicros: 160_000 - 4_500_000 + 1_800_000 });
    expect(preview.summary).toBe("Moving 8 products to the tiers these rules give adds 5 studio days and saves ≈ $2.54 of AI.");
    const unpin = previewLaneMove(input(), { kind: "tiers", tiers: new Map([["p5", 1]]), target: "unpin" });
    expect(unpin.summary).toBe("Moving 1 product back to the tiers their rules give adds 1 studio day and saves ≈ $0.90 of AI.");
  });

  it("says nothing changes when the products are already on the tier", () => {
    const preview = previewLaneMove(input(), { kind: "pin", productIds: ["p5", "unknown"], toTier: 3 });
    expect(preview.movedProducts).toBe(0);
    expect(preview.summary).toBe("Moving 0 products to tier 3 leaves studio days unchanged and leaves AI spend unchanged.");
  });
});

describe("isoWeek", () => {
  it("follows ISO 8601 at year ends", () => {
    const label = (iso: string) => {
      const w = isoWeek(new Date(iso));
      return `${w.year}-W${w.week} ${w.monday.toISOString().slice(0, 10)}`;
    };
    expect(label("2026-12-07T12:00:00Z")).toBe("2026-W50 2026-12-07");
    expect(label("2026-12-13T23:00:00Z")).toBe("2026-W50 2026-12-07");
    expect(label("2027-01-01T00:00:00Z")).toBe("2026-W53 2026-12-28");
    expect(label("2027-01-04T00:00:00Z")).toBe("2027-W1 2027-01-04");
    expect(label("2021-01-03T00:00:00Z")).toBe("2020-W53 2020-12-28");
    expect(label("2024-12-30T00:00:00Z")).toBe("2025-W1 2024-12-30");
  });
});

describe("weeklyLoad", () => {
  it("sums images per ISO week against capacity, with empty weeks in between", () => {
    const days = [
      { date: new Date("2026-12-07T00:00:00Z"), images: 10 },
      { date: new Date("2026-12-11T00:00:00Z"), images: 11 },
      { date: new Date("2026-12-28T00:00:00Z"), images: 5 },
      { date: new Date("2027-01-04T00:00:00Z"), images: 3 },
    ];
    // 4 images a day x 5 workdays = 20 a week.
    expect(weeklyLoad(days, 4).map((w) => [w.week, w.weekStart.toISOString().slice(0, 10), w.images, w.capacity, w.overCapacity])).toEqual([
      ["2026-W50", "2026-12-07", 21, 20, true],
      ["2026-W51", "2026-12-14", 0, 20, false],
      ["2026-W52", "2026-12-21", 0, 20, false],
      ["2026-W53", "2026-12-28", 5, 20, false],
      ["2027-W01", "2027-01-04", 3, 20, false],
    ]);
  });

  it("uses the studio's workdays for capacity and is empty without days", () => {
    expect(weeklyLoad([{ date: new Date("2026-12-08T00:00:00Z"), images: 6 }], 3, [2, 4])).toEqual([
      { week: "2026-W50", weekStart: new Date("2026-12-07T00:00:00Z"), images: 6, scheduled: 6, backlog: 0, capacity: 6, overCapacity: false },
    ]);
    expect(weeklyLoad([], 10)).toEqual([]);
  });

  it("reads a shot list's days directly", () => {
    const list = buildShotLists({
      lines: [{ product: { id: "a", title: "A", handle: "a", tier: 1, launchDate: null, featuredImageUrl: null, variants: [] }, stillNeeded: DEFAULT_PLANS[1], stylingNotes: "" }],
      settings: { imagesPerDay: 2, startDate: new Date("2026-12-10T00:00:00Z"), leadDays: 0 },
    });
    // 6 images at 2 a day: Thu, Fri, then Mon of the next week.
    expect(weeklyLoad(list.days, 2).map((w) => [w.week, w.images, w.capacity])).toEqual([["2026-W50", 4, 10], ["2026-W51", 2, 10]]);
  });

  it("keeps scheduled and projected backlog images apart", () => {
    const days = [{ date: new Date("2026-12-07T00:00:00Z"), images: 4 }, ...projectBacklogDays(9, new Date("2026-12-10T00:00:00Z"), 4)];
    expect(weeklyLoad(days, 4).map((w) => [w.week, w.scheduled, w.backlog, w.images])).toEqual([
      ["2026-W50", 4, 8, 12],
      ["2026-W51", 0, 1, 1],
    ]);
  });
});

describe("projectBacklogDays", () => {
  it("fills studio workdays at capacity from the next workday, up to a limit", () => {
    // Saturday start: Monday, Tuesday, Wednesday.
    const days = projectBacklogDays(25, new Date("2026-12-12T15:00:00Z"), 10);
    expect(days.map((d) => [d.date.toISOString().slice(0, 10), d.images, d.backlog])).toEqual([
      ["2026-12-14", 10, true],
      ["2026-12-15", 10, true],
      ["2026-12-16", 5, true],
    ]);
    expect(projectBacklogDays(0, new Date("2026-12-12T00:00:00Z"), 10)).toEqual([]);
    expect(projectBacklogDays(1_000, new Date("2026-12-12T00:00:00Z"), 10, [2, 4], 4).map((d) => d.date.getUTCDay())).toEqual([2, 4, 2, 4]);
    expect(() => projectBacklogDays(5, new Date(), 0)).toThrow(/images per day/);
  });
});
