import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import { ensureDatabase } from "../../scripts/lib/database";
import { freePort } from "../../scripts/lib/net";
import { TEST_API_KEY, TEST_API_SECRET, TEST_APP_URL, TEST_ENCRYPTION_KEY, testRunDatabases, testRunDirectory } from "./test-env";

// Runs before each test file's imports: every file gets its own database copy
// and its own queue prefix, so parallel files never see each other's rows or jobs.
const id = `${process.pid}_${randomUUID().slice(0, 8)}`;
const runId = inject("testRunId");
const databases = testRunDatabases(runId);
const url = databases.copyUrl(id);
await ensureDatabase(url, { template: databases.template });
// The fetch policy refuses loopback URLs; these ports are this file's stand-ins for
// the internet (the store emulator, provider doubles), allow-listed before the
// environment is parsed.
const loopbackPorts = [await freePort(), await freePort(), await freePort()];

Object.assign(process.env, {
  NODE_ENV: "test",
  DATABASE_URL: url,
  SHOPIFY_API_KEY: TEST_API_KEY,
  SHOPIFY_API_SECRET: TEST_API_SECRET,
  SHOPIFY_APP_URL: TEST_APP_URL,
  SHOTLANE_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
  SHOTLANE_ASSET_DIR: `${testRunDirectory(runId)}/assets-${id}`,
  SCOPES: "read_products",
  QUEUE_PREFIX: `test-${id.replace(/_/g, "-")}`,
  SHOTLANE_DEMO: "0",
  BULK_POLL_MS: "50",
  PRODUCTION_POLL_MS: "50",
  TEST_LOOPBACK_PORTS: loopbackPorts.join(","),
  SHOTLANE_FETCH_ALLOW_ORIGINS: loopbackPorts.map((port) => `http://127.0.0.1:${port}`).join(","),
});
