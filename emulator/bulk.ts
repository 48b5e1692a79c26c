import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execute, parse, validate, type GraphQLFieldResolver, type GraphQLSchema } from "graphql";
import { queryRoot } from "./query-root";
import { connection } from "./connection";
import { findProducts, productObject, type ApiContext } from "./objects";

export type BulkStatus = "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELING" | "CANCELED";

export interface BulkOperationRecord {
  id: number;
  shop: string;
  query: string;
  status: BulkStatus;
  errorCode: string | null;
  createdAt: string;
  completedAt: string | null;
  objectCount: number;
  rootObjectCount: number;
  file: string | null;
  fileSize: number | null;
}

const isConnection = (value: unknown): value is { edges?: { node: unknown }[]; nodes?: unknown[] } =>
  !!value && typeof value === "object" && ("edges" in value || "nodes" in value) && !("id" in value);

/**
 * Splits one root object into JSONL lines the way Shopify's bulk output does:
 * every node of a nested connection becomes its own line with `__parentId`,
 * and is removed from its parent's line.
 */
export function flattenBulkObject(object: Record<string, unknown>, parentId: string | null): { parent: Record<string, unknown>; children: Record<string, unknown>[] } {
  const parent: Record<string, unknown> = {};
  const children: Record<string, unknown>[] = [];
  for (const [key, value] of Object.entries(object)) {
    if (isConnection(value)) {
      const nodes = value.nodes ?? value.edges?.map((e) => e.node) ?? [];
      for (const node of nodes as Record<string, unknown>[]) {
        const flat = flattenBulkObject(node, String(object.id));
        children.push(flat.parent, ...flat.children);
      }
    } else {
      parent[key] = value;
    }
  }
  if (parentId) parent.__parentId = parentId;
  return { parent, children };
}

const CHUNK = 250;

/**
 * Runs a bulk query over the whole catalog into a JSONL file, a chunk of root
 * objects at a time (memory stays flat). Connections need no `first` in bulk
 * mode. Children are written after all parents of their chunk, so they follow
 * their parent without being adjacent to it, as Shopify's output may.
 */
export async function runBulkQuery(options: {
  schema: GraphQLSchema;
  ctx: ApiContext;
  operation: BulkOperationRecord;
  fieldResolver: GraphQLFieldResolver<unknown, ApiContext>;
  isCanceled: () => boolean;
}): Promise<void> {
  const { schema, ctx, operation, fieldResolver } = options;
  const dir = mkdtempSync(path.join(tmpdir(), "shotlane-bulk-"));
  const file = path.join(dir, `bulk-${operation.id}.jsonl`);
  const out = createWriteStream(file);
  const write = (line: string) => (out.write(line) ? Promise.resolve() : new Promise<void>((resolve) => out.once("drain", resolve)));
  const document = parse(operation.query);
  const products = findProducts(ctx.shop, null, "ID");
  try {
    for (let start = 0; start < products.length; start += CHUNK) {
      if (options.isCanceled()) break;
      const chunk = products.slice(start, start + CHUNK);
      const bulkCtx: ApiContext = { ...ctx, bulk: true };
      const root = {
        ...queryRoot(bulkCtx),
        products: () => connection(chunk, { first: chunk.length }, { keyOf: (p) => String(p.id), toNode: (p) => productObject(bulkCtx, p), bulk: true }),
      };
      const result = await execute({ schema, document, rootValue: root, contextValue: bulkCtx, fieldResolver });
      if (result.errors?.length) throw new Error(result.errors[0].message);
      const data = result.data as Record<string, { nodes?: Record<string, unknown>[]; edges?: { node: Record<string, unknown> }[] }>;
      const rootConnection = Object.values(data)[0];
      const roots = rootConnection.nodes ?? rootConnection.edges?.map((e) => e.node) ?? [];
      const later: Record<string, unknown>[] = [];
      for (const object of roots) {
        const { parent, children } = flattenBulkObject(object, null);
        await write(`${JSON.stringify(parent)}\n`);
        later.push(...children);
        operation.rootObjectCount++;
        operation.objectCount++;
      }
      for (const child of later) {
        await write(`${JSON.stringify(child)}\n`);
        operation.objectCount++;
      }
      // Let the server answer status polls while a big export runs.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    await new Promise<void>((resolve) => out.end(resolve));
  }
  operation.file = file;
  operation.fileSize = statSync(file).size;
}

export function validateBulkQuery(schema: GraphQLSchema, query: string): string | null {
  try {
    const errors = validate(schema, parse(query));
    return errors.length ? errors.map((e) => e.message).join("; ") : null;
  } catch (error) {
    return (error as Error).message;
  }
}

export function removeBulkFile(operation: BulkOperationRecord): void {
  if (operation.file) rmSync(path.dirname(operation.file), { recursive: true, force: true });
}
