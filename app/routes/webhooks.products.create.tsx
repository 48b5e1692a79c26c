import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../webhooks/receive-webhook.server";
import { handleProductCreated } from "../webhooks/webhook-handlers.server";

/** Webhook products/create (declared in shopify.app.toml). */
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, handleProductCreated);
