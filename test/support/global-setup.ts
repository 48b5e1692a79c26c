import type { TestProject } from "vitest/node";
import pg from "pg";
import { withDatabase } from "../../app/db-url";
import { migrateDatabase } from "../../scripts/lib/database";
import { rmSync } from "node:fs";
import { testRunDatabases, testRunDirectory } from "./test-env";

declare module "vitest" {
  export interface ProvidedContext {
    /** This vitest run's id: its databases carry it, so runs on one server never share or drop each other's. */
    testRunId: string;
  }
}

const runId = String(process.pid);

/** Connections that drop databases side by side. */
const DROPPERS = 8;

/**
 * Drops every database whose name starts with `prefix`. Each DROP DATABASE
 * waits for a checkpoint (about 1 s on a busy machine, and a run leaves one
 * database per test file); drops in flight together share checkpoints, so
 * several connections finish a run's hundred-odd in a third of the time.
 */
async function dropRunDatabases(server: string, prefix: string): Promise<void> {
  const admin = new pg.Client({ connectionString: withDatabase(server) });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`PostgreSQL does not answer at ${new URL(server).host} (${error instanceof Error ? error.message : String(error)}). Start it (Debian: pg_ctlcluster 15 main start) or set DATABASE_URL.`);
  }
  const names = (await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE starts_with(datname, $1)", [prefix])).rows.map((row) => row.datname);
  await admin.end();
  await Promise.all(
    Array.from({ length: Math.min(DROPPERS, names.length) }, async () => {
      const client = new pg.Client({ connectionString: withDatabase(server) });
      await client.connect();
      try {
        for (let name = names.pop(); name !== undefined; name = names.pop()) await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    }),
  );
}

/**
 * Builds one migrated database; each test file copies it (setup-env.ts) so
 * files run in parallel without sharing rows, and the migrations that CI
 * checks are the committed ones.
 */
export async function setup(project: TestProject) {
  const databases = testRunDatabases(runId);
  await dropRunDatabases(databases.server, databases.prefix);
  await migrateDatabase(databases.templateUrl);
  project.provide("testRunId", runId);
}

/** Drops this run's databases when the run ends. */
export async function teardown() {
  const databases = testRunDatabases(runId);
  await dropRunDatabases(databases.server, databases.prefix);
  rmSync(testRunDirectory(runId), { recursive: true, force: true });
}
