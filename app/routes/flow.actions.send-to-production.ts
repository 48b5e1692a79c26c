import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { env } from "../config/env";
import { parseSendToProductionBody } from "../flow/flow-extensions";
import { FLOW_HMAC_HEADER, isValidFlowSignature } from "../flow/flow-signature.server";
import { runSendToProductionAction } from "../flow/send-to-production-action.server";
import { authenticate } from "../shopify.server";

/**
 * Shopify Flow action "Send product to Shotlane production" (runtime_url of
 * extensions/flow-send-to-production). Signature (401), body (400 naming the
 * field), the shop's offline session through authenticate.flow (410 when the
 * app is not installed), then one idempotent service call per action run.
 */

export const loader = async (_args: LoaderFunctionArgs) => Response.json({ ok: false, errors: { method: "Flow posts action runs here: use POST" } }, { status: 405 });

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return Response.json({ ok: false, errors: { method: "Flow posts action runs here: use POST" } }, { status: 405 });
  const rawBody = await request.clone().text();
  if (!isValidFlowSignature(rawBody, request.headers.get(FLOW_HMAC_HEADER), env().SHOPIFY_API_SECRET)) {
    return Response.json({ ok: false, errors: { [FLOW_HMAC_HEADER]: "missing or wrong: the body must be signed with the app's client secret (base64 HMAC-SHA256)" } }, { status: 401 });
  }
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    return Response.json({ ok: false, errors: { body: "is not JSON: Flow sends the action run as a JSON object" } }, { status: 400 });
  }
  const parsed = parseSendToProductionBody(json);
  if (!parsed.ok) return Response.json(parsed, { status: 400 });
  try {
    await authenticate.flow(request);
  } catch (error) {
    // The signature and body checked out above, so the library's 400 means it found no offline session for the shop.
    if (error instanceof Response && error.status === 400) {
      const shop = parsed.body.shopify_domain;
      return Response.json({ ok: false, errors: { shopify_domain: `Shotlane is not installed on ${shop}: install the app again, then run the workflow again` } }, { status: 410 });
    }
    throw error;
  }
  const answer = await runSendToProductionAction(parsed.body, { demo: env().demo });
  return Response.json(answer.body, { status: answer.status, headers: answer.headers });
};
