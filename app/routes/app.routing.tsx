import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { loadRoutingPage, submitRoutingForm } from "../routing/routing-page.server";
import { RoutingRulesEditor } from "../components/routing-rules-editor";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShopAdmin(request);
  return loadRoutingPage(shop);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await requireShopAdmin(request);
  return submitRoutingForm(shop, await request.formData(), actor);
};

export default function RoutingPage() {
  const data = useLoaderData<typeof loader>();
  return <RoutingRulesEditor {...data} />;
}
