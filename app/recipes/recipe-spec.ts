import { z } from "zod";
import type { AssetKind } from "../production/production-plan";
import type { GenerationOperation, ProviderId } from "../providers/provider";
import { PROVIDER_IDS } from "../providers/provider";
import { videoSpecSchema } from "../video/video-spec";
import { DEFAULT_POST_PRODUCTION_RECIPE, postProductionRecipeSchema } from "../imaging/post-production-recipe";
import { DEFAULT_QC_RECIPE, qcRecipeSchema } from "../qc/qc-check";
import { describeUnknownPlaceholders, hasStrayBraces, MAX_SEED, validatePromptTemplate } from "./prompt-template";

/**
 * A brand recipe: how the AI lane makes one garment category's images and
 * video. Stored as RecipeVersion.spec (immutable); the production pipeline
 * reads exactly these fields. Pure (no I/O), shared by the editor and the server.
 */

/** Plan asset kinds a recipe view can make; video comes from the recipe's video settings instead. */
export const VIEW_ASSET_KINDS = ["on-model-front", "on-model-back", "on-model-side", "packshot", "detail", "lifestyle"] as const satisfies readonly AssetKind[];
export type ViewAssetKind = (typeof VIEW_ASSET_KINDS)[number];
export const VIEW_NAMES = ["front", "back", "side", "detail", "flat"] as const;
export const POSE_PRESETS = [
  "standing-front",
  "standing-back",
  "three-quarter-left",
  "three-quarter-right",
  "profile-left",
  "profile-right",
  "walking",
  "hands-on-hips",
  "seated",
  "flat-lay",
  "ghost-mannequin",
  "detail-close-up",
] as const;
export const LIGHTING_PRESETS = ["soft-daylight", "studio-softbox", "hard-flash", "golden-hour"] as const;
export const BACKGROUND_PRESETS = ["studio-white", "warm-grey", "stone"] as const;
export const VIDEO_ASPECT_RATIOS = ["9:16", "16:9", "1:1", "3:4"] as const;
export const IMAGE_OPERATIONS = ["try-on", "product-to-model"] as const;
export const MAX_CANDIDATES_PER_VIEW = 4;
/** Shopify takes product images up to about 20 megapixels (same limit as the result check). */
const MAX_IMAGE_PIXELS = 20_000_000;
const MAX_IMAGE_EDGE = 4472;

export interface ProviderCapability {
  label: string;
  imageOperations: readonly (typeof IMAGE_OPERATIONS)[number][];
  video: boolean;
  /** The one model the adapter runs for an operation, where it insists on it. */
  fixedModels: Partial<Record<GenerationOperation, string>>;
  /** Shown as hints in the editor. */
  suggestedModels: { image: readonly string[]; video: readonly string[] };
}

/** What each adapter can do (mirrors the adapters' `operations` and model checks in app/providers). */
export const PROVIDER_CAPABILITIES: Readonly<Record<ProviderId, ProviderCapability>> = {
  fashn: {
    label: "FASHN",
    imageOperations: ["try-on", "product-to-model"],
    video: false,
    fixedModels: { "try-on": "tryon-v1.6", "product-to-model": "product-to-model" },
    suggestedModels: { image: ["tryon-v1.6", "product-to-model"], video: [] },
  },
  fal: {
    label: "fal",
    imageOperations: ["try-on"],
    video: true,
    fixedModels: { "try-on": "fal-ai/fashn/tryon/v1.6", "image-to-video": "fal-ai/kling-video/v2.1/standard/image-to-video" },
    suggestedModels: { image: ["fal-ai/fashn/tryon/v1.6"], video: ["fal-ai/kling-video/v2.1/standard/image-to-video"] },
  },
  replicate: {
    label: "Replicate",
    imageOperations: ["try-on", "product-to-model"],
    video: false,
    fixedModels: {},
    suggestedModels: { image: [], video: [] },
  },
  comfyui: {
    label: "ComfyUI (self-hosted)",
    imageOperations: ["product-to-model"],
    video: false,
    fixedModels: {},
    suggestedModels: { image: ["brand-lora"], video: [] },
  },
  runway: {
    label: "Runway",
    imageOperations: [],
    video: true,
    fixedModels: {},
    suggestedModels: { image: [], video: ["gen4_turbo", "gen3a_turbo"] },
  },
  demo: {
    label: "Demo provider (local composition, not AI)",
    imageOperations: ["try-on", "product-to-model"],
    video: true,
    fixedModels: { "try-on": "demo-compose", "product-to-model": "demo-compose", "image-to-video": "demo-zoom-pan" },
    suggestedModels: { image: ["demo-compose"], video: ["demo-zoom-pan"] },
  },
};

const provider = z.enum(PROVIDER_IDS as [ProviderId, ...ProviderId[]], { error: `choose a provider: ${PROVIDER_IDS.join(", ")}` });
const modelId = z
  .string({ error: "enter the provider's model id, e.g. tryon-v1.6" })
  .trim()
  .min(1, "enter the provider's model id, e.g. tryon-v1.6")
  .max(200, "use at most 200 characters");
const seed = z
  .number({ error: `must be a whole number from 0 to ${MAX_SEED}` })
  .int(`must be a whole number from 0 to ${MAX_SEED}`)
  .min(0, `must be a whole number from 0 to ${MAX_SEED}`)
  .max(MAX_SEED, `must be a whole number from 0 to ${MAX_SEED}`);
const imageEdge = z
  .number({ error: `must be a whole number of pixels from 256 to ${MAX_IMAGE_EDGE}` })
  .int(`must be a whole number of pixels from 256 to ${MAX_IMAGE_EDGE}`)
  .min(256, `must be at least 256 pixels`)
  .max(MAX_IMAGE_EDGE, `must be at most ${MAX_IMAGE_EDGE} pixels (Shopify's image limit)`);

export const viewSchema = z.object({
  asset: z.enum(VIEW_ASSET_KINDS, { error: `choose an asset: ${VIEW_ASSET_KINDS.join(", ")} (video has its own settings)` }),
  view: z.enum(VIEW_NAMES, { error: `choose a view: ${VIEW_NAMES.join(", ")}` }),
  pose: z.enum(POSE_PRESETS, { error: `choose a pose preset: ${POSE_PRESETS.join(", ")}` }),
});

export const seedPolicySchema = z.discriminatedUnion(
  "mode",
  [z.object({ mode: z.literal("fixed"), seed }), z.object({ mode: z.literal("per-candidate"), base: seed }), z.object({ mode: z.literal("random") })],
  { error: "choose a seed policy: fixed, per-candidate or random" },
);

export const videoSettingsSchema = z.object({
  provider,
  model: modelId,
  motionBrief: z
    .string({ error: "describe the motion, e.g. slow turn to the left, fabric moving" })
    .trim()
    .min(3, "describe the motion, e.g. slow turn to the left, fabric moving")
    .max(1000, "use at most 1000 characters"),
  durationSeconds: z.number({ error: "must be a number of seconds, e.g. 5" }).min(1, "must be at least 1 second").max(60, "must be at most 60 seconds"),
  aspectRatio: z.enum(VIDEO_ASPECT_RATIOS, { error: `choose an aspect ratio: ${VIDEO_ASPECT_RATIOS.join(", ")}` }),
});

/** Provider-specific settings, checked only for shape: each adapter validates its own keys when it runs. */
const extraSchema = z
  .looseObject({
    loraName: z.string({ error: "must be the LoRA file name, e.g. brand-model.safetensors" }).min(1, "must be the LoRA file name").optional(),
    loraStrength: z.number({ error: "must be a number from 0 to 2" }).min(0, "must be from 0 to 2").max(2, "must be from 0 to 2").optional(),
    checkpoint: z.string({ error: "must be a checkpoint file name" }).min(1, "must be a checkpoint file name").optional(),
    workflow: z.record(z.string(), z.unknown(), { error: "must be a ComfyUI API-format graph (a JSON object)" }).optional(),
  }, { error: "must be a JSON object of provider settings, e.g. {\"loraName\": \"brand.safetensors\"}" })
  .refine((value) => JSON.stringify(value).length <= 200_000, "is too large: keep provider settings under 200 kB");

const recipeSpecObject = z.object({
  provider,
  model: modelId,
  operation: z.enum(IMAGE_OPERATIONS, { error: "choose try-on (garment onto the brand model) or product-to-model" }),
  modelReferenceIds: z.array(z.string({ error: "pick model references from the list" }).min(1), { error: "pick model references from the list" }).max(8, "pick at most 8 model reference images"),
  views: z.array(viewSchema, { error: "add at least one view" }).min(1, "add at least one view").max(12, "use at most 12 views"),
  lighting: z.enum(LIGHTING_PRESETS, { error: `choose a lighting preset: ${LIGHTING_PRESETS.join(", ")}` }),
  background: z
    .string({ error: `choose a background preset (${BACKGROUND_PRESETS.join(", ")}) or a colour such as #f4f1ec` })
    .trim()
    .refine((v) => (BACKGROUND_PRESETS as readonly string[]).includes(v) || /^#[0-9a-fA-F]{6}$/.test(v), {
      message: `choose a background preset (${BACKGROUND_PRESETS.join(", ")}) or a colour such as #f4f1ec`,
    }),
  promptTemplate: z
    .string({ error: "write a prompt template, e.g. {title} in {colour}, worn by the brand model" })
    .trim()
    .min(10, "write a prompt template of at least 10 characters, e.g. {title} in {colour}, worn by the brand model")
    .max(2000, "use at most 2000 characters")
    .superRefine((template, ctx) => {
      const unknown = validatePromptTemplate(template);
      if (unknown.length) ctx.addIssue({ code: "custom", message: describeUnknownPlaceholders(unknown) });
      else if (hasStrayBraces(template)) ctx.addIssue({ code: "custom", message: "a { or } has no partner: write placeholders as {title}" });
    }),
  negativePrompt: z.string({ error: "must be text (it may be empty)" }).trim().max(1000, "use at most 1000 characters"),
  seedPolicy: seedPolicySchema,
  candidatesPerView: z
    .number({ error: `choose 1 to ${MAX_CANDIDATES_PER_VIEW} candidates per view` })
    .int(`choose 1 to ${MAX_CANDIDATES_PER_VIEW} candidates per view`)
    .min(1, `choose 1 to ${MAX_CANDIDATES_PER_VIEW} candidates per view`)
    .max(MAX_CANDIDATES_PER_VIEW, `choose 1 to ${MAX_CANDIDATES_PER_VIEW} candidates per view`)
    .default(3),
  video: videoSettingsSchema.nullable(),
  output: z.object({
    image: z
      .object({
        width: imageEdge,
        height: imageEdge,
        format: z.enum(["png", "jpeg"], { error: "choose png or jpeg" }),
      })
      .refine((image) => image.width * image.height <= MAX_IMAGE_PIXELS, { message: "width × height must be at most 20 megapixels (Shopify)", path: ["width"] }),
    video: videoSpecSchema,
  }),
  extra: extraSchema.default({}),
  /** Versions saved before post-production existed read as the defaults. */
  postProduction: postProductionRecipeSchema.default(DEFAULT_POST_PRODUCTION_RECIPE),
  /** Quality gates (issue #6): per-category thresholds and automatic regenerations; older versions read as the defaults. */
  qc: qcRecipeSchema.default(DEFAULT_QC_RECIPE),
  /** Studio lane (issue #8): what the studio reads on the shot list for this category; older versions read as none. */
  stylingNotes: z.string({ error: "must be text (it may be empty)" }).trim().max(2000, "use at most 2000 characters").default(""),
  /**
   * Use a studio shot of the product (one colourway) as the model reference
   * when AI makes the product's other colourways (each colourway's own image is
   * the garment; docs/decisions/0025); off by default.
   */
  studioReference: z.boolean({ error: "must be on or off" }).default(false),
});

/** Checks between fields: what the providers can do, one view per asset, a video that fits its output spec. */
export const recipeSpecSchema = recipeSpecObject.superRefine((spec, ctx) => {
  const capability = PROVIDER_CAPABILITIES[spec.provider];
  if (!capability.imageOperations.includes(spec.operation)) {
    const can = capability.imageOperations;
    ctx.addIssue({
      code: "custom",
      path: ["operation"],
      message: can.length ? `${capability.label} cannot do ${spec.operation}: choose ${can.join(" or ")}` : `${capability.label} makes video only: choose another image provider`,
    });
  } else {
    const fixed = capability.fixedModels[spec.operation];
    if (fixed && spec.model !== fixed) ctx.addIssue({ code: "custom", path: ["model"], message: `${capability.label} runs ${spec.operation} with model "${fixed}": set the model to it` });
  }
  const seen = new Set<string>();
  spec.views.forEach((view, index) => {
    if (seen.has(view.asset)) ctx.addIssue({ code: "custom", path: ["views", index, "asset"], message: `${view.asset} is listed twice: keep one view per asset` });
    seen.add(view.asset);
  });
  if (spec.video) {
    const videoCapability = PROVIDER_CAPABILITIES[spec.video.provider];
    if (!videoCapability.video) {
      ctx.addIssue({ code: "custom", path: ["video", "provider"], message: `${videoCapability.label} does not make video: choose ${PROVIDER_IDS.filter((id) => PROVIDER_CAPABILITIES[id].video).join(", ")}` });
    } else {
      const fixed = videoCapability.fixedModels["image-to-video"];
      if (fixed && spec.video.model !== fixed) ctx.addIssue({ code: "custom", path: ["video", "model"], message: `${videoCapability.label} makes video with model "${fixed}": set the model to it` });
    }
    const out = spec.output.video;
    if (spec.video.durationSeconds < out.minDurationSeconds || spec.video.durationSeconds > out.maxDurationSeconds) {
      ctx.addIssue({ code: "custom", path: ["video", "durationSeconds"], message: `must lie within the output video's ${out.minDurationSeconds}–${out.maxDurationSeconds} seconds` });
    }
  }
});

export type RecipeSpec = z.infer<typeof recipeSpecSchema>;
export type RecipeSpecInput = z.input<typeof recipeSpecSchema>;
export type RecipeView = z.infer<typeof viewSchema>;

export type FieldErrors = Record<string, string>;

/** Field path → first message, e.g. {"views.2.pose": "choose a pose preset: …"}. */
export function fieldErrorsOf(error: z.ZodError, prefix = ""): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) errors[[prefix, ...issue.path.map(String)].filter(Boolean).join(".") || "form"] ??= issue.message;
  return errors;
}

/** One message per top-level field (a bad weekday "workdays.1" is reported as "workdays"), for forms that show errors per field; `fallback` names an issue without a path. */
export function topFieldErrorsOf(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }, fallback = "form"): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) errors[String(issue.path[0] ?? fallback)] ??= issue.message;
  return errors;
}

export function parseRecipeSpec(input: unknown): { ok: true; spec: RecipeSpec } | { ok: false; errors: FieldErrors } {
  const parsed = recipeSpecSchema.safeParse(input);
  return parsed.success ? { ok: true, spec: parsed.data } : { ok: false, errors: fieldErrorsOf(parsed.error) };
}

export interface RecipeContext {
  /** The demo provider is for demo mode and tests only: it composes, it does not generate. */
  demoProviderAllowed: boolean;
  /** This shop's model reference ids. */
  modelReferenceIds: ReadonlySet<string>;
}

/** Checks that need the shop: its model references, and whether the demo provider may be used. */
export function checkRecipeContext(spec: RecipeSpec, context: RecipeContext): FieldErrors {
  const errors: FieldErrors = {};
  if (!context.demoProviderAllowed) {
    if (spec.provider === "demo") errors.provider = "the demo provider only composes images locally and is for demo mode: choose a real provider";
    if (spec.video?.provider === "demo") errors["video.provider"] = "the demo provider only animates locally and is for demo mode: choose a real video provider";
  }
  const unknown = spec.modelReferenceIds.filter((id) => !context.modelReferenceIds.has(id));
  if (unknown.length) errors.modelReferenceIds = `${unknown.length} model reference${unknown.length > 1 ? "s are" : " is"} not in this shop (deleted?): pick from the list or upload one`;
  else if (spec.operation === "try-on" && spec.provider !== "demo" && spec.modelReferenceIds.length === 0) {
    errors.modelReferenceIds = "try-on dresses the brand model: upload or pick at least one model reference image (or choose product-to-model)";
  }
  return errors;
}
