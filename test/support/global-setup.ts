import type { TestProject } from "vitest/node";
import { dropDatabasesLike, migrateDatabase } from "../../scripts/lib/database";
import { rmSync } from "node:fs";
import { testRunDatabases, testRunDirectory } from "./test-env";

declare module "vitest" {
  export interface ProvidedContext {
    /** This vitest run's id: its databases carry it, so runs on one server never share or drop each other's. */
    testRunId: string;
  }
}

const runId = String(process.pid);

/**
 * Builds one migrated database; each test file copies it (setup-env.ts) so
 * files run in parallel without sharing rows, and the migrations that CI
 * checks are the committed ones.
 */
export async function setup(project: TestProject) {
  const databases = testRunDatabases(runId);
  await dropDatabasesLike(databases.server, databases.prefix);
  await migrateDatabase(databases.templateUrl);
  project.provide("testRunId", runId);
}

/** Drops this run's databases when the run ends. */
export async function teardown() {
  const databases = testRunDatabases(runId);
  await dropDatabasesLike(databases.server, databases.prefix);
  rmSync(testRunDirectory(runId), { recursive: true, force: true });
}
