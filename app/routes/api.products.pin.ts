import type { ActionFunctionArgs } from "@remix-run/node";
import { pinSelection } from "../routing/routing-page.server";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";

/** POST: pin the selected products to a tier by hand, or remove their pins. */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await requireShopAdmin(request);
  const result = await pinSelection(shop, Object.fromEntries(await request.formData()), actor);
  return Response.json(result, { status: result.ok ? 200 : 400 });
};
