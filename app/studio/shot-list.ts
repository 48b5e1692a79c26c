import { z } from "zod";
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
  /** Colourways already on an open shot list (null = the product without a colour option); any case. */
  skipColourways?: readonly (string | null)[];
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
    const key = colourwayKey(colour);
    if (!seen.has(key)) seen.set(key, { colourway: colour, sku: variant.sku });
  }
  return seen.size > 0 ? [...seen.values()] : [{ colourway: null, sku: null }];
}

/** How colourways compare: case and surrounding spaces never matter; "" stands for the product without a colour option. */
export function colourwayKey(colourway: string | null): string {
  return colourway === null ? "" : colourway.trim().toLowerCase();
}

// One collator for every comparison: String#localeCompare sets one up per call, which was most of the time sorting thousands of products.
const COLLATOR = new Intl.Collator();
const launchDay = (p: ShotListProduct) => (p.launchDate ? Math.floor(p.launchDate.getTime() / DAY_MS) : Number.POSITIVE_INFINITY);

/** Launch date (earliest first, none last), then priority, then tier, then title. */
export function compareShotOrder(a: ShotListProduct, b: ShotListProduct): number {
  const priority = (p: ShotListProduct) => p.priority ?? Number.POSITIVE_INFINITY;
  return launchDay(a) - launchDay(b) || priority(a) - priority(b) || a.tier - b.tier || COLLATOR.compare(a.title, b.title) || COLLATOR.compare(a.id, b.id);
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
    const skip = new Set((request.skipColourways ?? []).map(colourwayKey));
    for (const { colourway, sku } of colourways(product.variants)) {
      if (skip.has(colourwayKey(colourway))) continue;
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

/**
 * "YYYY-MM-DD" text as that UTC day; a date that does not exist (2027-02-30)
 * is refused. `format` is the message for text of another shape, `notText`
 * for a value that is not text (zod's own message without it).
 */
export function calendarDateSchema(messages: { format: string; notText?: string }) {
  return z
    .string(messages.notText ? { error: messages.notText } : undefined)
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, messages.format)
    .transform((text, ctx) => {
      const date = new Date(`${text}T00:00:00Z`);
      if (Number.isNaN(date.getTime()) || isoDate(date) !== text) {
        ctx.addIssue({ code: "custom", message: `${text} is not a calendar date: choose a real day` });
        return z.NEVER;
      }
      return date;
    });
}

/**
 * One row of a shot list as the studio reads it, from a fresh schedule or
 * from stored lines. `dueDate` here is the day the line must be shot by for
 * its launch (launch date minus lead days), not the studio day.
 */
export interface ShotListSheetRow {
  /** 1 for the list's first studio day. */
  dayNumber: number;
  studioDay: Date;
  dueDate: Date | null;
  late: boolean;
  sku: string | null;
  productTitle: string;
  colourway: string | null;
  viewLabels: readonly string[];
  images: number;
  stylingNotes: string;
  referenceImageUrl: string | null;
  note: string | null;
}

export const SHOT_LIST_CSV_HEADER = ["Studio day", "Shoot on", "Due date", "Late", "SKU", "Product", "Colourway", "Views", "Images", "Styling notes", "Reference image", "Note"] as const;

/**
 * One CSV cell: spreadsheet formula triggers are neutralised with a leading
 * apostrophe (OWASP CSV injection), then RFC 4180 quoting when needed.
 */
export function csvCell(value: string | number | null): string {
  let text = value === null ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A freshly built schedule as sheet rows (its line's `dueDate` is the studio day, `latestOnTimeDate` the due date). */
export function sheetRows(list: ShotLists): ShotListSheetRow[] {
  return list.days.flatMap((day, index) =>
    day.lines.map((line) => ({
      dayNumber: index + 1,
      studioDay: line.dueDate,
      dueDate: line.latestOnTimeDate,
      late: line.late,
      sku: line.sku,
      productTitle: line.productTitle,
      colourway: line.colourway,
      viewLabels: line.viewLabels,
      images: line.images,
      stylingNotes: line.stylingNotes,
      referenceImageUrl: line.referenceImageUrl,
      note: line.note,
    })),
  );
}

/** Sheet rows as RFC 4180 CSV: a header row, one row per line, CRLF endings. */
export function shotListRowsCsv(rows: readonly ShotListSheetRow[]): string {
  const cells: (string | number | null)[][] = [[...SHOT_LIST_CSV_HEADER]];
  for (const row of rows) {
    cells.push([row.dayNumber, isoDate(row.studioDay), row.dueDate ? isoDate(row.dueDate) : null, row.late ? "late" : "", row.sku, row.productTitle, row.colourway, row.viewLabels.join("; "), row.images, row.stylingNotes, row.referenceImageUrl, row.note]);
  }
  return cells.map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

/** The shot lists as RFC 4180 CSV. */
export function shotListCsv(list: ShotLists): string {
  return shotListRowsCsv(sheetRows(list));
}

/**
 * Notes for stored lines (which keep no note column): a colourway split
 * across studio days gets "Part i of n" on each of its lines, in list order.
 */
export function splitPartNotes(lines: readonly { productId: string; colourway: string | null }[]): (string | null)[] {
  const key = (l: { productId: string; colourway: string | null }) => `${l.productId}\u0000${colourwayKey(l.colourway)}`;
  const totals = new Map<string, number>();
  for (const line of lines) totals.set(key(line), (totals.get(key(line)) ?? 0) + 1);
  const seen = new Map<string, number>();
  return lines.map((line) => {
    const total = totals.get(key(line))!;
    if (total === 1) return null;
    const part = (seen.get(key(line)) ?? 0) + 1;
    seen.set(key(line), part);
    return `Part ${part} of ${total}: this colourway is split across studio days.`;
  });
}

/**
 * At most `maxLines` lines, in whole studio days when the first day fits
 * (a day is prepared as one set); `remainingLines` is what waits for the
 * next list.
 */
export function capShotList(list: ShotLists, maxLines: number): { list: ShotLists; remainingLines: number } {
  const all = list.days.reduce((sum, d) => sum + d.lines.length, 0);
  if (all <= maxLines) return { list, remainingLines: 0 };
  const days: ShotListDay[] = [];
  let count = 0;
  for (const day of list.days) {
    if (count + day.lines.length > maxLines) {
      if (days.length === 0) {
        const lines = day.lines.slice(0, maxLines);
        days.push({ date: day.date, images: lines.reduce((sum, l) => sum + l.images, 0), lines });
        count = lines.length;
      }
      break;
    }
    days.push(day);
    count += day.lines.length;
  }
  const lines = days.flatMap((d) => d.lines);
  return { list: { days, totalImages: lines.reduce((sum, l) => sum + l.images, 0), lateLines: lines.filter((l) => l.late).length }, remainingLines: all - count };
}

export const SHOT_LIST_STATUSES = ["draft", "sent", "shooting", "delivered"] as const;
export type ShotListStatus = (typeof SHOT_LIST_STATUSES)[number];

export const SHOT_LIST_STATUS_LABELS: Record<ShotListStatus, string> = { draft: "Draft", sent: "Sent", shooting: "Shooting", delivered: "Delivered" };

/**
 * A shot list moves one step at a time, forward (draft → sent → shooting →
 * delivered) or back; anything else is refused with what to do instead.
 */
export function shotListTransition(from: string, to: string): { ok: true } | { ok: false; error: string } {
  const i = SHOT_LIST_STATUSES.indexOf(from as ShotListStatus);
  const j = SHOT_LIST_STATUSES.indexOf(to as ShotListStatus);
  if (j < 0) return { ok: false, error: `status must be one of ${SHOT_LIST_STATUSES.join(", ")}` };
  if (i < 0) return { ok: false, error: `the shot list has an unknown status "${from}": set it from the shot list's page` };
  if (i === j) return { ok: false, error: `the shot list is already ${SHOT_LIST_STATUS_LABELS[to as ShotListStatus].toLowerCase()}` };
  if (Math.abs(i - j) === 1) return { ok: true };
  const next = SHOT_LIST_STATUSES[i + (j > i ? 1 : -1)];
  return { ok: false, error: `a shot list moves one step at a time: it is ${SHOT_LIST_STATUS_LABELS[from as ShotListStatus].toLowerCase()}, so mark it ${SHOT_LIST_STATUS_LABELS[next].toLowerCase()} first` };
}

/** Text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Only http(s) URLs become image sources; anything else (javascript:, data:) is left out. */
function safeImageUrl(url: string | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}

export interface PrintableShotList {
  number: number;
  statusLabel: string;
  shopName: string;
  imagesPerDay: number;
  rows: readonly (ShotListSheetRow & { deliveredLabels: readonly string[] })[];
}

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** "Monday 7 December 2026" of the UTC day; written out by hand so the page reads the same whatever ICU data Node has. */
export function longDate(date: Date): string {
  return `${WEEKDAYS[date.getUTCDay()]} ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

/**
 * The shot list as one standalone HTML page for the studio: no script, inline
 * CSS, one printed page (or more) per studio day, every text escaped, so the
 * browser's Print → Save as PDF gives a clean document.
 */
export function shotListPrintHtml(list: PrintableShotList): string {
  const days = new Map<number, (typeof list.rows)[number][]>();
  for (const row of list.rows) days.set(row.dayNumber, [...(days.get(row.dayNumber) ?? []), row]);
  const totalImages = list.rows.reduce((sum, r) => sum + r.images, 0);
  const title = `Shot list #${list.number}`;
  const sections = [...days.entries()].map(([dayNumber, rows]) => {
    const images = rows.reduce((sum, r) => sum + r.images, 0);
    const body = rows
      .map((row) => {
        const src = safeImageUrl(row.referenceImageUrl);
        const views = row.viewLabels.map((label) => `<li>${row.deliveredLabels.includes(label) ? "&#9745;" : "&#9744;"} ${escapeHtml(label)}</li>`).join("");
        return `<tr${row.late ? ' class="late"' : ""}>
<td class="thumb">${src ? `<img src="${escapeHtml(src)}" alt="" width="64" height="80" loading="eager">` : ""}</td>
<td><strong>${escapeHtml(row.sku ?? "no SKU")}</strong></td>
<td>${escapeHtml(row.productTitle)}${row.colourway ? `<br><span class="muted">${escapeHtml(row.colourway)}</span>` : ""}${row.note ? `<br><em>${escapeHtml(row.note)}</em>` : ""}</td>
<td><ul>${views}</ul></td>
<td class="num">${row.images}</td>
<td class="notes">${escapeHtml(row.stylingNotes)}</td>
<td>${row.dueDate ? isoDate(row.dueDate) : '<span class="muted">no launch date</span>'}${row.late ? '<br><strong class="flag">LATE</strong>' : ""}</td>
</tr>`;
      })
      .join("\n");
    return `<section class="day">
<h2>Studio day ${dayNumber} · ${escapeHtml(longDate(rows[0].studioDay))}</h2>
<p class="muted">${rows.length} line${rows.length === 1 ? "" : "s"} · ${images} of ${list.imagesPerDay} images</p>
<table>
<thead><tr><th>Reference</th><th>SKU</th><th>Product · colourway</th><th>Views</th><th>Images</th><th>Styling notes</th><th>Due</th></tr></thead>
<tbody>
${body}
</tbody>
</table>
</section>`;
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${title} · ${list.shopName}`)}</title>
<style>
body { font: 13px/1.4 -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1a1a1a; margin: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 24px 0 2px; }
.muted { color: #616161; }
.hint { background: #f1f1f1; padding: 8px 12px; border-radius: 8px; }
table { width: 100%; border-collapse: collapse; margin-top: 8px; }
th, td { border-bottom: 1px solid #ddd; padding: 6px; text-align: left; vertical-align: top; }
th { font-size: 11px; text-transform: uppercase; color: #616161; }
td.num { text-align: right; }
td.notes { max-width: 260px; white-space: pre-wrap; }
td.thumb img { object-fit: cover; border-radius: 4px; background: #f1f1f1; }
ul { list-style: none; margin: 0; padding: 0; }
tr.late td { background: #fff4f4; }
.flag { color: #b42318; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; }
  .hint { display: none; }
  section.day + section.day { break-before: page; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  tr.late td { background: none; }
}
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="muted">${escapeHtml(list.shopName)} · ${escapeHtml(list.statusLabel)} · ${days.size} studio day${days.size === 1 ? "" : "s"} · ${list.rows.length} line${list.rows.length === 1 ? "" : "s"} · ${totalImages} images</p>
<p class="hint">To save as PDF, use your browser's Print (Ctrl+P or ⌘P) and choose "Save as PDF". Each studio day starts on a new page.</p>
${sections.join("\n")}
</body>
</html>
`;
}
