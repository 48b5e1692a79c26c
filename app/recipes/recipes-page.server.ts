import { env } from "../config/env";
import { REMOVAL_PROVIDER_IDS } from "../imaging/background-removal/removal-providers";
import { loadPostProductionSettings } from "../imaging/post-production-settings.server";
import { MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import { demoProviderAllowed } from "../providers/registry.server";
import { z } from "zod";
import prisma from "../db.server";
import { ensureShop } from "../catalog/catalog-sync.server";
import { PROVIDER_IDS } from "../providers/provider";
import { signedAssetUrl } from "../storage/signed-url.server";
import { PROVIDER_CAPABILITIES } from "./recipe-spec";
import {
  ensureDefaultRecipes,
  listModelReferences,
  listRecipes,
  MODEL_REFERENCE_MAX_BYTES,
  sampleProductsByCategory,
  saveGarmentCategories,
  saveRecipeVersion,
  uploadModelReference,
} from "./recipes.server";

/** Provider choices for the editor; the demo provider only where it may be saved. */
function providerOptions(demo: boolean) {
  return PROVIDER_IDS.filter((id) => id !== "demo" || demo).map((id) => {
    const capability = PROVIDER_CAPABILITIES[id];
    return { id, label: capability.label, imageOperations: [...capability.imageOperations], video: capability.video, fixedModels: capability.fixedModels, suggestedModels: capability.suggestedModels };
  });
}

export type RecipeProviderOption = ReturnType<typeof providerOptions>[number];

/** The Brand recipes page: categories with their recipes and history, model references, a sample product per category. */
export async function loadRecipesPage(shopId: string, demo: boolean, searchParams: URLSearchParams) {
  await ensureShop(prisma, shopId);
  await ensureDefaultRecipes(prisma, shopId, { demo });
  const recipes = await listRecipes(prisma, shopId);
  const [samples, references] = await Promise.all([
    sampleProductsByCategory(
      prisma,
      shopId,
      recipes.map((r) => r.category),
    ),
    listModelReferences(prisma, shopId),
  ]);
  const postProduction = await loadPostProductionSettings(prisma, shopId);
  const wanted = searchParams.get("category");
  const selectedKey = recipes.some((r) => r.category.key === wanted) ? (wanted as string) : (recipes[0]?.category.key ?? null);
  return {
    recipes,
    selectedKey,
    samples,
    providers: providerOptions(demo && demoProviderAllowed(env())),
    modelReferences: references.map((r) => ({ id: r.id, name: r.name, width: r.width, height: r.height, url: signedAssetUrl(r.storageKey, { expiresInSeconds: 3600 }) })),
    removalProviders: [...REMOVAL_PROVIDER_IDS],
    channels: postProduction.channels.map((c) => ({ id: c.id, label: c.label, enabled: c.enabled })),
  };
}

export type RecipesPageData = Awaited<ReturnType<typeof loadRecipesPage>>;

const formSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({
      intent: z.literal("save-recipe"),
      categoryKey: z.string({ error: "categoryKey is missing: reload the page" }).min(1, "categoryKey is missing: reload the page"),
      payload: z.string({ error: "payload is missing: reload the page" }).min(2, "payload is missing: reload the page"),
      note: z.string().optional(),
    }),
    z.object({ intent: z.literal("save-categories"), payload: z.string({ error: "payload is missing: reload the page" }).min(2, "payload is missing: reload the page") }),
    z.object({
      intent: z.literal("upload-model"),
      name: z.string().default(""),
      file: z.instanceof(File, { error: "choose an image file to upload" }),
    }),
  ],
  { error: "unknown form: reload the page and try again" },
);

export type RecipesActionResult =
  | { intent: "save-recipe"; ok: true; version: number }
  | { intent: "save-categories"; ok: true }
  | { intent: "upload-model"; ok: true; modelReference: { id: string; name: string } }
  | { intent: "save-recipe" | "save-categories" | "upload-model" | "form"; ok: false; errors: Record<string, string> };

/** Reads the form; a multipart upload is streamed into memory with a per-part size limit. */
async function readForm(request: Request): Promise<FormData | "too-large"> {
  if (!(request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) return request.formData();
  try {
    // One byte over the limit is enough to know the file is too big; the service words the error.
    return await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MODEL_REFERENCE_MAX_BYTES + 1 }));
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return "too-large";
    throw error;
  }
}

function parseJson(payload: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(payload) };
  } catch {
    return { ok: false };
  }
}

const UNREADABLE = { form: "the form could not be read (invalid JSON): reload the page and try again" };

/** Saves a recipe version, the category mapping, or a model reference upload; nothing half-way. */
export async function submitRecipesForm(request: Request, context: { shop: string; actor: string; demo: boolean }): Promise<RecipesActionResult> {
  const form = await readForm(request);
  if (form === "too-large") return { intent: "upload-model", ok: false, errors: { file: "the file is larger than 15 MB: upload a smaller image" } };
  const parsed = formSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return { intent: "form", ok: false, errors: { form: parsed.error.issues[0].message } };
  const input = parsed.data;
  if (input.intent === "upload-model") {
    const result = await uploadModelReference(prisma, context.shop, input.file, input.name, context.actor);
    return result.ok ? { intent: input.intent, ok: true, modelReference: result.modelReference } : { intent: input.intent, ok: false, errors: result.errors };
  }
  const payload = parseJson(input.payload);
  if (!payload.ok) return { intent: input.intent, ok: false, errors: UNREADABLE };
  if (input.intent === "save-categories") {
    const result = await saveGarmentCategories(prisma, context.shop, payload.value, context.actor, { demo: context.demo });
    return result.ok ? { intent: input.intent, ok: true } : { intent: input.intent, ok: false, errors: result.errors };
  }
  const result = await saveRecipeVersion(prisma, context.shop, input.categoryKey, payload.value, context.actor, input.note);
  return result.ok ? { intent: input.intent, ok: true, version: result.version } : { intent: input.intent, ok: false, errors: result.errors };
}
