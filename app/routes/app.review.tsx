import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ReviewPage } from "../components/review-page";
import { loadReviewGrid } from "../review/review-grid.server";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";

export const meta: MetaFunction = () => [{ title: "Review · Shotlane" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, demo } = await requireShopAdmin(request);
  return { ...(await loadReviewGrid(shop, new URL(request.url).searchParams)), demo };
};

/** The review grid; the compare view (app.review.$assetId) opens over it. */
export default function ReviewRoute() {
  return <ReviewPage data={useLoaderData<typeof loader>()} />;
}
