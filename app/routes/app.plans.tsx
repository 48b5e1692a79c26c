import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ProductionPlansEditor } from "../components/production-plans-editor";
import { loadPlansPage, submitPlansForm } from "../production/plans-page.server";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShopAdmin(request);
  return loadPlansPage(shop);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await requireShopAdmin(request);
  return submitPlansForm(shop, await request.formData(), actor);
};

export default function PlansPage() {
  const { plans } = useLoaderData<typeof loader>();
  return <ProductionPlansEditor plans={plans} />;
}
