import { BlockStack, Card, InlineGrid, ProgressBar, Text } from "@shopify/polaris";
import type { ProductionPageData } from "../production/production-page.server";

/** Shop-wide: how far the unfinished orders are, and what this month cost. */
export function ProductionSummaryCard({ summary }: { summary: ProductionPageData["summary"] }) {
  const { activeOrders, liveOrders, progress } = summary;
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          In production
        </Text>
        {activeOrders > 0 ? (
          <BlockStack gap="200">
            <ProgressBar progress={progress.percent} tone={progress.done === progress.total ? "success" : "highlight"} animated={liveOrders > 0} ariaLabelledBy="production-overall-label" />
            <Text as="p" id="production-overall-label">
              {`${progress.done} of ${progress.total} candidates done across ${activeOrders} active order${activeOrders === 1 ? "" : "s"}`}
            </Text>
          </BlockStack>
        ) : (
          <Text as="p" tone="subdued">
            Nothing is in production right now.
          </Text>
        )}
        <InlineGrid columns={2} gap="400">
          <BlockStack gap="100">
            <Text as="p" variant="bodySm" tone="subdued">
              Spent this month
            </Text>
            <Text as="p" variant="headingLg" numeric>
              {summary.monthSpend}
            </Text>
          </BlockStack>
          <BlockStack gap="100">
            <Text as="p" variant="bodySm" tone="subdued">
              Wasted this month (failed and canceled calls)
            </Text>
            <Text as="p" variant="headingLg" numeric tone={summary.monthWastedMicros > 0 ? "critical" : undefined}>
              {summary.monthWasted}
            </Text>
          </BlockStack>
        </InlineGrid>
      </BlockStack>
    </Card>
  );
}
