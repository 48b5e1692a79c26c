import { describe, expect, it } from "vitest";
import { DEFAULT_STUDIO_SETTINGS, STUDIO_NAMING_SAMPLE, studioNamingExample, studioSettingsForm, studioSettingsSchema, watchPrefixProblem } from "./studio-settings";

const dress = {
  productId: "gid://shopify/Product/1",
  title: "Linen Wrap Dress",
  variants: [
    { id: "v1", sku: null, options: { Colour: "Black", Size: "XS" } },
    { id: "v2", sku: "LWD-001-BLK-S", options: { Colour: "Black", Size: "S" } },
    { id: "v3", sku: "LWD-001-SND-S", options: { Colour: "Sand", Size: "S" } },
  ],
};

describe("studioSettingsSchema", () => {
  it("reads the card's form (strings) and gives sorted, distinct weekdays", () => {
    const form = { ...studioSettingsForm(DEFAULT_STUDIO_SETTINGS), workdays: "5,1,3,1", imagesPerDay: "450", watchPrefix: "  " };
    expect(studioSettingsSchema.parse(form)).toEqual({ ...DEFAULT_STUDIO_SETTINGS, imagesPerDay: 450, workdays: [1, 3, 5], watchPrefix: null });
    expect(studioSettingsSchema.parse({ ...form, workdays: [6, 0] }).workdays).toEqual([0, 6]);
  });

  it("names the field and the fix for each refused value", () => {
    const result = studioSettingsSchema.safeParse({ imagesPerDay: "lots", workdays: "", leadDays: "-1", imagesPerView: "11", namingTemplate: "{sku}", watchPrefix: "https://bucket.example.com/x" });
    expect(result.success).toBe(false);
    const messages = Object.fromEntries(result.error!.issues.map((i) => [String(i.path[0]), i.message]));
    expect(messages).toEqual({
      imagesPerDay: "Images per studio day must be a whole number from 1 to 5000",
      workdays: "choose at least one weekday the studio shoots",
      leadDays: "Lead time must be a whole number from 0 to 90",
      imagesPerView: "Images per view must be a whole number from 1 to 10",
      namingTemplate: "must contain {view} (front, back, packshot …): without it every file of a product is the same shot",
      watchPrefix: "use a local folder or an s3://bucket/prefix location; other URLs are not supported",
    });
    expect(studioSettingsSchema.safeParse({ ...studioSettingsForm(DEFAULT_STUDIO_SETTINGS), workdays: "1,9" }).error?.issues[0].message).toBe("choose weekdays from Sunday (0) to Saturday (6)");
  });

  it("accepts an S3 prefix or a folder, and refuses a parent-folder escape", () => {
    expect(watchPrefixProblem("s3://studio-drops/incoming/")).toBeNull();
    expect(watchPrefixProblem("/srv/studio/inbox")).toBeNull();
    expect(watchPrefixProblem("s3://Bad_Bucket/x")).toMatch(/valid bucket name/);
    expect(watchPrefixProblem("inbox/../../etc")).toMatch(/without "\.\."/);
  });
});

describe("studioNamingExample", () => {
  it("writes the name the convention expects for a product's front view and says what it matches", () => {
    expect(studioNamingExample("{sku}_{view}", dress)).toEqual({ ok: true, fileName: "LWD-001-BLK-S_front.jpg", matched: true, description: "Linen Wrap Dress, Black, On-model, front" });
    expect(studioNamingExample("{color}-{sku} {view}_{index}", dress)).toEqual({ ok: true, fileName: "Black-LWD-001-BLK-S front_1.jpg", matched: true, description: "Linen Wrap Dress, Black, On-model, front" });
  });

  it("falls back to the built-in sample for a product without SKUs", () => {
    const example = studioNamingExample("{sku}_{view}", { productId: "p", title: "No SKU", variants: [{ id: "v", sku: null, options: {} }] });
    expect(example).toEqual({ ok: true, fileName: "LWD-001-BLK_front.jpg", matched: true, description: `${STUDIO_NAMING_SAMPLE.title}, Black, On-model, front` });
  });

  it("passes on the template's problems", () => {
    expect(studioNamingExample("{sku}{view}", dress)).toEqual({ ok: false, errors: [expect.stringContaining("put a separator such as _ between them")] });
  });
});
