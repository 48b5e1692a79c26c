import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { databaseUrl } from "./app/db-url";

// Prisma's Rust engines are downloaded at run time, which this project cannot
// rely on (docs/decisions/0002 and 0008). The JS engine with the node-postgres
// driver adapter runs migrate, db push and queries fully offline.
// The CLI reads the schema's `env("DATABASE_URL")` to learn the engine type; without
// a value it assumes the library engine and tries to download it. Give it the default.
process.env.DATABASE_URL ??= databaseUrl();

/**
 * Prisma Migrate reads PostgreSQL's catalogs, whose `name` and `"char"` columns
 * @prisma/adapter-pg 6.19 cannot type (prisma/orm#27403: "Column type 'name'
 * could not be deserialized"). Both are plain text on the wire, so the
 * migration CLI's connections report them as text. The app's own client does
 * not need this (it never reads the catalogs).
 */
const CATALOG_TEXT_TYPES = new Set([18, 19]);
const TEXT_OID = 25;

function retypeCatalogText(result: pg.QueryResult | undefined): void {
  for (const field of result?.fields ?? []) if (CATALOG_TEXT_TYPES.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
}

class CatalogTextClient extends pg.Client {
  // pg.Pool calls its clients with a trailing callback; the adapter awaits the pool.
  // @ts-expect-error -- one implementation for pg's many overloads
  override query(...args: unknown[]) {
    const last = args[args.length - 1];
    if (typeof last === "function") {
      args[args.length - 1] = (error: Error | null, result: pg.QueryResult) => {
        retypeCatalogText(result);
        (last as (e: Error | null, r: pg.QueryResult) => void)(error, result);
      };
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    return (super.query as (...a: unknown[]) => Promise<pg.QueryResult>)(...args).then((result) => {
      retypeCatalogText(result);
      return result;
    });
  }
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  async adapter() {
    // Discrete fields, not a connection string: the adapter makes the shadow
    // database's pool by overriding `database`, which a connection string would win over.
    const url = new URL(databaseUrl());
    return new PrismaPg({
      host: url.hostname,
      port: Number(url.port || 5432),
      user: decodeURIComponent(url.username) || undefined,
      password: decodeURIComponent(url.password) || undefined,
      database: decodeURIComponent(url.pathname.slice(1)),
      Client: CatalogTextClient,
    } as pg.PoolConfig);
  },
});
