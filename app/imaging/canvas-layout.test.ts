import { describe, expect, it } from "vitest";
import { placeSubject, zoomCrop, type FramingOptions } from "./canvas-layout";

const framing = (align: FramingOptions["align"], top = 0.05, bottom = 0.05, side = 0.05): FramingOptions => ({ align, margins: { top, bottom, side } });

describe("placeSubject", () => {
  it("fits a tall subject to the margin box height, centred, keeping its aspect", () => {
    const placement = placeSubject({ width: 1000, height: 2000 }, { width: 2000, height: 2000 }, framing("center", 0.1, 0.1, 0.05));
    // Margin box: 1800 wide, 1600 high (y 200..1800); height limits: scale 0.8.
    expect(placement).toEqual({ left: 600, top: 200, width: 800, height: 1600, scale: 0.8 });
  });

  it("fits a wide subject to the side margins and centres it vertically in the margin box", () => {
    const placement = placeSubject({ width: 3000, height: 1000 }, { width: 1600, height: 2000 }, framing("center", 0.1, 0.2, 0.1));
    // Box: x 160..1440 (1280 wide), y 200..1600 (1400 high); width limits: 1280×427.
    expect(placement.width).toBe(1280);
    expect(placement.height).toBe(427);
    expect(placement.left).toBe(160);
    expect(placement.top).toBe(Math.round(200 + (1400 - 427) / 2));
  });

  it("bottom align puts every subject's base on the bottom margin line, whatever its height", () => {
    const canvas = { width: 1600, height: 2000 };
    const tall = placeSubject({ width: 500, height: 2000 }, canvas, framing("bottom", 0.1, 0.08));
    const short = placeSubject({ width: 1200, height: 900 }, canvas, framing("bottom", 0.1, 0.08));
    expect(tall.top + tall.height).toBe(2000 - 160);
    expect(short.top + short.height).toBe(2000 - 160);
    expect(short.height).toBeLessThan(tall.height);
  });

  it("enlarges a small subject to the margin box", () => {
    const placement = placeSubject({ width: 100, height: 200 }, { width: 1000, height: 1000 }, framing("center", 0, 0, 0));
    expect(placement).toEqual({ left: 250, top: 0, width: 500, height: 1000, scale: 5 });
  });

  it("minSubjectFill overrides margins that would leave the subject too small", () => {
    const canvas = { width: 2000, height: 2000 };
    const margins = framing("center", 0.15, 0.15, 0.15);
    expect(placeSubject({ width: 800, height: 1600 }, canvas, margins).height).toBe(1400);
    const filled = placeSubject({ width: 800, height: 1600 }, canvas, margins, 0.85);
    expect(filled.height).toBe(1700);
    expect(filled.width).toBe(850);
    expect(filled.top).toBe(150);
    expect(filled.left).toBe(575);
  });

  it("minSubjectFill leaves a subject that already reaches it alone", () => {
    const canvas = { width: 2000, height: 2000 };
    const placement = placeSubject({ width: 800, height: 1600 }, canvas, framing("center", 0.02, 0.02, 0.02), 0.85);
    expect(placement.height).toBe(1920);
  });

  it("minSubjectFill is met by the width of a subject too wide to reach it in height", () => {
    const placement = placeSubject({ width: 4000, height: 1000 }, { width: 2000, height: 2000 }, framing("center", 0.1, 0.1, 0.1), 0.85);
    expect(placement.width).toBe(1700);
    expect(placement.height).toBe(425);
  });

  it("keeps a bottom-aligned subject inside the canvas when the fill pushes it past the top", () => {
    const placement = placeSubject({ width: 500, height: 1000 }, { width: 1000, height: 1000 }, framing("bottom", 0.05, 0.3, 0.05), 0.95);
    expect(placement.height).toBe(950);
    expect(placement.top).toBe(50);
    expect(placement.top + placement.height).toBeLessThanOrEqual(1000);
  });

  it("returns whole pixels inside the canvas for awkward sizes", () => {
    for (const [w, h] of [
      [333, 777],
      [1999, 1],
      [1, 1999],
      [4001, 2999],
    ]) {
      for (const align of ["center", "bottom"] as const) {
        const p = placeSubject({ width: w, height: h }, { width: 1080, height: 1920 }, framing(align, 0.07, 0.11, 0.03), 0.5);
        for (const value of [p.left, p.top, p.width, p.height]) expect(Number.isInteger(value)).toBe(true);
        expect(p.left).toBeGreaterThanOrEqual(0);
        expect(p.top).toBeGreaterThanOrEqual(0);
        expect(p.left + p.width).toBeLessThanOrEqual(1080);
        expect(p.top + p.height).toBeLessThanOrEqual(1920);
        expect(p.width).toBeGreaterThanOrEqual(1);
        expect(p.height).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it("refuses margins that leave no room and fills outside 0..1", () => {
    expect(() => placeSubject({ width: 1, height: 1 }, { width: 10, height: 10 }, framing("center", 0.5, 0.1, 0.1))).toThrow(/margins.top/);
    expect(() => placeSubject({ width: 1, height: 1 }, { width: 10, height: 10 }, framing("center"), 1.2)).toThrow(/minSubjectFill/);
    expect(() => placeSubject({ width: 0, height: 1 }, { width: 10, height: 10 }, framing("center"))).toThrow(/subject/);
  });
});

describe("zoomCrop", () => {
  it("magnifies twice the framed view of a large subject, centred on its upper middle", () => {
    // Framed scale 2048/6000; twice that shows 3000×3000 source pixels: half the subject's height.
    expect(zoomCrop({ width: 3000, height: 6000 }, { width: 2048, height: 2048 })).toEqual({ left: 0, top: 2100 - 1500, width: 3000, height: 3000 });
  });

  it("never zooms beyond native resolution: the crop is at least the canvas size, centred where it is wider than the subject", () => {
    expect(zoomCrop({ width: 1800, height: 3600 }, { width: 2048, height: 2048 })).toEqual({ left: -124, top: 1260 - 1024, width: 2048, height: 2048 });
    expect(zoomCrop({ width: 600, height: 900 }, { width: 1000, height: 1000 })).toEqual({ left: -200, top: -50, width: 1000, height: 1000 });
  });

  it("keeps the crop inside the subject and the canvas's aspect ratio", () => {
    const crop = zoomCrop({ width: 5000, height: 5000 }, { width: 1600, height: 2000 });
    expect(crop.width / crop.height).toBeCloseTo(0.8, 2);
    expect(crop.left).toBeGreaterThanOrEqual(0);
    expect(crop.top).toBeGreaterThanOrEqual(0);
    expect(crop.left + crop.width).toBeLessThanOrEqual(5000);
    expect(crop.top + crop.height).toBeLessThanOrEqual(5000);
    expect(crop.left).toBe(Math.round(2500 - crop.width / 2));
  });
});
