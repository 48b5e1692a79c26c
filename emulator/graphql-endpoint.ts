import type http from "node:http";
import {
  execute,
  GraphQLError,
  Kind,
  parse,
  validate,
  visit,
  type ASTNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { z } from "zod";
import { ADMIN_API_VERSION } from "../app/shopify/api-version";
import { giveBack, take, throttleStatus } from "./bucket";
import { bulkMutationRoot, bulkQueryRoot, type BulkDeps } from "./bulk-operations";
import { actualQueryCost, MAX_QUERY_COST, requestedQueryCost } from "./cost";
import { fieldResolver } from "./field-resolver";
import { flowMutationRoot, type FlowTriggerInbox } from "./flow-triggers";
import { HttpError, readBody, sendJson } from "./http-util";
import { mutationRoot } from "./media-mutations";
import { metafieldsMutationRoot } from "./metafields";
import type { ApiContext } from "./objects";
import { queryRoot } from "./query-root";
import type { EmulatorStore, ShopState } from "./store";
import { variantMediaMutationRoot } from "./variant-media";

/**
 * POST /store/{shop}/admin/api/{version}/graphql.json: Shopify's Admin
 * GraphQL endpoint. Token check, parse and validate against the real schema,
 * price the query, take it from the shop's leaky bucket (or answer THROTTLED),
 * execute over the emulator's objects, refund what was not used.
 */

export interface GraphqlEndpointDeps {
  store: EmulatorStore;
  schema: GraphQLSchema;
  mediaProcessingMs: number;
  bulk: BulkDeps;
  flowTriggers: FlowTriggerInbox;
}

const INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)";
const RATE_LIMITS_DOC = "https://shopify.dev/api/usage/rate-limits";

const bodySchema = z.object({
  query: z.string().min(1),
  variables: z.record(z.string(), z.unknown()).nullable().optional(),
  operationName: z.string().nullable().optional(),
});

type Cost = { requestedQueryCost: number; actualQueryCost: number | null; throttleStatus: ReturnType<typeof throttleStatus> };

export function apiContext(store: EmulatorStore, shop: ShopState): ApiContext {
  return { store, shop, baseUrl: store.baseUrl, searchWarnings: [] };
}

export async function handleAdminGraphql(deps: GraphqlEndpointDeps, req: http.IncomingMessage, res: http.ServerResponse, domain: string, version: string): Promise<void> {
  const { store, schema } = deps;
  const shop = store.requireShop(domain);
  if (version !== ADMIN_API_VERSION) throw new HttpError(404, `The emulator serves Admin API version ${ADMIN_API_VERSION} only, not ${version}`);
  const token = String(req.headers["x-shopify-access-token"] ?? "");
  if (token !== shop.accessToken && !shop.issuedTokens.has(token)) return sendJson(res, 401, { errors: INVALID_TOKEN });

  const body = await readRequest(req);
  if (!body) return sendJson(res, 400, { errors: { query: "Required parameter missing or invalid" } });
  const variables = body.variables ?? {};
  const now = () => Date.now();
  const status = () => throttleStatus(take(shop.bucket, 0, now()).bucket);
  const answer = (payload: { errors?: unknown[]; data?: unknown }, cost: Cost, extra: Record<string, unknown> = {}) =>
    sendJson(res, 200, { ...payload, extensions: { cost, ...extra } });

  let document: DocumentNode;
  try {
    document = parse(body.query);
  } catch (error) {
    const e = error as GraphQLError;
    return answer({ errors: [{ message: e.message, locations: e.locations, extensions: { code: "GRAPHQL_PARSE_FAILED" } }] }, { requestedQueryCost: 0, actualQueryCost: null, throttleStatus: status() });
  }
  const operation = pickOperation(document, body.operationName);
  const fragments = Object.fromEntries(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const priced = typeof operation === "string" ? 0 : requestedQueryCost({ schema, operation, fragments }, variables);

  const validationErrors = validate(schema, document);
  if (validationErrors.length > 0 || typeof operation === "string") {
    const errors = validationErrors.length > 0 ? validationErrors.map((e) => formatValidationError(document, e)) : [{ message: operation as string, extensions: { code: "OPERATION_NOT_FOUND" } }];
    return answer({ errors }, { requestedQueryCost: priced, actualQueryCost: null, throttleStatus: status() });
  }
  if (operation.operation === "subscription") {
    return answer({ errors: [{ message: "Subscriptions are not supported over HTTP", extensions: { code: "BAD_REQUEST" } }] }, { requestedQueryCost: 0, actualQueryCost: null, throttleStatus: status() });
  }
  if (priced > MAX_QUERY_COST) {
    const message = `Query cost is ${priced}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).\n\nSee ${RATE_LIMITS_DOC} for more information on how the cost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.`;
    return answer({ errors: [{ message, extensions: { code: "MAX_COST_EXCEEDED", cost: priced, maxCost: MAX_QUERY_COST, documentation: RATE_LIMITS_DOC } }] }, { requestedQueryCost: priced, actualQueryCost: null, throttleStatus: status() });
  }
  const charged = take(shop.bucket, priced, now());
  shop.bucket = charged.bucket;
  if (charged.throttled) {
    return answer({ errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: RATE_LIMITS_DOC } }] }, { requestedQueryCost: priced, actualQueryCost: null, throttleStatus: throttleStatus(charged.bucket) });
  }

  const ctx = apiContext(store, shop);
  const rootValue =
    operation.operation === "mutation"
      ? { ...mutationRoot(ctx, { mediaProcessingMs: deps.mediaProcessingMs }), ...variantMediaMutationRoot(ctx), ...metafieldsMutationRoot(ctx), ...bulkMutationRoot(deps.bulk, ctx), ...flowMutationRoot(deps.flowTriggers, ctx) }
      : { ...queryRoot(ctx), ...bulkQueryRoot(deps.bulk, ctx) };
  const result = await execute({ schema, document, rootValue, contextValue: ctx, variableValues: variables, operationName: operation.name?.value, fieldResolver });
  const actual = result.data ? actualQueryCost({ schema, operation, fragments }, result.data, priced) : 0;
  shop.bucket = giveBack(shop.bucket, priced - actual, now());
  const payload: { errors?: unknown[]; data?: unknown } = {};
  if (result.errors) payload.errors = result.errors.map((e) => ({ message: e.message, locations: e.locations, path: e.path, extensions: e.extensions }));
  if (result.data !== undefined) payload.data = result.data;
  answer(payload, { requestedQueryCost: priced, actualQueryCost: actual, throttleStatus: throttleStatus(shop.bucket) }, ctx.searchWarnings.length > 0 ? { search: ctx.searchWarnings } : {});
}

/** JSON `{ query, variables, operationName }`, or a raw `application/graphql` document; null when there is no query. */
async function readRequest(req: http.IncomingMessage): Promise<z.infer<typeof bodySchema> | null> {
  const raw = (await readBody(req, 2_000_000)).toString("utf8");
  if (String(req.headers["content-type"] ?? "").startsWith("application/graphql")) return raw.trim() ? { query: raw } : null;
  let json: unknown;
  try {
    json = JSON.parse(raw || "{}");
  } catch {
    throw new HttpError(400, "The body is not valid JSON");
  }
  const parsed = bodySchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/** The operation to run, or why there is none (as graphql-js words it). */
function pickOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | string {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((o) => o.name?.value === operationName) ?? `Unknown operation named "${operationName}".`;
  if (operations.length === 1) return operations[0];
  return operations.length === 0 ? "Must provide an operation." : "Must provide operation name if query contains multiple operations.";
}

/** graphql-ruby's codes (which Shopify answers with) for the common validation failures. */
const VALIDATION_CODES: [RegExp, string][] = [
  [/^Cannot query field/, "undefinedField"],
  [/^Unknown argument/, "argumentNotAccepted"],
  [/argument ".*" of type ".*" is required, but it was not provided/, "missingRequiredArguments"],
  [/^Variable ".*" of type ".*" used in position expecting/, "variableMismatch"],
  [/^Variable ".*" is never used/, "variableNotUsed"],
  [/^Variable ".*" is not defined/, "variableNotDefined"],
  [/^Unknown type/, "undefinedType"],
  [/must have a selection of subfields|must not have a selection since type/, "selectionMismatch"],
  [/^Unknown fragment/, "undefinedFragment"],
  [/^Fragment ".*" is never used/, "useAndDefineFragment"],
  [/cannot represent|Expected value of type/, "argumentLiteralsIncompatible"],
];

function formatValidationError(document: DocumentNode, error: GraphQLError) {
  const code = VALIDATION_CODES.find(([pattern]) => pattern.test(error.message))?.[1] ?? "GRAPHQL_VALIDATION_FAILED";
  const node = error.nodes?.[0];
  return { message: error.message, locations: error.locations, path: node ? documentPath(document, node) : undefined, extensions: { code } };
}

/** Where a node sits in the document, as graphql-ruby reports it: `["query Name", "products", "nodes", "titel"]`. */
function documentPath(document: DocumentNode, target: ASTNode): string[] | undefined {
  let found: string[] | undefined;
  const stack: string[] = [];
  visit(document, {
    enter(node) {
      if (found) return false;
      const segment =
        node.kind === Kind.OPERATION_DEFINITION
          ? [node.operation, node.name?.value].filter(Boolean).join(" ")
          : node.kind === Kind.FRAGMENT_DEFINITION
            ? `fragment ${node.name.value}`
            : node.kind === Kind.FIELD
              ? (node.alias ?? node.name).value
              : node.kind === Kind.ARGUMENT
                ? node.name.value
                : null;
      if (segment !== null) stack.push(segment);
      if (node === target) {
        found = [...stack];
        return false;
      }
      return undefined;
    },
    leave(node) {
      if ([Kind.OPERATION_DEFINITION, Kind.FRAGMENT_DEFINITION, Kind.FIELD, Kind.ARGUMENT].includes(node.kind as Kind)) stack.pop();
    },
  });
  return found;
}
