import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, ChoiceList, Divider, FormLayout, InlineStack, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import type { SettingsActionResult } from "../settings/settings-page.server";
import { DEFAULT_STUDIO_TEMPLATE, describeAcceptedViews, type StudioCatalogProduct } from "../studio/file-matching";
import { studioNamingExample, WEEKDAY_LABELS, type StudioSettings } from "../studio/studio-settings";
import { FieldErrorsBanner } from "./field-errors-banner";

const FIELD_LABELS: Record<string, string> = {
  imagesPerDay: "Images per studio day",
  workdays: "Studio weekdays",
  leadDays: "Lead time",
  imagesPerView: "Images per view",
  namingTemplate: "File naming convention",
  watchPrefix: "Watched folder",
  form: "Form",
};

/** Monday first, as studios plan their week; values are UTC weekdays (0 = Sunday). */
const WEEKDAY_CHOICES = [1, 2, 3, 4, 5, 6, 0].map((day) => ({ value: String(day), label: WEEKDAY_LABELS[day] }));

/** What the card edits: every field as typed, so a half-typed number is not lost. */
interface Draft {
  imagesPerDay: string;
  workdays: string[];
  leadDays: string;
  imagesPerView: string;
  namingTemplate: string;
  watchPrefix: string;
}

const toDraft = (s: StudioSettings): Draft => ({
  imagesPerDay: String(s.imagesPerDay),
  workdays: s.workdays.map(String),
  leadDays: String(s.leadDays),
  imagesPerView: String(s.imagesPerView),
  namingTemplate: s.namingTemplate,
  watchPrefix: s.watchPrefix ?? "",
});

export interface StudioSettingsCardProps {
  studio: {
    settings: StudioSettings;
    /** A catalog product (or the built-in sample) the naming example is matched against. */
    namingSample: { product: StudioCatalogProduct; fromCatalog: boolean };
  };
}

/** The studio's capacity and week, the file naming convention with a live example, and the watched folder. */
export function StudioSettingsCard({ studio }: StudioSettingsCardProps) {
  const fetcher = useFetcher<SettingsActionResult>();
  const [draft, setDraft] = useState<Draft>(() => toDraft(studio.settings));
  const set = <K extends keyof Draft>(key: K) => (value: Draft[K]) => setDraft((current) => ({ ...current, [key]: value }));
  const result = fetcher.state === "idle" && fetcher.data?.intent === "studio" ? fetcher.data : undefined;
  const errors = result && !result.ok ? (result.errors ?? {}) : {};

  const example = studioNamingExample(draft.namingTemplate, studio.namingSample.product);
  // Problems found while typing come first; the server's message stays until the convention is edited.
  const templateError = example.ok ? errors.namingTemplate : example.errors.join("; ");
  const save = () =>
    fetcher.submit(
      {
        intent: "studio",
        imagesPerDay: draft.imagesPerDay,
        workdays: draft.workdays.join(","),
        leadDays: draft.leadDays,
        imagesPerView: draft.imagesPerView,
        namingTemplate: draft.namingTemplate,
        watchPrefix: draft.watchPrefix,
      },
      { method: "post" },
    );

  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Studio days and files
        </Text>
        <FieldErrorsBanner errors={errors} title="Studio settings not saved: fix these" describe={(field) => FIELD_LABELS[field] ?? field} />
        {result?.ok ? <Banner tone="success" title={result.message ?? "Studio settings saved"} /> : null}

        <FormLayout>
          <FormLayout.Group>
            <TextField
              label="Images per studio day"
              type="number"
              min={1}
              value={draft.imagesPerDay}
              onChange={set("imagesPerDay")}
              autoComplete="off"
              error={errors.imagesPerDay}
              helpText="Finished images the studio delivers in one day, e.g. 300 to 500. Shot lists and the capacity view plan with it."
            />
            <TextField
              label="Lead time (days)"
              type="number"
              min={0}
              value={draft.leadDays}
              onChange={set("leadDays")}
              autoComplete="off"
              error={errors.leadDays}
              helpText="Days between the shoot and the launch, for post-production and review. A later shoot is marked late."
            />
            <TextField
              label="Images per view"
              type="number"
              min={1}
              value={draft.imagesPerView}
              onChange={set("imagesPerView")}
              autoComplete="off"
              error={errors.imagesPerView}
              helpText="Finished images the studio delivers for each view of a colourway."
            />
          </FormLayout.Group>
        </FormLayout>
        <ChoiceList allowMultiple title="Weekdays the studio shoots" choices={WEEKDAY_CHOICES} selected={draft.workdays} onChange={set("workdays")} error={errors.workdays} />

        <Divider />
        <BlockStack gap="300">
          <TextField
            label="File naming convention"
            value={draft.namingTemplate}
            onChange={set("namingTemplate")}
            autoComplete="off"
            error={templateError}
            helpText={`How the studio names files, without the extension. Placeholders: {sku} (any variant's SKU), {view}, {colour}, {index}. Case and the separators - _ . and space do not matter. Views: ${describeAcceptedViews()}.`}
            connectedRight={
              <Button onClick={() => set("namingTemplate")(DEFAULT_STUDIO_TEMPLATE)} disabled={draft.namingTemplate === DEFAULT_STUDIO_TEMPLATE}>
                Use default
              </Button>
            }
          />
          <Box background="bg-surface-secondary" padding="300" borderRadius="200">
            <BlockStack gap="100">
              <Text as="p" variant="headingSm">
                {studio.namingSample.fromCatalog ? `Example: ${studio.namingSample.product.title}` : `Example on a sample product: ${studio.namingSample.product.title}`}
              </Text>
              {example.ok ? (
                <p aria-label="File naming example" style={{ margin: 0 }}>
                  <Text as="span" fontWeight="semibold">
                    {example.fileName}
                  </Text>{" "}
                  <Text as="span" tone={example.matched ? undefined : "critical"}>
                    → {example.description}
                  </Text>
                </p>
              ) : (
                <Text as="p" tone="subdued">
                  Fix the convention to see an example.
                </Text>
              )}
            </BlockStack>
          </Box>
        </BlockStack>

        <TextField
          label="Watched folder or S3 location"
          value={draft.watchPrefix}
          onChange={set("watchPrefix")}
          autoComplete="off"
          placeholder="s3://bucket/studio/incoming or /srv/studio/inbox"
          error={errors.watchPrefix}
          helpText="Files the studio drops here are imported and matched like uploads. Leave empty to upload in the app only."
        />
        <InlineStack>
          <Button variant="primary" loading={fetcher.state !== "idle"} onClick={save}>
            Save studio settings
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
