import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Layout, Page, Text } from "@shopify/polaris";
import type { ProductionActionResult } from "../production/production-page";
import type { ProductionPageData } from "../production/production-page.server";
import { ProductionOrdersCard } from "./production-orders-card";
import { ProductionSummaryCard } from "./production-summary-card";
import { useLiveRevalidation } from "./use-live-revalidation";
import { formatTime } from "./product-heading";


/** The Production page: pause banner, summary, orders; refreshes itself while orders run. */
export function ProductionPage({ data }: { data: ProductionPageData & { demo: boolean } }) {
  useLiveRevalidation(data.summary.liveOrders > 0);
  const resume = useFetcher<ProductionActionResult>();
  return (
    <Page title="Production" subtitle="Orders sent to production, their candidates and what they cost." backAction={{ content: "Catalog", url: "/app/catalog" }}>
      <Layout>
        {data.pause ? (
          <Layout.Section>
            <Banner
              tone="warning"
              title={`Production is paused: ${data.pause.reason}`}
              action={{ content: "Resume production", loading: resume.state !== "idle", onAction: () => resume.submit({ intent: "resume" }, { method: "post", action: "/app/production" }) }}
              secondaryAction={{ content: "Change the limits in Settings", url: "/app/settings" }}
            >
              <Text as="p">
                Since {formatTime(data.pause.since)}. Paused candidates keep their place; raise the limit in Settings, then resume.
              </Text>
            </Banner>
          </Layout.Section>
        ) : null}
        {resume.data ? (
          <Layout.Section>
            <Banner tone={resume.data.ok ? "success" : "critical"}>
              <Text as="p">{resume.data.ok ? resume.data.message : resume.data.error}</Text>
            </Banner>
          </Layout.Section>
        ) : null}
        {data.empty ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Nothing sent to production yet
                </Text>
                <Text as="p">
                  In the catalog, select products and choose <strong>Send to production</strong>. Each product gets one order with every asset its tier's production plan asks for; AI assets are made here, studio assets wait for the studio.
                </Text>
                <div>
                  <Button url="/app/catalog" variant="primary">
                    Open the catalog
                  </Button>
                </div>
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : (
          <>
            <Layout.Section>
              <ProductionSummaryCard summary={data.summary} />
            </Layout.Section>
            <Layout.Section>
              <ProductionOrdersCard data={data} />
            </Layout.Section>
          </>
        )}
      </Layout>
    </Page>
  );
}
