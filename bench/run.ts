import { databaseUrl, withDatabase } from "../app/db-url";
import { dropDatabase, migrateDatabase } from "../scripts/lib/database";
import { useBenchDatabase } from "./bench-env";

/**
 * `npm run bench`: each benchmark prints its figures and its ratio against a
 * baseline measured in the same run, on this machine. No pass/fail timing.
 */
// One migrated template database; each benchmark process copies it (CREATE DATABASE … TEMPLATE).
const template = `shotlane_bench_template_${process.pid}`;
const templateUrl = withDatabase(databaseUrl(), template);
await dropDatabase(templateUrl);
await migrateDatabase(templateUrl);
const removeDatabase = await useBenchDatabase(template, "shotlane_bench");

// `npm run bench -- routing` runs only the benchmarks whose name contains an argument.
const benches: [string, () => Promise<void>][] = [
  ["routing", async () => (await import("./routing.bench")).benchRouting()],
  ["catalog", async () => (await import("./catalog.bench")).benchCatalog()],
  ["bulk-sync", async () => (await import("./bulk-sync.bench")).benchBulkSync(template)],
  ["production", async () => (await import("./production.bench")).benchProduction(template)],
  ["post-production", async () => (await import("./post-production.bench")).benchPostProduction()],
  ["qc", async () => (await import("./qc.bench")).benchQc()],
  ["webhooks", async () => (await import("./webhooks.bench")).benchWebhooks()],
  ["dashboard", async () => (await import("./dashboard.bench")).benchDashboard()],
];
const wanted = process.argv.slice(2);
try {
  for (const [name, run] of benches) if (wanted.length === 0 || wanted.some((w) => name.includes(w))) await run();
} finally {
  await removeDatabase();
  await dropDatabase(templateUrl);
}
process.exit(0);
