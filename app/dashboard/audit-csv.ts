import { csvLine } from "./dashboard-metrics";

/**
 * The audit trail export: one CSV row per asset made in the range, with how
 * it was made, what QC measured, who decided and when it went live, and the
 * asset's audit events. Pure; audit-export.server.ts pages through the rows.
 */

export const AUDIT_CSV_HEADER = [
  "Asset",
  "Created at",
  "Product",
  "Product title",
  "Planned asset",
  "Kind",
  "Lane",
  "Provider",
  "Model",
  "Operation",
  "Recipe",
  "Recipe version",
  "Seed",
  "Regenerations",
  "Regenerated from",
  "Status",
  "Cost USD",
  "QC verdict",
  "QC scores",
  "Garment ΔE00",
  "Review status",
  "Reviewer",
  "Reviewed at",
  "Reject reason",
  "Review note",
  "Signed off by",
  "Publication status",
  "Published at",
  "Shopify media",
  "Audit events",
] as const;

export interface AuditRow {
  id: string;
  createdAt: Date;
  productId: string;
  productTitle: string | null;
  planAsset: string | null;
  kind: string;
  source: string;
  provider: string;
  model: string;
  operation: string;
  recipe: string | null;
  recipeVersion: number | null;
  seed: number | null;
  regenerations: number;
  regeneratedFromId: string | null;
  status: string;
  costMicros: number;
  qcVerdict: string | null;
  qcReport: unknown;
  qcDeltaE: number | null;
  reviewStatus: string | null;
  reviewedBy: string | null;
  reviewedAt: Date | null;
  rejectReason: string | null;
  reviewNote: string | null;
  signedOffBy: string | null;
  publicationStatus: string | null;
  publishedAt: Date | null;
  mediaId: string | null;
}

export interface AuditEventLine {
  at: Date;
  actor: string;
  action: string;
}

/** "check=score verdict; …" from a stored QC report (anything unexpected in it is skipped, not thrown on). */
export function qcScoresText(report: unknown): string {
  const checks = (report as { checks?: unknown } | null)?.checks;
  if (!Array.isArray(checks)) return "";
  return checks
    .filter((c): c is { check: string; score: number | null; verdict: string } => typeof c === "object" && c !== null && typeof (c as { check?: unknown }).check === "string")
    .map((c) => `${c.check}=${c.score ?? "n/a"} ${c.verdict}`)
    .join("; ");
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function auditCsvLine(row: AuditRow, events: readonly AuditEventLine[]): string {
  return csvLine([
    row.id,
    iso(row.createdAt),
    row.productId,
    row.productTitle,
    row.planAsset,
    row.kind,
    row.source,
    row.provider,
    row.model,
    row.operation,
    row.recipe,
    row.recipeVersion,
    row.seed,
    row.regenerations,
    row.regeneratedFromId,
    row.status,
    row.costMicros / 1_000_000,
    row.qcVerdict,
    qcScoresText(row.qcReport),
    row.qcDeltaE,
    row.reviewStatus,
    row.reviewedBy,
    iso(row.reviewedAt),
    row.rejectReason,
    row.reviewNote,
    row.signedOffBy,
    row.publicationStatus,
    iso(row.publishedAt),
    row.mediaId,
    events.map((e) => `${e.at.toISOString()} ${e.action} by ${e.actor}`).join("; "),
  ]);
}

export function auditCsvHeader(): string {
  return csvLine(AUDIT_CSV_HEADER);
}
