import type { HeadersFunction, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { env } from "../config/env";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { demo } = await requireShopAdmin(request);
  return { apiKey: env().SHOPIFY_API_KEY, demo };
};

export default function AppLayout() {
  const { apiKey, demo } = useLoaderData<typeof loader>();
  // Demo mode runs at localhost outside the Shopify admin, so no App Bridge.
  return (
    <AppProvider isEmbeddedApp={!demo} apiKey={apiKey}>
      {demo ? null : (
        <NavMenu>
          <Link to="/app" rel="home">
            Dashboard
          </Link>
          <Link to="/app/catalog">Catalog</Link>
          <Link to="/app/routing">Tier routing</Link>
          <Link to="/app/plans">Production plans</Link>
          <Link to="/app/production">Production</Link>
          <Link to="/app/studio">Studio</Link>
          <Link to="/app/studio/shot-lists">Shot lists</Link>
          <Link to="/app/studio/uploads">Studio uploads</Link>
          <Link to="/app/review">Review</Link>
          <Link to="/app/publishing">Publishing</Link>
          <Link to="/app/recipes">Brand recipes</Link>
          <Link to="/app/post-production">Post-production</Link>
          <Link to="/app/settings">Settings</Link>
        </NavMenu>
      )}
      <Outlet />
    </AppProvider>
  );
}

// Shopify's boundary helpers let auth redirects and headers pass through.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
