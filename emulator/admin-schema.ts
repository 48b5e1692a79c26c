import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";
import { ADMIN_API_VERSION } from "../app/shopify/api-version";

/** One entry of the access-scope table that ships beside the schema. */
export interface ScopeRequirement {
  type: "type" | "field";
  typeName: string;
  fieldName?: string;
  offlineScopes: string[];
}

interface SchemaFile {
  data: IntrospectionQuery;
  offline_scopes: { items: ScopeRequirement[] };
}

let cachedFile: SchemaFile | undefined;
let cachedSchema: GraphQLSchema | undefined;

/** Path of Shopify's introspection for the pinned version, inside the pinned @shopify/dev-mcp package. */
export function adminSchemaPath(version: string = ADMIN_API_VERSION): string {
  // The package's exports map hides its data files, so locate them on disk.
  return fileURLToPath(new URL(`../node_modules/@shopify/dev-mcp/dist/data/admin_${version}.json.gz`, import.meta.url));
}

function schemaFile(): SchemaFile {
  cachedFile ??= JSON.parse(gunzipSync(readFileSync(adminSchemaPath())).toString("utf8")) as SchemaFile;
  return cachedFile;
}

/** Shopify's real Admin GraphQL schema for ADMIN_API_VERSION (cached). */
export function loadAdminSchema(): GraphQLSchema {
  cachedSchema ??= buildClientSchema(schemaFile().data);
  return cachedSchema;
}

/** The access scopes each type and field needs, as Shopify documents them. */
export function loadOfflineScopes(): ScopeRequirement[] {
  return schemaFile().offline_scopes.items;
}
