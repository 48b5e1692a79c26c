import { BlockStack, InlineStack, Text } from "@shopify/polaris";
import type { ReactNode } from "react";

// UTC on purpose: the server renders the page first, and a time zone of its own would not match the browser's.
export const formatTime = (iso: string) => `${new Date(iso).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" })} UTC`;

const THUMB = { width: 40, height: 50, borderRadius: 6, background: "#f1f1f1", flexShrink: 0 } as const;

/** A list row's product: its featured image (or an empty box of the same size), title, one line beneath and an optional badge. */
export function ProductHeading({ imageUrl, title, detail, badge }: { imageUrl: string | null; title: string; detail: ReactNode; badge?: ReactNode }) {
  return (
    <InlineStack gap="300" blockAlign="center" wrap={false}>
      {imageUrl ? <img src={imageUrl} alt="" width={THUMB.width} height={THUMB.height} loading="lazy" decoding="async" style={{ ...THUMB, objectFit: "cover" }} /> : <div style={THUMB} aria-hidden />}
      <BlockStack gap="050">
        <Text as="h3" variant="bodyMd" fontWeight="semibold" truncate>
          {title}
        </Text>
        <Text as="p" variant="bodySm" tone="subdued">
          {detail}
        </Text>
        {badge ? <InlineStack>{badge}</InlineStack> : null}
      </BlockStack>
    </InlineStack>
  );
}
