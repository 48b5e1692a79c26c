import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { freePort } from "../scripts/lib/net";
import { installBenchShop, startBenchEmulator, useBenchDatabase } from "./bench-env";

/**
 * One production measurement in a fresh process, so peak RSS is its own; the
 * store emulator (catalog and CDN) runs in a child process.
 *   tsx bench/production-bench-worker.ts overhead <products> <template>
 *     per-candidate pipeline overhead: generateAsset with an instant provider,
 *     and one-candidate orders through BullMQ with the demo provider
 *   tsx bench/production-bench-worker.ts bulk <products> <template>
 *     products × 3 views × 3 candidates through the demo provider, the real
 *     worker (jobs/worker.ts) in its own process
 * Prints one JSON line with the figures.
 */
const mode = process.argv[2];
const products = Number(process.argv[3]);
const template = process.argv[4];
if ((mode !== "overhead" && mode !== "bulk") || !(products > 0) || !template) throw new Error("usage: production-bench-worker.ts overhead|bulk <products> <template>");

const SHOP = "bench-production.myshopify.com";
const TOKEN = "shpat_bench_production";
const removeDatabase = await useBenchDatabase(template, `shotlane_bench_production_${mode}`);
const port = await freePort();
const emulatorUrl = `http://127.0.0.1:${port}`;
Object.assign(process.env, {
  // The demo provider fetches flat-lays from the emulator's CDN on loopback, which the fetch policy refuses unless listed.
  SHOTLANE_FETCH_ALLOW_ORIGINS: emulatorUrl,
  // Overhead mode polls the demo provider every 10 ms so the poll interval hardly adds to what is measured; bulk keeps the default (2 s).
  ...(mode === "overhead" ? { PRODUCTION_POLL_MS: "10" } : {}),
});

const emulator = await startBenchEmulator({ port, shop: SHOP, token: TOKEN, products });
let worker: ChildProcess | undefined;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const stats = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b);
  return { medianMs: percentile(sorted, 0.5), p95Ms: percentile(sorted, 0.95), runs: sorted.length };
};

try {
  const { requestCatalogSync, runCatalogSync } = await import("../app/catalog/catalog-sync.server");
  const { resolveRecipeForProduct, saveRecipeVersion } = await import("../app/recipes/recipes.server");
  const { sendToProduction } = await import("../app/production/production-orders.server");
  const { prisma, admin } = await installBenchShop(SHOP, TOKEN, emulatorUrl);
  const run = await requestCatalogSync(prisma, async () => undefined, { shopId: SHOP, requestedBy: "bench" });
  const synced = await runCatalogSync({ db: prisma, admin, syncRunId: run.id, bulkPollMs: 200 });
  if (synced.status !== "succeeded") throw new Error(`catalog sync ${synced.status}`);
  await prisma.product.updateMany({ where: { shopId: SHOP }, data: { tier: 3, tierSource: "default" } });
  const catalog = await prisma.product.findMany({ where: { shopId: SHOP, featuredImageUrl: { not: null } }, orderBy: { id: "asc" }, include: { tags: { select: { tag: true } } } });

  async function planTier3(assets: string[]) {
    const items = assets.map((asset) => ({ asset, source: "ai" }));
    await prisma.productionPlan.upsert({ where: { shopId_tier: { shopId: SHOP, tier: 3 } }, create: { shopId: SHOP, tier: 3, items }, update: { items } });
  }

  /** A new version of every category's recipe the catalog uses. */
  async function changeRecipes(change: (spec: Record<string, unknown>) => Record<string, unknown>) {
    const done = new Set<string>();
    for (const product of catalog) {
      const current = await resolveRecipeForProduct(prisma, SHOP, { productType: product.productType, tags: product.tags.map((t) => t.tag) }, { demo: true });
      if (done.has(current.categoryKey)) continue;
      done.add(current.categoryKey);
      const saved = await saveRecipeVersion(prisma, SHOP, current.categoryKey, change(structuredClone(current.spec) as unknown as Record<string, unknown>), "bench", "bench");
      if (!saved.ok) throw new Error(`recipe refused: ${JSON.stringify(saved.errors)}`);
    }
  }

  async function waitForOrders(ids: string[], pollMs: number, onTick?: () => Promise<void>) {
    for (;;) {
      const open = await prisma.productionOrder.count({ where: { id: { in: ids }, status: { in: ["queued", "running", "paused"] } } });
      if (open === 0) return;
      await onTick?.();
      await sleep(pollMs);
    }
  }

  if (mode === "overhead") {
    const sharp = (await import("sharp")).default;
    const { generateAsset } = await import("../app/production/generate-asset.server");
    const { buildRequestFromDatabase } = await import("../app/production/generation-request.server");
    const { checkGeneratedResult } = await import("../app/production/result-check.server");
    const { providerFetch, providerForShop } = await import("../app/providers/registry.server");
    const { assetStore } = await import("../app/storage/asset-store.server");
    const { ALL_QUEUES, closeQueues, getQueue } = await import("../jobs/queues");
    const { startWorkers, stopWorkers } = await import("../jobs/workers");
    type Provider = import("../app/providers/provider").GenerationProvider;

    // Both paths handle the same picture size: the instant provider's 864 × 1296 PNG.
    const png = await sharp({ create: { width: 864, height: 1296, channels: 3, background: { r: 222, g: 214, b: 200 } } })
      .composite([{ input: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="864" height="1296"><rect x="302" y="350" width="260" height="420" rx="60" fill="#2f4f6f"/></svg>`) }])
      .png()
      .toBuffer();
    let jobs = 0;
    /** A provider with no latency: submit and poll answer at once with an already-rendered image. */
    const instantProvider: Provider = {
      id: "demo",
      label: "Instant bench provider",
      isDemo: true,
      operations: ["product-to-model", "try-on", "image-to-video"],
      submit: async () => ({ providerJobId: `instant-${++jobs}`, handle: {} }),
      poll: async () => ({ state: "succeeded", outputs: [{ kind: "bytes", bytes: png, contentType: "image/png" }], usage: { unit: "image", units: 1, costMicros: 0 } }),
      cancel: async () => undefined,
      testConnection: async () => ({ ok: true }),
      estimate: () => ({ unit: "image", units: 1, costMicros: 0 }),
    };
    await changeRecipes((spec) => ({ ...spec, candidatesPerView: 3, video: null, output: { ...(spec.output as Record<string, unknown>), image: { width: 864, height: 1296, format: "png" } } }));
    await planTier3(["on-model-front"]);

    // (a1) generateAsset per candidate, one at a time, against PostgreSQL and the local asset store.
    const directProducts = catalog.slice(0, Math.ceil(products / 2));
    const sent = await sendToProduction(prisma, SHOP, directProducts.map((p) => p.id), { actor: "bench", source: "bulk", demo: true });
    // No worker runs yet: drop the flows sendToProduction queued, so only generateAsset touches these candidates.
    for (const definition of ALL_QUEUES) await getQueue(definition).obliterate({ force: true });
    const assets = await prisma.asset.findMany({ where: { orderId: { in: sent.created.map((c) => c.orderId) } }, orderBy: { id: "asc" }, select: { id: true, request: { select: { order: { select: { generation: true } } } } } });
    const store = assetStore();
    const deps = { db: prisma, providerFor: async () => instantProvider, fetch: providerFetch(), store, buildRequest: (asset: Parameters<typeof buildRequestFromDatabase>[1]) => buildRequestFromDatabase(prisma, asset) };
    const warmup = 6;
    const direct: number[] = [];
    for (const [index, asset] of assets.entries()) {
      const start = performance.now();
      // The attempt as the generate job describes it (its flow's generation: the order's current one).
      const attempt = { isFinalAttempt: true, generation: asset.request.order.generation };
      const outcome = await generateAsset(deps, asset.id, attempt);
      if (outcome !== "stored") throw new Error(`candidate ${asset.id}: ${outcome}`);
      if (index >= warmup) direct.push(performance.now() - start);
    }
    const baseline: number[] = [];
    const checked: number[] = [];
    for (let i = 0; i < assets.length; i++) {
      const start = performance.now();
      const job = await instantProvider.submit({ operation: "try-on", model: "demo-compose", sourceImageUrl: emulatorUrl, prompt: "" });
      const result = await instantProvider.poll(job);
      if (result.state !== "succeeded" || result.outputs[0].kind !== "bytes") throw new Error("instant provider");
      await store.put(result.outputs[0].bytes, { contentType: "image/png", extension: "png" });
      const afterPut = performance.now();
      await checkGeneratedResult(result.outputs[0].bytes, "image/png", { kind: "image", maxBytes: 50 * 1024 * 1024, minWidth: 256, minHeight: 256 });
      if (i >= warmup) {
        baseline.push(afterPut - start);
        checked.push(performance.now() - start);
      }
    }

    // (a2) one-candidate orders through sendToProduction → flow → in-process worker, with the demo provider, one at a time.
    await changeRecipes((spec) => ({ ...spec, candidatesPerView: 1 }));
    const workers = startWorkers({ error: (message: string) => console.error(message), info: () => undefined });
    const queued: number[] = [];
    const queueProducts = catalog.slice(directProducts.length);
    for (const [index, product] of queueProducts.entries()) {
      const start = performance.now();
      const order = await sendToProduction(prisma, SHOP, [product.id], { actor: "bench", source: "manual", demo: true });
      await waitForOrders(order.created.map((c) => c.orderId), 2);
      if (index >= 3) queued.push(performance.now() - start);
    }
    const failedQueued = await prisma.asset.count({ where: { shopId: SHOP, status: { not: "stored" } } });
    await stopWorkers(workers);

    // The demo provider's own render time for the same requests (fetch the flat-lay, compose, encode), to subtract.
    const demo = await providerForShop(prisma, SHOP, "demo");
    const renders: number[] = [];
    const rendered = await prisma.asset.findMany({ where: { shopId: SHOP, provider: "demo", kind: "image", status: "stored" }, orderBy: { finishedAt: "desc" }, take: 20, include: { request: { include: { order: { select: { id: true, status: true, shopId: true, productId: true } } } } } });
    for (const asset of rendered) {
      const { request } = await buildRequestFromDatabase(prisma, asset);
      const start = performance.now();
      const job = await demo.submit(request);
      for (;;) {
        const result = await demo.poll(job);
        if (result.state === "succeeded") break;
        if (result.state === "failed") throw result.error;
        await sleep(1);
      }
      renders.push(performance.now() - start);
    }
    await closeQueues();
    console.log(
      JSON.stringify({
        mode,
        direct: stats(direct),
        baseline: stats(baseline),
        baselineWithCheck: stats(checked),
        queued: stats(queued),
        demoRender: stats(renders.slice(3)),
        failedQueued,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
      }),
    );
  } else {
    const { closeQueues } = await import("../jobs/queues");
    const { PROVIDER_LIMITS } = await import("../jobs/provider-limits");
    await planTier3(["on-model-front", "on-model-back", "packshot"]);
    await changeRecipes((spec) => ({ ...spec, candidatesPerView: 3, video: null }));
    const ids = catalog.map((p) => p.id);

    const start = performance.now();
    const sent = await sendToProduction(prisma, SHOP, ids, { actor: "bench", source: "bulk", demo: true });
    const sendSeconds = (performance.now() - start) / 1000;
    const orderIds = sent.created.map((c) => c.orderId);
    const candidates = await prisma.asset.count({ where: { orderId: { in: orderIds } } });

    // The real worker, as `npm run worker` runs it; node --import tsx so the pid is the worker itself (its VmHWM is its peak RSS).
    worker = spawn(process.execPath, ["--import", "tsx", "jobs/worker.ts"], { env: process.env, stdio: ["ignore", "ignore", "inherit"] });
    const workerPid = worker.pid!;
    const workerPeakMb = () => {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${workerPid}/status`, "utf8"));
      return hwm ? Number(hwm[1]) / 1024 : 0;
    };
    let lastReport = performance.now();
    let workerPeak = 0;
    await waitForOrders(orderIds, 1000, async () => {
      workerPeak = Math.max(workerPeak, workerPeakMb());
      if (performance.now() - lastReport > 30_000) {
        lastReport = performance.now();
        const stored = await prisma.asset.count({ where: { orderId: { in: orderIds }, status: "stored" } });
        console.error(`  … ${((performance.now() - start) / 1000).toFixed(0)} s: ${stored}/${candidates} candidates stored, worker peak RSS ${workerPeak.toFixed(0)} MB`);
      }
    });
    const seconds = (performance.now() - start) / 1000;
    workerPeak = Math.max(workerPeak, workerPeakMb());
    worker.kill("SIGTERM");
    await new Promise((resolve) => worker!.once("exit", resolve));
    worker = undefined;

    const byStatus = await prisma.asset.groupBy({ by: ["status"], where: { orderId: { in: orderIds } }, _count: true });
    const orders = await prisma.productionOrder.groupBy({ by: ["status"], where: { id: { in: orderIds } }, _count: true });
    const stored = byStatus.find((s) => s.status === "stored")?._count ?? 0;
    const bytes = (await prisma.asset.aggregate({ where: { orderId: { in: orderIds }, status: "stored" }, _sum: { bytes: true } }))._sum.bytes ?? 0;
    const errors = await prisma.asset.groupBy({ by: ["errorCode"], where: { orderId: { in: orderIds }, status: { not: "stored" } }, _count: true });
    await closeQueues();
    console.log(
      JSON.stringify({
        mode,
        products: sent.created.length,
        skipped: sent.skipped.length,
        candidates,
        stored,
        failed: candidates - stored,
        errors: Object.fromEntries(errors.map((e) => [e.errorCode ?? "none", e._count])),
        orders: Object.fromEntries(orders.map((o) => [o.status, o._count])),
        storedMb: bytes / 1024 / 1024,
        seconds,
        sendSeconds,
        workerPeakRssMb: workerPeak,
        benchPeakRssMb: process.resourceUsage().maxRSS / 1024,
        demoConcurrency: PROVIDER_LIMITS.demo.concurrency,
        pollMs: Number(process.env.PRODUCTION_POLL_MS ?? 2000),
      }),
    );
  }
  await prisma.$disconnect();
} finally {
  worker?.kill("SIGKILL");
  emulator.stop();
  await removeDatabase();
}
process.exit(0);
