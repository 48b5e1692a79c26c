import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { handleExtensionRequest, methodNotAllowed } from "../product-panel/extension-route.server";
import { loadProductPanel } from "../product-panel/product-panel.server";

/** GET: the product page block's panel (extensions/product-panel-block), for a product GID or its number. */
export const loader = async ({ request, params }: LoaderFunctionArgs) =>
  handleExtensionRequest(request, async (context) => {
    const answer = await loadProductPanel(prisma, context.shopId, params.productId, { demo: context.demo });
    return context.json(answer.body, answer.status);
  });

/** OPTIONS (the preflight; authenticate.admin answers it) and any other method. */
export const action = async ({ request }: ActionFunctionArgs) => handleExtensionRequest(request, async (context) => methodNotAllowed(context, "GET"));
