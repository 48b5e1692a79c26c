import { Prisma, type PrismaClient } from "@prisma/client";
import { z } from "zod";
import { recordAuditEvent } from "../audit/audit.server";
import prisma from "../db.server";
import { parseSearchParams } from "../lib/search-params";
import { loadPlans } from "../production/plans.server";
import { ASSET_LABELS, stillNeeded, type AssetKind, type PlanItem } from "../production/production-plan";
import { categoryForProduct, DEFAULT_CATEGORIES, defaultRecipeSpec } from "../recipes/garment-category";
import { topFieldErrorsOf } from "../recipes/recipe-spec";
import type { Tier } from "../routing/tier-rules";
import {
  addDays,
  buildShotLists,
  calendarDateSchema,
  capShotList,
  colourwayKey,
  colourways,
  isoDate,
  SHOT_LIST_STATUS_LABELS,
  SHOT_LIST_STATUSES,
  shotListPrintHtml,
  shotListRowsCsv,
  shotListTransition,
  splitPartNotes,
  utcDay,
  type ShotListLine,
  type ShotLists,
  type ShotListSheetRow,
  type ShotListStatus,
} from "./shot-list";
import { signedLinkQuery, verifySignedLink } from "./signed-link.server";
import { loadStudioSettings } from "./studio-settings.server";

/**
 * Shot lists (issue #8): from the products whose tier plan still needs studio
 * assets to numbered lists the studio works from, with their status from draft
 * to delivered. A preview costs a fixed handful of queries whatever the
 * catalog's size (no query per product); creating one takes a per-shop lock so
 * two people pressing Create at once never put a colourway on two lists.
 */

type Db = PrismaClient;
type Tx = Prisma.TransactionClient;

export const SHOT_LISTS_PER_PAGE = 25;
/** One list is one studio run: more lines than this wait for the next list (whole studio days are kept together). */
export const MAX_SHOT_LIST_LINES = 2000;
/** Studio days shown per page of a shot list (a busy day has a hundred lines). */
export const SHOT_LIST_DAYS_PER_PAGE = 5;
/** Late lines a preview lists by name; the rest are counted. */
const PREVIEW_LATE_SHOWN = 50;
/** pg_advisory_xact_lock's first key: shot list creation, so the lock never collides with another feature's. */
const CREATE_LOCK_NAMESPACE = 8_008;

export type FieldErrors = Record<string, string>;

const isoDateText = calendarDateSchema({ format: "write the date as YYYY-MM-DD, e.g. 2027-01-11" });

const productIdList = z.array(z.string().startsWith("gid://shopify/Product/", "each product id must be a Product GID")).max(20_000, "choose at most 20,000 products");

/** What a preview or a new list covers: from which day, and optionally only some products. Forms send text; services may pass values. */
export const shotListInputSchema = z.object({
  startDate: z.preprocess((value) => (value instanceof Date ? isoDate(value) : value === "" ? undefined : value), isoDateText.optional()),
  // Forms send the list as JSON text; services pass the array.
  productIds: z.preprocess((value, ctx) => {
    if (typeof value !== "string") return value;
    if (value.trim() === "") return undefined;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "productIds must be a JSON list of product ids" });
      return z.NEVER;
    }
  }, productIdList.optional()),
});
export type ShotListInput = z.input<typeof shotListInputSchema>;

const today = () => utcDay(new Date());

function checkStartDate(start: Date): string | null {
  if (start.getTime() < today().getTime()) return `the start date ${isoDate(start)} is in the past: choose today or a later day`;
  if (start.getTime() > addDays(today(), 730).getTime()) return "the start date is more than two years away: choose a nearer day";
  return null;
}

interface Computed {
  list: ShotLists;
  startDate: Date;
  suggestedStartDate: Date;
  imagesPerDay: number;
  leadDays: number;
  /** Colourways left out because an open (not delivered) list already has them. */
  skippedColourways: number;
  /** Why the schedule is empty, in words, when it is. */
  emptyReason: string | null;
}

/** Each category's current recipe's styling notes, in one query. */
async function stylingNotesByCategory(db: Db | Tx, shopId: string): Promise<Map<string, string>> {
  const rows = await db.$queryRaw<{ categoryKey: string; notes: string | null }[]>`
    SELECT r."categoryKey", v.spec->>'stylingNotes' AS notes
    FROM "Recipe" r JOIN "RecipeVersion" v ON v."recipeId" = r.id AND v.version = r."currentVersion"
    WHERE r."shopId" = ${shopId}`;
  return new Map(rows.map((r) => [r.categoryKey, r.notes ?? ""]));
}

interface StudioProductRow {
  id: string;
  title: string;
  handle: string;
  tier: number;
  launchDate: Date | null;
  priority: number | null;
  featuredImageUrl: string | null;
  producedAssets: string[];
  productType: string;
  tags: string[];
  /** [sku, options] per variant, in variant order. */
  variants: [string | null, Record<string, string> | null][];
}

/**
 * Products (not archived) in a studio tier whose plan still lacks one of
 * the tier's studio kinds, with their tags and variants, in one query:
 * Prisma's relation loading would add a query per relation and build every
 * variant row as an object, which is most of the time at 10,000 products.
 */
async function studioProducts(db: Db | Tx, shopId: string, tiers: readonly { tier: Tier; kinds: AssetKind[] }[], productIds?: readonly string[]): Promise<StudioProductRow[]> {
  const needsStudio = Prisma.join(
    tiers.map(({ tier, kinds }) => Prisma.sql`(p.tier = ${tier} AND NOT (p."producedAssets" @> ARRAY[${Prisma.join(kinds)}]::text[]))`),
    " OR ",
  );
  const chosen = productIds ? (productIds.length === 0 ? Prisma.sql`AND false` : Prisma.sql`AND p.id IN (${Prisma.join(productIds)})`) : Prisma.empty;
  return db.$queryRaw<StudioProductRow[]>`
    SELECT p.id, p.title, p.handle, p.tier, p."launchDate", p.priority, p."featuredImageUrl", p."producedAssets", p."productType",
      coalesce((SELECT array_agg(t.tag) FROM "ProductTag" t WHERE t."productId" = p.id), '{}') AS tags,
      coalesce((SELECT json_agg(json_build_array(v.sku, v.options) ORDER BY v.position) FROM "ProductVariant" v WHERE v."productId" = p.id), '[]') AS variants
    FROM "Product" p
    WHERE p."shopId" = ${shopId} AND p.status <> 'ARCHIVED' AND (${needsStudio}) ${chosen}`;
}

/** The first studio day a new list should take: tomorrow, or the day after the last open list's last day. */
async function suggestedStart(db: Db | Tx, shopId: string): Promise<Date> {
  const open = await db.shotList.aggregate({ where: { shopId, status: { not: "delivered" } }, _max: { lastDay: true } });
  const tomorrow = addDays(today(), 1);
  const afterOpen = open._max.lastDay ? addDays(open._max.lastDay, 1) : null;
  return afterOpen && afterOpen > tomorrow ? afterOpen : tomorrow;
}

/**
 * The schedule for the shop's studio work: products (not archived) whose
 * tier plan still lacks studio assets, minus colourways on open lists, with
 * the styling notes of their garment category's current recipe (categories
 * resolved like resolveRecipeForProduct, in memory: by type or tag, else the
 * first category; the defaults while the shop has none). Reads only.
 */
async function computeShotList(db: Db | Tx, shopId: string, plans: Record<Tier, PlanItem[]>, input: { startDate?: Date; productIds?: readonly string[] }): Promise<Computed> {
  const studioTiers = ([1, 2, 3] as const).filter((tier) => plans[tier].some((i) => i.source === "studio"));
  const studioKinds = (tier: Tier) => plans[tier].filter((i) => i.source === "studio").map((i) => i.asset);
  // One after another: inside createShotList's transaction they share one connection anyway.
  const settings = await loadStudioSettings(db, shopId);
  const suggestedStartDate = await suggestedStart(db, shopId);
  const products = studioTiers.length === 0 ? [] : await studioProducts(db, shopId, studioTiers.map((tier) => ({ tier, kinds: studioKinds(tier) })), input.productIds);
  const openLines = await db.shotListLine.findMany({ where: { shopId, shotList: { status: { not: "delivered" } } }, select: { productId: true, colourway: true } });
  // As recipes.server's loadCategories (not imported: the product list loads this module).
  const savedCategories = await db.garmentCategory.findMany({ where: { shopId }, orderBy: [{ position: "asc" }, { key: "asc" }], select: { key: true, productTypes: true, tags: true } });
  const notes = await stylingNotesByCategory(db, shopId);
  const startDate = input.startDate ?? suggestedStartDate;
  const categories = savedCategories.length > 0 ? savedCategories : DEFAULT_CATEGORIES;
  if (savedCategories.length === 0) for (const c of DEFAULT_CATEGORIES) notes.set(c.key, defaultRecipeSpec(c.key, { demo: false }).stylingNotes);
  const notesOf = (key: string) => notes.get(key) ?? "";

  const listed = new Map<string, (string | null)[]>();
  for (const line of openLines) listed.set(line.productId, [...(listed.get(line.productId) ?? []), line.colourway]);

  let skippedColourways = 0;
  const requests = products.map((p) => {
    const variants = p.variants.map(([sku, options]) => ({ sku, options: options ?? {} }));
    const skip = listed.get(p.id) ?? [];
    if (skip.length > 0) {
      const keys = new Set(skip.map(colourwayKey));
      skippedColourways += colourways(variants).filter((c) => keys.has(colourwayKey(c.colourway))).length;
    }
    const categoryKey = categoryForProduct(categories, { productType: p.productType, tags: p.tags }) ?? categories[0].key;
    return {
      product: { id: p.id, title: p.title, handle: p.handle, tier: p.tier as Tier, launchDate: p.launchDate, priority: p.priority, featuredImageUrl: p.featuredImageUrl, variants },
      stillNeeded: stillNeeded(plans[p.tier as Tier], p.producedAssets),
      stylingNotes: notesOf(categoryKey),
      imagesPerView: settings.imagesPerView,
      skipColourways: skip,
    };
  });
  const list = buildShotLists({ lines: requests, settings: { imagesPerDay: settings.imagesPerDay, workdays: settings.workdays, leadDays: settings.leadDays, startDate } });
  const emptyReason =
    list.days.length > 0
      ? null
      : studioTiers.length === 0
        ? "No production plan asks the studio for anything: give a tier studio assets in Production plans first."
        : skippedColourways > 0
          ? `Nothing left to shoot: the ${skippedColourways} colourway${skippedColourways === 1 ? "" : "s"} that still need studio assets ${skippedColourways === 1 ? "is" : "are"} already on an open shot list.`
          : input.productIds
            ? "None of the chosen products still needs studio assets."
            : "No product still needs studio assets: every product in a studio tier has what its plan asks for.";
  return { list, startDate: utcDay(startDate), suggestedStartDate, imagesPerDay: settings.imagesPerDay, leadDays: settings.leadDays, skippedColourways, emptyReason };
}

/** The schedule, or the setting that makes one impossible (as a form error with its fix). */
async function computeOrError(db: Db | Tx, shopId: string, plans: Record<Tier, PlanItem[]>, input: { startDate?: Date; productIds?: readonly string[] }): Promise<{ ok: true; computed: Computed } | { ok: false; errors: FieldErrors }> {
  try {
    return { ok: true, computed: await computeShotList(db, shopId, plans, input) };
  } catch (error) {
    // buildShotLists refuses impossible studio settings with the setting and its fix.
    if (error instanceof RangeError) return { ok: false, errors: { form: error.message } };
    throw error;
  }
}

export interface PreviewLine {
  productId: string;
  sku: string | null;
  productTitle: string;
  colourway: string | null;
  viewLabels: string[];
  images: number;
  /** YYYY-MM-DD */
  studioDay: string;
  dueDate: string | null;
}

export interface ShotListPreview {
  startDate: string;
  suggestedStartDate: string;
  imagesPerDay: number;
  leadDays: number;
  products: number;
  lines: number;
  totalImages: number;
  lateLines: number;
  skippedColourways: number;
  days: { date: string; images: number; lines: number; late: number }[];
  /** The first late lines, most urgent first. */
  late: PreviewLine[];
  maxLines: number;
  /** What Create would put on the list now (at most maxLines, in whole days) and what would wait. */
  createLines: number;
  createDays: number;
  remainingLines: number;
  nextNumber: number;
  emptyReason: string | null;
}

function previewLine(line: ShotListLine): PreviewLine {
  return { productId: line.productId, sku: line.sku, productTitle: line.productTitle, colourway: line.colourway, viewLabels: line.viewLabels, images: line.images, studioDay: isoDate(line.dueDate), dueDate: line.latestOnTimeDate ? isoDate(line.latestOnTimeDate) : null };
}

export type PreviewResult = { ok: true; preview: ShotListPreview } | { ok: false; errors: FieldErrors };

/** What a new shot list from this day would hold: its studio days against capacity, late lines, totals. Writes nothing. */
export async function previewShotList(db: Db, shopId: string, input: ShotListInput = {}): Promise<PreviewResult> {
  const parsed = shotListInputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: topFieldErrorsOf(parsed.error) };
  const startProblem = parsed.data.startDate ? checkStartDate(parsed.data.startDate) : null;
  if (startProblem) return { ok: false, errors: { startDate: startProblem } };
  const plans = await loadPlans(db, shopId);
  const [result, last] = await Promise.all([computeOrError(db, shopId, plans, parsed.data), db.shotList.aggregate({ where: { shopId }, _max: { number: true } })]);
  if (!result.ok) return result;
  const { list, ...computed } = result.computed;
  const capped = capShotList(list, MAX_SHOT_LIST_LINES);
  const lines = list.days.flatMap((d) => d.lines);
  return {
    ok: true,
    preview: {
      startDate: isoDate(computed.startDate),
      suggestedStartDate: isoDate(computed.suggestedStartDate),
      imagesPerDay: computed.imagesPerDay,
      leadDays: computed.leadDays,
      products: new Set(lines.map((l) => l.productId)).size,
      lines: lines.length,
      totalImages: list.totalImages,
      lateLines: list.lateLines,
      skippedColourways: computed.skippedColourways,
      days: list.days.map((d) => ({ date: isoDate(d.date), images: d.images, lines: d.lines.length, late: d.lines.filter((l) => l.late).length })),
      late: lines.filter((l) => l.late).slice(0, PREVIEW_LATE_SHOWN).map(previewLine),
      maxLines: MAX_SHOT_LIST_LINES,
      createLines: lines.length - capped.remainingLines,
      createDays: capped.list.days.length,
      remainingLines: capped.remainingLines,
      nextNumber: (last._max.number ?? 0) + 1,
      emptyReason: computed.emptyReason,
    },
  };
}

export type CreateResult =
  | { ok: true; id: string; number: number; lines: number; days: number; images: number; lateLines: number; remainingLines: number; message: string }
  | { ok: false; errors: FieldErrors };

const isUniqueClash = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";

/**
 * Creates the next numbered shot list (a draft) from the schedule as it is
 * now, at most MAX_SHOT_LIST_LINES lines in whole studio days, with an audit
 * event. Under the shop's lock the schedule is recomputed, so what an earlier
 * list took is left out; the unique (shop, number) key backs the numbering up
 * and a clash is retried.
 */
export async function createShotList(db: Db, shopId: string, input: ShotListInput, actor: string): Promise<CreateResult> {
  const parsed = shotListInputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: topFieldErrorsOf(parsed.error) };
  const startProblem = parsed.data.startDate ? checkStartDate(parsed.data.startDate) : null;
  if (startProblem) return { ok: false, errors: { startDate: startProblem } };
  const plans = await loadPlans(db, shopId);
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(
        async (tx): Promise<CreateResult> => {
          await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CREATE_LOCK_NAMESPACE}::int, hashtext(${shopId}))`;
          const result = await computeOrError(tx, shopId, plans, parsed.data);
          if (!result.ok) return result;
          const { computed } = result;
          if (computed.emptyReason) return { ok: false, errors: { form: computed.emptyReason } };
          const { list, remainingLines } = capShotList(computed.list, MAX_SHOT_LIST_LINES);
          const last = await tx.shotList.aggregate({ where: { shopId }, _max: { number: true } });
          const number = (last._max.number ?? 0) + 1;
          const created = await tx.shotList.create({
            data: { shopId, number, status: "draft", firstDay: list.days[0].date, lastDay: list.days[list.days.length - 1].date, images: list.totalImages, createdBy: actor },
          });
          const lines = list.days.flatMap((d) => d.lines);
          await tx.shotListLine.createMany({
            data: lines.map((line, position) => ({
              shotListId: created.id,
              shopId,
              productId: line.productId,
              position,
              // The schedule's dueDate is the studio day; the stored dueDate is the day the launch needs it by.
              studioDay: line.dueDate,
              dueDate: line.latestOnTimeDate,
              late: line.late,
              sku: line.sku,
              productTitle: line.productTitle,
              colourway: line.colourway,
              views: line.views,
              images: line.images,
              stylingNotes: line.stylingNotes,
              referenceUrl: line.referenceImageUrl,
            })),
          });
          await recordAuditEvent(tx, {
            shopId,
            actor,
            action: "studio.shot-list.created",
            subjectType: "ShotList",
            subjectId: created.id,
            data: { number, lines: lines.length, days: list.days.length, images: list.totalImages, lateLines: list.lateLines, firstDay: isoDate(list.days[0].date), remainingLines, productIds: parsed.data.productIds ?? null },
          });
          const waiting = remainingLines > 0 ? ` ${remainingLines.toLocaleString("en")} more line${remainingLines === 1 ? "" : "s"} did not fit (a list holds at most ${MAX_SHOT_LIST_LINES.toLocaleString("en")}): create another shot list for them.` : "";
          return {
            ok: true,
            id: created.id,
            number,
            lines: lines.length,
            days: list.days.length,
            images: list.totalImages,
            lateLines: list.lateLines,
            remainingLines,
            message: `Shot list #${number} created: ${lines.length.toLocaleString("en")} line${lines.length === 1 ? "" : "s"} over ${list.days.length} studio day${list.days.length === 1 ? "" : "s"}.${waiting}`,
          };
        },
        { maxWait: 30_000, timeout: 120_000 },
      );
    } catch (error) {
      if (isUniqueClash(error) && attempt < 3) continue;
      throw error;
    }
  }
}

export type StatusResult = { ok: true; status: ShotListStatus; message: string } | { ok: false; notFound?: true; error: string };

/** Moves a list one step (draft → sent → shooting → delivered, or back), with sentAt/deliveredAt and an audit event. */
export async function setShotListStatus(db: Db, shopId: string, id: string, status: string, actor: string): Promise<StatusResult> {
  const list = await db.shotList.findFirst({ where: { id, shopId }, select: { id: true, number: true, status: true } });
  if (!list) return { ok: false, notFound: true, error: "This shot list does not exist (it may have been deleted): go back to the shot lists." };
  const check = shotListTransition(list.status, status);
  if (!check.ok) return { ok: false, error: `Shot list #${list.number}: ${check.error}.` };
  const to = status as ShotListStatus;
  const now = new Date();
  const data: Prisma.ShotListUpdateManyMutationInput = { status: to };
  if (to === "sent" && list.status === "draft") data.sentAt = now;
  if (to === "draft") data.sentAt = null;
  if (to === "delivered") data.deliveredAt = now;
  if (list.status === "delivered") data.deliveredAt = null;
  return db.$transaction(async (tx): Promise<StatusResult> => {
    // Only from the status we checked: a concurrent change makes this match nothing.
    const updated = await tx.shotList.updateMany({ where: { id, shopId, status: list.status }, data });
    if (updated.count === 0) return { ok: false, error: `Shot list #${list.number} was changed by someone else meanwhile: reload the page and try again.` };
    await recordAuditEvent(tx, { shopId, actor, action: "studio.shot-list.status", subjectType: "ShotList", subjectId: id, data: { number: list.number, from: list.status, to } });
    return { ok: true, status: to, message: `Shot list #${list.number} is now ${SHOT_LIST_STATUS_LABELS[to].toLowerCase()}.` };
  });
}

export type DeleteResult = { ok: true; message: string } | { ok: false; notFound?: true; error: string };

/** Deletes a draft and its lines (its colourways become schedulable again); a list that went out is kept. */
export async function deleteShotList(db: Db, shopId: string, id: string, actor: string): Promise<DeleteResult> {
  const list = await db.shotList.findFirst({ where: { id, shopId }, select: { number: true, status: true } });
  if (!list) return { ok: false, notFound: true, error: "This shot list does not exist (it may have been deleted already)." };
  if (list.status !== "draft") return { ok: false, error: `Shot list #${list.number} is ${SHOT_LIST_STATUS_LABELS[list.status as ShotListStatus]?.toLowerCase() ?? list.status}: only a draft can be deleted. Move it back to draft first if the studio will not shoot it.` };
  return db.$transaction(async (tx): Promise<DeleteResult> => {
    const deleted = await tx.shotList.deleteMany({ where: { id, shopId, status: "draft" } });
    if (deleted.count === 0) return { ok: false, error: `Shot list #${list.number} was changed by someone else meanwhile: reload the page.` };
    await recordAuditEvent(tx, { shopId, actor, action: "studio.shot-list.deleted", subjectType: "ShotList", subjectId: id, data: { number: list.number } });
    return { ok: true, message: `Shot list #${list.number} deleted.` };
  });
}

export interface ShotListSummary {
  id: string;
  number: number;
  status: ShotListStatus;
  firstDay: string | null;
  lastDay: string | null;
  images: number;
  lines: number;
  views: number;
  deliveredViews: number;
  lateLines: number;
  createdBy: string;
  createdAt: string;
}

interface LineTotals {
  shotListId: string;
  lines: number;
  views: number;
  delivered: number;
  late: number;
}

/** Lines, views, delivered views (only those the line asked for) and late lines per list, in one query. */
async function lineTotals(db: Db, shopId: string, ids: readonly string[]): Promise<Map<string, LineTotals>> {
  if (ids.length === 0) return new Map();
  const rows = await db.$queryRaw<LineTotals[]>`
    SELECT "shotListId",
      count(*)::int AS lines,
      coalesce(sum(cardinality(views)), 0)::int AS views,
      coalesce(sum(cardinality(ARRAY(SELECT unnest(views) INTERSECT SELECT unnest("deliveredViews")))), 0)::int AS delivered,
      (count(*) FILTER (WHERE late))::int AS late
    FROM "ShotListLine"
    WHERE "shopId" = ${shopId} AND "shotListId" IN (${Prisma.join(ids)})
    GROUP BY "shotListId"`;
  return new Map(rows.map((r) => [r.shotListId, r]));
}

const dayText = (date: Date | null) => (date ? isoDate(date) : null);

function summaryOf(row: { id: string; number: number; status: string; firstDay: Date | null; lastDay: Date | null; images: number; createdBy: string; createdAt: Date }, totals?: LineTotals): ShotListSummary {
  return {
    id: row.id,
    number: row.number,
    status: row.status as ShotListStatus,
    firstDay: dayText(row.firstDay),
    lastDay: dayText(row.lastDay),
    images: row.images,
    lines: totals?.lines ?? 0,
    views: totals?.views ?? 0,
    deliveredViews: totals?.delivered ?? 0,
    lateLines: totals?.late ?? 0,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

export const SHOT_LIST_FILTERS = ["all", ...SHOT_LIST_STATUSES] as const;
export type ShotListFilter = (typeof SHOT_LIST_FILTERS)[number];

export interface ShotListPage {
  lists: ShotListSummary[];
  total: number;
  page: number;
  pageCount: number;
  /** Lists per status, shop-wide. */
  counts: Record<ShotListStatus, number>;
}

/** A page of the shop's lists, newest first, with counts per status and each list's delivery progress (four queries). */
export async function listShotLists(db: Db, shopId: string, options: { page?: number; status?: ShotListFilter } = {}): Promise<ShotListPage> {
  const where = { shopId, ...(options.status && options.status !== "all" ? { status: options.status } : {}) };
  const [groups, total] = await Promise.all([db.shotList.groupBy({ by: ["status"], where: { shopId }, _count: { _all: true } }), db.shotList.count({ where })]);
  const pageCount = Math.max(1, Math.ceil(total / SHOT_LISTS_PER_PAGE));
  const page = Math.min(Math.max(1, options.page ?? 1), pageCount);
  const rows = await db.shotList.findMany({ where, orderBy: { number: "desc" }, skip: (page - 1) * SHOT_LISTS_PER_PAGE, take: SHOT_LISTS_PER_PAGE });
  const totals = await lineTotals(
    db,
    shopId,
    rows.map((r) => r.id),
  );
  const counts = Object.fromEntries(SHOT_LIST_STATUSES.map((s) => [s, 0])) as Record<ShotListStatus, number>;
  for (const g of groups) if (g.status in counts) counts[g.status as ShotListStatus] = g._count._all;
  return { lists: rows.map((r) => summaryOf(r, totals.get(r.id))), total, page, pageCount, counts };
}

export interface ShotListDetailLine {
  id: string;
  productId: string;
  position: number;
  sku: string | null;
  productTitle: string;
  colourway: string | null;
  views: AssetKind[];
  viewLabels: string[];
  deliveredViews: AssetKind[];
  images: number;
  stylingNotes: string;
  referenceUrl: string | null;
  /** YYYY-MM-DD */
  studioDay: string;
  dueDate: string | null;
  late: boolean;
  note: string | null;
}

export interface ShotListDetailDay {
  dayNumber: number;
  date: string;
  images: number;
  lines: number;
  late: number;
}

export interface ShotListDetail extends ShotListSummary {
  sentAt: string | null;
  deliveredAt: string | null;
  days: ShotListDetailDay[];
  dayPage: number;
  dayPageCount: number;
  /** The lines of this page's days, in list order. */
  pageDays: (ShotListDetailDay & { items: ShotListDetailLine[] })[];
}

const viewLabel = (view: string) => ASSET_LABELS[view as AssetKind] ?? view;

/** A list with every line (two queries), or null when the shop has no such list. */
async function loadListWithLines(db: Db, shopId: string, id: string) {
  const list = await db.shotList.findFirst({ where: { id, shopId } });
  if (!list) return null;
  const rows = await db.shotListLine.findMany({ where: { shotListId: id, shopId }, orderBy: { position: "asc" } });
  const notes = splitPartNotes(rows);
  const lines: ShotListDetailLine[] = rows.map((r, i) => {
    return {
      id: r.id,
      productId: r.productId,
      position: r.position,
      sku: r.sku,
      productTitle: r.productTitle,
      colourway: r.colourway,
      views: r.views as AssetKind[],
      viewLabels: r.views.map(viewLabel),
      deliveredViews: r.deliveredViews.filter((v) => r.views.includes(v)) as AssetKind[],
      images: r.images,
      stylingNotes: r.stylingNotes,
      referenceUrl: r.referenceUrl,
      studioDay: isoDate(r.studioDay),
      dueDate: dayText(r.dueDate),
      late: r.late,
      note: notes[i],
    };
  });
  const days: (ShotListDetailDay & { items: ShotListDetailLine[] })[] = [];
  for (const line of lines) {
    let day = days[days.length - 1];
    if (!day || day.date !== line.studioDay) {
      day = { dayNumber: days.length + 1, date: line.studioDay, images: 0, lines: 0, late: 0, items: [] };
      days.push(day);
    }
    day.items.push(line);
    day.images += line.images;
    day.lines += 1;
    if (line.late) day.late += 1;
  }
  return { list, lines, days };
}

/** One list for its page: every studio day's totals and the lines of one page of days. */
export async function shotListDetail(db: Db, shopId: string, id: string, options: { dayPage?: number } = {}): Promise<ShotListDetail | null> {
  const loaded = await loadListWithLines(db, shopId, id);
  if (!loaded) return null;
  const { list, lines, days } = loaded;
  const dayPageCount = Math.max(1, Math.ceil(days.length / SHOT_LIST_DAYS_PER_PAGE));
  const dayPage = Math.min(Math.max(1, options.dayPage ?? 1), dayPageCount);
  const totals: LineTotals = {
    shotListId: list.id,
    lines: lines.length,
    views: lines.reduce((sum, l) => sum + l.views.length, 0),
    delivered: lines.reduce((sum, l) => sum + l.deliveredViews.length, 0),
    late: lines.filter((l) => l.late).length,
  };
  return {
    ...summaryOf(list, totals),
    sentAt: list.sentAt?.toISOString() ?? null,
    deliveredAt: list.deliveredAt?.toISOString() ?? null,
    days: days.map(({ items: _items, ...day }) => day),
    dayPage,
    dayPageCount,
    pageDays: days.slice((dayPage - 1) * SHOT_LIST_DAYS_PER_PAGE, dayPage * SHOT_LIST_DAYS_PER_PAGE),
  };
}

function sheetRowsOf(lines: readonly ShotListDetailLine[]): (ShotListSheetRow & { deliveredLabels: string[] })[] {
  const dayNumbers = new Map<string, number>();
  return lines.map((line) => {
    if (!dayNumbers.has(line.studioDay)) dayNumbers.set(line.studioDay, dayNumbers.size + 1);
    return {
      dayNumber: dayNumbers.get(line.studioDay)!,
      studioDay: new Date(`${line.studioDay}T00:00:00Z`),
      dueDate: line.dueDate ? new Date(`${line.dueDate}T00:00:00Z`) : null,
      late: line.late,
      sku: line.sku,
      productTitle: line.productTitle,
      colourway: line.colourway,
      viewLabels: line.viewLabels,
      images: line.images,
      stylingNotes: line.stylingNotes,
      referenceImageUrl: line.referenceUrl,
      note: line.note,
      deliveredLabels: line.deliveredViews.map(viewLabel),
    };
  });
}

/** The list as a CSV download: UTF-8 with a byte-order mark (so Excel reads accents right), or null when the shop has no such list. */
export async function shotListCsvFile(db: Db, shopId: string, id: string): Promise<{ fileName: string; body: string } | null> {
  const loaded = await loadListWithLines(db, shopId, id);
  if (!loaded) return null;
  return { fileName: `shot-list-${loaded.list.number}.csv`, body: `\uFEFF${shotListRowsCsv(sheetRowsOf(loaded.lines))}` };
}

/** The list as a standalone printable HTML page, or null when the shop has no such list. */
export async function shotListPrintPage(db: Db, shopId: string, id: string): Promise<string | null> {
  const [loaded, shop, settings] = await Promise.all([loadListWithLines(db, shopId, id), db.shop.findUnique({ where: { id: shopId }, select: { name: true } }), loadStudioSettings(db, shopId)]);
  if (!loaded) return null;
  return shotListPrintHtml({
    number: loaded.list.number,
    statusLabel: SHOT_LIST_STATUS_LABELS[loaded.list.status as ShotListStatus] ?? loaded.list.status,
    shopName: shop?.name ?? shopId,
    imagesPerDay: settings.imagesPerDay,
    rows: sheetRowsOf(loaded.lines),
  });
}

export interface LatestShotList {
  id: string;
  number: number;
  status: ShotListStatus;
}

/** Each product's newest shot list (by number), for a page of the product list: one query. */
export async function latestShotLists(db: Db, shopId: string, productIds: readonly string[]): Promise<Map<string, LatestShotList>> {
  if (productIds.length === 0) return new Map();
  const rows = await db.$queryRaw<({ productId: string } & LatestShotList)[]>`
    SELECT DISTINCT ON (l."productId") l."productId", s.id, s.number, s.status
    FROM "ShotListLine" l JOIN "ShotList" s ON s.id = l."shotListId"
    WHERE l."shopId" = ${shopId} AND l."productId" IN (${Prisma.join(productIds)})
    ORDER BY l."productId", s.number DESC`;
  return new Map(rows.map((r) => [r.productId, { id: r.id, number: r.number, status: r.status }]));
}

/** The products whose newest shot list has this status (the product list's filter): one query. */
export async function productIdsByShotListStatus(db: Db, shopId: string, status: ShotListStatus | "any"): Promise<string[]> {
  const rows = await db.$queryRaw<{ productId: string }[]>`
    SELECT "productId" FROM (
      SELECT DISTINCT ON (l."productId") l."productId", s.status
      FROM "ShotListLine" l JOIN "ShotList" s ON s.id = l."shotListId"
      WHERE l."shopId" = ${shopId}
      ORDER BY l."productId", s.number DESC
    ) latest
    ${status === "any" ? Prisma.empty : Prisma.sql`WHERE latest.status = ${status}`}`;
  return rows.map((r) => r.productId);
}

// ---- The pages (thin routes call these) ----

const listPageQuery = z.object({
  status: z.enum(SHOT_LIST_FILTERS).catch("all"),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});
export type ShotListsPageQuery = z.infer<typeof listPageQuery>;

export interface ShotListsPageData {
  query: ShotListsPageQuery;
  lists: ShotListPage;
  suggestedStartDate: string;
  imagesPerDay: number;
  leadDays: number;
}

export async function loadShotListsPage(shopId: string, params: URLSearchParams): Promise<ShotListsPageData> {
  const query = parseSearchParams(listPageQuery, params).value;
  const [lists, start, settings] = await Promise.all([listShotLists(prisma, shopId, query), suggestedStart(prisma, shopId), loadStudioSettings(prisma, shopId)]);
  return { query, lists, suggestedStartDate: isoDate(start), imagesPerDay: settings.imagesPerDay, leadDays: settings.leadDays };
}

const listsActionSchema = z.object({ intent: z.enum(["preview", "create"], { error: "intent must be preview or create" }) });

export type ShotListsActionResult = ({ intent: "preview" } & PreviewResult) | ({ intent: "create" } & CreateResult) | { intent: "unknown"; ok: false; errors: FieldErrors };

/** The list page's form: preview or create from a start date (and optionally chosen products). */
export async function runShotListsAction(shopId: string, form: Record<string, unknown>, actor: string): Promise<ShotListsActionResult> {
  const parsed = listsActionSchema.safeParse(form);
  if (!parsed.success) return { intent: "unknown", ok: false, errors: { intent: parsed.error.issues[0].message } };
  const input = { startDate: form.startDate, productIds: form.productIds } as ShotListInput;
  if (parsed.data.intent === "preview") return { intent: "preview", ...(await previewShotList(prisma, shopId, input)) };
  return { intent: "create", ...(await createShotList(prisma, shopId, input, actor)) };
}

/** How long the CSV and print links minted by the page stay valid. */
export const SHOT_LIST_LINK_SECONDS = 3600;

export interface ShotListPageData {
  list: ShotListDetail;
  csvUrl: string;
  printUrl: string;
}

/** The detail page, with signed links for the CSV and the printable view (they open in a new tab without the session token); 404 for another shop's list. */
export async function loadShotListPage(shopId: string, id: string, params: URLSearchParams): Promise<ShotListPageData> {
  const dayPage = z.coerce.number().int().min(1).max(10_000).catch(1).parse(params.get("days") ?? 1);
  const list = await shotListDetail(prisma, shopId, id, { dayPage });
  if (!list) throw new Response("This shot list does not exist (it may have been deleted): go back to the shot lists.", { status: 404 });
  const sign = (kind: "csv" | "print") => `/studio/shot-lists/${encodeURIComponent(id)}/${kind}?${signedLinkQuery(shotListLinkSubject(kind, id), shopId, { expiresInSeconds: SHOT_LIST_LINK_SECONDS })}`;
  return { list, csvUrl: sign("csv"), printUrl: sign("print") };
}

/** What a CSV or print link signs: the kind and the list, so neither can be reused for the other or another list. */
export function shotListLinkSubject(kind: "csv" | "print", id: string): string {
  return `shot-list-${kind}:${id}`;
}

const listActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("status"), status: z.enum(SHOT_LIST_STATUSES, { error: `status must be one of ${SHOT_LIST_STATUSES.join(", ")}` }) }),
  z.object({ intent: z.literal("delete") }),
], { error: "intent must be status or delete" });

export type ShotListActionResult = { ok: true; message: string; deleted?: true } | { ok: false; error: string };

/** The detail page's actions: move the status a step, or delete a draft. */
export async function runShotListAction(shopId: string, id: string, form: Record<string, unknown>, actor: string): Promise<ShotListActionResult> {
  const parsed = listActionSchema.safeParse(form);
  if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join(".") || "form"}: ${i.message}`).join("; ") };
  if (parsed.data.intent === "delete") {
    const result = await deleteShotList(prisma, shopId, id, actor);
    return result.ok ? { ok: true, message: result.message, deleted: true } : { ok: false, error: result.error };
  }
  const result = await setShotListStatus(prisma, shopId, id, parsed.data.status, actor);
  return result.ok ? { ok: true, message: result.message } : { ok: false, error: result.error };
}

const textResponse = (status: number, text: string) => new Response(text, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" } });

/**
 * Serves a signed CSV or print link: 403 for a missing, tampered or expired
 * signature (saying how to get a fresh link), 404 when the shop it was
 * minted for has no such list. The links carry a signature in their address,
 * so the responses send no Referer onwards and are never cached.
 */
export async function serveShotListLink(kind: "csv" | "print", id: string, params: URLSearchParams, options: { now?: number } = {}): Promise<Response> {
  const check = verifySignedLink(shotListLinkSubject(kind, id), params, options);
  if (!check.ok) {
    return textResponse(
      403,
      check.reason === "expired"
        ? "This link has expired: open the shot list in Shotlane again and use Download CSV or Printable view for a fresh link."
        : "This link is not valid: open the shot list in Shotlane and use Download CSV or Printable view.",
    );
  }
  const common = { "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer" };
  if (kind === "csv") {
    const file = await shotListCsvFile(prisma, check.shop, id);
    if (!file) return textResponse(404, "This shot list does not exist for this shop (it may have been deleted).");
    return new Response(file.body, { headers: { ...common, "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${file.fileName}"` } });
  }
  const html = await shotListPrintPage(prisma, check.shop, id);
  if (!html) return textResponse(404, "This shot list does not exist for this shop (it may have been deleted).");
  return new Response(html, {
    headers: {
      ...common,
      "Content-Type": "text/html; charset=utf-8",
      // No script at all; images only from http(s) (the product images' CDN, or the emulator in the demo) and the empty data: favicon, which keeps the browser from asking for /favicon.ico.
      "Content-Security-Policy": "default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    },
  });
}
