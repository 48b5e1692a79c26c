import { describe, expect, it } from "vitest";
import { checkBudget, monthStart } from "./budget";

const state = { monthMicros: 0, productMicros: 0, monthlyBudgetCents: null, productCapCents: null };

describe("checkBudget", () => {
  it("allows anything without limits", () => {
    expect(checkBudget(state, 10_000_000_000)).toEqual({ ok: true });
  });

  it("allows a call that lands exactly on the monthly budget and refuses one cent more", () => {
    const budget = { ...state, monthlyBudgetCents: 1000, monthMicros: 9_925_000 }; // $10.00 budget, $9.925 used
    expect(checkBudget(budget, 75_000)).toEqual({ ok: true });
    const refused = checkBudget(budget, 85_000);
    expect(refused).toMatchObject({ ok: false, limit: "monthly-budget" });
    expect(refused.ok ? "" : refused.reason).toMatch(/monthly budget of \$10\.00 is reached \(\$9\.93 spent or reserved/);
  });

  it("checks the per-product cap separately from the monthly budget", () => {
    const capped = { ...state, monthlyBudgetCents: 100_000, productCapCents: 50, productMicros: 450_000 };
    expect(checkBudget(capped, 50_000)).toEqual({ ok: true });
    expect(checkBudget(capped, 75_000)).toMatchObject({ ok: false, limit: "product-cap" });
  });
});

describe("monthStart", () => {
  it("is midnight UTC on the first of the month", () => {
    expect(monthStart(new Date("2026-11-23T13:45:00Z")).toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect(monthStart(new Date("2027-01-01T00:00:00Z")).toISOString()).toBe("2027-01-01T00:00:00.000Z");
  });
});
