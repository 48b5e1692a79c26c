import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ReviewCompare } from "../components/review-compare";
import { loadReviewCompare } from "../review/review-compare.server";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShopAdmin(request);
  const url = new URL(request.url);
  const data = await loadReviewCompare(shop, params.assetId ?? "", url.searchParams);
  if (!data) throw new Response("No such asset in this shop", { status: 404 });
  return { ...data, zoom: url.searchParams.get("zoom") === "1" };
};

/** The compare view, opened over the review grid (its parent route). */
export default function ReviewCompareRoute() {
  const data = useLoaderData<typeof loader>();
  // A new asset starts fitted (or zoomed when asked), with its overlays off.
  return <ReviewCompare key={data.asset.id} data={data} initialZoom={data.zoom} />;
}
