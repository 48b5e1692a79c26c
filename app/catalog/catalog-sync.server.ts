import { Prisma, type PrismaClient, type SyncRun } from "@prisma/client";
import { z } from "zod";
import { recordAuditEvent } from "../audit/audit.server";
import { adminQuery, type AdminGraphqlClient } from "../shopify/admin-graphql.server";
import { rerouteProducts } from "../routing/routing.server";
import { CATALOG_COUNT_QUERY, CATALOG_PAGE_QUERY, SHOP_INFO_QUERY } from "./catalog-queries";
import { pullBulk } from "./bulk-sync.server";
import { SyncCancelledError, type PullContext } from "./sync-pull";
import { removeProductsNotSyncedSince, upsertMirrorProducts } from "./mirror.server";
import { catalogPageSchema, toMirrorProduct } from "./product-mirror";

export const ACTIVE_SYNC_STATUSES = ["queued", "running"] as const;

export class SyncAlreadyRunningError extends Error {
  constructor(readonly run: SyncRun) {
    super("A catalog sync is already running for this shop. Wait for it to finish; its progress is shown on the Catalog page.");
    this.name = "SyncAlreadyRunningError";
  }
}

export async function ensureShop(db: PrismaClient, shopId: string): Promise<void> {
  await db.shop.upsert({ where: { id: shopId }, create: { id: shopId }, update: {} });
}

export async function activeSyncRun(db: PrismaClient, shopId: string): Promise<SyncRun | null> {
  return db.syncRun.findFirst({ where: { shopId, status: { in: [...ACTIVE_SYNC_STATUSES] } }, orderBy: { createdAt: "desc" } });
}

export async function latestSyncRun(db: PrismaClient, shopId: string): Promise<SyncRun | null> {
  return db.syncRun.findFirst({ where: { shopId }, orderBy: { createdAt: "desc" } });
}

/**
 * Records a queued sync and hands it to the queue. A second request while one
 * is queued or running is refused (a partial unique index guarantees it even
 * under a race). If the queue cannot take the job, the run is marked failed so
 * nothing waits forever.
 */
export async function requestCatalogSync(
  db: PrismaClient,
  enqueueSync: (payload: { shopId: string; syncRunId: string }) => Promise<void>,
  { shopId, requestedBy, kind = "bulk" }: { shopId: string; requestedBy: string; kind?: "bulk" | "paginated" },
): Promise<SyncRun> {
  await ensureShop(db, shopId);
  let run: SyncRun;
  try {
    run = await db.syncRun.create({ data: { shopId, kind, status: "queued", requestedBy } });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const active = await activeSyncRun(db, shopId);
      if (active) throw new SyncAlreadyRunningError(active);
    }
    throw error;
  }
  await recordAuditEvent(db, { shopId, actor: requestedBy, action: "catalog.sync.requested", subjectType: "SyncRun", subjectId: run.id });
  try {
    await enqueueSync({ shopId, syncRunId: run.id });
  } catch (error) {
    await db.syncRun.update({ where: { id: run.id }, data: { status: "failed", error: (error as Error).message, finishedAt: new Date() } });
    throw error;
  }
  return run;
}

const countSchema = z.object({ productsCount: z.object({ count: z.number() }).nullable() });
const shopSchema = z.object({ shop: z.object({ name: z.string(), myshopifyDomain: z.string(), currencyCode: z.string() }) });

export interface RunCatalogSyncOptions {
  db: PrismaClient;
  admin: AdminGraphqlClient;
  syncRunId: string;
  pageSize?: number;
  /** How often a bulk sync asks Shopify whether its export is ready. */
  bulkPollMs?: number;
  /** false while the queue will retry a failure; the run then stays queued. */
  isFinalAttempt?: boolean;
  onProgress?: (progress: { processed: number; total: number | null }) => Promise<void> | void;
  onThrottle?: (waitMs: number) => void;
}

/** Cursor pagination, page by page (small shops, and the fallback). */
async function pullPaginated(ctx: PullContext, pageSize: number): Promise<number> {
  let processed = 0;
  let after: string | null = null;
  do {
    await ctx.checkCancelled();
    const page: z.infer<typeof catalogPageSchema> = await ctx.query(CATALOG_PAGE_QUERY, catalogPageSchema, { first: pageSize, after });
    await upsertMirrorProducts(ctx.db, ctx.run.shopId, page.products.nodes.map(toMirrorProduct), ctx.startedAt);
    processed += page.products.nodes.length;
    await ctx.progress(processed);
    after = page.products.pageInfo.hasNextPage ? page.products.pageInfo.endCursor : null;
  } while (after);
  return processed;
}

/**
 * Pulls every product into the mirror (a bulk export by default, cursor
 * pagination for `kind: "paginated"`), recording progress on the SyncRun row.
 * Idempotent: a finished run is left alone, and re-running an interrupted one
 * writes the same rows again (a bulk run reuses its stored operation). Products
 * the store no longer has are removed at the end, and the catalog is re-routed.
 */
export async function runCatalogSync(options: RunCatalogSyncOptions): Promise<SyncRun> {
  const { db, admin, syncRunId } = options;
  // 10 products with their variants, collections and media request ~920 points, under the 1,000 cap per query.
  const pageSize = options.pageSize ?? 10;
  const run = await db.syncRun.findUnique({ where: { id: syncRunId } });
  if (!run) throw new Error(`SyncRun ${syncRunId} does not exist`);
  if (!ACTIVE_SYNC_STATUSES.includes(run.status as (typeof ACTIVE_SYNC_STATUSES)[number])) return run;

  const startedAt = new Date();
  await db.syncRun.update({ where: { id: run.id }, data: { status: "running", startedAt, processed: 0, error: null } });
  const query = <T>(doc: string, schema: z.ZodType<T>, variables?: Record<string, unknown>) =>
    adminQuery(admin, doc, schema, { variables, onThrottle: options.onThrottle }).then((r) => r.data);

  try {
    const { shop } = await query(SHOP_INFO_QUERY, shopSchema);
    await db.shop.update({ where: { id: run.shopId }, data: { name: shop.name, currencyCode: shop.currencyCode } });
    const total = (await query(CATALOG_COUNT_QUERY, countSchema)).productsCount?.count ?? null;
    await db.syncRun.update({ where: { id: run.id }, data: { total } });
    const ctx: PullContext = {
      db,
      run,
      startedAt,
      total,
      query,
      progress: async (processed) => {
        await db.syncRun.update({ where: { id: run.id }, data: { processed } });
        await options.onProgress?.({ processed, total });
      },
      checkCancelled: async () => {
        const current = await db.syncRun.findUnique({ where: { id: run.id }, select: { status: true } });
        if (current?.status === "cancelled") throw new SyncCancelledError();
      },
    };
    const processed = run.kind === "paginated" ? await pullPaginated(ctx, pageSize) : await pullBulk(ctx, { admin, pollMs: options.bulkPollMs ?? 1000 });

    const removed = await removeProductsNotSyncedSince(db, run.shopId, startedAt);
    const routing = await rerouteProducts(db, run.shopId);
    const finished = await db.syncRun.update({
      where: { id: run.id },
      data: { status: "succeeded", processed, total: total ?? processed, finishedAt: new Date() },
    });
    await recordAuditEvent(db, {
      shopId: run.shopId,
      actor: "system",
      action: "catalog.sync.succeeded",
      subjectType: "SyncRun",
      subjectId: run.id,
      data: { kind: run.kind, processed, removed, tiers: routing.counts, seconds: (Date.now() - startedAt.getTime()) / 1000 },
    });
    return finished;
  } catch (error) {
    // A cancelled run stays cancelled; nothing to retry.
    if (error instanceof SyncCancelledError) return db.syncRun.findUniqueOrThrow({ where: { id: run.id } });
    const message = error instanceof Error ? error.message : String(error);
    const final = options.isFinalAttempt ?? true;
    await db.syncRun.update({
      where: { id: run.id },
      data: final ? { status: "failed", error: message, finishedAt: new Date() } : { status: "queued", error: `Retrying after: ${message}` },
    });
    if (final) {
      await recordAuditEvent(db, { shopId: run.shopId, actor: "system", action: "catalog.sync.failed", subjectType: "SyncRun", subjectId: run.id, data: { error: message } });
    }
    throw error;
  }
}

/** Marks the shop's running sync cancelled; the job stops at its next check and cancels Shopify's export. */
export async function cancelCatalogSync(db: PrismaClient, shopId: string, actor: string): Promise<SyncRun | null> {
  const active = await activeSyncRun(db, shopId);
  if (!active) return null;
  const cancelled = await db.syncRun.update({ where: { id: active.id }, data: { status: "cancelled", finishedAt: new Date(), error: null } });
  await recordAuditEvent(db, { shopId, actor, action: "catalog.sync.cancelled", subjectType: "SyncRun", subjectId: active.id, data: { processed: active.processed } });
  return cancelled;
}
