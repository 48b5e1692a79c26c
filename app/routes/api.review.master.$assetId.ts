import type { LoaderFunctionArgs } from "@remix-run/node";
import { masterDownload } from "../review/review-actions.server";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";

/** GET: the asset's master (the file as generated or shot, before post-production) as an attachment; 404 when it is not this shop's. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, actor } = await requireShopAdmin(request);
  const assetId = params.assetId ?? "";
  if (!/^[a-z0-9]{20,40}$/.test(assetId)) return new Response("No such asset", { status: 404 });
  return masterDownload({ shopId: shop, actor }, assetId);
};
