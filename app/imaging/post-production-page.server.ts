import { MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import { z } from "zod";
import { recordAuditEvent } from "../audit/audit.server";
import { ensureShop } from "../catalog/catalog-sync.server";
import prisma from "../db.server";
import { assetStore } from "../storage/asset-store.server";
import { DEFAULT_CHANNEL_SPECS, type ChannelSpec } from "./channel-spec";
import type { LutInterpolation } from "./cube-lut";
import {
  DEFAULT_NAMING_TEMPLATE,
  listBrandLuts,
  loadPostProductionSettings,
  MAX_LUT_BYTES,
  savePostProductionSettings,
  uploadBrandLut,
  type BrandLutSummary,
  type ShopPostProductionSettings,
} from "./post-production-settings.server";

/**
 * The Post-production settings page: channel specs, file naming, brand LUTs
 * and AI disclosure. The route authenticates and calls these; validation and
 * auditing live in post-production-settings.server.ts.
 */

export interface BrandLutRow {
  id: string;
  name: string;
  title: string | null;
  /** Points per axis (33 = a 33³ cube). */
  size: number;
  bytes: number;
  createdBy: string;
  createdAt: string;
}

export interface PostProductionSettingsData {
  channels: ChannelSpec[];
  namingTemplate: string;
  /** "" = no brand LUT. */
  activeLutId: string;
  lutInterpolation: LutInterpolation;
  aiDisclosure: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
}

function lutRow(lut: BrandLutSummary): BrandLutRow {
  return { id: lut.id, name: lut.name, title: lut.title, size: lut.size, bytes: lut.bytes, createdBy: lut.createdBy, createdAt: lut.createdAt.toISOString() };
}

function settingsData(settings: ShopPostProductionSettings): PostProductionSettingsData {
  return {
    channels: settings.channels,
    namingTemplate: settings.namingTemplate,
    activeLutId: settings.activeLut?.id ?? "",
    lutInterpolation: settings.lutInterpolation,
    aiDisclosure: settings.aiDisclosure,
    updatedAt: settings.updatedAt?.toISOString() ?? null,
    updatedBy: settings.updatedBy,
  };
}

export async function loadPostProductionPage(shopId: string) {
  await ensureShop(prisma, shopId);
  const [settings, luts] = await Promise.all([loadPostProductionSettings(prisma, shopId), listBrandLuts(prisma, shopId)]);
  return {
    settings: settingsData(settings),
    luts: luts.map(lutRow),
    defaults: { channels: DEFAULT_CHANNEL_SPECS, namingTemplate: DEFAULT_NAMING_TEMPLATE },
    lutMaxBytes: MAX_LUT_BYTES,
  };
}

export type PostProductionPageData = Awaited<ReturnType<typeof loadPostProductionPage>>;

export type PostProductionActionResult =
  | { intent: "save-settings"; ok: true; settings: PostProductionSettingsData }
  | { intent: "save-settings"; ok: false; errors: Record<string, string> }
  | { intent: "upload-lut"; ok: true; lut: BrandLutRow; activated: boolean }
  | { intent: "upload-lut"; ok: false; field: "lutFile" | "lutName" | "form"; errors: { line?: number; message: string }[] }
  | { intent: "delete-lut"; ok: true; name: string }
  | { intent: "delete-lut"; ok: false; message: string }
  | { intent: "form"; ok: false; message: string };

const RELOAD = "reload the page and try again";
const flag = z.enum(["true", "false", "on"], { error: `must be true or false: ${RELOAD}` }).transform((v) => v !== "false");

const formSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({
      intent: z.literal("save-settings"),
      channels: z.string({ error: `the channel list is missing: ${RELOAD}` }),
      namingTemplate: z.string({ error: `the naming template is missing: ${RELOAD}` }),
      lutInterpolation: z.string({ error: `the LUT interpolation is missing: ${RELOAD}` }),
      aiDisclosure: flag.optional().transform((v) => v ?? false),
      activeLutId: z.string().default(""),
    }),
    z.object({
      intent: z.literal("upload-lut"),
      name: z.string().default(""),
      file: z.instanceof(File, { error: "choose a .cube file to upload" }),
      activate: flag.optional().transform((v) => v ?? false),
    }),
    z.object({ intent: z.literal("delete-lut"), lutId: z.string({ error: `no LUT was named: ${RELOAD}` }).min(1, `no LUT was named: ${RELOAD}`) }),
  ],
  { error: `unknown form: ${RELOAD}` },
);

/** Reads the form; a multipart upload is buffered in memory with a per-part size limit. */
async function readForm(request: Request): Promise<FormData | "too-large"> {
  if (!(request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) return request.formData();
  try {
    // One byte over the limit is enough to know the file is too big.
    return await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_LUT_BYTES + 1 }));
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return "too-large";
    throw error;
  }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * Removes a LUT the shop no longer wants, unless it is the active one. The
 * stored file stays: it is content-addressed (another shop may hold the same
 * bytes) and post-production reports name it.
 */
async function deleteBrandLut(shopId: string, lutId: string, actor: string): Promise<PostProductionActionResult> {
  return prisma.$transaction(async (tx) => {
    // Locks the settings row, so a save cannot make this LUT active while it is being removed.
    const [settings] = await tx.$queryRaw<{ activeLutId: string | null }[]>`SELECT "activeLutId" FROM "PostProductionSettings" WHERE "shopId" = ${shopId} FOR UPDATE`;
    const lut = await tx.brandLut.findFirst({ where: { id: lutId, shopId } });
    if (!lut) return { intent: "delete-lut", ok: false, message: "That LUT is not in this shop (already deleted?): reload the page." };
    if (settings?.activeLutId === lut.id) return { intent: "delete-lut", ok: false, message: `${lut.name} is the active brand LUT: choose another LUT or None and save, then delete it.` };
    await tx.brandLut.delete({ where: { id: lut.id } });
    await recordAuditEvent(tx, { shopId, actor, action: "post-production.lut.deleted", subjectType: "BrandLut", subjectId: lut.id, data: { name: lut.name, sha256: lut.sha256 } });
    return { intent: "delete-lut", ok: true, name: lut.name };
  });
}

/** The page's forms by `intent`: save-settings (the whole settings, channels as JSON), upload-lut (multipart), delete-lut. */
export async function submitPostProductionForm(shopId: string, request: Request, actor: string): Promise<PostProductionActionResult> {
  const form = await readForm(request);
  if (form === "too-large") {
    return { intent: "upload-lut", ok: false, field: "lutFile", errors: [{ message: `the file is larger than ${MAX_LUT_BYTES / 1048576} MB; a .cube LUT up to 65³ is smaller: check it is a .cube file` }] };
  }
  const parsed = formSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return { intent: "form", ok: false, message: parsed.error.issues[0].message };
  const input = parsed.data;
  await ensureShop(prisma, shopId);

  switch (input.intent) {
    case "save-settings": {
      const channels = parseJson(input.channels);
      if (!channels.ok) return { intent: input.intent, ok: false, errors: { channels: `the channel list could not be read (invalid JSON): ${RELOAD}` } };
      const saved = await savePostProductionSettings(
        prisma,
        shopId,
        { channels: channels.value, namingTemplate: input.namingTemplate, lutInterpolation: input.lutInterpolation, aiDisclosure: input.aiDisclosure, activeLutId: input.activeLutId || null },
        actor,
      );
      return saved.ok ? { intent: input.intent, ok: true, settings: settingsData(saved.settings) } : { intent: input.intent, ok: false, errors: saved.errors };
    }
    case "upload-lut": {
      const bytes = Buffer.from(await input.file.arrayBuffer());
      // The file's own name stands in when the merchant gave none.
      const name = input.name.trim() || input.file.name.replace(/\.cube$/i, "");
      const uploaded = await uploadBrandLut(prisma, assetStore(), shopId, { name, bytes }, actor, { activate: input.activate });
      return uploaded.ok ? { intent: input.intent, ok: true, lut: lutRow(uploaded.lut), activated: input.activate } : { intent: input.intent, ok: false, field: uploaded.field, errors: uploaded.errors };
    }
    case "delete-lut":
      return deleteBrandLut(shopId, input.lutId, actor);
  }
}
