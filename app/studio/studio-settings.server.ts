import type { Prisma, PrismaClient } from "@prisma/client";
import { recordAuditEvent } from "../audit/audit.server";
import { ensureShop } from "../catalog/catalog-sync.server";
import { fieldErrorsOf, type FieldErrors } from "../recipes/recipe-spec";
import { DEFAULT_STUDIO_SETTINGS, studioSettingsSchema, type StudioSettings } from "./studio-settings";

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
  if (!parsed.success) return { ok: false, errors: fieldErrorsOf(parsed.error) };
  const after: StudioSettings = parsed.data;
  await ensureShop(db, shopId);
  await db.$transaction(async (tx) => {
    const before = await loadStudioSettings(tx, shopId);
    await tx.studioSettings.upsert({ where: { shopId }, create: { shopId, ...after, updatedBy: actor }, update: { ...after, updatedBy: actor } });
    await recordAuditEvent(tx, { shopId, actor, action: "studio.settings.saved", subjectType: "StudioSettings", subjectId: shopId, data: { before: { ...before }, after: { ...after } } });
  });
  return { ok: true, settings: after };
}
