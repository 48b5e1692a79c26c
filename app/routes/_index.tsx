import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { env } from "../config/env";

/**
 * Shopify opens the app at `/?shop=…&host=…`: hand over to the embedded pages.
 * In demo mode, `/` goes straight to the demo shop's pages.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (env().demo || url.searchParams.get("shop")) {
    throw redirect(`/app?${url.searchParams.toString()}`);
  }
  // Not opened from the Shopify admin: the login page asks for the shop domain.
  throw redirect("/auth/login");
};
