import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../webhooks/receive-webhook.server";
import { handleAppUninstalled } from "../webhooks/webhook-handlers.server";

/** Webhook app/uninstalled (declared in shopify.app.toml). */
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, handleAppUninstalled);
