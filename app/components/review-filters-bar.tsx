import { Button, ButtonGroup, InlineGrid, Select } from "@shopify/polaris";
import { PROVIDER_LABELS } from "../credentials/credential-form";
import { DEMO_PROVIDER_LABEL } from "../production/production-page";
import { REVIEW_STATUS_LABELS, REVIEW_STATUSES } from "../review/review-decision";
import { REVIEW_SOURCES, type ReviewFilters } from "../review/review-filters";
import type { QcVerdict } from "../qc/qc-check";

interface Props {
  filters: ReviewFilters;
  verdictCounts: Record<QcVerdict | "unchecked", number>;
  facets: { collections: { id: string; title: string }[]; categories: { key: string; name: string }[] };
  onChange: (changes: Partial<ReviewFilters>) => void;
}

const ANY = "";
const count = (n: number) => n.toLocaleString("en-US");

function sourceOptionLabel(source: string): string {
  if (source === "studio") return "Studio";
  if (source === "store") return "Store images";
  if (source === "demo") return DEMO_PROVIDER_LABEL;
  return `AI · ${(PROVIDER_LABELS as Record<string, string>)[source] ?? source}`;
}

/**
 * The grid's filters: verdict as a segmented control with its counts, the rest
 * as selects. Each change is a new address (bookmarkable, Back works) and
 * starts at page 1.
 */
export function ReviewFiltersBar({ filters, verdictCounts, facets, onChange }: Props) {
  const all = verdictCounts.pass + verdictCounts.flag + verdictCounts.reject + verdictCounts.unchecked;
  const verdicts: { value: QcVerdict | undefined; label: string }[] = [
    { value: undefined, label: `All (${count(all)})` },
    { value: "pass", label: `Pass (${count(verdictCounts.pass)})` },
    { value: "flag", label: `Flag (${count(verdictCounts.flag)})` },
    { value: "reject", label: `Reject (${count(verdictCounts.reject)})` },
  ];
  const set = (key: keyof ReviewFilters) => (value: string) => onChange({ [key]: value === ANY ? undefined : value } as Partial<ReviewFilters>);
  return (
    <div style={{ display: "flex", flexDirection: "column", gap: 12 }}>
      <div role="group" aria-label="Verdict">
        <ButtonGroup variant="segmented">
          {verdicts.map((v) => (
            <Button key={v.label} pressed={filters.verdict === v.value} onClick={() => onChange({ verdict: v.value })}>
              {v.label}
            </Button>
          ))}
        </ButtonGroup>
      </div>
      <InlineGrid columns={{ xs: 1, sm: 2, md: 5 }} gap="300">
        <Select
          label="Reviewer state"
          value={filters.state}
          onChange={set("state")}
          options={[
            { label: "Open (awaiting review or sign-off)", value: "open" },
            { label: "Flagged for a second look", value: "flagged" },
            ...REVIEW_STATUSES.map((s) => ({ label: REVIEW_STATUS_LABELS[s], value: s })),
          ]}
        />
        <Select
          label="Tier"
          value={filters.tier ?? ANY}
          onChange={set("tier")}
          options={[
            { label: "All tiers", value: ANY },
            { label: "Tier 1", value: "1" },
            { label: "Tier 2", value: "2" },
            { label: "Tier 3", value: "3" },
          ]}
        />
        <Select label="Source" value={filters.source ?? ANY} onChange={set("source")} options={[{ label: "All sources", value: ANY }, ...REVIEW_SOURCES.map((s) => ({ label: sourceOptionLabel(s), value: s }))]} />
        <Select
          label="Category"
          value={filters.category ?? ANY}
          onChange={set("category")}
          options={[{ label: "All categories", value: ANY }, ...facets.categories.map((c) => ({ label: c.name, value: c.key }))]}
        />
        <Select
          label="Collection"
          value={filters.collection ?? ANY}
          onChange={set("collection")}
          options={[{ label: "All collections", value: ANY }, ...facets.collections.map((c) => ({ label: c.title, value: c.id }))]}
        />
      </InlineGrid>
    </div>
  );
}
