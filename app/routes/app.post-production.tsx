import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Checkbox, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { useCallback, useEffect, useRef, useState } from "react";
import { BrandLutCard } from "../components/brand-lut-card";
import { ChannelSpecsEditor, describeChannelField, fromChannelDrafts, newChannelDraft, toChannelDraft, channelFieldError, type ChannelDraft } from "../components/channel-specs-editor";
import { FieldErrorsBanner } from "../components/field-errors-banner";
import { NamingTemplateField } from "../components/naming-template-field";
import type { ChannelSpec } from "../imaging/channel-spec";
import { loadPostProductionPage, submitPostProductionForm, type PostProductionActionResult, type PostProductionSettingsData } from "../imaging/post-production-page.server";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShopAdmin(request);
  return loadPostProductionPage(shop);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await requireShopAdmin(request);
  return submitPostProductionForm(shop, request, actor);
};

const OTHER_FIELDS: Record<string, string> = { namingTemplate: "File name template", activeLutId: "Brand LUT", lutInterpolation: "LUT interpolation", aiDisclosure: "AI disclosure" };

export default function PostProductionRoute() {
  const { settings, luts, defaults, lutMaxBytes } = useLoaderData<typeof loader>();
  const nextKey = useRef(0);
  const drafts = useCallback((specs: ChannelSpec[]) => specs.map((spec) => toChannelDraft(spec, `row-${nextKey.current++}`)), []);
  const [channels, setChannels] = useState<ChannelDraft[]>(() => drafts(settings.channels));
  const [namingTemplate, setNamingTemplate] = useState(settings.namingTemplate);
  const [activeLutId, setActiveLutId] = useState(settings.activeLutId);
  const [lutInterpolation, setLutInterpolation] = useState<string>(settings.lutInterpolation);
  const [aiDisclosure, setAiDisclosure] = useState(settings.aiDisclosure);
  // What the last save sent, so its errors find their rows after a reorder and the template error goes once edited.
  const [submitted, setSubmitted] = useState<{ keys: string[]; namingTemplate: string }>({ keys: [], namingTemplate: "" });

  const fetcher = useFetcher<PostProductionActionResult>({ key: "save-settings" });
  const result = fetcher.state === "idle" && fetcher.data && (fetcher.data.intent === "save-settings" || fetcher.data.intent === "form") ? fetcher.data : undefined;
  const errors = result?.intent === "save-settings" && !result.ok ? result.errors : {};
  const formError = result?.intent === "form" ? result.message : undefined;
  const outcomeRef = useRef<HTMLDivElement>(null);
  const applied = useRef<unknown>(null);

  const reset = useCallback(
    (stored: PostProductionSettingsData) => {
      setChannels(drafts(stored.channels));
      setNamingTemplate(stored.namingTemplate);
      setActiveLutId(stored.activeLutId);
      setLutInterpolation(stored.lutInterpolation);
      setAiDisclosure(stored.aiDisclosure);
    },
    [drafts],
  );

  // A save shows what was stored (colours upper-cased, text trimmed); its outcome is brought into view either way.
  useEffect(() => {
    if (!result || applied.current === result) return;
    applied.current = result;
    if (result.intent === "save-settings" && result.ok) reset(result.settings);
    outcomeRef.current?.scrollIntoView({ block: "start" });
  }, [result, reset]);

  const save = () => {
    setSubmitted({ keys: channels.map((c) => c.key), namingTemplate });
    fetcher.submit(
      { intent: "save-settings", channels: JSON.stringify(fromChannelDrafts(channels)), namingTemplate, lutInterpolation, aiDisclosure: String(aiDisclosure), activeLutId },
      { method: "post" },
    );
  };
  const saving = fetcher.state !== "idle";
  const describe = (field: string) => describeChannelField(field, channels, submitted.keys) ?? OTHER_FIELDS[field] ?? field;
  // The banner words each channel error as the field shows it.
  const bannerErrors = Object.fromEntries(
    Object.entries(errors).map(([field, message]) => {
      const match = /^channels\[(\d+)\]\.(\w+)$/.exec(field);
      const draft = match ? channels.find((c) => c.key === submitted.keys[Number(match[1])]) : undefined;
      return [field, (draft && channelFieldError(draft, match![2], errors, submitted.keys)) || message];
    }),
  );

  return (
    <Page
      title="Post-production"
      subtitle="How every product image is finished before it is published: channel sizes and formats, file names, the brand colour look and AI disclosure."
      backAction={{ content: "Catalog", url: "/app/catalog" }}
      primaryAction={{ content: "Save", onAction: save, loading: saving }}
    >
      <Layout>
        <Layout.Section>
          <div ref={outcomeRef}>
            <BlockStack gap="300">
              <FieldErrorsBanner errors={bannerErrors} title="Nothing was saved: fix these" describe={describe} />
              {formError ? <Banner tone="critical" title={formError} /> : null}
              {result?.intent === "save-settings" && result.ok ? <Banner tone="success" title="Post-production settings saved" /> : null}
            </BlockStack>
          </div>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Channels
              </Text>
              <Text as="p">Every post-processed image is rendered once per enabled channel, with that channel&apos;s canvas, format, background and framing.</Text>
              <ChannelSpecsEditor
                drafts={channels}
                onChange={setChannels}
                onAdd={() => setChannels((all) => [...all, newChannelDraft(`row-${nextKey.current++}`, all.map((c) => c.id))])}
                onReset={() => setChannels(drafts(defaults.channels))}
                errors={errors}
                submittedKeys={submitted.keys}
              />
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  File names
                </Text>
                <Text as="p" tone="subdued">
                  One template names every rendition; a name already used in this shop gets -2, -3 … added.
                </Text>
                <NamingTemplateField
                  value={namingTemplate}
                  onChange={setNamingTemplate}
                  channels={channels.filter((c) => c.enabled && c.id.trim() !== "").map((c) => ({ id: c.id.trim(), format: c.format }))}
                  defaultTemplate={defaults.namingTemplate}
                  error={namingTemplate === submitted.namingTemplate ? errors.namingTemplate : undefined}
                />
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  AI disclosure
                </Text>
                <Checkbox
                  label="Write an AI-disclosure field into the XMP of renditions made from AI output"
                  helpText="Marketplaces and some jurisdictions ask that AI-made product images say so."
                  checked={aiDisclosure}
                  onChange={setAiDisclosure}
                  error={errors.aiDisclosure}
                />
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <BrandLutCard
            luts={luts}
            savedActiveLutId={settings.activeLutId}
            activeLutId={activeLutId}
            onActiveLutChange={setActiveLutId}
            interpolation={lutInterpolation}
            onInterpolationChange={setLutInterpolation}
            errors={errors}
            maxBytes={lutMaxBytes}
            onActivated={setActiveLutId}
          />
        </Layout.Section>
        <Layout.Section>
          <InlineStack align="space-between" blockAlign="center">
            <Text as="p" tone="subdued">
              {settings.updatedAt ? `Last saved ${settings.updatedAt.slice(0, 10)} ${settings.updatedAt.slice(11, 16)} UTC` : "Using the defaults: nothing saved yet."}
            </Text>
            <Button variant="primary" size="large" onClick={save} loading={saving}>
              Save settings
            </Button>
          </InlineStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
