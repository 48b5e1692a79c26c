/** Spending limits, checked before every provider call. Money is in micro-USD (1 USD = 1,000,000). */

export const MICROS_PER_CENT = 10_000;

export interface SpendState {
  /** Spent and reserved this UTC month, all products. */
  monthMicros: number;
  /** Spent and reserved on this product, ever. */
  productMicros: number;
  monthlyBudgetCents: number | null;
  productCapCents: number | null;
}

export type BudgetDecision = { ok: true } | { ok: false; limit: "monthly-budget" | "product-cap"; reason: string };

const usd = (micros: number) => `$${(micros / 1_000_000).toFixed(2)}`;

/** Whether a call estimated at `estimateMicros` fits under both limits. */
export function checkBudget(state: SpendState, estimateMicros: number): BudgetDecision {
  if (state.monthlyBudgetCents !== null) {
    const limit = state.monthlyBudgetCents * MICROS_PER_CENT;
    if (state.monthMicros + estimateMicros > limit) {
      return {
        ok: false,
        limit: "monthly-budget",
        reason: `The monthly budget of ${usd(limit)} is reached (${usd(state.monthMicros)} spent or reserved this month; the next call would cost about ${usd(estimateMicros)}). Raise it in Settings, then resume production.`,
      };
    }
  }
  if (state.productCapCents !== null) {
    const limit = state.productCapCents * MICROS_PER_CENT;
    if (state.productMicros + estimateMicros > limit) {
      return {
        ok: false,
        limit: "product-cap",
        reason: `A product reached the per-product cap of ${usd(limit)} (${usd(state.productMicros)} spent or reserved on it; the next call would cost about ${usd(estimateMicros)}). Raise the cap in Settings, then resume production.`,
      };
    }
  }
  return { ok: true };
}

/** The first instant of the UTC month `now` falls in. */
export function monthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}
