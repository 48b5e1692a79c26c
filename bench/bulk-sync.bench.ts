import { execFileSync } from "node:child_process";
import path from "node:path";

interface Result {
  products: number;
  variants: number;
  seconds: number;
  exportSeconds: number;
  rssBeforeMb: number;
  peakRssMb: number;
  status: string;
  listMs: number;
  facetsMs: number;
  searchMs: number;
}

/** Bulk catalog sync at 10k and 50k products, each in its own process: time, throughput and peak RSS. */
export async function benchBulkSync(template: string): Promise<void> {
  const sizes = (process.env.BENCH_BULK_SIZES ?? "10000,50000").split(",").map(Number);
  const results: Result[] = [];
  for (const size of sizes) {
    const out = execFileSync(process.execPath, [path.join("node_modules", "tsx", "dist", "cli.mjs"), "bench/bulk-sync-worker.ts", String(size), template], { encoding: "utf8", maxBuffer: 10_000_000 });
    const line = out.trim().split("\n").filter((l) => l.startsWith("{")).pop();
    if (!line) throw new Error(`bulk sync worker printed no result:\n${out}`);
    results.push(JSON.parse(line) as Result);
  }
  console.log(`\nBulk catalog sync (bulkOperationRunQuery → streamed JSONL → PostgreSQL; emulator in its own process; target 10k < 30 s)`);
  for (const r of results) {
    console.log(
      `  ${r.products.toLocaleString("en").padStart(7)} products, ${r.variants.toLocaleString("en").padStart(7)} variants: ${r.seconds.toFixed(1).padStart(6)} s = ${(r.products / r.seconds).toFixed(0)} products/s (Shopify's export ${r.exportSeconds.toFixed(1)} s, import ${(r.seconds - r.exportSeconds).toFixed(1)} s); peak RSS ${r.peakRssMb.toFixed(0)} MB (${r.rssBeforeMb.toFixed(0)} MB before the sync) (${r.status})`,
    );
  }
  console.log(`\nProduct list page server work on the synced catalog (target < 150 ms at 50k): filtered page type=Dresses & tag=ss26, page 3, with facets; and a title/SKU search`);
  for (const r of results) console.log(`  ${r.products.toLocaleString("en").padStart(7)} products: filtered page with facets ${r.listMs.toFixed(1)} ms median (facets alone ${r.facetsMs.toFixed(1)} ms); search "linen" ${r.searchMs.toFixed(1)} ms median`);
  if (results.length >= 2) {
    const [small, large] = [results[0], results[results.length - 1]];
    console.log(`  catalog ×${(large.products / small.products).toFixed(0)} → peak RSS ×${(large.peakRssMb / small.peakRssMb).toFixed(2)}, time ×${(large.seconds / small.seconds).toFixed(1)}`);
  }
}
