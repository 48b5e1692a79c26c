import { Prisma, type PrismaClient } from "@prisma/client";
import { monthStart } from "../production/budget";
import {
  budgetFigure,
  costRows,
  coverageRow,
  DELTA_E_EDGES,
  isEmptyDashboard,
  madeFigures,
  rejectReasonRows,
  throughputSeries,
  tierGroup,
  turnaroundRows,
  withApprovals,
  type CostCounts,
  type CoverageCounts,
  type DashboardFigures,
  type MadeRow,
} from "./dashboard-metrics";
import { DASHBOARD_LANES, daysOf, parseDashboardQuery, rangeOf, type DashboardQuery, type DashboardRange } from "./dashboard-query";

/**
 * The dashboard's figures, each one an aggregate PostgreSQL computes over
 * indexed columns (GROUP BY, FILTER, percentile_cont): no query returns more
 * rows than there are days, tiers, collections, providers or reasons, so the
 * page costs the same at 100 assets and at 100,000 (bench/dashboard.bench.ts).
 * Which timestamp dates each figure is in ADR 0031.
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

/**
 * Approved assets whose approval falls in the range, written as two bounded ranges (approved by the
 * reviewer, or signed off) so PostgreSQL reads them from the (shopId, reviewStatus, reviewedAt | signedOffAt) indexes.
 */
function approvedIn(shopId: string, range: DashboardRange, lane: DashboardQuery["lane"]): Prisma.Sql {
  return Prisma.sql`a."shopId" = ${shopId} AND a."reviewStatus" = 'approved'
    AND ((a."signedOffAt" IS NULL AND a."reviewedAt" >= ${range.start} AND a."reviewedAt" < ${range.end}) OR (a."signedOffAt" >= ${range.start} AND a."signedOffAt" < ${range.end}))
    ${laneOf(Prisma.sql`a."source"`, lane)}`;
}

type CoverageQueryRow = CoverageCounts & { kind: "tier" | "collection"; tier: number | null };

/** A coverage kind's approved-asset count in ProductCoverage, for one lane or both. */
function coverageCount(kind: "OnModel" | "Packshot" | "Video", lane: DashboardQuery["lane"]): Prisma.Sql {
  const ai = Prisma.raw(`coalesce(c."ai${kind}", 0)`);
  const studio = Prisma.raw(`coalesce(c."studio${kind}", 0)`);
  return lane === "ai" ? Prisma.sql`${ai} > 0` : lane === "studio" ? Prisma.sql`${studio} > 0` : Prisma.sql`${ai} + ${studio} > 0`;
}

/**
 * Products with an approved asset of each kind (whenever approved; published assets stay approved), by tier and
 * by collection, from ProductCoverage: the trigger-maintained count per product (ADR 0031), one row per product.
 */
async function coverage(db: PrismaClient, shopId: string, lane: DashboardQuery["lane"]): Promise<DashboardFigures["coverage"]> {
  const rows = await db.$queryRaw<CoverageQueryRow[]>`
    WITH per AS MATERIALIZED (
      SELECT p."id", p."tier", ${coverageCount("OnModel", lane)} AS on_model, ${coverageCount("Packshot", lane)} AS packshot, ${coverageCount("Video", lane)} AS video
      FROM "Product" p LEFT JOIN "ProductCoverage" c ON c."productId" = p."id"
      WHERE p."shopId" = ${shopId}
    )
    SELECT 'tier' AS kind, per."tier" AS tier, NULL AS "group", count(*)::int AS products,
           count(*) FILTER (WHERE on_model)::int AS "onModel", count(*) FILTER (WHERE packshot)::int AS packshot, count(*) FILTER (WHERE video)::int AS video
    FROM per GROUP BY per."tier"
    UNION ALL
    SELECT 'collection' AS kind, NULL::int AS tier, top."title" AS "group", count(*)::int AS products,
           count(*) FILTER (WHERE on_model)::int, count(*) FILTER (WHERE packshot)::int, count(*) FILTER (WHERE video)::int
    FROM (
      -- The largest collections first, from the (collectionId) index alone; only their products are joined.
      SELECT col."id", col."title" FROM "Collection" col JOIN "ProductCollection" pc ON pc."collectionId" = col."id"
      WHERE col."shopId" = ${shopId}
      GROUP BY col."id", col."title" ORDER BY count(*) DESC, col."title" LIMIT ${COVERAGE_COLLECTIONS}
    ) top
    JOIN "ProductCollection" pc ON pc."collectionId" = top."id" JOIN per ON per."id" = pc."productId"
    GROUP BY top."id", top."title"`;
  const collections = rows.filter((r) => r.kind === "collection").sort((a, b) => b.products - a.products || (a.group < b.group ? -1 : 1));
  const tiers = rows.filter((r) => r.kind === "tier").sort((a, b) => (a.tier ?? 99) - (b.tier ?? 99));
  const sum = (key: keyof Omit<CoverageCounts, "group">) => tiers.reduce((total, r) => total + r[key], 0);
  return {
    all: coverageRow({ group: "All products", products: sum("products"), onModel: sum("onModel"), packshot: sum("packshot"), video: sum("video") }),
    byTier: tiers.map((r) => coverageRow({ group: tierGroup(r.tier), products: r.products, onModel: r.onModel, packshot: r.packshot, video: r.video })),
    byCollection: collections.map((r) => coverageRow({ group: r.group, products: r.products, onModel: r.onModel, packshot: r.packshot, video: r.video })),
  };
}

/** Assets requested and generated per UTC day. */
async function madePerDay(db: PrismaClient, shopId: string, range: DashboardRange, lane: DashboardQuery["lane"]) {
  return db.$queryRaw<{ day: string; metric: string; n: number }[]>`
    SELECT to_char(r."createdAt", 'YYYY-MM-DD') AS day, 'requested' AS metric, count(*)::int AS n
    FROM "AssetRequest" r WHERE r."shopId" = ${shopId} AND r."createdAt" >= ${range.start} AND r."createdAt" < ${range.end} ${laneOf(Prisma.sql`r."source"`, lane)}
    GROUP BY 1
    UNION ALL
    SELECT to_char(a."finishedAt", 'YYYY-MM-DD'), 'generated', count(*)::int
    FROM "Asset" a WHERE a."shopId" = ${shopId} AND a."finishedAt" >= ${range.start} AND a."finishedAt" < ${range.end} AND a."status" = 'stored' ${laneOf(Prisma.sql`a."source"`, lane)}
    GROUP BY 1`;
}

type StageRow = { day: string | null; lane: string | null; n: number; medianSeconds: number | null };

const medianSeconds = (later: Prisma.Sql, requested: Prisma.Sql) => Prisma.sql`percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM (${later} - ${requested})))::float8`;

/**
 * Approvals in the range, in one scan: per day (throughput) and per lane with the median time from the
 * request (turnaround). Asset.requestedAt is the request's time, copied by a trigger: no join.
 */
async function approvals(db: PrismaClient, shopId: string, range: DashboardRange, lane: DashboardQuery["lane"]) {
  return db.$queryRaw<StageRow[]>`
    SELECT to_char(${APPROVED_AT}, 'YYYY-MM-DD') AS day, a."source" AS lane, count(*)::int AS n, ${medianSeconds(APPROVED_AT, Prisma.sql`a."requestedAt"`)} AS "medianSeconds"
    FROM "Asset" a WHERE ${approvedIn(shopId, range, lane)}
    GROUP BY GROUPING SETS ((1), (2))`;
}

/** Assets gone live in the range, in one scan: per day and per lane with the median time from the request (Publication.requestedAt and lane come from the asset by trigger). */
async function publications(db: PrismaClient, shopId: string, range: DashboardRange, lane: DashboardQuery["lane"]) {
  return db.$queryRaw<StageRow[]>`
    SELECT to_char(p."readyAt", 'YYYY-MM-DD') AS day, p."lane", count(*)::int AS n, ${medianSeconds(Prisma.sql`p."readyAt"`, Prisma.sql`p."requestedAt"`)} AS "medianSeconds"
    FROM "Publication" p
    WHERE p."shopId" = ${shopId} AND p."status" = 'ready' AND p."readyAt" >= ${range.start} AND p."readyAt" < ${range.end} ${laneOf(Prisma.sql`p."lane"`, lane)}
    GROUP BY GROUPING SETS ((1), (2))`;
}

/** Where the candidates made in the range are: one scan, grouped by day, maker and lane (the page sums what it needs). */
async function candidatesMade(db: PrismaClient, shopId: string, range: DashboardRange, lane: DashboardQuery["lane"]) {
  const edges = [Number.NEGATIVE_INFINITY, ...DELTA_E_EDGES, Number.POSITIVE_INFINITY];
  const buckets = Prisma.join(
    edges.slice(1).map((upper, i) => {
      const lower = edges[i];
      const above = Number.isFinite(lower) ? Prisma.sql`a."qcDeltaE" > ${lower}` : Prisma.sql`TRUE`;
      const below = Number.isFinite(upper) ? Prisma.sql`a."qcDeltaE" <= ${upper}` : Prisma.sql`TRUE`;
      return Prisma.sql`count(*) FILTER (WHERE a."qcDeltaE" IS NOT NULL AND ${above} AND ${below})::int`;
    }),
  );
  return db.$queryRaw<MadeRow[]>`
    SELECT to_char(a."createdAt", 'YYYY-MM-DD') AS day, a."provider", a."source" AS lane,
           count(*) FILTER (WHERE a."reviewStatus" IN (${Prisma.join(DECIDED)}))::int AS decided,
           count(*) FILTER (WHERE a."reviewStatus" = 'approved')::int AS approved,
           count(*) FILTER (WHERE a."reviewStatus" = 'approved' AND a."regenerations" = 0 AND a."retouchOfId" IS NULL)::int AS "firstPassApproved",
           coalesce(sum(a."regenerations") FILTER (WHERE a."reviewStatus" = 'approved'), 0)::int AS "regenerationsOfApproved",
           ARRAY[${buckets}]::int[] AS "deltaE"
    FROM "Asset" a
    WHERE a."shopId" = ${shopId} AND a."createdAt" >= ${range.start} AND a."createdAt" < ${range.end} ${laneOf(Prisma.sql`a."source"`, lane)}
    GROUP BY 1, 2, 3`;
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

/**
 * The ledger's settled spend on the candidates made in the range, by the provider charged and the lane.
 * A candidate's calls settle after it is created, so its entries sit at or after the range's start:
 * both sides of the join are read through their (shopId, createdAt | at) indexes.
 */
async function spend(db: PrismaClient, shopId: string, range: DashboardRange, lane: DashboardQuery["lane"]) {
  return db.$queryRaw<Omit<CostCounts, "approved">[]>`
    SELECT c."provider", a."source" AS lane,
           coalesce(sum(c."costMicros") FILTER (WHERE c."outcome" = 'succeeded'), 0)::float8 AS "spendMicros",
           coalesce(sum(c."costMicros") FILTER (WHERE (c."outcome" = 'succeeded' AND a."reviewStatus" IN (${Prisma.join(WASTED)})) OR c."outcome" = 'rejected'), 0)::float8 AS "wastedMicros",
           coalesce(sum(c."costMicros") FILTER (WHERE c."outcome" = 'failed'), 0)::float8 AS "failedMicros"
    FROM "Asset" a JOIN "CostEntry" c ON c."assetId" = a."id" AND c."shopId" = ${shopId} AND c."at" >= ${range.start}
    WHERE a."shopId" = ${shopId} AND a."createdAt" >= ${range.start} AND a."createdAt" < ${range.end} ${laneOf(Prisma.sql`a."source"`, lane)}
    GROUP BY 1, 2`;
}

/** What this UTC month has spent or reserved, as the budget check counts it. */
async function budget(db: PrismaClient, shopId: string, now: Date) {
  const [shop, month] = await Promise.all([
    db.shop.findUnique({ where: { id: shopId }, select: { monthlyBudgetCents: true } }),
    db.costEntry.aggregate({ where: { shopId, at: { gte: monthStart(now) } }, _sum: { costMicros: true } }),
  ]);
  return budgetFigure(shop?.monthlyBudgetCents ?? null, month._sum.costMicros ?? 0);
}

/** Every figure of the dashboard for a shop, range and lane; the queries run side by side. */
export async function loadDashboardFigures(db: PrismaClient, shopId: string, query: DashboardQuery, now = new Date()): Promise<DashboardFigures> {
  const range = rangeOf(query);
  const lane = query.lane;
  const [coverageFigures, made, approved, published, candidates, reasons, spent, budgetLeft] = await Promise.all([
    coverage(db, shopId, lane),
    madePerDay(db, shopId, range, lane),
    approvals(db, shopId, range, lane),
    publications(db, shopId, range, lane),
    candidatesMade(db, shopId, range, lane),
    rejectReasons(db, shopId, range, lane),
    spend(db, shopId, range, lane),
    budget(db, shopId, now),
  ]);
  const perDay = (metric: string, rows: StageRow[]) => rows.filter((r) => r.day !== null).map((r) => ({ day: r.day!, metric, n: r.n }));
  const perLane = (stage: string, rows: StageRow[]) => rows.filter((r) => r.day === null && r.lane !== null).map((r) => ({ lane: r.lane!, stage, medianSeconds: r.medianSeconds, n: r.n }));
  const quality = madeFigures(daysOf(range), candidates);
  return {
    query,
    coverage: coverageFigures,
    throughput: throughputSeries(daysOf(range), [...made, ...perDay("approved", approved), ...perDay("published", published)]),
    turnaround: turnaroundRows(lane ? [lane] : [...DASHBOARD_LANES], [...perLane("approved", approved), ...perLane("live", published)]),
    quality: quality.summary,
    firstPassByDay: quality.firstPassByDay,
    rejectReasons: reasons,
    deltaE: quality.deltaE,
    cost: { ...costRows(withApprovals(spent, quality.approvedBy)), budget: budgetLeft },
  };
}

/** The dashboard page: the figures for the URL's range and lane; a bad parameter is reported by name and the default range shown. */
export async function loadDashboardPage(db: PrismaClient, shopId: string, params: URLSearchParams, now = new Date()) {
  const parsed = parseDashboardQuery(params, now);
  const [figures, shop] = await Promise.all([loadDashboardFigures(db, shopId, parsed.query, now), db.shop.findUnique({ where: { id: shopId }, select: { name: true } })]);
  return { shop: { domain: shopId, name: shop?.name ?? null }, figures, queryErrors: parsed.ok ? {} : parsed.errors, empty: isEmptyDashboard(figures) };
}

export type DashboardPageData = Awaited<ReturnType<typeof loadDashboardPage>> & { demo: boolean };
