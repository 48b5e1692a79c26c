import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { sendSelectionToProduction } from "../production/production-page.server";
import { parseSendForm } from "../production/send-form";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";

/** GET is not a way to start paid work. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  await requireShopAdmin(request);
  return Response.json({ ok: false, error: "Use POST to send products to production" }, { status: 405 });
};

/** POST: one production order per selected product (bulk when more than one). */
export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return Response.json({ ok: false, error: "Use POST to send products to production" }, { status: 405 });
  const { shop, actor, demo } = await requireShopAdmin(request);
  const form = parseSendForm(Object.fromEntries(await request.formData()));
  if (!form.ok) return Response.json(form, { status: 400 });
  const result = await sendSelectionToProduction(shop, form.productIds, { actor, demo });
  return Response.json({ ok: true, ...result });
};
