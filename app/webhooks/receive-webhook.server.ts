import { authenticate } from "../shopify.server";

export type WebhookContext = Awaited<ReturnType<typeof authenticate.webhook>>;

/**
 * Every webhook route: verify the HMAC (authenticate.webhook answers 401 to a
 * bad one and nothing runs), do the topic's quick work or enqueue it, and
 * acknowledge well inside Shopify's 5-second limit.
 */
export async function receiveWebhook(request: Request, handle: (context: WebhookContext) => Promise<void>): Promise<Response> {
  const context = await authenticate.webhook(request);
  await handle(context);
  return new Response(null, { status: 200 });
}
