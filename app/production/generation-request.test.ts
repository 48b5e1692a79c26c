import { describe, expect, it } from "vitest";
import { defaultRecipeSpec } from "../recipes/garment-category";
import type { PromptProduct } from "../recipes/prompt-template";
import { buildGenerationRequest, planCandidates, variantIndexOfColour } from "./generation-request";

const product: PromptProduct = {
  title: "Linen Wrap Dress",
  productType: "Dresses",
  vendor: "Atelier Nord",
  tags: [],
  variants: [{ options: { Color: "Black", Size: "S" } }, { options: { Color: "Black", Size: "M" } }, { options: { Colour: "Sand", Size: "S" } }, { options: { Size: "XL" } }],
};
const spec = { ...defaultRecipeSpec("dresses", { demo: false }), operation: "product-to-model" as const, model: "product-to-model", promptTemplate: "{title} in {colour}, {view}" };
const candidate = { kind: "image", operation: "product-to-model", model: "product-to-model", seed: 1000, view: "front", pose: "standing-front" };

describe("variantIndexOfColour", () => {
  it("finds the first variant of the colourway, whatever the option's spelling or the value's case", () => {
    expect(variantIndexOfColour(product, "Black")).toBe(0);
    expect(variantIndexOfColour(product, "sand")).toBe(2);
  });

  it("falls back to the first variant without a colour or when no variant has it", () => {
    expect(variantIndexOfColour(product, null)).toBe(0);
    expect(variantIndexOfColour(product, undefined)).toBe(0);
    expect(variantIndexOfColour(product, "Navy")).toBe(0);
  });
});

describe("buildGenerationRequest", () => {
  it("writes the candidate's colourway into the prompt", () => {
    const sand = buildGenerationRequest({ spec, product, candidate: { ...candidate, colour: "Sand" }, sourceImageUrl: "https://cdn.example/sand.jpg", modelImageUrl: "https://app.example/files/studio-black" });
    expect(sand).toMatchObject({ prompt: "Linen Wrap Dress in Sand, front", sourceImageUrl: "https://cdn.example/sand.jpg", modelImageUrl: "https://app.example/files/studio-black", seed: 1000, view: "front" });
  });

  it("uses the first variant's colour as before for candidates without a colour or of the first colourway", () => {
    expect(buildGenerationRequest({ spec, product, candidate, sourceImageUrl: "https://cdn.example/a.jpg" }).prompt).toBe("Linen Wrap Dress in Black, front");
    expect(buildGenerationRequest({ spec, product, candidate: { ...candidate, colour: null }, sourceImageUrl: "https://cdn.example/a.jpg" }).prompt).toBe("Linen Wrap Dress in Black, front");
    expect(buildGenerationRequest({ spec, product, candidate: { ...candidate, colour: "Black" }, sourceImageUrl: "https://cdn.example/a.jpg" }).modelImageUrl).toBeUndefined();
  });
});

describe("planCandidates", () => {
  it("plans the recipe's candidates per view and refuses a view the recipe lacks, with the fix", () => {
    const front = planCandidates(spec, "on-model-front");
    expect(front.ok && front.plan.seeds.length).toBe(spec.candidatesPerView);
    expect(planCandidates({ ...spec, views: spec.views.filter((v) => v.asset !== "detail") }, "detail")).toEqual({ ok: false, reason: "the category's recipe has no view for detail: add one in Brand recipes" });
  });
});
