import { describe, expect, it } from "vitest";
import { ASSET_KINDS } from "../production/production-plan";
import { defaultRecipeSpec } from "./garment-category";
import { checkRecipeContext, parseRecipeSpec, recipeSpecSchema, VIEW_ASSET_KINDS, type RecipeSpec } from "./recipe-spec";

const base = (): RecipeSpec => defaultRecipeSpec("tops", { demo: false });
const errorsOf = (input: unknown) => {
  const parsed = parseRecipeSpec(input);
  if (parsed.ok) throw new Error("expected the spec to be refused");
  return parsed.errors;
};

describe("recipeSpecSchema", () => {
  it("covers every image asset kind of a plan (video has its own settings)", () => {
    expect([...VIEW_ASSET_KINDS, "video"].sort()).toEqual([...ASSET_KINDS].sort());
  });

  it("fills defaults for candidates, extras and the output video spec", () => {
    const { candidatesPerView: _c, extra: _e, ...rest } = base();
    const parsed = recipeSpecSchema.parse({ ...rest, output: { image: rest.output.image, video: {} } });
    expect(parsed.candidatesPerView).toBe(3);
    expect(parsed.extra).toEqual({});
    expect(parsed.output.video.width).toBe(720);
  });

  it("names each bad field and says what to do", () => {
    const spec = base();
    const errors = errorsOf({
      ...spec,
      provider: "midjourney",
      views: [{ asset: "video", view: "top", pose: "dab" }],
      lighting: "neon",
      background: "purple",
      promptTemplate: "{title} in {color}",
      seedPolicy: { mode: "fixed", seed: -1 },
      candidatesPerView: 9,
      output: { image: { width: 100, height: 2500, format: "gif" }, video: {} },
      extra: "lora",
    });
    expect(errors).toMatchObject({
      provider: expect.stringContaining("choose a provider: fashn, fal"),
      "views.0.asset": expect.stringContaining("choose an asset"),
      "views.0.view": expect.stringContaining("choose a view: front, back"),
      "views.0.pose": expect.stringContaining("choose a pose preset"),
      lighting: expect.stringContaining("soft-daylight"),
      background: expect.stringContaining("#f4f1ec"),
      promptTemplate: expect.stringContaining("{color} (did you mean {colour}?)"),
      "seedPolicy.seed": "must be a whole number from 0 to 2147483647",
      candidatesPerView: "choose 1 to 4 candidates per view",
      "output.image.width": "must be at least 256 pixels",
      "output.image.format": "choose png or jpeg",
      extra: expect.stringContaining("must be a JSON object"),
    });
  });

  it("checks the provider can do the operation with that model, one view per asset, and the video provider", () => {
    const spec = base();
    expect(errorsOf({ ...spec, provider: "comfyui", model: "brand-lora", operation: "try-on" })).toEqual({ operation: "ComfyUI (self-hosted) cannot do try-on: choose product-to-model" });
    expect(errorsOf({ ...spec, provider: "runway" })).toEqual({ operation: "Runway makes video only: choose another image provider" });
    expect(errorsOf({ ...spec, model: "tryon-v2" })).toEqual({ model: 'FASHN runs try-on with model "tryon-v1.6": set the model to it' });
    expect(errorsOf({ ...spec, views: [spec.views[0], spec.views[0]] })).toEqual({ "views.1.asset": "on-model-front is listed twice: keep one view per asset" });
    expect(errorsOf({ ...spec, video: { ...spec.video, provider: "fashn" } })).toEqual({ "video.provider": "FASHN does not make video: choose fal, runway, demo" });
    expect(errorsOf({ ...spec, video: { ...spec.video, durationSeconds: 0.5 } })).toMatchObject({ "video.durationSeconds": "must be at least 1 second" });
    expect(errorsOf({ ...spec, seedPolicy: { mode: "sometimes" } })).toEqual({ "seedPolicy.mode": "choose a seed policy: fixed, per-candidate or random" });
    expect(parseRecipeSpec({ ...spec, provider: "replicate", model: "a1b2c3", operation: "product-to-model", video: null, extra: { loraName: "brand.safetensors", custom: [1] } }).ok).toBe(true);
  });

  it("refuses stray braces in the template", () => {
    expect(errorsOf({ ...base(), promptTemplate: "{title} in {colour" })).toEqual({ promptTemplate: "a { or } has no partner: write placeholders as {title}" });
  });
});

describe("checkRecipeContext", () => {
  it("allows the demo provider only where demo mode allows it", () => {
    const demo = defaultRecipeSpec("tops", { demo: true });
    expect(checkRecipeContext(demo, { demoProviderAllowed: true, modelReferenceIds: new Set() })).toEqual({});
    expect(Object.keys(checkRecipeContext(demo, { demoProviderAllowed: false, modelReferenceIds: new Set() }))).toEqual(["provider", "video.provider"]);
  });

  it("needs model references of this shop, and at least one for a real try-on", () => {
    const spec = base();
    expect(checkRecipeContext(spec, { demoProviderAllowed: false, modelReferenceIds: new Set(["m1"]) })).toEqual({
      modelReferenceIds: expect.stringContaining("upload or pick at least one model reference image"),
    });
    expect(checkRecipeContext({ ...spec, modelReferenceIds: ["m1"] }, { demoProviderAllowed: false, modelReferenceIds: new Set(["m1"]) })).toEqual({});
    expect(checkRecipeContext({ ...spec, modelReferenceIds: ["m2"] }, { demoProviderAllowed: false, modelReferenceIds: new Set(["m1"]) })).toEqual({
      modelReferenceIds: "1 model reference is not in this shop (deleted?): pick from the list or upload one",
    });
    expect(checkRecipeContext({ ...spec, operation: "product-to-model", model: "product-to-model" }, { demoProviderAllowed: false, modelReferenceIds: new Set() })).toEqual({});
  });
});
