import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import path from "node:path";

/**
 * `npm run bench`: each benchmark prints its figures and its ratio against a
 * baseline measured in the same run, on this machine. No pass/fail timing.
 */
mkdirSync(".data", { recursive: true });
const template = ".data/bench-template.db";
rmSync(template, { force: true });
execFileSync(path.join("node_modules", ".bin", "prisma"), ["migrate", "deploy"], {
  env: { ...process.env, DATABASE_URL: `file:./${template}`, CHECKPOINT_DISABLE: "1" },
  stdio: "pipe",
});
const db = `.data/bench-${process.pid}.db`;
copyFileSync(template, db);
Object.assign(process.env, {
  NODE_ENV: "test",
  DATABASE_URL: `file:./${db}`,
  SHOPIFY_API_KEY: "bench-key",
  SHOPIFY_API_SECRET: "bench-secret",
  SHOPIFY_APP_URL: "https://bench.shotlane.test",
  QUEUE_PREFIX: `bench-${process.pid}`,
});

const { benchCatalog } = await import("./catalog.bench");
try {
  await benchCatalog();
} finally {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${db}${suffix}`, { force: true });
}
process.exit(0);
