import { describe, expect, it } from "vitest";
import { DEFAULT_PUBLISHING_SETTINGS, PLACEMENT_OPTIONS, PLACEMENTS, publishingSettingsForm, publishingSettingsSchema } from "./publishing-settings";

const form = publishingSettingsForm(DEFAULT_PUBLISHING_SETTINGS);
const issues = (input: unknown) => {
  const parsed = publishingSettingsSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".") || "form"}: ${i.message}`);
};

describe("publishingSettingsSchema", () => {
  it("reads the form's strings back into the settings they came from", () => {
    expect(form).toEqual({
      placement: "after-studio",
      replaceAll: "false",
      altTemplate: "{title} – {colour} – {view}",
      aiDisclosure: "true",
      publishOnApproval: "true",
      autoProduceTiers: "3",
      draftUntilPublished: "false",
    });
    expect(publishingSettingsSchema.parse(form)).toEqual(DEFAULT_PUBLISHING_SETTINGS);
    const changed = { placement: "replace-view" as const, replaceAll: true, altTemplate: "{vendor} {title} ({colour})", aiDisclosure: false, publishOnApproval: false, autoProduceTiers: [1, 3], draftUntilPublished: true };
    expect(publishingSettingsSchema.parse(publishingSettingsForm(changed))).toEqual(changed);
    // Booleans and number lists from an API caller are read the same way.
    expect(publishingSettingsSchema.parse(changed)).toEqual(changed);
  });

  it("reads the tiers as a sorted set, and none as an empty list", () => {
    expect(publishingSettingsSchema.parse({ ...form, autoProduceTiers: "3, 1,3" }).autoProduceTiers).toEqual([1, 3]);
    expect(publishingSettingsSchema.parse({ ...form, autoProduceTiers: "" }).autoProduceTiers).toEqual([]);
    expect(publishingSettingsSchema.parse({ ...form, autoProduceTiers: ["2", 1] }).autoProduceTiers).toEqual([1, 2]);
  });

  it("refuses tiers other than 1, 2 and 3, naming the value", () => {
    expect(issues({ ...form, autoProduceTiers: "1,4" })).toEqual(['autoProduceTiers: "4" is not a tier: choose tiers from 1, 2 and 3 (or none), such as 3 or 1,3']);
    expect(issues({ ...form, autoProduceTiers: [0] })).toEqual(["autoProduceTiers: 0 is not a tier: choose tiers from 1, 2 and 3 (or none), such as 3 or 1,3"]);
    expect(issues({ ...form, autoProduceTiers: "tier 3" })).toEqual(['autoProduceTiers: "tier 3" is not a tier: choose tiers from 1, 2 and 3 (or none), such as 3 or 1,3']);
    expect(issues({ ...form, autoProduceTiers: 3 })).toEqual(["autoProduceTiers: choose tiers from 1, 2 and 3 (or none), such as 3 or 1,3"]);
  });

  it("names the field and the fix for every other refusal", () => {
    expect(issues({ ...form, placement: "middle" })).toEqual(["placement: choose where new media goes: first, after-studio, last, replace-view"]);
    expect(issues({ ...form, replaceAll: "on" })).toEqual(["replaceAll: say whether Shotlane may replace media it did not create: true or false"]);
    expect(issues({ ...form, aiDisclosure: undefined })).toEqual(["aiDisclosure: say whether to keep the AI-disclosure metafield: true or false"]);
    expect(issues({ ...form, publishOnApproval: "yes" })).toEqual(["publishOnApproval: say whether approved media is published automatically: true or false"]);
    expect(issues({ ...form, draftUntilPublished: 1 })).toEqual(["draftUntilPublished: say whether new products stay in draft until their visuals are published: true or false"]);
    expect(issues({ ...form, extra: "1" })).toEqual([
      "form: only placement, replaceAll, altTemplate, aiDisclosure, publishOnApproval, autoProduceTiers, draftUntilPublished can be set here, not extra",
    ]);
    expect(issues("after-studio")).toEqual(['form: send the publishing settings as an object, e.g. { placement: "after-studio", … }']);
  });

  it("checks the alt text template with every problem in one message, and trims it", () => {
    expect(issues({ ...form, altTemplate: "{title – {color}" })).toEqual([
      "altTemplate: {color} is not a placeholder (did you mean {colour}?): use {title}, {colour}, {view}, {vendor}, {productType}, {sku}; a brace is not closed: write placeholders as {name}, such as {title}",
    ]);
    expect(issues({ ...form, altTemplate: "  " })).toEqual(["altTemplate: enter a template such as {title} – {colour} – {view}"]);
    expect(issues({ ...form, altTemplate: 5 })).toEqual(["altTemplate: enter an alt text template such as {title} – {colour} – {view}"]);
    expect(publishingSettingsSchema.parse({ ...form, altTemplate: "  {title}  " }).altTemplate).toBe("{title}");
  });
});

describe("PLACEMENT_OPTIONS", () => {
  it("explains every placement once, in the schema's order", () => {
    expect(PLACEMENT_OPTIONS.map((o) => o.value)).toEqual([...PLACEMENTS]);
    for (const option of PLACEMENT_OPTIONS) expect(option.help.length).toBeGreaterThan(20);
  });
});
