import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, InlineGrid, Page } from "@shopify/polaris";
import { loadCatalogHome } from "../catalog/catalog-home.server";
import { CatalogSyncCard } from "../components/catalog-sync-card";
import { DemoStoreBanner } from "../components/demo-store-banner";
import { ProductListCard } from "../components/product-list-card";
import { ShopSummaryCard } from "../components/shop-summary-card";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, demo } = await requireShopAdmin(request);
  return { ...(await loadCatalogHome(shop, new URL(request.url).searchParams)), demo };
};

export default function CatalogPage() {
  const data = useLoaderData<typeof loader>();
  const queryErrors = Object.values(data.queryErrors);
  return (
    <Page fullWidth title="Catalog" subtitle={data.shop.name ?? data.shop.domain} backAction={{ content: "Dashboard", url: "/app" }} secondaryActions={[
        { content: "Tier routing", url: "/app/routing" },
        { content: "Production plans", url: "/app/plans" },
        { content: "Production", url: "/app/production" },
        { content: "Shot lists", url: "/app/studio/shot-lists" },
        { content: "Review", url: "/app/review" },
        { content: "Publishing", url: "/app/publishing" },
        { content: "Brand recipes", url: "/app/recipes" },
        { content: "Post-production", url: "/app/post-production" },
        { content: "Settings", url: "/app/settings" },
      ]}>
      <BlockStack gap="400">
        <DemoStoreBanner demo={data.demo} />
        {queryErrors.length > 0 ? (
          <Banner tone="warning" title="Some filters in the address were ignored">
            <ul>
              {queryErrors.map((message) => (
                <li key={message}>{message}</li>
              ))}
            </ul>
          </Banner>
        ) : null}
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
          <ShopSummaryCard shop={data.shop} />
          <CatalogSyncCard initialRun={data.sync} />
        </InlineGrid>
        <ProductListCard page={data.page} facets={data.facets} query={data.query} ruleNames={data.ruleNames} plans={data.plans} />
      </BlockStack>
    </Page>
  );
}
