import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { reprocessSelection } from "../production/production-page.server";
import { parseSendForm } from "../production/send-form";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await requireShopAdmin(request);
  return Response.json({ ok: false, error: "Use POST to re-process store images" }, { status: 405 });
};

/** POST: the selected products' current store images go through post-production (one order per product). */
export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return Response.json({ ok: false, error: "Use POST to re-process store images" }, { status: 405 });
  const { shop, actor, demo } = await requireShopAdmin(request);
  const form = parseSendForm(Object.fromEntries(await request.formData()));
  if (!form.ok) return Response.json(form, { status: 400 });
  return Response.json({ ok: true, ...(await reprocessSelection(shop, form.productIds, { actor, demo })) });
};
