import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, InlineGrid, InlineStack, ProgressBar, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import type { SettingsActionResult } from "../settings/settings-page.server";
import { FieldErrorsBanner } from "./field-errors-banner";

const FIELD_LABELS: Record<string, string> = { monthlyBudget: "Monthly budget", productCap: "Per-product cap", form: "Form" };

/** Micro-USD as dollars and cents ("$12.34"); provider costs are billed in USD. */
function usd(micros: number): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(micros / 1_000_000);
}

export interface BudgetSettingsCardProps {
  /** The stored limits as typed amounts ("" = no limit). */
  budgets: { monthlyBudget: string; productCap: string };
  spend: { spentMicros: number; reservedMicros: number; monthStart: string };
}

/** The shop's monthly budget and per-product cap, with what this month has cost so far. */
export function BudgetSettingsCard({ budgets, spend }: BudgetSettingsCardProps) {
  const fetcher = useFetcher<SettingsActionResult>();
  const [monthlyBudget, setMonthlyBudget] = useState(budgets.monthlyBudget);
  const [productCap, setProductCap] = useState(budgets.productCap);
  const result = fetcher.state === "idle" && fetcher.data?.intent === "budget" ? fetcher.data : undefined;
  const errors = result && !result.ok ? (result.errors ?? {}) : {};

  const budgetMicros = budgets.monthlyBudget === "" ? null : Math.round(Number(budgets.monthlyBudget) * 1_000_000);
  const used = spend.spentMicros + spend.reservedMicros;
  const percent = budgetMicros === null ? null : budgetMicros === 0 ? 100 : Math.min(100, Math.round((used / budgetMicros) * 100));

  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Budgets
        </Text>
        <Text as="p" tone="subdued">
          Checked before every provider call. When a limit is reached, production pauses with a banner; nothing already made is lost.
        </Text>
        <FieldErrorsBanner errors={errors} title="Budgets not saved: fix these" describe={(field) => FIELD_LABELS[field] ?? field} />
        {result?.ok ? <Banner tone="success" title="Budgets saved" /> : null}
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="300">
          <TextField
            label="Monthly budget (USD)"
            prefix="$"
            inputMode="decimal"
            value={monthlyBudget}
            onChange={setMonthlyBudget}
            autoComplete="off"
            placeholder="No limit"
            helpText="All providers together, per calendar month (UTC). Empty means no limit."
            error={errors.monthlyBudget}
          />
          <TextField
            label="Per-product cap (USD)"
            prefix="$"
            inputMode="decimal"
            value={productCap}
            onChange={setProductCap}
            autoComplete="off"
            placeholder="No limit"
            helpText="The most one product's production may cost. Empty means no limit."
            error={errors.productCap}
          />
        </InlineGrid>
        <BlockStack gap="100">
          <Text as="p">
            This month (since {spend.monthStart.slice(0, 10)}, UTC): <strong>{usd(spend.spentMicros)}</strong> spent, <strong>{usd(spend.reservedMicros)}</strong> reserved for calls still running
            {budgetMicros === null ? "." : ` of ${usd(budgetMicros)}.`}
          </Text>
          {percent === null ? null : <ProgressBar progress={percent} size="small" tone={percent >= 100 ? "critical" : "highlight"} />}
        </BlockStack>
        <InlineStack>
          <Button variant="primary" loading={fetcher.state !== "idle"} onClick={() => fetcher.submit({ intent: "budget", monthlyBudget, productCap }, { method: "post" })}>
            Save budgets
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
