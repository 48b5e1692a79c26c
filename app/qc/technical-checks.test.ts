import { describe, expect, it } from "vitest";
import { defaultThreshold } from "./qc-check";
import { checkAspect, checkColourSpace, checkFileSize, checkResolution, type RenditionFacts } from "./technical-checks";

const rendition = (overrides: Partial<RenditionFacts> = {}): RenditionFacts => ({ channel: "pdp-square", width: 2048, height: 2048, bytes: 900_000, format: "jpeg", srgb: true, spec: { width: 2048, height: 2048 }, ...overrides });

describe("checkResolution", () => {
  it("passes an original that covers the largest rendition and flags, then rejects, one that is enlarged", () => {
    const t = { flag: 1, reject: 0.5 };
    expect(checkResolution({ masterLongEdge: 4000, neededLongEdge: 2048 }, t)).toMatchObject({ verdict: "pass", score: 1.953 });
    const enlarged = checkResolution({ masterLongEdge: 1434, neededLongEdge: 2048 }, t);
    expect(enlarged).toMatchObject({ verdict: "flag", score: 0.7 });
    expect(enlarged.reason).toContain("enlarged 1.43×");
    expect(checkResolution({ masterLongEdge: 900, neededLongEdge: 2048 }, t).verdict).toBe("reject");
  });

  it("cannot measure without sizes, and says so", () => {
    expect(checkResolution({ masterLongEdge: 0, neededLongEdge: 2048 }, defaultThreshold("resolution"))).toMatchObject({ verdict: "flag", score: null });
  });
});

describe("checkAspect", () => {
  it("scores the worst rendition's aspect error in percent", () => {
    const t = defaultThreshold("aspect");
    const portrait = (height: number) => rendition({ channel: "pdp-portrait", width: 1600, height, spec: { width: 1600, height: 2000 } });
    expect(checkAspect([rendition(), portrait(2000)], t)).toMatchObject({ verdict: "pass", score: 0 });
    // 1600 × 2006 is 0.3 % off 4:5: under the 0.5 % flag threshold.
    expect(checkAspect([rendition(), portrait(2006)], t).verdict).toBe("pass");
    const off = checkAspect([rendition(), portrait(2062)], t);
    expect(off.verdict).toBe("reject");
    expect(off.score).toBeCloseTo((2062 / 2000 - 1) * 100 * (2000 / 2062), 2);
    expect(off.reason).toContain("pdp-portrait");
  });
});

describe("checkColourSpace", () => {
  it("rejects any rendition that is not sRGB, naming it", () => {
    const t = defaultThreshold("colour-space");
    expect(checkColourSpace([rendition(), rendition({ channel: "zoom" })], t).verdict).toBe("pass");
    const wide = checkColourSpace([rendition(), rendition({ channel: "zoom", srgb: false })], t);
    expect(wide).toMatchObject({ verdict: "reject", score: 1 });
    expect(wide.reason).toContain("zoom");
  });
});

describe("checkFileSize", () => {
  it("scores the largest rendition in megabytes against Shopify's 20 MB limit", () => {
    const t = defaultThreshold("file-size");
    expect(checkFileSize([rendition(), rendition({ bytes: 4_200_000 })], t)).toMatchObject({ verdict: "pass", score: 4.2 });
    expect(checkFileSize([rendition({ bytes: 12_000_000 })], t).verdict).toBe("flag");
    expect(checkFileSize([rendition({ bytes: 20_500_000, format: "png", channel: "zoom" })], t)).toMatchObject({ verdict: "reject", reason: expect.stringContaining("zoom") });
  });

  it("cannot measure an asset without renditions", () => {
    expect(checkFileSize([], defaultThreshold("file-size")).score).toBeNull();
  });
});
