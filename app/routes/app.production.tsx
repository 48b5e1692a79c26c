import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ProductionPage } from "../components/production-page";
import { parseProductionAction, type ProductionActionResult } from "../production/production-page";
import { loadProductionPage, runProductionAction } from "../production/production-page.server";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, demo } = await requireShopAdmin(request);
  return { ...(await loadProductionPage(shop, new URL(request.url).searchParams)), demo };
};

export const action = async ({ request }: ActionFunctionArgs): Promise<ProductionActionResult> => {
  const { shop, actor } = await requireShopAdmin(request);
  const parsed = parseProductionAction(Object.fromEntries(await request.formData()));
  if (!parsed.ok) return parsed;
  return runProductionAction(shop, parsed.action, actor);
};

export default function ProductionRoute() {
  return <ProductionPage data={useLoaderData<typeof loader>()} />;
}
