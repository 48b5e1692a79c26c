import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { figuresCsvResponse } from "../dashboard/dashboard-export.server";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";

// The dashboard fetches this with the session token App Bridge adds to fetch(), then saves the file.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShopAdmin(request);
  return figuresCsvResponse(prisma, shop, new URL(request.url).searchParams);
};
