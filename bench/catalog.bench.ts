import prisma from "../app/db.server";
import { requestCatalogSync, runCatalogSync } from "../app/catalog/catalog-sync.server";
import { listProducts, productListFacets } from "../app/catalog/product-list.server";
import { productListQuerySchema } from "../app/catalog/product-list-query";
import { unauthenticated } from "../app/shopify.server";
import { startTestStore, TEST_SHOP } from "../test/support/emulator";
import { measure, printComparison } from "./harness";

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 500);

/** Sync of the demo-size catalog from the emulator, then the product list page's server work. */
export async function benchCatalog(): Promise<void> {
  const emulator = await startTestStore({ productCount: PRODUCTS, bucket: { maximumAvailable: 10_000, restoreRate: 1_000 } });
  try {
    const { admin } = await unauthenticated.admin(TEST_SHOP);
    const run = await requestCatalogSync(prisma, async () => undefined, { shopId: TEST_SHOP, requestedBy: "bench", kind: "paginated" });
    let throttles = 0;
    const start = performance.now();
    const done = await runCatalogSync({ db: prisma, admin, syncRunId: run.id, onThrottle: () => throttles++ });
    const seconds = (performance.now() - start) / 1000;
    console.log(`\nCatalog sync (paginated, emulator over HTTP, Shopify Plus bucket 10,000 / 1,000 per s)`);
    console.log(`  ${done.processed} products in ${seconds.toFixed(2)} s = ${(done.processed / seconds).toFixed(0)} products/s; throttled waits: ${throttles}`);
    // The same sync with the rate limit lifted shows Shotlane's own overhead (HTTP, parsing, SQLite writes).
    emulator.admin.setBucket(TEST_SHOP, 10_000);
    emulator.store.shop(TEST_SHOP)!.bucket.restoreRate = 1_000_000;
    const again = await requestCatalogSync(prisma, async () => undefined, { shopId: TEST_SHOP, requestedBy: "bench", kind: "paginated" });
    const start2 = performance.now();
    const unthrottled = await runCatalogSync({ db: prisma, admin, syncRunId: again.id });
    const seconds2 = (performance.now() - start2) / 1000;
    console.log(`  without the rate limit: ${unthrottled.processed} products in ${seconds2.toFixed(2)} s = ${(unthrottled.processed / seconds2).toFixed(0)} products/s (Shotlane's own cost per page of 10: ${((seconds2 * 1000) / Math.ceil(unthrottled.processed / 10)).toFixed(1)} ms)`);

    const query = productListQuerySchema.parse({ type: "Dresses" });
    const page = () => Promise.all([listProducts(prisma, TEST_SHOP, query), productListFacets(prisma, TEST_SHOP)]);
    // Baseline: what a page would cost if it loaded the whole mirror and filtered in memory.
    const naive = async () => {
      const all = await prisma.product.findMany({ where: { shopId: TEST_SHOP }, include: { tags: true, collections: { include: { collection: true } } } });
      const filtered = all.filter((p) => p.productType === "Dresses").sort((a, b) => a.title.localeCompare(b.title));
      const facets = {
        types: [...new Set(all.map((p) => p.productType))].sort(),
        vendors: [...new Set(all.map((p) => p.vendor))].sort(),
        tags: [...new Set(all.flatMap((p) => p.tags.map((t) => t.tag)))].sort(),
      };
      return { items: filtered.slice(0, 50), total: filtered.length, facets };
    };
    printComparison(
      `Product list page server work at ${done.processed} products (filter type=Dresses, page 1 of 50, with facets)`,
      await measure("indexed queries (listProducts + facets)", page),
      await measure("baseline: load all rows, filter in memory", naive),
    );
  } finally {
    await emulator.close();
  }
}
