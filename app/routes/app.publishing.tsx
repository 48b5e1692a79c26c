import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { PublishingPage } from "../components/publishing-page";
import { loadPublishingPage, parsePublishingAction, runPublishingAction, type PublishingActionResult } from "../publishing/publishing-page.server";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";

export const meta: MetaFunction = () => [{ title: "Publishing · Shotlane" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShopAdmin(request);
  return loadPublishingPage(shop, new URL(request.url).searchParams);
};

export const action = async ({ request }: ActionFunctionArgs): Promise<PublishingActionResult> => {
  const { shop, actor } = await requireShopAdmin(request);
  const parsed = parsePublishingAction(Object.fromEntries(await request.formData()));
  if (!parsed.ok) return parsed;
  return runPublishingAction(shop, parsed.action, actor);
};

export default function PublishingRoute() {
  return <PublishingPage data={useLoaderData<typeof loader>()} />;
}
