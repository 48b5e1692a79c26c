import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { catalogSyncStatus, startCatalogSync } from "../catalog/catalog-sync-requests.server";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";

/** GET: the shop's current or last catalog sync, polled by the home page. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShopAdmin(request);
  return Response.json(await catalogSyncStatus(shop));
};

/** POST: start a catalog sync (refused with 409 while one runs). */
export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return Response.json({ error: "Use POST to start a sync" }, { status: 405 });
  const { shop, actor } = await requireShopAdmin(request);
  const result = await startCatalogSync(shop, actor);
  return Response.json(result, { status: result.ok ? 202 : result.status });
};
