import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, Checkbox, ChoiceList, Divider, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { ALT_PLACEHOLDERS, DEFAULT_ALT_TEMPLATE, renderAltText, validateAltTemplate, type AltTextFacts } from "../publishing/alt-text";
import { AI_DISCLOSURE_METAFIELD, AUTO_PRODUCE_TIER_CHOICES, PLACEMENT_OPTIONS, publishingSettingsForm, type Placement, type PublishingSettings } from "../publishing/publishing-settings";
import type { SettingsActionResult } from "../settings/settings-page.server";
import { FieldErrorsBanner } from "./field-errors-banner";

const FIELD_LABELS: Record<string, string> = {
  placement: "Where new media goes",
  replaceAll: "Replace all media",
  altTemplate: "Alt text template",
  aiDisclosure: "AI-disclosure metafield",
  publishOnApproval: "Publish once approved",
  autoProduceTiers: "Automatic production",
  draftUntilPublished: "Draft until published",
  form: "Form",
};

/** What the preview describes: plan assets as the publishing service names their view (the production plan's asset kind). */
const PREVIEW_MEDIA: readonly Pick<AltTextFacts, "view" | "kind">[] = [
  { view: "on-model-front", kind: "image" },
  { view: "packshot", kind: "image" },
  { view: "video", kind: "video" },
];

export interface PublishingSettingsCardProps {
  publishing: {
    settings: PublishingSettings;
    /** A product of the shop for the alt text preview (or a built-in sample while the catalog is empty). */
    altSample: { facts: Omit<AltTextFacts, "view" | "kind">; fromCatalog: boolean };
  };
}

/** Where approved media goes on the product, its alt text, the AI-disclosure metafield and what starts by itself. */
export function PublishingSettingsCard({ publishing }: PublishingSettingsCardProps) {
  const fetcher = useFetcher<SettingsActionResult>();
  const [settings, setSettings] = useState<PublishingSettings>(publishing.settings);
  const set = <K extends keyof PublishingSettings>(key: K) => (value: PublishingSettings[K]) => setSettings((current) => ({ ...current, [key]: value }));
  const result = fetcher.state === "idle" && fetcher.data?.intent === "publishing" ? fetcher.data : undefined;
  const errors = result && !result.ok ? (result.errors ?? {}) : {};

  const placement = PLACEMENT_OPTIONS.find((o) => o.value === settings.placement) ?? PLACEMENT_OPTIONS[1];
  const templateIssues = validateAltTemplate(settings.altTemplate.trim());
  // Problems found while typing come first; the server's message stays until the template is edited.
  const templateError = templateIssues.length > 0 ? templateIssues.join("; ") : errors.altTemplate;
  const sample = publishing.altSample.facts;

  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Approved media on your products
        </Text>
        <FieldErrorsBanner errors={errors} title="Publishing settings not saved: fix these" describe={(field) => FIELD_LABELS[field] ?? field} />
        {result?.ok ? <Banner tone="success" title={result.message ?? "Publishing settings saved"} /> : null}

        <Select
          label="Where new media goes"
          options={PLACEMENT_OPTIONS.map((o) => ({ value: o.value, label: o.label }))}
          value={settings.placement}
          onChange={(value) => set("placement")(value as Placement)}
          helpText={placement.help}
          error={errors.placement}
        />
        <BlockStack gap="200">
          <Checkbox
            label="Replace all media, including media Shotlane did not create"
            checked={settings.replaceAll}
            onChange={set("replaceAll")}
            error={errors.replaceAll}
            helpText="Off: Shotlane only ever moves or replaces media it published itself; your own photos stay where they are."
          />
          {settings.replaceAll ? (
            <Banner tone="critical" title="Your own photos and videos will be taken off the product">
              <Text as="p">
                Each publish replaces every image and video on the product, including ones you or your studio uploaded, with Shotlane's approved media. They stay in your store's files, and the
                product's Revert on the Publishing page puts the media from before Shotlane's last change back.
              </Text>
            </Banner>
          ) : null}
        </BlockStack>

        <Divider />
        <BlockStack gap="300">
          <TextField
            label="Alt text template"
            value={settings.altTemplate}
            onChange={set("altTemplate")}
            autoComplete="off"
            error={templateError}
            helpText={`Describes each image for screen readers and search. Placeholders: ${ALT_PLACEHOLDERS.map((p) => `{${p}}`).join(" ")}. A placeholder without a value is left out with its separator.`}
            connectedRight={
              <Button onClick={() => set("altTemplate")(DEFAULT_ALT_TEMPLATE)} disabled={settings.altTemplate === DEFAULT_ALT_TEMPLATE}>
                Use default
              </Button>
            }
          />
          <Box background="bg-surface-secondary" padding="300" borderRadius="200">
            <BlockStack gap="100">
              <Text as="p" variant="headingSm">
                {publishing.altSample.fromCatalog ? `Preview: ${sample.title}` : `Preview on a sample product: ${sample.title}`}
              </Text>
              {templateIssues.length === 0 ? (
                <ul aria-label="Alt text preview" style={{ margin: 0, paddingInlineStart: "1.25rem" }}>
                  {PREVIEW_MEDIA.map((media) => (
                    <li key={`${media.kind}-${media.view}`}>
                      <Text as="span">{renderAltText(settings.altTemplate.trim(), { ...sample, ...media })}</Text>
                    </li>
                  ))}
                  {sample.colour && settings.altTemplate.includes("{colour}") ? (
                    <li>
                      <Text as="span">{renderAltText(settings.altTemplate.trim(), { ...sample, colour: null, ...PREVIEW_MEDIA[0] })}</Text>{" "}
                      <Text as="span" tone="subdued" variant="bodySm">
                        (a product without colours)
                      </Text>
                    </li>
                  ) : null}
                </ul>
              ) : (
                <Text as="p" tone="subdued">
                  Fix the template to see the alt text.
                </Text>
              )}
            </BlockStack>
          </Box>
        </BlockStack>

        <Checkbox
          label="Mark AI-generated media in a product metafield"
          checked={settings.aiDisclosure}
          onChange={set("aiDisclosure")}
          error={errors.aiDisclosure}
          helpText={`Keeps the product metafield ${AI_DISCLOSURE_METAFIELD.namespace}.${AI_DISCLOSURE_METAFIELD.key}: a list of file references to the AI-generated media on the product, for your theme or feeds to label them. Studio media is never listed.`}
        />

        <Divider />
        <Checkbox
          label="Publish automatically once approved"
          checked={settings.publishOnApproval}
          onChange={set("publishOnApproval")}
          error={errors.publishOnApproval}
          helpText="On: an approved image or video goes onto its product straight away. Off: approved media waits until you choose Publish approved on the Publishing page."
        />
        <ChoiceList
          allowMultiple
          title="Produce automatically for new products in"
          choices={AUTO_PRODUCE_TIER_CHOICES.map((tier) => ({ value: String(tier), label: `Tier ${tier}` }))}
          selected={settings.autoProduceTiers.map(String)}
          onChange={(selected) => set("autoProduceTiers")(selected.map(Number).sort((a, b) => a - b))}
          error={errors.autoProduceTiers}
        />
        <Text as="p" variant="bodySm" tone="subdued">
          When Shopify reports a new product (products/create), Shotlane routes it and opens a production order for it if it lands in one of these tiers and that tier's production plan has AI
          assets. None selected: new products wait until you send them to production.
        </Text>
        <Checkbox
          label="Keep new products in draft until their visuals are published"
          checked={settings.draftUntilPublished}
          onChange={set("draftUntilPublished")}
          error={errors.draftUntilPublished}
          helpText="A new active product that gets an automatic production order is set to draft, and set active again once all of its approved media is on it."
        />
        <InlineStack>
          <Button variant="primary" loading={fetcher.state !== "idle"} onClick={() => fetcher.submit({ intent: "publishing", ...publishingSettingsForm(settings) }, { method: "post" })}>
            Save publishing settings
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
