/**
 * The watched studio location (issue #8): a repeatable worker job lists each
 * installed shop's StudioSettings.watchPrefix (a local folder in the demo and
 * in development, or s3://bucket/prefix) and hands every new file to the
 * studio intake once. A file is known by its watch key (path, size, and
 * modified time or ETag), unique per shop, so a second poll imports nothing
 * and a changed file comes in again as a new upload. A local file still being
 * written (changed since the previous listing, or touched moments ago) waits
 * for the next poll; a file that vanished or cannot be read is recorded with
 * the reason once, never retried.
 */
import type { Dirent } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { PrismaClient } from "@prisma/client";
import { recordAuditEvent } from "../audit/audit.server";
import { ACTIVE_SYNC_STATUSES } from "../catalog/catalog-sync.server";
import { env } from "../config/env";
import { DEFAULT_DECODE_LIMITS } from "../imaging/safe-decode";
import type { AssetStore } from "../storage/asset-store";
import { EMPTY_PAYLOAD_SHA256, signRequest, uriEncode } from "../storage/sigv4";
import { recordUnreadableStudioFile, registerStudioFile, STALE_UPLOADING_MS, type StudioIntakeDeps } from "./studio-intake.server";
import { isTemporaryName, parseListObjectsV2, parseWatchLocation, stillBeingWritten, watchKeyOf, watchLocationProblem, type WatchLocation } from "./studio-watch";

export const STUDIO_WATCH_ACTOR = "system:studio-watch";

export interface S3WatchCredentials {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface StudioWatchDeps {
  db: PrismaClient;
  store: AssetStore;
  /** Starts a studio order's flow (default: the intake's). */
  startOrder?: StudioIntakeDeps["startOrder"];
  demo?: boolean;
  /** Credentials for s3:// locations (default: SHOTLANE_S3_*); null when none are configured. */
  s3?: S3WatchCredentials | null;
  /** Where relative folders start (default: the process's working directory). */
  cwd?: string;
  /** A local file must be untouched this long before it is read (default 2 s). */
  settleMs?: number;
  /** Files read per shop and poll; the rest come in with the next poll (default 200). */
  maxFilesPerPoll?: number;
  now?: () => number;
  fetch?: typeof fetch;
}

export interface StudioWatchResult {
  shops: number;
  listed: number;
  imported: number;
  /** Local files left for the next poll because they may still be being written. */
  waiting: number;
  /** Files that could not be read, recorded as failed. */
  failed: number;
  /** Shops whose location could not be listed, with the reason. */
  problems: { shopId: string; message: string }[];
  /** Files whose import broke off (storage or database errors); a later poll takes them again. */
  errors: string[];
}

interface ListedFile {
  /** Path under the folder, or the object key. */
  key: string;
  name: string;
  size: number;
  modifiedMs: number;
  /** What changes when the content does: the modified time locally, the ETag on S3. */
  version: string;
}

/** What each location held at the previous poll (this process's memory: after a restart a local file waits one more poll). */
const previousListings = new Map<string, Map<string, { size: number; modifiedMs: number }>>();
/** The last problem reported per shop, so a broken location is audited once, not every 30 s. */
const reportedProblems = new Map<string, string>();

const MAX_LISTED = 10_000;
const MAX_DEPTH = 6;

class WatchProblem extends Error {}

function s3FromEnv(): S3WatchCredentials | null {
  const config = env();
  if (!config.SHOTLANE_S3_ENDPOINT || !config.SHOTLANE_S3_ACCESS_KEY_ID || !config.SHOTLANE_S3_SECRET_ACCESS_KEY) return null;
  return { endpoint: config.SHOTLANE_S3_ENDPOINT.replace(/\/+$/, ""), region: config.SHOTLANE_S3_REGION, accessKeyId: config.SHOTLANE_S3_ACCESS_KEY_ID, secretAccessKey: config.SHOTLANE_S3_SECRET_ACCESS_KEY };
}

/** Every regular file under the folder (symbolic links and hidden folders left out), relative paths with "/". */
async function listLocal(directory: string): Promise<ListedFile[]> {
  const files: ListedFile[] = [];
  const walk = async (relative: string, depth: number): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(path.join(directory, relative), { withFileTypes: true });
    } catch (error) {
      if (relative !== "") return; // a sub-folder removed while listing
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") throw new WatchProblem(`the watched folder ${directory} does not exist: create it or change the watched location in Settings`);
      if (code === "ENOTDIR") throw new WatchProblem(`the watched location ${directory} is a file, not a folder: change it in Settings`);
      throw new WatchProblem(`the watched folder ${directory} cannot be read (${code ?? String(error)}): check its permissions`);
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (files.length >= MAX_LISTED) return;
      const key = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!entry.name.startsWith(".") && depth < MAX_DEPTH) await walk(key, depth + 1);
      } else if (entry.isFile() && !isTemporaryName(entry.name)) {
        try {
          const info = await stat(path.join(directory, key));
          files.push({ key, name: entry.name, size: info.size, modifiedMs: Math.floor(info.mtimeMs), version: String(Math.floor(info.mtimeMs)) });
        } catch {
          // Gone between readdir and stat: it will not be there to import either.
        }
      }
    }
  };
  await walk("", 0);
  return files;
}

function s3Url(credentials: S3WatchCredentials, bucket: string, key: string | null, query: [string, string][] = []): URL {
  const url = new URL(`${credentials.endpoint}/${bucket}${key === null ? "" : `/${key.split("/").map((segment) => uriEncode(segment)).join("/")}`}`);
  url.search = query.map(([name, value]) => `${uriEncode(name)}=${uriEncode(value)}`).join("&");
  return url;
}

async function s3Get(deps: StudioWatchDeps, credentials: S3WatchCredentials, url: URL): Promise<Response> {
  const signed = signRequest({ method: "GET", url, payloadHash: EMPTY_PAYLOAD_SHA256, credentials, scope: { region: credentials.region, service: "s3" }, date: new Date(deps.now?.() ?? Date.now()) });
  const { host: _host, ...headers } = signed.headers;
  return (deps.fetch ?? fetch)(url, { headers, signal: AbortSignal.timeout(60_000) });
}

async function s3Failure(response: Response, what: string): Promise<string> {
  const body = await response.text().catch(() => "");
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
  const hints: Record<string, string> = { NoSuchBucket: "check the bucket name", AccessDenied: "give Shotlane's S3 key read access to it", SignatureDoesNotMatch: "check SHOTLANE_S3_SECRET_ACCESS_KEY", InvalidAccessKeyId: "check SHOTLANE_S3_ACCESS_KEY_ID" };
  return `${what} answered HTTP ${response.status}${code ? ` ${code}` : ""}${code && hints[code] ? `: ${hints[code]}` : ""}`;
}

async function listS3(deps: StudioWatchDeps, credentials: S3WatchCredentials, location: Extract<WatchLocation, { kind: "s3" }>): Promise<ListedFile[]> {
  const files: ListedFile[] = [];
  let token: string | null = null;
  do {
    const query: [string, string][] = [["list-type", "2"], ["prefix", location.prefix], ...(token ? ([["continuation-token", token]] as [string, string][]) : [])];
    let response: Response;
    try {
      response = await s3Get(deps, credentials, s3Url(credentials, location.bucket, null, query));
    } catch (error) {
      throw new WatchProblem(`listing s3://${location.bucket}/${location.prefix} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!response.ok) throw new WatchProblem(await s3Failure(response, `listing s3://${location.bucket}/${location.prefix}`));
    const page = parseListObjectsV2(await response.text());
    for (const object of page.objects) {
      const name = object.key.split("/").pop()!;
      // Only what sits under the prefix; hidden folders and temporary names are left out, as locally.
      const relative = object.key.slice(location.prefix.length);
      if (isTemporaryName(name) || relative.split("/").some((part) => part.startsWith("."))) continue;
      files.push({ key: object.key, name, size: object.size, modifiedMs: Date.parse(object.lastModified) || 0, version: object.etag || object.lastModified });
    }
    token = page.nextToken;
  } while (token && files.length < MAX_LISTED);
  return files;
}

type ReadResult = { ok: true; bytes: Buffer } | { ok: false; reason: string; retry: boolean };

async function readLocal(directory: string, file: ListedFile): Promise<ReadResult> {
  const full = path.join(directory, file.key);
  try {
    const bytes = await readFile(full);
    const after = await stat(full);
    // Written to while we read it: leave it for the next poll, which sees its new size or time.
    if (after.size !== file.size || Math.floor(after.mtimeMs) !== file.modifiedMs || bytes.length !== file.size) return { ok: false, reason: "changed while it was read", retry: true };
    return { ok: true, bytes };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { ok: false, reason: "the file disappeared before it could be read (moved or deleted): put it back under a new name to import it", retry: false };
    return { ok: false, reason: `the file could not be read (${code ?? (error instanceof Error ? error.message : String(error))}): check its permissions and put it back under a new name`, retry: false };
  }
}

async function readS3(deps: StudioWatchDeps, credentials: S3WatchCredentials, bucket: string, file: ListedFile): Promise<ReadResult> {
  try {
    const response = await s3Get(deps, credentials, s3Url(credentials, bucket, file.key));
    if (response.status === 404) {
      await response.body?.cancel();
      return { ok: false, reason: "the object disappeared before it could be read (moved or deleted): upload it again to import it", retry: false };
    }
    if (!response.ok) return { ok: false, reason: await s3Failure(response, `reading s3://${bucket}/${file.key}`), retry: response.status >= 500 };
    const bytes = Buffer.from(await response.arrayBuffer());
    // Overwritten between the listing and the read: the next listing has its new ETag.
    if (bytes.length !== file.size) return { ok: false, reason: "changed while it was read", retry: true };
    return { ok: true, bytes };
  } catch (error) {
    return { ok: false, reason: `reading s3://${bucket}/${file.key} failed: ${error instanceof Error ? error.message : String(error)}`, retry: true };
  }
}

async function reportProblem(db: PrismaClient, shopId: string, message: string | null): Promise<void> {
  if ((reportedProblems.get(shopId) ?? null) === message) return;
  if (message === null) reportedProblems.delete(shopId);
  else reportedProblems.set(shopId, message);
  if (message !== null) await recordAuditEvent(db, { shopId, actor: STUDIO_WATCH_ACTOR, action: "studio.watch.problem", subjectType: "StudioSettings", subjectId: shopId, data: { message } });
}

/** Lists every watched location once and imports what is new; one shop's broken location never stops the others. */
export async function pollStudioWatch(deps: StudioWatchDeps, options: { shopId?: string } = {}): Promise<StudioWatchResult> {
  const { db } = deps;
  const result: StudioWatchResult = { shops: 0, listed: 0, imported: 0, waiting: 0, failed: 0, problems: [], errors: [] };
  const watched = await db.studioSettings.findMany({
    where: { watchPrefix: { not: null }, shop: { uninstalledAt: null }, ...(options.shopId ? { shopId: options.shopId } : {}) },
    select: { shopId: true, watchPrefix: true },
  });
  for (const { shopId, watchPrefix } of watched) {
    result.shops++;
    try {
      await pollShop(deps, shopId, watchPrefix!, result);
      await reportProblem(db, shopId, null);
    } catch (error) {
      if (!(error instanceof WatchProblem)) throw error;
      result.problems.push({ shopId, message: error.message });
      await reportProblem(db, shopId, error.message);
    }
  }
  return result;
}

async function pollShop(deps: StudioWatchDeps, shopId: string, watchPrefix: string, result: StudioWatchResult): Promise<void> {
  const { db } = deps;
  // Names are matched against the catalog mirror: before the first sync, or while one runs, they would match half a catalog.
  if (!(await db.product.findFirst({ where: { shopId }, select: { id: true } }))) return;
  // (A run older than an hour is a stuck one the catalog reconciler deals with; it does not stop the watch.)
  if (await db.syncRun.findFirst({ where: { shopId, status: { in: [...ACTIVE_SYNC_STATUSES] }, createdAt: { gt: new Date(Date.now() - 3_600_000) } }, select: { id: true } })) return;

  const location = parseWatchLocation(watchPrefix, deps.cwd ?? process.cwd());
  const credentials = location.kind === "s3" ? (deps.s3 === undefined ? s3FromEnv() : deps.s3) : null;
  const problem = watchLocationProblem(location, shopId, { production: env().NODE_ENV === "production", assetBucket: env().SHOTLANE_S3_BUCKET });
  if (problem) throw new WatchProblem(problem);
  if (location.kind === "s3" && !credentials) throw new WatchProblem("an S3 location needs Shotlane's S3 settings (SHOTLANE_S3_ENDPOINT, SHOTLANE_S3_ACCESS_KEY_ID, SHOTLANE_S3_SECRET_ACCESS_KEY): ask the app's operator, or watch a local folder in the demo");

  const listed = location.kind === "local" ? await listLocal(location.directory) : await listS3(deps, credentials!, location);
  result.listed += listed.length;
  const memoryKey = `${shopId}|${watchPrefix}`;
  const previous = previousListings.get(memoryKey) ?? new Map<string, { size: number; modifiedMs: number }>();
  previousListings.set(memoryKey, new Map(listed.map((f) => [f.key, { size: f.size, modifiedMs: f.modifiedMs }])));

  const keyed = listed.map((file) => ({ file, watchKey: watchKeyOf(file.key, file.size, file.version) }));
  const known = new Set<string>();
  for (let i = 0; i < keyed.length; i += 1000) {
    // A row still "uploading" is being taken in by another poll, unless that poll died long ago.
    const rows = await db.studioUpload.findMany({
      where: { shopId, watchKey: { in: keyed.slice(i, i + 1000).map((k) => k.watchKey) }, OR: [{ status: { not: "uploading" } }, { updatedAt: { gt: new Date(Date.now() - STALE_UPLOADING_MS) } }] },
      select: { watchKey: true },
    });
    for (const row of rows) known.add(row.watchKey!);
  }
  const now = deps.now?.() ?? Date.now();
  let read = 0;
  for (const { file, watchKey } of keyed) {
    if (known.has(watchKey)) continue;
    // S3 objects appear whole when their upload completes; a local copy may still be running.
    if (location.kind === "local" && stillBeingWritten(file, previous.get(file.key), now, deps.settleMs ?? 2000)) {
      result.waiting++;
      continue;
    }
    if (read >= (deps.maxFilesPerPoll ?? 200)) break;
    read++;
    const unreadable = (reason: string) => recordUnreadableStudioFile(db, { shopId, fileName: file.name, sourceKey: file.key, watchKey, size: file.size, reason, actor: STUDIO_WATCH_ACTOR });
    if (file.size > DEFAULT_DECODE_LIMITS.maxBytes) {
      await unreadable(`the file is ${(file.size / 1048576).toFixed(1)} MB; the limit is ${DEFAULT_DECODE_LIMITS.maxBytes / 1048576} MB: export a smaller or more compressed image`);
      result.failed++;
      continue;
    }
    const bytes = location.kind === "local" ? await readLocal(location.directory, file) : await readS3(deps, credentials!, location.bucket, file);
    if (!bytes.ok) {
      if (bytes.retry) result.waiting++;
      else {
        await unreadable(bytes.reason);
        result.failed++;
      }
      continue;
    }
    try {
      await registerStudioFile({ db, store: deps.store, demo: deps.demo, startOrder: deps.startOrder }, { shopId, channel: "watch", fileName: file.name, sourceKey: file.key, watchKey, bytes: bytes.bytes, actor: STUDIO_WATCH_ACTOR });
      result.imported++;
    } catch (error) {
      // The database or the asset store failed mid-way: the file's row (if any) is finished by a later poll.
      result.errors.push(`${file.key}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
