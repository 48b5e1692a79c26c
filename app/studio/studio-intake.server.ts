/**
 * Studio files in (issue #8). Uploads (chunked, in the app) and the watched
 * prefix both end here: the bytes are checked and stored, the name is matched
 * to a product, colourway and view by the shop's convention, and a match
 * becomes a studio asset in a studio production order, so it goes through the
 * same post-production, checks, review and publishing as AI output
 * (docs/decisions/0023-studio-intake.md). Nothing is dropped: every file keeps
 * a StudioUpload row saying what happened to it and why.
 */
import { Prisma, type PrismaClient } from "@prisma/client";
import { z } from "zod";
import { QueueUnavailableError } from "../../jobs/queues";
import { recordAuditEvent } from "../audit/audit.server";
import { env } from "../config/env";
import { decodeImage, ImageRejectedError, inspectImage, type ImageFormat } from "../imaging/safe-decode";
import { enqueueOrderFlow } from "../production/production-flow.server";
import { ASSET_LABELS, type AssetKind } from "../production/production-plan";
import { variantColour } from "../publishing/media-plan";
import { fieldErrorsOf } from "../recipes/recipe-spec";
import { resolveRecipeForProduct } from "../recipes/recipes.server";
import type { AssetStore } from "../storage/asset-store";
import { inspectStudioVideo, sniffStudioVideo } from "../video/studio-video.server";
import { matchStudioFiles, STUDIO_VIDEO_EXTENSIONS, viewAssetKind, type StudioCatalogProduct, type StudioMatch } from "./file-matching";
import { ASSIGNABLE_STATUSES, candidateProducts, DISCARDABLE_STATUSES, nearbyProducts, prefilterIndex, studioAssignmentSchema, type PrefilterIndex, type StudioUploadStatus } from "./studio-intake";
import { loadStudioSettings } from "./studio-settings.server";

type Tx = Prisma.TransactionClient;

export interface StudioIntakeDeps {
  db: PrismaClient;
  store: AssetStore;
  /** Demo mode (default: the environment's); decides which default recipes a new shop gets. */
  demo?: boolean;
  /** Starts an order's flow once its rows are written (default: enqueueOrderFlow; an unreachable queue is left to the reconciler). */
  startOrder?: (orderId: string) => Promise<void>;
}

/** What the pages and the upload API show of one studio file. */
export interface StudioUploadView {
  id: string;
  channel: "upload" | "watch";
  fileName: string;
  /** uploading | unmatched | ambiguous | rejected | duplicate | ingested | failed | discarded */
  status: string;
  reason: string | null;
  suggestions: string[];
  /** Products an ambiguous file could belong to. */
  candidates: { productId: string; title: string }[];
  productId: string | null;
  productTitle: string | null;
  sku: string | null;
  colour: string | null;
  assetKind: string | null;
  assetId: string | null;
  size: number;
  receivedBytes: number;
  createdAt: string;
  /** Whether a person can still assign it by hand (its bytes are an image we can read); set by this service's answers. */
  assignable?: boolean;
  /** matched (by the naming convention) | hand; set by this service's answers. */
  matchedBy?: string | null;
}

export interface RegisterStudioFileInput {
  shopId: string;
  channel: "upload" | "watch";
  fileName: string;
  /** upload: the browser's resume key; watch: the object key or path. */
  sourceKey: string;
  /** watch only: key + size + modified time (imports a file once). */
  watchKey?: string;
  bytes: Buffer;
  actor: string;
  /** A chunked upload's StudioUpload row, completed by this call (else a new row is made). */
  uploadId?: string;
}

/** A request the service refuses (no such file, a state that does not allow it); `field` names what to fix. */
export class StudioIntakeError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = "StudioIntakeError";
  }
}

const registerInputSchema = z
  .object({
    shopId: z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, "must be a shop's myshopify domain"),
    channel: z.enum(["upload", "watch"], { error: 'must be "upload" or "watch"' }),
    fileName: z.string().trim().min(1, "give the file's name").max(1000, "keep the file name under 1000 characters"),
    sourceKey: z.string().max(2000, "keep the source key under 2000 characters"),
    watchKey: z.string().min(1).max(2100).optional(),
    bytes: z.instanceof(Buffer, { error: "must be the file's bytes" }),
    actor: z.string().min(1, "name who sent the file"),
    uploadId: z.string().min(1).optional(),
  })
  .refine((input) => input.channel !== "watch" || input.watchKey !== undefined, { path: ["watchKey"], error: "a watched file needs its key, size and time" });

function checkRegisterInput(input: RegisterStudioFileInput): void {
  const parsed = registerInputSchema.safeParse(input);
  if (parsed.success) return;
  const issue = parsed.error.issues[0]!;
  throw new StudioIntakeError(issue.path.map(String).join(".") || "input", issue.message);
}

// ---------------------------------------------------------------------------
// Views

type UploadRow = Prisma.StudioUploadGetPayload<object>;

function isAssignable(row: Pick<UploadRow, "status" | "storageKey" | "contentType">): boolean {
  return (ASSIGNABLE_STATUSES as readonly string[]).includes(row.status) && row.storageKey !== null && (row.contentType?.startsWith("image/") ?? false);
}

function toView(row: UploadRow, titles: ReadonlyMap<string, string>): StudioUploadView {
  return {
    id: row.id,
    channel: row.channel === "watch" ? "watch" : "upload",
    fileName: row.fileName,
    status: row.status,
    reason: row.reason,
    suggestions: row.suggestions,
    candidates: row.candidateIds.map((productId) => ({ productId, title: titles.get(productId) ?? productId })),
    productId: row.productId,
    productTitle: row.productId ? (titles.get(row.productId) ?? null) : null,
    sku: row.sku,
    colour: row.colour,
    assetKind: row.assetKind,
    assetId: row.assetId,
    size: row.size,
    receivedBytes: row.receivedBytes,
    createdAt: row.createdAt.toISOString(),
    assignable: isAssignable(row),
    matchedBy: row.matchedBy,
  };
}

/** Product titles of the rows' products and candidates, in one query. */
async function titlesOf(db: PrismaClient | Tx, shopId: string, rows: readonly UploadRow[]): Promise<Map<string, string>> {
  const ids = [...new Set(rows.flatMap((r) => [...(r.productId ? [r.productId] : []), ...r.candidateIds]))];
  if (ids.length === 0) return new Map();
  const products = await db.product.findMany({ where: { shopId, id: { in: ids } }, select: { id: true, title: true } });
  return new Map(products.map((p) => [p.id, p.title]));
}

/** The views of rows of one shop, with their product and candidate titles in one query (the upload API's answers). */
export async function studioUploadViews(db: PrismaClient | Tx, shopId: string, rows: readonly UploadRow[]): Promise<StudioUploadView[]> {
  const titles = await titlesOf(db, shopId, rows);
  return rows.map((row) => toView(row, titles));
}

async function viewOf(db: PrismaClient, shopId: string, uploadId: string): Promise<StudioUploadView> {
  const row = await db.studioUpload.findFirstOrThrow({ where: { id: uploadId, shopId } });
  return toView(row, await titlesOf(db, shopId, [row]));
}

// ---------------------------------------------------------------------------
// The catalog the names are matched against

/** A shop's catalog for matching, kept while the mirror is unchanged (same product count and newest sync) for at most this long. */
const CATALOG_TTL_MS = 30_000;
const CATALOG_CACHE_SHOPS = 32;
const catalogCache = new Map<string, { stamp: string; at: number; index: PrefilterIndex }>();

/** Forgets cached catalogs (tests that rewrite the mirror within the TTL). */
export function clearStudioCatalogCache(): void {
  catalogCache.clear();
}

/**
 * Only what matching reads: product ids and titles, variant ids, SKUs and
 * options. One file at a time must not reload a 10,000-variant catalog: the
 * catalog is cached per shop and checked against a two-aggregate stamp of
 * the mirror on every call (a sync or a webhook changes it).
 */
export async function studioCatalog(db: PrismaClient, shopId: string): Promise<PrefilterIndex> {
  const [stamp] = await db.$queryRaw<{ n: bigint; latest: Date | null }[]>`SELECT count(*) AS n, max("syncedAt") AS latest FROM "Product" WHERE "shopId" = ${shopId}`;
  const key = `${stamp?.n ?? 0}:${stamp?.latest?.getTime() ?? 0}`;
  const hit = catalogCache.get(shopId);
  if (hit && hit.stamp === key && Date.now() - hit.at < CATALOG_TTL_MS) return hit.index;
  const rows = await db.$queryRaw<{ productId: string; title: string; variantId: string | null; sku: string | null; options: unknown }[]>`
    SELECT p."id" AS "productId", p."title", v."id" AS "variantId", v."sku", v."options"
    FROM "Product" p LEFT JOIN "ProductVariant" v ON v."productId" = p."id"
    WHERE p."shopId" = ${shopId}
    ORDER BY p."id", v."position"`;
  const products = new Map<string, StudioCatalogProduct>();
  for (const row of rows) {
    let product = products.get(row.productId);
    if (!product) products.set(row.productId, (product = { productId: row.productId, title: row.title, variants: [] }));
    if (row.variantId) product.variants.push({ id: row.variantId, sku: row.sku, options: optionsOf(row.options) });
  }
  const index = prefilterIndex([...products.values()]);
  catalogCache.delete(shopId);
  catalogCache.set(shopId, { stamp: key, at: Date.now(), index });
  while (catalogCache.size > CATALOG_CACHE_SHOPS) catalogCache.delete(catalogCache.keys().next().value!);
  return index;
}

function optionsOf(value: unknown): Record<string, string> {
  const parsed = typeof value === "string" ? (JSON.parse(value) as unknown) : value;
  if (!parsed || typeof parsed !== "object") return {};
  return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

/**
 * One file's match: against the products whose SKUs occur in its name; when
 * that is no match, against the products with a SKU within two edits of a
 * part of the name, which gives the whole catalog's reason and suggestions.
 */
export async function matchStudioFile(db: PrismaClient, shopId: string, fileName: string, template: string): Promise<StudioMatch> {
  const catalog = await studioCatalog(db, shopId);
  const [quick] = matchStudioFiles([{ name: fileName }], candidateProducts(catalog, fileName), template);
  if (quick!.status === "matched") return quick!;
  return matchStudioFiles([{ name: fileName }], nearbyProducts(catalog, fileName), template)[0]!;
}

// ---------------------------------------------------------------------------
// The bytes

type Inspected =
  | { ok: true; kind: "image" | "video"; label: string; contentType: string; extension: string; width: number; height: number; durationSeconds: number | null }
  | { ok: false; reason: string; contentType: string | null; extension: string };

const IMAGE_TYPES: Record<ImageFormat, { contentType: string; extension: string; label: string }> = {
  jpeg: { contentType: "image/jpeg", extension: "jpg", label: "a JPEG image" },
  png: { contentType: "image/png", extension: "png", label: "a PNG image" },
  webp: { contentType: "image/webp", extension: "webp", label: "a WebP image" },
  avif: { contentType: "image/avif", extension: "avif", label: "an AVIF image" },
  tiff: { contentType: "image/tiff", extension: "tif", label: "a TIFF image" },
  heif: { contentType: "image/heif", extension: "heif", label: "a HEIF image" },
  gif: { contentType: "image/gif", extension: "gif", label: "a GIF image" },
};

const isVideoName = (fileName: string) => (STUDIO_VIDEO_EXTENSIONS as readonly string[]).includes(fileName.slice(fileName.lastIndexOf(".") + 1).toLowerCase());

/**
 * What the file really is, from its bytes. A still: the header within the
 * pixel and size limits, then a decode at thumbnail size (JPEG
 * shrink-on-load keeps it cheap), which finds truncated and damaged files
 * before they become assets. A clip: ffmpeg's probe and its first frame
 * (inspectStudioVideo); the transcode waits for post-production.
 */
async function inspectStudioBytes(bytes: Buffer, fileName: string): Promise<Inspected> {
  if (bytes.length === 0) return { ok: false, reason: "the file is empty (0 bytes): upload it again", contentType: null, extension: "bin" };
  const video = sniffStudioVideo(bytes);
  if (video) {
    const clip = await inspectStudioVideo(bytes);
    if (!clip.ok) return { ok: false, reason: clip.reason, contentType: video.contentType, extension: video.extension };
    return { ok: true, kind: "video", label: video.label, contentType: video.contentType, extension: video.extension, width: clip.width, height: clip.height, durationSeconds: clip.durationSeconds };
  }
  try {
    const header = await inspectImage(bytes);
    await decodeImage(bytes, { maxEdge: 64 });
    const type = IMAGE_TYPES[header.format];
    return { ok: true, kind: "image", ...type, width: header.width, height: header.height, durationSeconds: null };
  } catch (error) {
    if (!(error instanceof ImageRejectedError)) throw error;
    // Named as a clip, bytes that are neither a clip nor an image: say what a clip must be, not what an image must be.
    if (isVideoName(fileName) && error.code === "not_an_image") {
      return { ok: false, reason: "its bytes are not a video Shotlane can read (nor an image): export the clip again as MP4 (H.264), MOV or WebM and upload it", contentType: null, extension: "bin" };
    }
    return { ok: false, reason: lowerFirst(error.message), contentType: null, extension: "bin" };
  }
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);
const isoDay = (date: Date) => date.toISOString().slice(0, 10);

// ---------------------------------------------------------------------------
// Registering a file

/** A watched file's row left "uploading" this long was abandoned by a crashed poll: the next poll finishes it. */
export const STALE_UPLOADING_MS = 10 * 60_000;

async function claimRow(db: PrismaClient, input: RegisterStudioFileInput): Promise<{ row: UploadRow; fresh: boolean }> {
  const { shopId } = input;
  if (input.uploadId) {
    const row = await db.studioUpload.findFirst({ where: { id: input.uploadId, shopId } });
    if (!row) throw new StudioIntakeError("uploadId", "no such upload in this shop: start the upload again");
    return { row, fresh: row.status === "uploading" };
  }
  const data = { shopId, channel: input.channel, fileName: input.fileName, sourceKey: input.sourceKey, watchKey: input.watchKey ?? null, size: input.bytes.length, status: "uploading", createdBy: input.actor };
  if (!input.watchKey) return { row: await db.studioUpload.create({ data }), fresh: true };
  try {
    return { row: await db.studioUpload.create({ data }), fresh: true };
  } catch (error) {
    if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
    const row = await db.studioUpload.findUniqueOrThrow({ where: { shopId_watchKey: { shopId, watchKey: input.watchKey } } });
    return { row, fresh: row.status === "uploading" && Date.now() - row.updatedAt.getTime() > STALE_UPLOADING_MS };
  }
}

/** A finished file's row: its status and what the checks and the match found. */
type Finished = Prisma.StudioUploadUpdateManyMutationInput & { status: StudioUploadStatus };

/**
 * Validates the bytes (a real image, within limits), stores them, matches the
 * name against the shop's convention and catalog, and for a match creates the
 * studio asset and starts its post-production and checks. Never throws for a
 * bad file: the row records why. Calling it again for a file already handled
 * returns the row as it is.
 */
export async function registerStudioFile(deps: StudioIntakeDeps, input: RegisterStudioFileInput): Promise<StudioUploadView> {
  checkRegisterInput(input);
  const { db, store } = deps;
  const { shopId, bytes, actor } = input;
  const { row, fresh } = await claimRow(db, input);
  if (!fresh) return viewOf(db, shopId, row.id);
  await recordAuditEvent(db, { shopId, actor, action: "studio.file.received", subjectType: "StudioUpload", subjectId: row.id, data: { fileName: input.fileName, channel: input.channel, bytes: bytes.length } });

  const inspected = await inspectStudioBytes(bytes, row.fileName);
  const stored = bytes.length > 0 ? await store.put(bytes, { contentType: inspected.contentType ?? "application/octet-stream", extension: inspected.extension }) : null;
  const received = { size: bytes.length, receivedBytes: bytes.length, sha256: stored?.sha256 ?? null, storageKey: stored?.key ?? null, contentType: inspected.contentType, completedAt: new Date() };

  if (!inspected.ok) return finishRow(deps, row, actor, { ...received, status: "rejected", reason: inspected.reason });

  const settings = await loadStudioSettings(db, shopId);
  const match = await matchStudioFile(db, shopId, row.fileName, settings.namingTemplate);
  const earlier = await db.studioUpload.findFirst({ where: { shopId, sha256: received.sha256, status: "ingested", id: { not: row.id } }, orderBy: { createdAt: "asc" } });
  if (earlier) {
    const target = match.status === "matched" ? { productId: match.productId, candidateIds: [match.productId], sku: match.sku, colour: match.colour, assetKind: match.asset } : { candidateIds: match.productIds ?? [] };
    return finishRow(deps, row, actor, { ...received, ...target, status: "duplicate", reason: `the same file as ${earlier.fileName}, taken in on ${isoDay(earlier.createdAt)}: discard it, or assign it by hand if it is meant for another product or view` });
  }
  if (match.status !== "matched") {
    return finishRow(deps, row, actor, { ...received, status: match.status, reason: match.reason, suggestions: match.suggestions ?? [], candidateIds: match.productIds ?? [] });
  }
  // The matcher takes any clip extension for the video view; the bytes and the view word must agree with it.
  if (match.asset === "video" && inspected.kind !== "video") {
    const named = viewAssetKind(match.view) === "video" ? "the name says video" : `the name ends in .${row.fileName.slice(row.fileName.lastIndexOf(".") + 1)}, a clip's extension,`;
    return finishRow(deps, row, actor, { ...received, status: "rejected", reason: `${named} but the file is ${inspected.label}: name the still by its view with its own extension (for example ${match.sku}_front.${inspected.extension})` });
  }
  if (inspected.kind === "video" && (match.asset !== "video" || viewAssetKind(match.view) !== "video")) {
    return finishRow(deps, row, actor, {
      ...received,
      status: "rejected",
      reason: `it is ${inspected.label} but "${match.view}" names a still view: name the clip by the video view (for example ${match.sku}_video.${inspected.extension === "webm" ? "webm" : "mp4"}) and upload it again`,
    });
  }
  const target: IngestTarget = { productId: match.productId, colour: match.colour, assetKind: match.asset, variantIds: match.variantIds, sku: match.sku, matchedBy: "matched" };
  // A second shot of a view already delivered (and not turned down in review) waits for a person, unless the name numbers its shots.
  if (match.index === undefined) {
    const taken = await liveStudioShots(db, shopId, target);
    if (taken.length >= settings.imagesPerView) {
      const first = taken[0]!;
      const shot = `${ASSET_LABELS[match.asset]}${match.colour ? `, ${match.colour}` : ""}`;
      return finishRow(deps, row, actor, {
        ...received,
        status: "duplicate",
        productId: match.productId,
        candidateIds: [match.productId],
        sku: match.sku,
        colour: match.colour,
        assetKind: match.asset,
        reason: `${match.productTitle} already has a studio ${shot} shot (${first.fileName}, taken in on ${isoDay(first.createdAt)}): discard one, or assign this one by hand to keep both`,
      });
    }
  }
  const file = { storageKey: received.storageKey, contentType: inspected.contentType, width: inspected.width, height: inspected.height, bytes: bytes.length, durationSeconds: inspected.durationSeconds };
  const outcome = await ingest(deps, row, [row.status], target, file, received, actor);
  return viewOf(db, shopId, outcome.uploadId);
}

/** Studio files already taken in for this product, colourway and view whose assets are still wanted. */
async function liveStudioShots(db: PrismaClient, shopId: string, target: IngestTarget) {
  const rows = await db.studioUpload.findMany({
    where: { shopId, status: "ingested", productId: target.productId, assetKind: target.assetKind, colour: target.colour === null ? null : { equals: target.colour, mode: "insensitive" }, assetId: { not: null } },
    select: { fileName: true, createdAt: true, assetId: true },
    orderBy: { createdAt: "asc" },
  });
  if (rows.length === 0) return rows;
  const turnedDown = new Set(
    (await db.asset.findMany({ where: { id: { in: rows.map((r) => r.assetId!) }, OR: [{ reviewStatus: { in: ["rejected", "auto-rejected", "superseded"] } }, { status: { in: ["failed", "canceled"] } }, { postStatus: "failed" }] }, select: { id: true } })).map((a) => a.id),
  );
  return rows.filter((r) => !turnedDown.has(r.assetId!));
}

async function finishRow(deps: StudioIntakeDeps, row: UploadRow, actor: string, data: Finished): Promise<StudioUploadView> {
  const { db } = deps;
  await db.$transaction(async (tx) => {
    const { count } = await tx.studioUpload.updateMany({ where: { id: row.id, status: "uploading" }, data });
    if (count === 0) return;
    await recordAuditEvent(tx, { shopId: row.shopId, actor, action: "studio.file.unmatched", subjectType: "StudioUpload", subjectId: row.id, data: { fileName: row.fileName, status: data.status, reason: (data.reason as string | null | undefined) ?? null } });
  });
  return viewOf(db, row.shopId, row.id);
}

// ---------------------------------------------------------------------------
// Ingest: the file becomes a studio asset

interface IngestTarget {
  productId: string;
  colour: string | null;
  assetKind: AssetKind;
  variantIds: string[];
  sku: string | null;
  matchedBy: "matched" | "hand";
}

interface IngestFile {
  storageKey: string | null;
  contentType: string | null;
  width: number;
  height: number;
  bytes: number;
  /** Clips only: the probed length (post-production replaces it with the normalised clip's). */
  durationSeconds?: number | null;
}

/** The upload was handled by another call meanwhile (assigned, discarded, ingested): nothing was written. */
class AlreadyHandled extends Error {}

/**
 * Writes the studio asset, its request and order, and the upload's new state
 * in one transaction (the upload's state is the claim: a second call for the
 * same upload finds it taken and writes nothing), then starts the order's
 * flow. A crash after the commit leaves an order the reconciler restarts.
 */
async function ingest(deps: StudioIntakeDeps, row: UploadRow, fromStatuses: string[], target: IngestTarget, file: IngestFile, rowData: Prisma.StudioUploadUpdateManyMutationInput, actor: string, assignedBy?: string): Promise<{ uploadId: string; assetId: string | null }> {
  const { db } = deps;
  const { shopId } = row;
  const product = await db.product.findFirst({ where: { id: target.productId, shopId }, select: { id: true, productType: true, tags: { select: { tag: true } } } });
  if (!product) throw new StudioIntakeError("productId", "choose a product of this shop");
  if (!file.storageKey || !file.contentType) throw new StudioIntakeError("uploadId", "the file's bytes are not stored: upload it again");
  const recipe = await resolveRecipeForProduct(db, shopId, { productType: product.productType, tags: product.tags.map((t) => t.tag) }, { demo: deps.demo ?? env().demo });

  let outcome: { orderId: string; assetId: string; reused: boolean; lists: string[] };
  try {
    outcome = await db.$transaction(async (tx) => {
      const claimed = await tx.studioUpload.updateMany({
        where: { id: row.id, shopId, status: { in: fromStatuses }, assetId: null },
        data: {
          ...rowData,
          status: "ingested",
          reason: null,
          suggestions: [],
          productId: target.productId,
          sku: target.sku,
          colour: target.colour,
          assetKind: target.assetKind,
          variantIds: target.variantIds,
          matchedBy: target.matchedBy,
          ...(assignedBy ? { assignedBy } : {}),
        },
      });
      if (claimed.count === 0) throw new AlreadyHandled();

      const { order, reused } = await studioOrder(tx, shopId, target.productId, actor);
      const request =
        (await tx.assetRequest.findFirst({ where: { orderId: order.id, asset: target.assetKind, source: "studio" } })) ??
        (await tx.assetRequest.create({ data: { shopId, orderId: order.id, productId: target.productId, asset: target.assetKind, source: "studio", status: "queued", recipeVersionId: recipe.recipeVersionId, candidatesWanted: 0 } }));
      const last = await tx.asset.aggregate({ where: { requestId: request.id }, _max: { candidateIndex: true } });
      const asset = await tx.asset.create({
        data: {
          shopId,
          productId: target.productId,
          orderId: order.id,
          requestId: request.id,
          candidateIndex: (last._max.candidateIndex ?? -1) + 1,
          source: "studio",
          // A clip is stored as delivered; post-production normalises it to the recipe's output video (ADR 0023).
          kind: target.assetKind === "video" ? "video" : "image",
          status: "stored",
          provider: "studio",
          model: row.channel === "watch" ? "studio-watch" : "studio-upload",
          operation: "studio-delivery",
          recipeVersionId: recipe.recipeVersionId,
          // Publishing replaces and labels media by plan asset kind, so a studio shot's view is its kind.
          view: target.assetKind,
          colour: target.colour,
          storageKey: file.storageKey,
          contentType: file.contentType,
          width: file.width,
          height: file.height,
          bytes: file.bytes,
          durationSeconds: file.durationSeconds ?? null,
          costMicros: 0,
          finishedAt: new Date(),
          postStatus: "queued",
          qcStatus: "queued",
        },
      });
      await tx.assetRequest.update({ where: { id: request.id }, data: { candidatesWanted: { increment: 1 }, status: "queued", error: null } });
      await tx.studioUpload.update({ where: { id: row.id }, data: { assetId: asset.id, orderId: order.id } });
      const delivery = await recordShotListDelivery(tx, { shopId, productId: target.productId, colour: target.colour, assetKind: target.assetKind });

      const subject = { shopId, actor, subjectType: "StudioUpload", subjectId: row.id } as const;
      const what = { fileName: row.fileName, productId: target.productId, sku: target.sku, colour: target.colour, assetKind: target.assetKind };
      await recordAuditEvent(tx, { ...subject, action: target.matchedBy === "hand" ? "studio.file.assigned" : "studio.file.matched", data: what });
      await recordAuditEvent(tx, {
        ...subject,
        action: "studio.file.ingested",
        data: { ...what, assetId: asset.id, orderId: order.id, orderReused: reused, recipeVersionId: recipe.recipeVersionId, recipeVersion: recipe.version, category: recipe.categoryKey, shotListLines: delivery.lines, shotListsDelivered: delivery.delivered },
      });
      return { orderId: order.id, assetId: asset.id, reused, lists: delivery.delivered };
    });
  } catch (error) {
    if (error instanceof AlreadyHandled) return { uploadId: row.id, assetId: null };
    throw error;
  }
  await startOrder(deps, outcome.orderId);
  return { uploadId: row.id, assetId: outcome.assetId };
}

/**
 * The product's studio order that has not started yet (none of its files has
 * been picked up by post-production), locked, with its flow generation bumped
 * so the flow added after this write includes the new file; else a new one.
 * Studio orders skip the one-open-order rule of AI orders: a product whose AI
 * order still runs may receive studio files.
 */
async function studioOrder(tx: Tx, shopId: string, productId: string, actor: string): Promise<{ order: { id: string }; reused: boolean }> {
  const [open] = await tx.$queryRaw<{ id: string }[]>`
    SELECT o."id" FROM "ProductionOrder" o
    WHERE o."shopId" = ${shopId} AND o."productId" = ${productId} AND o."source" = 'studio' AND o."status" = 'queued'
      AND NOT EXISTS (SELECT 1 FROM "Asset" a WHERE a."orderId" = o."id" AND (a."postStatus" IS DISTINCT FROM 'queued' OR a."qcStatus" IS DISTINCT FROM 'queued'))
    ORDER BY o."createdAt" DESC
    LIMIT 1
    FOR UPDATE OF o`;
  if (open) {
    await tx.productionOrder.update({ where: { id: open.id }, data: { generation: { increment: 1 } } });
    return { order: open, reused: true };
  }
  const order = await tx.productionOrder.create({ data: { shopId, productId, status: "queued", source: "studio", requestedBy: actor } });
  await recordAuditEvent(tx, { shopId, actor, action: "production.order.created", subjectType: "ProductionOrder", subjectId: order.id, data: { productId, source: "studio" } });
  return { order, reused: false };
}

async function startOrder(deps: StudioIntakeDeps, orderId: string): Promise<void> {
  try {
    await (deps.startOrder ?? ((id: string) => enqueueOrderFlow(deps.db, id)))(orderId);
  } catch (error) {
    // The rows are written: the reconciler re-creates the flow of a queued order within a minute or two.
    if (!(error instanceof QueueUnavailableError)) throw error;
  }
}

/**
 * A studio file of (product, colourway, view) has arrived: the view is marked
 * delivered on the product's shot-list lines that asked for it (same
 * colourway, or a line without one) on lists already sent, and a list whose
 * every line has all its views becomes "delivered".
 */
export async function recordShotListDelivery(tx: Tx | PrismaClient, input: { shopId: string; productId: string; colour: string | null; assetKind: string }): Promise<{ lines: number; delivered: string[] }> {
  const { shopId, productId, colour, assetKind } = input;
  const colourMatches = colour === null ? Prisma.sql`l."colourway" IS NULL` : Prisma.sql`(l."colourway" IS NULL OR lower(trim(l."colourway")) = lower(trim(${colour})))`;
  const touched = await tx.$queryRaw<{ shotListId: string }[]>`
    UPDATE "ShotListLine" l
    SET "deliveredViews" = ARRAY(SELECT DISTINCT unnest(l."deliveredViews" || ARRAY[${assetKind}]::text[]) ORDER BY 1)
    FROM "ShotList" s
    WHERE l."shotListId" = s."id" AND s."status" <> 'draft' AND l."shopId" = ${shopId} AND l."productId" = ${productId}
      AND ${colourMatches} AND ${assetKind} = ANY(l."views") AND NOT (${assetKind} = ANY(l."deliveredViews"))
    RETURNING l."shotListId"`;
  const listIds = [...new Set(touched.map((t) => t.shotListId))];
  if (listIds.length === 0) return { lines: 0, delivered: [] };
  const delivered = await tx.$queryRaw<{ id: string }[]>`
    UPDATE "ShotList" s SET "status" = 'delivered', "deliveredAt" = now(), "updatedAt" = now()
    WHERE s."id" IN (${Prisma.join(listIds)}) AND s."status" NOT IN ('draft', 'delivered')
      AND NOT EXISTS (SELECT 1 FROM "ShotListLine" l WHERE l."shotListId" = s."id" AND NOT (l."views" <@ l."deliveredViews"))
    RETURNING s."id"`;
  return { lines: touched.length, delivered: delivered.map((d) => d.id) };
}

// ---------------------------------------------------------------------------
// A person's decisions

export type AssignResult = { ok: true; upload: StudioUploadView } | { ok: false; errors: Record<string, string> };

/** Hand assignment of an unmatched, ambiguous, duplicate or rejected-by-name file: product, view (plan asset kind) and colourway. */
export async function assignStudioUpload(deps: StudioIntakeDeps, shopId: string, uploadId: string, input: unknown, actor: string): Promise<AssignResult> {
  const { db, store } = deps;
  const parsed = studioAssignmentSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: fieldErrorsOf(parsed.error) };
  const { productId, assetKind, colour: wanted } = parsed.data;
  const row = await db.studioUpload.findFirst({ where: { id: uploadId, shopId } });
  if (!row) return { ok: false, errors: { uploadId: "no such studio file in this shop: reload the list" } };
  if (!(ASSIGNABLE_STATUSES as readonly string[]).includes(row.status)) return { ok: false, errors: { uploadId: `it is ${row.status}: only unmatched, ambiguous, duplicate or rejected files can be assigned` } };
  if (!isAssignable(row)) {
    if (row.contentType?.startsWith("video/")) return { ok: false, errors: { uploadId: "it is a video: clips are matched by name only, so rename it <SKU>_video.mp4 and upload it again" } };
    return { ok: false, errors: { uploadId: "its bytes are not an image Shotlane can read, so it cannot become an asset: export it again as JPEG, PNG, WebP or TIFF and upload it" } };
  }

  const product = await db.product.findFirst({ where: { id: productId, shopId }, select: { id: true, title: true, variants: { select: { id: true, sku: true, options: true }, orderBy: { position: "asc" } } } });
  if (!product) return { ok: false, errors: { productId: "choose a product of this shop" } };
  const variants = product.variants.map((v) => ({ ...v, colour: variantColour(Object.entries(optionsOf(v.options)).map(([name, value]) => ({ name, value }))) }));
  const colours = [...new Map(variants.filter((v) => v.colour !== null).map((v) => [v.colour!.trim().toLowerCase(), v.colour!])).values()];
  let colour: string | null;
  if (wanted !== null) {
    colour = colours.find((c) => c.trim().toLowerCase() === wanted.toLowerCase()) ?? null;
    if (colour === null) return { ok: false, errors: { colour: colours.length ? `"${wanted}" is not a colour of ${product.title}: choose ${colours.join(", ")}` : `${product.title} has no colour option: leave the colourway empty` } };
  } else if (colours.length > 1) {
    return { ok: false, errors: { colour: `choose which colourway of ${product.title} the file shows: ${colours.join(", ")}` } };
  } else colour = colours[0] ?? null;
  const ofColour = variants.filter((v) => (colour === null ? v.colour === null : v.colour?.trim().toLowerCase() === colour.toLowerCase()));
  const chosen = ofColour.length ? ofColour : variants;

  let header;
  try {
    header = await inspectImage(await store.get(row.storageKey!));
  } catch (error) {
    if (!(error instanceof ImageRejectedError)) throw error;
    return { ok: false, errors: { uploadId: `${lowerFirst(error.message)}` } };
  }
  const target: IngestTarget = { productId, colour, assetKind, variantIds: chosen.map((v) => v.id), sku: chosen.find((v) => v.sku)?.sku ?? null, matchedBy: "hand" };
  const file = { storageKey: row.storageKey, contentType: row.contentType, width: header.width, height: header.height, bytes: row.size };
  const outcome = await ingest(deps, row, [row.status], target, file, { candidateIds: [] }, actor, actor);
  if (!outcome.assetId) return { ok: false, errors: { uploadId: "someone else assigned or discarded this file meanwhile: reload the list" } };
  return { ok: true, upload: await viewOf(db, shopId, uploadId) };
}

/** Sets a file aside on purpose (kept, with who and when). */
export async function discardStudioUpload(db: PrismaClient, shopId: string, uploadId: string, actor: string): Promise<StudioUploadView> {
  const row = await db.studioUpload.findFirst({ where: { id: uploadId, shopId } });
  if (!row) throw new StudioIntakeError("uploadId", "no such studio file in this shop: reload the list");
  if (!(DISCARDABLE_STATUSES as readonly string[]).includes(row.status)) {
    throw new StudioIntakeError("uploadId", row.status === "ingested" ? "it is already an asset: reject it in Review instead" : "it is already set aside");
  }
  const reason = `set aside by ${actor} on ${isoDay(new Date())}${row.reason ? ` (it was ${row.status}: ${row.reason})` : ""}`;
  await db.$transaction(async (tx) => {
    const { count } = await tx.studioUpload.updateMany({ where: { id: uploadId, shopId, status: row.status }, data: { status: "discarded", reason } });
    if (count === 0) throw new StudioIntakeError("uploadId", "someone else changed this file meanwhile: reload the list");
    await recordAuditEvent(tx, { shopId, actor, action: "studio.file.discarded", subjectType: "StudioUpload", subjectId: uploadId, data: { fileName: row.fileName, from: row.status, reason: row.reason } });
  });
  return viewOf(db, shopId, uploadId);
}

export const STUDIO_UPLOADS_PER_PAGE = 50;

/** The shop's studio files, newest first, optionally by status; 50 per page, with the count of every status. */
export async function listStudioUploads(db: PrismaClient, shopId: string, options: { status?: string[]; page?: number } = {}): Promise<{ uploads: StudioUploadView[]; total: number; counts: Record<string, number> }> {
  const page = Math.max(1, Math.floor(options.page ?? 1));
  const where: Prisma.StudioUploadWhereInput = { shopId, ...(options.status?.length ? { status: { in: options.status } } : {}) };
  const [rows, total, grouped] = await Promise.all([
    db.studioUpload.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip: (page - 1) * STUDIO_UPLOADS_PER_PAGE, take: STUDIO_UPLOADS_PER_PAGE }),
    db.studioUpload.count({ where }),
    db.studioUpload.groupBy({ by: ["status"], where: { shopId }, _count: { _all: true } }),
  ]);
  const titles = await titlesOf(db, shopId, rows);
  return { uploads: rows.map((row) => toView(row, titles)), total, counts: Object.fromEntries(grouped.map((g) => [g.status, g._count._all])) };
}

/**
 * A watched file that could not be read (vanished, too large, unreadable)
 * is recorded once under its watch key with the reason, never retried.
 */
export async function recordUnreadableStudioFile(db: PrismaClient, input: { shopId: string; fileName: string; sourceKey: string; watchKey: string; size: number; reason: string; actor: string }): Promise<void> {
  try {
    const row = await db.studioUpload.create({ data: { shopId: input.shopId, channel: "watch", fileName: input.fileName, sourceKey: input.sourceKey, watchKey: input.watchKey, size: input.size, status: "failed", reason: input.reason, createdBy: input.actor, completedAt: new Date() } });
    await recordAuditEvent(db, { shopId: input.shopId, actor: input.actor, action: "studio.file.unmatched", subjectType: "StudioUpload", subjectId: row.id, data: { fileName: input.fileName, status: "failed", reason: input.reason } });
  } catch (error) {
    if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
  }
}
