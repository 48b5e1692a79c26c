import { BlockStack, Card, DataTable, InlineGrid, Text } from "@shopify/polaris";
import type { ReactNode } from "react";
import {
  COVERAGE_KINDS,
  COVERAGE_LABELS,
  formatHours,
  formatShare,
  formatUsd,
  THROUGHPUT_LABELS,
  THROUGHPUT_METRICS,
  type CoverageRow,
  type DashboardFigures,
} from "../dashboard/dashboard-metrics";
import { DashboardChart } from "./dashboard-chart";

const count = (n: number) => n.toLocaleString("en");
// Whole percents, except below 10% where the axis of a young catalog (0.2%, 0.4% …) would read 0% on every line.
const percent = (value: number | null) => (value === null ? "–" : `${Math.abs(value) < 10 && value !== 0 ? value.toFixed(1) : Math.round(value)}%`);
const asPercent = (share: number | null) => (share === null ? null : Math.round(share * 1000) / 10);

/** A card with a heading, an optional chart and the table that carries every figure of it. */
function Section({ title, description, children }: { title: string; description: string; children: ReactNode }) {
  return (
    <Card>
      <BlockStack gap="300">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            {title}
          </Text>
          <Text as="p" tone="subdued">
            {description}
          </Text>
        </BlockStack>
        {children}
      </BlockStack>
    </Card>
  );
}

function TableTitle({ children }: { children: string }) {
  return (
    <Text as="h3" variant="headingSm">
      {children}
    </Text>
  );
}

function coverageTable(rows: CoverageRow[], groupHeading: string) {
  return (
    <DataTable
      columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
      headings={[groupHeading, "Products", ...COVERAGE_KINDS.map((k) => `With ${COVERAGE_LABELS[k].toLowerCase()}`)]}
      rows={rows.map((r) => [r.group, count(r.products), ...COVERAGE_KINDS.map((k) => `${formatShare(r.shares[k])} (${count(r[k])})`)])}
    />
  );
}

export function DashboardCoverage({ coverage }: { coverage: DashboardFigures["coverage"] }) {
  const groups = [coverage.all, ...coverage.byTier];
  return (
    <Section title="Catalog coverage" description="Share of products with an approved on-model image, packshot and video, whenever it was approved.">
      <DashboardChart
        kind="bar"
        title="Catalog coverage by tier"
        series={COVERAGE_KINDS.map((kind) => ({ name: COVERAGE_LABELS[kind], data: groups.map((g) => ({ key: g.group, value: asPercent(g.shares[kind]) })) }))}
        formatValue={percent}
      />
      <TableTitle>By tier</TableTitle>
      {coverageTable(groups, "Tier")}
      <TableTitle>By collection (largest first)</TableTitle>
      {coverage.byCollection.length > 0 ? coverageTable(coverage.byCollection, "Collection") : <Text as="p">No collections mirrored yet.</Text>}
    </Section>
  );
}

export function DashboardThroughput({ throughput, turnaround }: Pick<DashboardFigures, "throughput" | "turnaround">) {
  const active = throughput.days.filter((d) => THROUGHPUT_METRICS.some((m) => d[m] > 0));
  return (
    <InlineGrid columns={{ xs: 1, lg: 2 }} gap="400">
      <Section title="Throughput" description="Assets requested, generated, approved and published per day (UTC).">
        <DashboardChart kind="line" title="Throughput per day" series={THROUGHPUT_METRICS.map((m) => ({ name: THROUGHPUT_LABELS[m], data: throughput.days.map((d) => ({ key: d.day.slice(5), value: d[m] })) }))} />
        <DataTable
          columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
          headings={["Day", ...THROUGHPUT_METRICS.map((m) => THROUGHPUT_LABELS[m])]}
          rows={active.map((d) => [d.day, ...THROUGHPUT_METRICS.map((m) => count(d[m]))])}
          totals={["", ...THROUGHPUT_METRICS.map((m) => count(throughput.totals[m]))]}
          totalsName={{ singular: "Total", plural: "Total" }}
          showTotalsInFooter
          footerContent={active.length < throughput.days.length ? "Days with nothing requested, generated, approved or published are left out." : undefined}
        />
      </Section>
      <Section title="Turnaround" description="Median time from the request to approval and to live on the product, by lane (regenerations included).">
        <DashboardChart
          kind="bar"
          title="Median turnaround by lane"
          series={[
            { name: "To approved (hours)", data: turnaround.map((t) => ({ key: t.lane === "ai" ? "AI" : "Studio", value: t.toApprovedHours === null ? null : Math.round(t.toApprovedHours * 10) / 10 })) },
            { name: "To live (hours)", data: turnaround.map((t) => ({ key: t.lane === "ai" ? "AI" : "Studio", value: t.toLiveHours === null ? null : Math.round(t.toLiveHours * 10) / 10 })) },
          ]}
        />
        <DataTable
          columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
          headings={["Lane", "Median to approved", "Approved", "Median to live", "Live"]}
          rows={turnaround.map((t) => [t.lane === "ai" ? "AI" : "Studio", formatHours(t.toApprovedHours), count(t.approved), formatHours(t.toLiveHours), count(t.live)])}
        />
      </Section>
    </InlineGrid>
  );
}

export function DashboardQuality({ figures }: { figures: DashboardFigures }) {
  const { quality, rejectReasons, deltaE, firstPassByDay } = figures;
  const decidedDays = firstPassByDay.filter((d) => d.decided > 0);
  return (
    <BlockStack gap="400">
      <Section title="First-pass approval" description={`Candidates approved without a regeneration, of those decided (approved, rejected, rejected by QC or regenerated). Target: ${formatShare(quality.target)} or more.`}>
        <DashboardChart
          kind="line"
          title="First-pass approval rate per day"
          series={[
            { name: "First-pass rate", data: firstPassByDay.map((d) => ({ key: d.day.slice(5), value: asPercent(d.rate) })) },
            { name: `Target ${formatShare(quality.target)}`, isComparison: true, data: firstPassByDay.map((d) => ({ key: d.day.slice(5), value: quality.target * 100 })) },
          ]}
          formatValue={percent}
        />
        <DataTable
          columnContentTypes={["text", "numeric"]}
          headings={["Figure", "Value"]}
          rows={[
            ["First-pass approval rate", `${formatShare(quality.firstPassRate)}${quality.meetsTarget === null ? "" : quality.meetsTarget ? " (meets the target)" : " (below the target)"}`],
            ["Target", formatShare(quality.target)],
            ["Candidates decided", count(quality.decided)],
            ["Approved first time", count(quality.firstPassApproved)],
            ["Approved", count(quality.approved)],
            ["Regenerations per approved asset", quality.regenerationsPerApproved === null ? "–" : quality.regenerationsPerApproved.toFixed(2)],
          ]}
        />
        {decidedDays.length > 0 ? (
          <DataTable
            columnContentTypes={["text", "numeric", "numeric", "numeric"]}
            headings={["Day made", "Decided", "Approved first time", "First-pass rate"]}
            rows={decidedDays.map((d) => [d.day, count(d.decided), count(d.firstPassApproved), formatShare(d.rate)])}
          />
        ) : null}
      </Section>
      <InlineGrid columns={{ xs: 1, lg: 2 }} gap="400">
        <Section title="Reject reasons" description="Why candidates made in the range were rejected: the reviewer's reason, or the automated check that rejected.">
          {rejectReasons.length > 0 ? (
            <>
              <DashboardChart kind="bar" direction="horizontal" title="Reject reasons" series={[{ name: "Rejections", data: rejectReasons.map((r) => ({ key: r.label, value: r.count })) }]} height={Math.max(160, rejectReasons.length * 36)} />
              <DataTable columnContentTypes={["text", "numeric", "numeric"]} headings={["Reason", "Rejections", "Share"]} rows={rejectReasons.map((r) => [r.label, count(r.count), formatShare(r.share)])} />
            </>
          ) : (
            <Text as="p">No rejections in this range.</Text>
          )}
        </Section>
        <Section title="Garment colour ΔE00" description="How far the garment's colour in the output is from the source (the QC colour check); above 3 flags and above 6 rejects by default.">
          <DashboardChart kind="bar" title="Garment colour ΔE distribution" series={[{ name: "Checked assets", data: deltaE.map((b) => ({ key: b.label, value: b.count })) }]} />
          <DataTable columnContentTypes={["text", "numeric", "numeric"]} headings={["ΔE00", "Checked assets", "Share"]} rows={deltaE.map((b) => [b.label, count(b.count), formatShare(b.share)])} />
        </Section>
      </InlineGrid>
    </BlockStack>
  );
}

export function DashboardCost({ cost }: { cost: DashboardFigures["cost"] }) {
  const lane = (l: string) => (l === "ai" ? "AI" : l === "studio" ? "Studio" : l);
  const { budget } = cost;
  return (
    <Section title="Cost" description="Settled provider spend in the range by provider and lane, per asset approved in the range, and what was spent on output that was rejected.">
      {cost.rows.length > 0 ? (
        <DashboardChart
          kind="bar"
          title="Spend per approved asset"
          series={[{ name: "Spend per approved asset (USD)", data: cost.rows.map((r) => ({ key: `${r.provider} (${lane(r.lane)})`, value: r.perApprovedMicros === null ? null : r.perApprovedMicros / 1_000_000 })) }]}
          formatValue={(v) => (v === null ? "–" : `$${v.toFixed(2)}`)}
        />
      ) : null}
      <DataTable
        columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "numeric", "numeric"]}
        headings={["Provider", "Lane", "Spend", "Approved", "Per approved asset", "Wasted on rejected output", "Failed calls"]}
        rows={cost.rows.map((r) => [r.provider, lane(r.lane), formatUsd(r.spendMicros), count(r.approved), formatUsd(r.perApprovedMicros), formatUsd(r.wastedMicros), formatUsd(r.failedMicros)])}
        totals={["", "", formatUsd(cost.total.spendMicros), count(cost.total.approved), formatUsd(cost.total.perApprovedMicros), formatUsd(cost.total.wastedMicros), formatUsd(cost.total.failedMicros)]}
        totalsName={{ singular: "All providers", plural: "All providers" }}
        showTotalsInFooter
      />
      <DataTable
        columnContentTypes={["text", "numeric"]}
        headings={["Budget this month (UTC)", "USD"]}
        rows={[
          ["Monthly budget", budget.monthlyBudgetMicros === null ? "No limit set (Settings → Budgets)" : formatUsd(budget.monthlyBudgetMicros)],
          ["Spent or reserved", formatUsd(budget.spentThisMonthMicros)],
          ["Left", formatUsd(budget.leftMicros)],
        ]}
      />
    </Section>
  );
}
