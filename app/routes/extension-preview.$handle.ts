import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { previewPage } from "../product-panel/extension-preview.server";

// Demo only (404 otherwise): an admin UI extension's built bundle in a stand-in for the admin (extensions/README.md).
export const loader = async ({ request, params }: LoaderFunctionArgs) => previewPage(prisma, params.handle, new URL(request.url).searchParams);
