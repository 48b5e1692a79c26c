import { Badge, BlockStack, Box, Button, InlineGrid, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { QC_CHECK_IDS, QC_CHECKS, defaultThreshold, type QcCheckId, type QcRecipe, type QcThreshold } from "../qc/qc-check";

interface Props {
  value: QcRecipe;
  onChange: (value: QcRecipe) => void;
  /** The save's field errors, keyed by spec path (qc.thresholds.<check>.reject, qc.autoRegenerate). */
  errors: Record<string, string>;
}

type Typed = { flag: string; reject: string };

const GROUPS = [
  { media: "image", title: "Image checks" },
  { media: "video", title: "Video checks" },
] as const;

const MAX_AUTO_REGENERATE = 5;

/** An empty field means "the default"; anything else is sent as typed (NaN for a bad entry, which the server names). */
function typedNumber(text: string): number | undefined {
  const trimmed = text.trim();
  return trimmed === "" ? undefined : Number(trimmed.replace(",", "."));
}

/** The override a row's two fields make, or null when they say "the default". */
function overrideOf(check: QcCheckId, typed: Typed): QcThreshold | null {
  const fallback = defaultThreshold(check);
  const flag = typedNumber(typed.flag);
  const reject = typedNumber(typed.reject);
  if (flag === undefined && reject === undefined) return null;
  const threshold = { flag: flag ?? fallback.flag, reject: reject ?? fallback.reject };
  // Only overrides are stored: a pair typed equal to the default is no override.
  return threshold.flag === fallback.flag && threshold.reject === fallback.reject ? null : threshold;
}

function typedOf(value: QcRecipe): Record<QcCheckId, Typed> {
  return Object.fromEntries(
    QC_CHECK_IDS.map((check) => {
      const override = value.thresholds[check];
      return [check, override ? { flag: String(override.flag), reject: String(override.reject) } : { flag: "", reject: "" }];
    }),
  ) as Record<QcCheckId, Typed>;
}

/**
 * The recipe's quality gates: each automated check's flag and reject
 * thresholds for this garment category (empty = the default, shown greyed),
 * and how often a rejected AI candidate is regenerated before a person sees it.
 */
export function RecipeQualityGates({ value, onChange, errors }: Props) {
  const [typed, setTyped] = useState(() => typedOf(value));
  const error = (field: string) => errors[`qc.${field}`];

  const edit = (check: QcCheckId, next: Typed) => {
    setTyped((t) => ({ ...t, [check]: next }));
    const override = overrideOf(check, next);
    const thresholds = { ...value.thresholds };
    if (override) thresholds[check] = override;
    else delete thresholds[check];
    onChange({ ...value, thresholds });
  };

  return (
    <BlockStack gap="300">
      <Text as="h3" variant="headingMd">
        Quality gates
      </Text>
      <Text as="p" tone="subdued">
        Every image and video of this category is measured by these checks before review. Past its flag threshold a check marks the asset for a closer look; past its reject threshold it rejects it.
        Leave a field empty to use the default (shown greyed); only the values you change are kept in this version.
      </Text>
      {error("thresholds") ? (
        <Text as="p" tone="critical">
          {error("thresholds")}
        </Text>
      ) : null}
      {GROUPS.map((group) => (
        <BlockStack key={group.media} gap="400">
          <Text as="h4" variant="headingSm">
            {group.title}
          </Text>
          {QC_CHECK_IDS.filter((check) => QC_CHECKS[check].media === group.media).map((check) => (
            <ThresholdRow key={check} check={check} typed={typed[check]} overridden={Boolean(value.thresholds[check])} onChange={(next) => edit(check, next)} error={error} />
          ))}
        </BlockStack>
      ))}
      <Box maxWidth="28rem">
        <Select
          label="Regenerate rejected AI candidates automatically"
          options={Array.from({ length: MAX_AUTO_REGENERATE + 1 }, (_, n) => ({ label: n === 0 ? "Never: a reviewer sees the rejection" : `Up to ${n} time${n > 1 ? "s" : ""}`, value: String(n) }))}
          value={String(value.autoRegenerate)}
          onChange={(n) => onChange({ ...value, autoRegenerate: Number(n) })}
          error={error("autoRegenerate")}
          helpText="Each regeneration is another provider call and counts against the budget. Studio and store images are never regenerated."
        />
      </Box>
    </BlockStack>
  );
}

function ThresholdRow({ check, typed, overridden, onChange, error }: { check: QcCheckId; typed: Typed; overridden: boolean; onChange: (typed: Typed) => void; error: (field: string) => string | undefined }) {
  const definition = QC_CHECKS[check];
  const fallback = defaultThreshold(check);
  const direction = definition.worse === "above" ? "above" : "below";
  const rowError = error(`thresholds.${check}`);
  const field = (which: keyof Typed, verb: string) => (
    <TextField
      label={
        <>
          <Text as="span" visuallyHidden>
            {`${definition.label}: `}
          </Text>
          {`${verb} ${direction}`}
        </>
      }
      type="number"
      inputMode="decimal"
      value={typed[which]}
      placeholder={String(fallback[which])}
      onChange={(text) => onChange({ ...typed, [which]: text })}
      autoComplete="off"
      suffix={definition.unit}
      error={error(`thresholds.${check}.${which}`)}
      helpText={typed[which].trim() === "" ? undefined : `Default ${fallback[which]}`}
    />
  );
  return (
    <BlockStack gap="100">
      <InlineStack align="space-between" blockAlign="center" wrap={false}>
        <InlineStack gap="200" blockAlign="center">
          <Text as="span" fontWeight="semibold">
            {definition.label}
          </Text>
          {overridden ? <Badge tone="info">Changed</Badge> : null}
        </InlineStack>
        <Button variant="plain" disabled={typed.flag === "" && typed.reject === ""} onClick={() => onChange({ flag: "", reject: "" })} accessibilityLabel={`Reset ${definition.label} to the default`}>
          Reset to default
        </Button>
      </InlineStack>
      <Text as="p" variant="bodySm" tone="subdued">
        {definition.help}
      </Text>
      {rowError ? (
        <Text as="p" tone="critical">
          {rowError}
        </Text>
      ) : null}
      <InlineGrid columns={2} gap="300" alignItems="start">
        {field("flag", "Flag")}
        {field("reject", "Reject")}
      </InlineGrid>
    </BlockStack>
  );
}
