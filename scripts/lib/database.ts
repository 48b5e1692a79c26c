import { spawnSync } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { databaseName, withDatabase } from "../../app/db-url";

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Runs one statement on the server's maintenance database (CREATE/DROP DATABASE cannot run inside the target). */
async function onServer<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(url) });
  try {
    await client.connect();
  } catch (error) {
    const where = new URL(url).host;
    throw new Error(`PostgreSQL does not answer at ${where} (${error instanceof Error ? error.message : String(error)}). Start it (Debian: pg_ctlcluster 15 main start) or set DATABASE_URL.`);
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates the URL's database unless it exists; from `template` when given (a cheap copy of a migrated database). */
export async function ensureDatabase(url: string, options: { template?: string } = {}): Promise<boolean> {
  const name = databaseName(url);
  return onServer(url, async (client) => {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE ${quoteIdent(name)}${options.template ? ` TEMPLATE ${quoteIdent(options.template)}` : ""}`);
    return true;
  });
}

export async function dropDatabase(url: string): Promise<void> {
  await onServer(url, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(databaseName(url))} WITH (FORCE)`));
}

/** Drops every database whose name starts with `prefix` (a test run's leftovers). */
export async function dropDatabasesLike(url: string, prefix: string): Promise<void> {
  await onServer(url, async (client) => {
    const rows = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE starts_with(datname, $1)", [prefix]);
    for (const { datname } of rows.rows) await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`);
  });
}

/** Creates the database if needed and applies the committed migrations (`prisma migrate deploy`). */
export async function migrateDatabase(url: string): Promise<void> {
  await ensureDatabase(url);
  const result = spawnSync(path.join("node_modules", ".bin", "prisma"), ["migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: url, CHECKPOINT_DISABLE: "1" },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`Database migration failed:\n${result.stdout}\n${result.stderr}`);
}
