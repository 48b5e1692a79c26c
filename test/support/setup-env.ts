import { copyFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import { TEST_API_KEY, TEST_API_SECRET, TEST_APP_URL, testRunFiles } from "./test-env";

// Runs before each test file's imports: every file gets its own database copy
// and its own queue prefix, so parallel files never see each other's rows or jobs.
const id = `${process.pid}-${randomUUID().slice(0, 8)}`;
const files = testRunFiles(inject("testRunId"));
const dbFile = files.copy(id);
copyFileSync(files.template, dbFile);

Object.assign(process.env, {
  NODE_ENV: "test",
  DATABASE_URL: `file:./${dbFile}`,
  SHOPIFY_API_KEY: TEST_API_KEY,
  SHOPIFY_API_SECRET: TEST_API_SECRET,
  SHOPIFY_APP_URL: TEST_APP_URL,
  SCOPES: "read_products",
  QUEUE_PREFIX: `test-${id}`,
  SHOTLANE_DEMO: "0",
  BULK_POLL_MS: "50",
});
