import type { ActionFunctionArgs } from "@remix-run/node";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";
import { setLaunchDatesFromForm } from "../studio/launch-dates.server";

/** POST: set the launch date and priority of the selected products (blank clears); shot lists are ordered by them. */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await requireShopAdmin(request);
  const result = await setLaunchDatesFromForm(shop, Object.fromEntries(await request.formData()), actor);
  return Response.json(result, { status: result.ok ? 200 : 400 });
};
