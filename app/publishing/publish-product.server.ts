import type { Prisma, PrismaClient, Publication } from "@prisma/client";
import { z } from "zod";
import { withShopLock } from "../../jobs/shop-lock";
import { recordAuditEvent } from "../audit/audit.server";
import { ASSET_KINDS } from "../production/production-plan";
import { adminQuery, AdminApiError, type AdminGraphqlClient } from "../shopify/admin-graphql.server";
import type { AssetStore } from "../storage/asset-store";
import { releaseDraftHold } from "./draft-hold.server";
import { applyMoves, mediaLimitProblem, planMediaOrder, planVariantMedia, reorderMoves, variantColour, type ProductMediaItem } from "./media-plan";
import { loadPublishingSettings } from "./publishing-settings.server";
import { AI_DISCLOSURE_METAFIELD, type PublishingSettings } from "./publishing-settings";
import {
  FILE_DELETE_MUTATION,
  FILE_REFERENCES_MUTATION,
  JOB_STATUS_QUERY,
  MEDIA_STATUS_QUERY,
  METAFIELDS_DELETE_MUTATION,
  METAFIELDS_SET_MUTATION,
  PRODUCT_ATTACH_MEDIA_MUTATION,
  PRODUCT_MEDIA_IDS_QUERY,
  PRODUCT_MEDIA_STATE_QUERY,
  PRODUCT_REORDER_MEDIA_MUTATION,
  STAGED_UPLOADS_CREATE_MUTATION,
  VARIANT_APPEND_MEDIA_MUTATION,
  VARIANT_DETACH_MEDIA_MUTATION,
} from "./publishing-queries";

/**
 * Publishing one product (issue #7): its approved assets go onto the Shopify
 * product exactly once, in the shop's order, on the right colourways, and a
 * snapshot taken first lets "Revert" restore what was there. Each step is
 * recorded on the Publication row before the next one starts, so a crash or
 * retry resumes where it stopped: the staged upload is redone (it creates
 * nothing on the product), an attach whose answer was lost is recognised on
 * the product, and a stored media id is only ever polled, never attached again.
 */

export interface PublishDeps {
  db: PrismaClient;
  admin: AdminGraphqlClient;
  store: AssetStore;
  /** The multipart upload to Shopify's staged target (global fetch by default). */
  upload?: typeof fetch;
  pollIntervalMs: number;
  /** How long one run waits for Shopify to process a media before leaving it to a retry. */
  processingTimeoutMs?: number;
  /** The per-product lock's lifetime (renewed while the run lasts): how soon a dead worker's product is free again. */
  lockTtlMs?: number;
  sleep?: (ms: number) => Promise<void>;
  onThrottle?: (waitMs: number) => void;
}

/** Statuses still on their way to the product; the job works through these. */
export const ACTIVE_PUBLICATION_STATUSES = ["queued", "uploaded", "attaching", "processing", "placing"] as const;
/** Statuses whose media is on the product. */
const LIVE_STATUSES = ["ready", "placing"];

export class PublishingRetryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PublishingRetryError";
  }
}

export interface PublishOutcome {
  reverted: boolean;
  ready: number;
  failed: number;
  skipped?: string;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Ctx extends PublishDeps {
  shopId: string;
  productId: string;
  sleep: (ms: number) => Promise<void>;
}

async function gql<T>(ctx: Ctx, query: string, schema: z.ZodType<T>, variables: Record<string, unknown>): Promise<T> {
  const { data } = await adminQuery(ctx.admin, query, schema, { variables, onThrottle: ctx.onThrottle, sleep: ctx.sleep });
  return data;
}

const userErrors = z.array(z.object({ field: z.array(z.string()).nullable().optional(), message: z.string(), code: z.string().nullable().optional() }));
type UserErrors = z.infer<typeof userErrors>;
const describeErrors = (errors: UserErrors) => errors.map((e) => (e.field?.length ? `${e.field.join(".")}: ${e.message}` : e.message)).join("; ");

const mediaNode = z.object({ id: z.string(), alt: z.string().nullable(), mediaContentType: z.string(), status: z.string().optional() });
type MediaNode = z.infer<typeof mediaNode>;

const productStateSchema = z.object({
  product: z
    .object({
      id: z.string(),
      title: z.string(),
      status: z.string(),
      mediaCount: z.object({ count: z.number() }).nullable(),
      media: z.object({ nodes: z.array(mediaNode) }),
      variants: z.object({ nodes: z.array(z.object({ id: z.string(), selectedOptions: z.array(z.object({ name: z.string(), value: z.string() })), media: z.object({ nodes: z.array(z.object({ id: z.string() })) }) })) }),
    })
    .nullable(),
});
type ProductState = NonNullable<z.infer<typeof productStateSchema>["product"]>;

async function productState(ctx: Ctx): Promise<ProductState | null> {
  return (await gql(ctx, PRODUCT_MEDIA_STATE_QUERY, productStateSchema, { id: ctx.productId })).product;
}

async function productMediaIds(ctx: Ctx): Promise<MediaNode[] | null> {
  const data = await gql(ctx, PRODUCT_MEDIA_IDS_QUERY, z.object({ product: z.object({ media: z.object({ nodes: z.array(mediaNode) }) }).nullable() }), { id: ctx.productId });
  return data.product?.media.nodes ?? null;
}

/**
 * Works through one product's revert request and pending publications,
 * holding a per-product lock (renewed while it runs; it lapses within lockTtlMs
 * if the worker dies) so two jobs never reorder the same product at once.
 */
export async function publishProduct(deps: PublishDeps, shopId: string, productId: string): Promise<PublishOutcome> {
  const ctx: Ctx = { ...deps, shopId, productId, sleep: deps.sleep ?? sleepFor };
  const ttlMs = deps.lockTtlMs ?? 10_000;
  return withShopLock("publish", `${shopId}:${productId.split("/").pop()}`, () => publishLocked(ctx), { ttlMs, waitMs: ttlMs * 1.5, renew: true });
}

async function publishLocked(ctx: Ctx): Promise<PublishOutcome> {
  const { db, shopId, productId } = ctx;
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { uninstalledAt: true } });
  if (!shop || shop.uninstalledAt) return { reverted: false, ready: 0, failed: 0, skipped: "the shop uninstalled Shotlane" };

  const revert = await db.mediaSnapshot.findFirst({ where: { shopId, productId, revertRequestedAt: { not: null }, revertedAt: null, revertError: null }, orderBy: { createdAt: "desc" } });
  if (revert) await restoreSnapshot(ctx, revert.id);

  let pending = await db.publication.findMany({ where: { shopId, productId, status: { in: [...ACTIVE_PUBLICATION_STATUSES] } }, orderBy: { createdAt: "asc" } });
  if (pending.length === 0) {
    await releaseHeldDraft(ctx);
    return { reverted: Boolean(revert), ready: 0, failed: 0 };
  }
  const batch = pending.map((p) => p.id);
  const settings = await loadPublishingSettings(db, shopId);

  const state = await productState(ctx);
  if (!state) {
    await failPublications(ctx, pending.map((p) => p.id), "PRODUCT_DOES_NOT_EXIST", "The product no longer exists in the store; nothing was published.");
    return { reverted: Boolean(revert), ready: 0, failed: pending.length };
  }

  // One snapshot before this batch touches the product; a resumed batch already has one.
  const fresh = pending.filter((p) => !p.snapshotId);
  if (fresh.length) {
    const snapshot = await db.mediaSnapshot.create({
      data: {
        shopId,
        productId,
        media: state.media.nodes.map((m) => ({ id: m.id, alt: m.alt, contentType: m.mediaContentType })),
        variantMedia: Object.fromEntries(state.variants.nodes.map((v) => [v.id, v.media.nodes[0]?.id ?? null])),
        productStatus: state.status,
        createdBy: fresh[0].requestedBy,
      },
    });
    await db.publication.updateMany({ where: { id: { in: fresh.map((p) => p.id) } }, data: { snapshotId: snapshot.id } });
    await recordAuditEvent(db, { shopId, actor: fresh[0].requestedBy, action: "publishing.snapshot", subjectType: "Product", subjectId: productId, data: { snapshotId: snapshot.id, media: state.media.nodes.map((m) => m.id), publications: fresh.map((p) => p.id) } });
  }

  // Shopify's 250-media limit, checked for the whole batch before anything is attached.
  const toAttach = pending.filter((p) => p.status === "queued" || p.status === "uploaded");
  const replacing = settings.replaceAll ? state.media.nodes.length : 0;
  const problem = toAttach.length ? mediaLimitProblem(state.media.nodes.length, toAttach.length, replacing) : null;
  if (problem && replacing === 0) {
    await failPublications(ctx, toAttach.map((p) => p.id), "PRODUCT_MEDIA_LIMIT_EXCEEDED", problem);
    pending = pending.filter((p) => !toAttach.includes(p));
  }

  for (const publication of pending) await advance(ctx, publication);
  await place(ctx, settings);

  const counts = await db.publication.groupBy({ by: ["status"], where: { shopId, productId, id: { in: batch } }, _count: { _all: true } });
  const count = (status: string) => counts.find((c) => c.status === status)?._count._all ?? 0;
  await releaseHeldDraft(ctx);
  return { reverted: Boolean(revert), ready: count("ready"), failed: count("failed") };
}

/**
 * A new product kept in DRAFT (the shop's draft hold) goes ACTIVE once its
 * visuals are on it: nothing on the way and at least one media ready. Also
 * checked by a run with nothing to publish, so a release that failed once is
 * retried by the next job.
 */
async function releaseHeldDraft(ctx: Ctx): Promise<void> {
  const { db, shopId, productId } = ctx;
  const product = await db.product.findFirst({ where: { id: productId, shopId }, select: { draftHeldAt: true } });
  if (!product?.draftHeldAt) return;
  const [active, ready] = await Promise.all([
    db.publication.count({ where: { shopId, productId, status: { in: [...ACTIVE_PUBLICATION_STATUSES] } } }),
    db.publication.count({ where: { shopId, productId, status: "ready" } }),
  ]);
  if (active === 0 && ready > 0) await releaseDraftHold(db, ctx.admin, shopId, productId);
}

async function failPublications(ctx: Ctx, ids: string[], code: string, message: string): Promise<void> {
  await ctx.db.publication.updateMany({ where: { id: { in: ids }, status: { not: "canceled" } }, data: { status: "failed", errorCode: code, error: message } });
  for (const id of ids) await recordAuditEvent(ctx.db, { shopId: ctx.shopId, actor: "shotlane", action: "publishing.failed", subjectType: "Publication", subjectId: id, data: { code, message } });
}

/** Moves one publication as far as it goes: uploaded, attached (media id stored), processed by Shopify. */
async function advance(ctx: Ctx, start: Publication): Promise<void> {
  try {
    await advanceSteps(ctx, start);
  } catch (error) {
    if (!(error instanceof PublicationCanceled)) throw error;
  }
}

async function advanceSteps(ctx: Ctx, start: Publication): Promise<void> {
  let publication = start;
  for (;;) {
    switch (publication.status) {
      case "queued":
        publication = await stageAndUpload(ctx, publication);
        break;
      case "uploaded":
        publication = await attach(ctx, publication);
        break;
      case "attaching":
        publication = await recoverAttach(ctx, publication);
        break;
      case "processing":
        publication = await awaitProcessing(ctx, publication);
        break;
      default:
        return;
    }
  }
}

const stagedSchema = z.object({
  stagedUploadsCreate: z.object({ stagedTargets: z.array(z.object({ url: z.string().nullable(), resourceUrl: z.string().nullable(), parameters: z.array(z.object({ name: z.string(), value: z.string() })) })).nullable(), userErrors }),
});

async function publishedFile(ctx: Ctx, publication: Publication): Promise<{ bytes: Buffer; contentType: string }> {
  const asset = await ctx.db.asset.findUniqueOrThrow({ where: { id: publication.assetId }, select: { storageKey: true, contentType: true, renditions: { where: { channel: publication.channel ?? "" }, select: { storageKey: true, contentType: true } } } });
  const source = publication.channel && asset.renditions[0] ? asset.renditions[0] : { storageKey: asset.storageKey, contentType: asset.contentType };
  if (!source.storageKey) throw new Error(`asset ${publication.assetId} has no stored file to publish`);
  return { bytes: await ctx.store.get(source.storageKey), contentType: source.contentType ?? (publication.kind === "video" ? "video/mp4" : "image/jpeg") };
}

/** stagedUploadsCreate, then the multipart POST with every returned parameter and the file last. */
async function stageAndUpload(ctx: Ctx, publication: Publication): Promise<Publication> {
  const { bytes, contentType } = await publishedFile(ctx, publication);
  const resource = publication.kind === "video" ? "VIDEO" : "IMAGE";
  const staged = await gql(ctx, STAGED_UPLOADS_CREATE_MUTATION, stagedSchema, { input: [{ filename: publication.fileName, mimeType: contentType, resource, httpMethod: "POST", fileSize: String(bytes.length) }] });
  const target = staged.stagedUploadsCreate.stagedTargets?.[0];
  if (staged.stagedUploadsCreate.userErrors.length || !target?.url || !target.resourceUrl) {
    return markFailed(ctx, publication, "STAGED_UPLOAD_REFUSED", `Shopify refused the upload: ${describeErrors(staged.stagedUploadsCreate.userErrors) || "no staged target returned"}`);
  }
  const form = new FormData();
  for (const parameter of target.parameters) form.append(parameter.name, parameter.value);
  form.append("file", new Blob([new Uint8Array(bytes)], { type: contentType }), publication.fileName);
  const response = await (ctx.upload ?? fetch)(target.url, { method: "POST", body: form, signal: AbortSignal.timeout(120_000) });
  if (!response.ok) {
    const text = (await response.text().catch(() => "")).slice(0, 300);
    // Storage answers 4xx for a policy problem (e.g. a size mismatch): retrying the same bytes would fail the same way.
    if (response.status >= 400 && response.status < 500) return markFailed(ctx, publication, "UPLOAD_REJECTED", `The upload to Shopify's storage was refused (HTTP ${response.status}): ${text}`);
    throw new PublishingRetryError(`The upload to Shopify's storage failed with HTTP ${response.status}; retrying`);
  }
  await response.arrayBuffer().catch(() => undefined);
  return update(ctx, publication, { status: "uploaded", resourceUrl: target.resourceUrl, attempts: { increment: 1 } });
}

const attachSchema = z.object({
  productUpdate: z.object({ product: z.object({ id: z.string(), media: z.object({ nodes: z.array(mediaNode) }) }).nullable(), userErrors }),
});

/**
 * productUpdate(media:) for one file. The product's media ids are stored
 * first, so a lost answer is recognised later; the new media's id is stored
 * the moment Shopify returns it.
 */
async function attach(ctx: Ctx, publication: Publication): Promise<Publication> {
  const before = await productMediaIds(ctx);
  if (!before) return markFailed(ctx, publication, "PRODUCT_DOES_NOT_EXIST", "The product no longer exists in the store.");
  if (before.length >= 250) return markFailed(ctx, publication, "PRODUCT_MEDIA_LIMIT_EXCEEDED", mediaLimitProblem(before.length, 1, 0)!);
  publication = await update(ctx, publication, { status: "attaching", mediaBefore: before.map((m) => m.id), attachStartedAt: new Date() });
  const data = await gql(ctx, PRODUCT_ATTACH_MEDIA_MUTATION, attachSchema, {
    product: { id: ctx.productId },
    media: [{ originalSource: publication.resourceUrl, mediaContentType: publication.kind === "video" ? "VIDEO" : "IMAGE", alt: publication.alt }],
  });
  const errors = data.productUpdate.userErrors;
  if (errors.length) {
    const message = describeErrors(errors);
    if (/limit/i.test(message)) return markFailed(ctx, publication, "PRODUCT_MEDIA_LIMIT_EXCEEDED", mediaLimitProblem(before.length, 1, 0) ?? message);
    // An expired or unusable staged file: upload again, a few times at most.
    if (/originalSource/i.test(message) && publication.attempts < 3) return update(ctx, publication, { status: "queued", resourceUrl: null, mediaBefore: [], attachStartedAt: null });
    return markFailed(ctx, publication, "ATTACH_REFUSED", `Shopify refused the media: ${message}`);
  }
  const created = await newMediaOf(ctx, publication, data.productUpdate.product?.media.nodes ?? []);
  if (!created) throw new PublishingRetryError("Shopify accepted the media but did not list it on the product; checking again");
  return update(ctx, publication, { status: "processing", mediaId: created.id });
}

/** The media this publication created among `nodes`: new since mediaBefore, not another publication's, same type and alt. */
async function newMediaOf(ctx: Ctx, publication: Publication, nodes: MediaNode[]): Promise<MediaNode | undefined> {
  const claimed = new Set(
    (await ctx.db.publication.findMany({ where: { shopId: ctx.shopId, productId: ctx.productId, mediaId: { not: null }, id: { not: publication.id } }, select: { mediaId: true } })).map((p) => p.mediaId!),
  );
  const type = publication.kind === "video" ? "VIDEO" : "IMAGE";
  return nodes.find((m) => !publication.mediaBefore.includes(m.id) && !claimed.has(m.id) && m.mediaContentType === type && (m.alt ?? "") === publication.alt);
}

/** A crash between productUpdate and storing its answer: find the media on the product, else attach again. */
async function recoverAttach(ctx: Ctx, publication: Publication): Promise<Publication> {
  const nodes = await productMediaIds(ctx);
  if (!nodes) return markFailed(ctx, publication, "PRODUCT_DOES_NOT_EXIST", "The product no longer exists in the store.");
  const created = await newMediaOf(ctx, publication, nodes);
  if (created) {
    await recordAuditEvent(ctx.db, { shopId: ctx.shopId, actor: "shotlane", action: "publishing.attach-recovered", subjectType: "Publication", subjectId: publication.id, data: { mediaId: created.id } });
    return update(ctx, publication, { status: "processing", mediaId: created.id });
  }
  return update(ctx, publication, { status: "uploaded" });
}

const statusSchema = z.object({
  nodes: z.array(z.object({ id: z.string(), status: z.string(), mediaErrors: z.array(z.object({ code: z.string(), message: z.string().nullable(), details: z.string().nullable() })) }).nullable()),
});

/** Polls the media until READY or FAILED; a FAILED one is deleted (it is Shotlane's own and unusable) and its error kept. */
async function awaitProcessing(ctx: Ctx, publication: Publication): Promise<Publication> {
  const deadline = Date.now() + (ctx.processingTimeoutMs ?? (publication.kind === "video" ? 600_000 : 180_000));
  for (;;) {
    const node = (await gql(ctx, MEDIA_STATUS_QUERY, statusSchema, { ids: [publication.mediaId] })).nodes[0];
    if (!node) {
      // Deleted in the admin meanwhile: publish it afresh.
      return update(ctx, publication, { status: "queued", mediaId: null, resourceUrl: null, mediaBefore: [], attachStartedAt: null });
    }
    if (node.status === "READY") return update(ctx, publication, { status: "placing" });
    if (node.status === "FAILED") {
      const error = node.mediaErrors[0];
      await gql(ctx, FILE_DELETE_MUTATION, z.object({ fileDelete: z.object({ userErrors }) }), { fileIds: [node.id] });
      const message = error ? [error.message, error.details].filter(Boolean).join(" ") : "Shopify could not process the file.";
      return markFailed(ctx, publication, error?.code ?? "MEDIA_FAILED", message, { mediaId: null });
    }
    if (Date.now() > deadline) throw new PublishingRetryError(`Shopify is still processing ${publication.mediaId}; checking again later`);
    await ctx.sleep(ctx.pollIntervalMs);
  }
}

async function markFailed(ctx: Ctx, publication: Publication, code: string, message: string, extra: Prisma.PublicationUpdateManyMutationInput = {}): Promise<Publication> {
  await recordAuditEvent(ctx.db, { shopId: ctx.shopId, actor: "shotlane", action: "publishing.failed", subjectType: "Publication", subjectId: publication.id, data: { code, message, assetId: publication.assetId } });
  return update(ctx, publication, { status: "failed", errorCode: code, error: message, ...extra });
}

/**
 * Writes the next step, unless the publication was canceled meanwhile
 * (products/delete, app/uninstalled): then the run leaves it alone.
 */
async function update(ctx: Ctx, publication: Publication, data: Prisma.PublicationUpdateManyMutationInput): Promise<Publication> {
  const { count } = await ctx.db.publication.updateMany({ where: { id: publication.id, status: { not: "canceled" } }, data });
  if (count === 0) throw new PublicationCanceled(publication.id);
  return ctx.db.publication.findUniqueOrThrow({ where: { id: publication.id } });
}

class PublicationCanceled extends Error {
  constructor(id: string) {
    super(`publication ${id} was canceled`);
    this.name = "PublicationCanceled";
  }
}

const VIEW_ORDER = new Map<string, number>(ASSET_KINDS.map((kind, index) => [kind, index]));

/** What Shotlane knows of the product's media: every publication with a media id, its lane and view. */
async function shotlaneMedia(ctx: Ctx): Promise<Map<string, { publicationId: string; status: string; source: string; view: string | null; colour: string | null }>> {
  const rows = await ctx.db.publication.findMany({ where: { shopId: ctx.shopId, productId: ctx.productId, mediaId: { not: null } }, select: { id: true, mediaId: true, status: true, view: true, colour: true, assetId: true } });
  const assets = await ctx.db.asset.findMany({ where: { id: { in: rows.map((r) => r.assetId) } }, select: { id: true, source: true } });
  const source = new Map(assets.map((a) => [a.id, a.source]));
  return new Map(rows.map((r) => [r.mediaId!, { publicationId: r.id, status: r.status, source: source.get(r.assetId) ?? "ai", view: r.view, colour: r.colour }]));
}

/**
 * Places the batch's READY media: the shop's placement (first, after the
 * studio images, last, or in place of Shotlane's earlier media of the same
 * view), detaching what that replaces, then each colourway's variants, then
 * the AI-disclosure metafield. Every step reads the product first and only
 * changes what differs, so running it again changes nothing.
 */
async function place(ctx: Ctx, settings: Pick<PublishingSettings, "placement" | "replaceAll" | "aiDisclosure">): Promise<void> {
  const { db, shopId, productId } = ctx;
  const placing = await db.publication.findMany({ where: { shopId, productId, status: "placing" }, orderBy: { createdAt: "asc" } });
  if (placing.length === 0) return;
  const state = await productState(ctx);
  if (!state) return void (await failPublications(ctx, placing.map((p) => p.id), "PRODUCT_DOES_NOT_EXIST", "The product no longer exists in the store."));
  const known = await shotlaneMedia(ctx);
  const current: ProductMediaItem[] = state.media.nodes.map((m) => {
    const mine = known.get(m.id);
    return { id: m.id, shotlane: mine && LIVE_STATUSES.includes(mine.status) ? { source: mine.source, view: mine.view } : null };
  });
  const incoming = placing
    .filter((p) => p.mediaId && current.some((c) => c.id === p.mediaId))
    .sort((a, b) => (VIEW_ORDER.get(a.view ?? "") ?? 99) - (VIEW_ORDER.get(b.view ?? "") ?? 99) || a.createdAt.getTime() - b.createdAt.getTime())
    .map((p) => ({ id: p.mediaId!, source: known.get(p.mediaId!)?.source ?? "ai", view: p.view }));
  const plan = planMediaOrder(current, incoming, { placement: settings.placement, replaceAll: settings.replaceAll });

  if (plan.detach.length) await setReferences(ctx, plan.detach, "referencesToRemove");
  const remaining = current.map((m) => m.id).filter((id) => !plan.detach.includes(id));
  await reorder(ctx, remaining, plan.order);

  // Colourways: each colour's variants show the first new image of that colour.
  const images = plan.order.flatMap((id) => {
    const publication = placing.find((p) => p.mediaId === id && p.kind === "image");
    return publication ? [{ id, colour: publication.colour }] : [];
  });
  const variants = state.variants.nodes.map((v) => {
    const mediaId = v.media.nodes[0]?.id ?? null;
    return { id: v.id, colour: variantColour(v.selectedOptions), mediaId, mediaIsShotlane: mediaId !== null && known.has(mediaId) };
  });
  const variantPlan = planVariantMedia(variants, images, { replaceAll: settings.replaceAll, detached: plan.detach });
  await setVariantMedia(ctx, variantPlan);

  if (settings.aiDisclosure) await updateAiDisclosure(ctx, known, plan.order);

  const replaced = plan.detach.flatMap((id) => (known.get(id) ? [known.get(id)!.publicationId] : []));
  await db.$transaction(async (tx) => {
    if (replaced.length) await tx.publication.updateMany({ where: { id: { in: replaced } }, data: { status: "replaced" } });
    for (const publication of placing) {
      const variantIds = variantPlan.append.filter((a) => a.mediaId === publication.mediaId).map((a) => a.variantId);
      await tx.publication.updateMany({ where: { id: publication.id, status: "placing" }, data: { status: "ready", readyAt: new Date(), variantIds, errorCode: null, error: null } });
    }
    await recordAuditEvent(tx, {
      shopId,
      actor: placing[0].requestedBy,
      action: "publishing.published",
      subjectType: "Product",
      subjectId: productId,
      data: { snapshotId: placing[0].snapshotId, media: placing.map((p) => ({ publication: p.id, asset: p.assetId, mediaId: p.mediaId })), order: plan.order, detached: plan.detach, variants: variantPlan.append, placement: settings.placement, replaceAll: settings.replaceAll },
    });
  });
}

async function setReferences(ctx: Ctx, mediaIds: string[], direction: "referencesToRemove" | "referencesToAdd"): Promise<void> {
  for (let i = 0; i < mediaIds.length; i += 50) {
    const files = mediaIds.slice(i, i + 50).map((id) => ({ id, [direction]: [ctx.productId] }));
    const data = await gql(ctx, FILE_REFERENCES_MUTATION, z.object({ fileUpdate: z.object({ userErrors }) }), { files });
    if (data.fileUpdate.userErrors.length) throw new AdminApiError(`Shopify refused to ${direction === "referencesToAdd" ? "re-attach" : "detach"} media: ${describeErrors(data.fileUpdate.userErrors)}`);
  }
}

/** productReorderMedia for the media whose place changes, then waits for Shopify's job to finish. */
async function reorder(ctx: Ctx, current: string[], desired: string[]): Promise<void> {
  const moves = reorderMoves(current, desired);
  if (moves.length === 0) return;
  const data = await gql(ctx, PRODUCT_REORDER_MEDIA_MUTATION, z.object({ productReorderMedia: z.object({ job: z.object({ id: z.string(), done: z.boolean() }).nullable(), mediaUserErrors: userErrors }) }), { id: ctx.productId, moves });
  const result = data.productReorderMedia;
  if (result.mediaUserErrors.length || !result.job) throw new AdminApiError(`Shopify refused to reorder the media: ${describeErrors(result.mediaUserErrors)}`);
  if (applyMoves(current, moves).join() !== desired.filter((id) => current.includes(id)).join()) throw new Error("reorder plan does not reach the desired order");
  let done = result.job.done;
  const deadline = Date.now() + 120_000;
  while (!done) {
    if (Date.now() > deadline) throw new PublishingRetryError("Shopify has not finished reordering the media yet; checking again later");
    await ctx.sleep(ctx.pollIntervalMs);
    done = (await gql(ctx, JOB_STATUS_QUERY, z.object({ job: z.object({ done: z.boolean() }).nullable() }), { id: result.job.id })).job?.done ?? true;
  }
}

async function setVariantMedia(ctx: Ctx, plan: { detach: { variantId: string; mediaId: string }[]; append: { variantId: string; mediaId: string }[] }): Promise<void> {
  const payload = z.object({ userErrors });
  if (plan.detach.length) {
    const data = await gql(ctx, VARIANT_DETACH_MEDIA_MUTATION, z.object({ productVariantDetachMedia: payload }), { productId: ctx.productId, variantMedia: plan.detach.map((d) => ({ variantId: d.variantId, mediaIds: [d.mediaId] })) });
    if (data.productVariantDetachMedia.userErrors.length) throw new AdminApiError(`Shopify refused to detach variant media: ${describeErrors(data.productVariantDetachMedia.userErrors)}`);
  }
  if (plan.append.length) {
    const data = await gql(ctx, VARIANT_APPEND_MEDIA_MUTATION, z.object({ productVariantAppendMedia: payload }), { productId: ctx.productId, variantMedia: plan.append.map((a) => ({ variantId: a.variantId, mediaIds: [a.mediaId] })) });
    if (data.productVariantAppendMedia.userErrors.length) throw new AdminApiError(`Shopify refused to set variant media: ${describeErrors(data.productVariantAppendMedia.userErrors)}`);
  }
}

/**
 * The product metafield shotlane.ai_generated_media lists the AI-generated
 * media that will be on the product after this change (`mediaOnProduct`;
 * deleted when there is none). Written before the change is recorded as done,
 * so a crash in between makes the retry write it again.
 */
async function updateAiDisclosure(ctx: Ctx, known: Awaited<ReturnType<typeof shotlaneMedia>>, mediaOnProduct: readonly string[]): Promise<void> {
  const ids = mediaOnProduct.filter((id) => known.get(id)?.source === "ai");
  const owner = { ownerId: ctx.productId, namespace: AI_DISCLOSURE_METAFIELD.namespace, key: AI_DISCLOSURE_METAFIELD.key };
  if (ids.length === 0) {
    const data = await gql(ctx, METAFIELDS_DELETE_MUTATION, z.object({ metafieldsDelete: z.object({ userErrors }) }), { metafields: [owner] });
    if (data.metafieldsDelete.userErrors.length) throw new AdminApiError(`Shopify refused to clear the AI-disclosure metafield: ${describeErrors(data.metafieldsDelete.userErrors)}`);
    return;
  }
  const data = await gql(ctx, METAFIELDS_SET_MUTATION, z.object({ metafieldsSet: z.object({ userErrors }) }), { metafields: [{ ...owner, type: AI_DISCLOSURE_METAFIELD.type, value: JSON.stringify(ids) }] });
  if (data.metafieldsSet.userErrors.length) throw new AdminApiError(`Shopify refused the AI-disclosure metafield: ${describeErrors(data.metafieldsSet.userErrors)}`);
}

const snapshotMediaSchema = z.array(z.object({ id: z.string(), alt: z.string().nullable(), contentType: z.string() }));
const snapshotVariantsSchema = z.record(z.string(), z.string().nullable());

/**
 * Revert: the product's media set, order and variant media as the snapshot
 * recorded them. Shotlane's media added since are detached (never deleted);
 * media Shotlane detached come back; media the merchant added since stay, at
 * the end. The publications whose media left are "reverted".
 */
async function restoreSnapshot(ctx: Ctx, snapshotId: string): Promise<void> {
  const { db, shopId, productId } = ctx;
  const snapshot = await db.mediaSnapshot.findUniqueOrThrow({ where: { id: snapshotId } });
  const wanted = snapshotMediaSchema.parse(snapshot.media).map((m) => m.id);
  const variantsBefore = snapshotVariantsSchema.parse(snapshot.variantMedia);
  const fail = async (message: string) => {
    await db.mediaSnapshot.update({ where: { id: snapshotId }, data: { revertError: message } });
    await recordAuditEvent(db, { shopId, actor: snapshot.revertRequestedBy ?? "shotlane", action: "publishing.revert-failed", subjectType: "Product", subjectId: productId, data: { snapshotId, message } });
  };
  const state = await productState(ctx);
  if (!state) return fail("The product no longer exists in the store.");
  const known = await shotlaneMedia(ctx);
  const now = state.media.nodes.map((m) => m.id);
  const detach = now.filter((id) => !wanted.includes(id) && known.has(id));
  const reattach = wanted.filter((id) => !now.includes(id));
  if (now.length - detach.length + reattach.length > 250) return fail(mediaLimitProblem(now.length - detach.length, reattach.length, 0) ?? "Too many media to restore.");
  if (detach.length) await setReferences(ctx, detach, "referencesToRemove");
  if (reattach.length) await setReferences(ctx, reattach, "referencesToAdd");
  const after = [...now.filter((id) => !detach.includes(id)), ...reattach];
  const desired = [...wanted.filter((id) => after.includes(id)), ...after.filter((id) => !wanted.includes(id))];
  await reorder(ctx, after, desired);

  const variantPlan = { detach: [] as { variantId: string; mediaId: string }[], append: [] as { variantId: string; mediaId: string }[] };
  for (const variant of state.variants.nodes) {
    if (!(variant.id in variantsBefore)) continue;
    const have = variant.media.nodes[0]?.id ?? null;
    const want = variantsBefore[variant.id];
    if (have === want) continue;
    if (have && after.includes(have)) variantPlan.detach.push({ variantId: variant.id, mediaId: have });
    if (want && after.includes(want)) variantPlan.append.push({ variantId: variant.id, mediaId: want });
  }
  await setVariantMedia(ctx, variantPlan);

  if ((await loadPublishingSettings(db, shopId)).aiDisclosure) await updateAiDisclosure(ctx, known, desired);

  const reverted = detach.flatMap((id) => (known.get(id) ? [known.get(id)!.publicationId] : []));
  const restored = reattach.flatMap((id) => (known.get(id) ? [known.get(id)!.publicationId] : []));
  const actor = snapshot.revertRequestedBy ?? "shotlane";
  await db.$transaction(async (tx) => {
    await tx.publication.updateMany({ where: { id: { in: reverted } }, data: { status: "reverted", variantIds: [] } });
    await tx.publication.updateMany({ where: { id: { in: restored } }, data: { status: "ready" } });
    await tx.mediaSnapshot.update({ where: { id: snapshotId }, data: { revertedAt: new Date(), revertedBy: actor } });
    await recordAuditEvent(tx, { shopId, actor, action: "publishing.reverted", subjectType: "Product", subjectId: productId, data: { snapshotId, detached: detach, reattached: reattach, order: desired, variants: variantPlan } });
  });
}
