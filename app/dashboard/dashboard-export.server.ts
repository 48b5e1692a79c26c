import { Prisma, type PrismaClient } from "@prisma/client";
import { auditCsvHeader, auditCsvLine, type AuditEventLine, type AuditRow } from "./audit-csv";
import { figuresCsv } from "./dashboard-metrics";
import { loadDashboardFigures } from "./dashboard.server";
import { parseDashboardQuery, rangeOf, type DashboardQuery } from "./dashboard-query";

/** Rows fetched per page of the audit export: memory stays flat however long the range. */
export const AUDIT_BATCH = 500;

const CSV_HEADERS = { "Content-Type": "text/csv; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" };

/** 400 naming every bad parameter and what to send instead. */
function badRange(errors: Record<string, string>): Response {
  const lines = Object.entries(errors).map(([field, message]) => `${field}: ${message}`);
  return new Response(`The export was not made: ${lines.join("; ")}\n`, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

function fileName(kind: string, query: DashboardQuery): string {
  return `shotlane-${kind}-${query.from}-to-${query.to}${query.lane ? `-${query.lane}` : ""}.csv`;
}

/** One page of the audit trail after the cursor (createdAt, id): the (shopId, createdAt) index serves both the range and the order. */
async function auditPage(db: PrismaClient, shopId: string, query: DashboardQuery, after: { createdAt: Date; id: string } | null, batch: number): Promise<AuditRow[]> {
  const range = rangeOf(query);
  return db.$queryRaw<AuditRow[]>`
    SELECT a."id", a."createdAt", a."productId", p."title" AS "productTitle", r."asset" AS "planAsset", a."kind", a."source", a."provider", a."model", a."operation",
           rc."categoryKey" AS "recipe", rv."version" AS "recipeVersion", a."seed", a."regenerations", a."regeneratedFromId", a."status",
           (SELECT coalesce(sum(c."costMicros"), 0) FROM "CostEntry" c WHERE c."assetId" = a."id" AND c."outcome" IN ('succeeded', 'failed'))::float8 AS "costMicros",
           a."qcVerdict", a."qcReport", a."qcDeltaE", a."reviewStatus", a."reviewedBy", a."reviewedAt", a."rejectReason", a."reviewNote", a."signedOffBy",
           pub."status" AS "publicationStatus", pub."readyAt" AS "publishedAt", pub."mediaId"
    FROM "Asset" a
    LEFT JOIN "Product" p ON p."id" = a."productId"
    LEFT JOIN "AssetRequest" r ON r."id" = a."requestId"
    LEFT JOIN "RecipeVersion" rv ON rv."id" = a."recipeVersionId"
    LEFT JOIN "Recipe" rc ON rc."id" = rv."recipeId"
    LEFT JOIN "Publication" pub ON pub."assetId" = a."id"
    WHERE a."shopId" = ${shopId} AND a."createdAt" >= ${range.start} AND a."createdAt" < ${range.end}
      ${query.lane ? Prisma.sql`AND a."source" = ${query.lane}` : Prisma.empty}
      ${after ? Prisma.sql`AND (a."createdAt", a."id") > (${after.createdAt}, ${after.id})` : Prisma.empty}
    ORDER BY a."createdAt", a."id"
    LIMIT ${batch}`;
}

async function eventsOf(db: PrismaClient, shopId: string, assetIds: string[]): Promise<Map<string, AuditEventLine[]>> {
  const events = await db.auditEvent.findMany({
    where: { shopId, subjectType: "asset", subjectId: { in: assetIds } },
    select: { subjectId: true, at: true, actor: true, action: true },
    orderBy: [{ at: "asc" }, { id: "asc" }],
  });
  const byAsset = new Map<string, AuditEventLine[]>();
  for (const e of events) byAsset.set(e.subjectId!, [...(byAsset.get(e.subjectId!) ?? []), e]);
  return byAsset;
}

/** The audit trail of a range as a streamed CSV: a page of rows is read only when the client has taken the previous one. */
export function auditCsvResponse(db: PrismaClient, shopId: string, params: URLSearchParams, { now = new Date(), batch = AUDIT_BATCH } = {}): Response {
  const parsed = parseDashboardQuery(params, now);
  if (!parsed.ok) return badRange(parsed.errors);
  const query = parsed.query;
  const encoder = new TextEncoder();
  let cursor: { createdAt: Date; id: string } | null = null;
  let started = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(auditCsvHeader()));
      }
      const rows = await auditPage(db, shopId, query, cursor, batch);
      if (rows.length > 0) {
        const events = await eventsOf(db, shopId, rows.map((r) => r.id));
        controller.enqueue(encoder.encode(rows.map((r) => auditCsvLine(r, events.get(r.id) ?? [])).join("")));
        cursor = { createdAt: rows[rows.length - 1].createdAt, id: rows[rows.length - 1].id };
      }
      if (rows.length < batch) controller.close();
    },
  });
  return new Response(body, { headers: { ...CSV_HEADERS, "Content-Disposition": `attachment; filename="${fileName("audit", query)}"` } });
}

/** The dashboard's figures for a range as CSV (the same numbers as the page's tables). */
export async function figuresCsvResponse(db: PrismaClient, shopId: string, params: URLSearchParams, now = new Date()): Promise<Response> {
  const parsed = parseDashboardQuery(params, now);
  if (!parsed.ok) return badRange(parsed.errors);
  const figures = await loadDashboardFigures(db, shopId, parsed.query, now);
  return new Response(figuresCsv(figures), { headers: { ...CSV_HEADERS, "Content-Disposition": `attachment; filename="${fileName("figures", parsed.query)}"` } });
}
