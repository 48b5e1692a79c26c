import { describe, expect, it } from "vitest";
import { DEFAULT_NAMING_TEMPLATE, renderFileName, uniqueFileName, validateNamingTemplate } from "./file-naming";

const base = { handle: "linen-shirt", channel: "pdp-square", ext: "jpg" };

describe("validateNamingTemplate", () => {
  it("accepts the default and other sensible templates", () => {
    expect(validateNamingTemplate(DEFAULT_NAMING_TEMPLATE)).toEqual([]);
    expect(validateNamingTemplate("{handle}-{colour}-{index}-{channel}.{ext}")).toEqual([]);
    expect(validateNamingTemplate("shop {productId}_{channel}.{ext}")).toEqual([]);
  });

  it("names an unknown placeholder and lists the known ones", () => {
    expect(validateNamingTemplate("{sku}_{color}_{channel}.{ext}")).toEqual([
      "{color} is not a placeholder: use {sku}, {handle}, {view}, {channel}, {ext}, {colour}, {index}, {productId}",
    ]);
  });

  it("needs {channel}, {ext} at the end and something that names the product", () => {
    expect(validateNamingTemplate("{sku}.{ext}")).toEqual(["must contain {channel}, or every channel's file would get the same name"]);
    expect(validateNamingTemplate("{sku}_{channel}")).toEqual(["must contain {ext} so the file keeps its type"]);
    expect(validateNamingTemplate("{sku}_{channel}_{ext}")).toEqual(["must end with .{ext}"]);
    expect(validateNamingTemplate("{view}_{channel}.{ext}")).toEqual(["must contain {sku}, {handle} or {productId}, or files of different products would share names"]);
    expect(validateNamingTemplate("  ")).toEqual(["enter a template such as {sku}_{view}_{channel}.{ext}"]);
  });

  it("refuses unclosed braces and characters that are unsafe in file names", () => {
    expect(validateNamingTemplate("{sku_{channel}.{ext}")).toContain("a brace is not closed: write placeholders as {name}");
    expect(validateNamingTemplate("{sku}/{channel}.{ext}")).toEqual(['"/" cannot be used in file names: use letters, digits, dashes, underscores and dots']);
  });
});

describe("renderFileName", () => {
  it("fills the default template, falling back to the handle without a SKU", () => {
    expect(renderFileName(DEFAULT_NAMING_TEMPLATE, { ...base, sku: "LS-042", view: "front" })).toBe("ls-042_front_pdp-square.jpg");
    expect(renderFileName(DEFAULT_NAMING_TEMPLATE, { ...base, view: "back" })).toBe("linen-shirt_back_pdp-square.jpg");
    expect(renderFileName(DEFAULT_NAMING_TEMPLATE, { ...base, sku: "  ", view: "back" })).toBe("linen-shirt_back_pdp-square.jpg");
  });

  it("drops empty values with their separator", () => {
    expect(renderFileName(DEFAULT_NAMING_TEMPLATE, { ...base, sku: "LS-042" })).toBe("ls-042_pdp-square.jpg");
    expect(renderFileName("{colour}-{handle}-{index}-{channel}.{ext}", base)).toBe("linen-shirt-pdp-square.jpg");
    expect(renderFileName("{handle}-{index}-{channel}.{ext}", { ...base, index: 0 })).toBe("linen-shirt-0-pdp-square.jpg");
  });

  it("transliterates accents and turns everything unsafe into single dashes", () => {
    expect(renderFileName("{handle}_{colour}_{channel}.{ext}", { ...base, handle: "Crème Brûlée Ärmel", colour: "Rot / Weiß" })).toBe(
      "creme-brulee-armel_rot-weiss_pdp-square.jpg",
    );
    expect(renderFileName(DEFAULT_NAMING_TEMPLATE, { ...base, sku: "../../etc/passwd", view: "a\u0000b" })).toBe("etc-passwd_a-b_pdp-square.jpg");
    expect(renderFileName(DEFAULT_NAMING_TEMPLATE, { ...base, sku: "Łódź—Øre 日本" })).toBe("lodz-ore_pdp-square.jpg");
  });

  it("uses only safe characters whatever the values", () => {
    const nasty = ["", " ", "ÀÉÎÕÜ", "💥", "CON", "a.b.c", "x__y--z", "\u202eevil", "%2F", "名前"];
    for (const sku of nasty) {
      for (const view of nasty) {
        const name = renderFileName(DEFAULT_NAMING_TEMPLATE, { ...base, sku, view });
        expect(name).toMatch(/^[a-z0-9]([a-z0-9_.-]*[a-z0-9])?\.jpg$/);
        expect(name).not.toMatch(/[-_.]{2}/);
      }
    }
  });

  it("cuts long names to 120 characters and keeps the extension", () => {
    const name = renderFileName(DEFAULT_NAMING_TEMPLATE, { ...base, sku: "x".repeat(80), view: "detail-".repeat(10), ext: "webp" });
    expect(name.length).toBeLessThanOrEqual(120);
    expect(name.endsWith(".webp")).toBe(true);
    expect(name).toMatch(/^x{80}_detail-/);
    expect(name).not.toMatch(/-\.webp$/);
  });

  it("normalises the extension and the product id", () => {
    expect(renderFileName("{productId}_{channel}.{ext}", { ...base, productId: "gid://shopify/Product/123", ext: ".JPG" })).toBe("123_pdp-square.jpg");
  });

  it("refuses an unusable template or extension", () => {
    expect(() => renderFileName("{sku}.{ext}", base)).toThrow(/must contain \{channel\}/);
    expect(() => renderFileName(DEFAULT_NAMING_TEMPLATE, { ...base, ext: "" })).toThrow(/extension is empty/);
  });
});

describe("uniqueFileName", () => {
  it("returns a free name unchanged and numbers taken ones before the extension", () => {
    const taken = new Set(["a_front.jpg", "a_front-2.jpg"]);
    expect(uniqueFileName("b.jpg", (n) => taken.has(n))).toBe("b.jpg");
    expect(uniqueFileName("a_front.jpg", (n) => taken.has(n))).toBe("a_front-3.jpg");
    expect(uniqueFileName("noext", (n) => n === "noext")).toBe("noext-2");
  });

  it("stays within 120 characters", () => {
    const long = `${"y".repeat(115)}.jpg`;
    const name = uniqueFileName(long, (n) => n === long);
    expect(name).toBe(`${"y".repeat(114)}-2.jpg`);
    expect(name.length).toBe(120);
  });
});
