import { z } from "zod";
import { DEFAULT_POST_PRODUCTION_RECIPE } from "../imaging/post-production-recipe";
import { DEFAULT_QC_RECIPE } from "../qc/qc-check";
import { parseVideoSpec } from "../video/video-spec";
import type { RecipeSpec, RecipeView } from "./recipe-spec";

/**
 * Garment categories: which recipe a product gets, from its product type or
 * tags. Ordered; the first match wins. Pure.
 */

export interface GarmentCategoryMapping {
  key: string;
  name: string;
  productTypes: string[];
  tags: string[];
}

/** The defaults cover every product type of the demo catalog (emulator/seed-catalog.ts) and common synonyms. */
export const DEFAULT_CATEGORIES: readonly GarmentCategoryMapping[] = [
  { key: "tops", name: "Tops", productTypes: ["Tops", "T-Shirts", "Shirts", "Blouses", "Tanks"], tags: ["category:tops"] },
  { key: "bottoms", name: "Bottoms", productTypes: ["Bottoms", "Denim", "Jeans", "Trousers", "Pants", "Shorts", "Skirts"], tags: ["category:bottoms"] },
  { key: "dresses", name: "Dresses and one-pieces", productTypes: ["Dresses", "Jumpsuits", "Swimwear"], tags: ["category:dresses"] },
  { key: "outerwear", name: "Outerwear", productTypes: ["Outerwear", "Coats", "Jackets"], tags: ["category:outerwear"] },
  { key: "knitwear", name: "Knitwear", productTypes: ["Knitwear", "Sweaters", "Cardigans"], tags: ["category:knitwear"] },
  { key: "accessories", name: "Accessories", productTypes: ["Accessories", "Bags", "Scarves", "Hats"], tags: ["category:accessories"] },
];

const lower = (value: string) => value.trim().toLowerCase();

/** The key of the first category whose product types include the product's type, or whose tags meet the product's tags (both case-insensitive). */
export function categoryForProduct(categories: readonly Pick<GarmentCategoryMapping, "key" | "productTypes" | "tags">[], product: { productType: string; tags: readonly string[] }): string | null {
  const type = lower(product.productType);
  const tags = new Set(product.tags.map(lower));
  for (const category of categories) {
    if (type !== "" && category.productTypes.some((t) => lower(t) === type)) return category.key;
    if (category.tags.some((t) => tags.has(lower(t)))) return category.key;
  }
  return null;
}

const textList = (what: string) =>
  z
    .array(z.string({ error: `list ${what} as text` }).trim().min(1, `remove the empty ${what.replace(/s$/, "")}`).max(100, "use at most 100 characters"), { error: `list ${what} as text` })
    .max(100, `list at most 100 ${what}`);

export const garmentCategorySchema = z
  .object({
    key: z
      .string({ error: "give the category a key such as tops" })
      .trim()
      .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "use 1-40 lowercase letters, digits or dashes, e.g. tops or wide-leg"),
    name: z.string({ error: "give the category a name" }).trim().min(1, "give the category a name").max(80, "use at most 80 characters"),
    productTypes: textList("product types"),
    tags: textList("tags"),
  })
  .refine((c) => c.productTypes.length + c.tags.length > 0, { message: "list at least one product type or tag, or the category matches nothing", path: ["productTypes"] });

export const garmentCategoriesSchema = z
  .array(garmentCategorySchema, { error: "send the categories as a list" })
  .min(1, "keep at least one category: products that match none use the first")
  .max(30, "use at most 30 categories")
  .superRefine((categories, ctx) => {
    const seen = new Set<string>();
    categories.forEach((category, index) => {
      if (seen.has(category.key)) ctx.addIssue({ code: "custom", path: [index, "key"], message: `the key ${category.key} is used twice: give each category its own key` });
      seen.add(category.key);
    });
  });

export function parseGarmentCategories(input: unknown): { ok: true; categories: GarmentCategoryMapping[] } | { ok: false; errors: Record<string, string> } {
  const parsed = garmentCategoriesSchema.safeParse(input);
  if (parsed.success) return { ok: true, categories: parsed.data };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) errors[["categories", ...issue.path.map(String)].join(".")] ??= issue.message;
  return { ok: false, errors };
}

/** One view per plan asset kind the AI lane can be asked for. */
const DEFAULT_VIEWS: readonly RecipeView[] = [
  { asset: "on-model-front", view: "front", pose: "standing-front" },
  { asset: "on-model-back", view: "back", pose: "standing-back" },
  { asset: "on-model-side", view: "side", pose: "three-quarter-left" },
  { asset: "packshot", view: "flat", pose: "ghost-mannequin" },
  { asset: "detail", view: "detail", pose: "detail-close-up" },
  { asset: "lifestyle", view: "front", pose: "walking" },
];

const WORN: Readonly<Record<string, string>> = { accessories: "carried by the brand model" };
/** What the studio reads on a shot list for the category (issue #8); the merchant edits it in the recipe. */
const STYLING: Readonly<Record<string, string>> = {
  dresses: "Steam before the shoot; belt at the natural waist; hem clear of the floor.",
  outerwear: "Shoot closed, then open; collar down; sleeves rolled once for the detail shot.",
  accessories: "Stuff bags to shape; straps visible; no model hands in the packshot.",
};
const MOTION: Readonly<Record<string, string>> = {
  dresses: "slow half turn, the skirt moving gently",
  outerwear: "a step forward, coat opening slightly",
  accessories: "slow push-in on the product, gentle light sweep",
};

/** A category's first recipe: sensible, valid (recipeSpecSchema accepts it), and honest about the demo provider. */
export function defaultRecipeSpec(categoryKey: string, options: { demo: boolean }): RecipeSpec {
  const demo = options.demo;
  const durationSeconds = demo ? 3 : 5;
  return {
    provider: demo ? "demo" : "fashn",
    model: demo ? "demo-compose" : "tryon-v1.6",
    operation: "try-on",
    modelReferenceIds: [],
    views: DEFAULT_VIEWS.map((v) => ({ ...v })),
    lighting: "soft-daylight",
    background: "studio-white",
    promptTemplate: `{title} in {colour}, {fabric}, ${WORN[categoryKey] ?? "worn by the brand model"}, {pose}, {lighting} light, {background} background`,
    negativePrompt: "distorted hands, extra fingers, warped logo, wrong colour, blurry fabric texture, watermark, text",
    seedPolicy: { mode: "per-candidate", base: 1000 },
    candidatesPerView: 3,
    video: {
      provider: demo ? "demo" : "fal",
      model: demo ? "demo-zoom-pan" : "fal-ai/kling-video/v2.1/standard/image-to-video",
      motionBrief: MOTION[categoryKey] ?? "slow turn to the left, fabric moving naturally",
      durationSeconds,
      aspectRatio: "9:16",
    },
    output: {
      image: { width: 2000, height: 2500, format: "png" },
      video: parseVideoSpec({ durationSeconds, width: 720, height: 1280 }),
    },
    extra: {},
    // Worn garments stand on one hem/feet line across the catalog; accessories sit centred.
    postProduction: { ...structuredClone(DEFAULT_POST_PRODUCTION_RECIPE), align: categoryKey === "accessories" ? "center" : "bottom" },
    qc: structuredClone(DEFAULT_QC_RECIPE),
    stylingNotes: STYLING[categoryKey] ?? "",
    studioReference: false,
  };
}
