import type { LoaderFunctionArgs } from "@remix-run/node";
import { serveSignedAsset } from "../storage/serve-signed-asset.server";

// Public on purpose: providers fetch from here. The URL's signature is the authentication.
export const loader = async ({ request, params }: LoaderFunctionArgs) => serveSignedAsset(params["*"] ?? "", new URL(request.url).searchParams);
