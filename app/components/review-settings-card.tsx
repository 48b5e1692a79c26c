import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Checkbox, InlineStack, Text } from "@shopify/polaris";
import { useState } from "react";
import type { SettingsActionResult } from "../settings/settings-page.server";
import { FieldErrorsBanner } from "./field-errors-banner";

const FIELD_LABELS: Record<string, string> = { brandSignOff: "Brand sign-off", form: "Form" };

export interface ReviewSettingsCardProps {
  review: { brandSignOff: boolean };
}

/** Whether a reviewer's approval is final or waits for a second, brand sign-off. */
export function ReviewSettingsCard({ review }: ReviewSettingsCardProps) {
  const fetcher = useFetcher<SettingsActionResult>();
  const [brandSignOff, setBrandSignOff] = useState(review.brandSignOff);
  const result = fetcher.state === "idle" && fetcher.data?.intent === "review" ? fetcher.data : undefined;
  const errors = result && !result.ok ? (result.errors ?? {}) : {};

  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Brand sign-off
        </Text>
        <FieldErrorsBanner errors={errors} title="Review settings not saved: fix these" describe={(field) => FIELD_LABELS[field] ?? field} />
        {result?.ok ? <Banner tone="success" title={result.message ?? "Review settings saved"} /> : null}
        <Checkbox
          label="Require brand sign-off after a reviewer approves"
          checked={brandSignOff}
          onChange={setBrandSignOff}
          error={errors.brandSignOff}
          helpText="An image or video a reviewer approves then waits as “Awaiting brand sign-off” until it is signed off, a second step for whoever owns the brand's look. Off: the reviewer's approval is final."
        />
        <Text as="p" tone="subdued">
          Each approval and sign-off is recorded with the Shopify staff account that made it (the person signed in to the Shopify admin), so there are no separate logins or approver lists to
          keep. A change applies to approvals made from now on.
        </Text>
        <InlineStack>
          <Button variant="primary" loading={fetcher.state !== "idle"} onClick={() => fetcher.submit({ intent: "review", brandSignOff: String(brandSignOff) }, { method: "post" })}>
            Save review settings
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
