import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { DashboardPage } from "../components/dashboard-page";
import { loadDashboardPage } from "../dashboard/dashboard.server";
import prisma from "../db.server";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: vizStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, demo } = await requireShopAdmin(request);
  return { ...(await loadDashboardPage(prisma, shop, new URL(request.url).searchParams)), demo };
};

export default function Dashboard() {
  const data = useLoaderData<typeof loader>();
  return <DashboardPage data={data} />;
}
