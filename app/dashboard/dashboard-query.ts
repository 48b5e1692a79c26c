import { z } from "zod";
import { topFieldErrorsOf } from "../recipes/recipe-spec";

/**
 * The dashboard's URL parameters: a date range (whole UTC days, both ends
 * included) and an optional lane. Shared by the page, its form and the CSV
 * routes. Pure and browser-safe.
 */

export const DASHBOARD_LANES = ["ai", "studio"] as const;
export type DashboardLane = (typeof DASHBOARD_LANES)[number];

export const DEFAULT_RANGE_DAYS = 30;
/** A year and a day: a whole year's figures in one view, and a bound on the per-day series. */
export const MAX_RANGE_DAYS = 366;

const DAY_MS = 86_400_000;

export interface DashboardQuery {
  /** First day, YYYY-MM-DD (UTC). */
  from: string;
  /** Last day, YYYY-MM-DD (UTC), included. */
  to: string;
  lane: DashboardLane | null;
}

/** The range as instants: [start, end) with `end` the midnight after the last day. */
export interface DashboardRange {
  start: Date;
  end: Date;
  days: number;
}

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The default range: the last 30 days up to and including today (UTC). */
export function defaultDashboardQuery(now: Date): DashboardQuery {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return { from: isoDay(new Date(today - (DEFAULT_RANGE_DAYS - 1) * DAY_MS)), to: isoDay(new Date(today)), lane: null };
}

const day = (field: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${field} must be a date written YYYY-MM-DD, e.g. 2026-11-01`)
    .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && isoDay(new Date(`${value}T00:00:00Z`)) === value, `${field} is not a calendar date: check the month and day`);

function querySchema(fallback: DashboardQuery) {
  return z
    .object({
      from: day("from").default(fallback.from),
      to: day("to").default(fallback.to),
      lane: z
        .union([z.literal(""), z.enum(DASHBOARD_LANES)], { error: "lane must be ai or studio (or empty for both lanes)" })
        .default("")
        .transform((value) => (value === "" ? null : value)),
    })
    .superRefine((value, ctx) => {
      const span = (Date.parse(`${value.to}T00:00:00Z`) - Date.parse(`${value.from}T00:00:00Z`)) / DAY_MS + 1;
      if (span < 1) ctx.addIssue({ code: "custom", path: ["to"], message: `to (${value.to}) is before from (${value.from}): pick a last day on or after the first` });
      else if (span > MAX_RANGE_DAYS) ctx.addIssue({ code: "custom", path: ["to"], message: `the range is ${span} days: pick at most ${MAX_RANGE_DAYS} days between from and to` });
    });
}

export type ParsedDashboardQuery = { ok: true; query: DashboardQuery } | { ok: false; errors: Record<string, string>; query: DashboardQuery };

/**
 * Reads from, to and lane. A bad value is reported by field (the page shows
 * the errors and falls back to the default range; the CSV routes answer 400).
 */
export function parseDashboardQuery(params: URLSearchParams, now: Date): ParsedDashboardQuery {
  const fallback = defaultDashboardQuery(now);
  const raw: Record<string, string> = {};
  for (const key of ["from", "to", "lane"]) {
    const value = params.get(key);
    if (value !== null && (value !== "" || key === "lane")) raw[key] = value.trim();
  }
  const parsed = querySchema(fallback).safeParse(raw);
  if (parsed.success) return { ok: true, query: parsed.data };
  const lane = querySchema(fallback).safeParse({ lane: raw.lane });
  return { ok: false, errors: topFieldErrorsOf(parsed.error, "query"), query: { ...fallback, lane: lane.success ? lane.data.lane : null } };
}

export function rangeOf(query: DashboardQuery): DashboardRange {
  const start = new Date(`${query.from}T00:00:00Z`);
  const end = new Date(Date.parse(`${query.to}T00:00:00Z`) + DAY_MS);
  return { start, end, days: Math.round((end.getTime() - start.getTime()) / DAY_MS) };
}

/** Every day of the range, YYYY-MM-DD, in order. */
export function daysOf(range: DashboardRange): string[] {
  return Array.from({ length: range.days }, (_, i) => isoDay(new Date(range.start.getTime() + i * DAY_MS)));
}

/** The query as URL parameters (for the CSV links and the form). */
export function dashboardSearch(query: DashboardQuery): string {
  const params = new URLSearchParams({ from: query.from, to: query.to });
  if (query.lane) params.set("lane", query.lane);
  return `?${params.toString()}`;
}
