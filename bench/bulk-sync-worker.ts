import { freePort } from "../scripts/lib/net";
import { installBenchShop, startBenchEmulator, useBenchDatabase } from "./bench-env";

/**
 * One bulk-sync measurement in a fresh process, so peak RSS is this sync's
 * alone: the store emulator runs in a child process, the app side here.
 * Usage: tsx bench/bulk-sync-worker.ts <products> <template database name>
 */
const products = Number(process.argv[2]);
const template = process.argv[3];
const SHOP = "bench-bulk.myshopify.com";
const TOKEN = "shpat_bench_bulk";
const removeDatabase = await useBenchDatabase(template, "shotlane_bench_bulk");

const emulator = await startBenchEmulator({ port: await freePort(), shop: SHOP, token: TOKEN, products });
try {
  const { requestCatalogSync, runCatalogSync } = await import("../app/catalog/catalog-sync.server");
  const { prisma, admin } = await installBenchShop(SHOP, TOKEN, emulator.url);
  const run = await requestCatalogSync(prisma, async () => undefined, { shopId: SHOP, requestedBy: "bench" });
  const rssBefore = process.memoryUsage().rss / 1024 / 1024;
  const start = performance.now();
  let firstBatchAt = 0;
  let importRssMb = 0;
  let batches = 0;
  const done = await runCatalogSync({ db: prisma, admin, syncRunId: run.id, bulkPollMs: 200, onProgress: () => {
    firstBatchAt ||= performance.now();
    importRssMb = Math.max(importRssMb, process.memoryUsage().rss / 1024 / 1024);
    if (process.env.BENCH_TRACE && ++batches % 10 === 0) {
      const m = process.memoryUsage();
      console.error(`batch ${batches}: rss ${(m.rss / 1048576).toFixed(0)} heap ${(m.heapUsed / 1048576).toFixed(0)}/${(m.heapTotal / 1048576).toFixed(0)} external ${(m.external / 1048576).toFixed(0)} arrayBuffers ${(m.arrayBuffers / 1048576).toFixed(0)}`);
    }
  } });
  const seconds = (performance.now() - start) / 1000;
  const variants = await prisma.productVariant.count();
  // The product list's server work on this catalog: a filtered page with its facets.
  const { listProducts, productListFacets } = await import("../app/catalog/product-list.server");
  const { productListQuerySchema } = await import("../app/catalog/product-list-query");
  const { measure } = await import("./harness");
  const filtered = productListQuerySchema.parse({ type: "Dresses", tag: "ss26", page: 3 });
  const list = await measure("list", () => Promise.all([listProducts(prisma, SHOP, filtered), productListFacets(prisma, SHOP)]), { runs: 15, warmup: 2 });
  const facets = await measure("facets", () => productListFacets(prisma, SHOP), { runs: 15, warmup: 2 });
  const search = await measure("search", () => listProducts(prisma, SHOP, productListQuerySchema.parse({ q: "linen" })), { runs: 15, warmup: 2 });
  console.log(JSON.stringify({ products: done.processed, variants, seconds, exportSeconds: (firstBatchAt - start) / 1000, importRssMb, heapMb: process.memoryUsage().heapUsed / 1024 / 1024, listMs: list.medianMs, facetsMs: facets.medianMs, searchMs: search.medianMs, rssBeforeMb: rssBefore, peakRssMb: process.resourceUsage().maxRSS / 1024, status: done.status }));
  await prisma.$disconnect();
} finally {
  emulator.stop();
  await removeDatabase();
}
process.exit(0);
