import { useFetcher } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, InlineGrid, InlineStack, Page, Select, Text } from "@shopify/polaris";
import { useState } from "react";
import { FieldErrorsBanner } from "./field-errors-banner";
import { ASSET_KINDS, ASSET_LABELS, laneOf, type AssetKind, type PlanItem } from "../production/production-plan";
import type { Tier } from "../routing/tier-rules";

const SOURCE_OPTIONS = [
  { label: "Not needed", value: "" },
  { label: "Studio", value: "studio" },
  { label: "AI", value: "ai" },
];
const LANE_LABEL = { studio: "Studio lane", hybrid: "Hybrid lane", ai: "AI lane" } as const;
const TIER_TITLE: Record<Tier, string> = { 1: "Tier 1", 2: "Tier 2", 3: "Tier 3" };

export function ProductionPlansEditor({ plans }: { plans: Record<Tier, PlanItem[]> }) {
  const [draft, setDraft] = useState(plans);
  const fetcher = useFetcher<{ ok: boolean; errors?: Record<string, string> }>();
  const errors = fetcher.data && !fetcher.data.ok ? (fetcher.data.errors ?? {}) : {};

  const setSource = (tier: Tier, asset: AssetKind, source: string) =>
    setDraft((all) => {
      const items = all[tier].filter((i) => i.asset !== asset);
      if (source === "studio" || source === "ai") items.push({ asset, source });
      items.sort((a, b) => ASSET_KINDS.indexOf(a.asset) - ASSET_KINDS.indexOf(b.asset));
      return { ...all, [tier]: items };
    });

  return (
    <Page title="Production plans" subtitle="Which assets each tier's products need, and whether the studio or AI makes them." backAction={{ content: "Catalog", url: "/app/catalog" }}>
      <BlockStack gap="400">
        <FieldErrorsBanner errors={errors} title="Nothing was saved: fix these" />
        {fetcher.data?.ok ? <Banner tone="success" title="Production plans saved" /> : null}
        <InlineGrid columns={{ xs: 1, md: 3 }} gap="400">
          {([1, 2, 3] as const).map((tier) => (
            <Card key={tier}>
              <BlockStack gap="300">
                <InlineStack align="space-between">
                  <Text as="h2" variant="headingMd">
                    {TIER_TITLE[tier]}
                  </Text>
                  {draft[tier].length > 0 ? <Badge tone={laneOf(draft[tier]) === "ai" ? "magic" : "info"}>{LANE_LABEL[laneOf(draft[tier])]}</Badge> : null}
                </InlineStack>
                {ASSET_KINDS.map((asset) => (
                  <Select
                    key={asset}
                    label={`${TIER_TITLE[tier]}: ${ASSET_LABELS[asset]}`}
                    labelHidden={false}
                    options={SOURCE_OPTIONS}
                    value={draft[tier].find((i) => i.asset === asset)?.source ?? ""}
                    onChange={(source) => setSource(tier, asset, source)}
                  />
                ))}
                {errors[`tier${tier}`] ? (
                  <Text as="p" tone="critical">
                    {errors[`tier${tier}`]}
                  </Text>
                ) : null}
              </BlockStack>
            </Card>
          ))}
        </InlineGrid>
        <InlineStack>
          <Button variant="primary" loading={fetcher.state !== "idle"} onClick={() => fetcher.submit({ payload: JSON.stringify(draft) }, { method: "post" })}>
            Save plans
          </Button>
        </InlineStack>
      </BlockStack>
    </Page>
  );
}
