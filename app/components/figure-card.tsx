import { BlockStack, Card, Text } from "@shopify/polaris";

/** One headline figure in a card: what it is, the value, and a line saying what it counts. */
export function FigureCard({ title, value, detail }: { title: string; value: string; detail: string }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h2" variant="headingSm" tone="subdued">
          {title}
        </Text>
        <Text as="p" variant="headingLg">
          {value}
        </Text>
        <Text as="p" variant="bodySm" tone="subdued">
          {detail}
        </Text>
      </BlockStack>
    </Card>
  );
}
