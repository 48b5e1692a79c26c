import { useFetcher } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, Collapsible, InlineStack, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import type { ProviderCardData, SettingsActionResult } from "../settings/settings-page.server";
import { FieldErrorsBanner } from "./field-errors-banner";

const FIELD_LABELS: Record<string, string> = { apiKey: "API key", baseUrl: "Base URL", webhookSecret: "Webhook secret", provider: "Provider", form: "Form" };

const CUT_OUT = "product photos that are not studio shots on a seamless backdrop";

/** What a key is for, where the card's title does not say it. */
const PURPOSE: Partial<Record<ProviderCardData["provider"], string>> = {
  fal: `The fal key also runs BiRefNet background removal for ${CUT_OUT}.`,
  photoroom: `Removes the background of ${CUT_OUT}.`,
  removebg: `Removes the background of ${CUT_OUT}.`,
};

/** "2026-11-03 14:05 UTC": the same on server and client, whatever the browser's time zone. */
function utcMinute(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/**
 * One provider's key, base URL and (Replicate) webhook secret, with Save,
 * Remove and Test connection. A stored key is never sent to the browser: the
 * field starts empty and the card shows only its last four characters.
 */
export function ProviderCredentialsCard({ card }: { card: ProviderCardData }) {
  const fetcher = useFetcher<SettingsActionResult>();
  const { provider, label, stored, defaultBaseUrl } = card;
  const selfHosted = defaultBaseUrl === null;
  const [apiKey, setApiKey] = useState("");
  const [baseUrl, setBaseUrl] = useState(stored?.baseUrl ?? "");
  const [webhookSecret, setWebhookSecret] = useState("");
  const [advancedOpen, setAdvancedOpen] = useState(Boolean(stored?.baseUrl));

  const result = fetcher.state === "idle" ? fetcher.data : undefined;
  const errors = result && !result.ok ? (result.errors ?? {}) : {};
  const busyWith = fetcher.state === "idle" ? null : String(fetcher.formData?.get("intent") ?? "");

  // A saved key leaves the browser's memory at once; the card then shows its hint.
  useEffect(() => {
    if (result?.ok && result.intent === "save") {
      setApiKey("");
      setWebhookSecret("");
    }
    if (result?.ok && result.intent === "remove") {
      setApiKey("");
      setWebhookSecret("");
      setBaseUrl("");
    }
  }, [result]);

  const submit = (intent: "save" | "remove" | "test") => {
    const data: Record<string, string> = { intent, provider };
    if (intent === "save") Object.assign(data, { apiKey, baseUrl, ...(provider === "replicate" ? { webhookSecret } : {}) });
    fetcher.submit(data, { method: "post" });
  };

  const baseUrlField = (
    <TextField
      label="Base URL"
      value={baseUrl}
      onChange={setBaseUrl}
      autoComplete="off"
      placeholder={selfHosted ? "https://comfy.example.com" : (defaultBaseUrl ?? "")}
      helpText={selfHosted ? "Your ComfyUI server (or the proxy in front of it); https only." : `Leave empty for ${label}'s API (${defaultBaseUrl}).`}
      error={errors.baseUrl}
      requiredIndicator={selfHosted}
    />
  );

  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {label}
          </Text>
          {stored ? <Badge tone="success">{stored.hasKey ? "Key stored" : "Set up"}</Badge> : <Badge>Not set up</Badge>}
        </InlineStack>
        {PURPOSE[provider] ? (
          <Text as="p" variant="bodySm" tone="subdued">
            {PURPOSE[provider]}
          </Text>
        ) : null}
        {stored ? (
          <Text as="p" tone="subdued">
            {stored.hasKey ? `Key: •••• ${stored.keyHint}` : "No key (open server)"}
            {stored.hasWebhookSecret ? " · webhook secret stored" : ""}
          </Text>
        ) : null}
        <FieldErrorsBanner errors={errors} title={`Nothing was saved for ${label}: fix these`} describe={(field) => FIELD_LABELS[field] ?? field} />
        <TextField
          label={`${label} API key`}
          type="password"
          value={apiKey}
          onChange={setApiKey}
          autoComplete="new-password"
          placeholder={stored?.hasKey ? `•••• ${stored.keyHint}` : selfHosted ? "Only if your server asks for one" : "Paste your API key"}
          helpText={stored?.hasKey ? "Leave empty to keep the stored key." : undefined}
          error={errors.apiKey}
        />
        {selfHosted ? (
          baseUrlField
        ) : (
          <BlockStack gap="200">
            <InlineStack>
              <Button variant="plain" disclosure={advancedOpen ? "up" : "down"} onClick={() => setAdvancedOpen((open) => !open)} ariaExpanded={advancedOpen} ariaControls={`${provider}-advanced`}>
                Advanced
              </Button>
            </InlineStack>
            <Collapsible id={`${provider}-advanced`} open={advancedOpen || Boolean(errors.baseUrl)}>
              {baseUrlField}
            </Collapsible>
          </BlockStack>
        )}
        {provider === "replicate" ? (
          <TextField
            label="Replicate webhook secret"
            type="password"
            value={webhookSecret}
            onChange={setWebhookSecret}
            autoComplete="new-password"
            placeholder={stored?.hasWebhookSecret ? "•••• stored" : "whsec_…"}
            helpText={stored?.hasWebhookSecret ? "Leave empty to keep the stored secret." : "Optional: lets Shotlane verify Replicate's webhooks (starts with whsec_)."}
            error={errors.webhookSecret}
          />
        ) : null}
        {result?.intent === "test" ? (
          <Banner tone={result.ok ? "success" : "critical"} title={result.ok ? `${label}: connection works` : `${label}: connection failed`}>
            <p>{result.message}</p>
          </Banner>
        ) : null}
        {result?.ok && (result.intent === "save" || result.intent === "remove") ? <Banner tone="success" title={result.message} /> : null}
        {stored?.lastTestedAt && result?.intent !== "test" ? (
          <Text as="p" variant="bodySm" tone={stored.lastTestOk ? "subdued" : "critical"}>
            Last tested {utcMinute(stored.lastTestedAt)}: {stored.lastTestOk ? "connection worked" : `failed (${stored.lastTestMessage ?? "no message"})`}
          </Text>
        ) : null}
        <InlineStack gap="200">
          <Button variant="primary" onClick={() => submit("save")} loading={busyWith === "save"} disabled={busyWith !== null && busyWith !== "save"} accessibilityLabel={`Save ${label}`}>
            Save
          </Button>
          <Button onClick={() => submit("test")} loading={busyWith === "test"} disabled={!stored || (busyWith !== null && busyWith !== "test")} accessibilityLabel={`Test ${label} connection`}>
            Test connection
          </Button>
          <Button tone="critical" variant="plain" onClick={() => submit("remove")} loading={busyWith === "remove"} disabled={!stored || (busyWith !== null && busyWith !== "remove")} accessibilityLabel={`Remove ${label} key`}>
            Remove
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

