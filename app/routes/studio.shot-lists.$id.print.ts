import type { LoaderFunctionArgs } from "@remix-run/node";
import { serveShotListLink } from "../studio/shot-lists.server";

// A standalone printable page opened in a new tab without a session token: the signed link is the authentication.
export const loader = async ({ request, params }: LoaderFunctionArgs) => serveShotListLink("print", params.id ?? "", new URL(request.url).searchParams);
