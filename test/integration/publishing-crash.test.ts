import { mkdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { requestCatalogSync, runCatalogSync } from "../../app/catalog/catalog-sync.server";
import { queuePublications } from "../../app/publishing/publish-requests.server";
import { unauthenticated } from "../../app/shopify.server";
import { assetStore } from "../../app/storage/asset-store.server";
import type { Emulator } from "../../emulator/server";
import { closeQueues, getQueue, publishProductQueue } from "../../jobs/queues";
import { startTestStore, TEST_SHOP } from "../support/emulator";
import { CRASH_TEST_QUEUE_ENV, runningWorkers, startWorkerProcess, stopWorkerProcess, waitUntil, type WorkerProcess } from "../support/worker-process";
import { seedApprovedAssets, type ApprovedAssetSpec } from "../support/publish-fixtures";
import { testLoopbackPorts } from "../support/test-env";

/**
 * Issue #7's first reliability figure: the worker is killed (SIGKILL, no
 * shutdown handler runs) while it publishes, restarted, and every product in
 * the store emulator ends with exactly the media it should have: the original
 * ones plus one per publication, none twice, none unrecorded.
 *
 * The worker is the real `jobs/worker.ts` in a child process on this file's
 * database and Redis prefix, in demo mode so its Admin API requests for the
 * test shop go to a small proxy in this process, which forwards them to the
 * emulator over HTTP. The proxy holds one request per product at the chosen
 * step (the kill point), so each round kills the worker with every one of its
 * products at a known state instead of hoping a timer lands in a window:
 *
 *   uploaded    the staged upload is done; the worker is reading the product's media before attaching
 *   attaching   productUpdate(media:) was sent: for two products Shopify applied it and the answer is
 *               lost (the media is on the product, its id recorded nowhere); for one it never arrived
 *   processing  the media is attached and its id stored; Shopify is still processing it (400 ms)
 *   placing     every media is READY; the reorder job was accepted and its answer lost
 *
 * Recovery time is dominated by the per-product publish lock (30 s TTL in
 * publishProduct, renewed every 10 s): a killed holder's lock must lapse
 * before the restarted worker may touch that product again. No assertion is
 * on time; the figures go to test-results/publishing-crash.json.
 */

const ACTOR = "user:publisher";
/** Slow enough that "processing" is a real state in Shopify, not only in Shotlane's rows. */
const MEDIA_PROCESSING_MS = 400;
const RESULTS_FILE = "test-results/publishing-crash.json";
/** Every worker process's output, round by round, for when a round fails. */
const WORKER_LOG = "test-results/publishing-crash-workers.log";

/** `jobs/worker.ts` in demo mode against `emulatorUrl` (through this test's proxy). */
const startPublishingWorker = (emulatorUrl: string) => startWorkerProcess({ SHOTLANE_DEMO: "1", SHOTLANE_DEMO_SHOP: TEST_SHOP, SHOTLANE_EMULATOR_URL: emulatorUrl });

// ── The holding proxy between the worker and the emulator ──

type HoldMode = "before" | "after";

interface HeldRequest {
  operation: string;
  mode: HoldMode;
  res: http.ServerResponse;
}

/** Which product an Admin GraphQL request of the publishing service is about (null: not one the rounds hold). */
function productOfRequest(emulator: Emulator, operation: string, variables: Record<string, unknown>): string | null {
  if (operation === "PublishingProductMediaIds" || operation === "PublishingReorderMedia") return typeof variables.id === "string" ? variables.id : null;
  if (operation === "PublishingMetafieldsSet") return (variables.metafields as { ownerId?: string }[] | undefined)?.[0]?.ownerId ?? null;
  if (operation === "PublishingAttachMedia") return (variables.product as { id?: string } | undefined)?.id ?? null;
  if (operation === "PublishingMediaStatus") {
    const mediaGid = (variables.ids as string[] | undefined)?.[0];
    const media = mediaGid ? emulator.store.media.get(Number(mediaGid.split("/").pop())) : undefined;
    const productId = media ? [...media.productIds][0] : undefined;
    return productId === undefined ? null : `gid://shopify/Product/${productId}`;
  }
  return null;
}

/**
 * Forwards every request to the emulator unchanged. While armed, the first
 * request of `operation` for each listed product is held: "before" keeps it
 * from the emulator, "after" lets the emulator apply it and keeps its answer.
 * A held request is never answered; the worker dies waiting for it.
 */
async function startHoldingProxy(emulator: Emulator, port: number) {
  let armed: { operation: string; modes: Map<string, HoldMode> } | null = null;
  const held = new Map<string, HeldRequest>();
  /** Every Admin GraphQL operation the worker sent, with its product and what became of it, for the worker log. */
  const trace: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        let hold: { productId: string; mode: HoldMode; operation: string } | null = null;
        let operation: string | undefined;
        let variables: Record<string, unknown> = {};
        try {
          const parsed = JSON.parse(body.toString("utf8")) as { query?: string; variables?: Record<string, unknown> };
          operation = /\b(?:query|mutation)\s+([A-Za-z0-9_]+)/.exec(parsed.query ?? "")?.[1];
          variables = parsed.variables ?? {};
        } catch {
          // Not JSON: forwarded as it is.
        }
        if (armed && operation === armed.operation) {
          const productId = productOfRequest(emulator, operation, variables);
          const mode = productId ? armed.modes.get(productId) : undefined;
          if (productId && mode && !held.has(productId)) hold = { productId, mode, operation };
        }
        const line = `${new Date().toISOString()} ${operation ?? req.url} ${JSON.stringify(variables).slice(0, 160)}`;
        if (hold?.mode === "before") {
          trace.push(`${line} → held before the emulator`);
          return void held.set(hold.productId, { operation: hold.operation, mode: "before", res });
        }
        const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !["host", "connection", "content-length", "transfer-encoding"].includes(name)) as [string, string][]);
        const answer = await fetch(`${emulator.url}${req.url}`, { method: req.method, headers, body: req.method === "GET" || req.method === "HEAD" ? undefined : body });
        const payload = Buffer.from(await answer.arrayBuffer());
        trace.push(`${line} → ${answer.status} ${payload.toString("utf8").slice(0, 200)}${hold ? " (answer held)" : ""}`);
        if (hold) return void held.set(hold.productId, { operation: hold.operation, mode: "after", res });
        const forward: Record<string, string> = {};
        answer.headers.forEach((value, name) => {
          if (!["content-length", "content-encoding", "transfer-encoding", "connection"].includes(name)) forward[name] = value;
        });
        res.writeHead(answer.status, { ...forward, "content-length": String(payload.length) });
        res.end(payload);
      })().catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
        res.end(`proxy: ${(error as Error).message}`);
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arm(operation: string, modes: Map<string, HoldMode>) {
      armed = { operation, modes };
      held.clear();
    },
    held,
    trace,
    /** Stops holding and drops what was held (its client is dead by then). */
    disarm() {
      armed = null;
      for (const request of held.values()) request.res.destroy();
      held.clear();
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}


interface StoreMedia {
  id: number;
  gid: string;
  kind: string;
  status: string;
  alt: string | null;
}
interface StoreProduct {
  id: string;
  media: StoreMedia[];
  variants: { id: string; title: string; mediaIds: string[] }[];
  metafields: { namespace: string; key: string; value: string }[];
}

// ── Rounds ──

interface Round {
  killAt: "uploaded" | "attaching" | "processing" | "placing";
  operation: string;
  /** The hold of each of the round's three products. */
  modes: [HoldMode, HoldMode, HoldMode];
  detail: string;
}

const ROUNDS: Round[] = [
  { killAt: "uploaded", operation: "PublishingProductMediaIds", modes: ["after", "after", "after"], detail: "staged upload done, not attached" },
  { killAt: "attaching", operation: "PublishingAttachMedia", modes: ["after", "before", "after"], detail: "productUpdate applied, answer lost (2); request lost (1)" },
  { killAt: "processing", operation: "PublishingMediaStatus", modes: ["after", "after", "after"], detail: "media id stored, Shopify still processing" },
  { killAt: "placing", operation: "PublishingReorderMedia", modes: ["after", "after", "after"], detail: "all READY, reorder accepted, answer lost" },
  { killAt: "placing", operation: "PublishingMetafieldsSet", modes: ["before", "before", "before"], detail: "placed, AI-disclosure metafield not written yet" },
];

interface RoundResult {
  round: number;
  killedAt: string;
  detail: string;
  statesAtKill: Record<string, number>;
  unrecordedMediaAtKill: number;
  products: number;
  publications: number;
  mediaExpected: number;
  mediaActual: number;
  mediaCreatedInStore: number;
  attachesRecovered: number;
  lockTimeoutsAfterRestart: number;
  recoverMs: number;
}

describe("publishing: a worker killed (SIGKILL) at each step and restarted leaves exactly the right media on every product", () => {
  let emulator: Emulator;
  let proxy: Awaited<ReturnType<typeof startHoldingProxy>>;
  let candidates: { id: string; legacyId: string; colour: string }[];
  const results: RoundResult[] = [];
  const workerLog: { label: string; worker: WorkerProcess }[] = [];

  const storeProduct = async (legacyId: string): Promise<StoreProduct> => {
    const response = await fetch(`${emulator.url}/emulator/shops/${TEST_SHOP}/products/${legacyId}`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { product: StoreProduct }).product;
  };

  beforeAll(async () => {
    const [storePort, proxyPort] = testLoopbackPorts();
    emulator = await startTestStore({ port: storePort, productCount: 40, mediaProcessingMs: MEDIA_PROCESSING_MS });
    proxy = await startHoldingProxy(emulator, proxyPort);
    const { admin } = await unauthenticated.admin(TEST_SHOP);
    const run = await requestCatalogSync(prisma, async () => undefined, { shopId: TEST_SHOP, requestedBy: ACTOR, kind: "paginated" });
    expect((await runCatalogSync({ db: prisma, admin, syncRunId: run.id, bulkPollMs: 50 })).status).toBe("succeeded");
    // "first" makes every batch reorder the product (new media before the merchant's), so "placing" has a reorder to lose.
    await prisma.publishingSettings.upsert({ where: { shopId: TEST_SHOP }, create: { shopId: TEST_SHOP, placement: "first" }, update: { placement: "first" } });
    const rows = await prisma.product.findMany({ where: { shopId: TEST_SHOP, imageCount: 1 }, include: { variants: true }, orderBy: { id: "asc" } });
    candidates = rows.flatMap((p) => {
      const colours = [...new Set(p.variants.map((v) => (v.options as Record<string, string>).Color).filter(Boolean))];
      return colours.length >= 2 ? [{ id: p.id, legacyId: p.id.split("/").pop()!, colour: colours[0]! }] : [];
    });
    expect(candidates.length).toBeGreaterThanOrEqual(ROUNDS.length * 3);
  });

  afterAll(async () => {
    for (const worker of [...runningWorkers]) await stopWorkerProcess(worker, "SIGKILL");
    mkdirSync(path.dirname(WORKER_LOG), { recursive: true });
    writeFileSync(WORKER_LOG, [...workerLog.map(({ label, worker }) => `── ${label} ──\n${worker.output.join("\n")}\n`), `── Admin API requests through the proxy ──\n${proxy?.trace.join("\n") ?? ""}\n`].join("\n"));
    await closeQueues();
    await proxy?.close();
    await emulator?.close();
  });

  it("kills the worker once per step (uploaded, attaching, processing, placing); after each restart every product has its original media plus one per publication", async () => {
    let worker = await startPublishingWorker(proxy.url);
    const workers = [worker];
    workerLog.push({ label: "worker 1 (killed in round 1)", worker });

    for (const [index, round] of ROUNDS.entries()) {
      const products = candidates.slice(index * 3, index * 3 + 3);
      const original = new Map<string, StoreProduct>();
      for (const product of products) original.set(product.id, await storeProduct(product.legacyId));
      const lastMediaId = Math.max(0, ...emulator.store.media.keys());

      // Three images per product (two of its first colourway), and a clip on the middle one.
      const assetIds: string[] = [];
      for (const [i, product] of products.entries()) {
        const specs: ApprovedAssetSpec[] = [{ asset: "on-model-front", colour: product.colour }, { asset: "on-model-back", colour: product.colour }, { asset: "packshot" }];
        if (i === 1) specs.push({ asset: "video" });
        assetIds.push(...(await seedApprovedAssets(prisma, assetStore(), TEST_SHOP, product.id, specs)));
      }
      proxy.arm(round.operation, new Map(products.map((p, i) => [p.id, round.modes[i]!])));
      const queued = await queuePublications(prisma, TEST_SHOP, assetIds, ACTOR);
      expect(queued.skipped).toEqual([]);
      expect(queued.queued).toBe(assetIds.length);

      // Every product of the round stops at its held request: the worker is killed with all three there.
      await waitUntil(
        () => products.every((p) => proxy.held.has(p.id)),
        60_000,
        () => `every product to reach ${round.operation} (held: ${[...proxy.held.keys()].join(", ") || "none"}); worker output:\n${worker.output.slice(-20).join("\n")}`,
      );
      const atKill = await prisma.publication.findMany({ where: { assetId: { in: assetIds } }, select: { productId: true, status: true, mediaId: true } });
      await stopWorkerProcess(worker, "SIGKILL");
      const killedAt = Date.now();
      proxy.disarm();

      // The premise: each product had a publication at the step the round names when the worker died.
      for (const product of products) expect(atKill.filter((p) => p.productId === product.id).map((p) => p.status), `${round.killAt}: ${product.id}`).toContain(round.killAt);
      const statesAtKill: Record<string, number> = {};
      for (const status of ["queued", "uploaded", "attaching", "processing", "placing", "ready", "failed"]) {
        const n = atKill.filter((p) => p.status === status).length;
        if (n > 0) statesAtKill[status] = n;
      }
      expect(Object.values(statesAtKill).reduce((a, b) => a + b, 0)).toBe(atKill.length);
      // Media on the store that no row records yet: exactly the attaches whose answer was lost.
      let unrecordedMediaAtKill = 0;
      for (const product of products) {
        const recorded = new Set(atKill.filter((p) => p.productId === product.id && p.mediaId).map((p) => p.mediaId));
        const before = new Set(original.get(product.id)!.media.map((m) => m.gid));
        unrecordedMediaAtKill += (await storeProduct(product.legacyId)).media.filter((m) => !before.has(m.gid) && !recorded.has(m.gid)).length;
      }
      if (round.killAt === "attaching") expect(unrecordedMediaAtKill).toBe(round.modes.filter((m) => m === "after").length);
      else expect(unrecordedMediaAtKill).toBe(0);

      worker = await startPublishingWorker(proxy.url);
      workers.push(worker);
      workerLog.push({ label: `worker ${workers.length} (restarted after round ${index + 1}${index + 1 < ROUNDS.length ? `, killed in round ${index + 2}` : ""})`, worker });
      // Done means the publications settled and their jobs finished: the AI-disclosure metafield is written after the rows say "ready".
      const roundProducts = new Set(products.map((p) => p.id));
      await waitUntil(
        async () =>
          (await prisma.publication.count({ where: { assetId: { in: assetIds }, status: { notIn: ["ready", "failed"] } } })) === 0 &&
          (await getQueue(publishProductQueue).getJobs(["active", "wait", "delayed", "prioritized", "paused", "waiting-children"])).every((job) => !roundProducts.has((job.data as { productId: string }).productId)),
        120_000,
        () => `the round's publications and jobs to finish; worker output:\n${worker.output.slice(-20).join("\n")}`,
      );
      const recoverMs = Date.now() - killedAt;

      // ── What must hold, product by product ──
      const publications = await prisma.publication.findMany({ where: { assetId: { in: assetIds } }, orderBy: { createdAt: "asc" } });
      expect(publications.filter((p) => p.status !== "ready").map((p) => [p.status, p.errorCode, p.error])).toEqual([]);
      let mediaExpected = 0;
      let mediaActual = 0;
      for (const product of products) {
        const before = original.get(product.id)!;
        const mine = publications.filter((p) => p.productId === product.id);
        const after = await storeProduct(product.legacyId);
        const ids = after.media.map((m) => m.gid);
        mediaExpected += before.media.length + mine.length;
        mediaActual += ids.length;
        expect(ids, product.id).toHaveLength(before.media.length + mine.length);
        expect(new Set(ids).size, `${product.id}: a media id twice`).toBe(ids.length);
        for (const publication of mine) expect(ids, `${product.id}: publication ${publication.id}'s media`).toContain(publication.mediaId);
        const known = new Set([...before.media.map((m) => m.gid), ...mine.map((p) => p.mediaId)]);
        expect(ids.filter((id) => !known.has(id)), `${product.id}: media on the product that no publication records`).toEqual([]);
        expect(after.media.every((m) => m.status === "READY")).toBe(true);
        // Placement "first": the new media in the plan's view order, then the merchant's.
        const viewOrder = ["on-model-front", "on-model-back", "packshot", "video"];
        const placed = [...mine].sort((a, b) => viewOrder.indexOf(a.view ?? "") - viewOrder.indexOf(b.view ?? ""));
        expect(ids, `${round.killAt}: ${product.id}'s media order`).toEqual([...placed.map((p) => p.mediaId), ...before.media.map((m) => m.gid)]);
        for (const publication of mine) expect(after.media.find((m) => m.gid === publication.mediaId)?.alt).toBe(publication.alt);
        // The colourway's variants show its front image; the AI-disclosure metafield lists every new media.
        const front = mine.find((p) => p.view === "on-model-front")!;
        const colourVariants = after.variants.filter((v) => v.title.startsWith(`${product.colour} /`));
        expect(colourVariants.length).toBeGreaterThan(0);
        for (const variant of colourVariants) expect(variant.mediaIds, `${round.killAt}: ${variant.id}'s media`).toEqual([front.mediaId]);
        const disclosure = after.metafields.find((f) => f.namespace === "shotlane" && f.key === "ai_generated_media");
        expect(JSON.parse(disclosure?.value ?? "[]").sort(), `${round.killAt}: ${product.id}'s AI-disclosure metafield`).toEqual(mine.map((p) => p.mediaId).sort());
        // One snapshot per product: the resumed batch kept the one taken before the crash.
        expect(await prisma.mediaSnapshot.count({ where: { productId: product.id } })).toBe(1);
      }
      // Shopify made exactly one media per publication: no attach was repeated, not even one cleaned up afterwards.
      const created = [...emulator.store.media.values()].filter((m) => m.id > lastMediaId);
      expect(created).toHaveLength(publications.length);
      const attachesRecovered = await prisma.auditEvent.count({ where: { action: "publishing.attach-recovered", subjectId: { in: publications.map((p) => p.id) } } });
      expect(attachesRecovered).toBe(unrecordedMediaAtKill);

      results.push({
        round: index + 1,
        killedAt: round.killAt,
        detail: round.detail,
        statesAtKill,
        unrecordedMediaAtKill,
        products: products.length,
        publications: publications.length,
        mediaExpected,
        mediaActual,
        mediaCreatedInStore: created.length,
        attachesRecovered,
        lockTimeoutsAfterRestart: worker.output.filter((line) => line.includes("Timed out waiting for the publish lock")).length,
        recoverMs,
      });
    }
    await stopWorkerProcess(worker, "SIGTERM");
    expect(workers.flatMap((w) => w.output).filter((line) => line.startsWith("Shotlane worker started"))).toHaveLength(ROUNDS.length + 1);

    mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
    writeFileSync(RESULTS_FILE, `${JSON.stringify({ mediaProcessingMs: MEDIA_PROCESSING_MS, queueLockMs: Number(CRASH_TEST_QUEUE_ENV.QUEUE_LOCK_MS), rounds: results }, null, 2)}\n`);
    const row = (cells: (string | number)[]) => cells.map((c, i) => String(c).padEnd([6, 11, 44, 6, 10, 10, 10, 11].at(i) ?? 8)).join(" ");
    console.log(
      [
        "\npublishing crash rounds (SIGKILL, restart):",
        row(["round", "killed at", "states at kill", "pubs", "expected", "actual", "recovered", "recover s"]),
        ...results.map((r) =>
          row([r.round, r.killedAt, Object.entries(r.statesAtKill).map(([s, n]) => `${s} ${n}`).join(", "), r.publications, r.mediaExpected, r.mediaActual, r.attachesRecovered, (r.recoverMs / 1000).toFixed(1)]),
        ),
        `→ ${RESULTS_FILE}`,
      ].join("\n"),
    );
  }, 170_000);
});
