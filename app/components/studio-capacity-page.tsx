import { Banner, BlockStack, Card, DataTable, InlineGrid, Layout, Page, Text } from "@shopify/polaris";
import { formatUsd } from "../production/production-page";
import type { StudioCapacityRouteData } from "../studio/capacity.server";
import { FigureCard } from "./figure-card";
import { StudioCapacityMove } from "./studio-capacity-move";
import { StudioCapacityWeeks } from "./studio-capacity-weeks";

const count = (n: number) => n.toLocaleString("en");
const TIER_NAMES = { 1: "Tier 1 — studio", 2: "Tier 2 — mostly studio", 3: "Tier 3 — AI" } as const;

/** Studio capacity: what the backlog needs from the studio and the AI lane, per week and per tier, and bulk lane moves with a preview. */
export function StudioCapacityPage({ data }: { data: StudioCapacityRouteData }) {
  const { figures, settings, inFlight, spend, weeks } = data;
  const inFlightTotal = inFlight.generating + inFlight.postProduction + inFlight.qualityChecks;
  const spent = spend.spentMicros + spend.reservedMicros;
  const tiers = ([1, 2, 3] as const).map((tier) => {
    const b = figures.backlog[tier];
    return [TIER_NAMES[tier], count(b.products), count(b.studioImages), count(Math.ceil(b.studioImages / settings.imagesPerDay)), count(b.aiAssets), formatUsd(b.aiSpendMicros)];
  });
  return (
    <Page title="Studio capacity" subtitle="Studio images needed against the studio's capacity, AI work in flight, and the backlog per tier." backAction={{ content: "Catalog", url: "/app/catalog" }}>
      <Layout>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 3 }} gap="400">
            <FigureCard
              title="Studio backlog"
              value={`${count(figures.studioDays)} studio day${figures.studioDays === 1 ? "" : "s"}`}
              detail={`${count(figures.studioImages)} images at ${count(settings.imagesPerDay)} a day, ${settings.workdays.length} days a week: about ${count(figures.studioWeeks)} week${figures.studioWeeks === 1 ? "" : "s"}.`}
            />
            <FigureCard
              title="AI assets in flight"
              value={count(inFlightTotal)}
              detail={`${count(inFlight.generating)} with the provider, ${count(inFlight.postProduction)} in post-production, ${count(inFlight.qualityChecks)} in quality checks${inFlight.paused ? `; ${count(inFlight.paused)} paused by a budget limit` : ""}.`}
            />
            <FigureCard
              title="AI spend this month"
              value={spend.monthlyBudgetMicros !== null ? `${formatUsd(spent)} of ${formatUsd(spend.monthlyBudgetMicros)}` : formatUsd(spent)}
              detail={`${formatUsd(spend.reservedMicros)} of it reserved for calls still running${spend.monthlyBudgetMicros === null ? "; no monthly budget set (Settings → Budgets)" : ""}. The AI backlog would cost about ${formatUsd(figures.aiSpendMicros)} more.`}
            />
          </InlineGrid>
        </Layout.Section>
        {spend.monthlyBudgetMicros !== null && spent + figures.aiSpendMicros > spend.monthlyBudgetMicros ? (
          <Layout.Section>
            <Banner tone="warning" title="The AI backlog does not fit this month's budget">
              <Text as="p">
                {formatUsd(spent)} is spent or reserved and the backlog needs about {formatUsd(figures.aiSpendMicros)} more, over the {formatUsd(spend.monthlyBudgetMicros)} budget. Production pauses when it is reached.
              </Text>
            </Banner>
          </Layout.Section>
        ) : null}
        {data.pricing.warnings.length > 0 ? (
          <Layout.Section>
            <Banner tone="warning" title="Some AI assets cannot be priced">
              <ul>
                {data.pricing.warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <StudioCapacityWeeks {...weeks} imagesPerDay={settings.imagesPerDay} />
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Backlog by tier
              </Text>
              <DataTable
                columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric"]}
                headings={["Tier", "Products needing work", "Studio images", "Studio days", "AI assets", "AI spend"]}
                rows={tiers}
                totals={["", "", count(figures.studioImages), count(figures.studioDays), count(figures.aiAssets), formatUsd(figures.aiSpendMicros)]}
                showTotalsInFooter
              />
              <Text as="p" variant="bodySm" tone="subdued">
                What each tier's production plan still needs for {count(data.products)} products: studio images for every colourway ({settings.imagesPerView} per view), AI assets once per product at the provider prices
                of each garment category's recipe (its candidates per view included).
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <StudioCapacityMove facets={data.facets} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
