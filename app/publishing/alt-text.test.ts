import { describe, expect, it } from "vitest";
import { altViewWords, DEFAULT_ALT_TEMPLATE, MAX_ALT_LENGTH, renderAltText, validateAltTemplate, type AltTextFacts } from "./alt-text";

const dress: AltTextFacts = { title: "Linen Wrap Dress", colour: "Sand", view: "front", kind: "image", vendor: "Atelier Nord", productType: "Dresses", sku: "LWD-SAND-M" };

describe("renderAltText", () => {
  it("fills the default template from the product, its colourway and the view", () => {
    expect(renderAltText(DEFAULT_ALT_TEMPLATE, dress)).toBe("Linen Wrap Dress – Sand – Front");
    expect(renderAltText("{vendor} {productType}: {title} ({sku}), {colour}, {view} view", dress)).toBe("Atelier Nord Dresses: Linen Wrap Dress (LWD-SAND-M), Sand, Front view");
  });

  it("drops an empty placeholder with its separator instead of leaving it dangling", () => {
    expect(renderAltText(DEFAULT_ALT_TEMPLATE, { ...dress, colour: null })).toBe("Linen Wrap Dress – Front");
    expect(renderAltText(DEFAULT_ALT_TEMPLATE, { ...dress, view: null })).toBe("Linen Wrap Dress – Sand");
    expect(renderAltText(DEFAULT_ALT_TEMPLATE, { ...dress, colour: "  ", view: null })).toBe("Linen Wrap Dress");
    expect(renderAltText("{colour} – {title} – {view}", { ...dress, colour: null })).toBe("Linen Wrap Dress – Front");
    expect(renderAltText("{colour} | {sku} | {title}", { ...dress, colour: null, sku: null })).toBe("Linen Wrap Dress");
    expect(renderAltText("{title}, {colour}, {view}", { ...dress, colour: "" })).toBe("Linen Wrap Dress, Front");
    expect(renderAltText("{title} / {colour} / {vendor}", { ...dress, colour: null, vendor: undefined })).toBe("Linen Wrap Dress");
    expect(renderAltText("Photo: {colour} – {title}", { ...dress, colour: null })).toBe("Photo: Linen Wrap Dress");
    expect(renderAltText("Photo – {colour}", { ...dress, colour: null })).toBe("Photo");
    expect(renderAltText("{title}: {colour} {view}", { ...dress, colour: null, view: null })).toBe("Linen Wrap Dress");
  });

  it("takes empty brackets away with their placeholder", () => {
    expect(renderAltText("{title} ({colour}) – {view}", { ...dress, colour: null })).toBe("Linen Wrap Dress – Front");
    expect(renderAltText("{title} [{sku}]", { ...dress, sku: "" })).toBe("Linen Wrap Dress");
  });

  it("keeps dashes that belong to words and values", () => {
    expect(renderAltText("{title} – {colour} – {view}", { ...dress, title: "T-Shirt", colour: "Off-white", view: "on-model-back" })).toBe("T-Shirt – Off-white – On-model back");
  });

  it("describes videos as video, with their view when they have one", () => {
    expect(renderAltText(DEFAULT_ALT_TEMPLATE, { ...dress, kind: "video", view: null })).toBe("Linen Wrap Dress – Sand – Video");
    expect(renderAltText(DEFAULT_ALT_TEMPLATE, { ...dress, kind: "video", view: "side" })).toBe("Linen Wrap Dress – Sand – Side video");
  });

  it("does not re-read braces that come from product data, and renders unknown placeholders as nothing", () => {
    expect(renderAltText("{title} – {colour}", { ...dress, title: "The {colour} Dress" })).toBe("The {colour} Dress – Sand");
    expect(renderAltText("{title} – {mood} – {view}", dress)).toBe("Linen Wrap Dress – Front");
  });

  it("collapses whitespace in values and the template", () => {
    expect(renderAltText("  {title}   –  {colour} ", { ...dress, title: " Linen\n Wrap   Dress " })).toBe("Linen Wrap Dress – Sand");
  });

  it(`stays within Shopify's ${MAX_ALT_LENGTH} characters, without splitting a character`, () => {
    const long = renderAltText("{title} – {view}", { ...dress, title: "Dress ".repeat(200) });
    expect(long.length).toBeLessThanOrEqual(MAX_ALT_LENGTH);
    expect(long.endsWith("…")).toBe(true);
    expect(long.startsWith("Dress Dress")).toBe(true);
    // 510 units of text, then an emoji across the cut: it goes whole.
    const emoji = renderAltText("{title}", { ...dress, title: `${"a".repeat(510)}👗👗` });
    expect(emoji).toBe(`${"a".repeat(510)}…`);
    expect(renderAltText("{title}", { ...dress, title: "a".repeat(MAX_ALT_LENGTH) })).toBe("a".repeat(MAX_ALT_LENGTH));
  });
});

describe("altViewWords", () => {
  it("humanises view and asset names", () => {
    expect(altViewWords("front", "image")).toBe("Front");
    expect(altViewWords("on-model-front", "image")).toBe("On-model front");
    expect(altViewWords("flat", "image")).toBe("Flat lay");
    expect(altViewWords("detail_close-up", "image")).toBe("Detail close up");
    expect(altViewWords(null, "image")).toBe("");
    expect(altViewWords(null, "video")).toBe("Video");
    // The publishing service passes the plan's asset kind, which for a clip is "video".
    expect(altViewWords("video", "video")).toBe("Video");
    expect(altViewWords("packshot", "image")).toBe("Packshot");
  });
});

describe("validateAltTemplate", () => {
  it("accepts the default and any template of known placeholders", () => {
    expect(validateAltTemplate(DEFAULT_ALT_TEMPLATE)).toEqual([]);
    expect(validateAltTemplate("{vendor} {productType} {title} {sku} {colour} {view}")).toEqual([]);
  });

  it("names each unknown placeholder once, with a suggestion and the known ones", () => {
    expect(validateAltTemplate("{title} – {color} – {angle} – {color} – {mood}")).toEqual([
      "{color} is not a placeholder (did you mean {colour}?): use {title}, {colour}, {view}, {vendor}, {productType}, {sku}",
      "{angle} is not a placeholder (did you mean {view}?): use {title}, {colour}, {view}, {vendor}, {productType}, {sku}",
      "{mood} is not a placeholder: use {title}, {colour}, {view}, {vendor}, {productType}, {sku}",
    ]);
    expect(validateAltTemplate("{SKU} {Title}")[0]).toMatch(/^\{SKU\} is not a placeholder \(did you mean \{sku\}\?\)/);
    // A prompt placeholder the alt text does not have gets no misleading suggestion.
    expect(validateAltTemplate("{title} {fabric}")).toEqual(["{fabric} is not a placeholder: use {title}, {colour}, {view}, {vendor}, {productType}, {sku}"]);
  });

  it("refuses stray braces, an empty template and one without placeholders", () => {
    expect(validateAltTemplate("{title – {view}")).toEqual(["a brace is not closed: write placeholders as {name}, such as {title}"]);
    expect(validateAltTemplate("{title} – view}")).toEqual(["a brace is not closed: write placeholders as {name}, such as {title}"]);
    expect(validateAltTemplate("   ")).toEqual(["enter a template such as {title} – {colour} – {view}"]);
    expect(validateAltTemplate("Product photo")).toEqual(["use at least one placeholder, such as {title}, so each image gets its own description: {title}, {colour}, {view}, {vendor}, {productType}, {sku}"]);
  });

  it("refuses a template longer than Shopify's alt text limit", () => {
    expect(validateAltTemplate(`{title} ${"x".repeat(MAX_ALT_LENGTH)}`)).toEqual([`keep the template under ${MAX_ALT_LENGTH} characters, Shopify's limit for alt text`]);
  });
});
