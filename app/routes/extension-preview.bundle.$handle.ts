import type { LoaderFunctionArgs } from "@remix-run/node";
import { previewBundle } from "../product-panel/extension-preview.server";

// Demo only (404 otherwise): the extension's bundle as `npm run build:extensions` left it.
export const loader = async ({ params }: LoaderFunctionArgs) => previewBundle(params.handle);
