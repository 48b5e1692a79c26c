import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../webhooks/receive-webhook.server";
import { handleCustomerPrivacyRequest } from "../webhooks/webhook-handlers.server";

/** Webhook customers/data_request (declared in shopify.app.toml). */
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, handleCustomerPrivacyRequest);
