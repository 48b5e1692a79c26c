import { describe, expect, it } from "vitest";
import { dashboardSearch, daysOf, defaultDashboardQuery, parseDashboardQuery, rangeOf } from "./dashboard-query";

const NOW = new Date("2026-12-07T15:30:00Z");
const parse = (query: Record<string, string>) => parseDashboardQuery(new URLSearchParams(query), NOW);

describe("dashboard query", () => {
  it("defaults to the last 30 days up to today, both lanes", () => {
    expect(defaultDashboardQuery(NOW)).toEqual({ from: "2026-11-08", to: "2026-12-07", lane: null });
    expect(parse({})).toEqual({ ok: true, query: { from: "2026-11-08", to: "2026-12-07", lane: null } });
    expect(parse({ from: "", to: "", lane: "" })).toEqual({ ok: true, query: { from: "2026-11-08", to: "2026-12-07", lane: null } });
  });

  it("reads a range and a lane", () => {
    expect(parse({ from: "2026-01-01", to: "2026-01-31", lane: "studio" })).toEqual({ ok: true, query: { from: "2026-01-01", to: "2026-01-31", lane: "studio" } });
  });

  it("names each bad field and what to do, and falls back to the default range", () => {
    const bad = parse({ from: "01/11/2026", to: "2026-02-30", lane: "drone" });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors).toEqual({
      from: "from must be a date written YYYY-MM-DD, e.g. 2026-11-01",
      to: "to is not a calendar date: check the month and day",
      lane: "lane must be ai or studio (or empty for both lanes)",
    });
    expect(bad.query).toEqual(defaultDashboardQuery(NOW));
    expect(parse({ from: "2026-11-02", to: "2026-11-01" })).toMatchObject({ ok: false, errors: { to: "to (2026-11-01) is before from (2026-11-02): pick a last day on or after the first" } });
    expect(parse({ from: "2025-01-01", to: "2026-01-02" })).toMatchObject({ ok: false, errors: { to: "the range is 367 days: pick at most 366 days between from and to" } });
    // A good lane survives a bad date.
    expect(parse({ from: "x", lane: "ai" }).query.lane).toBe("ai");
  });

  it("turns the days into a half-open range of instants and lists each day", () => {
    const range = rangeOf({ from: "2026-10-30", to: "2026-11-01", lane: null });
    expect(range).toEqual({ start: new Date("2026-10-30T00:00:00Z"), end: new Date("2026-11-02T00:00:00Z"), days: 3 });
    expect(daysOf(range)).toEqual(["2026-10-30", "2026-10-31", "2026-11-01"]);
    expect(dashboardSearch({ from: "2026-10-30", to: "2026-11-01", lane: "ai" })).toBe("?from=2026-10-30&to=2026-11-01&lane=ai");
  });
});
