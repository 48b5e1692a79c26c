import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../webhooks/receive-webhook.server";
import { handleScopesUpdate } from "../webhooks/webhook-handlers.server";

/** Webhook app/scopes_update (declared in shopify.app.toml). */
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, handleScopesUpdate);
