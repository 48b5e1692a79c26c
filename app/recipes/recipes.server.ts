import { Prisma, type PrismaClient } from "@prisma/client";
import { demoProviderAllowed } from "../providers/registry.server";
import { recordAuditEvent } from "../audit/audit.server";
import { env } from "../config/env";
import { checkGeneratedResult, ResultCheckError } from "../production/result-check.server";
import { assetStore } from "../storage/asset-store.server";
import { categoryForProduct, DEFAULT_CATEGORIES, defaultRecipeSpec, parseGarmentCategories, type GarmentCategoryMapping } from "./garment-category";
import type { PromptProduct } from "./prompt-template";
import { checkRecipeContext, parseRecipeSpec, recipeSpecSchema, type FieldErrors, type RecipeSpec } from "./recipe-spec";

/**
 * Brand recipes in the database: garment categories, one recipe per
 * category, and its versions. A version row is never updated (a trigger
 * refuses it); an edit inserts the next version and moves currentVersion.
 */

type Db = PrismaClient;
type Tx = Prisma.TransactionClient;

/** Who created a shop's first recipes, in version history and the audit trail. */
export const SYSTEM_ACTOR = "system:defaults";

function asJson(value: unknown): Prisma.InputJsonValue {
  return value as Prisma.InputJsonValue;
}

/** Each category gets a recipe with a version 1; safe to run concurrently (unique keys, skipDuplicates). */
async function createMissingRecipes(tx: Tx, shopId: string, keys: readonly string[], demo: boolean): Promise<number> {
  if (keys.length === 0) return 0;
  await tx.recipe.createMany({ data: keys.map((categoryKey) => ({ shopId, categoryKey, currentVersion: 1 })), skipDuplicates: true });
  const recipes = await tx.recipe.findMany({ where: { shopId, categoryKey: { in: [...keys] }, versions: { none: {} } }, select: { id: true, categoryKey: true } });
  if (recipes.length === 0) return 0;
  const created = await tx.recipeVersion.createMany({
    data: recipes.map((r) => ({ shopId, recipeId: r.id, version: 1, spec: asJson(defaultRecipeSpec(r.categoryKey, { demo })), note: "Default recipe", createdBy: SYSTEM_ACTOR })),
    skipDuplicates: true,
  });
  return created.count;
}

/**
 * Gives a shop the default categories and a version-1 recipe for each, when
 * it has none; and a version-1 recipe for any category that lacks one.
 * Idempotent and safe under concurrent calls.
 */
export async function ensureDefaultRecipes(db: Db, shopId: string, options: { demo: boolean }): Promise<void> {
  const [categories, recipes] = await Promise.all([
    db.garmentCategory.findMany({ where: { shopId }, select: { key: true } }),
    db.recipe.findMany({ where: { shopId, versions: { some: {} } }, select: { categoryKey: true } }),
  ]);
  const withRecipe = new Set(recipes.map((r) => r.categoryKey));
  if (categories.length > 0 && categories.every((c) => withRecipe.has(c.key))) return;
  await db.$transaction(async (tx) => {
    let createdCategories = 0;
    if (categories.length === 0) {
      const created = await tx.garmentCategory.createMany({
        data: DEFAULT_CATEGORIES.map((c, position) => ({ shopId, key: c.key, name: c.name, position, productTypes: c.productTypes, tags: c.tags })),
        skipDuplicates: true,
      });
      createdCategories = created.count;
    }
    const all = await tx.garmentCategory.findMany({ where: { shopId }, select: { key: true } });
    const createdVersions = await createMissingRecipes(
      tx,
      shopId,
      all.map((c) => c.key),
      options.demo,
    );
    // The caller that lost the race created nothing, so the trail has one entry.
    if (createdCategories > 0 || createdVersions > 0) {
      await recordAuditEvent(tx, { shopId, actor: SYSTEM_ACTOR, action: "recipes.defaults.created", subjectType: "Recipe", data: { categories: createdCategories, recipes: createdVersions, demo: options.demo } });
    }
  });
}

export async function loadCategories(db: Db | Tx, shopId: string): Promise<GarmentCategoryMapping[]> {
  const rows = await db.garmentCategory.findMany({ where: { shopId }, orderBy: [{ position: "asc" }, { key: "asc" }] });
  return rows.map((r) => ({ key: r.key, name: r.name, productTypes: r.productTypes, tags: r.tags }));
}

export class RecipeNotFoundError extends Error {
  constructor(shopId: string, categoryKey: string) {
    super(`shop ${shopId} has no recipe for the garment category "${categoryKey}"`);
    this.name = "RecipeNotFoundError";
  }
}

async function currentVersionOf(db: Db | Tx, shopId: string, categoryKey: string) {
  const recipe = await db.recipe.findUnique({ where: { shopId_categoryKey: { shopId, categoryKey } }, select: { id: true, currentVersion: true } });
  if (!recipe) throw new RecipeNotFoundError(shopId, categoryKey);
  const version = await db.recipeVersion.findUnique({ where: { recipeId_version: { recipeId: recipe.id, version: recipe.currentVersion } } });
  if (!version) throw new RecipeNotFoundError(shopId, categoryKey);
  return version;
}

export interface ResolvedRecipe {
  categoryKey: string;
  recipeVersionId: string;
  version: number;
  spec: RecipeSpec;
}

/**
 * The recipe version a product is made with now: its category by type or
 * tags, else the first category (so every product has a recipe).
 */
export async function resolveRecipeForProduct(db: Db, shopId: string, product: { productType: string; tags: string[] }, options: { demo: boolean; categoryKey?: string }): Promise<ResolvedRecipe> {
  await ensureDefaultRecipes(db, shopId, options);
  const categories = await loadCategories(db, shopId);
  // A merchant may name the recipe (product page action, Flow): an unknown key throws RecipeNotFoundError.
  const categoryKey = options.categoryKey ?? categoryForProduct(categories, product) ?? categories[0].key;
  const row = await currentVersionOf(db, shopId, categoryKey);
  const parsed = recipeSpecSchema.safeParse(row.spec);
  if (!parsed.success) {
    throw new Error(`recipe ${categoryKey} v${row.version} no longer validates (${parsed.error.issues[0].path.join(".")}: ${parsed.error.issues[0].message}); save the recipe again on the Brand recipes page`);
  }
  return { categoryKey, recipeVersionId: row.id, version: row.version, spec: parsed.data };
}

/** JSON with object keys sorted: stored specs are jsonb, which does not keep key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v)) ?? "null";
}

const SUMMARY_LENGTH = 120;
function summary(value: unknown): string {
  const text = canonical(value);
  return text.length > SUMMARY_LENGTH ? `${text.slice(0, SUMMARY_LENGTH - 1)}…` : text;
}

/** Top-level fields that differ, each with a short before/after for the audit trail. */
export function recipeDiff(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, { from: string; to: string }> {
  const diff: Record<string, { from: string; to: string }> = {};
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (canonical(before[field]) !== canonical(after[field])) diff[field] = { from: summary(before[field]), to: summary(after[field]) };
  }
  return diff;
}

class NothingChanged extends Error {}

export type SaveRecipeResult = { ok: true; version: number; recipeVersionId: string } | { ok: false; errors: FieldErrors };

/**
 * Validates a spec (fields, placeholders, this shop's model references, the
 * demo provider) and saves it as the next version, or saves nothing.
 * Concurrent saves queue on the recipe row (the increment locks it), so
 * version numbers never repeat; @@unique([recipeId, version]) backs that up.
 */
export async function saveRecipeVersion(
  db: Db,
  shopId: string,
  categoryKey: string,
  spec: unknown,
  actor: string,
  note?: string,
  options: { demoProviderAllowed?: boolean } = {},
): Promise<SaveRecipeResult> {
  const trimmedNote = note?.trim() ?? "";
  if (trimmedNote.length > 500) return { ok: false, errors: { note: "use at most 500 characters" } };
  const parsed = parseRecipeSpec(spec);
  if (!parsed.ok) return parsed;
  const references = await db.modelReference.findMany({ where: { shopId, id: { in: parsed.spec.modelReferenceIds } }, select: { id: true } });
  const contextErrors = checkRecipeContext(parsed.spec, {
    demoProviderAllowed: options.demoProviderAllowed ?? demoProviderAllowed(env()),
    modelReferenceIds: new Set(references.map((r) => r.id)),
  });
  if (Object.keys(contextErrors).length) return { ok: false, errors: contextErrors };
  const exists = await db.recipe.findUnique({ where: { shopId_categoryKey: { shopId, categoryKey } }, select: { id: true } });
  if (!exists) return { ok: false, errors: { category: `there is no recipe for the category "${categoryKey}": reload the page` } };

  try {
    return await db.$transaction(async (tx) => {
      // The increment takes the row lock; a concurrent save waits here and then sees our number.
      const recipe = await tx.recipe.update({ where: { id: exists.id }, data: { currentVersion: { increment: 1 } } });
      const version = recipe.currentVersion;
      const previous = await tx.recipeVersion.findUnique({ where: { recipeId_version: { recipeId: recipe.id, version: version - 1 } } });
      const diff = recipeDiff((previous?.spec ?? {}) as Record<string, unknown>, parsed.spec);
      if (Object.keys(diff).length === 0) throw new NothingChanged();
      const row = await tx.recipeVersion.create({
        data: { shopId, recipeId: recipe.id, version, spec: asJson(parsed.spec), note: trimmedNote || null, createdBy: actor },
      });
      await recordAuditEvent(tx, {
        shopId,
        actor,
        action: "recipes.version.saved",
        subjectType: "Recipe",
        subjectId: recipe.id,
        data: asJson({ categoryKey, fromVersion: version - 1, toVersion: version, recipeVersionId: row.id, note: trimmedNote || null, changed: diff }),
      });
      return { ok: true as const, version, recipeVersionId: row.id };
    });
  } catch (error) {
    if (error instanceof NothingChanged) return { ok: false, errors: { form: "nothing changed since the current version: edit a field before saving" } };
    throw error;
  }
}

/** Saves the ordered categories (added, edited, removed), creates recipes for new ones, audits the change. */
export async function saveGarmentCategories(db: Db, shopId: string, input: unknown, actor: string, options: { demo: boolean }): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  const parsed = parseGarmentCategories(input);
  if (!parsed.ok) return parsed;
  const categories = parsed.categories;
  await db.$transaction(async (tx) => {
    const before = await loadCategories(tx, shopId);
    // Recipes of removed categories stay: generated assets still point at their versions.
    await tx.garmentCategory.deleteMany({ where: { shopId, key: { notIn: categories.map((c) => c.key) } } });
    for (const [position, c] of categories.entries()) {
      const fields = { name: c.name, position, productTypes: c.productTypes, tags: c.tags };
      await tx.garmentCategory.upsert({ where: { shopId_key: { shopId, key: c.key } }, create: { shopId, key: c.key, ...fields }, update: fields });
    }
    await createMissingRecipes(
      tx,
      shopId,
      categories.map((c) => c.key),
      options.demo,
    );
    await recordAuditEvent(tx, { shopId, actor, action: "recipes.categories.saved", subjectType: "GarmentCategory", data: asJson({ before, after: categories }) });
  });
  return { ok: true };
}

export interface RecipeVersionSummary {
  id: string;
  version: number;
  createdBy: string;
  createdAt: string;
  note: string | null;
}

export interface RecipeListing {
  category: GarmentCategoryMapping;
  currentVersion: number;
  spec: RecipeSpec;
  /** Newest first. */
  versions: RecipeVersionSummary[];
}

/** Categories in order with their recipe's current spec and version history (for the Brand recipes page). */
export async function listRecipes(db: Db, shopId: string): Promise<RecipeListing[]> {
  const [categories, recipes] = await Promise.all([
    loadCategories(db, shopId),
    db.recipe.findMany({ where: { shopId }, include: { versions: { orderBy: { version: "desc" }, select: { id: true, version: true, createdBy: true, createdAt: true, note: true, spec: true } } } }),
  ]);
  const byKey = new Map(recipes.map((r) => [r.categoryKey, r]));
  return categories.flatMap((category) => {
    const recipe = byKey.get(category.key);
    const current = recipe?.versions.find((v) => v.version === recipe.currentVersion);
    if (!recipe || !current) return [];
    const parsed = recipeSpecSchema.safeParse(current.spec);
    return [
      {
        category,
        currentVersion: recipe.currentVersion,
        // A stored spec that no longer validates is shown as the default, to be fixed and saved.
        spec: parsed.success ? parsed.data : defaultRecipeSpec(category.key, { demo: demoProviderAllowed(env()) }),
        versions: recipe.versions.map((v) => ({ id: v.id, version: v.version, createdBy: v.createdBy, createdAt: v.createdAt.toISOString(), note: v.note })),
      },
    ];
  });
}

/** Up to one product per category from the mirror, for the prompt preview. */
export async function sampleProductsByCategory(db: Db, shopId: string, categories: readonly GarmentCategoryMapping[]): Promise<Record<string, PromptProduct>> {
  const samples: Record<string, PromptProduct> = {};
  await Promise.all(
    categories.map(async (category) => {
      const candidates = await db.product.findMany({
        where: {
          shopId,
          OR: [{ productType: { in: category.productTypes, mode: "insensitive" } }, ...(category.tags.length ? [{ tags: { some: { tag: { in: category.tags, mode: "insensitive" as const } } } }] : [])],
        },
        orderBy: { title: "asc" },
        take: 10,
        select: { title: true, productType: true, vendor: true, tags: { select: { tag: true } }, variants: { orderBy: { position: "asc" }, take: 1, select: { options: true } } },
      });
      const products = candidates.map((p) => ({
        title: p.title,
        productType: p.productType,
        vendor: p.vendor,
        tags: p.tags.map((t) => t.tag),
        variants: p.variants.map((v) => ({ options: optionsRecord(v.options) })),
      }));
      // Prefer a product the category really gets (an earlier category may claim the others).
      const sample = products.find((p) => categoryForProduct(categories, p) === category.key) ?? products[0];
      if (sample) samples[category.key] = sample;
    }),
  );
  return samples;
}

function optionsRecord(value: Prisma.JsonValue): Record<string, string> {
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : [])));
}

export const MODEL_REFERENCE_MAX_BYTES = 15 * 1024 * 1024;
export const MODEL_REFERENCE_MIN_EDGE = 512;
const MODEL_REFERENCE_TYPES = ["image/png", "image/jpeg", "image/webp"];

export type UploadModelReferenceResult = { ok: true; modelReference: { id: string; name: string; width: number; height: number } } | { ok: false; errors: FieldErrors };

/**
 * Stores a merchant's model reference image after checking it is what it
 * claims (bytes agree with the type), decodes, and is large enough to guide a
 * generation. Errors are keyed by form field (file, name).
 */
export async function uploadModelReference(db: Db, shopId: string, file: File, name: string, actor: string): Promise<UploadModelReferenceResult> {
  const errors: FieldErrors = {};
  const label = name.trim();
  if (label.length === 0) errors.name = "give the model reference a name, e.g. Ava, front, studio";
  else if (label.length > 100) errors.name = "use at most 100 characters";
  const declared = file.type.split(";")[0].trim().toLowerCase();
  if (file.size === 0) errors.file = "choose an image file to upload (the file is empty)";
  else if (file.size > MODEL_REFERENCE_MAX_BYTES) errors.file = `the file is ${(file.size / 1024 / 1024).toFixed(1)} MB: upload an image of at most 15 MB`;
  else if (!MODEL_REFERENCE_TYPES.includes(declared)) errors.file = `upload a PNG, JPEG or WebP image (this file is ${declared || "of unknown type"})`;
  if (Object.keys(errors).length) return { ok: false, errors };

  const bytes = Buffer.from(await file.arrayBuffer());
  let checked;
  try {
    checked = await checkGeneratedResult(bytes, declared, { kind: "image", maxBytes: MODEL_REFERENCE_MAX_BYTES, minWidth: MODEL_REFERENCE_MIN_EDGE, minHeight: MODEL_REFERENCE_MIN_EDGE });
  } catch (error) {
    if (!(error instanceof ResultCheckError)) throw error;
    const message =
      error.code === "too_small"
        ? `${error.message.replace(/, smaller than.*$/, "")}: use an image at least ${MODEL_REFERENCE_MIN_EDGE} pixels on its short side`
        : error.code === "content_type_mismatch" || error.code === "unrecognised" || error.code === "wrong_kind"
          ? `${error.message.replace(/^content-type says/, "the file is named as")}: upload a real PNG, JPEG or WebP image`
          : `${error.message}: upload another image`;
    return { ok: false, errors: { file: message } };
  }
  const stored = await assetStore().put(bytes, { contentType: checked.contentType, extension: checked.extension });
  const row = await db.$transaction(async (tx) => {
    const created = await tx.modelReference.create({
      data: { shopId, name: label, storageKey: stored.key, contentType: checked.contentType, width: checked.width ?? 0, height: checked.height ?? 0, bytes: stored.bytes, createdBy: actor },
    });
    await recordAuditEvent(tx, {
      shopId,
      actor,
      action: "recipes.model-reference.uploaded",
      subjectType: "ModelReference",
      subjectId: created.id,
      data: { name: label, storageKey: stored.key, contentType: checked.contentType, width: created.width, height: created.height, bytes: stored.bytes },
    });
    return created;
  });
  return { ok: true, modelReference: { id: row.id, name: row.name, width: row.width, height: row.height } };
}

export async function listModelReferences(db: Db, shopId: string) {
  return db.modelReference.findMany({ where: { shopId }, orderBy: { createdAt: "desc" }, select: { id: true, name: true, storageKey: true, width: true, height: true, createdAt: true } });
}
