import { execFileSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import path from "node:path";

interface Timing {
  medianMs: number;
  p95Ms: number;
  runs: number;
}

interface OverheadResult {
  direct: Timing;
  baseline: Timing;
  baselineWithCheck: Timing;
  queued: Timing;
  demoRender: Timing;
  failedQueued: number;
  peakRssMb: number;
}

interface BulkResult {
  products: number;
  skipped: number;
  candidates: number;
  stored: number;
  failed: number;
  errors: Record<string, number>;
  orders: Record<string, number>;
  storedMb: number;
  seconds: number;
  sendSeconds: number;
  workerPeakRssMb: number;
  benchPeakRssMb: number;
  demoConcurrency: number;
  pollMs: number;
}

/** Runs one measurement in its own process (its peak RSS is its own) and returns its JSON line. */
function runWorker<T>(mode: "overhead" | "bulk", products: number, template: string): T {
  const out = execFileSync(process.execPath, [path.join("node_modules", "tsx", "dist", "cli.mjs"), "bench/production-bench-worker.ts", mode, String(products), template], {
    encoding: "utf8",
    maxBuffer: 10_000_000,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = out.trim().split("\n").filter((l) => l.startsWith("{")).pop();
  if (!line) throw new Error(`production bench worker (${mode}) printed no result:\n${out}`);
  return JSON.parse(line) as T;
}

const ms = (t: Timing) => `median ${t.medianMs.toFixed(1).padStart(7)} ms   p95 ${t.p95Ms.toFixed(1).padStart(7)} ms   (${t.runs} runs)`;
const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");

/**
 * Production pipeline: per-candidate overhead without provider latency, and a
 * catalog-sized order (BENCH_PRODUCTION_PRODUCTS, default 500, × 3 views × 3
 * candidates) through the demo provider to stored files.
 */
export async function benchProduction(template: string): Promise<void> {
  console.log(`\nProduction (${cpus().length} CPUs; load average before: ${load()})`);
  const overhead = runWorker<OverheadResult>("overhead", 60, template);
  console.log(`\nPipeline overhead per candidate excluding provider latency (target < 200 ms); 864×1296 PNG, PostgreSQL, local asset store`);
  console.log(`  generateAsset, instant provider (budget, ledger, DB, request build, check, store)  ${ms(overhead.direct)}`);
  console.log(`  baseline: bare provider call + store put                                         ${ms(overhead.baseline)}`);
  console.log(`  baseline + result check (header + full decode)                                   ${ms(overhead.baselineWithCheck)}`);
  console.log(`  overhead ×${(overhead.direct.medianMs / overhead.baseline.medianMs).toFixed(1)} the baseline: +${(overhead.direct.medianMs - overhead.baseline.medianMs).toFixed(1)} ms per candidate, of which the result check ${(overhead.baselineWithCheck.medianMs - overhead.baseline.medianMs).toFixed(1)} ms`);
  const queueOverhead = overhead.queued.medianMs - overhead.demoRender.medianMs;
  console.log(`  queue path: one-candidate order, sendToProduction → flow → worker → stored → order settled, demo provider, polls every 10 ms`);
  console.log(`    order end to end                                                               ${ms(overhead.queued)}`);
  console.log(`    demo provider alone (fetch flat-lay, compose, encode)                          ${ms(overhead.demoRender)}`);
  console.log(`    queue path minus demo render: ~${queueOverhead.toFixed(1)} ms per candidate (difference of medians; includes ≤ 10 ms poll quantisation)${overhead.failedQueued ? `; ${overhead.failedQueued} candidates not stored!` : ""}`);

  const products = Number(process.env.BENCH_PRODUCTION_PRODUCTS ?? 500);
  const started = load();
  const bulk = runWorker<BulkResult>("bulk", products, template);
  console.log(`\n${bulk.products} products × 3 views × 3 candidates through the demo provider, end to end to stored files (target < 10 min at 500 on 2 cores)`);
  console.log(`  ${bulk.candidates} candidates: ${bulk.seconds.toFixed(1)} s = ${(bulk.seconds / 60).toFixed(1)} min, ${(bulk.candidates / bulk.seconds).toFixed(2)} candidates/s (send to production ${bulk.sendSeconds.toFixed(1)} s)`);
  console.log(`  stored ${bulk.stored} (${bulk.storedMb.toFixed(0)} MB), failed ${bulk.failed}${bulk.failed ? ` ${JSON.stringify(bulk.errors)}` : ""}; orders ${JSON.stringify(bulk.orders)}; skipped ${bulk.skipped}`);
  console.log(`  peak RSS: worker process ${bulk.workerPeakRssMb.toFixed(0)} MB, bench process ${bulk.benchPeakRssMb.toFixed(0)} MB`);
  console.log(`  settings: demo queue concurrency ${bulk.demoConcurrency}, demo render limit 2, PRODUCTION_POLL_MS ${bulk.pollMs}; load average at start ${started}, at end ${load()}`);
}
