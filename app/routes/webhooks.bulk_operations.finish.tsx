import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../webhooks/receive-webhook.server";
import { handleBulkOperationFinish } from "../webhooks/webhook-handlers.server";

/** Webhook bulk_operations/finish (declared in shopify.app.toml). */
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, handleBulkOperationFinish);
