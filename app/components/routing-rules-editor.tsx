import { useFetcher, useRevalidator } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, ButtonGroup, Card, Checkbox, ChoiceList, DataTable, FormLayout, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { FieldErrorsBanner } from "./field-errors-banner";
import { FilteredChoiceList } from "./filtered-choice-list";
import { StudioCapacityEffect } from "./studio-capacity-effect";
import type { RoutingActionResult } from "../routing/routing-page.server";
import type { TierCounts } from "../routing/routing.server";
import { emptyDraft, move, toDraft, toPayload, type RuleDraftFields } from "../routing/rule-drafts";
import type { TierRule } from "../routing/tier-rules";
import { revalidateQuietly } from "./use-live-revalidation";

interface Props {
  rules: TierRule[];
  defaultTier: number;
  counts: TierCounts;
  facets: { types: string[]; vendors: string[]; tags: string[]; collections: { id: string; title: string }[] };
}

const TIER_OPTIONS = [
  { label: "Tier 1 — studio", value: "1" },
  { label: "Tier 2 — mostly studio", value: "2" },
  { label: "Tier 3 — AI", value: "3" },
];
const STATUS_CHOICES = [
  { label: "Active", value: "ACTIVE" },
  { label: "Draft", value: "DRAFT" },
  { label: "Archived", value: "ARCHIVED" },
];
const IMAGE_OPS = [
  { label: "Any number of images", value: "" },
  { label: "fewer than", value: "lt" },
  { label: "at most", value: "lte" },
  { label: "exactly", value: "eq" },
  { label: "at least", value: "gte" },
  { label: "more than", value: "gt" },
];

function CountsTable({ before, after }: { before: TierCounts; after?: TierCounts }) {
  const rows = ([1, 2, 3] as const).map((tier) => [`Tier ${tier}`, before[tier].toLocaleString("en"), ...(after ? [after[tier].toLocaleString("en"), signed(after[tier] - before[tier])] : [])]);
  if (before.unrouted > 0) rows.push(["Not routed yet", before.unrouted.toLocaleString("en"), ...(after ? [after.unrouted.toLocaleString("en"), signed(after.unrouted - before.unrouted)] : [])]);
  return (
    <DataTable
      columnContentTypes={after ? ["text", "numeric", "numeric", "numeric"] : ["text", "numeric"]}
      headings={after ? ["Tier", "Now", "After saving", "Change"] : ["Tier", "Products"]}
      rows={rows}
    />
  );
}

const signed = (n: number) => (n > 0 ? `+${n.toLocaleString("en")}` : n.toLocaleString("en"));

export function RoutingRulesEditor({ rules, defaultTier, counts, facets }: Props) {
  const [drafts, setDrafts] = useState<RuleDraftFields[]>(() => rules.map(toDraft));
  const [fallbackTier, setFallbackTier] = useState(String(defaultTier));
  const [nextKey, setNextKey] = useState(1);
  const fetcher = useFetcher<RoutingActionResult>();
  const revalidator = useRevalidator();
  const result = fetcher.data;
  const errors = result && !result.ok ? result.errors : {};
  const saved = result?.ok && result.intent === "save" ? result : null;
  const preview = result?.ok && result.intent === "preview" ? result.preview : null;

  useEffect(() => {
    if (saved) revalidateQuietly(revalidator);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [saved]);

  const update = (index: number, changes: Partial<RuleDraftFields>) => setDrafts((all) => all.map((d, i) => (i === index ? { ...d, ...changes } : d)));
  const submit = (intent: "preview" | "save") => fetcher.submit({ intent, payload: JSON.stringify(toPayload(drafts, fallbackTier)) }, { method: "post" });
  const err = (index: number, path: string) => errors[`rules.${index}.${path}`];
  const busy = fetcher.state !== "idle";

  return (
    <Page title="Tier routing" subtitle="The first matching rule decides a product's tier. Pinned products keep their tier." backAction={{ content: "Catalog", url: "/app/catalog" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <FieldErrorsBanner errors={errors} title="Nothing was saved: fix the highlighted fields" describe={(field) => field.replace(/^rules\.(\d+)/, (_, i) => `Rule ${Number(i) + 1}`)} />
            {saved ? (
              <Banner tone="success" title="Rules saved and the catalog re-routed">
                {saved.changed.toLocaleString("en")} products changed tier or reason.
              </Banner>
            ) : null}
            {drafts.map((draft, index) => (
              <Card key={draft.key}>
                <BlockStack gap="300">
                  <InlineStack align="space-between" blockAlign="center">
                    <InlineStack gap="200" blockAlign="center">
                      <Text as="h2" variant="headingMd">
                        Rule {index + 1}
                      </Text>
                      <Badge tone={draft.enabled ? "success" : undefined}>{draft.enabled ? "enabled" : "disabled"}</Badge>
                    </InlineStack>
                    <ButtonGroup>
                      <Button accessibilityLabel={`Move rule ${index + 1} up`} disabled={index === 0} onClick={() => setDrafts((all) => move(all, index, -1))}>
                        Up
                      </Button>
                      <Button accessibilityLabel={`Move rule ${index + 1} down`} disabled={index === drafts.length - 1} onClick={() => setDrafts((all) => move(all, index, 1))}>
                        Down
                      </Button>
                      <Button tone="critical" accessibilityLabel={`Delete rule ${index + 1}`} onClick={() => setDrafts((all) => all.filter((_, i) => i !== index))}>
                        Delete
                      </Button>
                    </ButtonGroup>
                  </InlineStack>
                  <FormLayout>
                    <FormLayout.Group>
                      <TextField label="Rule name" value={draft.name} onChange={(name) => update(index, { name })} autoComplete="off" error={err(index, "name")} />
                      <Select label="Send matching products to" options={TIER_OPTIONS} value={draft.tier} onChange={(tier) => update(index, { tier })} error={err(index, "tier")} />
                    </FormLayout.Group>
                    <Checkbox label="Enabled" checked={draft.enabled} onChange={(enabled) => update(index, { enabled })} />
                    {err(index, "conditions") ? (
                      <Text as="p" tone="critical">
                        {err(index, "conditions")}
                      </Text>
                    ) : null}
                    <FormLayout.Group>
                      <FilteredChoiceList
                        title="In any of these collections"
                        choices={facets.collections.map((c) => ({ label: c.title, value: c.id }))}
                        selected={draft.collectionIds}
                        onChange={(collectionIds) => update(index, { collectionIds })}
                        error={err(index, "conditions.collectionIds")}
                      />
                      <ChoiceList allowMultiple title="Product type is" choices={facets.types.map((t) => ({ label: t, value: t }))} selected={draft.productTypes} onChange={(productTypes) => update(index, { productTypes })} />
                      <FilteredChoiceList title="Vendor is" choices={facets.vendors.map((v) => ({ label: v, value: v }))} selected={draft.vendors} onChange={(vendors) => update(index, { vendors })} />
                      <ChoiceList allowMultiple title="Status is" choices={STATUS_CHOICES} selected={draft.statuses} onChange={(statuses) => update(index, { statuses })} />
                    </FormLayout.Group>
                    <FormLayout.Group>
                      <Select
                        label="Tags"
                        options={[
                          { label: "has any of", value: "any" },
                          { label: "has all of", value: "all" },
                          { label: "has none of", value: "none" },
                        ]}
                        value={draft.tagMode}
                        onChange={(tagMode) => update(index, { tagMode: tagMode as RuleDraftFields["tagMode"] })}
                      />
                      <TextField label="Tag list" helpText="Comma-separated, e.g. ss26, premium" value={draft.tags} onChange={(tags) => update(index, { tags })} autoComplete="off" error={err(index, "conditions.tags.values")} />
                    </FormLayout.Group>
                    <FormLayout.Group>
                      <Select
                        label="Price"
                        options={[
                          { label: "Lowest variant price", value: "min" },
                          { label: "Highest variant price", value: "max" },
                        ]}
                        value={draft.priceOn}
                        onChange={(priceOn) => update(index, { priceOn: priceOn as "min" | "max" })}
                      />
                      <TextField label="From" inputMode="decimal" placeholder="0.00" value={draft.priceMin} onChange={(priceMin) => update(index, { priceMin })} autoComplete="off" error={err(index, "conditions.price.min")} />
                      <TextField label="To" inputMode="decimal" placeholder="no limit" value={draft.priceMax} onChange={(priceMax) => update(index, { priceMax })} autoComplete="off" error={err(index, "conditions.price.max")} />
                    </FormLayout.Group>
                    <FormLayout.Group>
                      <TextField label="Title contains" value={draft.titleContains} onChange={(titleContains) => update(index, { titleContains })} autoComplete="off" />
                      <TextField label="A SKU contains" value={draft.skuContains} onChange={(skuContains) => update(index, { skuContains })} autoComplete="off" />
                      <TextField label="Created after" type="date" value={draft.createdAfter} onChange={(createdAfter) => update(index, { createdAfter })} autoComplete="off" error={err(index, "conditions.createdAfter")} />
                    </FormLayout.Group>
                    <FormLayout.Group>
                      <Select label="Images on the product" options={IMAGE_OPS} value={draft.imageOp} onChange={(imageOp) => update(index, { imageOp: imageOp as RuleDraftFields["imageOp"] })} />
                      <TextField label="Image count" type="number" disabled={!draft.imageOp} value={draft.imageValue} onChange={(imageValue) => update(index, { imageValue })} autoComplete="off" error={err(index, "conditions.imageCount.value")} />
                    </FormLayout.Group>
                  </FormLayout>
                </BlockStack>
              </Card>
            ))}
            <InlineStack gap="200">
              <Button
                onClick={() => {
                  setDrafts((all) => [...all, { ...emptyDraft(`new-${nextKey}`), name: `Rule ${all.length + 1}` }]);
                  setNextKey((k) => k + 1);
                }}
              >
                Add rule
              </Button>
            </InlineStack>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  When no rule matches
                </Text>
                <Select label="Default tier" options={TIER_OPTIONS} value={fallbackTier} onChange={setFallbackTier} error={errors.defaultTier} />
                <InlineStack gap="200">
                  <Button onClick={() => submit("preview")} loading={busy && fetcher.formData?.get("intent") === "preview"}>
                    Preview changes
                  </Button>
                  <Button variant="primary" onClick={() => submit("save")} loading={busy && fetcher.formData?.get("intent") === "save"}>
                    Save and re-route
                  </Button>
                </InlineStack>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {preview ? "Preview: products per tier" : "Products per tier"}
                </Text>
                <CountsTable before={preview?.before ?? counts} after={preview?.after} />
                {preview ? (
                  <BlockStack gap="200">
                    <Text as="p">{preview.moved.toLocaleString("en")} products would change tier.</Text>
                    {preview.sample.length > 0 ? (
                      <ul aria-label="Products that would move">
                        {preview.sample.map((s) => (
                          <li key={s.id}>
                            {s.title}: {s.from ? `tier ${s.from}` : "not routed"} → tier {s.to} ({s.by})
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </BlockStack>
                ) : null}
              </BlockStack>
            </Card>
            {preview ? (
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Preview: studio days and AI spend
                  </Text>
                  {"error" in preview.capacity ? (
                    <Banner tone="warning" title="The studio and AI effect could not be worked out">
                      {preview.capacity.error}
                    </Banner>
                  ) : (
                    <>
                      <StudioCapacityEffect {...preview.capacity} labels={["Now", "After saving"]} />
                      {preview.capacity.warnings.length > 0 ? (
                        <Banner tone="warning" title="Some AI assets cannot be priced">
                          <ul>
                            {preview.capacity.warnings.map((w) => (
                              <li key={w}>{w}</li>
                            ))}
                          </ul>
                        </Banner>
                      ) : null}
                      <Text as="p" variant="bodySm" tone="subdued">
                        The backlog still to make under each tier's production plan: studio images per colourway at your studio's images per day (Settings → Studio), AI spend at your recipes' provider prices.
                      </Text>
                    </>
                  )}
                </BlockStack>
              </Card>
            ) : null}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
