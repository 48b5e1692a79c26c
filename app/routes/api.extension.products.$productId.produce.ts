import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { handleExtensionRequest, methodNotAllowed } from "../product-panel/extension-route.server";
import { produceFromPanel } from "../product-panel/product-panel.server";

/** GET is not a way to start paid work. */
export const loader = async ({ request }: LoaderFunctionArgs) => handleExtensionRequest(request, async (context) => methodNotAllowed(context, "POST"));

/** POST JSON {views: string[], recipe?: string}: "Send to production" / "Regenerate" from the product page action (OPTIONS: the preflight). */
export const action = async ({ request, params }: ActionFunctionArgs) =>
  handleExtensionRequest(request, async (context) => {
    if (request.method !== "POST") return methodNotAllowed(context, "POST");
    const body: unknown = await request.json().catch(() => undefined);
    const answer = await produceFromPanel(prisma, context.shopId, params.productId, body, { actor: context.actor, demo: context.demo });
    return context.json(answer.body, answer.status);
  });
