import type { GraphQLFieldResolver, GraphQLSchema } from "graphql";
import { runBulkQuery, validateBulkQuery, type BulkOperationRecord } from "./bulk";
import type { ApiContext } from "./objects";
import { nodeById } from "./query-root";
import { gid, parseGid, type EmulatorStore, type ShopState } from "./store";

/**
 * bulkOperationRunQuery / bulkOperationCancel / bulkOperation(id) and
 * BulkOperation nodes: the export runs in the background into a JSONL file
 * served under /bulk, then bulk_operations/finish is delivered, as Shopify does.
 */

/** From 2026-01 a shop may run up to 5 bulk queries at once. */
const MAX_RUNNING = 5;
let nextBulkId = 7_000_000;

export interface BulkDeps {
  store: EmulatorStore;
  schema: GraphQLSchema;
  fieldResolver: GraphQLFieldResolver<unknown, ApiContext>;
  context: (shop: ShopState) => ApiContext;
  log?: (line: string) => void;
}

function bulkObject(baseUrl: string, op: BulkOperationRecord) {
  return {
    __typename: "BulkOperation",
    id: gid("BulkOperation", op.id),
    status: op.status,
    errorCode: op.errorCode,
    createdAt: op.createdAt,
    completedAt: op.completedAt,
    objectCount: String(op.objectCount),
    rootObjectCount: String(op.rootObjectCount),
    fileSize: op.fileSize === null ? null : String(op.fileSize),
    url: op.status === "COMPLETED" && op.file ? `${baseUrl}/bulk/${op.id}.jsonl` : null,
    partialDataUrl: null,
    query: op.query,
    type: "QUERY",
  };
}

function bulkById(store: EmulatorStore, shop: ShopState, id: unknown): BulkOperationRecord | undefined {
  const numeric = parseGid(id, "BulkOperation");
  const op = numeric === null ? undefined : store.bulkOperations.get(numeric);
  return op?.shop === shop.domain ? op : undefined;
}

/** Runs the export after the mutation has answered, then signals bulk_operations/finish. */
function startBulk(deps: BulkDeps, shop: ShopState, op: BulkOperationRecord): void {
  const { store } = deps;
  setTimeout(async () => {
    if (op.status === "CANCELING") {
      op.status = "CANCELED";
      return;
    }
    op.status = "RUNNING";
    try {
      if (store.failNextBulk.delete(shop.domain)) throw new Error("injected failure");
      await runBulkQuery({ schema: deps.schema, ctx: deps.context(shop), operation: op, fieldResolver: deps.fieldResolver, isCanceled: () => op.status === "CANCELING" });
      op.status = (op.status as BulkOperationRecord["status"]) === "CANCELING" ? "CANCELED" : "COMPLETED";
    } catch (error) {
      op.status = "FAILED";
      op.errorCode = "INTERNAL_SERVER_ERROR";
      deps.log?.(`bulk operation ${op.id} failed: ${(error as Error).message}`);
    }
    op.completedAt = new Date().toISOString();
    store.webhooks.emit(shop.domain, "bulk_operations/finish", {
      admin_graphql_api_id: gid("BulkOperation", op.id),
      completed_at: op.completedAt,
      created_at: op.createdAt,
      error_code: op.errorCode ? op.errorCode.toLowerCase() : null,
      status: op.status.toLowerCase(),
      type: "query",
    });
  }, 10).unref();
}

export function bulkQueryRoot(deps: BulkDeps, ctx: ApiContext) {
  return {
    node: ({ id }: { id: string }) => {
      const op = bulkById(deps.store, ctx.shop, id);
      return op ? bulkObject(ctx.baseUrl, op) : nodeById(ctx, id);
    },
    bulkOperation: ({ id }: { id: string }) => {
      const op = bulkById(deps.store, ctx.shop, id);
      return op ? bulkObject(ctx.baseUrl, op) : null;
    },
  };
}

export function bulkMutationRoot(deps: BulkDeps, ctx: ApiContext) {
  const { store } = deps;
  const { shop } = ctx;
  return {
    bulkOperationRunQuery: ({ query }: { query: string; groupObjects: boolean }) => {
      const userError = (message: string, code: string) => ({
        __typename: "BulkOperationRunQueryPayload",
        bulkOperation: null,
        userErrors: [{ __typename: "BulkOperationUserError", field: ["query"], message, code }],
      });
      const invalid = validateBulkQuery(deps.schema, query);
      if (invalid) return userError(`Invalid bulk query: ${invalid}`, "INVALID");
      const running = [...store.bulkOperations.values()].filter((op) => op.shop === shop.domain && ["CREATED", "RUNNING", "CANCELING"].includes(op.status));
      if (running.length >= MAX_RUNNING) return userError(`A shop can run at most ${MAX_RUNNING} bulk query operations at once.`, "LIMIT_REACHED");
      const op: BulkOperationRecord = {
        id: nextBulkId++,
        shop: shop.domain,
        query,
        status: "CREATED",
        errorCode: null,
        createdAt: new Date().toISOString(),
        completedAt: null,
        objectCount: 0,
        rootObjectCount: 0,
        file: null,
        fileSize: null,
      };
      store.bulkOperations.set(op.id, op);
      startBulk(deps, shop, op);
      return { __typename: "BulkOperationRunQueryPayload", bulkOperation: bulkObject(ctx.baseUrl, op), userErrors: [] };
    },
    bulkOperationCancel: ({ id }: { id: string }) => {
      const op = bulkById(store, shop, id);
      if (!op) return { __typename: "BulkOperationCancelPayload", bulkOperation: null, userErrors: [{ __typename: "UserError", field: ["id"], message: "Bulk operation does not exist" }] };
      if (op.status === "CREATED" || op.status === "RUNNING") op.status = "CANCELING";
      return { __typename: "BulkOperationCancelPayload", bulkOperation: bulkObject(ctx.baseUrl, op), userErrors: [] };
    },
  };
}
