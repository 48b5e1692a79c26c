import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, utimes, writeFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertMirrorProducts } from "../../app/catalog/mirror.server";
import prisma from "../../app/db.server";
import { assetStore } from "../../app/storage/asset-store.server";
import { pruneStaleStudioUploads, stagingDirectory } from "../../app/studio/studio-uploads.server";
import { ABANDONED_UPLOAD_REASON, STUDIO_CHUNK_BYTES } from "../../app/studio/upload-chunks";
import { closeQueues } from "../../jobs/queues";
import { mirrorProduct } from "../support/factories";
import { shopBearer, startStudioUploadApi, studioJpeg } from "../support/studio-upload-fixtures";

/**
 * The studio upload API over real HTTP (Express + Remix's request adapter, as
 * in server.ts): start, chunks, resume after a cut request, offset conflicts,
 * limits, another shop's ids, two chunks racing for one upload, completion
 * through the studio intake, hand assignment, and abandoned uploads.
 */

const SHOP = "studio-uploads.myshopify.com";
const OTHER = "studio-uploads-other.myshopify.com";
const SKU = "SL-TST-00001-BLK-M";
/** A browser's agent: the Shopify library answers self-declared bots (Node's fetch is one) with 410. */
const BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";
const sha = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

let api: Awaited<ReturnType<typeof startStudioUploadApi>>;
const auth: Record<string, string> = {};

interface UploadBody {
  ok: boolean;
  upload: { id: string; status: string; receivedBytes: number; size: number; reason: string | null; assetId: string | null; productId: string | null; assetKind: string | null; colour: string | null; suggestions: string[] };
  chunkBytes?: number;
  resumed?: boolean;
  receivedBytes?: number;
  errors?: Record<string, string>;
}

async function call(method: string, route: string, body?: BodyInit, headers: Record<string, string> = {}, shop = SHOP): Promise<{ status: number; body: UploadBody; headers: Headers }> {
  const response = await fetch(`${api.url}${route}`, { method, body, headers: { Authorization: auth[shop], "User-Agent": BROWSER, ...headers } });
  return { status: response.status, body: (await response.json()) as UploadBody, headers: response.headers };
}

const start = (file: { name: string; size: number; lastModified?: number; type?: string }, shop = SHOP) =>
  call("POST", "/api/studio/uploads", JSON.stringify({ type: "image/jpeg", lastModified: 1_764_000_000_000, ...file }), { "Content-Type": "application/json" }, shop);

const put = (id: string, offset: number | string, bytes: Buffer, shop = SHOP) => call("PUT", `/api/studio/uploads/${id}?offset=${offset}`, new Uint8Array(bytes), { "Content-Type": "application/octet-stream" }, shop);

/** Sends `bytes` from `from` in chunks of `chunk` bytes; the last answer. */
async function sendAll(id: string, bytes: Buffer, chunk: number, from = 0) {
  let last: Awaited<ReturnType<typeof put>> | undefined;
  for (let offset = from; offset < bytes.length; offset += chunk) {
    last = await put(id, offset, bytes.subarray(offset, Math.min(bytes.length, offset + chunk)));
    expect(last.status, JSON.stringify(last.body)).toBe(200);
    expect(last.body.upload.receivedBytes).toBe(Math.min(bytes.length, offset + chunk));
  }
  return last!;
}

/** A PUT whose connection dies after `sent` of the declared bytes. */
function cutShortPut(id: string, offset: number, bytes: Buffer, sent: number): Promise<void> {
  return new Promise((resolve) => {
    const request = http.request(`${api.url}/api/studio/uploads/${id}?offset=${offset}`, { method: "PUT", headers: { Authorization: auth[SHOP], "User-Agent": BROWSER, "Content-Type": "application/octet-stream", "Content-Length": String(bytes.length) } });
    request.on("error", () => resolve());
    request.write(bytes.subarray(0, sent), () => {
      request.destroy();
      resolve();
    });
  });
}

describe("studio uploads over HTTP (PostgreSQL, Redis, local staging, studio intake)", () => {
  let photo: Buffer;

  beforeAll(async () => {
    for (const shop of [SHOP, OTHER]) {
      await prisma.shop.create({ data: { id: shop, name: shop } });
      await prisma.session.create({ data: { id: `offline_${shop}`, shop, state: "", isOnline: false, scope: "read_products,write_products", accessToken: `shpat_${shop}`, expires: null } });
      auth[shop] = await shopBearer(shop);
    }
    await upsertMirrorProducts(prisma, SHOP, [
      mirrorProduct({
        id: 1,
        title: "Linen Shirt",
        variantCount: 2,
        variants: [
          { id: "gid://shopify/ProductVariant/101", title: "Black / M", sku: SKU, priceCents: 5900, options: { Color: "Black", Size: "M" }, position: 1 },
          { id: "gid://shopify/ProductVariant/102", title: "Sand / M", sku: "SL-TST-00001-SND-M", priceCents: 5900, options: { Color: "Sand", Size: "M" }, position: 2 },
        ],
      }),
    ]);
    photo = await studioJpeg(1, { width: 1200, height: 1500 });
    api = await startStudioUploadApi();
  });

  afterAll(async () => {
    await api?.close();
    await closeQueues();
    expect(api.failures).toEqual([]);
  });

  it("starts, takes chunks at the server's offset and hands the complete file to the intake, which ingests it as a studio asset", async () => {
    const started = await start({ name: `${SKU}_front.jpg`, size: photo.length });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ ok: true, chunkBytes: STUDIO_CHUNK_BYTES, resumed: false, upload: { status: "uploading", receivedBytes: 0, size: photo.length } });
    const { id } = started.body.upload;
    expect(await prisma.studioUpload.findUniqueOrThrow({ where: { id } })).toMatchObject({ shopId: SHOP, channel: "upload", sourceKey: `${SKU}_front.jpg:${photo.length}:1764000000000`, contentType: "image/jpeg", createdBy: "user:64" });

    const done = await sendAll(id, photo, 16 * 1024);
    expect(done.body.upload).toMatchObject({ id, status: "ingested", receivedBytes: photo.length, productId: "gid://shopify/Product/1", assetKind: "on-model-front", colour: "Black" });
    const asset = await prisma.asset.findUniqueOrThrow({ where: { id: done.body.upload.assetId! } });
    expect(asset).toMatchObject({ shopId: SHOP, productId: "gid://shopify/Product/1", source: "studio" });
    const row = await prisma.studioUpload.findUniqueOrThrow({ where: { id } });
    expect(row.sha256).toBe(sha(photo));
    expect((await assetStore().get(row.storageKey!)).equals(photo)).toBe(true);
    // The staging file is gone once the intake has the file.
    expect(existsSync(path.join(stagingDirectory(), `${id}.part`))).toBe(false);

    // A late retry of the last chunk changes nothing: 409 with the finished upload.
    const late = await put(id, photo.length - 100, photo.subarray(photo.length - 100));
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ receivedBytes: photo.length, upload: { status: "ingested", assetId: asset.id } });
    expect(await prisma.asset.count({ where: { shopId: SHOP } })).toBe(1);

    const one = await call("GET", `/api/studio/uploads/${id}`);
    expect(one).toMatchObject({ status: 200, body: { upload: { id, status: "ingested" } } });
  });

  it("resumes after a chunk cut short: nothing of it is kept, start answers the server's offset, a stale offset gets 409", async () => {
    const bytes = await studioJpeg(2, { width: 1200, height: 1500 });
    const name = `${SKU.replace("BLK", "SND")}_back.jpg`;
    const { id } = (await start({ name, size: bytes.length })).body.upload;
    const chunk = 8 * 1024;
    await sendAll(id, bytes.subarray(0, chunk), chunk);

    await cutShortPut(id, chunk, bytes.subarray(chunk, 3 * chunk), chunk);
    // The browser comes back (a reload, the same file picked again): the same upload, at the bytes the server has.
    const resumed = await start({ name, size: bytes.length });
    expect(resumed.body).toMatchObject({ resumed: true, upload: { id, receivedBytes: chunk, status: "uploading" } });

    const stale = await put(id, 0, bytes.subarray(0, chunk));
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ ok: false, receivedBytes: chunk, errors: { offset: `the server has ${chunk} bytes of this file: continue from offset ${chunk}` } });
    const ahead = await put(id, 3 * chunk, bytes.subarray(3 * chunk, 4 * chunk));
    expect(ahead).toMatchObject({ status: 409, body: { receivedBytes: chunk } });

    const done = await sendAll(id, bytes, chunk, chunk);
    expect(done.body.upload).toMatchObject({ status: "ingested", colour: "Sand", assetKind: "on-model-back" });
    expect((await prisma.studioUpload.findUniqueOrThrow({ where: { id } })).sha256).toBe(sha(bytes));
  });

  it("completes, on the next start, a file whose bytes all arrived but whose last request died before the intake had it", async () => {
    const bytes = await studioJpeg(6);
    const name = `${SKU}_packshot.jpg`;
    const row = await prisma.studioUpload.create({
      data: { shopId: SHOP, channel: "upload", fileName: name, sourceKey: `${name}:${bytes.length}:1764000000000`, size: bytes.length, receivedBytes: bytes.length, status: "uploading", createdBy: "user:64" },
    });
    await mkdir(stagingDirectory(), { recursive: true });
    await writeFile(path.join(stagingDirectory(), `${row.id}.part`), bytes);
    const resumed = await start({ name, size: bytes.length });
    expect(resumed.body).toMatchObject({ resumed: true, upload: { id: row.id, status: "ingested", assetKind: "packshot", colour: "Black" } });
    expect(existsSync(path.join(stagingDirectory(), `${row.id}.part`))).toBe(false);
  });

  it("refuses bad names, extensions, sizes and bodies with the field and the fix", async () => {
    const refused = async (file: Record<string, unknown>) => {
      const answer = await call("POST", "/api/studio/uploads", JSON.stringify(file), { "Content-Type": "application/json" });
      expect(answer.status).toBe(400);
      return answer.body.errors;
    };
    expect(await refused({ name: "shoot/a_front.jpg", size: 10 })).toEqual({ name: "name must not contain / or \\: send the file name without its folder" });
    expect(await refused({ name: "a_front.gif", size: 10 })).toEqual({ name: ".gif is not accepted: upload images or videos (.jpg, .jpeg, .png, .tif, .tiff, .webp, .avif, .mp4, .mov, .m4v, .webm)" });
    expect(await refused({ name: "a_front.jpg", size: 0 })).toEqual({ size: "the file is empty (0 bytes): export it again" });
    expect(await refused({ name: "a_front.jpg", size: 500_000_001 })).toEqual({ size: "the file is larger than 500 MB: export it smaller" });
    const notJson = await call("POST", "/api/studio/uploads", "name=a.jpg", { "Content-Type": "application/x-www-form-urlencoded" });
    expect(notJson).toMatchObject({ status: 400, body: { errors: { body: "send JSON: {name, size, type, lastModified} of the file" } } });
    expect(await prisma.studioUpload.count({ where: { fileName: { in: ["a_front.gif", "a_front.jpg"] } } })).toBe(0);

    const { id } = (await start({ name: "big_front.jpg", size: 20_000_000 })).body.upload;
    const missing = await call("PUT", `/api/studio/uploads/${id}`, new Uint8Array(10));
    expect(missing).toMatchObject({ status: 400, body: { errors: { offset: "offset is required: send ?offset=<bytes already uploaded>" } } });
    expect((await put(id, "-5", Buffer.alloc(10))).body.errors).toEqual({ offset: "offset must be a whole number of bytes, e.g. ?offset=0" });
    const oversize = await put(id, 0, Buffer.alloc(STUDIO_CHUNK_BYTES + 1));
    expect(oversize).toMatchObject({ status: 413, body: { errors: { body: `a chunk may be at most ${STUDIO_CHUNK_BYTES} bytes: send smaller chunks (the start answer says how big)` } } });
    expect((await put(id, 0, Buffer.alloc(0))).body.errors).toEqual({ body: "the chunk is empty: send the file's bytes from the offset" });

    const small = (await start({ name: "small_front.jpg", size: 100 })).body.upload.id;
    const past = await put(small, 0, Buffer.alloc(101));
    expect(past).toMatchObject({ status: 400, body: { errors: { body: "the chunk goes past the file's declared size of 100 bytes (100 bytes remain from offset 0): send only the rest of the file, or start a new upload if the file changed" } } });
    // Nothing was counted for any refused chunk.
    expect((await prisma.studioUpload.findMany({ where: { id: { in: [id, small] } } })).map((r) => r.receivedBytes)).toEqual([0, 0]);
  });

  it("answers 404 for another shop's upload id, on every route, and changes nothing", async () => {
    const { id } = (await start({ name: `${SKU}_side.jpg`, size: photo.length })).body.upload;
    expect((await put(id, 0, photo.subarray(0, 1000), OTHER)).status).toBe(404);
    expect((await call("GET", `/api/studio/uploads/${id}`, undefined, {}, OTHER)).status).toBe(404);
    const assign = await call("POST", `/api/studio/uploads/${id}/assign`, new URLSearchParams({ intent: "discard" }), {}, OTHER);
    expect(assign).toMatchObject({ status: 404, body: { errors: { id: "no such studio file in this shop: reload the page" } } });
    expect((await call("PUT", `/api/studio/uploads/not-an-id?offset=0`, new Uint8Array(5))).status).toBe(404);
    expect(await prisma.studioUpload.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "uploading", receivedBytes: 0 });
    // The other shop starting the same file name gets its own upload, not this one.
    const theirs = await start({ name: `${SKU}_side.jpg`, size: photo.length }, OTHER);
    expect(theirs.body).toMatchObject({ resumed: false });
    expect(theirs.body.upload.id).not.toBe(id);
  });

  it("two chunks racing for the same offset: one is taken whole, the other gets 409; the file is never a mix", async () => {
    const a = Buffer.alloc(64 * 1024, 0xaa);
    const b = Buffer.alloc(64 * 1024, 0xbb);
    const { id } = (await start({ name: "race_detail.jpg", size: 256 * 1024 })).body.upload;
    // Hold the row's lock while the four arrive, so all of them are inside the append at once, then let go.
    let racing: Promise<Awaited<ReturnType<typeof put>>[]> | undefined;
    await prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT "id" FROM "StudioUpload" WHERE "id" = ${id} FOR UPDATE`;
        racing = Promise.all([put(id, 0, a), put(id, 0, b), put(id, 0, a), put(id, 0, b)]);
        for (;;) {
          const [{ waiting }] = await prisma.$queryRaw<{ waiting: number }[]>`SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
          if (waiting >= 4) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      },
      { timeout: 30_000 },
    );
    const answers = await racing!;
    expect(answers.map((x) => x.status).sort()).toEqual([200, 409, 409, 409]);
    expect((await prisma.studioUpload.findUniqueOrThrow({ where: { id } })).receivedBytes).toBe(64 * 1024);
    const staged = await readFile(path.join(stagingDirectory(), `${id}.part`));
    expect(staged.length).toBe(64 * 1024);
    expect(staged.equals(a) || staged.equals(b)).toBe(true);
  });

  it("lists the shop's files, assigns an unmatched one by hand and discards another", async () => {
    const unknown = await studioJpeg(3);
    const first = (await start({ name: "SL-XXX-99999-BLK-M_front.jpg", size: unknown.length })).body.upload.id;
    const done = await sendAll(first, unknown, unknown.length);
    expect(done.body.upload).toMatchObject({ status: "unmatched", assetId: null });
    expect(done.body.upload.reason).toMatch(/SKU "SL-XXX-99999-BLK-M" is not in the catalog/);

    const list = await call("GET", "/api/studio/uploads?status=unmatched");
    const listed = list.body as unknown as { uploads: { id: string; status: string }[]; total: number };
    expect(list.status).toBe(200);
    expect(listed.uploads.map((u) => u.id)).toContain(first);
    expect(listed.uploads.every((u) => u.status === "unmatched")).toBe(true);
    expect((await call("GET", "/api/studio/uploads?status=lost")).status).toBe(400);

    const refused = await call("POST", `/api/studio/uploads/${first}/assign`, JSON.stringify({ productId: "gid://shopify/Product/1", assetKind: "sideways", colour: "Black" }), { "Content-Type": "application/json" });
    expect(refused.status).toBe(400);
    expect(Object.keys(refused.body.errors ?? {})).toContain("assetKind");

    const assigned = await call("POST", `/api/studio/uploads/${first}/assign`, new URLSearchParams({ productId: "gid://shopify/Product/1", assetKind: "packshot", colour: "Black" }));
    expect(assigned.status).toBe(200);
    expect(assigned.body.upload).toMatchObject({ id: first, status: "ingested", productId: "gid://shopify/Product/1", assetKind: "packshot", colour: "Black" });
    expect(await prisma.asset.findUniqueOrThrow({ where: { id: assigned.body.upload.assetId! } })).toMatchObject({ source: "studio", productId: "gid://shopify/Product/1" });

    const other = await studioJpeg(4);
    const second = (await start({ name: "SL-XXX-99998-BLK-M_front.jpg", size: other.length })).body.upload.id;
    await sendAll(second, other, other.length);
    const discarded = await call("POST", `/api/studio/uploads/${second}/assign`, JSON.stringify({ intent: "discard" }), { "Content-Type": "application/json" });
    expect(discarded).toMatchObject({ status: 200, body: { upload: { id: second, status: "discarded" } } });
    const twice = await call("POST", `/api/studio/uploads/${second}/assign`, new URLSearchParams({ intent: "discard" }));
    expect(twice).toMatchObject({ status: 400, body: { errors: { uploadId: "it is already set aside" } } });
    expect((await call("POST", `/api/studio/uploads/${second}/assign`, new URLSearchParams({ intent: "keep" }))).body.errors).toEqual({ intent: "intent must be assign or discard" });
  });

  it("marks uploads idle for a day as abandoned, removes their staging files and stray ones; the same file then starts afresh", async () => {
    const bytes = await studioJpeg(5);
    const name = `${SKU}_lifestyle.jpg`;
    const stale = (await start({ name, size: bytes.length })).body.upload.id;
    await put(stale, 0, bytes.subarray(0, 1000));
    const fresh = (await start({ name: `${SKU}_detail.jpg`, size: bytes.length })).body.upload.id;
    await put(fresh, 0, bytes.subarray(0, 1000));
    const dayAgo = new Date(Date.now() - 25 * 3600_000);
    await prisma.studioUpload.update({ where: { id: stale }, data: { updatedAt: dayAgo } });
    const stray = path.join(stagingDirectory(), "clz9strayupload000000000.part");
    await mkdir(stagingDirectory(), { recursive: true });
    await writeFile(stray, "left behind");
    await utimes(stray, dayAgo, dayAgo);

    expect(await pruneStaleStudioUploads(prisma)).toEqual({ abandoned: 1, filesRemoved: 2 });
    expect(await prisma.studioUpload.findUniqueOrThrow({ where: { id: stale } })).toMatchObject({ status: "failed", reason: ABANDONED_UPLOAD_REASON });
    expect(existsSync(path.join(stagingDirectory(), `${stale}.part`))).toBe(false);
    expect(existsSync(stray)).toBe(false);
    expect(await prisma.studioUpload.findUniqueOrThrow({ where: { id: fresh } })).toMatchObject({ status: "uploading", receivedBytes: 1000 });
    expect(existsSync(path.join(stagingDirectory(), `${fresh}.part`))).toBe(true);
    // Pruning again finds nothing.
    expect(await pruneStaleStudioUploads(prisma)).toEqual({ abandoned: 0, filesRemoved: 0 });

    const late = await put(stale, 1000, bytes.subarray(1000));
    expect(late).toMatchObject({ status: 409, body: { upload: { status: "failed", reason: ABANDONED_UPLOAD_REASON } } });
    const again = await start({ name, size: bytes.length });
    expect(again.body).toMatchObject({ resumed: false, upload: { receivedBytes: 0 } });
    expect(again.body.upload.id).not.toBe(stale);
  });
});
