import type { Prisma, PrismaClient } from "@prisma/client";
import { recordAuditEvent } from "../audit/audit.server";
import { env } from "../config/env";
import { ensureShop } from "../catalog/catalog-sync.server";
import { topFieldErrorsOf, type FieldErrors } from "../recipes/recipe-spec";
import type { StudioCatalogProduct } from "./file-matching";
import { parseWatchLocation, watchLocationProblem } from "./studio-watch";
import { DEFAULT_STUDIO_SETTINGS, STUDIO_NAMING_SAMPLE, studioSettingsSchema, type StudioSettings } from "./studio-settings";

type Db = PrismaClient | Prisma.TransactionClient;

const SELECT = { imagesPerDay: true, workdays: true, leadDays: true, imagesPerView: true, namingTemplate: true, watchPrefix: true } as const;

/** A shop's studio settings; the defaults while it has saved none (reading writes no row). */
export async function loadStudioSettings(db: Db, shopId: string): Promise<StudioSettings> {
  const row = await db.studioSettings.findUnique({ where: { shopId }, select: SELECT });
  if (!row) return { ...DEFAULT_STUDIO_SETTINGS, workdays: [...DEFAULT_STUDIO_SETTINGS.workdays] };
  return { ...row, workdays: row.workdays.length ? [...new Set(row.workdays)].sort((a, b) => a - b) : [...DEFAULT_STUDIO_SETTINGS.workdays] };
}

export type SaveStudioSettingsResult = { ok: true; settings: StudioSettings } | { ok: false; errors: FieldErrors };

/** Validates and stores every setting together, with an audit event of before and after; saves nothing when the input is refused. */
export async function saveStudioSettings(db: PrismaClient, shopId: string, input: unknown, actor: string): Promise<SaveStudioSettingsResult> {
  const parsed = studioSettingsSchema.safeParse(input);
  if (!parsed.success) {
    // A bad weekday is reported as "workdays.1"; the card shows errors per field.
    return { ok: false, errors: topFieldErrorsOf(parsed.error) };
  }
  const after: StudioSettings = parsed.data;
  // The worker refuses a location this shop may not read (another shop's folder, a local folder in production): say so now, not at the first poll.
  const location = after.watchPrefix === null ? null : parseWatchLocation(after.watchPrefix, process.cwd());
  const problem = location && watchLocationProblem(location, shopId, { production: env().NODE_ENV === "production", assetBucket: env().SHOTLANE_S3_BUCKET });
  if (problem) return { ok: false, errors: { watchPrefix: problem } };
  await ensureShop(db, shopId);
  await db.$transaction(async (tx) => {
    const before = await loadStudioSettings(tx, shopId);
    await tx.studioSettings.upsert({ where: { shopId }, create: { shopId, ...after, updatedBy: actor }, update: { ...after, updatedBy: actor } });
    await recordAuditEvent(tx, { shopId, actor, action: "studio.settings.saved", subjectType: "StudioSettings", subjectId: shopId, data: { before: { ...before }, after: { ...after } } });
  });
  return { ok: true, settings: after };
}

/**
 * One catalog product for the naming convention's live example: the first by
 * title with a SKU, preferring one whose variants have a colour; the built-in
 * sample while the catalog has none.
 */
export async function studioNamingSample(db: Db, shopId: string): Promise<{ product: StudioCatalogProduct; fromCatalog: boolean }> {
  const rows = await db.product.findMany({
    where: { shopId, variants: { some: { sku: { not: null } } } },
    orderBy: [{ title: "asc" }, { id: "asc" }],
    take: 10,
    select: { id: true, title: true, variants: { orderBy: { position: "asc" }, take: 20, select: { id: true, sku: true, options: true } } },
  });
  const products: StudioCatalogProduct[] = rows.map((row) => ({
    productId: row.id,
    title: row.title,
    variants: row.variants.map((v) => {
      const stored = v.options && typeof v.options === "object" && !Array.isArray(v.options) ? v.options : {};
      return { id: v.id, sku: v.sku, options: Object.fromEntries(Object.entries(stored).filter((e): e is [string, string] => typeof e[1] === "string")) };
    }),
  }));
  const coloured = products.find((p) => p.variants.some((v) => v.sku && Object.keys(v.options).some((name) => /^colou?r$/i.test(name.trim()))));
  const product = coloured ?? products[0];
  return product ? { product, fromCatalog: true } : { product: STUDIO_NAMING_SAMPLE, fromCatalog: false };
}
