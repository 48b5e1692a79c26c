import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { waitFor } from "../scripts/lib/net";
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

/**
 * The store emulator in its own process (so the bench process's memory is the
 * app's alone), seeded with `products`, on `port`; resolves once it answers.
 */
export async function startBenchEmulator(options: { port: number; shop: string; token: string; products: number }): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, [path.join("node_modules", "tsx", "dist", "cli.mjs"), "emulator/main.ts"], {
    env: { ...process.env, PORT: String(options.port), PRODUCT_COUNT: String(options.products), SHOP: options.shop, ACCESS_TOKEN: options.token, SEED: "2026" },
    stdio: "ignore",
  });
  const url = `http://127.0.0.1:${options.port}`;
  const stop = () => void child.kill("SIGTERM");
  try {
    await waitFor(async () => (await fetch(`${url}/emulator/health`).catch(() => null))?.ok ?? false, { timeoutMs: 60_000, what: "the emulator" });
  } catch (error) {
    stop();
    throw error;
  }
  return { url, stop };
}

/** The bench shop as an install leaves it (Shop row, offline session), its Admin API redirected to the emulator; its Admin client. */
export async function installBenchShop(shop: string, token: string, emulatorUrl: string) {
  const { default: prisma } = await import("../app/db.server");
  const { installEmulatorRedirect } = await import("../app/shopify/emulator-redirect.server");
  const { unauthenticated } = await import("../app/shopify.server");
  installEmulatorRedirect({ shop, emulatorUrl });
  await prisma.shop.create({ data: { id: shop } });
  await prisma.session.create({ data: { id: `offline_${shop}`, shop, state: "", isOnline: false, scope: "read_products", accessToken: token } });
  return { prisma, admin: (await unauthenticated.admin(shop)).admin };
}
