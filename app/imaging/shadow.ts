import type { Box, RawImage } from "./raw-image";

/**
 * Synthetic shadows for a cut-out subject, so a keyed garment does not float
 * on the new background. A contact shadow is a soft ellipse where the subject
 * meets the floor (its extent taken from the alpha's bottom rows); a drop
 * shadow is the subject's own alpha, offset and blurred. Synchronous and
 * dependency-free: the blur is three box passes (close to a Gaussian) on a
 * float alpha plane covering only the shadow.
 */

export interface ShadowOptions {
  kind: "contact" | "drop";
  /** 0..1: the shadow's darkest alpha. */
  opacity: number;
  /** Blur radius as a fraction of the subject's height, e.g. 0.02. */
  softness: number;
  /** Drop shadow only: offset as a fraction of the subject's height. Default { x: 0.015, y: 0.025 }. */
  offset?: { x: number; y: number };
}

export interface ShadowResult {
  /** RGBA: the subject over its shadow, padded so the shadow fits. */
  image: RawImage;
  /** Where the original cutout sits inside `image`. */
  subjectBox: Box;
}

const DEFAULT_OFFSET = { x: 0.015, y: 0.025 };
/** Alpha at or above this counts as subject when finding its base. */
const BASE_ALPHA = 128;
/** The base is the subject's lowest rows, this fraction of its height. */
const BASE_ROWS = 0.03;
/** The contact ellipse's height as a fraction of its width. */
const CONTACT_FLATNESS = 0.08;
/** A blur wider than this many pixels runs at reduced resolution (see `blur`). */
const BLUR_SAMPLES_PER_RADIUS = 8;

/** A float alpha plane placed at (left, top) in cutout coordinates. */
interface Plane {
  left: number;
  top: number;
  width: number;
  height: number;
  alpha: Float32Array;
}

export function castShadow(cutout: RawImage, options: ShadowOptions): ShadowResult {
  if (cutout.channels !== 4) throw new RangeError("castShadow needs an RGBA cutout");
  const { opacity, softness } = options;
  if (!(opacity >= 0 && opacity <= 1)) throw new RangeError(`Shadow opacity must be between 0 and 1, not ${opacity}`);
  if (!(softness >= 0 && Number.isFinite(softness))) throw new RangeError(`Shadow softness must be 0 or more, not ${softness}`);

  const blurRadius = Math.round(softness * cutout.height);
  const plane = opacity === 0 ? null : options.kind === "contact" ? contactShadow(cutout, blurRadius) : dropShadow(cutout, options.offset ?? DEFAULT_OFFSET, blurRadius);
  if (!plane) {
    return { image: { ...cutout, data: Buffer.from(cutout.data) }, subjectBox: { left: 0, top: 0, width: cutout.width, height: cutout.height } };
  }
  blur(plane, blurRadius);
  return compose(cutout, plane, opacity);
}

/** The subject's base: the horizontal extent of its opaque pixels in its lowest rows. */
function baseOf(cutout: RawImage): { left: number; right: number; bottom: number } | null {
  const { width, height, data } = cutout;
  let bottom = height - 1;
  const opaqueIn = (y: number) => {
    for (let x = 0; x < width; x++) if (data[(y * width + x) * 4 + 3] >= BASE_ALPHA) return true;
    return false;
  };
  while (bottom >= 0 && !opaqueIn(bottom)) bottom--;
  if (bottom < 0) return null;
  const rows = Math.max(1, Math.round(BASE_ROWS * height));
  let left = width;
  let right = -1;
  for (let y = Math.max(0, bottom - rows + 1); y <= bottom; y++) {
    for (let x = 0; x < width; x++) {
      if (data[(y * width + x) * 4 + 3] < BASE_ALPHA) continue;
      left = Math.min(left, x);
      right = Math.max(right, x);
    }
  }
  return { left, right, bottom };
}

/**
 * A soft ellipse centred on the base line, a little wider than the base and
 * darkest in the middle (as under a garment resting on the floor).
 */
function contactShadow(cutout: RawImage, blurRadius: number): Plane | null {
  const base = baseOf(cutout);
  if (!base) return null;
  const centreX = (base.left + base.right + 1) / 2;
  const centreY = base.bottom + 1;
  const radiusX = Math.max(2, ((base.right - base.left + 1) / 2) * 1.08);
  const radiusY = Math.max(1.5, radiusX * CONTACT_FLATNESS);
  const left = Math.floor(centreX - radiusX) - blurRadius - 1;
  const top = Math.floor(centreY - radiusY) - blurRadius - 1;
  const width = Math.ceil(2 * radiusX) + 2 * blurRadius + 3;
  const height = Math.ceil(2 * radiusY) + 2 * blurRadius + 3;
  const alpha = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const dy = (top + y + 0.5 - centreY) / radiusY;
    for (let x = 0; x < width; x++) {
      const dx = (left + x + 0.5 - centreX) / radiusX;
      const r2 = dx * dx + dy * dy;
      if (r2 < 1) alpha[y * width + x] = 1 - r2 * r2;
    }
  }
  return { left, top, width, height, alpha };
}

/** The cutout's alpha, offset by a fraction of its height and padded for the blur. */
function dropShadow(cutout: RawImage, offset: { x: number; y: number }, blurRadius: number): Plane {
  const dx = Math.round(offset.x * cutout.height);
  const dy = Math.round(offset.y * cutout.height);
  const left = dx - blurRadius;
  const top = dy - blurRadius;
  const width = cutout.width + 2 * blurRadius;
  const height = cutout.height + 2 * blurRadius;
  const alpha = new Float32Array(width * height);
  for (let y = 0; y < cutout.height; y++) {
    for (let x = 0; x < cutout.width; x++) alpha[(y + blurRadius) * width + x + blurRadius] = cutout.data[(y * cutout.width + x) * 4 + 3] / 255;
  }
  return { left, top, width, height, alpha };
}

/**
 * Three box passes each way (together reaching `radius`), edges treated as
 * empty. A wide blur runs on a plane shrunk by area averaging and is scaled
 * back bilinearly: the result is smooth at that scale anyway, and a 2000-px
 * subject's shadow then costs a few milliseconds, not hundreds.
 */
function blur(plane: Plane, radius: number): void {
  if (radius < 1) return;
  const factor = Math.max(1, Math.floor(radius / BLUR_SAMPLES_PER_RADIUS));
  const { width, height } = plane;
  if (factor === 1) {
    plane.alpha = boxBlur(plane.alpha, width, height, Math.max(1, Math.round(radius / 3)));
    return;
  }
  const smallWidth = Math.ceil(width / factor);
  const smallHeight = Math.ceil(height / factor);
  let small: Float32Array = new Float32Array(smallWidth * smallHeight);
  const share = 1 / (factor * factor);
  for (let y = 0; y < height; y++) {
    const row = Math.floor(y / factor) * smallWidth;
    for (let x = 0; x < width; x++) small[row + Math.floor(x / factor)] += plane.alpha[y * width + x] * share;
  }
  small = boxBlur(small, smallWidth, smallHeight, Math.max(1, Math.round(radius / factor / 3)));
  for (let y = 0; y < height; y++) {
    const sy = Math.min(smallHeight - 1, Math.max(0, (y + 0.5) / factor - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(smallHeight - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < width; x++) {
      const sx = Math.min(smallWidth - 1, Math.max(0, (x + 0.5) / factor - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(smallWidth - 1, x0 + 1);
      const fx = sx - x0;
      const top = small[y0 * smallWidth + x0] * (1 - fx) + small[y0 * smallWidth + x1] * fx;
      const bottom = small[y1 * smallWidth + x0] * (1 - fx) + small[y1 * smallWidth + x1] * fx;
      plane.alpha[y * width + x] = top * (1 - fy) + bottom * fy;
    }
  }
}

function boxBlur(alpha: Float32Array, width: number, height: number, box: number): Float32Array {
  let source: Float32Array = alpha;
  let target: Float32Array = new Float32Array(source.length);
  for (let pass = 0; pass < 3; pass++) {
    boxPass(source, target, width, height, box, 1, width);
    [source, target] = [target, source];
    boxPass(source, target, height, width, box, width, 1);
    [source, target] = [target, source];
  }
  return source;
}

/** One box blur along lines of `length` samples `step` apart; `lines` of them, each `stride` apart. */
function boxPass(source: Float32Array, target: Float32Array, length: number, lines: number, radius: number, step: number, stride: number): void {
  const scale = 1 / (2 * radius + 1);
  for (let line = 0; line < lines; line++) {
    const start = line * stride;
    let sum = 0;
    for (let k = 0; k <= radius && k < length; k++) sum += source[start + k * step];
    for (let k = 0; k < length; k++) {
      target[start + k * step] = sum * scale;
      const enter = k + radius + 1;
      const leave = k - radius;
      if (enter < length) sum += source[start + enter * step];
      if (leave >= 0) sum -= source[start + leave * step];
    }
  }
}

/** The subject over a black shadow of the plane's alpha × opacity, on a canvas holding both. */
function compose(cutout: RawImage, plane: Plane, opacity: number): ShadowResult {
  // Trim the plane to where the blurred shadow is visible at all.
  let minX = plane.width, maxX = -1, minY = plane.height, maxY = -1;
  for (let y = 0; y < plane.height; y++) {
    for (let x = 0; x < plane.width; x++) {
      if (plane.alpha[y * plane.width + x] * opacity * 255 < 0.5) continue;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  const left = Math.min(0, maxX < 0 ? 0 : plane.left + minX);
  const top = Math.min(0, maxY < 0 ? 0 : plane.top + minY);
  const right = Math.max(cutout.width, maxX < 0 ? 0 : plane.left + maxX + 1);
  const bottom = Math.max(cutout.height, maxY < 0 ? 0 : plane.top + maxY + 1);
  const width = right - left;
  const height = bottom - top;
  const data = Buffer.alloc(width * height * 4);

  for (let y = 0; y < height; y++) {
    const py = top + y - plane.top;
    if (py < 0 || py >= plane.height) continue;
    for (let x = 0; x < width; x++) {
      const px = left + x - plane.left;
      if (px < 0 || px >= plane.width) continue;
      data[(y * width + x) * 4 + 3] = Math.round(Math.min(1, plane.alpha[py * plane.width + px]) * opacity * 255);
    }
  }

  // Subject over shadow (straight alpha): opaque subject pixels are copied unchanged.
  const subjectBox = { left: 0 - left, top: 0 - top, width: cutout.width, height: cutout.height };
  const source = cutout.data;
  for (let y = 0; y < cutout.height; y++) {
    let s = y * cutout.width * 4;
    let q = ((y + subjectBox.top) * width + subjectBox.left) * 4;
    for (let x = 0; x < cutout.width; x++, s += 4, q += 4) {
      const subjectAlpha = source[s + 3];
      if (subjectAlpha === 0) continue;
      if (subjectAlpha === 255) {
        data[q] = source[s];
        data[q + 1] = source[s + 1];
        data[q + 2] = source[s + 2];
        data[q + 3] = 255;
        continue;
      }
      const a = subjectAlpha / 255;
      const combined = a + (data[q + 3] / 255) * (1 - a);
      // The shadow is black, so it adds coverage but no colour.
      data[q] = Math.round((source[s] * a) / combined);
      data[q + 1] = Math.round((source[s + 1] * a) / combined);
      data[q + 2] = Math.round((source[s + 2] * a) / combined);
      data[q + 3] = Math.round(combined * 255);
    }
  }
  return { image: { data, width, height, channels: 4 }, subjectBox };
}
