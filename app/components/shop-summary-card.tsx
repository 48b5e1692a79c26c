import { BlockStack, Card, InlineStack, Text } from "@shopify/polaris";

export function ShopSummaryCard({ shop }: { shop: { domain: string; name: string | null; currencyCode: string | null; mirroredProducts: number } }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          {shop.name ?? "Your shop"}
        </Text>
        <Text as="p" tone="subdued">
          {shop.domain}
        </Text>
        <InlineStack gap="400">
          <Text as="p">
            <Text as="span" fontWeight="bold">
              {shop.mirroredProducts.toLocaleString("en")}
            </Text>{" "}
            products in Shotlane
          </Text>
          {shop.currencyCode ? <Text as="p">Currency {shop.currencyCode}</Text> : null}
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
