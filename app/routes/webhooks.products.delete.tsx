import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../webhooks/receive-webhook.server";
import { handleProductDeleted } from "../webhooks/webhook-handlers.server";

/** Webhook products/delete (declared in shopify.app.toml). */
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, handleProductDeleted);
