import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../webhooks/receive-webhook.server";
import { handleProductUpdated } from "../webhooks/webhook-handlers.server";

/** Webhook products/update (declared in shopify.app.toml). */
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, handleProductUpdated);
