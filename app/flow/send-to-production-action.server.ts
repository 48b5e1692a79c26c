import type { Prisma, PrismaClient } from "@prisma/client";
import { recordAuditEvent } from "../audit/audit.server";
import prisma from "../db.server";
import { sendToProduction, type SendResult } from "../production/production-orders.server";
import { SEND_TO_PRODUCTION_KEYS, type SendToProductionBody } from "./flow-extensions";

/**
 * The Flow action "Send product to Shotlane production": one production order
 * for the product (source "flow", the recipe if named), answered the way Flow
 * reads status codes: 200 done; any 4XX but 429 a failure Flow shows and does
 * not retry; 5XX (and 429) retried by Flow for up to 24 hours.
 *
 * Flow may deliver a run more than once (a timeout, a 5XX). Each run is
 * claimed in the audit trail under its action_run_id, behind an advisory lock,
 * so a retry is answered with the first answer and never opens a second
 * order; a retry that arrives while the first is still running is told to
 * come back (503), and a claim left by a crashed request is taken over after
 * CLAIM_STALE_MS.
 */

export const FLOW_ACTOR = "shopify:flow";
/** AuditEvent.subjectType of an action run; subjectId is Flow's action_run_id. */
export const FLOW_RUN_SUBJECT = "FlowActionRun";
export const RUN_STARTED = "flow.action.started";
export const RUN_ANSWERED = "flow.action.answered";
export const RUN_RELEASED = "flow.action.released";

/** A claim older than this without an answer belongs to a request that died (sendToProduction takes well under a second). */
export const CLAIM_STALE_MS = 60_000;
/** What a retry that finds the run still in progress is told to wait, in seconds. */
const RETRY_AFTER_S = 10;

export interface FlowActionAnswer {
  status: number;
  body: { ok: true; orderId: string; productId: string; message: string; queueWarning?: string } | { ok: false; errors: Record<string, string> };
  headers?: Record<string, string>;
}

type Claim = { kind: "claimed" } | { kind: "answered"; answer: FlowActionAnswer } | { kind: "in-flight" } | { kind: "taken-over"; since: Date };

const productField = `properties.${SEND_TO_PRODUCTION_KEYS.product}`;
const recipeField = `properties.${SEND_TO_PRODUCTION_KEYS.recipe}`;

/** A refusal from sendToProduction, as the status Flow reads and the field it concerns. */
export function answerForSkip(reason: string): FlowActionAnswer {
  if (reason.startsWith("no brand recipe")) return { status: 422, body: { ok: false, errors: { [recipeField]: reason } } };
  if (reason.startsWith("already in production")) return { status: 409, body: { ok: false, errors: { [productField]: reason } } };
  return { status: 422, body: { ok: false, errors: { [productField]: reason } } };
}

function answerFor(result: SendResult, productId: string): FlowActionAnswer {
  const created = result.created[0];
  if (created) {
    return {
      status: 200,
      body: { ok: true, orderId: created.orderId, productId, message: "Production order opened in Shotlane", ...(result.queueWarning ? { queueWarning: result.queueWarning } : {}) },
    };
  }
  return answerForSkip(result.skipped[0]?.reason ?? "Shotlane opened no order for this product");
}

/** Claims the run, or says why not, under a lock held only for the look-up. */
async function claimRun(db: PrismaClient, shopId: string, runId: string, data: Prisma.InputJsonValue, staleMs: number): Promise<Claim> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`flow-action:${shopId}:${runId}`}))`;
    const last = await tx.auditEvent.findFirst({ where: { shopId, subjectType: FLOW_RUN_SUBJECT, subjectId: runId }, orderBy: { id: "desc" }, select: { action: true, at: true, data: true } });
    if (last?.action === RUN_ANSWERED) return { kind: "answered", answer: (last.data as unknown as { answer: FlowActionAnswer }).answer };
    if (last?.action === RUN_STARTED && Date.now() - last.at.getTime() < staleMs) return { kind: "in-flight" };
    await recordAuditEvent(tx, { shopId, actor: FLOW_ACTOR, action: RUN_STARTED, subjectType: FLOW_RUN_SUBJECT, subjectId: runId, data });
    return last?.action === RUN_STARTED ? { kind: "taken-over", since: last.at } : { kind: "claimed" };
  });
}

async function recordAnswer(db: PrismaClient, shopId: string, runId: string, answer: FlowActionAnswer): Promise<FlowActionAnswer> {
  await recordAuditEvent(db, { shopId, actor: FLOW_ACTOR, action: RUN_ANSWERED, subjectType: FLOW_RUN_SUBJECT, subjectId: runId, data: { answer } as unknown as Prisma.InputJsonValue });
  return answer;
}

export interface FlowActionOptions {
  demo: boolean;
  /** When an unanswered claim counts as abandoned (tests shorten it). */
  claimStaleMs?: number;
}

/** One run of the action: the body is already verified (signature) and parsed. */
export async function runSendToProductionAction(body: SendToProductionBody, options: FlowActionOptions, db: PrismaClient = prisma): Promise<FlowActionAnswer> {
  const shopId = body.shopify_domain;
  const runId = body.action_run_id;
  const productId = body.properties.product_id;
  const recipe = body.properties.recipe;

  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { uninstalledAt: true } });
  if (!shop || shop.uninstalledAt) {
    return { status: 410, body: { ok: false, errors: { shopify_domain: `Shotlane is not installed on ${shopId}: install the app again, then run the workflow again` } } };
  }

  const claim = await claimRun(db, shopId, runId, { productId, recipe: recipe ?? null }, options.claimStaleMs ?? CLAIM_STALE_MS);
  if (claim.kind === "answered") return claim.answer;
  if (claim.kind === "in-flight") {
    return { status: 503, headers: { "Retry-After": String(RETRY_AFTER_S) }, body: { ok: false, errors: { action_run_id: "this run is still being handled by an earlier delivery: Flow will try again" } } };
  }
  if (claim.kind === "taken-over") {
    // The request that claimed the run died; if it got as far as opening the order, that order is the answer.
    const opened = await db.productionOrder.findFirst({ where: { shopId, productId, source: "flow", createdAt: { gte: claim.since } }, orderBy: { createdAt: "asc" }, select: { id: true } });
    if (opened) return recordAnswer(db, shopId, runId, { status: 200, body: { ok: true, orderId: opened.id, productId, message: "Production order opened in Shotlane" } });
  }

  let result: SendResult;
  try {
    result = await sendToProduction(db, shopId, [productId], { actor: FLOW_ACTOR, source: "flow", demo: options.demo, ...(recipe ? { recipe } : {}) });
  } catch (error) {
    // Let Flow's retry (it retries 5XX) run the action again at once instead of waiting for the claim to go stale.
    await recordAuditEvent(db, { shopId, actor: FLOW_ACTOR, action: RUN_RELEASED, subjectType: FLOW_RUN_SUBJECT, subjectId: runId, data: { error: error instanceof Error ? error.message.slice(0, 500) : String(error) } });
    throw error;
  }
  return recordAnswer(db, shopId, runId, answerFor(result, productId));
}
