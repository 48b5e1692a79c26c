import { z } from "zod";

/**
 * The budgets form, parsed without I/O: US dollars as typed ("250", "12.50",
 * "$1,200") to whole cents, empty meaning no limit. Provider costs are billed
 * in USD, so limits are kept in USD whatever the shop's own currency.
 */

/** Far above any plausible monthly spend, and inside a 32-bit cents column. */
export const MAX_BUDGET_DOLLARS = 10_000_000;

export interface Budgets {
  monthlyBudgetCents: number | null;
  productCapCents: number | null;
}

export type BudgetFormResult = { ok: true; budgets: Budgets } | { ok: false; errors: Record<string, string> };

const formSchema = z.object({
  monthlyBudget: z.string().optional(),
  productCap: z.string().optional(),
});

const AMOUNT = /^(\d{1,3}(,\d{3})+|\d+)(\.\d*)?$|^\.\d+$/;

/** Whole cents for a typed dollar amount, or what is wrong with it. */
export function parseUsdToCents(typed: string | undefined): { cents: number | null } | { error: string } {
  const text = (typed ?? "").trim().replace(/^\$\s*/, "").replace(/^US\$\s*/i, "");
  if (text === "") return { cents: null };
  if (/^-/.test(text)) return { error: "must not be negative: enter 0 or more, or leave it empty for no limit" };
  if (!AMOUNT.test(text)) return { error: "enter an amount in US dollars, such as 250 or 12.50" };
  const [whole, fraction = ""] = text.replace(/,/g, "").split(".");
  if (fraction.length > 2) return { error: "use at most two decimals (whole cents)" };
  const dollars = Number(whole || "0");
  if (dollars > MAX_BUDGET_DOLLARS) return { error: `must be at most ${MAX_BUDGET_DOLLARS.toLocaleString("en-US")} USD` };
  return { cents: dollars * 100 + Number(fraction.padEnd(2, "0")) };
}

/** Cents as the form shows them: "1200.50", or "" for no limit. */
export function centsToUsdInput(cents: number | null): string {
  return cents === null ? "" : (cents / 100).toFixed(2);
}

export function parseBudgetForm(input: Record<string, unknown>): BudgetFormResult {
  const parsed = formSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: { form: "the form could not be read: reload the page and try again" } };
  const monthly = parseUsdToCents(parsed.data.monthlyBudget);
  const cap = parseUsdToCents(parsed.data.productCap);
  const errors: Record<string, string> = {};
  if ("error" in monthly) errors.monthlyBudget = monthly.error;
  if ("error" in cap) errors.productCap = cap.error;
  if ("error" in monthly || "error" in cap) return { ok: false, errors };
  if (monthly.cents !== null && cap.cents !== null && cap.cents > monthly.cents) {
    return { ok: false, errors: { productCap: "must not be more than the monthly budget: lower it, or raise the monthly budget" } };
  }
  return { ok: true, budgets: { monthlyBudgetCents: monthly.cents, productCapCents: cap.cents } };
}
