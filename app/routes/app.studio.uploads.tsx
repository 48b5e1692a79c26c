import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { StudioUploadPage } from "../components/studio-upload-page";
import prisma from "../db.server";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";
import { loadStudioUploadsPage, searchStudioProducts } from "../studio/studio-uploads.server";

export const meta: MetaFunction = () => [{ title: "Studio uploads · Shotlane" }];

/**
 * The page: the files table for `?status=&page=`. With `?productSearch=<text>`
 * it answers only the products the Assign dialog offers (its fetcher loads this
 * route); uploads go to the /api/studio/uploads resource routes.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShopAdmin(request);
  const params = new URL(request.url).searchParams;
  const search = params.get("productSearch");
  if (search !== null) return { kind: "products" as const, products: await searchStudioProducts(prisma, shop, search) };
  return { kind: "page" as const, ...(await loadStudioUploadsPage(prisma, shop, params)) };
};

export default function StudioUploadsRoute() {
  const data = useLoaderData<typeof loader>();
  return data.kind === "page" ? <StudioUploadPage data={data} /> : null;
}
