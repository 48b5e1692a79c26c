import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { enqueue, flowTriggerQueue, QueueUnavailableError } from "../../jobs/queues";
import { recordAuditEvent } from "../audit/audit.server";
import { isOrderActive } from "../production/production-status";
import { adminQuery, type AdminGraphqlClient } from "../shopify/admin-graphql.server";
import { VISUALS_APPROVED_HANDLE, visualsApprovedPayload, type VisualsApprovedFacts } from "./flow-extensions";

/**
 * The Flow trigger "Visuals approved", once per production order: when none
 * of the order's candidates is left for a person (awaiting review, awaiting
 * brand sign-off, or out at retouch, which comes back for review), at least
 * one is approved, and the order itself is finished (candidates still being
 * made would come to review later).
 *
 * The review action calls queueVisualsApproved after its decisions. It notes
 * the order in the audit trail ("flow.trigger.queued") and adds a
 * flow-triggers job whose id is the order's, so concurrent approvals add one
 * job; the job sends flowTriggerReceive and records "flow.trigger.sent" (or
 * "flow.trigger.refused" with Flow's userErrors), which later jobs of the same
 * order find and skip. Redis being down never fails a review: the production
 * reconciler re-adds jobs for orders noted but never sent.
 */

export const FLOW_TRIGGER_RECEIVE_MUTATION = `#graphql
  mutation FlowTriggerReceive($handle: String!, $payload: JSON!) {
    flowTriggerReceive(handle: $handle, payload: $payload) {
      userErrors {
        field
        message
      }
    }
  }
`;

export const TRIGGER_QUEUED = "flow.trigger.queued";
export const TRIGGER_SENT = "flow.trigger.sent";
export const TRIGGER_REFUSED = "flow.trigger.refused";
const ORDER_SUBJECT = "ProductionOrder";

/** Review states that still need a person: the trigger waits for them. */
export const PENDING_REVIEW_STATUSES = ["awaiting-review", "awaiting-signoff", "retouch"] as const;

const triggerAnswerSchema = z.object({
  flowTriggerReceive: z.object({ userErrors: z.array(z.object({ field: z.array(z.string()).nullable(), message: z.string() })) }).nullable(),
});

/** The job id of an order's trigger: one job per order while it waits or runs. */
export function visualsApprovedJobId(orderId: string): string {
  return `visuals-approved-${orderId}`;
}

/** Orders that can no longer change (candidates still being made would come to review later). */
const isOrderSettled = (status: string) => !isOrderActive(status) && status !== "paused" && status !== "canceled";

/** The trigger's facts for each of these orders that qualifies now, in a fixed number of queries. */
export async function visualsApprovedFactsOf(db: PrismaClient, shopId: string, orderIds: readonly string[]): Promise<Map<string, VisualsApprovedFacts>> {
  const facts = new Map<string, VisualsApprovedFacts>();
  const orders = (await db.productionOrder.findMany({ where: { shopId, id: { in: [...orderIds] } }, select: { id: true, status: true, productId: true } })).filter((o) => isOrderSettled(o.status));
  if (orders.length === 0) return facts;
  const [counts, products] = await Promise.all([
    db.asset.groupBy({ by: ["orderId", "reviewStatus"], where: { orderId: { in: orders.map((o) => o.id) }, reviewStatus: { in: [...PENDING_REVIEW_STATUSES, "approved"] } }, _count: { _all: true } }),
    db.product.findMany({ where: { shopId, id: { in: [...new Set(orders.map((o) => o.productId))] } }, select: { id: true, tier: true } }),
  ]);
  const tiers = new Map(products.map((p) => [p.id, p.tier]));
  for (const order of orders) {
    const rows = counts.filter((c) => c.orderId === order.id);
    const approved = rows.find((c) => c.reviewStatus === "approved")?._count._all ?? 0;
    const pending = rows.filter((c) => c.reviewStatus !== "approved").reduce((sum, c) => sum + c._count._all, 0);
    if (pending > 0 || approved === 0 || !tiers.has(order.productId)) continue;
    facts.set(order.id, { productId: order.productId, assetCount: approved, tier: tiers.get(order.productId) ?? 0 });
  }
  return facts;
}

/** The trigger's facts when the order qualifies now, else null. */
export async function visualsApprovedFacts(db: PrismaClient, shopId: string, orderId: string): Promise<VisualsApprovedFacts | null> {
  return (await visualsApprovedFactsOf(db, shopId, [orderId])).get(orderId) ?? null;
}

/** The order's trigger events, newest first. */
async function triggerEvents(db: PrismaClient, shopId: string, orderId: string) {
  return db.auditEvent.findMany({ where: { shopId, subjectType: ORDER_SUBJECT, subjectId: orderId, action: { in: [TRIGGER_QUEUED, TRIGGER_SENT, TRIGGER_REFUSED] } }, orderBy: { id: "desc" }, select: { action: true } });
}

async function enqueueTrigger(shopId: string, orderId: string): Promise<boolean> {
  try {
    await enqueue(flowTriggerQueue, { shopId, orderId }, { jobId: visualsApprovedJobId(orderId) });
    return true;
  } catch (error) {
    if (!(error instanceof QueueUnavailableError)) throw error;
    console.warn(`Flow trigger ${VISUALS_APPROVED_HANDLE} for order ${orderId} not queued (${error.message}); the production reconciler adds it once Redis answers`);
    return false;
  }
}

/**
 * After review decisions on these assets: queues the trigger of each of their
 * orders that qualifies now and has not had it. Never fails for an
 * unreachable queue. Answers the orders queued.
 */
export async function queueVisualsApproved(db: PrismaClient, shopId: string, assetIds: readonly string[], actor: string): Promise<string[]> {
  if (assetIds.length === 0) return [];
  const orderIds = (await db.asset.findMany({ where: { shopId, id: { in: [...assetIds] } }, select: { orderId: true }, distinct: ["orderId"] })).map((a) => a.orderId);
  return queueVisualsApprovedForOrders(db, shopId, orderIds, actor);
}

/**
 * The same for orders: also called when an order settles, because its last
 * candidates may fail after every other one was reviewed (no decision follows).
 */
export async function queueVisualsApprovedForOrders(db: PrismaClient, shopId: string, orderIds: readonly string[], actor: string): Promise<string[]> {
  const facts = await visualsApprovedFactsOf(db, shopId, orderIds);
  if (facts.size === 0) return [];
  const events = await db.auditEvent.findMany({ where: { shopId, subjectType: ORDER_SUBJECT, subjectId: { in: [...facts.keys()] }, action: { in: [TRIGGER_QUEUED, TRIGGER_SENT, TRIGGER_REFUSED] } }, select: { subjectId: true, action: true } });
  const queued: string[] = [];
  let queueReachable = true;
  for (const [orderId, fact] of facts) {
    const mine = events.filter((e) => e.subjectId === orderId);
    if (mine.some((e) => e.action !== TRIGGER_QUEUED)) continue;
    if (mine.length === 0) await recordAuditEvent(db, { shopId, actor, action: TRIGGER_QUEUED, subjectType: ORDER_SUBJECT, subjectId: orderId, data: { handle: VISUALS_APPROVED_HANDLE, ...fact } });
    queued.push(orderId);
    // After one enqueue timed out the rest would too (3 s each): the reconciler adds them from the audit trail.
    if (queueReachable) queueReachable = await enqueueTrigger(shopId, orderId);
  }
  return queued;
}

export type TriggerOutcome = "sent" | "already-sent" | "not-ready" | "shop-uninstalled" | "refused";

export interface TriggerDeps {
  db: PrismaClient;
  /** The shop's Admin client (offline session), asked for only when there is something to send. */
  adminFor(shopId: string): Promise<AdminGraphqlClient>;
}

/**
 * The job: sends "Visuals approved" for the order unless it was sent (or
 * refused) before, the shop is gone, or the order no longer qualifies (a
 * regeneration reopened it: its next approval queues the trigger again).
 * Network and Admin API failures throw, so the job retries.
 */
export async function sendVisualsApproved(deps: TriggerDeps, shopId: string, orderId: string): Promise<{ outcome: TriggerOutcome; userErrors?: { field: string[] | null; message: string }[] }> {
  const { db } = deps;
  if ((await triggerEvents(db, shopId, orderId)).some((e) => e.action !== TRIGGER_QUEUED)) return { outcome: "already-sent" };
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { uninstalledAt: true } });
  if (!shop || shop.uninstalledAt) return { outcome: "shop-uninstalled" };
  const facts = await visualsApprovedFacts(db, shopId, orderId);
  if (!facts) return { outcome: "not-ready" };
  const payload = visualsApprovedPayload(facts);
  const { data } = await adminQuery(await deps.adminFor(shopId), FLOW_TRIGGER_RECEIVE_MUTATION, triggerAnswerSchema, { variables: { handle: VISUALS_APPROVED_HANDLE, payload } });
  const userErrors = data.flowTriggerReceive?.userErrors ?? [];
  const refused = userErrors.length > 0;
  await recordAuditEvent(db, {
    shopId,
    actor: "shotlane:worker",
    action: refused ? TRIGGER_REFUSED : TRIGGER_SENT,
    subjectType: ORDER_SUBJECT,
    subjectId: orderId,
    data: { handle: VISUALS_APPROVED_HANDLE, payload, ...(refused ? { userErrors } : {}) },
  });
  return refused ? { outcome: "refused", userErrors } : { outcome: "sent" };
}

/**
 * Re-adds the jobs of orders noted for the trigger at least `minAgeMs` ago
 * (a live job finishes well within that) and neither sent nor refused: jobs
 * Redis lost or never got. Looks back `lookBackMs` (a day), shop by shop, so
 * the audit trail's (shopId, at) index bounds each look-up.
 */
export async function reconcileVisualsApproved(db: PrismaClient, options: { shopId?: string; minAgeMs?: number; lookBackMs?: number } = {}): Promise<{ requeued: string[] }> {
  const now = Date.now();
  const at = { lt: new Date(now - (options.minAgeMs ?? 120_000)), gt: new Date(now - (options.lookBackMs ?? 24 * 3600_000)) };
  const shops = await db.shop.findMany({ where: { uninstalledAt: null, ...(options.shopId ? { id: options.shopId } : {}) }, select: { id: true } });
  const requeued: string[] = [];
  for (const { id: shopId } of shops) {
    const noted = await db.auditEvent.findMany({ where: { shopId, at, action: TRIGGER_QUEUED, subjectType: ORDER_SUBJECT }, select: { subjectId: true }, distinct: ["subjectId"], take: 1000 });
    const orderIds = noted.map((n) => n.subjectId).filter((id): id is string => id !== null);
    if (orderIds.length === 0) continue;
    const settled = await db.auditEvent.findMany({ where: { shopId, subjectType: ORDER_SUBJECT, subjectId: { in: orderIds }, action: { in: [TRIGGER_SENT, TRIGGER_REFUSED] } }, select: { subjectId: true } });
    const done = new Set(settled.map((s) => s.subjectId));
    for (const orderId of orderIds) {
      if (done.has(orderId)) continue;
      if (!(await enqueueTrigger(shopId, orderId))) return { requeued };
      requeued.push(orderId);
    }
  }
  return { requeued };
}
