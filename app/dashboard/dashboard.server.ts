import { Prisma, type PrismaClient } from "@prisma/client";
import { monthStart } from "../production/budget";
import {
  budgetFigure,
  costRows,
  coverageRow,
  DELTA_E_EDGES,
  deltaEDistribution,
  firstPassByDay,
  isEmptyDashboard,
  qualitySummary,
  rejectReasonRows,
  throughputSeries,
  tierGroup,
  turnaroundRows,
  type CostCounts,
  type CoverageCounts,
  type DashboardFigures,
  type QualityCounts,
} from "./dashboard-metrics";
import { DASHBOARD_LANES, daysOf, parseDashboardQuery, rangeOf, type DashboardQuery, type DashboardRange } from "./dashboard-query";

/**
 * The dashboard's figures, each one an aggregate PostgreSQL computes over
 * indexed columns (GROUP BY, FILTER, percentile_cont): no query returns more
 * rows than there are days, tiers, collections, providers or reasons, so the
 * page costs the same at 100 assets and at 100,000 (bench/dashboard.bench.ts).
 * Which timestamp dates each figure is in ADR 0029.
 */

/** Collections shown in the coverage table: the largest ones. */
export const COVERAGE_COLLECTIONS = 12;

/** Review states that end a candidate's review (a regeneration supersedes the one it replaces). */
const DECIDED = ["approved", "rejected", "auto-rejected", "superseded"];
/** Candidates whose spend bought nothing usable. */
const WASTED = ["rejected", "auto-rejected", "superseded"];

const laneOf = (column: Prisma.Sql, lane: DashboardQuery["lane"]) => (lane ? Prisma.sql`AND ${column} = ${lane}` : Prisma.empty);

/** When an asset counts as approved: the brand sign-off when there is one, else the reviewer's approval. */
const APPROVED_AT = Prisma.sql`COALESCE(a."signedOffAt", a."reviewedAt")`;

/** Approved assets whose approval falls in the range (the reviewedAt bound lets the index narrow the scan: a sign-off never precedes its review). */
function approvedIn(shopId: string, range: DashboardRange, lane: DashboardQuery["lane"]): Prisma.Sql {
  return Prisma.sql`a."shopId" = ${shopId} AND a."reviewStatus" = 'approved' AND a."reviewedAt" < ${range.end} AND ${APPROVED_AT} >= ${range.start} AND ${APPROVED_AT} < ${range.end} ${laneOf(Prisma.sql`a."source"`, lane)}`;
}

type CoverageQueryRow = CoverageCounts & { kind: "tier" | "collection"; tier: number | null };

/** Products with an approved asset of each kind (approval is for good: published assets stay approved), by tier and by collection. */
async function coverage(db: PrismaClient, shopId: string, lane: DashboardQuery["lane"]): Promise<DashboardFigures["coverage"]> {
  const rows = await db.$queryRaw<CoverageQueryRow[]>`
    WITH have AS MATERIALIZED (
      SELECT a."productId",
             bool_or(r."asset" LIKE 'on-model%') AS on_model,
             bool_or(r."asset" = 'packshot') AS packshot,
             bool_or(r."asset" = 'video') AS video
      FROM "Asset" a JOIN "AssetRequest" r ON r."id" = a."requestId"
      WHERE a."shopId" = ${shopId} AND a."reviewStatus" = 'approved' ${laneOf(Prisma.sql`a."source"`, lane)}
      GROUP BY a."productId"
    ), per AS MATERIALIZED (
      SELECT p."id", p."tier", coalesce(h.on_model, false) AS on_model, coalesce(h.packshot, false) AS packshot, coalesce(h.video, false) AS video
      FROM "Product" p LEFT JOIN have h ON h."productId" = p."id"
      WHERE p."shopId" = ${shopId}
    )
    SELECT 'tier' AS kind, per."tier" AS tier, NULL AS "group", count(*)::int AS products,
           count(*) FILTER (WHERE on_model)::int AS "onModel", count(*) FILTER (WHERE packshot)::int AS packshot, count(*) FILTER (WHERE video)::int AS video
    FROM per GROUP BY per."tier"
    UNION ALL
    SELECT * FROM (
      SELECT 'collection' AS kind, NULL::int AS tier, c."title" AS "group", count(*)::int AS products,
             count(*) FILTER (WHERE on_model)::int, count(*) FILTER (WHERE packshot)::int, count(*) FILTER (WHERE video)::int
      FROM per JOIN "ProductCollection" pc ON pc."productId" = per."id" JOIN "Collection" c ON c."id" = pc."collectionId"
      GROUP BY c."id", c."title"
      ORDER BY count(*) DESC, c."title"
      LIMIT ${COVERAGE_COLLECTIONS}
    ) collections`;
  const tiers = rows.filter((r) => r.kind === "tier").sort((a, b) => (a.tier ?? 99) - (b.tier ?? 99));
  const sum = (key: keyof Omit<CoverageCounts, "group">) => tiers.reduce((total, r) => total + r[key], 0);
  return {
    all: coverageRow({ group: "All products", products: sum("products"), onModel: sum("onModel"), packshot: sum("packshot"), video: sum("video") }),
    byTier: tiers.map((r) => coverageRow({ group: tierGroup(r.tier), products: r.products, onModel: r.onModel, packshot: r.packshot, video: r.video })),
    byCollection: rows.filter((r) => r.kind === "collection").map((r) => coverageRow({ group: r.group, products: r.products, onModel: r.onModel, packshot: r.packshot, video: r.video })),
  };
}

/** Assets requested, generated, approved and gone live per UTC day. */
async function throughput(db: PrismaClient, shopId: string, range: DashboardRange, lane: DashboardQuery["lane"]) {
  const day = (column: Prisma.Sql) => Prisma.sql`to_char(${column}, 'YYYY-MM-DD')`;
  const rows = await db.$queryRaw<{ day: string; metric: string; n: number }[]>`
    SELECT ${day(Prisma.sql`r."createdAt"`)} AS day, 'requested' AS metric, count(*)::int AS n
    FROM "AssetRequest" r WHERE r."shopId" = ${shopId} AND r."createdAt" >= ${range.start} AND r."createdAt" < ${range.end} ${laneOf(Prisma.sql`r."source"`, lane)}
    GROUP BY 1
    UNION ALL
    SELECT ${day(Prisma.sql`a."finishedAt"`)}, 'generated', count(*)::int
    FROM "Asset" a WHERE a."shopId" = ${shopId} AND a."finishedAt" >= ${range.start} AND a."finishedAt" < ${range.end} AND a."status" = 'stored' ${laneOf(Prisma.sql`a."source"`, lane)}
    GROUP BY 1
    UNION ALL
    SELECT ${day(APPROVED_AT)}, 'approved', count(*)::int
    FROM "Asset" a WHERE ${approvedIn(shopId, range, lane)}
    GROUP BY 1
    UNION ALL
    SELECT ${day(Prisma.sql`p."readyAt"`)}, 'published', count(*)::int
    FROM "Publication" p JOIN "Asset" a ON a."id" = p."assetId"
    WHERE p."shopId" = ${shopId} AND p."status" = 'ready' AND p."readyAt" >= ${range.start} AND p."readyAt" < ${range.end} ${laneOf(Prisma.sql`a."source"`, lane)}
    GROUP BY 1`;
  return throughputSeries(daysOf(range), rows);
}

/** Median time from the request to approval and to live, per lane (the request's time, so regenerations lengthen it). */
async function turnaround(db: PrismaClient, shopId: string, range: DashboardRange, lane: DashboardQuery["lane"]) {
  const seconds = (later: Prisma.Sql) => Prisma.sql`percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM (${later} - r."createdAt")))::float8`;
  const rows = await db.$queryRaw<{ lane: string; stage: string; medianSeconds: number | null; n: number }[]>`
    SELECT a."source" AS lane, 'approved' AS stage, ${seconds(APPROVED_AT)} AS "medianSeconds", count(*)::int AS n
    FROM "Asset" a JOIN "AssetRequest" r ON r."id" = a."requestId"
    WHERE ${approvedIn(shopId, range, lane)}
    GROUP BY a."source"
    UNION ALL
    SELECT a."source", 'live', ${seconds(Prisma.sql`p."readyAt"`)}, count(*)::int
    FROM "Publication" p JOIN "Asset" a ON a."id" = p."assetId" JOIN "AssetRequest" r ON r."id" = a."requestId"
    WHERE p."shopId" = ${shopId} AND p."status" = 'ready' AND p."readyAt" >= ${range.start} AND p."readyAt" < ${range.end} ${laneOf(Prisma.sql`a."source"`, lane)}
    GROUP BY a."source"`;
  return turnaroundRows(lane ? [lane] : [...DASHBOARD_LANES], rows);
}

/** First-pass rate, regenerations and the ΔE buckets of the candidates made in the range, in one scan. */
async function quality(db: PrismaClient, shopId: string, range: DashboardRange, lane: DashboardQuery["lane"]) {
  const edges = [Number.NEGATIVE_INFINITY, ...DELTA_E_EDGES, Number.POSITIVE_INFINITY];
  const buckets = Prisma.join(
    edges.slice(1).map((upper, i) => {
      const lower = edges[i];
      const above = Number.isFinite(lower) ? Prisma.sql`a."qcDeltaE" > ${lower}` : Prisma.sql`TRUE`;
      const below = Number.isFinite(upper) ? Prisma.sql`a."qcDeltaE" <= ${upper}` : Prisma.sql`TRUE`;
      return Prisma.sql`count(*) FILTER (WHERE a."qcDeltaE" IS NOT NULL AND ${above} AND ${below})::int`;
    }),
  );
  const [row] = await db.$queryRaw<(QualityCounts & { deltaE: number[] })[]>`
    SELECT count(*) FILTER (WHERE a."reviewStatus" IN (${Prisma.join(DECIDED)}))::int AS decided,
           count(*) FILTER (WHERE a."reviewStatus" = 'approved')::int AS approved,
           count(*) FILTER (WHERE a."reviewStatus" = 'approved' AND a."regenerations" = 0 AND a."retouchOfId" IS NULL)::int AS "firstPassApproved",
           coalesce(sum(a."regenerations") FILTER (WHERE a."reviewStatus" = 'approved'), 0)::int AS "regenerationsOfApproved",
           ARRAY[${buckets}]::int[] AS "deltaE"
    FROM "Asset" a
    WHERE a."shopId" = ${shopId} AND a."createdAt" >= ${range.start} AND a."createdAt" < ${range.end} ${laneOf(Prisma.sql`a."source"`, lane)}`;
  const perDay = await db.$queryRaw<{ day: string; decided: number; firstPassApproved: number }[]>`
    SELECT to_char(a."createdAt", 'YYYY-MM-DD') AS day,
           count(*) FILTER (WHERE a."reviewStatus" IN (${Prisma.join(DECIDED)}))::int AS decided,
           count(*) FILTER (WHERE a."reviewStatus" = 'approved' AND a."regenerations" = 0 AND a."retouchOfId" IS NULL)::int AS "firstPassApproved"
    FROM "Asset" a
    WHERE a."shopId" = ${shopId} AND a."createdAt" >= ${range.start} AND a."createdAt" < ${range.end} ${laneOf(Prisma.sql`a."source"`, lane)}
    GROUP BY 1`;
  return { summary: qualitySummary(row), deltaE: deltaEDistribution(row.deltaE.map((n, bucket) => ({ bucket, n }))), firstPassByDay: firstPassByDay(daysOf(range), perDay) };
}

/** Reviewers' reject reasons and the automated checks that rejected, for the candidates made in the range. */
async function rejectReasons(db: PrismaClient, shopId: string, range: DashboardRange, lane: DashboardQuery["lane"]) {
  const inRange = Prisma.sql`a."shopId" = ${shopId} AND a."createdAt" >= ${range.start} AND a."createdAt" < ${range.end} ${laneOf(Prisma.sql`a."source"`, lane)}`;
  const rows = await db.$queryRaw<{ source: string; reason: string | null; n: number }[]>`
    SELECT 'reviewer' AS source, a."rejectReason" AS reason, count(*)::int AS n
    FROM "Asset" a WHERE ${inRange} AND a."reviewStatus" = 'rejected'
    GROUP BY a."rejectReason"
    UNION ALL
    SELECT 'qc', c->>'check', count(*)::int
    FROM "Asset" a CROSS JOIN LATERAL jsonb_array_elements(a."qcReport"->'checks') c
    WHERE ${inRange} AND a."qcVerdict" = 'reject' AND jsonb_typeof(a."qcReport"->'checks') = 'array' AND c->>'verdict' = 'reject'
    GROUP BY c->>'check'`;
  return rejectReasonRows(rows);
}

/** Settled spend by provider and lane (from the ledger), against the assets each approved in the range. */
async function cost(db: PrismaClient, shopId: string, range: DashboardRange, lane: DashboardQuery["lane"], now: Date) {
  const rows = await db.$queryRaw<CostCounts[]>`
    WITH spend AS (
      SELECT c."provider", coalesce(a."source", 'ai') AS lane,
             coalesce(sum(c."costMicros") FILTER (WHERE c."outcome" = 'succeeded'), 0)::float8 AS spend,
             coalesce(sum(c."costMicros") FILTER (WHERE (c."outcome" = 'succeeded' AND a."reviewStatus" IN (${Prisma.join(WASTED)})) OR c."outcome" = 'rejected'), 0)::float8 AS wasted,
             coalesce(sum(c."costMicros") FILTER (WHERE c."outcome" = 'failed'), 0)::float8 AS failed
      FROM "CostEntry" c LEFT JOIN "Asset" a ON a."id" = c."assetId"
      WHERE c."shopId" = ${shopId} AND c."at" >= ${range.start} AND c."at" < ${range.end} ${laneOf(Prisma.sql`coalesce(a."source", 'ai')`, lane)}
      GROUP BY 1, 2
    ), approved AS (
      SELECT a."provider", a."source" AS lane, count(*)::int AS n
      FROM "Asset" a WHERE ${approvedIn(shopId, range, lane)}
      GROUP BY 1, 2
    )
    SELECT coalesce(s."provider", ap."provider") AS provider, coalesce(s.lane, ap.lane) AS lane,
           coalesce(s.spend, 0)::float8 AS "spendMicros", coalesce(s.wasted, 0)::float8 AS "wastedMicros", coalesce(s.failed, 0)::float8 AS "failedMicros",
           coalesce(ap.n, 0)::int AS approved
    FROM spend s FULL JOIN approved ap ON ap."provider" = s."provider" AND ap.lane = s.lane`;
  const [shop, month] = await Promise.all([
    db.shop.findUnique({ where: { id: shopId }, select: { monthlyBudgetCents: true } }),
    db.costEntry.aggregate({ where: { shopId, at: { gte: monthStart(now) } }, _sum: { costMicros: true } }),
  ]);
  return { ...costRows(rows), budget: budgetFigure(shop?.monthlyBudgetCents ?? null, month._sum.costMicros ?? 0) };
}

/** Every figure of the dashboard for a shop, range and lane; the queries run side by side. */
export async function loadDashboardFigures(db: PrismaClient, shopId: string, query: DashboardQuery, now = new Date()): Promise<DashboardFigures> {
  const range = rangeOf(query);
  const [coverageFigures, throughputFigures, turnaroundFigures, qualityFigures, reasons, costFigures] = await Promise.all([
    coverage(db, shopId, query.lane),
    throughput(db, shopId, range, query.lane),
    turnaround(db, shopId, range, query.lane),
    quality(db, shopId, range, query.lane),
    rejectReasons(db, shopId, range, query.lane),
    cost(db, shopId, range, query.lane, now),
  ]);
  return {
    query,
    coverage: coverageFigures,
    throughput: throughputFigures,
    turnaround: turnaroundFigures,
    quality: qualityFigures.summary,
    rejectReasons: reasons,
    deltaE: qualityFigures.deltaE,
    firstPassByDay: qualityFigures.firstPassByDay,
    cost: costFigures,
  };
}

/** The dashboard page: the figures for the URL's range and lane; a bad parameter is reported by name and the default range shown. */
export async function loadDashboardPage(db: PrismaClient, shopId: string, params: URLSearchParams, now = new Date()) {
  const parsed = parseDashboardQuery(params, now);
  const [figures, shop] = await Promise.all([loadDashboardFigures(db, shopId, parsed.query, now), db.shop.findUnique({ where: { id: shopId }, select: { name: true } })]);
  return { shop: { domain: shopId, name: shop?.name ?? null }, figures, queryErrors: parsed.ok ? {} : parsed.errors, empty: isEmptyDashboard(figures) };
}

export type DashboardPageData = Awaited<ReturnType<typeof loadDashboardPage>> & { demo: boolean };
