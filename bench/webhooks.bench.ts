import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { loadavg } from "node:os";
import { Queue } from "bullmq";
import { createPrismaClient } from "../app/db.server";
import { ADMIN_API_VERSION } from "../app/shopify/api-version";
import { mediaUrl } from "../emulator/media";
import { productWebhookPayload, signWebhook } from "../emulator/webhooks";
import { workerConnection } from "../jobs/connection";
import { catalogProductQueue, GENERATE_QUEUES } from "../jobs/queues";
import { DEMO_API_SECRET, DEMO_SHOP, startDemoStack } from "../scripts/lib/demo-stack";

/**
 * How long the real web server takes to acknowledge a signed products/create
 * delivery (HMAC check, the delivery ledger's claim by webhook id, the
 * catalog-product job enqueued, the outcome written), against the same
 * server refusing an unsigned POST to the same route (401: Remix routing and
 * the HMAC check only) and serving a static file (Express alone). The three
 * kinds of request alternate, so they share whatever else the machine is
 * doing; the worker processes the enqueued jobs meanwhile, as in production.
 * Run one request at a time (latency) and eight at a time.
 *
 * Then issue #7's burst, 200 products created in the emulator at one every
 * 50 ms, each products/create signed and delivered by the emulator: once with
 * the worker's catalog-product queue paused (what acknowledging alone costs),
 * once with the worker mirroring, routing and opening orders meanwhile (the
 * same 2 cores). The ratio between the two is what the worker's load adds.
 */

const SEQUENTIAL = Number(process.env.BENCH_WEBHOOK_ROUNDS ?? 150);
const CONCURRENT = Number(process.env.BENCH_WEBHOOK_CONCURRENT ?? 240);
const IN_FLIGHT = 8;
const BURST = 200;
const BURST_MS = 10_000;

interface Sample {
  kind: "signed" | "unsigned" | "static";
  ms: number;
  status: number;
}

function percentiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
  return { n: sorted.length, p50: at(50), p99: at(99), max: sorted[sorted.length - 1] ?? NaN };
}

export async function benchWebhooks(): Promise<void> {
  const id = `${process.pid}-${randomUUID().slice(0, 6)}`;
  const assetDir = `.data/bench-webhooks-${id}`;
  const stack = await startDemoStack({ appPort: 0, database: `shotlane_bench_webhooks_${id.replace(/-/g, "_")}`, dropDatabaseOnStop: true, queuePrefix: `bench-webhooks-${id}`, stdio: "ignore", log: () => undefined, assetDir, productCount: 50 });
  const db = createPrismaClient(stack.databaseUrl);
  // As in test/integration/webhook-burst.test.ts: orders are opened, their generation waits in paused provider queues.
  const paused = GENERATE_QUEUES.map((q) => new Queue(q.name, { connection: workerConnection(stack.redisUrl), prefix: stack.env.QUEUE_PREFIX }));
  try {
    const items = [{ asset: "on-model-front", source: "ai" }];
    await db.productionPlan.upsert({ where: { shopId_tier: { shopId: DEMO_SHOP, tier: 3 } }, create: { shopId: DEMO_SHOP, tier: 3, items }, update: { items } });
    await Promise.all(paused.map((q) => q.pause()));

    const shop = stack.emulator.store.requireShop(DEMO_SHOP);
    const bodies = [...shop.products.values()].map((product) => JSON.stringify(productWebhookPayload(product, stack.emulator.store.productMedia(product), (m) => mediaUrl(stack.emulatorUrl, DEMO_SHOP, m))));
    const route = `${stack.appUrl}/webhooks/products/create`;
    let sent = 0;
    const headers = (body: string, signed: boolean) => ({
      "Content-Type": "application/json",
      "X-Shopify-Topic": "products/create",
      "X-Shopify-Hmac-Sha256": signed ? signWebhook(body, DEMO_API_SECRET) : "bm90IGEgc2lnbmF0dXJl",
      "X-Shopify-Shop-Domain": DEMO_SHOP,
      "X-Shopify-API-Version": ADMIN_API_VERSION,
      "X-Shopify-Webhook-Id": randomUUID(),
      "X-Shopify-Event-Id": randomUUID(),
      "X-Shopify-Triggered-At": new Date().toISOString(),
    });
    const once = async (kind: Sample["kind"]): Promise<Sample> => {
      const body = bodies[sent++ % bodies.length]!;
      const started = performance.now();
      const response =
        kind === "static"
          ? await fetch(`${stack.appUrl}/favicon.svg`)
          : await fetch(route, { method: "POST", headers: headers(body, kind === "signed"), body });
      await response.arrayBuffer();
      return { kind, ms: performance.now() - started, status: response.status };
    };
    const kinds: Sample["kind"][] = ["signed", "unsigned", "static"];

    // Warm-up: the route's modules, the Prisma and Redis connections.
    for (let i = 0; i < 10; i++) for (const kind of kinds) await once(kind);

    const sequential: Sample[] = [];
    for (let i = 0; i < SEQUENTIAL; i++) for (const kind of kinds) sequential.push(await once(kind));

    const concurrent: Sample[] = [];
    const queue = Array.from({ length: CONCURRENT }, (_, i) => kinds[i % kinds.length]!);
    const loadBefore = loadavg()[0]!;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        for (let kind = queue.shift(); kind; kind = queue.shift()) concurrent.push(await once(kind));
      }),
    );

    const wrongStatus = [...sequential, ...concurrent].filter((s) => s.status !== (s.kind === "unsigned" ? 401 : 200));
    const signedSent = [...sequential, ...concurrent].filter((s) => s.kind === "signed").length + 10;
    // Each signed delivery had its own webhook id: the ledger holds one row per delivery.
    const ledgerRows = await db.webhookDelivery.count({ where: { shopId: DEMO_SHOP } });

    console.log(`\nWebhook acknowledgement on the real web server (production build served by server.ts, worker running, PostgreSQL, Redis; load average ${loadBefore.toFixed(1)} on this machine)`);
    for (const [title, samples] of [
      ["one at a time", sequential],
      [`${IN_FLIGHT} in flight`, concurrent],
    ] as const) {
      const of = (kind: Sample["kind"]) => percentiles(samples.filter((s) => s.kind === kind).map((s) => s.ms));
      const signed = of("signed");
      const unsigned = of("unsigned");
      const plain = of("static");
      const line = (name: string, p: ReturnType<typeof percentiles>) => `  ${name.padEnd(52)} p50 ${p.p50.toFixed(1).padStart(7)} ms   p99 ${p.p99.toFixed(1).padStart(7)} ms   max ${p.max.toFixed(1).padStart(7)} ms   (${p.n})`;
      console.log(`\n${title}`);
      console.log(line("signed products/create (claim, enqueue, 200)", signed));
      console.log(line("baseline: unsigned POST, same route (401)", unsigned));
      console.log(line("floor: static file (Express only)", plain));
      console.log(`  ratio signed/unsigned: p50 ${(signed.p50 / unsigned.p50).toFixed(1)}×   p99 ${(signed.p99 / unsigned.p99).toFixed(1)}×`);
    }
    console.log(`\n  unexpected statuses: ${wrongStatus.length}; signed deliveries sent ${signedSent}, ledger rows ${ledgerRows}`);

    // ── The burst, with the worker idle and then busy ──
    const catalogQueue = new Queue(catalogProductQueue.name, { connection: workerConnection(stack.redisUrl), prefix: stack.env.QUEUE_PREFIX });
    const drained = async () => {
      for (;;) {
        const counts = await catalogQueue.getJobCounts("wait", "active", "paused", "prioritized", "delayed");
        if (Object.values(counts).every((n) => n === 0)) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    const burst = async (label: string) => {
      const from = stack.emulator.admin.webhookDeliveries(DEMO_SHOP).length;
      const start = Date.now();
      for (let i = 0; i < BURST; i++) {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + (i * BURST_MS) / BURST - Date.now())));
        stack.emulator.admin.createProduct(DEMO_SHOP, { title: `Bench ${label} ${i}`, productType: "Dresses", colors: ["Navy", "Sand"], sizes: ["S", "M"] });
      }
      await stack.emulator.webhooks.idle();
      const deliveries = stack.emulator.admin.webhookDeliveries(DEMO_SHOP).slice(from).filter((d) => d.topic === "products/create");
      return { ...percentiles(deliveries.map((d) => d.attempts[0]!.ms)), non2xx: deliveries.filter((d) => d.state !== "delivered").length, over1s: deliveries.filter((d) => d.attempts[0]!.ms >= 1000).length };
    };
    try {
      await drained();
      await catalogQueue.pause();
      const idle = await burst("idle");
      await catalogQueue.resume();
      await drained();
      const busy = await burst("busy");
      const line = (name: string, p: Awaited<ReturnType<typeof burst>>) =>
        `  ${name.padEnd(52)} p50 ${p.p50.toFixed(0).padStart(5)} ms   p99 ${p.p99.toFixed(0).padStart(5)} ms   max ${p.max.toFixed(0).padStart(5)} ms   ≥ 1 s: ${p.over1s}   not acknowledged: ${p.non2xx}`;
      console.log(`\n${BURST} products/create in ${BURST_MS / 1000} s, delivered by the emulator (first attempt)`);
      console.log(line("worker processing meanwhile", busy));
      console.log(line("baseline: worker's catalog-product queue paused", idle));
      console.log(`  ratio busy/idle: p50 ${(busy.p50 / idle.p50).toFixed(1)}×   p99 ${(busy.p99 / idle.p99).toFixed(1)}×`);
    } finally {
      await catalogQueue.close();
    }
  } finally {
    await Promise.all(paused.map((q) => q.close()));
    await db.$disconnect();
    await stack.stop();
    rmSync(assetDir, { recursive: true, force: true });
  }
}
