import { spawn } from "node:child_process";
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

/** How `prisma migrate deploy` reports success. */
const MIGRATED = /All migrations have been successfully applied|No pending migrations to apply/;

/**
 * Creates the database if needed and applies the committed migrations (`prisma migrate deploy`).
 * The CLI is stopped once it reports success: it would otherwise idle about
 * 10 s before exiting (a timer of its schema engine and the adapter pool's idle
 * connection keep it alive), which every test run and demo stack start paid.
 */
export async function migrateDatabase(url: string): Promise<void> {
  await ensureDatabase(url);
  const child = spawn(path.join("node_modules", ".bin", "prisma"), ["migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: url, CHECKPOINT_DISABLE: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const closed = new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  const migrated = new Promise<"migrated">((resolve) => {
    const collect = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (MIGRATED.test(output)) resolve("migrated");
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
  });
  const outcome = await Promise.race([closed, migrated]);
  if (outcome === "migrated") {
    child.kill("SIGTERM");
    await closed;
  } else if (outcome !== 0) throw new Error(`Database migration failed:\n${output}`);
}
