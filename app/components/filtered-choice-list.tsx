import { BlockStack, ChoiceList, Text, TextField } from "@shopify/polaris";
import { useMemo, useState } from "react";

interface Props {
  title: string;
  choices: { label: string; value: string }[];
  selected: string[];
  onChange: (selected: string[]) => void;
  error?: string;
  /** Show the filter field once there are more choices than this. */
  filterAbove?: number;
  /** At most this many unselected matches are listed; the filter narrows the rest. */
  limit?: number;
}

/**
 * A multiple-choice list that stays usable with hundreds of options (a shop's
 * collections or vendors): a filter field narrows the list, selected options
 * always stay visible, and only the first matches are drawn.
 */
export function FilteredChoiceList({ title, choices, selected, onChange, error, filterAbove = 8, limit = 30 }: Props) {
  const [filter, setFilter] = useState("");
  const { shown, hidden } = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const chosen = new Set(selected);
    const matches = choices.filter((c) => !chosen.has(c.value) && (!needle || c.label.toLowerCase().includes(needle)));
    return { shown: [...choices.filter((c) => chosen.has(c.value)), ...matches.slice(0, limit)], hidden: Math.max(0, matches.length - limit) };
  }, [choices, selected, filter, limit]);
  if (choices.length <= filterAbove) return <ChoiceList allowMultiple title={title} choices={choices} selected={selected} onChange={onChange} error={error} />;
  return (
    <BlockStack gap="200">
      <TextField label={title} placeholder={`Filter ${choices.length} options`} value={filter} onChange={setFilter} autoComplete="off" clearButton onClearButtonClick={() => setFilter("")} />
      <ChoiceList allowMultiple titleHidden title={title} choices={shown} selected={selected} onChange={onChange} error={error} />
      {hidden > 0 ? (
        <Text as="p" tone="subdued" variant="bodySm">
          {hidden} more: type to narrow the list
        </Text>
      ) : null}
    </BlockStack>
  );
}
