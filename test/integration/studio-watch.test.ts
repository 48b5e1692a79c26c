import { appendFile, mkdir, mkdtemp, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

// The repeatable poll runs every 300 ms in the worker case below (read when the environment is first parsed).
process.env.STUDIO_WATCH_MS = "300";

const { default: prisma } = await import("../../app/db.server");
const { assetStore } = await import("../../app/storage/asset-store.server");
const { pollStudioWatch, STUDIO_WATCH_ACTOR } = await import("../../app/studio/studio-watch.server");
const { closeQueues } = await import("../../jobs/queues");
const { scheduleRecurringJobs, startWorkers, stopWorkers } = await import("../../jobs/workers");
const { startS3Double } = await import("../doubles/s3-double");
const { startTestStore, TEST_SHOP } = await import("../support/emulator");
const { emptyQueues } = await import("../support/shop-rows");
const { catalogProducts, studioShot, syncTestCatalog } = await import("../support/studio-fixtures");
const { testLoopbackPorts } = await import("../support/test-env");
const { watchKeyOf } = await import("../../app/studio/studio-watch");

type Deps = Parameters<typeof pollStudioWatch>[0];

/**
 * The watched studio location: a real folder on disk and an S3-compatible
 * double over HTTP (signed ListObjectsV2 and GetObject), PostgreSQL, the
 * asset store and the intake, polled directly; the last case lets the
 * worker's repeatable job do it.
 */
describe("watched studio location: new files imported once, half-written ones left for later", () => {
  let emulator: Awaited<ReturnType<typeof startTestStore>>;
  let s3: Awaited<ReturnType<typeof startS3Double>>;
  let inbox: string;
  const inboxes: string[] = [];
  let skus: string[];
  const started: string[] = [];
  const deps = (extra: Partial<Deps> = {}): Deps => ({ db: prisma, store: assetStore(), demo: true, startOrder: async (id) => void started.push(id), settleMs: 1000, s3: { endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }, ...extra });
  const uploads = () => prisma.studioUpload.findMany({ where: { shopId: TEST_SHOP }, orderBy: { createdAt: "asc" } });
  /** Writes a file whose last change is a minute old (a finished copy). */
  async function dropFile(name: string, bytes: Buffer, ageMs = 60_000) {
    const file = path.join(inbox, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, bytes);
    const then = new Date(Date.now() - ageMs);
    await utimes(file, then, then);
    return file;
  }
  const watch = (watchPrefix: string) => prisma.studioSettings.upsert({ where: { shopId: TEST_SHOP }, create: { shopId: TEST_SHOP, watchPrefix }, update: { watchPrefix } });

  beforeAll(async () => {
    const [storePort, s3Port] = testLoopbackPorts();
    emulator = await startTestStore({ port: storePort, productCount: 8 });
    s3 = await startS3Double({ port: s3Port, bucket: "studio-drop" });
    await syncTestCatalog(prisma);
    skus = (await catalogProducts(prisma)).map((p) => p.variants[0]!.sku);
    expect(skus.length).toBeGreaterThanOrEqual(6);
  });

  beforeEach(async () => {
    inbox = await mkdtemp(path.join(tmpdir(), "studio-inbox-"));
    inboxes.push(inbox);
    await watch(inbox);
  });

  afterAll(async () => {
    for (const dir of inboxes) await rm(dir, { recursive: true, force: true });
    await closeQueues();
    await s3?.close();
    await emulator?.close();
  });

  it("imports a finished file once (the second listing confirms it), ignores temporary names, records what does not match, and imports nothing twice", async () => {
    await dropFile(`${skus[0]}_front.jpg`, await studioShot(1, 480, 640));
    await dropFile(`sub/${skus[1]}_back.jpg`, await studioShot(2, 480, 640));
    await dropFile("notes.txt", Buffer.from("call list"));
    await dropFile(".DS_Store", Buffer.from("x"));
    await dropFile(`${skus[2]}_front.jpg.part`, Buffer.from("partial"));

    const first = await pollStudioWatch(deps());
    expect(first).toMatchObject({ shops: 1, listed: 3, imported: 0, waiting: 3, problems: [] });
    const second = await pollStudioWatch(deps());
    expect(second).toMatchObject({ listed: 3, imported: 3, waiting: 0 });
    const rows = await uploads();
    expect(rows.map((r) => [r.sourceKey, r.status]).sort()).toEqual([
      [`${skus[0]}_front.jpg`, "ingested"],
      ["notes.txt", "rejected"],
      [`sub/${skus[1]}_back.jpg`, "ingested"],
    ].sort());
    expect(rows.every((r) => r.channel === "watch" && r.createdBy === STUDIO_WATCH_ACTOR && r.watchKey!.startsWith(`${r.sourceKey}|${r.size}|`))).toBe(true);
    const asset = await prisma.asset.findUniqueOrThrow({ where: { id: rows.find((r) => r.status === "ingested")!.assetId! } });
    expect(asset).toMatchObject({ source: "studio", model: "studio-watch" });

    expect(await pollStudioWatch(deps())).toMatchObject({ listed: 3, imported: 0, waiting: 0 });
    expect(await prisma.studioUpload.count({ where: { shopId: TEST_SHOP } })).toBe(3);
  });

  it("never imports a file half-way while it is being written, then imports the finished file; a changed file comes in again as a new upload", async () => {
    const bytes = await studioShot(3, 480, 640);
    const name = `${skus[3]}_packshot.jpg`;
    const file = path.join(inbox, name);
    const before = await prisma.studioUpload.count({ where: { shopId: TEST_SHOP } });

    // The copy starts: half the bytes, just written.
    await writeFile(file, bytes.subarray(0, bytes.length >> 1));
    expect(await pollStudioWatch(deps())).toMatchObject({ imported: 0, waiting: 1 });
    // The copy stalls long enough to look old, but the listing saw another size.
    await utimes(file, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    expect(await pollStudioWatch(deps())).toMatchObject({ imported: 0, waiting: 1 });
    await appendFile(file, bytes.subarray(bytes.length >> 1));
    await utimes(file, new Date(Date.now() - 30_000), new Date(Date.now() - 30_000));
    expect(await pollStudioWatch(deps())).toMatchObject({ imported: 0, waiting: 1 });
    expect(await pollStudioWatch(deps())).toMatchObject({ imported: 1, waiting: 0 });
    const [row] = await prisma.studioUpload.findMany({ where: { shopId: TEST_SHOP, sourceKey: name } });
    expect(row).toMatchObject({ status: "ingested", size: bytes.length });
    expect(await prisma.studioUpload.count({ where: { shopId: TEST_SHOP } })).toBe(before + 1);

    // The studio re-exports the shot: same name, new bytes and time. It is a new upload, held as a second shot of the view.
    await dropFile(name, await studioShot(4, 480, 640), 20_000);
    await pollStudioWatch(deps());
    expect(await pollStudioWatch(deps())).toMatchObject({ imported: 1 });
    const versions = await prisma.studioUpload.findMany({ where: { shopId: TEST_SHOP, sourceKey: name }, orderBy: { createdAt: "asc" } });
    expect(versions.map((v) => v.status)).toEqual(["ingested", "duplicate"]);
    expect(versions[1]!.reason).toMatch(/already has a studio Packshot.* shot \(.*_packshot\.jpg, taken in on/);
    expect(versions[0]!.watchKey).not.toBe(versions[1]!.watchKey);
  });

  it("reads an s3://bucket/prefix with signed ListObjectsV2 and GetObject (no waiting: objects appear whole), once; a vanished object is recorded, not retried", async () => {
    const prefix = `incoming/${TEST_SHOP}/`;
    await watch(`s3://studio-drop/${prefix}`);
    const put = async (key: string, body: Buffer) => s3.objects.set(key, { body, contentType: "image/jpeg", writes: 1, lastModified: new Date() });
    await put(`${prefix}${skus[4]}_front.jpg`, await studioShot(5, 480, 640));
    await put(`${prefix}day2/${skus[5]}_detail.jpg`, await studioShot(6, 480, 640));
    await put(`${prefix}gone_front.jpg`, await studioShot(7, 480, 640));
    await put(`other-shop/${skus[0]}_front.jpg`, await studioShot(8, 480, 640));
    // The object is deleted between the listing and the read.
    const vanishing: typeof fetch = async (input, init) => {
      const url = new URL(String(input));
      if (url.pathname.endsWith("/gone_front.jpg")) s3.objects.delete(`${prefix}gone_front.jpg`);
      return fetch(input, init);
    };

    expect(await pollStudioWatch(deps({ fetch: vanishing }))).toMatchObject({ listed: 3, imported: 2, failed: 1, waiting: 0, problems: [] });
    const rows = await prisma.studioUpload.findMany({ where: { shopId: TEST_SHOP, sourceKey: { startsWith: prefix } } });
    expect(rows.map((r) => [r.sourceKey.slice(prefix.length), r.status]).sort()).toEqual([
      [`${skus[4]}_front.jpg`, "ingested"],
      [`day2/${skus[5]}_detail.jpg`, "ingested"],
      ["gone_front.jpg", "failed"],
    ]);
    expect(rows.find((r) => r.status === "failed")?.reason).toMatch(/^the object disappeared before it could be read/);
    expect(rows.every((r) => r.watchKey!.includes("|"))).toBe(true);
    expect(await pollStudioWatch(deps({ fetch: vanishing }))).toMatchObject({ listed: 2, imported: 0, failed: 0 });
    // Every request was signed and accepted.
    expect(s3.log.filter((entry) => entry.status === 403)).toEqual([]);
    expect(s3.log.some((entry) => entry.method === "GET" && entry.path === "/studio-drop")).toBe(true);
  });

  it("finishes a file whose poll died half-way (its row left taking it in), once that row is stale, in the same row", async () => {
    const name = `${skus[1]}_detail.jpg`;
    const file = await dropFile(name, await studioShot(10, 480, 640));
    const info = await stat(file);
    const watchKey = watchKeyOf(name, info.size, Math.floor(info.mtimeMs));
    const row = await prisma.studioUpload.create({ data: { shopId: TEST_SHOP, channel: "watch", fileName: name, sourceKey: name, watchKey, size: info.size, status: "uploading", createdBy: STUDIO_WATCH_ACTOR } });
    await pollStudioWatch(deps());
    // Another poll may still be on it: left alone.
    expect(await pollStudioWatch(deps())).toMatchObject({ imported: 0, waiting: 0 });
    expect((await prisma.studioUpload.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("uploading");
    await prisma.$executeRaw`UPDATE "StudioUpload" SET "updatedAt" = now() - interval '11 minutes' WHERE "id" = ${row.id}`;
    expect(await pollStudioWatch(deps())).toMatchObject({ imported: 1 });
    expect(await prisma.studioUpload.findMany({ where: { shopId: TEST_SHOP, watchKey } })).toEqual([expect.objectContaining({ id: row.id, status: "ingested", assetId: expect.any(String) })]);
  });

  it("reports a location it cannot list once, with the fix, and goes on with other shops", async () => {
    await watch(path.join(inbox, "missing"));
    const first = await pollStudioWatch(deps());
    expect(first.problems).toEqual([{ shopId: TEST_SHOP, message: `the watched folder ${path.join(inbox, "missing")} does not exist: create it or change the watched location in Settings` }]);
    await pollStudioWatch(deps());
    await watch("s3://studio-drop/shared/");
    expect((await pollStudioWatch(deps())).problems[0]!.message).toBe(`the S3 location must contain a folder named after the shop: use s3://studio-drop/shared/${TEST_SHOP}/`);
    const audited = await prisma.auditEvent.findMany({ where: { shopId: TEST_SHOP, action: "studio.watch.problem" } });
    expect(audited.map((e) => (e.data as { message: string }).message)).toEqual([first.problems[0]!.message, expect.stringMatching(/named after the shop/)]);
  });

  it("runs by itself in the worker: the repeatable job imports a dropped file within a few polls", async () => {
    await emptyQueues();
    await dropFile("DSC0001.jpg", await studioShot(9, 320, 400));
    await scheduleRecurringJobs();
    const workers = startWorkers({ error: () => undefined, info: () => undefined });
    try {
      const deadline = Date.now() + 20_000;
      let row = null;
      while (!row && Date.now() < deadline) {
        row = await prisma.studioUpload.findFirst({ where: { shopId: TEST_SHOP, sourceKey: "DSC0001.jpg", status: { not: "uploading" } } });
        if (!row) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(row).toMatchObject({ channel: "watch", status: "unmatched", reason: expect.stringMatching(/does not follow the naming convention/) });
    } finally {
      await stopWorkers(workers);
      await emptyQueues();
    }
  });
});
