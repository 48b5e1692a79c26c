import { REJECT_REASON_LABELS, type RejectReason } from "../review/review-decision";
import { QC_CHECKS, type QcCheckId } from "../qc/qc-check";
import { csvCell } from "../studio/shot-list";
import type { DashboardLane, DashboardQuery } from "./dashboard-query";

/**
 * The dashboard's figures from the aggregates PostgreSQL returns: shares,
 * per-day series with empty days filled, medians, the ΔE buckets, cost per
 * approved asset, and the figures as table rows and CSV. Pure and
 * browser-safe; dashboard.server.ts runs the queries.
 */

/** A first-pass approval rate at or above this is a mature pipeline (issue #9). */
export const FIRST_PASS_TARGET = 0.85;

/** n of d, or null when there is nothing to divide by (a new shop shows "–", not 0%). */
export function share(n: number, d: number): number | null {
  return d > 0 ? n / d : null;
}

/** Median of a list (mean of the middle two for an even count), or null for an empty list. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// ---------------------------------------------------------------------------
// Coverage

export const COVERAGE_KINDS = ["onModel", "packshot", "video"] as const;
export type CoverageKind = (typeof COVERAGE_KINDS)[number];
export const COVERAGE_LABELS: Record<CoverageKind, string> = { onModel: "On-model", packshot: "Packshot", video: "Video" };

/** Which coverage kind a plan asset kind counts for (every on-model view counts as on-model). */
export function coverageKindOf(planAsset: string): CoverageKind | null {
  if (planAsset.startsWith("on-model")) return "onModel";
  if (planAsset === "packshot") return "packshot";
  if (planAsset === "video") return "video";
  return null;
}

export interface CoverageCounts {
  /** "all", "tier 1" … "unrouted", or a collection's title. */
  group: string;
  products: number;
  onModel: number;
  packshot: number;
  video: number;
}

export interface CoverageRow extends CoverageCounts {
  shares: Record<CoverageKind, number | null>;
}

export function coverageRow(counts: CoverageCounts): CoverageRow {
  return { ...counts, shares: { onModel: share(counts.onModel, counts.products), packshot: share(counts.packshot, counts.products), video: share(counts.video, counts.products) } };
}

/** Tier groups as the page names them; null tier = not routed yet. */
export function tierGroup(tier: number | null): string {
  return tier === null ? "Not routed" : `Tier ${tier}`;
}

// ---------------------------------------------------------------------------
// Throughput

export const THROUGHPUT_METRICS = ["requested", "generated", "approved", "published"] as const;
export type ThroughputMetric = (typeof THROUGHPUT_METRICS)[number];
export const THROUGHPUT_LABELS: Record<ThroughputMetric, string> = { requested: "Requested", generated: "Generated", approved: "Approved", published: "Published" };

export type ThroughputDay = { day: string } & Record<ThroughputMetric, number>;

/** Per-day counts for every day of the range, zero where nothing happened, and the totals. */
export function throughputSeries(days: readonly string[], rows: readonly { day: string; metric: string; n: number }[]): { days: ThroughputDay[]; totals: Record<ThroughputMetric, number> } {
  const byDay = new Map<string, ThroughputDay>(days.map((day) => [day, { day, requested: 0, generated: 0, approved: 0, published: 0 }]));
  const totals: Record<ThroughputMetric, number> = { requested: 0, generated: 0, approved: 0, published: 0 };
  for (const row of rows) {
    const entry = byDay.get(row.day);
    if (!entry || !(THROUGHPUT_METRICS as readonly string[]).includes(row.metric)) continue;
    entry[row.metric as ThroughputMetric] += row.n;
    totals[row.metric as ThroughputMetric] += row.n;
  }
  return { days: [...byDay.values()], totals };
}

// ---------------------------------------------------------------------------
// Turnaround

export interface TurnaroundRow {
  lane: DashboardLane;
  /** Median hours from the request to approval, and how many approvals it is the median of. */
  toApprovedHours: number | null;
  approved: number;
  /** Median hours from the request to the asset being live on the product. */
  toLiveHours: number | null;
  live: number;
}

export function turnaroundRows(lanes: readonly DashboardLane[], rows: readonly { lane: string; stage: string; medianSeconds: number | null; n: number }[]): TurnaroundRow[] {
  return lanes.map((lane) => {
    const approved = rows.find((r) => r.lane === lane && r.stage === "approved");
    const live = rows.find((r) => r.lane === lane && r.stage === "live");
    const hours = (s: number | null | undefined) => (s === null || s === undefined ? null : s / 3600);
    return { lane, toApprovedHours: hours(approved?.medianSeconds), approved: approved?.n ?? 0, toLiveHours: hours(live?.medianSeconds), live: live?.n ?? 0 };
  });
}

// ---------------------------------------------------------------------------
// Quality

export interface QualityCounts {
  /** Candidates a person or QC decided: approved, rejected, auto-rejected or superseded by a regeneration. */
  decided: number;
  approved: number;
  /** Approved without any regeneration before it. */
  firstPassApproved: number;
  /** Regenerations behind the approved candidates (sum of Asset.regenerations). */
  regenerationsOfApproved: number;
}

export interface QualitySummary extends QualityCounts {
  firstPassRate: number | null;
  target: number;
  meetsTarget: boolean | null;
  regenerationsPerApproved: number | null;
}

export function qualitySummary(counts: QualityCounts): QualitySummary {
  const firstPassRate = share(counts.firstPassApproved, counts.decided);
  return {
    ...counts,
    firstPassRate,
    target: FIRST_PASS_TARGET,
    meetsTarget: firstPassRate === null ? null : firstPassRate >= FIRST_PASS_TARGET,
    regenerationsPerApproved: share(counts.regenerationsOfApproved, counts.approved),
  };
}

export interface RejectReasonRow {
  /** reviewer: a person's reject reason; qc: an automated check that rejected. */
  source: "reviewer" | "qc";
  reason: string;
  label: string;
  count: number;
  share: number | null;
}

export interface FirstPassDay {
  day: string;
  decided: number;
  firstPassApproved: number;
  rate: number | null;
}

/** The first-pass rate of the candidates made each day of the range (null on days nothing made then was decided). */
export function firstPassByDay(days: readonly string[], rows: readonly { day: string; decided: number; firstPassApproved: number }[]): FirstPassDay[] {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return days.map((day) => {
    const r = byDay.get(day);
    return { day, decided: r?.decided ?? 0, firstPassApproved: r?.firstPassApproved ?? 0, rate: share(r?.firstPassApproved ?? 0, r?.decided ?? 0) };
  });
}

/** Reviewer reasons (the taxonomy) and the checks behind QC rejections, most frequent first; shares of all rejections counted. */
export function rejectReasonRows(rows: readonly { source: string; reason: string | null; n: number }[]): RejectReasonRow[] {
  const total = rows.reduce((sum, r) => sum + r.n, 0);
  return rows
    .map((r): RejectReasonRow => {
      const source = r.source === "qc" ? "qc" : "reviewer";
      const reason = r.reason ?? "unspecified";
      const label = source === "qc" ? `QC: ${QC_CHECKS[reason as QcCheckId]?.label ?? reason}` : (REJECT_REASON_LABELS[reason as RejectReason] ?? (reason === "unspecified" ? "No reason given" : reason));
      return { source, reason, label, count: r.n, share: share(r.n, total) };
    })
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}

/** Upper edges of the ΔE00 buckets: the garment-colour check flags past 3 and rejects past 6 by default. */
export const DELTA_E_EDGES = [1, 2, 3, 4.5, 6] as const;

/** The bucket a ΔE falls in: 0 for ≤ 1, 1 for (1, 2] … 5 for above 6. */
export function deltaEBucket(deltaE: number): number {
  const index = DELTA_E_EDGES.findIndex((edge) => deltaE <= edge);
  return index === -1 ? DELTA_E_EDGES.length : index;
}

export function deltaELabel(bucket: number): string {
  if (bucket === 0) return `≤ ${DELTA_E_EDGES[0]}`;
  if (bucket >= DELTA_E_EDGES.length) return `> ${DELTA_E_EDGES[DELTA_E_EDGES.length - 1]}`;
  return `${DELTA_E_EDGES[bucket - 1]}–${DELTA_E_EDGES[bucket]}`;
}

export interface DeltaEBucketRow {
  bucket: number;
  label: string;
  count: number;
  share: number | null;
}

export function deltaEDistribution(rows: readonly { bucket: number; n: number }[]): DeltaEBucketRow[] {
  const total = rows.reduce((sum, r) => sum + r.n, 0);
  return Array.from({ length: DELTA_E_EDGES.length + 1 }, (_, bucket) => {
    const count = rows.filter((r) => r.bucket === bucket).reduce((sum, r) => sum + r.n, 0);
    return { bucket, label: deltaELabel(bucket), count, share: share(count, total) };
  });
}

/** One group of candidates made in the range: a day, the provider that made them and their lane. */
export interface MadeRow extends QualityCounts {
  day: string;
  provider: string;
  lane: string;
  /** Counts per ΔE bucket (DELTA_E_EDGES). */
  deltaE: number[];
}

/** The quality figures and approvals per maker from the grouped candidates: sums, so one scan serves them all. */
export function madeFigures(days: readonly string[], rows: readonly MadeRow[]) {
  const totals: QualityCounts = { decided: 0, approved: 0, firstPassApproved: 0, regenerationsOfApproved: 0 };
  const perDay = new Map<string, { day: string; decided: number; firstPassApproved: number }>();
  const buckets = new Map<number, number>();
  const approvedBy = new Map<string, number>();
  for (const r of rows) {
    totals.decided += r.decided;
    totals.approved += r.approved;
    totals.firstPassApproved += r.firstPassApproved;
    totals.regenerationsOfApproved += r.regenerationsOfApproved;
    const d = perDay.get(r.day) ?? { day: r.day, decided: 0, firstPassApproved: 0 };
    d.decided += r.decided;
    d.firstPassApproved += r.firstPassApproved;
    perDay.set(r.day, d);
    r.deltaE.forEach((n, bucket) => buckets.set(bucket, (buckets.get(bucket) ?? 0) + n));
    approvedBy.set(`${r.provider}\u0000${r.lane}`, (approvedBy.get(`${r.provider}\u0000${r.lane}`) ?? 0) + r.approved);
  }
  return {
    summary: qualitySummary(totals),
    firstPassByDay: firstPassByDay(days, [...perDay.values()]),
    deltaE: deltaEDistribution([...buckets].map(([bucket, n]) => ({ bucket, n }))),
    approvedBy,
  };
}

// ---------------------------------------------------------------------------
// Cost

export interface CostCounts {
  provider: string;
  lane: string;
  /** Settled successful calls on the candidates made in the range, micro-USD. */
  spendMicros: number;
  /** Of that, spent on output that was rejected (by a person or QC) or superseded by a regeneration. */
  wastedMicros: number;
  /** Calls that failed but still cost something. */
  failedMicros: number;
  /** Approved assets among the candidates this provider made in the lane in the range. */
  approved: number;
}

/** Spend rows by (provider, lane) with the approvals of the same maker and lane; a maker with approvals and no spend (the studio) gets a row too. */
export function withApprovals(spend: readonly Omit<CostCounts, "approved">[], approvedBy: ReadonlyMap<string, number>): CostCounts[] {
  const key = (provider: string, lane: string) => `${provider}\u0000${lane}`;
  const rows: CostCounts[] = spend.map((s) => ({ ...s, approved: approvedBy.get(key(s.provider, s.lane)) ?? 0 }));
  for (const [k, approved] of approvedBy) {
    const [provider, lane] = k.split("\u0000");
    if (approved > 0 && !spend.some((s) => key(s.provider, s.lane) === k)) rows.push({ provider, lane, spendMicros: 0, wastedMicros: 0, failedMicros: 0, approved });
  }
  return rows;
}

export interface CostRow extends CostCounts {
  perApprovedMicros: number | null;
}

export function costRows(rows: readonly CostCounts[]): { rows: CostRow[]; total: CostRow } {
  const withRate = (r: CostCounts): CostRow => ({ ...r, perApprovedMicros: r.approved > 0 ? Math.round(r.spendMicros / r.approved) : null });
  const total = rows.reduce<CostCounts>(
    (sum, r) => ({ ...sum, spendMicros: sum.spendMicros + r.spendMicros, wastedMicros: sum.wastedMicros + r.wastedMicros, failedMicros: sum.failedMicros + r.failedMicros, approved: sum.approved + r.approved }),
    { provider: "All providers", lane: "all", spendMicros: 0, wastedMicros: 0, failedMicros: 0, approved: 0 },
  );
  return { rows: [...rows].sort((a, b) => b.spendMicros - a.spendMicros || a.provider.localeCompare(b.provider) || a.lane.localeCompare(b.lane)).map(withRate), total: withRate(total) };
}

export interface BudgetFigure {
  monthlyBudgetMicros: number | null;
  /** Spent or reserved this UTC month, as the budget check counts it. */
  spentThisMonthMicros: number;
  leftMicros: number | null;
}

export function budgetFigure(monthlyBudgetCents: number | null, spentThisMonthMicros: number): BudgetFigure {
  const monthlyBudgetMicros = monthlyBudgetCents === null ? null : monthlyBudgetCents * 10_000;
  return { monthlyBudgetMicros, spentThisMonthMicros, leftMicros: monthlyBudgetMicros === null ? null : monthlyBudgetMicros - spentThisMonthMicros };
}

// ---------------------------------------------------------------------------
// The whole dashboard

export interface DashboardFigures {
  query: DashboardQuery;
  coverage: { byTier: CoverageRow[]; byCollection: CoverageRow[]; all: CoverageRow };
  throughput: { days: ThroughputDay[]; totals: Record<ThroughputMetric, number> };
  turnaround: TurnaroundRow[];
  quality: QualitySummary;
  firstPassByDay: FirstPassDay[];
  rejectReasons: RejectReasonRow[];
  deltaE: DeltaEBucketRow[];
  cost: { rows: CostRow[]; total: CostRow; budget: BudgetFigure };
}

/** Whether the shop has anything to show yet (a new shop gets the empty state). */
export function isEmptyDashboard(figures: DashboardFigures): boolean {
  const t = figures.throughput.totals;
  return figures.coverage.all.products === 0 && t.requested + t.generated + t.approved + t.published === 0 && figures.cost.total.spendMicros === 0;
}

// ---------------------------------------------------------------------------
// Formatting (tables, charts and CSV share these)

export function formatShare(value: number | null): string {
  return value === null ? "–" : `${(value * 100).toFixed(1)}%`;
}

export function formatUsd(micros: number | null): string {
  if (micros === null) return "–";
  // Whole cents first: 75,000 micros is $0.08 (0.075.toFixed(2) would give 0.07).
  const cents = Math.round(Math.abs(micros) / 10_000);
  return `${micros < 0 && cents > 0 ? "-" : ""}$${(cents / 100).toFixed(2)}`;
}

export function formatHours(hours: number | null): string {
  if (hours === null) return "–";
  return hours < 48 ? `${hours.toFixed(1)} h` : `${(hours / 24).toFixed(1)} days`;
}

/** A figure cell for CSV: numbers as they are (a negative budget left stays a number), text through csvCell's formula neutralisation and quoting. */
export function csvValue(value: string | number | null): string {
  return typeof value === "number" ? (Number.isFinite(value) ? String(value) : "") : csvCell(value);
}

export const FIGURES_CSV_HEADER = ["Section", "Group", "Metric", "Value", "Unit"] as const;

const round = (value: number | null, digits = 4) => (value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits);

/** Every figure of the dashboard as one long table: section, group, metric, value, unit. */
export function figuresTable(f: DashboardFigures): (string | number | null)[][] {
  const rows: (string | number | null)[][] = [];
  const range = `${f.query.from} to ${f.query.to}${f.query.lane ? ` (${f.query.lane} lane)` : ""}`;
  rows.push(["Range", "", "Dates", range, ""]);
  for (const c of [f.coverage.all, ...f.coverage.byTier, ...f.coverage.byCollection]) {
    const section = c === f.coverage.all || f.coverage.byTier.includes(c) ? "Coverage by tier" : "Coverage by collection";
    rows.push([section, c.group, "Products", c.products, "products"]);
    for (const kind of COVERAGE_KINDS) rows.push([section, c.group, `With ${COVERAGE_LABELS[kind].toLowerCase()}`, round(c.shares[kind]), "share"]);
  }
  for (const d of f.throughput.days) for (const m of THROUGHPUT_METRICS) rows.push(["Throughput", d.day, THROUGHPUT_LABELS[m], d[m], "assets"]);
  for (const t of f.turnaround) {
    rows.push(["Turnaround", t.lane, "Median request to approved", round(t.toApprovedHours, 2), "hours"]);
    rows.push(["Turnaround", t.lane, "Median request to live", round(t.toLiveHours, 2), "hours"]);
  }
  rows.push(["Quality", "", "First-pass approval rate", round(f.quality.firstPassRate), "share"]);
  rows.push(["Quality", "", "First-pass target", f.quality.target, "share"]);
  rows.push(["Quality", "", "Decided candidates", f.quality.decided, "assets"]);
  rows.push(["Quality", "", "Regenerations per approved asset", round(f.quality.regenerationsPerApproved), "regenerations"]);
  for (const r of f.rejectReasons) rows.push(["Reject reasons", r.source, r.label, r.count, "assets"]);
  for (const b of f.deltaE) rows.push(["Garment colour ΔE00", b.label, "Checked assets", b.count, "assets"]);
  for (const c of [...f.cost.rows, f.cost.total]) {
    rows.push(["Cost", `${c.provider} / ${c.lane}`, "Spend", c.spendMicros / 1_000_000, "USD"]);
    rows.push(["Cost", `${c.provider} / ${c.lane}`, "Spend per approved asset", c.perApprovedMicros === null ? null : c.perApprovedMicros / 1_000_000, "USD"]);
    rows.push(["Cost", `${c.provider} / ${c.lane}`, "Wasted on rejected output", c.wastedMicros / 1_000_000, "USD"]);
    rows.push(["Cost", `${c.provider} / ${c.lane}`, "Failed calls", c.failedMicros / 1_000_000, "USD"]);
  }
  const b = f.cost.budget;
  rows.push(["Budget", "This month", "Monthly budget", b.monthlyBudgetMicros === null ? null : b.monthlyBudgetMicros / 1_000_000, "USD"]);
  rows.push(["Budget", "This month", "Spent or reserved", b.spentThisMonthMicros / 1_000_000, "USD"]);
  rows.push(["Budget", "This month", "Left", b.leftMicros === null ? null : b.leftMicros / 1_000_000, "USD"]);
  return rows;
}

export function csvLine(cells: readonly (string | number | null)[]): string {
  return `${cells.map(csvValue).join(",")}\r\n`;
}

export function figuresCsv(f: DashboardFigures): string {
  return [FIGURES_CSV_HEADER, ...figuresTable(f)].map(csvLine).join("");
}
