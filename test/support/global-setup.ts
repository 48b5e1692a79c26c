import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { testRunFiles } from "./test-env";

declare module "vitest" {
  export interface ProvidedContext {
    /** This vitest run's id: its database files carry it, so runs in the same checkout never share or delete each other's. */
    testRunId: string;
  }
}

const runId = String(process.pid);

/**
 * Builds one migrated SQLite database; each test file copies it (setup-env.ts)
 * so files run in parallel without sharing rows, and the migrations that CI
 * checks are the committed ones.
 */
export function setup(project: TestProject) {
  const { template } = testRunFiles(runId);
  mkdirSync(".data", { recursive: true });
  rmSync(template, { force: true });
  const prismaBin = path.join("node_modules", ".bin", "prisma");
  execFileSync(prismaBin, ["migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: `file:./${template}`, CHECKPOINT_DISABLE: "1" },
    stdio: "pipe",
  });
  project.provide("testRunId", runId);
}

/** Removes this run's database files (and the browser suite's) when the run ends. */
export function teardown() {
  const { prefix } = testRunFiles(runId);
  for (const file of readdirSync(".data")) {
    if ((file.startsWith(prefix) || file.startsWith("test-e2e-")) && /\.db(-wal|-shm|-journal)?$/.test(file)) rmSync(path.join(".data", file), { force: true });
  }
}
