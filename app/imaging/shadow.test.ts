import { describe, expect, it } from "vitest";
import { GARMENT_SCENES, renderGarmentScene } from "../../test/support/garment-scenes";
import { keyBackdrop } from "./backdrop-key";
import type { Box, RawImage } from "./raw-image";
import { castShadow } from "./shadow";
import { alphaBounds, cropRaw } from "./subject-bounds";

/**
 * A trimmed RGBA cutout: a trapezoid (narrow at the top, `baseWidth` wide at
 * the bottom row), coloured by position, with a half-transparent left edge.
 */
function trapezoid(width: number, height: number, baseWidth: number): RawImage {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    const half = (width / 2) * (1 - y / height) * 0.5 + (baseWidth / 2) * (y / (height - 1));
    const from = Math.round(width / 2 - half);
    const to = Math.round(width / 2 + half);
    for (let x = Math.max(0, from); x < Math.min(width, to); x++) {
      const q = (y * width + x) * 4;
      data[q] = 200;
      data[q + 1] = (x * 3) % 256;
      data[q + 2] = (y * 5) % 256;
      data[q + 3] = x === from ? 128 : 255;
    }
  }
  return { data, width, height, channels: 4 };
}

const alphaAt = (image: RawImage, x: number, y: number) => image.data[(y * image.width + x) * 4 + 3];

/** Every opaque cutout pixel is in the result, unchanged, at its place in subjectBox. */
function expectSubjectUnchanged(cutout: RawImage, result: { image: RawImage; subjectBox: Box }) {
  expect([result.subjectBox.width, result.subjectBox.height]).toEqual([cutout.width, cutout.height]);
  let checked = 0;
  for (let y = 0; y < cutout.height; y++) {
    for (let x = 0; x < cutout.width; x++) {
      const s = (y * cutout.width + x) * 4;
      const q = ((y + result.subjectBox.top) * result.image.width + x + result.subjectBox.left) * 4;
      if (cutout.data[s + 3] === 255) {
        expect(result.image.data.subarray(q, q + 4)).toEqual(cutout.data.subarray(s, s + 4));
        checked++;
      } else {
        // Over the shadow a partly transparent pixel can only gain coverage.
        expect(result.image.data[q + 3]).toBeGreaterThanOrEqual(cutout.data[s + 3]);
      }
    }
  }
  expect(checked).toBeGreaterThan(0);
}

/** The box of the pixels that are shadow only (visible, outside the subject box). */
function shadowOnlyBounds(result: { image: RawImage; subjectBox: Box }): { left: number; right: number; top: number; bottom: number; maxAlpha: number } {
  const { image, subjectBox } = result;
  const bounds = { left: Infinity, right: -Infinity, top: Infinity, bottom: -Infinity, maxAlpha: 0 };
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const inSubject = x >= subjectBox.left && x < subjectBox.left + subjectBox.width && y >= subjectBox.top && y < subjectBox.top + subjectBox.height;
      const alpha = alphaAt(image, x, y);
      if (inSubject || alpha === 0) continue;
      const q = (y * image.width + x) * 4;
      expect([image.data[q], image.data[q + 1], image.data[q + 2]]).toEqual([0, 0, 0]);
      bounds.left = Math.min(bounds.left, x);
      bounds.right = Math.max(bounds.right, x);
      bounds.top = Math.min(bounds.top, y);
      bounds.bottom = Math.max(bounds.bottom, y);
      bounds.maxAlpha = Math.max(bounds.maxAlpha, alpha);
    }
  }
  return bounds;
}

describe("castShadow: contact", () => {
  it("puts a soft ellipse under the base, as wide as the base (not the widest part), below the subject", () => {
    const cutout = trapezoid(200, 300, 80);
    const result = castShadow(cutout, { kind: "contact", opacity: 0.6, softness: 0.02 });
    expectSubjectUnchanged(cutout, result);
    const { subjectBox } = result;
    const shadow = shadowOnlyBounds(result);
    // Below the subject only, centred under the base.
    expect(shadow.top).toBeGreaterThanOrEqual(subjectBox.top + subjectBox.height);
    expect(shadow.bottom).toBeGreaterThan(subjectBox.top + subjectBox.height);
    const centre = subjectBox.left + 100;
    expect(Math.abs((shadow.left + shadow.right) / 2 - centre)).toBeLessThanOrEqual(2);
    // Base 80 px, ellipse 8 % wider, blur 6 px each side: about 98 px wide, far less than the 200 px top.
    expect(shadow.right - shadow.left).toBeGreaterThan(80);
    expect(shadow.right - shadow.left).toBeLessThan(110);
    expect(shadow.maxAlpha).toBeGreaterThan(0.6 * 255 * 0.5);
    expect(shadow.maxAlpha).toBeLessThanOrEqual(Math.round(0.6 * 255));
    // Right under the middle of the base is shadow; far to the side is not.
    expect(alphaAt(result.image, centre, subjectBox.top + subjectBox.height)).toBeGreaterThan(0);
    expect(alphaAt(result.image, subjectBox.left + 2, result.image.height - 1)).toBe(0);
  });

  it("is darker with more opacity and spreads further with more softness", () => {
    const cutout = trapezoid(120, 200, 60);
    const faint = shadowOnlyBounds(castShadow(cutout, { kind: "contact", opacity: 0.2, softness: 0.02 }));
    const dark = shadowOnlyBounds(castShadow(cutout, { kind: "contact", opacity: 0.8, softness: 0.02 }));
    const soft = shadowOnlyBounds(castShadow(cutout, { kind: "contact", opacity: 0.8, softness: 0.08 }));
    expect(dark.maxAlpha).toBeGreaterThan(faint.maxAlpha * 3);
    expect(soft.right - soft.left).toBeGreaterThan(dark.right - dark.left + 10);
    expect(soft.maxAlpha).toBeLessThan(dark.maxAlpha);
  });

  it("sits under a keyed garment's hem", async () => {
    const scene = await renderGarmentScene({ ...GARMENT_SCENES[7], width: 300, height: 400 });
    const keyed = keyBackdrop(scene.image).image;
    const cutout = cropRaw(keyed, alphaBounds(keyed)!);
    const result = castShadow(cutout, { kind: "contact", opacity: 0.5, softness: 0.02 });
    expectSubjectUnchanged(cutout, result);
    const shadow = shadowOnlyBounds(result);
    // Around the feet: beside the hem where the ellipse is wider than the legs, and below it.
    const hem = result.subjectBox.top + cutout.height;
    expect(shadow.top).toBeGreaterThan(hem - 0.06 * cutout.height);
    expect(shadow.bottom).toBeGreaterThan(hem);
    expect(alphaAt(result.image, result.subjectBox.left + Math.round(cutout.width * 0.25), hem)).toBeGreaterThan(0);
    // The trousers' two legs make one base spanning both.
    expect(shadow.right - shadow.left).toBeGreaterThan(cutout.width * 0.8);
  });
});

describe("castShadow: drop", () => {
  it("is the subject's silhouette offset and blurred, showing to the right and below", () => {
    // A base as wide as the cutout, so the offset shadow reaches past it on the right.
    const cutout = trapezoid(200, 300, 200);
    const result = castShadow(cutout, { kind: "drop", opacity: 0.5, softness: 0.01, offset: { x: 0.05, y: 0.04 } });
    expectSubjectUnchanged(cutout, result);
    const { subjectBox } = result;
    // Offset 15 px right and 12 px down, blur 3 px: padding on those sides only.
    expect(subjectBox).toEqual({ left: 0, top: 0, width: 200, height: 300 });
    expect(result.image.width).toBe(200 + 15 + 3);
    expect(result.image.height).toBe(300 + 12 + 3);
    const full = Math.round(0.5 * 255);
    // Right of the subject's bottom rows, well inside the offset silhouette: full strength.
    expect(alphaAt(result.image, 205, 299)).toBe(full);
    // Below the subject, under the offset base.
    expect(alphaAt(result.image, 110, 305)).toBe(full);
    // Left of the offset base, beyond the blur: nothing.
    expect(alphaAt(result.image, 5, 305)).toBe(0);
    // The blur softens the shadow's outer edge.
    const edge = alphaAt(result.image, 110, 313);
    expect(edge).toBeGreaterThan(0);
    expect(edge).toBeLessThan(full);
  });

  it("uses a default offset down and to the right", () => {
    const result = castShadow(trapezoid(100, 200, 80), { kind: "drop", opacity: 0.4, softness: 0 });
    const shadow = shadowOnlyBounds(result);
    expect(shadow.bottom).toBeGreaterThan(result.subjectBox.top + 199);
    expect(shadow.right).toBeGreaterThan(result.subjectBox.left + 89);
  });
});

describe("castShadow: no shadow", () => {
  it.each(["contact", "drop"] as const)("%s with opacity 0 leaves the cutout as it is, unpadded", (kind) => {
    const cutout = trapezoid(100, 150, 70);
    const result = castShadow(cutout, { kind, opacity: 0, softness: 0.05 });
    expect(result.subjectBox).toEqual({ left: 0, top: 0, width: 100, height: 150 });
    expect(result.image.data.equals(cutout.data)).toBe(true);
    expect(result.image.data).not.toBe(cutout.data);
  });

  it("gives a fully transparent cutout no contact shadow", () => {
    const empty: RawImage = { data: Buffer.alloc(20 * 20 * 4), width: 20, height: 20, channels: 4 };
    expect(castShadow(empty, { kind: "contact", opacity: 0.5, softness: 0.05 }).image.data.every((value) => value === 0)).toBe(true);
  });

  it.each([
    [{ kind: "drop", opacity: 1.5, softness: 0.02 }],
    [{ kind: "drop", opacity: Number.NaN, softness: 0.02 }],
    [{ kind: "contact", opacity: 0.5, softness: -1 }],
  ] as const)("refuses %o", (options) => {
    expect(() => castShadow(trapezoid(10, 10, 5), options)).toThrow(RangeError);
  });

  it("refuses an RGB image (a cutout has alpha)", () => {
    expect(() => castShadow({ data: Buffer.alloc(12), width: 2, height: 2, channels: 3 }, { kind: "drop", opacity: 0.5, softness: 0 })).toThrow(RangeError);
  });
});
