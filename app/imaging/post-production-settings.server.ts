import { createHash } from "node:crypto";
import type { Prisma, PrismaClient } from "@prisma/client";
import { recordAuditEvent } from "../audit/audit.server";
import type { FieldErrors } from "../recipes/recipe-spec";
import type { AssetStore } from "../storage/asset-store";
import { DEFAULT_CHANNEL_SPECS, parseChannelSpecs, type ChannelSpec } from "./channel-spec";
import { CubeLutParseError, parseCubeLut, type CubeLut, type LutInterpolation } from "./cube-lut";
import { validateNamingTemplate } from "./file-naming";

/**
 * A shop's post-production settings (channel specs, file naming, brand LUT,
 * AI disclosure): read by the worker for every image, edited on the
 * Post-production settings page. A shop without a row gets the defaults.
 */

export const DEFAULT_NAMING_TEMPLATE = "{sku}_{view}_{channel}.{ext}";
export const MAX_LUT_BYTES = 8 * 1024 * 1024;

export interface BrandLutSummary {
  id: string;
  name: string;
  title: string | null;
  size: number;
  sha256: string;
  storageKey: string;
  bytes: number;
  createdBy: string;
  createdAt: Date;
}

export interface ShopPostProductionSettings {
  channels: ChannelSpec[];
  namingTemplate: string;
  activeLut: BrandLutSummary | null;
  lutInterpolation: LutInterpolation;
  aiDisclosure: boolean;
  updatedAt: Date | null;
  updatedBy: string | null;
}


function interpolationOf(value: string): LutInterpolation {
  return value === "trilinear" ? "trilinear" : "tetrahedral";
}

export async function loadPostProductionSettings(db: PrismaClient | Prisma.TransactionClient, shopId: string): Promise<ShopPostProductionSettings> {
  const row = await db.postProductionSettings.findUnique({ where: { shopId } });
  if (!row) return { channels: DEFAULT_CHANNEL_SPECS, namingTemplate: DEFAULT_NAMING_TEMPLATE, activeLut: null, lutInterpolation: "tetrahedral", aiDisclosure: true, updatedAt: null, updatedBy: null };
  const parsed = parseChannelSpecs(row.channels);
  // Rows are validated on write; a row that no longer parses (a schema change) falls back rather than stopping every image.
  const channels = parsed.ok ? parsed.specs : DEFAULT_CHANNEL_SPECS;
  const activeLut = row.activeLutId ? await db.brandLut.findFirst({ where: { id: row.activeLutId, shopId } }) : null;
  return { channels, namingTemplate: row.namingTemplate, activeLut, lutInterpolation: interpolationOf(row.lutInterpolation), aiDisclosure: row.aiDisclosure, updatedAt: row.updatedAt, updatedBy: row.updatedBy };
}

export interface PostProductionSettingsInput {
  channels: unknown;
  namingTemplate: string;
  lutInterpolation: string;
  aiDisclosure: boolean;
  /** "" or null = no brand LUT. */
  activeLutId: string | null;
}

/** Validates and saves the settings; every field error names the field and the fix. Audited with what changed. */
export async function savePostProductionSettings(db: PrismaClient, shopId: string, input: PostProductionSettingsInput, actor: string): Promise<{ ok: true; settings: ShopPostProductionSettings } | { ok: false; errors: FieldErrors }> {
  const errors: FieldErrors = {};
  const channels = parseChannelSpecs(input.channels);
  if (!channels.ok) for (const issue of channels.errors) errors[issue.field] ??= issue.message;
  else if (!channels.specs.some((spec) => spec.enabled)) errors.channels = "enable at least one channel: every image needs somewhere to go";
  const template = input.namingTemplate.trim();
  const namingIssues = validateNamingTemplate(template);
  if (namingIssues.length) errors.namingTemplate = namingIssues.join("; ");
  if (input.lutInterpolation !== "trilinear" && input.lutInterpolation !== "tetrahedral") errors.lutInterpolation = "choose trilinear or tetrahedral";
  const activeLutId = input.activeLutId || null;
  if (activeLutId && !(await db.brandLut.findFirst({ where: { id: activeLutId, shopId }, select: { id: true } }))) errors.activeLutId = "that LUT is not in this shop (deleted?): pick one from the list or upload it again";
  if (!channels.ok || Object.keys(errors).length) return { ok: false, errors };

  const before = await loadPostProductionSettings(db, shopId);
  const data = { channels: channels.specs as unknown as Prisma.InputJsonValue, namingTemplate: template, lutInterpolation: input.lutInterpolation, aiDisclosure: input.aiDisclosure, activeLutId, updatedBy: actor };
  await db.$transaction(async (tx) => {
    await tx.postProductionSettings.upsert({ where: { shopId }, create: { shopId, ...data }, update: data });
    const changed: string[] = [];
    if (JSON.stringify(before.channels) !== JSON.stringify(channels.specs)) changed.push("channels");
    if (before.namingTemplate !== template) changed.push("namingTemplate");
    if (before.lutInterpolation !== input.lutInterpolation) changed.push("lutInterpolation");
    if (before.aiDisclosure !== input.aiDisclosure) changed.push("aiDisclosure");
    if ((before.activeLut?.id ?? null) !== activeLutId) changed.push("activeLutId");
    await recordAuditEvent(tx, {
      shopId,
      actor,
      action: "post-production.settings.saved",
      subjectType: "Shop",
      subjectId: shopId,
      data: { changed, channels: channels.specs.filter((s) => s.enabled).map((s) => s.id), namingTemplate: template, activeLutId, lutInterpolation: input.lutInterpolation, aiDisclosure: input.aiDisclosure },
    });
  });
  return { ok: true, settings: await loadPostProductionSettings(db, shopId) };
}

export type LutUploadResult =
  | { ok: true; lut: BrandLutSummary }
  | { ok: false; field: "lutFile" | "lutName"; errors: { line?: number; message: string }[] };

/**
 * Stores an uploaded .cube file after parsing it completely; a file with
 * problems is refused with every problem and its line number. The same file
 * uploaded twice is the same LUT (content-addressed), not a copy.
 */
export async function uploadBrandLut(db: PrismaClient, store: AssetStore, shopId: string, file: { name: string; bytes: Buffer }, actor: string, options: { activate?: boolean } = {}): Promise<LutUploadResult> {
  const name = file.name.trim().slice(0, 120);
  if (!name) return { ok: false, field: "lutName", errors: [{ message: "give the LUT a name, e.g. the file name" }] };
  if (file.bytes.length === 0) return { ok: false, field: "lutFile", errors: [{ message: "the file is empty: export the LUT from your grading tool as a .cube file and upload it again" }] };
  if (file.bytes.length > MAX_LUT_BYTES) return { ok: false, field: "lutFile", errors: [{ message: `the file is ${(file.bytes.length / 1048576).toFixed(1)} MB; a .cube LUT up to 65³ is under ${MAX_LUT_BYTES / 1048576} MB: check it is a .cube file` }] };
  if (file.bytes.includes(0)) return { ok: false, field: "lutFile", errors: [{ message: "this is a binary file, not a .cube text file: export the LUT in Adobe/Resolve .cube format" }] };
  let lut: CubeLut;
  try {
    lut = parseCubeLut(file.bytes.toString("utf8"));
  } catch (error) {
    if (error instanceof CubeLutParseError) return { ok: false, field: "lutFile", errors: error.issues };
    throw error;
  }
  const sha256 = createHash("sha256").update(file.bytes).digest("hex");
  const existing = await db.brandLut.findFirst({ where: { shopId, sha256 } });
  const stored = existing ?? (await db.$transaction(async (tx) => {
    const put = await store.put(file.bytes, { contentType: "text/plain", extension: "cube" });
    const created = await tx.brandLut.create({ data: { shopId, name, title: lut.title ?? null, size: lut.size, sha256, storageKey: put.key, bytes: put.bytes, createdBy: actor } });
    await recordAuditEvent(tx, { shopId, actor, action: "post-production.lut.uploaded", subjectType: "BrandLut", subjectId: created.id, data: { name, size: lut.size, sha256 } });
    return created;
  }));
  if (options.activate) {
    await db.postProductionSettings.upsert({
      where: { shopId },
      create: { shopId, channels: DEFAULT_CHANNEL_SPECS as unknown as Prisma.InputJsonValue, activeLutId: stored.id, updatedBy: actor },
      update: { activeLutId: stored.id, updatedBy: actor },
    });
    await recordAuditEvent(db, { shopId, actor, action: "post-production.lut.activated", subjectType: "BrandLut", subjectId: stored.id, data: { name: stored.name, sha256 } });
  }
  return { ok: true, lut: stored };
}

export async function listBrandLuts(db: PrismaClient, shopId: string): Promise<BrandLutSummary[]> {
  return db.brandLut.findMany({ where: { shopId }, orderBy: { createdAt: "desc" } });
}

/** Parsed LUTs by content hash: a worker parses each brand LUT once, not once per image. */
const lutCache = new Map<string, CubeLut>();
const LUT_CACHE_LIMIT = 16;

export async function loadLut(store: AssetStore, summary: Pick<BrandLutSummary, "sha256" | "storageKey">): Promise<CubeLut> {
  const cached = lutCache.get(summary.sha256);
  if (cached) return cached;
  const lut = parseCubeLut((await store.get(summary.storageKey)).toString("utf8"));
  if (lutCache.size >= LUT_CACHE_LIMIT) lutCache.delete(lutCache.keys().next().value!);
  lutCache.set(summary.sha256, lut);
  return lut;
}
