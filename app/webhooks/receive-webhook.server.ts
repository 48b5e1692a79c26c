import { Prisma } from "@prisma/client";
import prisma from "../db.server";
import { authenticate } from "../shopify.server";

export type WebhookContext = Awaited<ReturnType<typeof authenticate.webhook>>;

/** What a handler did, kept on the delivery record ("processed" unless it says otherwise). */
export type WebhookOutcome = string | void;

/**
 * Every webhook route: verify the HMAC (authenticate.webhook answers 401 to a
 * bad one and nothing runs), claim the delivery by its webhook id (a duplicate
 * is acknowledged and skipped), do the topic's quick work or enqueue it, and
 * acknowledge well inside Shopify's 5-second limit. If the work fails the claim
 * is released, so Shopify's retry is processed rather than skipped.
 */
export async function receiveWebhook(request: Request, handle: (context: WebhookContext) => Promise<WebhookOutcome>): Promise<Response> {
  let context: WebhookContext;
  try {
    context = await authenticate.webhook(request);
  } catch (error) {
    // authenticate.webhook parses the body only once the HMAC checked out: a
    // signed body that is not JSON would fail the same way on every retry (ADR 0005).
    if (!(error instanceof SyntaxError)) throw error;
    const header = (name: string) => request.headers.get(name) ?? "?";
    console.warn(`Ignored ${header("X-Shopify-Topic")} webhook ${header("X-Shopify-Webhook-Id")} from ${header("X-Shopify-Shop-Domain")}: the body is not JSON`);
    return new Response(null, { status: 200 });
  }
  const triggeredAt = context.triggeredAt ? new Date(context.triggeredAt) : null;
  try {
    await prisma.webhookDelivery.create({
      data: { webhookId: context.webhookId, shopId: context.shop, topic: context.topic, triggeredAt: triggeredAt && !Number.isNaN(triggeredAt.getTime()) ? triggeredAt : null, outcome: "received" },
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return new Response(null, { status: 200 });
    throw error;
  }
  let outcome: WebhookOutcome;
  try {
    outcome = await handle(context);
  } catch (error) {
    await prisma.webhookDelivery.deleteMany({ where: { webhookId: context.webhookId } });
    throw error;
  }
  // Only while still "received": a worker may already have recorded the result of an enqueued job.
  await prisma.webhookDelivery.updateMany({ where: { webhookId: context.webhookId, outcome: "received" }, data: { outcome: outcome || "processed" } });
  return new Response(null, { status: 200 });
}
