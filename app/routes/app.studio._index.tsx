import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { StudioCapacityPage } from "../components/studio-capacity-page";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";
import { loadStudioCapacityRoute, submitLaneMoveForm } from "../studio/capacity.server";

export const meta: MetaFunction = () => [{ title: "Studio capacity · Shotlane" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, demo } = await requireShopAdmin(request);
  return loadStudioCapacityRoute(shop, { demo });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor, demo } = await requireShopAdmin(request);
  return submitLaneMoveForm(shop, await request.formData(), actor, { demo });
};

export default function StudioCapacityRoute() {
  return <StudioCapacityPage data={useLoaderData<typeof loader>()} />;
}
