/**
 * Studio files uploaded in the app (issue #8): our own chunked, resumable
 * protocol on a local staging file (docs/decisions/0024). The browser starts an
 * upload (or resumes one: same name, size and modification time), then PUTs
 * chunks at the offset the server holds; the last chunk hands the whole file to
 * the studio intake (registerStudioFile), which matches and ingests it.
 */
import { mkdir, open, readdir, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { Prisma, PrismaClient, StudioUpload } from "@prisma/client";
import { ensureShop } from "../catalog/catalog-sync.server";
import { env } from "../config/env";
import { fieldErrorsOf, type FieldErrors } from "../recipes/recipe-spec";
import { assetStore } from "../storage/asset-store.server";
import type { AssetStore } from "../storage/asset-store";
import { colourways } from "./shot-list";
import { listStudioUploads, registerStudioFile, STUDIO_UPLOADS_PER_PAGE, studioUploadViews, type StudioUploadView } from "./studio-intake.server";
import { studioNamingExample } from "./studio-settings";
import { loadStudioSettings, studioNamingSample } from "./studio-settings.server";
import { ABANDONED_UPLOAD_REASON, MAX_STUDIO_UPLOAD_BYTES, STUDIO_CHUNK_BYTES, STUDIO_UPLOAD_IDLE_MS, studioUploadStartSchema, uploadSourceKey } from "./upload-chunks";

/** Where chunks wait until the file is complete; one file per upload. */
export function stagingDirectory(): string {
  return path.join(env().SHOTLANE_ASSET_DIR, "staging");
}

const UPLOAD_ID = /^[a-z0-9]{20,40}$/i;
const stagingPath = (dir: string, uploadId: string) => path.join(dir, `${uploadId}.part`);

/** Read and thrown away at most this much of a refused chunk, so the connection stays usable; beyond it the connection is closed. */
const DRAIN_LIMIT = 2 * STUDIO_CHUNK_BYTES;

type Db = PrismaClient | Prisma.TransactionClient;

// ---------------------------------------------------------------------------
// Views

/** The view of rows (all of one shop), with the titles of their products and candidate products. */
const viewsOf = (db: Db, rows: StudioUpload[]): Promise<StudioUploadView[]> => (rows.length === 0 ? Promise.resolve([]) : studioUploadViews(db, rows[0]!.shopId, rows));

/** One of the shop's studio files, or null (also for another shop's id). */
export async function getStudioUpload(db: Db, shopId: string, uploadId: string): Promise<StudioUploadView | null> {
  if (!UPLOAD_ID.test(uploadId)) return null;
  const row = await db.studioUpload.findFirst({ where: { id: uploadId, shopId } });
  return row ? (await viewsOf(db, [row]))[0] : null;
}

// ---------------------------------------------------------------------------
// Start / resume

export type StartStudioUploadResult = { ok: true; upload: StudioUploadView; chunkBytes: number; resumed: boolean } | { ok: false; errors: FieldErrors };

/**
 * Starts an upload, or resumes the shop's unfinished upload of the same file
 * (name, size and modification time) with the bytes the server already has.
 * A resumed upload whose bytes are all here is completed now (the request
 * that carried its last chunk may have died before handing it on).
 */
export async function startStudioUpload(db: PrismaClient, shopId: string, input: unknown, actor: string): Promise<StartStudioUploadResult> {
  const parsed = studioUploadStartSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: fieldErrorsOf(parsed.error) };
  const file = parsed.data;
  const sourceKey = uploadSourceKey(file);

  const existing = await db.studioUpload.findFirst({ where: { shopId, channel: "upload", status: "uploading", sourceKey }, orderBy: { createdAt: "desc" } });
  if (existing) {
    const dir = stagingDirectory();
    const onDisk = await stagedLength(stagingPath(dir, existing.id));
    // Bytes the row counts but the staging file lacks (a lost disk, another instance's staging) are asked for again.
    const row = onDisk < existing.receivedBytes ? await db.studioUpload.update({ where: { id: existing.id }, data: { receivedBytes: 0 } }) : existing;
    const upload = row.receivedBytes === row.size ? await completeStudioUpload(db, row) : (await viewsOf(db, [row]))[0];
    return { ok: true, upload, chunkBytes: STUDIO_CHUNK_BYTES, resumed: true };
  }

  await ensureShop(db, shopId);
  const row = await db.studioUpload.create({
    data: { shopId, channel: "upload", fileName: file.name, sourceKey, contentType: file.type, size: file.size, receivedBytes: 0, status: "uploading", createdBy: actor },
  });
  return { ok: true, upload: (await viewsOf(db, [row]))[0], chunkBytes: STUDIO_CHUNK_BYTES, resumed: false };
}

// ---------------------------------------------------------------------------
// Chunks

/** A refused chunk; `closeConnection` when its body was too big to read away (the answer should close the connection). */
export type RefusedStudioChunk = { ok: false; status: 404 | 400 | 413; errors: FieldErrors; closeConnection?: boolean };

export type AppendStudioChunkResult =
  | { ok: true; upload: StudioUploadView }
  | RefusedStudioChunk
  /** The offset is not where the server is: continue from `receivedBytes` (the upload may also be finished or failed already). */
  | { ok: false; status: 409; errors: FieldErrors; receivedBytes: number; upload: StudioUploadView; closeConnection?: boolean };

export type ChunkBody = ReadableStream<Uint8Array> | Buffer | Uint8Array | null;

const notFound = (): RefusedStudioChunk => ({ ok: false, status: 404, errors: { id: "no such upload in this shop: start the upload again" } });

/**
 * Appends one chunk at `offset`, which must be the bytes the server holds
 * (else 409 with that number). The chunk is read whole (at most
 * STUDIO_CHUNK_BYTES) before anything is written, so a request cut short writes
 * nothing; the write and the new byte count happen under the row's lock, so
 * two requests for one upload cannot interleave. The last chunk completes the
 * upload through the studio intake.
 */
export async function appendStudioChunk(
  db: PrismaClient,
  shopId: string,
  uploadId: string,
  offset: number,
  body: ChunkBody,
  options: { contentLength?: number | null } = {},
): Promise<AppendStudioChunkResult> {
  if (!UPLOAD_ID.test(uploadId)) return drainThen(body, options.contentLength, notFound());
  const row = await db.studioUpload.findFirst({ where: { id: uploadId, shopId, channel: "upload" } });
  if (!row) return drainThen(body, options.contentLength, notFound());
  if (row.status === "uploading" && row.receivedBytes === row.size) {
    await drainChunkBody(body, options.contentLength);
    return { ok: true, upload: await completeStudioUpload(db, row) };
  }
  if (row.status !== "uploading" || offset !== row.receivedBytes) return drainThen(body, options.contentLength, await conflict(db, row));

  const declared = options.contentLength ?? null;
  if (declared !== null && declared > STUDIO_CHUNK_BYTES) return drainThen(body, declared, tooLarge());
  if (declared !== null && offset + declared > row.size) return drainThen(body, declared, pastEnd(row, offset));

  const read = await readChunk(body, Math.min(STUDIO_CHUNK_BYTES, row.size - offset));
  if (read.kind === "cut-short") return { ok: false, status: 400, errors: { body: `the chunk was cut short and nothing of it was kept: send it again from offset ${offset}` } };
  if (read.kind === "too-large") return read.limit === STUDIO_CHUNK_BYTES ? { ...tooLarge(), closeConnection: true } : { ...pastEnd(row, offset), closeConnection: true };
  if (read.bytes.length === 0) return { ok: false, status: 400, errors: { body: "the chunk is empty: send the file's bytes from the offset" } };

  const dir = stagingDirectory();
  const file = stagingPath(dir, row.id);
  const written = await db.$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<{ receivedBytes: number; status: string }[]>`SELECT "receivedBytes", "status" FROM "StudioUpload" WHERE "id" = ${row.id} FOR UPDATE`;
    if (!locked || locked.status !== "uploading" || locked.receivedBytes !== offset) return null;
    if (offset > 0 && (await stagedLength(file)) < offset) {
      // The staging file lost bytes the row counts: start the file over rather than store a hole.
      await tx.studioUpload.update({ where: { id: row.id }, data: { receivedBytes: 0 } });
      return null;
    }
    await writeAt(dir, file, offset, read.bytes);
    return tx.studioUpload.update({ where: { id: row.id }, data: { receivedBytes: offset + read.bytes.length } });
  }, { timeout: 60_000, maxWait: 15_000 });
  if (!written) return conflict(db, (await db.studioUpload.findUniqueOrThrow({ where: { id: row.id } })));
  if (written.receivedBytes === written.size) return { ok: true, upload: await completeStudioUpload(db, written) };
  return { ok: true, upload: (await viewsOf(db, [written]))[0] };
}

async function conflict(db: Db, row: StudioUpload): Promise<AppendStudioChunkResult> {
  const message =
    row.status === "uploading"
      ? `the server has ${row.receivedBytes} bytes of this file: continue from offset ${row.receivedBytes}`
      : `this upload is ${row.status} already: nothing more is needed${row.reason ? ` (${row.reason})` : ""}`;
  return { ok: false, status: 409, errors: { offset: message }, receivedBytes: row.receivedBytes, upload: (await viewsOf(db, [row]))[0] };
}

const tooLarge = (): RefusedStudioChunk => ({ ok: false, status: 413, errors: { body: `a chunk may be at most ${STUDIO_CHUNK_BYTES} bytes: send smaller chunks (the start answer says how big)` } });

const pastEnd = (row: StudioUpload, offset: number): RefusedStudioChunk => ({
  ok: false,
  status: 400,
  errors: { body: `the chunk goes past the file's declared size of ${row.size} bytes (${row.size - offset} bytes remain from offset ${offset}): send only the rest of the file, or start a new upload if the file changed` },
});

async function drainThen(body: ChunkBody, contentLength: number | null | undefined, result: AppendStudioChunkResult): Promise<AppendStudioChunkResult> {
  const drained = await drainChunkBody(body, contentLength);
  return drained || result.ok ? result : { ...result, closeConnection: true };
}

/**
 * Reads and discards a refused request's body (up to DRAIN_LIMIT) so the
 * answer reaches the browser on a healthy connection; false when it was too
 * big to read, and the connection should be closed instead. Routes that
 * refuse a chunk before this service sees it use it too.
 */
export async function drainChunkBody(body: ChunkBody, contentLength: number | null | undefined): Promise<boolean> {
  if (!body || Buffer.isBuffer(body) || body instanceof Uint8Array) return true;
  if (contentLength != null && contentLength > DRAIN_LIMIT) return false;
  const reader = body.getReader();
  let seen = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return true;
      seen += value.byteLength;
      if (seen > DRAIN_LIMIT) return false;
    }
  } catch {
    return true;
  } finally {
    reader.releaseLock();
  }
}

type ReadChunk = { kind: "ok"; bytes: Buffer } | { kind: "too-large"; limit: number } | { kind: "cut-short" };

/** The whole chunk in memory; "too-large" as soon as it passes `limit` bytes (the rest is not read); "cut-short" when the request died. */
async function readChunk(body: ChunkBody, limit: number): Promise<ReadChunk> {
  if (!body) return { kind: "ok", bytes: Buffer.alloc(0) };
  if (Buffer.isBuffer(body) || body instanceof Uint8Array) return body.byteLength > limit ? { kind: "too-large", limit } : { kind: "ok", bytes: Buffer.from(body) };
  const parts: Uint8Array[] = [];
  let length = 0;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.byteLength;
      // Not cancelled: that would tear the connection down before the answer; the route closes it after answering.
      if (length > limit) return { kind: "too-large", limit };
      parts.push(value);
    }
  } catch {
    // The browser went away mid-chunk (pause, closed tab, lost network).
    return { kind: "cut-short" };
  } finally {
    reader.releaseLock();
  }
  return { kind: "ok", bytes: Buffer.concat(parts, length) };
}

async function stagedLength(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw error;
  }
}

/** Writes at `offset` and cuts anything after it (bytes of an earlier attempt the row never counted). */
async function writeAt(dir: string, file: string, offset: number, bytes: Buffer): Promise<void> {
  await mkdir(dir, { recursive: true });
  const handle = await open(file, offset === 0 ? "w" : "r+");
  try {
    await handle.truncate(offset);
    await handle.write(bytes, 0, bytes.length, offset);
  } finally {
    await handle.close();
  }
}

// ---------------------------------------------------------------------------
// Completion

/**
 * Hands a fully received file to the studio intake once: a transaction-scoped
 * advisory lock on the upload id keeps a retried last chunk (or a resume) from
 * registering it twice; whoever does not get the lock answers the row as it is
 * (still "uploading" for a moment, which the browser polls).
 */
async function completeStudioUpload(db: PrismaClient, row: StudioUpload, store: AssetStore = assetStore()): Promise<StudioUploadView> {
  const file = stagingPath(stagingDirectory(), row.id);
  const view = await db.$transaction(
    async (tx) => {
      const [{ locked }] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtextextended(${`studio-upload:${row.id}`}, 0)) AS locked`;
      const current = await tx.studioUpload.findUniqueOrThrow({ where: { id: row.id } });
      if (!locked || current.status !== "uploading" || current.receivedBytes !== current.size) return (await viewsOf(tx, [current]))[0];
      const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return null;
        throw error;
      });
      if (!bytes || bytes.length !== current.size) {
        // The staging file is gone or short: ask the browser for the file again from the start.
        const reset = await tx.studioUpload.update({ where: { id: row.id }, data: { receivedBytes: 0 } });
        return (await viewsOf(tx, [reset]))[0];
      }
      // The intake writes through its own connection; this transaction only holds the lock.
      return registerStudioFile(
        { db, store },
        { shopId: current.shopId, channel: "upload", fileName: current.fileName, sourceKey: current.sourceKey, bytes, actor: current.createdBy, uploadId: current.id },
      );
    },
    { timeout: 300_000, maxWait: 30_000 },
  );
  if (view.status !== "uploading") await rm(file, { force: true });
  return view;
}

// ---------------------------------------------------------------------------
// Abandoned uploads

/**
 * Uploads nobody added a chunk to for `idleMs` (24 h) are marked failed, with
 * the reason, and their staging files removed; staging files without an
 * unfinished upload (older than `idleMs`) go too.
 */
export async function pruneStaleStudioUploads(db: PrismaClient, options: { now?: Date; idleMs?: number } = {}): Promise<{ abandoned: number; filesRemoved: number }> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - (options.idleMs ?? STUDIO_UPLOAD_IDLE_MS));
  const idle = await db.studioUpload.findMany({ where: { channel: "upload", status: "uploading", updatedAt: { lt: cutoff } }, select: { id: true } });
  const dir = stagingDirectory();
  let abandoned = 0;
  let filesRemoved = 0;
  for (const { id } of idle) {
    // Conditional on still being idle: a chunk that arrived meanwhile (it holds the row's lock) keeps the upload alive.
    const { count } = await db.studioUpload.updateMany({ where: { id, status: "uploading", updatedAt: { lt: cutoff } }, data: { status: "failed", reason: ABANDONED_UPLOAD_REASON } });
    if (count === 0) continue;
    abandoned++;
    if (await exists(stagingPath(dir, id))) filesRemoved++;
    await rm(stagingPath(dir, id), { force: true });
  }
  const names = await readdir(dir).catch(() => [] as string[]);
  const orphans = names.filter((name) => name.endsWith(".part") && UPLOAD_ID.test(name.slice(0, -5)));
  const unfinished = new Set(
    (await db.studioUpload.findMany({ where: { id: { in: orphans.map((name) => name.slice(0, -5)) }, status: "uploading" }, select: { id: true } })).map((row) => row.id),
  );
  for (const name of orphans) {
    if (unfinished.has(name.slice(0, -5))) continue;
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => null);
    if (!info || info.mtime >= cutoff) continue;
    await rm(file, { force: true });
    filesRemoved++;
  }
  return { abandoned, filesRemoved };
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

// ---------------------------------------------------------------------------
// Hand assignment: products to choose from

export interface StudioProductOption {
  productId: string;
  title: string;
  featuredImageUrl: string | null;
  /** A few of its SKUs, to tell similar titles apart. */
  skus: string[];
  /** Its colourways in variant order (empty when it has no colour option). */
  colours: string[];
}

/** The shop's products whose title or any variant SKU contains `query` (all when empty), for the Assign dialog; at most `limit`. */
export async function searchStudioProducts(db: PrismaClient, shopId: string, query: string, limit = 20): Promise<StudioProductOption[]> {
  const q = query.trim().slice(0, 100);
  const where: Prisma.ProductWhereInput = q
    ? { shopId, OR: [{ title: { contains: q, mode: "insensitive" } }, { variants: { some: { sku: { contains: q, mode: "insensitive" } } } }] }
    : { shopId };
  const products = await db.product.findMany({
    where,
    orderBy: [{ title: "asc" }, { id: "asc" }],
    take: limit,
    select: { id: true, title: true, featuredImageUrl: true, variants: { select: { sku: true, options: true }, orderBy: { position: "asc" } } },
  });
  return products.map((product) => {
    const variants = product.variants.map((variant) => ({ sku: variant.sku, options: (variant.options ?? {}) as Record<string, string> }));
    return {
      productId: product.id,
      title: product.title,
      featuredImageUrl: product.featuredImageUrl,
      skus: variants.flatMap((v) => (v.sku ? [v.sku] : [])).slice(0, 3),
      colours: colourways(variants).flatMap((c) => (c.colourway ? [c.colourway] : [])),
    };
  });
}

// ---------------------------------------------------------------------------
// The Studio uploads page

/** The files table's tabs: each a set of statuses. */
const FILE_FILTERS = [
  { value: "all", label: "All", statuses: [] },
  { value: "attention", label: "Needs attention", statuses: ["unmatched", "ambiguous", "duplicate", "rejected"] },
  { value: "ingested", label: "Ingested", statuses: ["ingested"] },
  { value: "uploading", label: "Uploading", statuses: ["uploading"] },
  { value: "failed", label: "Failed", statuses: ["failed"] },
  { value: "discarded", label: "Discarded", statuses: ["discarded"] },
] as const;
export type StudioFileFilter = (typeof FILE_FILTERS)[number]["value"];

export interface StudioUploadsPageData {
  uploads: StudioUploadView[];
  total: number;
  page: number;
  pageCount: number;
  filter: StudioFileFilter;
  /** The tabs with how many files each holds. */
  filters: { value: StudioFileFilter; label: string; count: number }[];
  /** The shop's naming convention and a file name that follows it for one of its products. */
  namingTemplate: string;
  exampleName: string | null;
  maxBytes: number;
}

/** The page's data for `?status=<filter>&page=<n>` (unknown values fall back to all, page 1). */
export async function loadStudioUploadsPage(db: PrismaClient, shopId: string, params: URLSearchParams): Promise<StudioUploadsPageData> {
  const filter = FILE_FILTERS.find((f) => f.value === params.get("status")) ?? FILE_FILTERS[0];
  const requested = Number.parseInt(params.get("page") ?? "1", 10);
  const [settings, sample] = await Promise.all([loadStudioSettings(db, shopId), studioNamingSample(db, shopId)]);
  let page = Number.isFinite(requested) && requested >= 1 ? requested : 1;
  let list = await listStudioUploads(db, shopId, { status: [...filter.statuses], page });
  const pageCount = Math.max(1, Math.ceil(list.total / STUDIO_UPLOADS_PER_PAGE));
  if (page > pageCount) {
    page = pageCount;
    list = await listStudioUploads(db, shopId, { status: [...filter.statuses], page });
  }
  const count = (statuses: readonly string[]) =>
    statuses.length === 0 ? Object.values(list.counts).reduce((a, b) => a + b, 0) : statuses.reduce((sum, status) => sum + (list.counts[status] ?? 0), 0);
  const example = studioNamingExample(settings.namingTemplate, sample.product);
  return {
    uploads: list.uploads,
    total: list.total,
    page,
    pageCount,
    filter: filter.value,
    filters: FILE_FILTERS.map((f) => ({ value: f.value, label: f.label, count: count(f.statuses) })),
    namingTemplate: settings.namingTemplate,
    exampleName: example.ok ? example.fileName : null,
    maxBytes: MAX_STUDIO_UPLOAD_BYTES,
  };
}
