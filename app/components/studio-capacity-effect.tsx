import { BlockStack, DataTable, Text } from "@shopify/polaris";
import { formatUsd } from "../production/production-page";
import type { CapacityDelta, CapacityFigures } from "../studio/capacity";

const count = (n: number) => n.toLocaleString("en");
const signed = (n: number, format: (n: number) => string = count) => (n > 0 ? `+${format(n)}` : n < 0 ? `−${format(-n)}` : format(0));

export interface StudioCapacityEffectProps {
  before: CapacityFigures;
  after: CapacityFigures;
  delta: CapacityDelta;
  summary: string;
  /** Headings of the two figure columns. */
  labels?: [string, string];
}

/** A move's effect on the studio and the AI lane: the sentence, then the figures before and after. */
export function StudioCapacityEffect({ before, after, delta, summary, labels = ["Now", "After"] }: StudioCapacityEffectProps) {
  const rows = [
    ["Studio images", count(before.studioImages), count(after.studioImages), signed(delta.studioImages)],
    ["Studio days", count(before.studioDays), count(after.studioDays), signed(delta.studioDays)],
    ["AI assets", count(before.aiAssets), count(after.aiAssets), signed(delta.aiAssets)],
    ["AI spend", formatUsd(before.aiSpendMicros), formatUsd(after.aiSpendMicros), signed(delta.aiSpendMicros, formatUsd)],
  ];
  return (
    <BlockStack gap="200">
      <Text as="p" fontWeight="semibold">
        {summary}
      </Text>
      <DataTable columnContentTypes={["text", "numeric", "numeric", "numeric"]} headings={["Backlog", labels[0], labels[1], "Change"]} rows={rows} />
    </BlockStack>
  );
}
