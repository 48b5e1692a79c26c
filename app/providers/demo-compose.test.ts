import { describe, expect, it } from "vitest";
import {
  clipToCanvas,
  DEFAULT_CANVAS,
  DEMO_BACKGROUNDS,
  figureToCanvas,
  garmentPlacement,
  keyOutBackdrop,
  mannequinSvg,
  resolveBackground,
  resolveCanvas,
  resolveVideoSize,
  resolveView,
  seedJitter,
} from "./demo-compose";

const flatLay = { width: 800, height: 1000 };

describe("resolveBackground", () => {
  it("maps presets and colours, case-insensitively", () => {
    expect(resolveBackground("stone")).toBe(DEMO_BACKGROUNDS.stone);
    expect(resolveBackground("Warm-Grey")).toBe(DEMO_BACKGROUNDS["warm-grey"]);
    expect(resolveBackground("#F4F1EC")).toBe("#f4f1ec");
    expect(resolveBackground("#abc")).toBe("#aabbcc");
  });

  it("falls back to studio white for nothing or free text a real provider would read", () => {
    expect(resolveBackground(undefined)).toBe(DEMO_BACKGROUNDS["studio-white"]);
    expect(resolveBackground("white seamless sweep")).toBe(DEMO_BACKGROUNDS["studio-white"]);
    expect(resolveBackground("#12345")).toBe(DEMO_BACKGROUNDS["studio-white"]);
  });
});

describe("resolveView", () => {
  it("prefers the view and reads pose presets", () => {
    expect(resolveView("back", "front-standing")).toBe("back");
    expect(resolveView(undefined, "three-quarter-left")).toBe("side");
    expect(resolveView("Detail", undefined)).toBe("detail");
    expect(resolveView(undefined, "walking")).toBe("front");
    expect(resolveView(undefined, undefined)).toBe("front");
  });
});

describe("resolveCanvas", () => {
  it("defaults to 864×1296 and takes integer sizes from extra", () => {
    expect(resolveCanvas(undefined)).toEqual(DEFAULT_CANVAS);
    expect(resolveCanvas({ width: 400, height: 600 })).toEqual({ width: 400, height: 600 });
  });

  it("names the field when a size is not a sensible integer", () => {
    expect(() => resolveCanvas({ width: "800" })).toThrow(/extra\.width must be an integer from 64 to 4096/);
    expect(() => resolveCanvas({ height: 10_000 })).toThrow(/extra\.height/);
    expect(() => resolveCanvas({ width: 100.5 })).toThrow(/extra\.width/);
  });
});

describe("resolveVideoSize", () => {
  it("takes explicit sizes, then the aspect ratio, else 2:3", () => {
    expect(resolveVideoSize("16:9", { width: 640, height: 360 })).toEqual({ width: 640, height: 360 });
    expect(resolveVideoSize("9:16", undefined)).toEqual({ width: 720, height: 1280 });
    expect(resolveVideoSize(undefined, undefined)).toEqual({ width: 720, height: 1080 });
  });

  it("refuses unknown ratios and odd sizes, naming the field", () => {
    expect(() => resolveVideoSize("21:9", undefined)).toThrow(/aspectRatio must be one of 2:3, 9:16/);
    expect(() => resolveVideoSize(undefined, { width: 641, height: 360 })).toThrow(/must be even/);
  });
});

describe("figureToCanvas", () => {
  it("maps the 1000×1500 figure frame onto the default canvas exactly", () => {
    const map = figureToCanvas("front", DEFAULT_CANVAS);
    expect(map.scaleX).toBeCloseTo(0.864);
    expect(map.offsetX).toBeCloseTo(0);
    expect(map.offsetY).toBeCloseTo(0);
  });

  it("centres the figure on a canvas of another shape", () => {
    const map = figureToCanvas("front", { width: 1000, height: 1000 });
    expect(map.scaleX).toBeCloseTo(2 / 3);
    expect(map.offsetX + map.scaleX * 500).toBeCloseTo(500);
  });
});

describe("garmentPlacement", () => {
  const base = { category: "tops" as const, canvas: DEFAULT_CANVAS, garment: flatLay, seed: 1 };

  it("puts a top's flat-lay frame over the torso of the front view, about 70% of the canvas wide", () => {
    const p = garmentPlacement({ ...base, view: "front" });
    expect(p.flop).toBe(false);
    expect(p.width / DEFAULT_CANVAS.width).toBeGreaterThan(0.65);
    expect(p.width / DEFAULT_CANVAS.width).toBeLessThan(0.75);
    expect(p.centre.x).toBeCloseTo(DEFAULT_CANVAS.width / 2, -1.5);
    expect(p.centre.y / DEFAULT_CANVAS.height).toBeGreaterThan(0.35);
    expect(p.centre.y / DEFAULT_CANVAS.height).toBeLessThan(0.5);
  });

  it("mirrors the back, squeezes the side and enlarges the detail", () => {
    const front = garmentPlacement({ ...base, view: "front" });
    const back = garmentPlacement({ ...base, view: "back" });
    const side = garmentPlacement({ ...base, view: "side" });
    const detail = garmentPlacement({ ...base, view: "detail" });
    expect(back.flop).toBe(true);
    expect(side.width / side.height).toBeLessThan((front.width / front.height) * 0.7);
    expect(detail.width).toBeGreaterThan(DEFAULT_CANVAS.width);
  });

  it("puts bottoms lower than tops", () => {
    const top = garmentPlacement({ ...base, view: "front" });
    const bottom = garmentPlacement({ ...base, view: "front", category: "bottoms" });
    expect(bottom.centre.y).toBeGreaterThan(top.centre.y + DEFAULT_CANVAS.height * 0.25);
  });

  it("is the same for the same seed and moves a little for another", () => {
    expect(garmentPlacement({ ...base, view: "front" })).toEqual(garmentPlacement({ ...base, view: "front" }));
    const a = garmentPlacement({ ...base, view: "front", seed: 1 });
    const b = garmentPlacement({ ...base, view: "front", seed: 2 });
    expect(a).not.toEqual(b);
    expect(Math.abs(a.centre.x - b.centre.x)).toBeLessThan(DEFAULT_CANVAS.width * 0.04);
  });
});

describe("seedJitter", () => {
  it("stays small over many seeds", () => {
    for (let seed = 0; seed < 500; seed += 1) {
      const j = seedJitter(seed, "front");
      expect(Math.abs(j.dx)).toBeLessThanOrEqual(0.015);
      expect(Math.abs(j.dy)).toBeLessThanOrEqual(0.012);
      expect(Math.abs(j.rotationDegrees)).toBeLessThanOrEqual(2.5);
      expect(j.scale).toBeGreaterThanOrEqual(0.96);
      expect(j.scale).toBeLessThanOrEqual(1.04);
    }
  });

  it("differs between views for one seed", () => {
    expect(seedJitter(5, "front")).not.toEqual(seedJitter(5, "back"));
  });
});

describe("clipToCanvas", () => {
  const canvas = { width: 100, height: 100 };

  it("keeps an overlay that fits", () => {
    expect(clipToCanvas({ width: 20, height: 10 }, { x: 50, y: 50 }, canvas)).toEqual({ extract: { left: 0, top: 0, width: 20, height: 10 }, left: 40, top: 45 });
  });

  it("cuts off what sticks out on every side", () => {
    expect(clipToCanvas({ width: 300, height: 200 }, { x: 50, y: 50 }, canvas)).toEqual({ extract: { left: 100, top: 50, width: 100, height: 100 }, left: 0, top: 0 });
    expect(clipToCanvas({ width: 20, height: 20 }, { x: 95, y: 2 }, canvas)).toEqual({ extract: { left: 0, top: 8, width: 15, height: 12 }, left: 85, top: 0 });
  });

  it("is null when the overlay is entirely off the canvas", () => {
    expect(clipToCanvas({ width: 10, height: 10 }, { x: -20, y: 50 }, canvas)).toBeNull();
  });
});

describe("mannequinSvg", () => {
  it("fills the canvas with the background and places the figure with the view's transform", () => {
    const svg = mannequinSvg("side", DEFAULT_CANVAS, "#c7c0b4");
    expect(svg).toContain('width="864" height="1296"');
    expect(svg).toContain('<rect width="100%" height="100%" fill="#c7c0b4"/>');
    expect(svg).toMatch(/matrix\(0\.5357 0 0 0\.864 /);
    expect(mannequinSvg("front", DEFAULT_CANVAS, "#fff")).not.toBe(mannequinSvg("back", DEFAULT_CANVAS, "#fff"));
  });
});

describe("keyOutBackdrop", () => {
  /** A 6×6 image: light backdrop, a dark 2×2 garment in the middle, one mid-tone edge pixel. */
  function image(): Uint8Array {
    const px = new Uint8Array(6 * 6 * 4);
    for (let p = 0; p < 36; p += 1) px.set([240, 238, 235, 255], p * 4);
    for (const p of [14, 15, 20, 21]) px.set([20, 30, 120, 255], p * 4);
    px.set([222, 220, 217, 255], 13 * 4); // about 31 away from the backdrop: a soft edge
    return px;
  }

  it("clears the backdrop, keeps the garment and softens the edge", () => {
    const out = keyOutBackdrop(image(), { width: 6, height: 6 });
    expect(out[0 * 4 + 3]).toBe(0);
    expect(out[35 * 4 + 3]).toBe(0);
    for (const p of [14, 15, 20, 21]) expect(out[p * 4 + 3]).toBe(255);
    expect(out[13 * 4 + 3]).toBeGreaterThan(0);
    expect(out[13 * 4 + 3]).toBeLessThan(255);
    expect(Array.from(out.subarray(14 * 4, 14 * 4 + 3))).toEqual([20, 30, 120]);
  });

  it("does not punch through a garment to reach backdrop-coloured pixels inside it", () => {
    const px = new Uint8Array(5 * 5 * 4);
    for (let p = 0; p < 25; p += 1) px.set([250, 250, 250, 255], p * 4);
    for (const p of [6, 7, 8, 11, 13, 16, 17, 18]) px.set([0, 0, 0, 255], p * 4); // a ring around pixel 12
    const out = keyOutBackdrop(px, { width: 5, height: 5 });
    expect(out[12 * 4 + 3]).toBe(255);
    expect(out[0 * 4 + 3]).toBe(0);
  });
});
