import { describe, expect, it } from "vitest";
import { GARMENT_SCENES, renderBusyScene, renderGarmentScene } from "../../test/support/garment-scenes";
import { estimateBackdrop, keyBackdrop } from "./backdrop-key";
import type { RawImage } from "./raw-image";

type RGB = [number, number, number];

/** An RGB image from a per-pixel function, with a little deterministic noise so nothing is exactly flat. */
function paint(width: number, height: number, colourAt: (x: number, y: number) => RGB, noise = 1): RawImage {
  const data = Buffer.alloc(width * height * 3);
  let seed = 12345;
  const jitter = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return ((seed >>> 16) / 65536 - 0.5) * 2 * noise;
  };
  for (let y = 0, p = 0; y < height; y++) {
    for (let x = 0; x < width; x++, p += 3) {
      const colour = colourAt(x, y);
      for (let c = 0; c < 3; c++) data[p + c] = Math.min(255, Math.max(0, Math.round(colour[c] + jitter())));
    }
  }
  return { data, width, height, channels: 3 };
}

const alphaAt = (image: RawImage, x: number, y: number) => image.data[(y * image.width + x) * 4 + 3];
const colourAt = (image: RawImage, x: number, y: number): RGB => {
  const q = (y * image.width + x) * 4;
  return [image.data[q], image.data[q + 1], image.data[q + 2]];
};
const inside = (x: number, y: number, left: number, top: number, right: number, bottom: number) => x >= left && x < right && y >= top && y < bottom;

describe("estimateBackdrop", () => {
  it("finds a studio sweep with fall-off: its colour, a small spread, uniform", () => {
    // White sweep darkening 12 levels towards the bottom, a dark subject in the middle.
    const image = paint(240, 320, (x, y) => (inside(x, y, 70, 60, 170, 260) ? [40, 40, 50] : [252 - 12 * (y / 319) ** 2, 252 - 12 * (y / 319) ** 2, 250 - 12 * (y / 319) ** 2]));
    const estimate = estimateBackdrop(image);
    expect(estimate.uniform).toBe(true);
    expect(estimate.spread).toBeLessThan(4);
    expect(Math.abs(estimate.colour[0] - 248)).toBeLessThanOrEqual(5);
    expect(estimate.colour[2]).toBeLessThan(estimate.colour[0]);
  });

  it("ignores a subject that runs off the frame at the bottom", () => {
    const image = paint(200, 260, (x, y) => (inside(x, y, 60, 80, 140, 260) ? [30, 30, 90] : [235, 235, 235]));
    const estimate = estimateBackdrop(image);
    expect(estimate.uniform).toBe(true);
    for (const channel of estimate.colour) expect(Math.abs(channel - 235)).toBeLessThanOrEqual(1);
  });

  it.each(["outdoor", "hues"] as const)("says a busy %s scene is not a keyable backdrop", (kind) => {
    const estimate = estimateBackdrop(renderBusyScene(kind, 300, 400));
    expect(estimate.uniform).toBe(false);
    expect(estimate.spread).toBeGreaterThan(12);
  });
});

describe("keyBackdrop", () => {
  it("removes a backdrop with light fall-off and keeps the subject whole", () => {
    // The sweep loses 25 levels into the corners: a flat-colour key at the centre's colour would keep them.
    const image = paint(240, 300, (x, y) => {
      if (inside(x, y, 80, 70, 160, 230)) return [150, 150, 155];
      const r2 = ((x - 120) / 120) ** 2 + ((y - 150) / 150) ** 2;
      const level = 250 - 12.5 * r2;
      return [level, level, level];
    });
    const keyed = keyBackdrop(image);
    expect(keyed.image.channels).toBe(4);
    expect([keyed.image.width, keyed.image.height]).toEqual([240, 300]);
    for (const [x, y] of [[0, 0], [239, 0], [0, 299], [239, 299], [120, 20], [20, 150]]) expect(alphaAt(keyed.image, x, y)).toBe(0);
    // Past the solved edge band (4 px) the subject is untouched.
    let opaque = 0;
    for (let y = 75; y < 225; y++) for (let x = 85; x < 155; x++) if (alphaAt(keyed.image, x, y) === 255) opaque++;
    expect(opaque).toBe(70 * 150);
    const subjectArea = 80 * 160;
    expect(keyed.keyedFraction).toBeCloseTo(1 - subjectArea / (240 * 300), 2);
  });

  it("keeps a backdrop-coloured print enclosed by the garment, and keys a backdrop-coloured gap open to the border", () => {
    const image = paint(200, 200, (x, y) => {
      if (inside(x, y, 80, 70, 120, 110)) return [252, 252, 252]; // white print on the chest
      if (inside(x, y, 95, 150, 105, 200)) return [252, 252, 252]; // the gap between the legs, open at the bottom
      if (inside(x, y, 50, 40, 150, 180)) return [238, 238, 236]; // white garment
      return [252, 252, 252];
    });
    const keyed = keyBackdrop(image);
    expect(alphaAt(keyed.image, 100, 90)).toBe(255);
    expect(alphaAt(keyed.image, 100, 175)).toBe(0);
    expect(alphaAt(keyed.image, 60, 60)).toBe(255);
    expect(keyed.backdropMask[90 * 200 + 100]).toBe(0);
  });

  it("solves a half-covered edge pixel: half alpha, and the garment's colour rather than a pink fringe", () => {
    // A red garment whose right edge covers half of column 120; the backdrop is white.
    const garment: RGB = [180, 20, 30];
    const backdrop: RGB = [250, 250, 250];
    const image = paint(200, 160, (x, y) => {
      if (!inside(x, y, 40, 30, 121, 130)) return backdrop;
      if (x === 120) return [0, 1, 2].map((c) => 0.5 * garment[c] + 0.5 * backdrop[c]) as RGB;
      return garment;
    });
    const keyed = keyBackdrop(image);
    for (let y = 50; y < 110; y += 7) {
      expect(alphaAt(keyed.image, 120, y)).toBeGreaterThan(128 - 15);
      expect(alphaAt(keyed.image, 120, y)).toBeLessThan(128 + 15);
      const [r, g, b] = colourAt(keyed.image, 120, y);
      expect(Math.abs(r - garment[0])).toBeLessThan(12);
      expect(Math.abs(g - garment[1])).toBeLessThan(12);
      expect(Math.abs(b - garment[2])).toBeLessThan(12);
      expect(alphaAt(keyed.image, 121, y)).toBe(0);
      expect(alphaAt(keyed.image, 119, y)).toBeGreaterThanOrEqual(250);
    }
  });

  it("marks pure backdrop in backdropMask: not the subject, not the pixels next to it", () => {
    const image = paint(160, 160, (x, y) => (inside(x, y, 50, 50, 110, 110) ? [90, 60, 40] : [245, 245, 240]));
    const { backdropMask } = keyBackdrop(image);
    expect(backdropMask).toHaveLength(160 * 160);
    expect(backdropMask[10 * 160 + 10]).toBe(1);
    expect(backdropMask[80 * 160 + 80]).toBe(0);
    expect(backdropMask[80 * 160 + 49]).toBe(0);
    expect(backdropMask[80 * 160 + 45]).toBe(1);
    let marked = 0;
    for (const value of backdropMask) marked += value;
    // The backdrop minus a margin of 3 steps (4-connected) around the subject: a 66-px square less 6 pixels at each corner.
    expect(marked).toBe(160 * 160 - (66 * 66 - 24));
  });

  it("keeps an RGBA input's own transparency", () => {
    const rgb = paint(100, 100, (x, y) => (inside(x, y, 30, 30, 70, 70) ? [20, 90, 200] : [250, 250, 250]));
    const rgba = Buffer.alloc(100 * 100 * 4);
    for (let i = 0; i < 100 * 100; i++) {
      rgb.data.copy(rgba, i * 4, i * 3, i * 3 + 3);
      rgba[i * 4 + 3] = i % 100 < 50 ? 255 : 100;
    }
    const keyed = keyBackdrop({ data: rgba, width: 100, height: 100, channels: 4 });
    expect(alphaAt(keyed.image, 40, 50)).toBe(255);
    expect(alphaAt(keyed.image, 60, 50)).toBe(100);
    expect(alphaAt(keyed.image, 5, 5)).toBe(0);
  });

  it("honours the tolerance: one wide enough to take in the subject keys everything", () => {
    const image = paint(80, 80, (x, y) => (inside(x, y, 20, 20, 60, 60) ? [200, 200, 200] : [250, 250, 250]));
    expect(keyBackdrop(image).keyedFraction).toBeCloseTo(1 - 1600 / 6400, 2);
    expect(keyBackdrop(image, { tolerance: 80 }).keyedFraction).toBe(1);
  });

  it("with a feather, softens the edge inwards and never onto the backdrop", () => {
    const image = paint(120, 120, (x, y) => (inside(x, y, 30, 30, 90, 90) ? [60, 60, 60] : [250, 250, 250]));
    const sharp = keyBackdrop(image).image;
    const soft = keyBackdrop(image, { feather: 2 }).image;
    expect(alphaAt(sharp, 30, 60)).toBe(255);
    expect(alphaAt(soft, 30, 60)).toBeLessThan(255);
    expect(alphaAt(soft, 29, 60)).toBe(0);
    expect(alphaAt(soft, 60, 60)).toBe(255);
  });

  it("handles images too small to have a border band", () => {
    for (const [width, height] of [[1, 1], [2, 3], [5, 1]]) {
      const keyed = keyBackdrop(paint(width, height, () => [250, 250, 250], 0));
      expect(keyed.image.data).toHaveLength(width * height * 4);
      expect(keyed.keyedFraction).toBe(1);
    }
  });

  it("leaves no specks of sensor noise on a keyed garment scene", async () => {
    const scene = await renderGarmentScene({ ...GARMENT_SCENES[0], width: 300, height: 400 });
    const keyed = keyBackdrop(scene.image);
    const { width, height } = scene.image;
    let stray = 0;
    for (let y = 3; y < height - 3; y++) {
      for (let x = 3; x < width - 3; x++) {
        if (alphaAt(keyed.image, x, y) === 0) continue;
        let nearSubject = false;
        for (let dy = -3; dy <= 3 && !nearSubject; dy++) for (let dx = -3; dx <= 3 && !nearSubject; dx++) nearSubject = scene.mask[(y + dy) * width + x + dx] === 1;
        if (!nearSubject) stray++;
      }
    }
    expect(stray).toBe(0);
  });
});
