import { describe, expect, it } from "vitest";
import { colourOf, describeUnknownPlaceholders, fabricOf, hasStrayBraces, renderPrompt, seedFor, validatePromptTemplate, type PromptProduct } from "./prompt-template";

const shirt: PromptProduct = {
  title: "Relaxed Linen Shirt",
  productType: "Tops",
  vendor: "Atelier Nord",
  tags: ["bestseller"],
  variants: [{ options: { Color: "Sand", Size: "M" } }, { options: { Color: "Navy", Size: "L" } }],
};

describe("renderPrompt", () => {
  it("fills every placeholder from the product and the view context", () => {
    const text = renderPrompt("{title} in {colour}, {fabric}, {productType} by {vendor}, {view} view, {pose}, {lighting} light, {background} background", shirt, {
      view: "front",
      pose: "three-quarter-left",
      lighting: "soft-daylight",
      background: "studio-white",
    });
    expect(text).toBe("Relaxed Linen Shirt in Sand, linen, Tops by Atelier Nord, front view, three quarter left, soft daylight light, studio white background");
  });

  it("takes the colour of a given variant, and Colour/colour option names in any case", () => {
    expect(renderPrompt("{colour}", shirt, { variantIndex: 1 })).toBe("Navy");
    expect(colourOf({ ...shirt, variants: [{ options: { Size: "S", colour: "Rose" } }] })).toBe("Rose");
    expect(colourOf({ ...shirt, variants: [{ options: { COLOUR: "Ecru" } }] })).toBe("Ecru");
    expect(colourOf({ ...shirt, variants: [] })).toBe("");
  });

  it("finds the fabric in a fabric: tag first, else the earliest fabric word in the title", () => {
    expect(fabricOf({ ...shirt, tags: ["Fabric: Organic Linen"] })).toBe("organic linen");
    expect(fabricOf({ ...shirt, tags: ["material:wool"] })).toBe("wool");
    expect(fabricOf({ ...shirt, title: "Organic Cotton Tee" })).toBe("organic cotton");
    expect(fabricOf({ ...shirt, title: "Cashmere-Blend Cardigan" })).toBe("cashmere");
    expect(fabricOf({ ...shirt, title: "Silk Scarf with wool trim" })).toBe("silk");
    expect(fabricOf({ ...shirt, title: "Woolly Hat" })).toBe("");
    expect(fabricOf({ ...shirt, title: "Boxy Tee" })).toBe("");
  });

  it("renders missing values as empty without leaving double spaces or commas", () => {
    const tee = { ...shirt, title: "Boxy Tee", variants: [{ options: { Size: "M" } }] };
    expect(renderPrompt("{title} in {colour}, {fabric}, worn by the brand model,  {lighting} light", tee)).toBe("Boxy Tee in, worn by the brand model, light");
    expect(renderPrompt("{fabric}, {title}", tee)).toBe("Boxy Tee");
  });

  it("does not re-read braces that come from product data", () => {
    expect(renderPrompt("{title} {colour}", { ...shirt, title: "The {colour} Shirt" })).toBe("The {colour} Shirt Sand");
  });
});

describe("validatePromptTemplate", () => {
  it("returns each unknown placeholder once, in order", () => {
    expect(validatePromptTemplate("{title} in {colour}")).toEqual([]);
    expect(validatePromptTemplate("{title} in {color}, {material}, {color}, { title }")).toEqual(["color", "material", " title "]);
  });

  it("names the fix, with a suggestion when there is an obvious one", () => {
    expect(describeUnknownPlaceholders(["color", "mood"])).toMatch(/^unknown placeholders \{color\} \(did you mean \{colour\}\?\), \{mood\}: use only \{title\} \{colour\}/);
  });

  it("finds stray braces", () => {
    expect(hasStrayBraces("{title} in {colour")).toBe(true);
    expect(hasStrayBraces("{title} in colour}")).toBe(true);
    expect(hasStrayBraces("{title} in {colour}")).toBe(false);
  });
});

describe("seedFor", () => {
  it("keeps a fixed seed, leaves random to the provider and gives each candidate of each view its own seed", () => {
    expect(seedFor({ mode: "fixed", seed: 42 }, 2, 3)).toBe(42);
    expect(seedFor({ mode: "random" }, 0, 0)).toBeUndefined();
    const seeds = [0, 1, 2, 3, 4, 5].flatMap((view) => [0, 1, 2, 3].map((candidate) => seedFor({ mode: "per-candidate", base: 1000 }, candidate, view)));
    expect(new Set(seeds).size).toBe(24);
    expect(seedFor({ mode: "per-candidate", base: 1000 }, 2, 1)).toBe(1012);
    expect(seedFor({ mode: "per-candidate", base: 2_147_483_647 }, 1, 0)).toBe(0);
  });
});
