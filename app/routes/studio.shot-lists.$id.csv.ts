import type { LoaderFunctionArgs } from "@remix-run/node";
import { serveShotListLink } from "../studio/shot-lists.server";

// Opened from a plain link in a new tab, where the embedded admin attaches no session token:
// the signed link (shop, list, expiry) minted by the shot list's page is the authentication.
export const loader = async ({ request, params }: LoaderFunctionArgs) => serveShotListLink("csv", params.id ?? "", new URL(request.url).searchParams);
