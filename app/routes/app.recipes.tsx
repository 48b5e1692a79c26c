import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { RecipePage } from "../components/recipe-page";
import { loadRecipesPage, submitRecipesForm } from "../recipes/recipes-page.server";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, demo } = await requireShopAdmin(request);
  return loadRecipesPage(shop, demo, new URL(request.url).searchParams);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor, demo } = await requireShopAdmin(request);
  return submitRecipesForm(request, { shop, actor, demo });
};

export default function RecipesRoute() {
  const data = useLoaderData<typeof loader>();
  return <RecipePage {...data} />;
}
