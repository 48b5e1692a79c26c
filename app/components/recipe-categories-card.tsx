import { useFetcher } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, InlineGrid, InlineStack, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import type { RecipesActionResult } from "../recipes/recipes-page.server";
import { FieldErrorsBanner } from "./field-errors-banner";

interface CategoryRow {
  key: string;
  name: string;
  productTypes: string[];
  tags: string[];
  currentVersion?: number;
}

/** Comma-separated text as the merchant types it; split only when sent. */
interface DraftRow {
  key: string;
  name: string;
  productTypes: string;
  tags: string;
  isNew: boolean;
  currentVersion?: number;
}

const splitList = (text: string) =>
  text
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);

function describeCategoryField(field: string, rows: DraftRow[]): string {
  const match = /^categories\.(\d+)\.(\w+)/.exec(field);
  if (!match) return field === "categories" ? "Categories" : field;
  const row = rows[Number(match[1])];
  const label = { key: "key", name: "name", productTypes: "product types", tags: "tags" }[match[2]] ?? match[2];
  return `${row?.name || `Category ${Number(match[1]) + 1}`}: ${label}`;
}

/** Garment categories in priority order: which product types and tags pick each recipe. */
export function RecipeCategoriesCard({ categories, selectedKey, onSelect }: { categories: CategoryRow[]; selectedKey: string | null; onSelect: (key: string) => void }) {
  const [rows, setRows] = useState<DraftRow[]>(() => categories.map((c) => ({ ...c, productTypes: c.productTypes.join(", "), tags: c.tags.join(", "), isNew: false })));
  const fetcher = useFetcher<RecipesActionResult>({ key: "save-categories" });
  const result = fetcher.data && (fetcher.data.intent === "save-categories" || fetcher.data.intent === "form") ? fetcher.data : undefined;
  const errors = result && !result.ok ? result.errors : {};
  const update = (index: number, patch: Partial<DraftRow>) => setRows((all) => all.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  const save = () =>
    fetcher.submit(
      { intent: "save-categories", payload: JSON.stringify(rows.map((r) => ({ key: r.key.trim(), name: r.name, productTypes: splitList(r.productTypes), tags: splitList(r.tags) }))) },
      { method: "post" },
    );

  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Garment categories
          </Text>
          <Text as="p" tone="subdued">
            A product gets the recipe of the first category whose product types or tags it has (comma-separated, case does not matter); a product that matches none gets the first.
          </Text>
        </BlockStack>
        <FieldErrorsBanner errors={errors} title="Categories not saved: fix these" describe={(field) => describeCategoryField(field, rows)} />
        {result?.ok ? <Banner tone="success" title="Categories saved" /> : null}
        {rows.map((row, index) => {
          const err = (field: string) => errors[`categories.${index}.${field}`];
          return (
            <Box key={index} padding="200" borderWidth="025" borderColor={row.key === selectedKey ? "border-emphasis" : "border"} borderRadius="200" background={row.key === selectedKey ? "bg-surface-secondary" : undefined}>
              <InlineGrid columns={{ xs: 1, md: "1.3fr 0.9fr 2fr 1.6fr auto" }} gap="200" alignItems="start">
                <TextField
                  label={`${index + 1}. Name`}
                  value={row.name}
                  onChange={(name) => update(index, { name })}
                  autoComplete="off"
                  error={err("name")}
                  helpText={row.currentVersion ? `Recipe version ${row.currentVersion}` : "New: saving creates its recipe"}
                />
                <TextField label="Key" value={row.key} onChange={(key) => update(index, { key })} autoComplete="off" disabled={!row.isNew} error={err("key")} />
                <TextField label="Product types" value={row.productTypes} onChange={(productTypes) => update(index, { productTypes })} autoComplete="off" error={err("productTypes")} />
                <TextField label="Tags" value={row.tags} onChange={(tags) => update(index, { tags })} autoComplete="off" error={err("tags")} />
                <Box paddingBlockStart="600">
                  <InlineStack gap="200" blockAlign="center" wrap={false}>
                    {row.isNew ? null : row.key === selectedKey ? (
                      <Badge tone="info">Editing</Badge>
                    ) : (
                      <Button size="slim" onClick={() => onSelect(row.key)} accessibilityLabel={`Edit the ${row.name} recipe`}>
                        Edit recipe
                      </Button>
                    )}
                    <Button size="slim" tone="critical" variant="plain" onClick={() => setRows((all) => all.filter((_, i) => i !== index))} accessibilityLabel={`Remove ${row.name || "the new category"}`}>
                      Remove
                    </Button>
                  </InlineStack>
                </Box>
              </InlineGrid>
            </Box>
          );
        })}
        <InlineStack gap="200">
          <Button onClick={() => setRows((all) => [...all, { key: "", name: "", productTypes: "", tags: "", isNew: true }])}>Add category</Button>
          <Button variant="primary" loading={fetcher.state !== "idle"} onClick={save}>
            Save categories
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
