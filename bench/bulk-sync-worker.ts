import { spawn } from "node:child_process";
import path from "node:path";
import { freePort, waitFor } from "../scripts/lib/net";
import { useBenchDatabase } from "./bench-env";

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

const port = await freePort();
const emulator = spawn(process.execPath, [path.join("node_modules", "tsx", "dist", "cli.mjs"), "emulator/main.ts"], {
  env: { ...process.env, PORT: String(port), PRODUCT_COUNT: String(products), SHOP, ACCESS_TOKEN: TOKEN, SEED: "2026" },
  stdio: "ignore",
});
const emulatorUrl = `http://127.0.0.1:${port}`;
try {
  await waitFor(async () => (await fetch(`${emulatorUrl}/emulator/health`).catch(() => null))?.ok ?? false, { timeoutMs: 60_000, what: "the emulator" });
  const { default: prisma } = await import("../app/db.server");
  const { installEmulatorRedirect } = await import("../app/shopify/emulator-redirect.server");
  const { requestCatalogSync, runCatalogSync } = await import("../app/catalog/catalog-sync.server");
  const { unauthenticated } = await import("../app/shopify.server");
  installEmulatorRedirect({ shop: SHOP, emulatorUrl });
  await prisma.shop.create({ data: { id: SHOP } });
  await prisma.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false, scope: "read_products", accessToken: TOKEN } });
  const { admin } = await unauthenticated.admin(SHOP);
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
  emulator.kill("SIGTERM");
  await removeDatabase();
}
process.exit(0);
