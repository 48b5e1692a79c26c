import { z } from "zod";
import { adminQuery, AdminApiError, type AdminGraphqlClient } from "../shopify/admin-graphql.server";
import { BulkCatalogBatcher } from "./bulk-catalog";
import { refreshImageColumns, writeBulkBatch } from "./bulk-writer.server";
import { BULK_CANCEL_MUTATION, BULK_CATALOG_QUERY, BULK_OPERATION_STATUS_QUERY, BULK_RUN_QUERY_MUTATION } from "./catalog-queries";
import { SyncCancelledError, type PullContext } from "./sync-pull";

const runSchema = z.object({
  bulkOperationRunQuery: z.object({
    bulkOperation: z.object({ id: z.string(), status: z.string() }).nullable(),
    userErrors: z.array(z.object({ message: z.string(), code: z.string().nullable().optional() })),
  }),
});
const statusSchema = z.object({
  bulkOperation: z.object({ id: z.string(), status: z.string(), errorCode: z.string().nullable(), objectCount: z.string(), rootObjectCount: z.string(), url: z.string().nullable() }).nullable(),
});
const cancelSchema = z.object({ bulkOperationCancel: z.object({ bulkOperation: z.object({ id: z.string(), status: z.string() }).nullable() }).nullable() });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A bulk export of the catalog: start (or resume) the operation, poll until
 * Shopify has written the JSONL, then stream it line by line into the mirror in
 * batches. Memory stays flat whatever the catalog size.
 */
export async function pullBulk(ctx: PullContext, { admin, pollMs }: { admin: AdminGraphqlClient; pollMs: number }): Promise<number> {
  let operationId = ctx.run.bulkOperationId;
  if (!operationId) {
    const { bulkOperationRunQuery: started } = await ctx.query(BULK_RUN_QUERY_MUTATION, runSchema, { query: BULK_CATALOG_QUERY });
    if (!started.bulkOperation) {
      throw new AdminApiError(`Shopify refused the bulk export: ${started.userErrors.map((e) => e.message).join("; ") || "no reason given"}`);
    }
    operationId = started.bulkOperation.id;
    // Stored before polling: a retried job resumes this export instead of starting (and paying for) another.
    await ctx.db.syncRun.update({ where: { id: ctx.run.id }, data: { bulkOperationId: operationId } });
  }

  let url: string | null = null;
  for (;;) {
    try {
      await ctx.checkCancelled();
    } catch (error) {
      await adminQuery(admin, BULK_CANCEL_MUTATION, cancelSchema, { variables: { id: operationId } }).catch(() => undefined);
      throw error;
    }
    const { bulkOperation } = await ctx.query(BULK_OPERATION_STATUS_QUERY, statusSchema, { id: operationId });
    if (!bulkOperation) throw new AdminApiError(`Shopify no longer knows bulk operation ${operationId}`);
    if (bulkOperation.status === "COMPLETED") {
      url = bulkOperation.url;
      break;
    }
    if (bulkOperation.status === "CANCELED" || bulkOperation.status === "CANCELING") throw new SyncCancelledError();
    if (bulkOperation.status === "FAILED" || bulkOperation.status === "EXPIRED") {
      // Forget it, so a retry starts a fresh export rather than resuming a dead one.
      await ctx.db.syncRun.update({ where: { id: ctx.run.id }, data: { bulkOperationId: null } });
      throw new AdminApiError(`Shopify's bulk export ${bulkOperation.status.toLowerCase()} (${bulkOperation.errorCode ?? "no error code"}); run the sync again`);
    }
    await sleep(pollMs);
  }
  // Shopify gives no file when the export found nothing.
  if (!url) return 0;

  const response = await fetch(url);
  if (!response.ok || !response.body) throw new AdminApiError(`Downloading the bulk export failed with HTTP ${response.status}`);
  const batcher = new BulkCatalogBatcher(500);
  const write = async (batch: ReturnType<BulkCatalogBatcher["finish"]>) => {
    await writeBulkBatch(ctx.db, ctx.run.shopId, batch, ctx.startedAt);
    await ctx.progress(batcher.productCount);
    await ctx.checkCancelled();
  };
  for await (const line of jsonlLines(response.body)) {
    const batch = batcher.add(line);
    if (batch) await write(batch);
  }
  await write(batcher.finish());
  await refreshImageColumns(ctx.db, ctx.run.shopId);
  return batcher.productCount;
}

/**
 * The lines of a streamed body. The next chunk is read only when the caller has
 * handled every line of this one, so a slow database write slows the download
 * instead of queueing the whole file in memory (readline would queue it).
 */
export async function* jsonlLines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let rest = "";
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    const text = rest + decoder.decode(chunk, { stream: true });
    const lines = text.split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) yield line.endsWith("\r") ? line.slice(0, -1) : line;
  }
  rest += decoder.decode();
  if (rest.length > 0) yield rest;
}
