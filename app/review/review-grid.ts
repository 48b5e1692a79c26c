import { z } from "zod";
import { PROVIDER_LABELS } from "../credentials/credential-form";
import { DEMO_PROVIDER, DEMO_PROVIDER_LABEL } from "../production/production-page";
import { QC_CHECKS, QC_VERDICTS, type QcCheckId, type QcVerdict } from "../qc/qc-check";
import { REVIEW_STATUS_LABELS, statusAfterApproval, type ReviewIntent, type ReviewStatus } from "./review-decision";
import { REVIEW_PAGE_SIZE, reviewFiltersToParams, type ReviewFilters } from "./review-filters";

/**
 * Pure parts of the review grid and the compare view: what a card says (source,
 * recipe, failing checks, its accessible name), which thumbnail it shows, how
 * the keyboard moves through the grid and where focus goes when cards leave.
 * Browser-safe: the components and the loaders share it.
 */

export interface ReviewThumb {
  url: string;
  width: number;
  height: number;
}

/** A failing automated check, as a card lists it. */
export interface ReviewFinding {
  check: string;
  label: string;
  verdict: QcVerdict;
  reason: string;
}

export interface ReviewCard {
  id: string;
  productId: string;
  productTitle: string;
  view: string | null;
  viewLabel: string;
  candidateIndex: number;
  verdict: QcVerdict | null;
  findings: ReviewFinding[];
  tier: number | null;
  source: string;
  sourceLabel: string;
  demo: boolean;
  recipeLabel: string | null;
  reviewStatus: string | null;
  statusLabel: string;
  flagged: boolean;
  regenerations: number;
  thumb: ReviewThumb | null;
}

export const VERDICT_LABELS: Record<QcVerdict, string> = { pass: "Pass", flag: "Flag", reject: "Reject" };
export const VERDICT_TONES: Record<QcVerdict, "success" | "warning" | "critical"> = { pass: "success", flag: "warning", reject: "critical" };

/** Who made the file: the studio, the store, the local demo provider (never called AI) or a named AI provider. */
export function sourceLabel(source: string, provider: string): string {
  if (source === "studio") return "Studio";
  if (source === "store") return "Store image";
  if (provider === DEMO_PROVIDER) return DEMO_PROVIDER_LABEL;
  const name = (PROVIDER_LABELS as Record<string, string>)[provider] ?? provider;
  return `AI · ${name}`;
}

/** "dresses v3": the recipe's category and version that made the asset. */
export function recipeLabel(categoryKey: string | null | undefined, version: number | null | undefined): string | null {
  if (!categoryKey || version === null || version === undefined) return null;
  return `${categoryKey} v${version}`;
}

/** "Front", "Back" …; a clip has no view of its own: "Video". */
export function viewLabel(view: string | null, kind = "image"): string {
  if (kind === "video") return "Video";
  if (!view) return "No view";
  return view.charAt(0).toUpperCase() + view.slice(1);
}

export function statusLabel(status: string | null): string {
  return status ? (REVIEW_STATUS_LABELS[status as ReviewStatus] ?? status) : "Not checked yet";
}

export function checkLabel(check: string): string {
  return (QC_CHECKS as Record<string, { label: string }>)[check]?.label ?? check;
}

// Lenient on purpose: a report written by an older QC version still shows what it can.
const storedCheckSchema = z.object({
  check: z.string(),
  verdict: z.enum(QC_VERDICTS),
  score: z.number().nullable().catch(null),
  threshold: z.object({ flag: z.number(), reject: z.number() }).nullable().catch(null),
  reason: z.string().catch(""),
  detail: z.record(z.string(), z.unknown()).optional().catch(undefined),
});
const storedReportSchema = z.object({
  verdict: z.enum(QC_VERDICTS).optional().catch(undefined),
  checks: z.array(z.unknown()).catch([]),
  overlays: z.record(z.string(), z.string()).catch({}),
});

export type StoredCheck = z.infer<typeof storedCheckSchema>;
export interface StoredReport {
  verdict?: QcVerdict;
  checks: StoredCheck[];
  overlays: Record<string, string>;
}

/** Asset.qcReport as far as it can be read; malformed checks are dropped, not fatal. */
export function readQcReport(json: unknown): StoredReport | null {
  const report = storedReportSchema.safeParse(json);
  if (!report.success) return null;
  const checks = report.data.checks.flatMap((c) => {
    const parsed = storedCheckSchema.safeParse(c);
    return parsed.success ? [parsed.data] : [];
  });
  return { verdict: report.data.verdict, checks, overlays: report.data.overlays };
}

const RANK: Record<QcVerdict, number> = { reject: 0, flag: 1, pass: 2 };

/** The checks that did not pass, rejects first. */
export function findingsOf(json: unknown): ReviewFinding[] {
  const report = readQcReport(json);
  if (!report) return [];
  return report.checks
    .filter((c) => c.verdict !== "pass")
    .sort((a, b) => RANK[a.verdict] - RANK[b.verdict])
    .map((c) => ({ check: c.check, label: checkLabel(c.check), verdict: c.verdict, reason: c.reason }));
}

export function isVerdict(value: string | null): value is QcVerdict {
  return value !== null && (QC_VERDICTS as readonly string[]).includes(value);
}

/** The QC job's thumbnails have this long edge (THUMB_EDGE in qc/quality-check.server); only the aspect matters for the box. */
const THUMB_LONG_EDGE = 400;

/**
 * Which stored file a card shows: the QC thumbnail (≤ 30 KB WebP) when there is
 * one, else the smallest rendition; never the master. The width and height are
 * the image's aspect scaled to thumbnail size, so the browser reserves the box
 * before the bytes arrive.
 */
export function pickThumbnail(
  asset: { thumbKey: string | null; width: number | null; height: number | null },
  renditions: readonly { storageKey: string; width: number; height: number; bytes: number }[],
): { key: string; width: number; height: number } | null {
  if (asset.thumbKey) {
    const [width, height] = asset.width && asset.height ? fitLongEdge(asset.width, asset.height, THUMB_LONG_EDGE) : [320, 400];
    return { key: asset.thumbKey, width, height };
  }
  const smallest = [...renditions].sort((a, b) => a.bytes - b.bytes)[0];
  return smallest ? { key: smallest.storageKey, width: smallest.width, height: smallest.height } : null;
}

export function fitLongEdge(width: number, height: number, edge: number): [number, number] {
  const scale = Math.min(1, edge / Math.max(width, height));
  return [Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale))];
}

/** The largest rendition (by pixels): what the compare view inspects at 100 %. */
export function largestRendition<T extends { width: number; height: number }>(renditions: readonly T[]): T | null {
  return renditions.reduce<T | null>((best, r) => (!best || r.width * r.height > best.width * best.height ? r : best), null);
}

/** A card's accessible name: product, view and verdict, then what a reviewer needs next. */
export function cardAriaLabel(card: Pick<ReviewCard, "productTitle" | "viewLabel" | "candidateIndex" | "verdict" | "flagged" | "findings" | "sourceLabel">): string {
  const verdict = card.verdict ? `verdict ${VERDICT_LABELS[card.verdict].toLowerCase()}` : "not checked yet";
  const parts = [card.productTitle, `${card.viewLabel.toLowerCase()} view`, `candidate ${card.candidateIndex + 1}`, verdict];
  if (card.flagged) parts.push("flagged for a second look");
  if (card.findings.length) parts.push(`${card.findings.length} failing check${card.findings.length === 1 ? "" : "s"}: ${card.findings.map((f) => f.label).join(", ")}`);
  parts.push(card.sourceLabel);
  return parts.join(", ");
}

export function reviewPageCount(total: number, size = REVIEW_PAGE_SIZE): number {
  return Math.max(1, Math.ceil(total / size));
}

/** "?verdict=flag&page=2" (empty for the defaults). */
export function reviewSearch(filters: Partial<ReviewFilters>): string {
  const search = reviewFiltersToParams(filters).toString();
  return search ? `?${search}` : "";
}

/** The compare view's address, keeping the grid's filters so Back and next/previous stay in the same queue. */
export function compareHref(assetId: string, filters: Partial<ReviewFilters>, options: { zoom?: boolean } = {}): string {
  const params = reviewFiltersToParams(filters);
  if (options.zoom) params.set("zoom", "1");
  const search = params.toString();
  return `/app/review/${assetId}${search ? `?${search}` : ""}`;
}

/** What a key does in the grid or the compare view; modifier chords are never ours. */
export type ReviewKey = "next" | "previous" | "left" | "right" | "up" | "down" | "approve" | "reject" | "flag" | "zoom" | "open" | "select" | "close";

const KEYS: Record<string, ReviewKey> = {
  j: "next",
  J: "next",
  k: "previous",
  K: "previous",
  ArrowRight: "right",
  ArrowLeft: "left",
  ArrowDown: "down",
  ArrowUp: "up",
  a: "approve",
  A: "approve",
  r: "reject",
  R: "reject",
  f: "flag",
  F: "flag",
  z: "zoom",
  Z: "zoom",
  Enter: "open",
  " ": "select",
  Escape: "close",
};

export function reviewKeyOf(event: { key: string; ctrlKey?: boolean; metaKey?: boolean; altKey?: boolean }): ReviewKey | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  return KEYS[event.key] ?? null;
}

/**
 * Where focus goes in a grid of `count` cards laid out in `columns` columns:
 * J/K and ←/→ step one card, ↑/↓ one row; the ends hold (no wrap, so holding a
 * key never jumps back to the top). With nothing focused, any move starts at
 * the first card.
 */
export function moveFocus(index: number | null, key: "next" | "previous" | "left" | "right" | "up" | "down", count: number, columns: number): number | null {
  if (count === 0) return null;
  if (index === null || index < 0 || index >= count) return 0;
  const cols = Math.max(1, Math.floor(columns));
  const step = key === "next" || key === "right" ? 1 : key === "previous" || key === "left" ? -1 : key === "down" ? cols : -cols;
  const target = index + step;
  if (target < 0) return key === "up" ? index : 0;
  if (target >= count) return key === "down" ? index : count - 1;
  return target;
}

/**
 * The card to focus once `removed` cards leave the grid: the first remaining
 * card after the focused one, else the last remaining card before it, else none.
 */
export function nextFocusAfter(ids: readonly string[], removed: ReadonlySet<string>, focusedId: string | null): string | null {
  const start = focusedId ? ids.indexOf(focusedId) : -1;
  if (start >= 0 && !removed.has(ids[start])) return ids[start];
  for (let i = Math.max(0, start + 1); i < ids.length; i++) if (!removed.has(ids[i])) return ids[i];
  for (let i = Math.min(ids.length - 1, start - 1); i >= 0; i--) if (!removed.has(ids[i])) return ids[i];
  return null;
}

/** Score with its unit, e.g. "3.42 ΔE00"; "not measured" when the check could not measure. */
export function formatScore(check: string, score: number | null): string {
  if (score === null) return "not measured";
  const unit = (QC_CHECKS as Record<string, { unit: string }>)[check]?.unit ?? "";
  const rounded = Math.abs(score) >= 100 ? Math.round(score).toLocaleString("en-US") : String(Math.round(score * 100) / 100);
  return unit ? `${rounded} ${unit}` : rounded;
}

/** "flags above 3, rejects above 6" in the check's direction; a reject threshold out of reach says so. */
export function formatThreshold(check: string, threshold: { flag: number; reject: number } | null): string {
  if (!threshold) return "—";
  const definition = (QC_CHECKS as Record<string, { worse: "above" | "below" }>)[check];
  const word = definition?.worse === "below" ? "below" : "above";
  const unreachable = definition?.worse === "below" ? threshold.reject < 0 : false;
  if (threshold.flag === threshold.reject) return `rejects ${word} ${threshold.reject}`;
  return unreachable ? `flags ${word} ${threshold.flag} (never rejects)` : `flags ${word} ${threshold.flag}, rejects ${word} ${threshold.reject}`;
}

export interface CheckRow {
  check: string;
  label: string;
  score: string;
  threshold: string;
  verdict: QcVerdict;
  reason: string;
}

/** The compare view's checks table: every check of the report, failing ones first. */
export function checkRows(json: unknown): CheckRow[] {
  const report = readQcReport(json);
  if (!report) return [];
  return [...report.checks]
    .sort((a, b) => RANK[a.verdict] - RANK[b.verdict])
    .map((c) => ({ check: c.check, label: checkLabel(c.check), score: formatScore(c.check, c.score), threshold: formatThreshold(c.check, c.threshold), verdict: c.verdict, reason: c.reason }));
}

const OVERLAY_LABELS: Record<string, string> = {
  "garment-delta-e": "Garment colour ΔE heat map",
  background: "Background findings",
};

export function overlayLabel(name: string): string {
  return OVERLAY_LABELS[name] ?? name.replace(/-/g, " ");
}

/** How a QC check id reads in the UI when it is known; keeps unknown ids as they are. */
export function isKnownCheck(check: string): check is QcCheckId {
  return check in QC_CHECKS;
}

/** What the reviewer's decision fields are called on screen, for error messages that name the field. */
export const DECISION_FIELD_LABELS: Record<string, string> = {
  intent: "Action",
  assetIds: "Selection",
  reason: "Reject reason",
  note: "Note",
  flagged: "Flag",
  file: "Corrected file",
  assetId: "Asset",
  filters: "Filters",
  verdict: "Verdict filter",
  tier: "Tier filter",
  collection: "Collection filter",
  category: "Category filter",
  source: "Source filter",
  state: "Reviewer state filter",
  product: "Product filter",
  page: "Page",
};

export function describeErrors(errors: Record<string, string>): string[] {
  return Object.entries(errors).map(([field, message]) => {
    const label = DECISION_FIELD_LABELS[field.split(".")[0]] ?? field;
    return `${label}: ${message}`;
  });
}

/**
 * A decision form as the decision schema reads it: `assetIds` repeated, empty
 * fields absent, `flagged` as a boolean. The schema itself says what is wrong.
 */
export function reviewDecisionInput(form: { get(name: string): FormDataEntryValue | null; getAll(name: string): FormDataEntryValue[] }): Record<string, unknown> {
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" && value.trim() !== "" ? value : undefined;
  };
  const flagged = text("flagged");
  const input: Record<string, unknown> = {
    intent: text("intent"),
    assetIds: form.getAll("assetIds").filter((v): v is string => typeof v === "string" && v !== ""),
    reason: text("reason"),
    note: text("note"),
    flagged: flagged === "true" ? true : flagged === "false" ? false : flagged,
  };
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}

/**
 * Where a decision leaves an asset, as the review actions apply it (statusAfterApproval
 * for the brand sign-off; an approval clears the reviewer's flag; regenerating or a
 * retouched file supersedes it). The grid hides a card at once when this takes it out
 * of the list being looked at; a refused decision brings it back.
 */
export function afterDecision(intent: ReviewIntent, asset: { reviewStatus: string | null; flagged: boolean }, options: { brandSignOff: boolean; flagged?: boolean }): { reviewStatus: string | null; flagged: boolean } {
  switch (intent) {
    case "approve":
      return { reviewStatus: statusAfterApproval(options.brandSignOff), flagged: false };
    case "sign-off":
      return { reviewStatus: "approved", flagged: asset.flagged };
    case "reject":
      return { reviewStatus: "rejected", flagged: asset.flagged };
    case "regenerate":
      return { reviewStatus: "superseded", flagged: asset.flagged };
    case "retouch":
      return { reviewStatus: "retouch", flagged: asset.flagged };
    case "flag":
      return { reviewStatus: asset.reviewStatus, flagged: options.flagged ?? !asset.flagged };
  }
}

/** Whether an asset in this state belongs to the grid's reviewer-state filter (the same rule as reviewWhere). */
export function inReviewState(state: string, asset: { reviewStatus: string | null; flagged: boolean }): boolean {
  const open = asset.reviewStatus === "awaiting-review" || asset.reviewStatus === "awaiting-signoff";
  if (state === "open") return open;
  if (state === "flagged") return open && asset.flagged;
  return asset.reviewStatus === state;
}
