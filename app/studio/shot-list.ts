import { ASSET_LABELS, type AssetKind, type PlanItem } from "../production/production-plan";
import { variantColour } from "../publishing/media-plan";
import type { Tier } from "../routing/tier-rules";

/**
 * Studio shot lists: which product colourways the studio shoots on which day,
 * within the shop's images-per-day capacity. Pure, so the page, the CSV export
 * and the capacity view agree on the same schedule.
 */

export interface ShotListVariant {
  sku: string | null;
  /** Option name -> value as stored on ProductVariant.options, e.g. {"Color": "Black", "Size": "M"}. */
  options: Record<string, string>;
}

export interface ShotListProduct {
  id: string;
  title: string;
  handle: string;
  tier: Tier;
  launchDate: Date | null;
  /** Breaks launch-date ties: a lower number shoots first; products without one come after those with one. */
  priority?: number | null;
  featuredImageUrl: string | null;
  variants: readonly ShotListVariant[];
}

export interface ShotListRequest {
  product: ShotListProduct;
  /** What the plan still needs (e.g. stillNeeded(plan, produced)); only studio items are shot. */
  stillNeeded: readonly PlanItem[];
  /** The recipe's styling notes for the product's garment category. */
  stylingNotes: string;
  /** Finished images the studio delivers per view; 1 by default. */
  imagesPerView?: number;
}

export interface ShotListSettings {
  imagesPerDay: number;
  /** First possible studio day; moved forward to the next workday when it is not one. */
  startDate: Date;
  /** UTC weekdays the studio shoots, 0 = Sunday; Monday to Friday by default. */
  workdays?: readonly number[];
  /** Days between the shoot and the launch that post-production and review need. */
  leadDays: number;
}

export const DEFAULT_WORKDAYS: readonly number[] = [1, 2, 3, 4, 5];

export interface ShotListLine {
  productId: string;
  /** SKU of the colourway's first variant (what the studio labels files with). */
  sku: string | null;
  productTitle: string;
  productHandle: string;
  tier: Tier;
  /** Null when the product has no colour option: the product is shot once. */
  colourway: string | null;
  views: AssetKind[];
  viewLabels: string[];
  images: number;
  stylingNotes: string;
  referenceImageUrl: string | null;
  /** The studio day the line is shot on. */
  dueDate: Date;
  /** Launch date minus lead days; null without a launch date. */
  latestOnTimeDate: Date | null;
  late: boolean;
  /** Why the line is unusual, e.g. a colourway split across days. */
  note: string | null;
}

export interface ShotListDay {
  date: Date;
  images: number;
  lines: ShotListLine[];
}

export interface ShotLists {
  days: ShotListDay[];
  totalImages: number;
  lateLines: number;
}

const DAY_MS = 86_400_000;

/** Midnight UTC of the date's UTC day, so schedules do not drift with the server's time zone. */
export function utcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

export function addDays(date: Date, days: number): Date {
  return new Date(utcDay(date).getTime() + days * DAY_MS);
}

/** The date itself when it is a workday, else the next workday. */
export function nextWorkday(date: Date, workdays: readonly number[] = DEFAULT_WORKDAYS): Date {
  if (!workdays.some((d) => d >= 0 && d <= 6)) throw new RangeError("Studio workdays are empty: choose at least one weekday the studio shoots in Settings.");
  let day = utcDay(date);
  while (!workdays.includes(day.getUTCDay())) day = addDays(day, 1);
  return day;
}

function optionList(options: Record<string, string>): { name: string; value: string }[] {
  return Object.entries(options).map(([name, value]) => ({ name, value: String(value) }));
}

/** The product's colourways in variant order, each with its first variant's SKU; one null colourway without a colour option. */
export function colourways(variants: readonly ShotListVariant[]): { colourway: string | null; sku: string | null }[] {
  const seen = new Map<string, { colourway: string | null; sku: string | null }>();
  for (const variant of variants) {
    const colour = variantColour(optionList(variant.options))?.trim() || null;
    const key = colour === null ? "" : colour.toLowerCase();
    if (!seen.has(key)) seen.set(key, { colourway: colour, sku: variant.sku });
  }
  return seen.size > 0 ? [...seen.values()] : [{ colourway: null, sku: null }];
}

/** Launch date (earliest first, none last), then priority, then tier, then title. */
export function compareShotOrder(a: ShotListProduct, b: ShotListProduct): number {
  const launch = (p: ShotListProduct) => (p.launchDate ? utcDay(p.launchDate).getTime() : Number.POSITIVE_INFINITY);
  const priority = (p: ShotListProduct) => p.priority ?? Number.POSITIVE_INFINITY;
  return launch(a) - launch(b) || priority(a) - priority(b) || a.tier - b.tier || a.title.localeCompare(b.title) || a.id.localeCompare(b.id);
}

interface PendingLine {
  base: Omit<ShotListLine, "views" | "viewLabels" | "images" | "dueDate" | "late" | "note">;
  launchDate: Date | null;
  views: AssetKind[];
  imagesPerView: number;
}

function validate(settings: ShotListSettings, requests: readonly ShotListRequest[]): void {
  if (!Number.isInteger(settings.imagesPerDay) || settings.imagesPerDay < 1) throw new RangeError("Studio images per day must be a whole number of at least 1: set it in Settings.");
  if (!Number.isInteger(settings.leadDays) || settings.leadDays < 0) throw new RangeError("Studio lead days must be a whole number of 0 or more: set it in Settings.");
  for (const r of requests) {
    const perView = r.imagesPerView ?? 1;
    if (!Number.isInteger(perView) || perView < 1) throw new RangeError(`Images per view for "${r.product.title}" must be a whole number of at least 1: fix it in the recipe.`);
    if (perView > settings.imagesPerDay) throw new RangeError(`"${r.product.title}" needs ${perView} images per view, more than a studio day's ${settings.imagesPerDay}: raise images per day in Settings or lower images per view in the recipe.`);
  }
}

/**
 * Schedules the studio work of the given products onto studio days in order
 * of urgency. A colourway's views stay on one day whenever they fit in a day
 * (the set, model and garment are prepared once); one bigger than a whole
 * day is split by view across consecutive days, with a note. Order is kept
 * strictly rather than back-filling a day's leftover room, so a later product
 * never jumps ahead of a more urgent one.
 */
export function buildShotLists(input: { lines: readonly ShotListRequest[]; settings: ShotListSettings }): ShotLists {
  const { lines: requests, settings } = input;
  validate(settings, requests);
  const workdays = settings.workdays ?? DEFAULT_WORKDAYS;
  const pending: PendingLine[] = [];
  for (const request of [...requests].sort((a, b) => compareShotOrder(a.product, b.product))) {
    const views = [...new Set(request.stillNeeded.filter((i) => i.source === "studio").map((i) => i.asset))];
    if (views.length === 0) continue;
    const { product } = request;
    const latestOnTimeDate = product.launchDate ? addDays(product.launchDate, -settings.leadDays) : null;
    for (const { colourway, sku } of colourways(product.variants)) {
      pending.push({
        base: { productId: product.id, sku, productTitle: product.title, productHandle: product.handle, tier: product.tier, colourway, stylingNotes: request.stylingNotes, referenceImageUrl: product.featuredImageUrl, latestOnTimeDate },
        launchDate: product.launchDate,
        views,
        imagesPerView: request.imagesPerView ?? 1,
      });
    }
  }

  const days: ShotListDay[] = [];
  let day: ShotListDay | null = null;
  const openNextDay = (): ShotListDay => {
    const date = day ? nextWorkday(addDays(day.date, 1), workdays) : nextWorkday(settings.startDate, workdays);
    day = { date, images: 0, lines: [] };
    days.push(day);
    return day;
  };
  const place = (target: ShotListDay, line: PendingLine, views: AssetKind[], note: string | null) => {
    const images = views.length * line.imagesPerView;
    const late = line.base.latestOnTimeDate !== null && target.date.getTime() > line.base.latestOnTimeDate.getTime();
    target.lines.push({ ...line.base, views, viewLabels: views.map((v) => ASSET_LABELS[v]), images, dueDate: target.date, late, note });
    target.images += images;
  };

  for (const line of pending) {
    const total = line.views.length * line.imagesPerView;
    let current: ShotListDay = day ?? openNextDay();
    if (total <= settings.imagesPerDay) {
      if (current.images + total > settings.imagesPerDay) current = openNextDay();
      place(current, line, line.views, null);
      continue;
    }
    // Bigger than a whole day: fill from a fresh day, whole views per day.
    if (current.images > 0) current = openNextDay();
    const perDay = Math.floor(settings.imagesPerDay / line.imagesPerView);
    const parts: AssetKind[][] = [];
    for (let i = 0; i < line.views.length; i += perDay) parts.push(line.views.slice(i, i + perDay));
    parts.forEach((views, index) => {
      if (index > 0) current = openNextDay();
      place(current, line, views, `Part ${index + 1} of ${parts.length}: this colourway's ${total} images are more than a studio day's ${settings.imagesPerDay}, so it is split across days.`);
    });
  }

  const lines = days.flatMap((d) => d.lines);
  return { days, totalImages: lines.reduce((sum, l) => sum + l.images, 0), lateLines: lines.filter((l) => l.late).length };
}

/** YYYY-MM-DD of the UTC day. */
export function isoDate(date: Date): string {
  return utcDay(date).toISOString().slice(0, 10);
}

export const SHOT_LIST_CSV_HEADER = ["Studio day", "Due date", "Late", "SKU", "Product", "Colourway", "Views", "Images", "Styling notes", "Reference image", "Note"] as const;

/**
 * One CSV cell: spreadsheet formula triggers are neutralised with a leading
 * apostrophe (OWASP CSV injection), then RFC 4180 quoting when needed.
 */
export function csvCell(value: string | number | null): string {
  let text = value === null ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The shot lists as RFC 4180 CSV: a header row, one row per line, CRLF endings. */
export function shotListCsv(list: ShotLists): string {
  const rows: (string | number | null)[][] = [[...SHOT_LIST_CSV_HEADER]];
  list.days.forEach((day, index) => {
    for (const line of day.lines) {
      rows.push([index + 1, isoDate(line.dueDate), line.late ? "late" : "", line.sku, line.productTitle, line.colourway, line.viewLabels.join("; "), line.images, line.stylingNotes, line.referenceImageUrl, line.note]);
    }
  });
  return rows.map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
