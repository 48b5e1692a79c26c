import { Banner, BlockStack, Button, Card, InlineGrid, InlineStack, Page, Text } from "@shopify/polaris";
import { useState } from "react";
import type { DashboardPageData } from "../dashboard/dashboard.server";
import { formatHours, formatShare, formatUsd } from "../dashboard/dashboard-metrics";
import { dashboardSearch } from "../dashboard/dashboard-query";
import { DashboardCsvDownload } from "./dashboard-csv-download";
import { DashboardRangeForm } from "./dashboard-range-form";
import { DashboardCost, DashboardCoverage, DashboardQuality, DashboardThroughput } from "./dashboard-sections";
import { DemoStoreBanner } from "./demo-store-banner";
import { FigureCard } from "./figure-card";

/** The app's home: production health for a date range, every chart with its figures in a table, and the CSV exports. */
export function DashboardPage({ data }: { data: DashboardPageData }) {
  const { figures } = data;
  const { query } = figures;
  const [exportError, setExportError] = useState<string | null>(null);
  const search = dashboardSearch(query);
  const queryErrors = Object.entries(data.queryErrors);
  const ai = figures.turnaround.find((t) => t.lane === "ai") ?? figures.turnaround[0];
  return (
    <Page
      fullWidth
      title="Dashboard"
      subtitle={`${data.shop.name ?? data.shop.domain}: ${query.from} to ${query.to}${query.lane ? `, ${query.lane === "ai" ? "AI" : "studio"} lane` : ""}`}
      secondaryActions={[
        { content: "Catalog", url: "/app/catalog" },
        { content: "Production", url: "/app/production" },
        { content: "Review", url: "/app/review" },
        { content: "Publishing", url: "/app/publishing" },
        { content: "Studio", url: "/app/studio" },
        { content: "Settings", url: "/app/settings" },
      ]}
    >
      <BlockStack gap="400">
        <DemoStoreBanner demo={data.demo} />
        {queryErrors.length > 0 ? (
          <Banner tone="warning" title="Some parameters in the address were not used: showing the last 30 days">
            <ul>
              {queryErrors.map(([field, message]) => (
                <li key={field}>{message}</li>
              ))}
            </ul>
          </Banner>
        ) : null}
        {exportError ? (
          <Banner tone="critical" title="The export was not made" onDismiss={() => setExportError(null)}>
            {exportError}
          </Banner>
        ) : null}
        <Card>
          <InlineStack gap="400" align="space-between" blockAlign="end" wrap>
            <DashboardRangeForm query={query} errors={data.queryErrors} />
            <InlineStack gap="200">
              <DashboardCsvDownload href={`/app/dashboard/figures.csv${search}`} label="Download figures (CSV)" onError={setExportError} />
              <DashboardCsvDownload href={`/app/dashboard/audit.csv${search}`} label="Download audit trail (CSV)" onError={setExportError} />
            </InlineStack>
          </InlineStack>
        </Card>
        {data.empty ? (
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Nothing to show yet
              </Text>
              <Text as="p">Sync the catalog, then send products to production: coverage, throughput, quality and cost appear here as assets are made, reviewed and published.</Text>
              <InlineStack>
                <Button url="/app/catalog" variant="primary">
                  Open the catalog
                </Button>
              </InlineStack>
            </BlockStack>
          </Card>
        ) : (
          <>
            <InlineGrid columns={{ xs: 1, sm: 2, lg: 4 }} gap="400">
              <FigureCard title="On-model coverage" value={formatShare(figures.coverage.all.shares.onModel)} detail={`${figures.coverage.all.onModel.toLocaleString("en")} of ${figures.coverage.all.products.toLocaleString("en")} products have an approved on-model image.`} />
              <FigureCard title="First-pass approval" value={formatShare(figures.quality.firstPassRate)} detail={`Target ${formatShare(figures.quality.target)}; ${figures.quality.decided.toLocaleString("en")} candidates decided in the range.`} />
              <FigureCard title={`Request to live (${ai?.lane === "studio" ? "studio" : "AI"})`} value={formatHours(ai?.toLiveHours ?? null)} detail={`Median over ${(ai?.live ?? 0).toLocaleString("en")} assets published in the range.`} />
              <FigureCard
                title="Budget left this month"
                value={figures.cost.budget.leftMicros === null ? "No limit" : formatUsd(figures.cost.budget.leftMicros)}
                detail={`${formatUsd(figures.cost.budget.spentThisMonthMicros)} spent or reserved this month; ${formatUsd(figures.cost.total.perApprovedMicros)} per approved asset in the range.`}
              />
            </InlineGrid>
            <DashboardCoverage coverage={figures.coverage} />
            <DashboardThroughput throughput={figures.throughput} turnaround={figures.turnaround} />
            <DashboardQuality figures={figures} />
            <DashboardCost cost={figures.cost} />
          </>
        )}
      </BlockStack>
    </Page>
  );
}
