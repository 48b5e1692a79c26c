import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { WORKER_MALLOC_ENV } from "../../jobs/malloc-env";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { databaseUrl as defaultDatabaseUrl, withDatabase } from "../../app/db-url";
import { startEmulator } from "../../emulator/server";
import { dropDatabase, migrateDatabase } from "./database";
import { readAppToml, webhookSubscriptions } from "./app-toml";
import { freePort, waitFor } from "./net";
import { resolveRedis, type RedisHandle } from "./redis";

export const DEMO_SHOP = "shotlane-demo.myshopify.com";
export const DEMO_API_KEY = "shotlane-demo-api-key";
export const DEMO_API_SECRET = "shotlane-demo-api-secret";
export const DEMO_ACCESS_TOKEN = "shpat_shotlane_demo_token";

export interface DemoStackOptions {
  appPort?: number;
  emulatorPort?: number;
  /** PostgreSQL database name on the server of DATABASE_URL (default shotlane_demo); created and migrated on start. */
  database?: string;
  /** Where generated files go (default .data/demo-assets). */
  assetDir?: string;
  /** Drop the database on stop (tests); the demo keeps its data between runs. */
  dropDatabaseOnStop?: boolean;
  productCount?: number;
  seed?: number;
  queuePrefix?: string;
  /** Where the web app's and worker's output goes (default: this terminal). */
  stdio?: "inherit" | "ignore";
  log?: (line: string) => void;
}

export interface DemoStack {
  appUrl: string;
  emulatorUrl: string;
  redisUrl: string;
  databaseUrl: string;
  emulator: Awaited<ReturnType<typeof startEmulator>>;
  env: Record<string, string>;
  timings: Record<string, number>;
  stop(): Promise<void>;
}

const bin = (name: string) => path.join("node_modules", ".bin", name);

function newestMtime(paths: string[]): number {
  let newest = 0;
  for (const p of paths) {
    if (!existsSync(p)) continue;
    const stat = statSync(p);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtime([path.join(p, entry)]));
    } else newest = Math.max(newest, stat.mtimeMs);
  }
  return newest;
}

/** Builds the Remix app unless the build is newer than every source it comes from. */
export function ensureBuilt(log: (line: string) => void): void {
  const output = path.join("build", "server", "index.js");
  const sources = newestMtime(["app", "jobs", "vite.config.ts", "package-lock.json", "tsconfig.json"]);
  if (existsSync(output) && statSync(output).mtimeMs > sources) return;
  log("Building the app (remix vite:build)…");
  // Always React's production build: a build started from a test run would otherwise inherit NODE_ENV=test and ship the development build.
  const result = spawnSync(bin("remix"), ["vite:build"], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
  if (result.status !== 0) throw new Error("The app did not build; see the output above.");
}

/**
 * The demo's credential encryption key: made once and kept beside the demo
 * database's other local state, so credentials saved in one demo run still
 * decrypt in the next.
 */
function demoEncryptionKey(): string {
  const file = path.join(".data", "demo-encryption.key");
  mkdirSync(".data", { recursive: true });
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("base64"), { mode: 0o600 });
  return readFileSync(file, "utf8").trim();
}

function run(command: string, args: string[], env: Record<string, string>, what: string): void {
  const result = spawnSync(command, args, { env: { ...process.env, ...env }, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${what} failed:\n${result.stdout}\n${result.stderr}`);
}

/**
 * The whole pipeline on this machine: store emulator (in this process), web
 * app and worker (child processes), Redis, PostgreSQL. The app runs its production
 * code; only the demo shop's Admin API requests land on the emulator.
 */
export async function startDemoStack(options: DemoStackOptions = {}): Promise<DemoStack> {
  const log = options.log ?? ((line: string) => console.log(line));
  const timings: Record<string, number> = {};
  const t0 = Date.now();
  const children: ChildProcess[] = [];
  let redis: RedisHandle | undefined;
  let emulator: DemoStack["emulator"] | undefined;

  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
            child.once("exit", () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill("SIGTERM");
          }),
      ),
    );
    await emulator?.close();
    await redis?.stop();
    if (options.dropDatabaseOnStop) await dropDatabase(databaseUrl);
  };
  const databaseUrl = withDatabase(defaultDatabaseUrl(), options.database ?? "shotlane_demo");

  try {
    redis = await resolveRedis();
    await migrateDatabase(databaseUrl);
    timings.database = Date.now() - t0;

    ensureBuilt(log);
    timings.build = Date.now() - t0;

    const appPort = await freePort(options.appPort ?? 3000);
    const appUrl = `http://127.0.0.1:${appPort}`;
    const toml = readAppToml();
    emulator = await startEmulator({
      host: "127.0.0.1",
      port: options.emulatorPort ?? 0,
      shops: [{ domain: DEMO_SHOP, accessToken: DEMO_ACCESS_TOKEN }],
      apiKey: DEMO_API_KEY,
      apiSecret: DEMO_API_SECRET,
      appUrl,
      webhooks: webhookSubscriptions(toml),
      seed: options.seed ?? 2026,
      productCount: options.productCount ?? 500,
      // The demo shop is a Shopify Plus store (the plan mid-size fashion brands run on): 10,000-point bucket, 1,000/s.
      bucket: { maximumAvailable: 10_000, restoreRate: 1_000 },
    });
    timings.emulator = Date.now() - t0;

    const env: Record<string, string> = {
      NODE_ENV: "development",
      SHOTLANE_DEMO: "1",
      SHOTLANE_DEMO_SHOP: DEMO_SHOP,
      SHOTLANE_EMULATOR_URL: emulator.url,
      SHOPIFY_API_KEY: DEMO_API_KEY,
      SHOPIFY_API_SECRET: DEMO_API_SECRET,
      SHOPIFY_APP_URL: appUrl,
      SHOTLANE_ENCRYPTION_KEY: demoEncryptionKey(),
      SHOTLANE_ASSET_DIR: options.assetDir ?? ".data/demo-assets",
      SCOPES: toml.access_scopes.scopes,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: options.queuePrefix ?? "shotlane-demo",
      BULK_POLL_MS: "250",
      HOST: "127.0.0.1",
      PORT: String(appPort),
    };
    run(process.execPath, [path.join("node_modules", "tsx", "dist", "cli.mjs"), "scripts/seed-demo-session.ts"], { ...env, DEMO_ACCESS_TOKEN }, "Seeding the demo session");

    const stdio = options.stdio ?? "inherit";
    const spawnChild = (args: string[], extraEnv: Record<string, string> = {}) => {
      const child = spawn(process.execPath, args, { env: { ...process.env, ...env, ...extraEnv }, stdio: ["ignore", stdio, stdio] });
      children.push(child);
      return child;
    };
    spawnChild([path.join("node_modules", "tsx", "dist", "cli.mjs"), "server.ts"]);
    spawnChild([path.join("node_modules", "tsx", "dist", "cli.mjs"), "jobs/worker.ts"], WORKER_MALLOC_ENV);

    await waitFor(
      async () => {
        for (const child of children) if (child.exitCode !== null) throw new Error(`A demo process exited early (code ${child.exitCode}); see its output above.`);
        try {
          return (await fetch(`${appUrl}/app`)).ok;
        } catch {
          return false;
        }
      },
      { timeoutMs: 60_000, what: `the app at ${appUrl}/app` },
    );
    timings.firstPage = Date.now() - t0;
    return { appUrl, emulatorUrl: emulator.url, redisUrl: redis.url, databaseUrl, emulator, env, timings, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
