import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ShotListDetailPage } from "../components/shot-list-detail-page";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";
import { loadShotListPage, runShotListAction, type ShotListActionResult } from "../studio/shot-lists.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Shot list #${data.list.number} · Shotlane` : "Shot list · Shotlane" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShopAdmin(request);
  return loadShotListPage(shop, params.id ?? "", new URL(request.url).searchParams);
};

/** intent=status with status (draft, sent, shooting, delivered: one step), or intent=delete for a draft. */
export const action = async ({ request, params }: ActionFunctionArgs): Promise<ShotListActionResult> => {
  const { shop, actor } = await requireShopAdmin(request);
  return runShotListAction(shop, params.id ?? "", Object.fromEntries(await request.formData()), actor);
};

export default function ShotListRoute() {
  return <ShotListDetailPage data={useLoaderData<typeof loader>()} />;
}
