import type { Prisma, PrismaClient } from "@prisma/client";
import { QueueUnavailableError } from "../../jobs/queues";
import { recordAuditEvent } from "../audit/audit.server";
import type { ProviderId } from "../providers/provider";
import { resolveRecipeForProduct } from "../recipes/recipes.server";
import type { RecipeSpec } from "../recipes/recipe-spec";
import { colourways } from "../studio/shot-list";
import { isUsableStudioShot, planColourways, type PlannedRequest } from "./colourway-plan";
import { planCandidates } from "./generation-request";
import { UNFINISHED_ORDER_STATUSES } from "./production-page";
import { loadPlans } from "./plans.server";
import { enqueueOrderFlow, requeueOrder } from "./production-flow.server";
import { candidateStatus, isAssetFinished, isOrderActive, rollUpOrder, rollUpRequest } from "./production-status";

/** flow: a Shopify Flow action; extension: the product page action. */
export type OrderSource = "manual" | "bulk" | "auto" | "reprocess" | "flow" | "extension";

export interface SendResult {
  created: { orderId: string; productId: string }[];
  skipped: { productId: string; title: string | null; reason: string }[];
  /** Set when the orders are saved but the queue could not be reached: the reconciler starts them later. */
  queueWarning?: string;
}

interface RequestDraft {
  asset: string;
  source: "ai" | "studio";
  status: string;
  error?: string;
  /** The colourway the AI candidates show (null for studio requests). */
  colour: string | null;
  candidates: Omit<Prisma.AssetCreateManyInput, "orderId" | "requestId">[];
}

/** The order's requests and candidates from the colourway plan and the category's current recipe version. */
function draftRequests(requests: readonly PlannedRequest[], spec: RecipeSpec, recipeVersionId: string, product: { id: string; shopId: string }): RequestDraft[] {
  return requests.map((item) => {
    if (item.source === "studio") return { asset: item.asset, source: "studio", status: "waiting-studio", colour: null, candidates: [] };
    const planned = planCandidates(spec, item.asset);
    if (!planned.ok) return { asset: item.asset, source: "ai", status: "failed", error: planned.reason, colour: item.colour, candidates: [] };
    const { plan } = planned;
    return {
      asset: item.asset,
      source: "ai",
      status: "queued",
      colour: item.colour,
      candidates: plan.seeds.map((seed, candidateIndex) => ({
        shopId: product.shopId,
        productId: product.id,
        candidateIndex,
        source: "ai",
        kind: plan.kind,
        status: "queued",
        provider: plan.provider,
        model: plan.model,
        operation: plan.operation,
        recipeVersionId,
        // Images go through post-production after generation; videos are normalised when stored.
        postStatus: plan.kind === "video" ? null : "queued",
        // Then the quality gates (issue #6), for stills and clips alike.
        qcStatus: "queued",
        view: plan.view,
        pose: plan.pose,
        // The first colourway, or with a studio shot as the model reference each colourway the studio did not shoot (colourway-plan.ts).
        colour: item.colour,
        seed: seed ?? null,
      })),
    };
  });
}

/**
 * The product's usable studio shots (colourway and plan asset kind), for the
 * recipes whose studio-reference option lets AI make the other colourways.
 */
async function usableStudioShots(db: PrismaClient, shopId: string, productIds: string[]): Promise<Map<string, { colour: string | null; asset: string }[]>> {
  const rows = await db.asset.findMany({
    // Stills only: a studio clip is no model reference, so it must not make AI shoot every colourway.
    where: { shopId, productId: { in: productIds }, source: "studio", kind: "image", status: "stored", postStatus: "done" },
    select: { productId: true, colour: true, source: true, status: true, postStatus: true, qcVerdict: true, reviewStatus: true, request: { select: { asset: true } } },
  });
  const byProduct = new Map<string, { colour: string | null; asset: string }[]>();
  for (const row of rows) {
    if (!isUsableStudioShot(row)) continue;
    byProduct.set(row.productId, [...(byProduct.get(row.productId) ?? []), { colour: row.colour, asset: row.request.asset }]);
  }
  return byProduct;
}

/** The product's colourways in variant order (the first is the one AI dresses the model in by default). */
function productColourways(variants: readonly { sku: string | null; options: unknown }[]): (string | null)[] {
  const options = (value: unknown) => (value && typeof value === "object" ? Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([name, v]) => [name, String(v)])) : {});
  return colourways(variants.map((v) => ({ sku: v.sku, options: options(v.options) }))).map((c) => c.colourway);
}

/**
 * The selected products that may get a new order (send to production, re-process store images): ids not in
 * the catalog and products with an order still open are skipped with the reason; the rest come back.
 */
export async function freeForNewOrders<P extends { id: string; title: string }>(db: PrismaClient, shopId: string, productIds: string[], products: P[], result: SendResult): Promise<P[]> {
  const found = new Set(products.map((p) => p.id));
  for (const id of productIds) if (!found.has(id)) result.skipped.push({ productId: id, title: null, reason: "not in Shotlane's catalog: sync the catalog first" });
  const active = await db.productionOrder.findMany({ where: { shopId, productId: { in: [...found] }, status: { in: [...UNFINISHED_ORDER_STATUSES] } }, select: { productId: true } });
  const busy = new Set(active.map((o) => o.productId));
  return products.filter((product) => {
    if (busy.has(product.id)) result.skipped.push({ productId: product.id, title: product.title, reason: "already in production: wait for its order to finish or cancel it" });
    return !busy.has(product.id);
  });
}

/**
 * "Send to production": one order per product, listing every asset its
 * tier's plan needs. AI assets get their candidates under the category's
 * current recipe version; studio assets wait for the studio lane. The rows
 * are the source of truth and are written first; the BullMQ flow follows.
 */
export interface SendOptions {
  actor: string;
  source: OrderSource;
  demo: boolean;
  /** Make only these of the plan's assets (product page action, Flow); every planned one when absent. */
  assets?: readonly string[];
  /** The garment category whose brand recipe to use instead of the product's own. */
  recipe?: string;
}

export async function sendToProduction(db: PrismaClient, shopId: string, productIds: string[], options: SendOptions): Promise<SendResult> {
  const result: SendResult = { created: [], skipped: [] };
  const products = await db.product.findMany({
    where: { shopId, id: { in: productIds } },
    include: { tags: { select: { tag: true } }, variants: { select: { sku: true, options: true }, orderBy: { position: "asc" } } },
  });
  const plans = await loadPlans(db, shopId);
  if (options.recipe !== undefined) {
    const recipes = await db.recipe.findMany({ where: { shopId }, select: { categoryKey: true }, orderBy: { categoryKey: "asc" } });
    if (!recipes.some((r) => r.categoryKey === options.recipe)) {
      const reason = `no brand recipe "${options.recipe}": choose one of ${recipes.map((r) => r.categoryKey).join(", ") || "the garment categories on the Brand recipes page"}`;
      for (const id of productIds) result.skipped.push({ productId: id, title: products.find((p) => p.id === id)?.title ?? null, reason });
      return result;
    }
  }
  const studioShots = await usableStudioShots(db, shopId, products.map((p) => p.id));

  for (const product of await freeForNewOrders(db, shopId, productIds, products, result)) {
    const tier = product.tier;
    if (tier !== 1 && tier !== 2 && tier !== 3) {
      result.skipped.push({ productId: product.id, title: product.title, reason: "not routed to a tier yet: save the tier rules or pin it" });
      continue;
    }
    const planned = plans[tier];
    const items = options.assets ? planned.filter((item) => options.assets!.includes(item.asset)) : planned;
    if (items.length === 0) {
      const reason = planned.length === 0 ? `the tier ${tier} production plan asks for no assets` : `the tier ${tier} production plan has none of ${options.assets!.join(", ")}: choose from ${planned.map((item) => item.asset).join(", ")}`;
      result.skipped.push({ productId: product.id, title: product.title, reason });
      continue;
    }
    const recipe = await resolveRecipeForProduct(db, shopId, { productType: product.productType, tags: product.tags.map((t) => t.tag) }, { demo: options.demo, categoryKey: options.recipe });
    const colourPlan = planColourways({ items, colourways: productColourways(product.variants), studioShots: studioShots.get(product.id) ?? [], studioReference: recipe.spec.studioReference });
    if (colourPlan.requests.length === 0) {
      result.skipped.push({ productId: product.id, title: product.title, reason: "the studio has shot every planned view in every colourway: nothing is left for AI to make" });
      continue;
    }
    const drafts = draftRequests(colourPlan.requests, recipe.spec, recipe.recipeVersionId, product);
    const status = rollUpOrder(drafts.map((d) => d.status));
    const order = await db.$transaction(async (tx) => {
      const created = await tx.productionOrder.create({
        data: { shopId, productId: product.id, status, source: options.source, requestedBy: options.actor, finishedAt: isOrderActive(status) ? null : new Date() },
      });
      for (const draft of drafts) {
        const request = await tx.assetRequest.create({
          data: { shopId, orderId: created.id, productId: product.id, asset: draft.asset, source: draft.source, status: draft.status, error: draft.error, recipeVersionId: draft.source === "ai" ? recipe.recipeVersionId : null, candidatesWanted: draft.candidates.length },
        });
        if (draft.candidates.length) await tx.asset.createMany({ data: draft.candidates.map((c) => ({ ...c, orderId: created.id, requestId: request.id })) });
      }
      await recordAuditEvent(tx, {
        shopId,
        actor: options.actor,
        action: "production.order.created",
        subjectType: "ProductionOrder",
        subjectId: created.id,
        data: {
          productId: product.id,
          source: options.source,
          category: recipe.categoryKey,
          recipeVersion: recipe.version,
          assets: drafts.map((d) => ({ asset: d.asset, source: d.source, colour: d.colour, candidates: d.candidates.length, status: d.status })),
          ...(colourPlan.perColourway ? { studioReference: { coveredByStudio: colourPlan.coveredByStudio } } : {}),
        },
      });
      return created;
    });
    result.created.push({ orderId: order.id, productId: product.id });
  }

  await enqueueCreatedOrders(db, result);
  return result;
}

/** Adds the flows of orders just written; an unreachable queue leaves them to the reconciler and says so. */
export async function enqueueCreatedOrders(db: PrismaClient, result: SendResult): Promise<void> {
  for (const { orderId } of result.created) {
    try {
      const order = await db.productionOrder.findUniqueOrThrow({ where: { id: orderId }, select: { status: true } });
      if (isOrderActive(order.status)) await enqueueOrderFlow(db, orderId);
    } catch (error) {
      if (!(error instanceof QueueUnavailableError)) throw error;
      result.queueWarning = "The orders are saved, but the job queue is not reachable; they start as soon as it is (the reconciler re-creates their jobs).";
    }
  }
}

/**
 * Re-reads a request's candidates and records its rolled-up status (run when its candidates are done).
 * A studio request still waiting for the studio has no candidates and is left as it is; one with
 * delivered files (issue #8) rolls up like an AI request.
 */
export async function settleRequest(db: PrismaClient | Prisma.TransactionClient, requestId: string): Promise<string> {
  const request = await db.assetRequest.findUniqueOrThrow({ where: { id: requestId }, include: { assets: { select: { status: true, error: true, postStatus: true, postError: true, qcStatus: true }, orderBy: { candidateIndex: "asc" } } } });
  if (request.status === "waiting-studio" || request.assets.length === 0) return request.status;
  const status = rollUpRequest(request.assets.map(candidateStatus));
  const error = status === "failed" ? (request.assets.find((a) => a.error || a.postError)?.error ?? request.assets.find((a) => a.postError)?.postError ?? "every candidate failed") : null;
  await db.assetRequest.update({ where: { id: requestId }, data: { status, error } });
  if (status === "succeeded") {
    // The product now has this kind of asset: the catalog's "still needs" and gap filters read it.
    await db.$executeRaw`UPDATE "Product" SET "producedAssets" = ARRAY(SELECT DISTINCT unnest("producedAssets" || ARRAY[${request.asset}]::text[]) ORDER BY 1) WHERE "id" = ${request.productId}`;
    if (request.source === "studio") await deliverStudioWaits(db, request);
  }
  return status;
}

/**
 * A studio delivery of a kind satisfies the product's earlier orders that were waiting for the
 * studio to shoot it: their waiting requests are marked delivered and those orders settle again.
 */
async function deliverStudioWaits(db: PrismaClient | Prisma.TransactionClient, delivered: { id: string; productId: string; asset: string }): Promise<void> {
  const where = { productId: delivered.productId, asset: delivered.asset, source: "studio", status: "waiting-studio", id: { not: delivered.id }, order: { status: { not: "canceled" } } } satisfies Prisma.AssetRequestWhereInput;
  const waiting = await db.assetRequest.findMany({ where, select: { orderId: true } });
  if (waiting.length === 0) return;
  await db.assetRequest.updateMany({ where, data: { status: "succeeded", error: null } });
  for (const orderId of new Set(waiting.map((w) => w.orderId))) await settleOrder(db, orderId);
}

/** Re-reads an order's requests and records its rolled-up status (run when its requests are done). */
export async function settleOrder(db: PrismaClient | Prisma.TransactionClient, orderId: string): Promise<string> {
  const order = await db.productionOrder.findUniqueOrThrow({ where: { id: orderId }, include: { requests: { select: { id: true, status: true } } } });
  if (order.status === "canceled") return order.status;
  for (const request of order.requests) if (request.status === "queued" || request.status === "running") request.status = await settleRequest(db, request.id);
  const status = rollUpOrder(order.requests.map((r) => r.status));
  const failed = order.requests.filter((r) => r.status === "failed").length;
  await db.productionOrder.update({
    where: { id: orderId },
    data: { status, finishedAt: isOrderActive(status) || status === "paused" ? null : new Date(), error: failed ? `${failed} of ${order.requests.length} assets failed` : null },
  });
  return status;
}

export class ProductionActionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProductionActionError";
  }
}

async function orderOfShop(db: PrismaClient, shopId: string, orderId: string) {
  const order = await db.productionOrder.findFirst({ where: { id: orderId, shopId }, include: { requests: { include: { assets: true } } } });
  if (!order) throw new ProductionActionError("That order does not exist in this shop (it may have been removed); reload the page.");
  return order;
}

/**
 * Cancels an order: candidates not yet finished are canceled, their
 * reservations released, and jobs the provider already runs are asked to stop
 * (best effort: a provider may still finish and charge; the ledger records the
 * cancel).
 */
export async function cancelOrder(db: PrismaClient, shopId: string, orderId: string, actor: string, cancelAtProvider: (provider: ProviderId, job: { providerJobId: string; handle: Record<string, string> }) => Promise<void>): Promise<void> {
  const order = await orderOfShop(db, shopId, orderId);
  if (!isOrderActive(order.status) && order.status !== "paused") throw new ProductionActionError(`This order is already ${order.status}; only queued, running or paused orders can be canceled.`);
  const open = order.requests.flatMap((r) => r.assets).filter((a) => !isAssetFinished(a.status));
  await db.$transaction(async (tx) => {
    await tx.productionOrder.update({ where: { id: orderId }, data: { status: "canceled", finishedAt: new Date() } });
    await tx.asset.updateMany({ where: { id: { in: open.map((a) => a.id) } }, data: { status: "canceled", finishedAt: new Date() } });
    await tx.assetRequest.updateMany({ where: { orderId, status: { in: ["queued", "running", "paused"] } }, data: { status: "canceled" } });
    await tx.costEntry.updateMany({ where: { assetId: { in: open.map((a) => a.id) }, outcome: "reserved" }, data: { outcome: "canceled", costMicros: 0 } });
    await recordAuditEvent(tx, { shopId, actor, action: "production.order.canceled", subjectType: "ProductionOrder", subjectId: orderId, data: { openCandidates: open.length } });
  });
  for (const asset of open) {
    if (!asset.providerJobId) continue;
    await cancelAtProvider(asset.provider as ProviderId, { providerJobId: asset.providerJobId, handle: (asset.providerHandle ?? {}) as Record<string, string> }).catch(() => undefined);
  }
}

/**
 * Runs an order's failed and canceled candidates again (new provider calls;
 * the old ones stay in the ledger), and post-production again for stored
 * images it refused (a changed LUT or channel spec may fix them; nothing is
 * generated twice).
 */
export async function retryOrder(db: PrismaClient, shopId: string, orderId: string, actor: string): Promise<{ candidates: number }> {
  const order = await orderOfShop(db, shopId, orderId);
  if (isOrderActive(order.status) || order.status === "paused") throw new ProductionActionError("This order is still in production; wait for it to finish or cancel it first.");
  // Studio files are stored from the start: only their post-production can be run again.
  const assets = order.requests.flatMap((r) => r.assets);
  const again = assets.filter((a) => a.source !== "studio" && (a.status === "failed" || a.status === "canceled"));
  const repost = assets.filter((a) => a.status === "stored" && a.postStatus === "failed");
  if (again.length + repost.length === 0) throw new ProductionActionError("Nothing to retry: every candidate of this order was stored and post-processed.");
  await db.$transaction(async (tx) => {
    for (const asset of again) {
      await tx.asset.update({
        where: { id: asset.id },
        data: { status: "queued", providerJobId: null, errorCode: null, error: null, attempts: 0, submittedAt: null, finishedAt: null, qcStatus: "queued", ...(asset.kind === "video" ? {} : { postStatus: "queued", postErrorCode: null, postError: null }) },
      });
    }
    await tx.asset.updateMany({ where: { id: { in: repost.map((a) => a.id) } }, data: { postStatus: "queued", postErrorCode: null, postError: null, qcStatus: "queued" } });
    await tx.assetRequest.updateMany({ where: { orderId, id: { in: [...new Set([...again, ...repost].map((a) => a.requestId))] } }, data: { status: "queued", error: null } });
    await recordAuditEvent(tx, { shopId, actor, action: "production.order.retried", subjectType: "ProductionOrder", subjectId: orderId, data: { candidates: again.length, postProduction: repost.length } });
  });
  await requeueOrder(db, orderId);
  return { candidates: again.length + repost.length };
}

/** Lifts a budget pause: paused candidates go back to the queue and their orders' flows are re-created. */
export async function resumeShopProduction(db: PrismaClient, shopId: string, actor: string): Promise<{ orders: number }> {
  const paused = await db.productionOrder.findMany({ where: { shopId, status: "paused" }, select: { id: true } });
  await db.$transaction(async (tx) => {
    await tx.shop.update({ where: { id: shopId }, data: { productionPausedAt: null, productionPauseReason: null } });
    await tx.asset.updateMany({ where: { shopId, status: "paused" }, data: { status: "queued" } });
    await tx.assetRequest.updateMany({ where: { shopId, status: "paused" }, data: { status: "queued" } });
    await recordAuditEvent(tx, { shopId, actor, action: "production.resumed", subjectType: "Shop", subjectId: shopId, data: { orders: paused.length } });
  });
  for (const order of paused) await requeueOrder(db, order.id);
  return { orders: paused.length };
}
