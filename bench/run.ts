import { mkdirSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { useBenchDatabase } from "./bench-env";

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
const removeDatabase = useBenchDatabase(template, "bench");

// `npm run bench -- routing` runs only the benchmarks whose name contains an argument.
const benches: [string, () => Promise<void>][] = [
  ["routing", async () => (await import("./routing.bench")).benchRouting()],
  ["catalog", async () => (await import("./catalog.bench")).benchCatalog()],
  ["bulk-sync", async () => (await import("./bulk-sync.bench")).benchBulkSync(template)],
];
const wanted = process.argv.slice(2);
try {
  for (const [name, run] of benches) if (wanted.length === 0 || wanted.some((w) => name.includes(w))) await run();
} finally {
  removeDatabase();
}
process.exit(0);
