import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { TEMPLATE_DB } from "./test-env";

/**
 * Builds one migrated SQLite database; each test file copies it (setup-env.ts)
 * so files run in parallel without sharing rows, and the migrations that CI
 * checks are the committed ones.
 */
export function setup() {
  mkdirSync(".data", { recursive: true });
  rmSync(TEMPLATE_DB, { force: true });
  const prismaBin = path.join("node_modules", ".bin", "prisma");
  execFileSync(prismaBin, ["migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: `file:./${TEMPLATE_DB}`, CHECKPOINT_DISABLE: "1" },
    stdio: "pipe",
  });
}

/** Removes the per-file database copies when the run ends. */
export function teardown() {
  for (const file of readdirSync(".data")) {
    if (/^test-.*\.db(-wal|-shm|-journal)?$/.test(file)) rmSync(path.join(".data", file), { force: true });
  }
}
