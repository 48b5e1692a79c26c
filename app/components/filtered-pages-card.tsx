import { useNavigation } from "@remix-run/react";
import { Box, Card, InlineStack, Pagination, Tabs, Text } from "@shopify/polaris";
import type { ReactNode } from "react";

interface Props<F extends string> {
  /** Used for the tab and panel ids. */
  id: string;
  filters: readonly { value: F; label: string }[];
  filter: F;
  page: number;
  pageCount: number;
  /** "12 orders", "1 product" … for the pagination label. */
  totalLabel: string;
  /** What the empty list says. */
  emptyText: string;
  /** Moves to a filter and page (the address holds both). */
  go(filter: F, page: number): void;
  children: ReactNode[];
}

/** A list page's card: status tabs over the rows, an empty state, and pages with "Page n of m · total". */
export function FilteredPagesCard<F extends string>({ id, filters, filter, page, pageCount, totalLabel, emptyText, go, children }: Props<F>) {
  const navigation = useNavigation();
  return (
    <Card padding="0">
      <Tabs tabs={filters.map((f) => ({ id: `${id}-${f.value}`, content: f.label, panelID: id }))} selected={filters.findIndex((f) => f.value === filter)} onSelect={(index) => go(filters[index].value, 1)} />
      <div id={id} aria-busy={navigation.state === "loading"}>
        {children.length === 0 ? (
          <Box padding="400">
            <Text as="p" tone="subdued" alignment="center">
              {emptyText}
            </Text>
          </Box>
        ) : (
          children
        )}
      </div>
      <Box padding="300" borderBlockStartWidth="025" borderColor="border">
        <InlineStack align="center">
          <Pagination hasPrevious={page > 1} hasNext={page < pageCount} onPrevious={() => go(filter, page - 1)} onNext={() => go(filter, page + 1)} label={`Page ${page} of ${pageCount} · ${totalLabel}`} />
        </InlineStack>
      </Box>
    </Card>
  );
}
