import { rmSync } from "node:fs";
import { databaseUrl, withDatabase } from "../app/db-url";
import { dropDatabase, ensureDatabase } from "../scripts/lib/database";

/**
 * Points this process at its own copy of the migrated template database and
 * sets the environment the app parses; returns a function that drops the copy.
 */
export async function useBenchDatabase(template: string, name: string): Promise<() => Promise<void>> {
  const url = withDatabase(databaseUrl(), `${name.replace(/-/g, "_")}_${process.pid}`);
  await dropDatabase(url);
  await ensureDatabase(url, { template });
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: url,
    SHOPIFY_API_KEY: "bench-key",
    SHOPIFY_API_SECRET: "bench-secret",
    SHOPIFY_APP_URL: "https://bench.shotlane.test",
    SHOTLANE_ENCRYPTION_KEY: Buffer.alloc(32, 0x42).toString("base64"),
    SHOTLANE_ASSET_DIR: `.data/bench-assets-${process.pid}`,
    QUEUE_PREFIX: `bench-${process.pid}`,
  });
  return async () => {
    const { default: prisma } = await import("../app/db.server");
    await prisma.$disconnect();
    await dropDatabase(url);
    rmSync(`.data/bench-assets-${process.pid}`, { recursive: true, force: true });
  };
}
