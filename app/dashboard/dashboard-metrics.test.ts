import { describe, expect, it } from "vitest";
import {
  budgetFigure,
  costRows,
  coverageKindOf,
  coverageRow,
  csvValue,
  deltaEBucket,
  deltaEDistribution,
  figuresCsv,
  firstPassByDay,
  formatHours,
  formatShare,
  formatUsd,
  median,
  qualitySummary,
  rejectReasonRows,
  share,
  throughputSeries,
  turnaroundRows,
  type DashboardFigures,
} from "./dashboard-metrics";

describe("dashboard metrics", () => {
  it("divides safely: nothing to divide by is null, not 0%", () => {
    expect(share(3, 4)).toBe(0.75);
    expect(share(0, 0)).toBeNull();
    expect(formatShare(null)).toBe("–");
    expect(formatShare(0.8549)).toBe("85.5%");
  });

  it("takes the median of odd and even lists", () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([10, 2, 4, 8])).toBe(6);
  });

  it("counts every on-model view as on-model coverage", () => {
    expect(["on-model-front", "on-model-side", "packshot", "video", "detail"].map(coverageKindOf)).toEqual(["onModel", "onModel", "packshot", "video", null]);
    expect(coverageRow({ group: "Tier 1", products: 4, onModel: 1, packshot: 2, video: 0 }).shares).toEqual({ onModel: 0.25, packshot: 0.5, video: 0 });
    expect(coverageRow({ group: "Tier 2", products: 0, onModel: 0, packshot: 0, video: 0 }).shares.onModel).toBeNull();
  });

  it("fills the days nothing happened on and totals each metric", () => {
    const series = throughputSeries(
      ["2026-11-01", "2026-11-02", "2026-11-03"],
      [
        { day: "2026-11-01", metric: "requested", n: 4 },
        { day: "2026-11-03", metric: "approved", n: 2 },
        { day: "2026-11-03", metric: "published", n: 1 },
        { day: "2026-10-31", metric: "requested", n: 99 },
      ],
    );
    expect(series.days).toEqual([
      { day: "2026-11-01", requested: 4, generated: 0, approved: 0, published: 0 },
      { day: "2026-11-02", requested: 0, generated: 0, approved: 0, published: 0 },
      { day: "2026-11-03", requested: 0, generated: 0, approved: 2, published: 1 },
    ]);
    expect(series.totals).toEqual({ requested: 4, generated: 0, approved: 2, published: 1 });
  });

  it("turns median seconds into hours per lane, with a row for a lane that has none", () => {
    expect(turnaroundRows(["ai", "studio"], [{ lane: "ai", stage: "approved", medianSeconds: 5400, n: 3 }])).toEqual([
      { lane: "ai", toApprovedHours: 1.5, approved: 3, toLiveHours: null, live: 0 },
      { lane: "studio", toApprovedHours: null, approved: 0, toLiveHours: null, live: 0 },
    ]);
    expect(formatHours(null)).toBe("–");
    expect(formatHours(12)).toBe("12.0 h");
    expect(formatHours(72)).toBe("3.0 days");
  });

  it("compares the first-pass rate with the 85% target", () => {
    expect(qualitySummary({ decided: 20, approved: 18, firstPassApproved: 17, regenerationsOfApproved: 3 })).toMatchObject({ firstPassRate: 0.85, meetsTarget: true, regenerationsPerApproved: 3 / 18 });
    expect(qualitySummary({ decided: 10, approved: 5, firstPassApproved: 4, regenerationsOfApproved: 1 })).toMatchObject({ firstPassRate: 0.4, meetsTarget: false });
    expect(qualitySummary({ decided: 0, approved: 0, firstPassApproved: 0, regenerationsOfApproved: 0 })).toMatchObject({ firstPassRate: null, meetsTarget: null, regenerationsPerApproved: null });
    expect(firstPassByDay(["2026-11-01", "2026-11-02"], [{ day: "2026-11-02", decided: 4, firstPassApproved: 3 }])).toEqual([
      { day: "2026-11-01", decided: 0, firstPassApproved: 0, rate: null },
      { day: "2026-11-02", decided: 4, firstPassApproved: 3, rate: 0.75 },
    ]);
  });

  it("labels reviewer reasons from the taxonomy and QC checks by name, most frequent first", () => {
    expect(
      rejectReasonRows([
        { source: "reviewer", reason: "anatomy", n: 1 },
        { source: "qc", reason: "garment-colour", n: 3 },
        { source: "reviewer", reason: null, n: 0 },
      ]).map((r) => [r.label, r.count, r.share]),
    ).toEqual([
      ["QC: Garment colour", 3, 0.75],
      ["Anatomy (hands, limbs, face)", 1, 0.25],
      ["No reason given", 0, 0],
    ]);
  });

  it("buckets ΔE with the check's own edges: at a threshold is the lower bucket", () => {
    expect([0, 1, 1.01, 3, 3.2, 6, 6.01, 40].map(deltaEBucket)).toEqual([0, 0, 1, 2, 3, 4, 5, 5]);
    expect(deltaEDistribution([{ bucket: 0, n: 2 }, { bucket: 5, n: 2 }]).map((b) => [b.label, b.count, b.share])).toEqual([
      ["≤ 1", 2, 0.5],
      ["1–2", 0, 0],
      ["2–3", 0, 0],
      ["3–4.5", 0, 0],
      ["4.5–6", 0, 0],
      ["> 6", 2, 0.5],
    ]);
  });

  it("divides spend by approved assets per provider and lane, and totals them", () => {
    const { rows, total } = costRows([
      { provider: "fal", lane: "ai", spendMicros: 280_000, wastedMicros: 280_000, failedMicros: 0, approved: 0 },
      { provider: "fashn", lane: "ai", spendMicros: 300_000, wastedMicros: 75_000, failedMicros: 5_000, approved: 3 },
    ]);
    expect(rows.map((r) => [r.provider, r.perApprovedMicros])).toEqual([
      ["fashn", 100_000],
      ["fal", null],
    ]);
    expect(total).toMatchObject({ spendMicros: 580_000, wastedMicros: 355_000, failedMicros: 5_000, approved: 3, perApprovedMicros: 193_333 });
    expect(budgetFigure(1000, 10_400_000)).toEqual({ monthlyBudgetMicros: 10_000_000, spentThisMonthMicros: 10_400_000, leftMicros: -400_000 });
    expect(budgetFigure(null, 5)).toEqual({ monthlyBudgetMicros: null, spentThisMonthMicros: 5, leftMicros: null });
    expect([formatUsd(75_000), formatUsd(-400_000), formatUsd(null)]).toEqual(["$0.08", "-$0.40", "–"]);
  });

  it("writes figures as CSV: numbers stay numbers, text is quoted and formula triggers neutralised", () => {
    expect([csvValue(-0.4), csvValue(null), csvValue("=SUM(A1)"), csvValue('a "b", c'), csvValue(Number.NaN)]).toEqual(["-0.4", "", "'=SUM(A1)", '"a ""b"", c"', ""]);
    const figures: DashboardFigures = {
      query: { from: "2026-11-01", to: "2026-11-01", lane: null },
      coverage: { all: coverageRow({ group: "All products", products: 2, onModel: 1, packshot: 0, video: 0 }), byTier: [], byCollection: [coverageRow({ group: "+Sale, 50%", products: 1, onModel: 1, packshot: 0, video: 0 })] },
      throughput: throughputSeries(["2026-11-01"], [{ day: "2026-11-01", metric: "approved", n: 1 }]),
      turnaround: [],
      quality: qualitySummary({ decided: 3, approved: 2, firstPassApproved: 2, regenerationsOfApproved: 0 }),
      firstPassByDay: [],
      rejectReasons: [],
      deltaE: deltaEDistribution([]),
      cost: { ...costRows([]), budget: budgetFigure(null, 0) },
    };
    const csv = figuresCsv(figures);
    expect(csv.startsWith("Section,Group,Metric,Value,Unit\r\nRange,,Dates,2026-11-01 to 2026-11-01,\r\n")).toBe(true);
    expect(csv).toContain(`Coverage by collection,"'+Sale, 50%",With on-model,1,share\r\n`);
    expect(csv).toContain("Quality,,First-pass approval rate,0.6667,share\r\n");
    expect(csv).toContain("Throughput,2026-11-01,Approved,1,assets\r\n");
    expect(csv).toContain("Budget,This month,Left,,USD\r\n");
  });
});
