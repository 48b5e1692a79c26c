import { copyFileSync, rmSync } from "node:fs";

/**
 * Points this process at its own copy of the migrated template database and
 * sets the environment the app parses; returns a function that removes the copy.
 */
export function useBenchDatabase(template: string, name: string): () => void {
  const db = `.data/${name}-${process.pid}.db`;
  copyFileSync(template, db);
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: `file:./${db}`,
    SHOPIFY_API_KEY: "bench-key",
    SHOPIFY_API_SECRET: "bench-secret",
    SHOPIFY_APP_URL: "https://bench.shotlane.test",
    QUEUE_PREFIX: `bench-${process.pid}`,
  });
  return () => {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${db}${suffix}`, { force: true });
  };
}
