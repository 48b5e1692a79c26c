import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { upsertMirrorProducts } from "../../app/catalog/mirror.server";
import { DEFAULT_QC_RECIPE, defaultThreshold, QC_CHECK_IDS, thresholdFor } from "../../app/qc/qc-check";
import { DEFAULT_CATEGORIES, defaultRecipeSpec } from "../../app/recipes/garment-category";
import {
  ensureDefaultRecipes,
  listRecipes,
  resolveRecipeForProduct,
  sampleProductsByCategory,
  saveGarmentCategories,
  saveRecipeVersion,
  uploadModelReference,
} from "../../app/recipes/recipes.server";
import { loadRecipesPage, submitRecipesForm } from "../../app/recipes/recipes-page.server";
import { recipeSpecSchema } from "../../app/recipes/recipe-spec";
import { signedAssetUrl } from "../../app/storage/signed-url.server";
import { loader as filesLoader } from "../../app/routes/files.$";
import { action as recipesAction, loader as recipesLoader } from "../../app/routes/app.recipes";
import { mirrorProduct } from "../support/factories";
import { refusedResponse } from "../support/route-refusal";

const SHOP = "recipes-test.myshopify.com";
const OTHER_SHOP = "recipes-other.myshopify.com";

async function png(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: "#c0a080" } }).png().toBuffer();
}

function file(bytes: Buffer | string, name: string, type: string): File {
  return new File([typeof bytes === "string" ? bytes : new Uint8Array(bytes)], name, { type });
}

function recipeSpecOf(row: { spec: unknown }) {
  return recipeSpecSchema.parse(row.spec);
}

async function callFiles(url: string): Promise<Response> {
  const parsed = new URL(url);
  const result: unknown = await filesLoader({ request: new Request(url), params: { "*": parsed.pathname.replace(/^\/files\//, "") }, context: {} });
  if (!(result instanceof Response)) throw new Error("the files loader must answer with a Response");
  return result;
}

describe("brand recipes (PostgreSQL)", () => {
  beforeAll(async () => {
    await prisma.shop.createMany({ data: [{ id: SHOP }, { id: OTHER_SHOP }] });
  });

  it("creates the default categories and version-1 recipes once, even under concurrent calls", async () => {
    await Promise.all(Array.from({ length: 6 }, () => ensureDefaultRecipes(prisma, SHOP, { demo: false })));
    await ensureDefaultRecipes(prisma, SHOP, { demo: false });
    const categories = await prisma.garmentCategory.findMany({ where: { shopId: SHOP }, orderBy: { position: "asc" } });
    expect(categories.map((c) => c.key)).toEqual(DEFAULT_CATEGORIES.map((c) => c.key));
    const versions = await prisma.recipeVersion.findMany({ where: { shopId: SHOP } });
    expect(versions).toHaveLength(DEFAULT_CATEGORIES.length);
    expect(new Set(versions.map((v) => v.version))).toEqual(new Set([1]));
    expect(await prisma.auditEvent.count({ where: { shopId: SHOP, action: "recipes.defaults.created" } })).toBe(1);
  });

  it("resolves a product's recipe by type, by tag, and falls back to the first category", async () => {
    const byType = await resolveRecipeForProduct(prisma, SHOP, { productType: "denim", tags: [] }, { demo: false });
    expect(byType).toMatchObject({ categoryKey: "bottoms", version: 1, spec: defaultRecipeSpec("bottoms", { demo: false }) });
    const row = await prisma.recipeVersion.findUniqueOrThrow({ where: { id: byType.recipeVersionId } });
    expect(row.version).toBe(1);
    expect((await resolveRecipeForProduct(prisma, SHOP, { productType: "Loungewear", tags: ["category:knitwear"] }, { demo: false })).categoryKey).toBe("knitwear");
    expect((await resolveRecipeForProduct(prisma, SHOP, { productType: "Loungewear", tags: [] }, { demo: false })).categoryKey).toBe("tops");
    // A shop seen for the first time gets its defaults on the way.
    expect((await resolveRecipeForProduct(prisma, OTHER_SHOP, { productType: "Dresses", tags: [] }, { demo: true })).spec.provider).toBe("demo");
  });

  it("saves an edit as version 2, leaves version 1 untouched and audits the change", async () => {
    const v1 = await prisma.recipeVersion.findFirstOrThrow({ where: { shopId: SHOP, recipe: { categoryKey: "dresses" }, version: 1 } });
    const spec = { ...defaultRecipeSpec("dresses", { demo: false }), operation: "product-to-model", model: "product-to-model", promptTemplate: "{title} in {colour}, worn by the brand model, {lighting} light" };
    const saved = await saveRecipeVersion(prisma, SHOP, "dresses", spec, "user:7", "  Warmer light  ");
    expect(saved).toMatchObject({ ok: true, version: 2 });
    const resolved = await resolveRecipeForProduct(prisma, SHOP, { productType: "Dresses", tags: [] }, { demo: false });
    expect(resolved).toMatchObject({ categoryKey: "dresses", version: 2, spec: { promptTemplate: spec.promptTemplate, operation: "product-to-model" } });
    const again = await prisma.recipeVersion.findUniqueOrThrow({ where: { id: v1.id } });
    expect(again).toEqual(v1);

    const [audit] = await prisma.auditEvent.findMany({ where: { shopId: SHOP, action: "recipes.version.saved" } });
    expect(audit.actor).toBe("user:7");
    expect(audit.data).toMatchObject({ categoryKey: "dresses", fromVersion: 1, toVersion: 2, note: "Warmer light" });
    expect(Object.keys((audit.data as { changed: Record<string, unknown> }).changed).sort()).toEqual(["model", "operation", "promptTemplate"]);

    const [listing] = (await listRecipes(prisma, SHOP)).filter((r) => r.category.key === "dresses");
    expect(listing.versions.map((v) => [v.version, v.createdBy, v.note])).toEqual([
      [2, "user:7", "Warmer light"],
      [1, "system:defaults", "Default recipe"],
    ]);

    // Saving the same spec again is refused instead of adding an empty version.
    expect(await saveRecipeVersion(prisma, SHOP, "dresses", spec, "user:7")).toEqual({ ok: false, errors: { form: "nothing changed since the current version: edit a field before saving" } });
  });

  it("refuses a database UPDATE of a version row (immutable by trigger)", async () => {
    const v1 = await prisma.recipeVersion.findFirstOrThrow({ where: { shopId: SHOP, version: 1 } });
    await expect(prisma.recipeVersion.update({ where: { id: v1.id }, data: { note: "rewritten" } })).rejects.toThrow(/RecipeVersion is immutable/);
    await expect(prisma.$executeRaw`UPDATE "RecipeVersion" SET "spec" = '{}'::jsonb WHERE "id" = ${v1.id}`).rejects.toThrow(/immutable/);
  });

  it("gives concurrent saves distinct version numbers", async () => {
    const base = defaultRecipeSpec("outerwear", { demo: false });
    const results = await Promise.all(
      [10, 20, 30, 40, 50].map((seed) => saveRecipeVersion(prisma, SHOP, "outerwear", { ...base, operation: "product-to-model", model: "product-to-model", seedPolicy: { mode: "fixed", seed } }, "user:8")),
    );
    const versions = results.map((r) => (r.ok ? r.version : 0)).sort();
    expect(versions).toEqual([2, 3, 4, 5, 6]);
    const recipe = await prisma.recipe.findUniqueOrThrow({ where: { shopId_categoryKey: { shopId: SHOP, categoryKey: "outerwear" } }, include: { versions: true } });
    expect(recipe.currentVersion).toBe(6);
    expect(recipe.versions.map((v) => v.version).sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("refuses an invalid spec with field errors and saves nothing", async () => {
    const before = await prisma.recipeVersion.count({ where: { shopId: SHOP } });
    const audits = await prisma.auditEvent.count({ where: { shopId: SHOP } });
    const spec = { ...defaultRecipeSpec("tops", { demo: false }), promptTemplate: "{title} in {color}", candidatesPerView: 7, views: [] };
    const result = await saveRecipeVersion(prisma, SHOP, "tops", spec, "user:7");
    expect(result).toEqual({
      ok: false,
      errors: {
        promptTemplate: expect.stringContaining("unknown placeholder {color} (did you mean {colour}?)"),
        candidatesPerView: "choose 1 to 4 candidates per view",
        views: "add at least one view",
      },
    });
    // Needs the shop: a real try-on without a model reference, model references of another shop, the demo provider outside demo mode.
    expect(await saveRecipeVersion(prisma, SHOP, "tops", defaultRecipeSpec("tops", { demo: false }), "user:7")).toMatchObject({ ok: false, errors: { modelReferenceIds: expect.stringContaining("upload or pick") } });
    expect(await saveRecipeVersion(prisma, SHOP, "tops", defaultRecipeSpec("tops", { demo: true }), "user:7", undefined, { demoProviderAllowed: false })).toMatchObject({
      ok: false,
      errors: { provider: expect.stringContaining("demo mode") },
    });
    expect(await saveRecipeVersion(prisma, SHOP, "no-such", defaultRecipeSpec("tops", { demo: true }), "user:7")).toMatchObject({ ok: false, errors: { category: expect.any(String) } });
    expect(await prisma.recipeVersion.count({ where: { shopId: SHOP } })).toBe(before);
    expect(await prisma.auditEvent.count({ where: { shopId: SHOP } })).toBe(audits);
  });

  it("keeps a quality-gate override in the next version with the defaults elsewhere, and refuses a reject threshold on the wrong side of its flag", async () => {
    const v1 = await resolveRecipeForProduct(prisma, SHOP, { productType: "Knitwear", tags: [] }, { demo: false });
    expect(v1).toMatchObject({ categoryKey: "knitwear", version: 1 });
    expect(v1.spec.qc).toEqual(DEFAULT_QC_RECIPE);

    const base = { ...defaultRecipeSpec("knitwear", { demo: false }), operation: "product-to-model", model: "product-to-model" };
    const override = { flag: 2, reject: 4.5 };
    const saved = await saveRecipeVersion(prisma, SHOP, "knitwear", { ...base, qc: { thresholds: { "garment-colour": override }, autoRegenerate: 3 } }, "user:7", "Stricter colour for knits");
    expect(saved).toMatchObject({ ok: true, version: 2 });

    const v2 = await resolveRecipeForProduct(prisma, SHOP, { productType: "Knitwear", tags: [] }, { demo: false });
    expect(v2.version).toBe(2);
    expect(v2.spec.qc).toEqual({ thresholds: { "garment-colour": override }, autoRegenerate: 3 });
    // The stored version holds only the override; every other check reads its default.
    const row = await prisma.recipeVersion.findUniqueOrThrow({ where: { id: v2.recipeVersionId } });
    expect((row.spec as { qc: unknown }).qc).toEqual({ thresholds: { "garment-colour": override }, autoRegenerate: 3 });
    for (const check of QC_CHECK_IDS) expect(thresholdFor(v2.spec.qc, check)).toEqual(check === "garment-colour" ? override : defaultThreshold(check));
    // Version 1 still says which thresholds applied to what it made.
    expect(recipeSpecOf(await prisma.recipeVersion.findUniqueOrThrow({ where: { id: v1.recipeVersionId } })).qc).toEqual(DEFAULT_QC_RECIPE);
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { shopId: SHOP, action: "recipes.version.saved", data: { path: ["recipeVersionId"], equals: v2.recipeVersionId } } });
    expect(Object.keys((audit.data as { changed: Record<string, unknown> }).changed).sort()).toEqual(["model", "operation", "qc"]);

    const versions = await prisma.recipeVersion.count({ where: { shopId: SHOP } });
    const refused = await saveRecipeVersion(
      prisma,
      SHOP,
      "knitwear",
      { ...base, qc: { thresholds: { "garment-colour": override, sharpness: { flag: 60, reject: 70 }, "edge-halo": { flag: 8, reject: 4 } }, autoRegenerate: 6 } },
      "user:7",
    );
    expect(refused).toEqual({
      ok: false,
      errors: {
        // Sharpness gets worse downwards, edge halo upwards: each is told its own way round.
        "qc.thresholds.sharpness.reject": "must be at or below the flag threshold (60): a reject is worse than a flag",
        "qc.thresholds.edge-halo.reject": "must be at or above the flag threshold (8): a reject is worse than a flag",
        "qc.autoRegenerate": "must be at most 5: more regenerations cost more than a reviewer's look",
      },
    });
    // Through the page's form: an emptied-out number arrives as null and is named on its field.
    const form = new FormData();
    form.set("intent", "save-recipe");
    form.set("categoryKey", "knitwear");
    form.set("payload", JSON.stringify({ ...base, qc: { thresholds: { exposure: { flag: Number.NaN, reject: 6 } }, autoRegenerate: 1 } }));
    expect(await submitRecipesForm(new Request("https://shotlane.test/app/recipes", { method: "POST", body: form }), { shop: SHOP, actor: "user:7", demo: false })).toEqual({
      intent: "save-recipe",
      ok: false,
      errors: { "qc.thresholds.exposure.flag": "enter the score at which the check flags" },
    });
    expect(await prisma.recipeVersion.count({ where: { shopId: SHOP } })).toBe(versions);
  });

  it("accepts a real PNG as model reference, refuses HTML named .png and a 100×100 image, and serves it by signed URL", async () => {
    const bytes = await png(640, 960);
    const uploaded = await uploadModelReference(prisma, SHOP, file(bytes, "ava.png", "image/png"), " Ava front ", "user:7");
    if (!uploaded.ok) throw new Error(JSON.stringify(uploaded.errors));
    expect(uploaded.modelReference).toMatchObject({ name: "Ava front", width: 640, height: 960 });

    const html = await uploadModelReference(prisma, SHOP, file("<!doctype html><html><body>hi</body></html>", "ava.png", "image/png"), "Ava", "user:7");
    expect(html).toEqual({ ok: false, errors: { file: expect.stringMatching(/^the file is named as image\/png but the bytes are .*: upload a real PNG, JPEG or WebP image$/) } });
    const tiny = await uploadModelReference(prisma, SHOP, file(await png(100, 100), "tiny.png", "image/png"), "Tiny", "user:7");
    expect(tiny).toEqual({ ok: false, errors: { file: "the image is 100×100: use an image at least 512 pixels on its short side" } });
    expect(await uploadModelReference(prisma, SHOP, file("x", "notes.txt", "text/plain"), "", "user:7")).toEqual({
      ok: false,
      errors: { name: expect.stringContaining("give the model reference a name"), file: "upload a PNG, JPEG or WebP image (this file is text/plain)" },
    });
    expect(await prisma.modelReference.count({ where: { shopId: SHOP } })).toBe(1);
    expect(await prisma.auditEvent.count({ where: { shopId: SHOP, action: "recipes.model-reference.uploaded" } })).toBe(1);

    // A real try-on may now be saved with it; another shop's reference is refused.
    const tops = { ...defaultRecipeSpec("tops", { demo: false }), modelReferenceIds: [uploaded.modelReference.id] };
    expect(await saveRecipeVersion(prisma, SHOP, "tops", tops, "user:7")).toMatchObject({ ok: true, version: 2 });
    expect(await saveRecipeVersion(prisma, OTHER_SHOP, "tops", tops, "user:7")).toMatchObject({ ok: false, errors: { modelReferenceIds: expect.stringContaining("not in this shop") } });

    const row = await prisma.modelReference.findUniqueOrThrow({ where: { id: uploaded.modelReference.id } });
    const url = signedAssetUrl(row.storageKey, { expiresInSeconds: 300 });
    expect(url.startsWith(`${process.env.SHOPIFY_APP_URL}/files/sha256/`)).toBe(true);
    const served = await callFiles(url);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(served.headers.get("cache-control")).toMatch(/max-age=(2\d\d|300)\b/);
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);

    const tampered = new URL(url);
    tampered.searchParams.set("expires", String(Number(tampered.searchParams.get("expires")) + 60));
    expect((await callFiles(tampered.toString())).status).toBe(403);
    const expired = signedAssetUrl(row.storageKey, { expiresInSeconds: 60, now: Date.now() - 120_000 });
    const expiredResponse = await callFiles(expired);
    expect(expiredResponse.status).toBe(403);
    expect(await expiredResponse.text()).toBe("This link has expired");
    const missing = signedAssetUrl(`sha256/ab/ab${"1".repeat(62)}.png`);
    expect((await callFiles(missing)).status).toBe(404);
    expect((await callFiles(`${process.env.SHOPIFY_APP_URL}/files/..%2F..%2Fetc%2Fpasswd?expires=1&sig=x`)).status).toBe(404);
  });

  it("saves edited categories with validation and audit, and gives a new category its recipe", async () => {
    const listing = await listRecipes(prisma, SHOP);
    const categories = listing.map((r) => r.category);
    const bad = await saveGarmentCategories(prisma, SHOP, [...categories, { key: "tops", name: "", productTypes: [], tags: [] }], "user:7", { demo: false });
    expect(bad).toMatchObject({ ok: false, errors: { "categories.6.key": expect.stringContaining("used twice"), "categories.6.name": "give the category a name" } });

    const edited = [{ key: "swim", name: "Swimwear", productTypes: ["Swimwear"], tags: [] }, ...categories.filter((c) => c.key !== "accessories")];
    expect(await saveGarmentCategories(prisma, SHOP, edited, "user:7", { demo: false })).toEqual({ ok: true });
    const after = await listRecipes(prisma, SHOP);
    expect(after.map((r) => r.category.key)).toEqual(["swim", "tops", "bottoms", "dresses", "outerwear", "knitwear"]);
    expect(after[0]).toMatchObject({ currentVersion: 1, spec: defaultRecipeSpec("swim", { demo: false }) });
    expect((await resolveRecipeForProduct(prisma, SHOP, { productType: "swimwear", tags: [] }, { demo: false })).categoryKey).toBe("swim");
    // The removed category's recipe and versions stay for the assets that reference them.
    expect(await prisma.recipe.count({ where: { shopId: SHOP, categoryKey: "accessories" } })).toBe(1);
    expect(await prisma.auditEvent.count({ where: { shopId: SHOP, action: "recipes.categories.saved" } })).toBe(1);
  });

  it("picks a sample product per category for the prompt preview", async () => {
    await upsertMirrorProducts(prisma, SHOP, [
      mirrorProduct({ id: 1, title: "Linen Wrap Dress", productType: "Dresses", variants: [{ id: "gid://shopify/ProductVariant/101", title: "Sand / M", sku: "D1", priceCents: 9900, options: { Color: "Sand", Size: "M" }, position: 1 }] }),
      mirrorProduct({ id: 2, title: "Boxy Tee", productType: "Tops" }),
    ]);
    const samples = await sampleProductsByCategory(prisma, SHOP, (await listRecipes(prisma, SHOP)).map((r) => r.category));
    expect(samples.dresses).toMatchObject({ title: "Linen Wrap Dress", variants: [{ options: { Color: "Sand", Size: "M" } }] });
    expect(samples.tops.title).toBe("Boxy Tee");
    expect(samples.outerwear).toBeUndefined();
  });

  it("handles the page's forms: multipart upload with a size limit, recipe saves, unreadable payloads", async () => {
    const context = { shop: OTHER_SHOP, actor: "user:5", demo: true };
    const post = (form: FormData) => submitRecipesForm(new Request("https://shotlane.test/app/recipes", { method: "POST", body: form }), context);
    const upload = new FormData();
    upload.set("intent", "upload-model");
    upload.set("name", "Noor");
    upload.set("file", file(await png(512, 768), "noor.png", "image/png"));
    const uploaded = await post(upload);
    expect(uploaded).toMatchObject({ intent: "upload-model", ok: true, modelReference: { name: "Noor" } });

    const huge = new FormData();
    huge.set("intent", "upload-model");
    huge.set("name", "Huge");
    huge.set("file", file(Buffer.alloc(16 * 1024 * 1024, 1), "huge.png", "image/png"));
    expect(await post(huge)).toEqual({ intent: "upload-model", ok: false, errors: { file: "the file is larger than 15 MB: upload a smaller image" } });

    const page = await loadRecipesPage(OTHER_SHOP, true, new URLSearchParams("category=dresses"));
    expect(page.selectedKey).toBe("dresses");
    expect(page.providers.map((p) => p.id)).toContain("demo");
    expect(page.modelReferences.map((r) => r.name)).toEqual(["Noor"]);
    expect(page.modelReferences[0].url).toMatch(/\/files\/sha256\/.+\?expires=\d+&sig=/);
    const dresses = page.recipes.find((r) => r.category.key === "dresses")!;

    const save = new FormData();
    save.set("intent", "save-recipe");
    save.set("categoryKey", "dresses");
    save.set("note", "Noor as the model");
    save.set("payload", JSON.stringify({ ...dresses.spec, modelReferenceIds: page.modelReferences.map((r) => r.id) }));
    expect(await post(save)).toEqual({ intent: "save-recipe", ok: true, version: 2 });
    save.set("payload", "{not json");
    expect(await post(save)).toEqual({ intent: "save-recipe", ok: false, errors: { form: "the form could not be read (invalid JSON): reload the page and try again" } });
    const unknown = new FormData();
    unknown.set("intent", "delete-everything");
    expect(await post(unknown)).toMatchObject({ intent: "form", ok: false, errors: { form: "unknown form: reload the page and try again" } });
    // Outside demo mode the demo provider is not offered.
    expect((await loadRecipesPage(OTHER_SHOP, false, new URLSearchParams())).providers.map((p) => p.id)).not.toContain("demo");
  });

  it("authenticates the page's loader and action (no session token, no access)", async () => {
    const versions = await prisma.recipeVersion.count();
    const loaderRefusal = await refusedResponse(() => recipesLoader({ request: new Request("https://shotlane.test/app/recipes?shop=recipes-test.myshopify.com"), params: {}, context: {} }));
    expect(loaderRefusal.status).toBeGreaterThanOrEqual(300);
    const form = new FormData();
    form.set("intent", "save-recipe");
    form.set("categoryKey", "tops");
    form.set("payload", JSON.stringify(defaultRecipeSpec("tops", { demo: true })));
    const actionRefusal = await refusedResponse(() =>
      recipesAction({ request: new Request("https://shotlane.test/app/recipes", { method: "POST", body: form, headers: { Authorization: "Bearer not-a-token" } }), params: {}, context: {} }),
    );
    expect(actionRefusal.status).toBe(401);
    expect(await prisma.recipeVersion.count()).toBe(versions);
  });
});
