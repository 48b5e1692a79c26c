import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ShotListIndexPage } from "../components/shot-list-index-page";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";
import { loadShotListsPage, runShotListsAction, type ShotListsActionResult } from "../studio/shot-lists.server";

export const meta: MetaFunction = () => [{ title: "Shot lists · Shotlane" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShopAdmin(request);
  return loadShotListsPage(shop, new URL(request.url).searchParams);
};

/** intent=preview or intent=create, with startDate (YYYY-MM-DD) and optionally productIds (a JSON list). */
export const action = async ({ request }: ActionFunctionArgs): Promise<ShotListsActionResult> => {
  const { shop, actor } = await requireShopAdmin(request);
  return runShotListsAction(shop, Object.fromEntries(await request.formData()), actor);
};

export default function ShotListsRoute() {
  return <ShotListIndexPage data={useLoaderData<typeof loader>()} />;
}
