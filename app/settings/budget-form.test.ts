import { describe, expect, it } from "vitest";
import { centsToUsdInput, parseBudgetForm, parseUsdToCents } from "./budget-form";

describe("budget form", () => {
  it("turns typed US dollars into whole cents; empty is no limit", () => {
    expect(parseUsdToCents("250")).toEqual({ cents: 25_000 });
    expect(parseUsdToCents(" 12.5 ")).toEqual({ cents: 1_250 });
    expect(parseUsdToCents("$1,200.05")).toEqual({ cents: 120_005 });
    expect(parseUsdToCents("0.07")).toEqual({ cents: 7 });
    expect(parseUsdToCents(".5")).toEqual({ cents: 50 });
    expect(parseUsdToCents("3.")).toEqual({ cents: 300 });
    expect(parseUsdToCents("0")).toEqual({ cents: 0 });
    expect(parseUsdToCents("")).toEqual({ cents: null });
    expect(parseUsdToCents(undefined)).toEqual({ cents: null });
    expect(parseUsdToCents("10000000")).toEqual({ cents: 1_000_000_000 });
  });

  it("says what is wrong with an amount", () => {
    expect(parseUsdToCents("-5")).toEqual({ error: "must not be negative: enter 0 or more, or leave it empty for no limit" });
    expect(parseUsdToCents("abc")).toEqual({ error: "enter an amount in US dollars, such as 250 or 12.50" });
    expect(parseUsdToCents("1e3")).toEqual({ error: "enter an amount in US dollars, such as 250 or 12.50" });
    expect(parseUsdToCents("12,50")).toEqual({ error: "enter an amount in US dollars, such as 250 or 12.50" });
    expect(parseUsdToCents("1.005")).toEqual({ error: "use at most two decimals (whole cents)" });
    expect(parseUsdToCents("10000001")).toEqual({ error: "must be at most 10,000,000 USD" });
  });

  it("checks both fields and that the product cap fits in the monthly budget", () => {
    expect(parseBudgetForm({ monthlyBudget: "500", productCap: "25.50" })).toEqual({ ok: true, budgets: { monthlyBudgetCents: 50_000, productCapCents: 2_550 } });
    expect(parseBudgetForm({ monthlyBudget: "", productCap: "" })).toEqual({ ok: true, budgets: { monthlyBudgetCents: null, productCapCents: null } });
    expect(parseBudgetForm({ productCap: "40" })).toEqual({ ok: true, budgets: { monthlyBudgetCents: null, productCapCents: 4_000 } });
    expect(parseBudgetForm({ monthlyBudget: "-1", productCap: "x" })).toEqual({
      ok: false,
      errors: { monthlyBudget: "must not be negative: enter 0 or more, or leave it empty for no limit", productCap: "enter an amount in US dollars, such as 250 or 12.50" },
    });
    expect(parseBudgetForm({ monthlyBudget: "100", productCap: "100.01" })).toEqual({
      ok: false,
      errors: { productCap: "must not be more than the monthly budget: lower it, or raise the monthly budget" },
    });
    expect(parseBudgetForm({ monthlyBudget: "100", productCap: "100" }).ok).toBe(true);
  });

  it("shows stored cents back as an editable amount", () => {
    expect(centsToUsdInput(120_005)).toBe("1200.05");
    expect(centsToUsdInput(0)).toBe("0.00");
    expect(centsToUsdInput(null)).toBe("");
  });
});
