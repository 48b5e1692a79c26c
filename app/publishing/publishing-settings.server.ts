import type { Prisma, PrismaClient } from "@prisma/client";
import { recordAuditEvent } from "../audit/audit.server";
import { ensureShop } from "../catalog/catalog-sync.server";
import { colourOf } from "../recipes/prompt-template";
import { fieldErrorsOf, type FieldErrors } from "../recipes/recipe-spec";
import type { AltTextFacts } from "./alt-text";
import { DEFAULT_PUBLISHING_SETTINGS, PLACEMENTS, publishingSettingsSchema, type Placement, type PublishingSettings } from "./publishing-settings";

type Db = PrismaClient | Prisma.TransactionClient;

const SELECT = { placement: true, replaceAll: true, altTemplate: true, aiDisclosure: true, publishOnApproval: true, autoProduceTiers: true, draftUntilPublished: true } as const;

/** A shop's publishing settings; the defaults while it has saved none (no row is written by reading). */
export async function loadPublishingSettings(db: Db, shopId: string): Promise<PublishingSettings> {
  const row = await db.publishingSettings.findUnique({ where: { shopId }, select: SELECT });
  if (!row) return { ...DEFAULT_PUBLISHING_SETTINGS, autoProduceTiers: [...DEFAULT_PUBLISHING_SETTINGS.autoProduceTiers] };
  // A placement written by a newer version (or by hand) falls back to the default rather than breaking publishing.
  const placement = (PLACEMENTS as readonly string[]).includes(row.placement) ? (row.placement as Placement) : DEFAULT_PUBLISHING_SETTINGS.placement;
  return { ...row, placement, autoProduceTiers: [...new Set(row.autoProduceTiers)].sort((a, b) => a - b) };
}

export type SavePublishingSettingsResult = { ok: true; settings: PublishingSettings } | { ok: false; errors: FieldErrors };

/** Validates and stores every setting together, with an audit event of before and after; saves nothing when the input is refused. */
export async function savePublishingSettings(db: PrismaClient, shopId: string, input: unknown, actor: string): Promise<SavePublishingSettingsResult> {
  const parsed = publishingSettingsSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: fieldErrorsOf(parsed.error) };
  const after: PublishingSettings = parsed.data;
  await ensureShop(db, shopId);
  await db.$transaction(async (tx) => {
    const before = await loadPublishingSettings(tx, shopId);
    await tx.publishingSettings.upsert({ where: { shopId }, create: { shopId, ...after, updatedBy: actor }, update: { ...after, updatedBy: actor } });
    await recordAuditEvent(tx, { shopId, actor, action: "publishing.settings.saved", subjectType: "PublishingSettings", subjectId: shopId, data: { before: { ...before }, after: { ...after } } });
  });
  return { ok: true, settings: after };
}

/** What the alt text preview shows when the catalog is still empty. */
export const ALT_TEXT_SAMPLE: Omit<AltTextFacts, "view" | "kind"> = { title: "Linen Wrap Dress", colour: "Sand", vendor: "Atelier Nord", productType: "Dresses", sku: "LWD-SAND-M" };

/** One of the shop's products (a colourway if it has one) for the alt text preview; the built-in sample without any. */
export async function altTextSample(db: Db, shopId: string): Promise<{ facts: Omit<AltTextFacts, "view" | "kind">; fromCatalog: boolean }> {
  const products = await db.product.findMany({
    where: { shopId },
    orderBy: [{ title: "asc" }, { id: "asc" }],
    take: 10,
    select: { title: true, vendor: true, productType: true, variants: { orderBy: { position: "asc" }, take: 1, select: { sku: true, options: true } } },
  });
  const facts = products.map((p) => {
    const variant = p.variants[0];
    const stored = variant?.options && typeof variant.options === "object" && !Array.isArray(variant.options) ? variant.options : {};
    const options = Object.fromEntries(Object.entries(stored).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
    const colour = colourOf({ title: p.title, productType: p.productType, vendor: p.vendor, tags: [], variants: [{ options }] });
    return { title: p.title, colour: colour || null, vendor: p.vendor, productType: p.productType, sku: variant?.sku ?? null };
  });
  // A product with a colour shows every placeholder of the default template.
  const sample = facts.find((f) => f.colour) ?? facts[0];
  return sample ? { facts: sample, fromCatalog: true } : { facts: ALT_TEXT_SAMPLE, fromCatalog: false };
}
