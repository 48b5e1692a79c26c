import type { GenerationOperation, GenerationRequest, ProviderId } from "../providers/provider";
import { colourOf, renderPrompt, seedFor, type PromptProduct } from "../recipes/prompt-template";
import type { RecipeSpec } from "../recipes/recipe-spec";
import { sameColour } from "./colourway-plan";

/** How one planned AI asset is made under a recipe: which provider, which view, how many candidates. */
export interface CandidatePlan {
  kind: "image" | "video";
  provider: ProviderId;
  model: string;
  operation: GenerationOperation;
  view: string | null;
  pose: string | null;
  /** Position of the view in the recipe, so per-candidate seeds differ between views. */
  viewIndex: number;
  seeds: (number | undefined)[];
}

export type CandidatePlanResult = { ok: true; plan: CandidatePlan } | { ok: false; reason: string };

/**
 * What the recipe says for one planned asset. A video is one clip; an image
 * view is `candidatesPerView` candidates with the seed policy's seeds. A plan
 * asking for something the recipe does not cover is refused with the fix.
 */
export function planCandidates(spec: RecipeSpec, asset: string): CandidatePlanResult {
  if (asset === "video") {
    if (!spec.video) return { ok: false, reason: "the category's recipe has no video brief: add one in Brand recipes" };
    return { ok: true, plan: { kind: "video", provider: spec.video.provider, model: spec.video.model, operation: "image-to-video", view: null, pose: null, viewIndex: spec.views.length, seeds: [seedFor(spec.seedPolicy, 0, spec.views.length)] } };
  }
  const viewIndex = spec.views.findIndex((v) => v.asset === asset);
  if (viewIndex < 0) return { ok: false, reason: `the category's recipe has no view for ${asset}: add one in Brand recipes` };
  const view = spec.views[viewIndex];
  const seeds = Array.from({ length: spec.candidatesPerView }, (_, i) => seedFor(spec.seedPolicy, i, viewIndex));
  return { ok: true, plan: { kind: "image", provider: spec.provider, model: spec.model, operation: spec.operation, view: view.view, pose: view.pose, viewIndex, seeds } };
}

export interface RequestInputs {
  spec: RecipeSpec;
  product: PromptProduct;
  candidate: { kind: string; operation: string; model: string; seed: number | null; view: string | null; pose: string | null; colour?: string | null };
  /** A URL the provider can fetch: the garment (the flat-lay, or the colourway's own image) for images; the best still (or the flat-lay) for video. */
  sourceImageUrl: string;
  /** The recipe's model reference, or a studio shot of another colourway (docs/decisions/0025). */
  modelImageUrl?: string;
}

/** The first variant of a colourway, so the prompt's {colour} names the candidate's colour; the first variant when none has it. */
export function variantIndexOfColour(product: PromptProduct, colour: string | null | undefined): number {
  if (!colour) return 0;
  const index = product.variants.findIndex((_, i) => sameColour(colourOf(product, i), colour));
  return index < 0 ? 0 : index;
}

/** The provider request for one candidate, from its recipe version and the product. */
export function buildGenerationRequest(inputs: RequestInputs): GenerationRequest {
  const { spec, product, candidate } = inputs;
  const context = { view: candidate.view ?? undefined, pose: candidate.pose ?? undefined, lighting: spec.lighting, background: spec.background, variantIndex: variantIndexOfColour(product, candidate.colour) };
  if (candidate.kind === "video") {
    const video = spec.video;
    return {
      operation: "image-to-video",
      model: candidate.model,
      sourceImageUrl: inputs.sourceImageUrl,
      prompt: renderPrompt(video?.motionBrief ?? "", product, context),
      negativePrompt: spec.negativePrompt || undefined,
      seed: candidate.seed ?? undefined,
      durationSeconds: video?.durationSeconds,
      aspectRatio: video?.aspectRatio,
      background: spec.background,
      extra: spec.extra,
    };
  }
  return {
    operation: candidate.operation as GenerationOperation,
    model: candidate.model,
    sourceImageUrl: inputs.sourceImageUrl,
    modelImageUrl: inputs.modelImageUrl,
    prompt: renderPrompt(spec.promptTemplate, product, context),
    negativePrompt: spec.negativePrompt || undefined,
    seed: candidate.seed ?? undefined,
    view: candidate.view ?? undefined,
    pose: candidate.pose ?? undefined,
    lighting: spec.lighting,
    background: spec.background,
    outputFormat: spec.output.image.format,
    // Providers render at their own native size (FASHN 864×1296); the recipe's output sizes are for post-production.
    extra: spec.extra,
  };
}
