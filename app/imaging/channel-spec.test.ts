import { describe, expect, it } from "vitest";
import { DEFAULT_CHANNEL_SPECS, parseChannelSpecs, workingMaxEdge, type ChannelSpec } from "./channel-spec";

const spec = (overrides: Partial<ChannelSpec> = {}): ChannelSpec => ({
  id: "pdp",
  label: "Product page",
  width: 2048,
  height: 2048,
  format: "jpeg",
  quality: 85,
  background: "#FFFFFF",
  fit: "frame",
  sharpen: true,
  enabled: true,
  ...overrides,
});

function errorsOf(input: unknown) {
  const result = parseChannelSpecs(input);
  if (result.ok) throw new Error("expected the specs to be refused");
  return result.errors;
}

describe("DEFAULT_CHANNEL_SPECS", () => {
  it("pass their own schema and cover the channels the issue names", () => {
    const result = parseChannelSpecs(DEFAULT_CHANNEL_SPECS);
    expect(result).toEqual({ ok: true, specs: DEFAULT_CHANNEL_SPECS });
    const byId = new Map(DEFAULT_CHANNEL_SPECS.map((s) => [s.id, s]));
    expect(byId.get("pdp-square")).toMatchObject({ width: 2048, height: 2048, format: "jpeg", quality: 85, fit: "frame" });
    expect(byId.get("pdp-portrait")!.width / byId.get("pdp-portrait")!.height).toBe(4 / 5);
    expect(byId.get("story")!.width / byId.get("story")!.height).toBe(9 / 16);
    expect(byId.get("zoom")).toMatchObject({ width: 2048, height: 2048, fit: "zoom" });
    expect(byId.get("marketplace")).toMatchObject({ width: 2000, height: 2000, background: "#FFFFFF", minSubjectFill: 0.85 });
    expect(byId.get("thumbnail")).toMatchObject({ width: 400, height: 500, format: "webp" });
  });
});

describe("parseChannelSpecs", () => {
  it("names the channel and field of every problem, with the fix", () => {
    const errors = errorsOf([spec({ id: "a" }), spec({ id: "b" }), { ...spec({ id: "c" }), width: 20000, quality: 0 }]);
    expect(errors).toEqual(
      expect.arrayContaining([
        { field: "channels[2].width", message: "must be at most 8000 pixels: enter a smaller width" },
        { field: "channels[2].quality", message: "enter a quality from 1 to 100" },
      ]),
    );
  });

  it("refuses non-integer and non-numeric sizes", () => {
    expect(errorsOf([{ ...spec(), height: 10.5 }])).toEqual([{ field: "channels[0].height", message: "enter the height in whole pixels, such as 2048" }]);
    expect(errorsOf([{ ...spec(), width: "2048" }])).toEqual([{ field: "channels[0].width", message: "enter the width in whole pixels, such as 2048" }]);
  });

  it("refuses duplicate ids, pointing at the second one", () => {
    expect(errorsOf([spec({ id: "pdp" }), spec({ id: "story" }), spec({ id: "pdp" })])).toEqual([
      { field: "channels[2].id", message: '"pdp" is already used by channel 1: choose another id' },
    ]);
  });

  it("refuses ids that are not slugs", () => {
    const [error] = errorsOf([spec({ id: "PDP Square" })]);
    expect(error.field).toBe("channels[0].id");
    expect(error.message).toMatch(/lower-case letters, digits and single dashes/);
  });

  it("allows transparency only for formats that have it", () => {
    expect(errorsOf([spec({ background: "transparent", format: "jpeg" })])).toEqual([
      { field: "channels[0].background", message: "JPEG has no transparency: choose a colour such as #FFFFFF, or the png, webp or avif format" },
    ]);
    for (const format of ["png", "webp", "avif"] as const) {
      expect(parseChannelSpecs([spec({ background: "transparent", format })]).ok).toBe(true);
    }
  });

  it("normalises colours to upper case and refuses other notations", () => {
    const result = parseChannelSpecs([spec({ background: "#fafafa" })]);
    expect(result.ok && result.specs[0].background).toBe("#FAFAFA");
    expect(errorsOf([spec({ background: "white" })])[0]).toMatchObject({ field: "channels[0].background", message: expect.stringMatching(/#RRGGBB/) });
    expect(errorsOf([spec({ background: "#FFF" })])[0].field).toBe("channels[0].background");
  });

  it("keeps minSubjectFill to framed channels, above 0 and at most 1", () => {
    expect(errorsOf([spec({ fit: "zoom", minSubjectFill: 0.85 })])).toEqual([
      { field: "channels[0].minSubjectFill", message: "applies to framed channels only: leave it empty or set fit to frame" },
    ]);
    expect(errorsOf([spec({ minSubjectFill: 1.5 })])[0].field).toBe("channels[0].minSubjectFill");
    expect(errorsOf([spec({ minSubjectFill: 0 })])[0].field).toBe("channels[0].minSubjectFill");
  });

  it("refuses canvases over the megapixel limit", () => {
    expect(errorsOf([spec({ width: 6000, height: 6000 })])).toEqual([
      { field: "channels[0].width", message: "6000×6000 is 36.0 megapixels, above the 20-megapixel limit: reduce the width or height" },
    ]);
  });

  it("needs one to sixteen channels with at least one turned on", () => {
    expect(errorsOf([])).toEqual([{ field: "channels", message: "add at least one channel" }]);
    expect(errorsOf(Array.from({ length: 17 }, (_, i) => spec({ id: `c${i}` })))).toEqual([{ field: "channels", message: "use at most 16 channels: remove some" }]);
    expect(errorsOf([spec({ enabled: false })])).toEqual([{ field: "channels", message: "every channel is turned off: turn on at least one" }]);
    expect(errorsOf({})).toEqual([{ field: "channels", message: "expected a list of channels" }]);
  });

  it("names a missing field", () => {
    const { format: _format, ...withoutFormat } = spec();
    expect(errorsOf([withoutFormat])).toEqual([{ field: "channels[0].format", message: "choose jpeg, webp, avif or png" }]);
  });
});

describe("workingMaxEdge", () => {
  it("is the longest enabled canvas edge, twice that for a zoom channel", () => {
    expect(workingMaxEdge([spec({ width: 1600, height: 2000 }), spec({ width: 400, height: 500 })])).toBe(2000);
    expect(workingMaxEdge([spec({ width: 1600, height: 2000 }), spec({ fit: "zoom", width: 1200, height: 1200 })])).toBe(2400);
    expect(workingMaxEdge(DEFAULT_CHANNEL_SPECS)).toBe(4096);
  });

  it("ignores disabled channels", () => {
    expect(workingMaxEdge([spec({ width: 1000, height: 1000 }), spec({ fit: "zoom", enabled: false })])).toBe(1000);
    expect(workingMaxEdge([spec({ enabled: false })])).toBe(0);
  });
});
