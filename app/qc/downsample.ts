import type { RawImage } from "../imaging/raw-image";

/**
 * The analysis copies the image checks run on. Quality checks judge what a
 * customer sees at viewing size, and most of them cost per pixel, so the
 * aggregator shrinks a 2048 px rendition once (area averaging: every source
 * pixel counts by the share of it an output pixel covers, so no detail is
 * skipped and no aliasing invents any) and runs each check at the smallest
 * size that keeps it meaningful. Pure.
 */

/** The size an image of width × height gets when its long edge is capped at `longEdge` (never enlarged). */
export function fittedSize(width: number, height: number, longEdge: number): { width: number; height: number } {
  const scale = Math.min(1, longEdge / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * An area-averaged copy whose long edge is at most `longEdge`; the image
 * itself when it is already that small. RGBA colour is averaged weighted by
 * alpha, so the undefined colour of transparent pixels never bleeds in.
 */
export function downsample(image: RawImage, longEdge: number): RawImage {
  const target = fittedSize(image.width, image.height, longEdge);
  if (target.width === image.width && target.height === image.height) return image;
  const fx = image.width / target.width;
  const fy = image.height / target.height;
  if (Number.isInteger(fx) && fx === fy && image.channels === 3) return boxShrink(image, fx);
  return areaResample(image, target.width, target.height);
}

/** Whole-factor shrink of an RGB image (the common 2048 → 1024 → 512 case): plain block means. */
function boxShrink(image: RawImage, factor: number): RawImage {
  if (factor === 2) return halve(image);
  const { width, data } = image;
  const outWidth = image.width / factor;
  const outHeight = image.height / factor;
  const out = Buffer.allocUnsafe(outWidth * outHeight * 3);
  const sums = new Uint32Array(outWidth * 3);
  const share = factor * factor;
  const half = share >> 1;
  for (let oy = 0; oy < outHeight; oy++) {
    sums.fill(0);
    for (let y = oy * factor, yEnd = y + factor; y < yEnd; y++) {
      let p = y * width * 3;
      for (let ox = 0, s = 0; ox < outWidth; ox++, s += 3) {
        let r = 0, g = 0, b = 0;
        for (let k = 0; k < factor; k++, p += 3) {
          r += data[p];
          g += data[p + 1];
          b += data[p + 2];
        }
        sums[s] += r;
        sums[s + 1] += g;
        sums[s + 2] += b;
      }
    }
    const row = oy * outWidth * 3;
    for (let s = 0; s < outWidth * 3; s++) out[row + s] = ((sums[s] + half) / share) | 0;
  }
  return { data: out, width: outWidth, height: outHeight, channels: 3 };
}

/** 2 × 2 block means of an RGB image with even sides: the hot case, unrolled. */
function halve(image: RawImage): RawImage {
  const { width, data } = image;
  const outWidth = width >> 1;
  const outHeight = image.height >> 1;
  const out = Buffer.allocUnsafe(outWidth * outHeight * 3);
  const rowBytes = width * 3;
  for (let oy = 0, q = 0; oy < outHeight; oy++) {
    let p = 2 * oy * rowBytes;
    for (let ox = 0; ox < outWidth; ox++, p += 6, q += 3) {
      const n = p + rowBytes;
      out[q] = (data[p] + data[p + 3] + data[n] + data[n + 3] + 2) >> 2;
      out[q + 1] = (data[p + 1] + data[p + 4] + data[n + 1] + data[n + 4] + 2) >> 2;
      out[q + 2] = (data[p + 2] + data[p + 5] + data[n + 2] + data[n + 5] + 2) >> 2;
    }
  }
  return { data: out, width: outWidth, height: outHeight, channels: 3 };
}

/** Per output index along one axis: the first source index and the weight of each source pixel it covers. */
function axisTaps(source: number, target: number): { start: Int32Array; count: Int32Array; weights: Float32Array; stride: number } {
  const scale = source / target;
  const stride = Math.ceil(scale) + 1;
  const start = new Int32Array(target);
  const count = new Int32Array(target);
  const weights = new Float32Array(target * stride);
  for (let o = 0; o < target; o++) {
    const from = o * scale;
    const to = Math.min(source, (o + 1) * scale);
    const first = Math.floor(from);
    start[o] = first;
    let n = 0;
    for (let s = first; s < to && n < stride; s++, n++) weights[o * stride + n] = (Math.min(to, s + 1) - Math.max(from, s)) / scale;
    count[o] = n;
  }
  return { start, count, weights, stride };
}

/** General area resampling, separable (rows, then columns), for any ratio and 3 or 4 channels. */
function areaResample(image: RawImage, outWidth: number, outHeight: number): RawImage {
  const { width, height, channels, data } = image;
  const alpha = channels === 4;
  const h = axisTaps(width, outWidth);
  const v = axisTaps(height, outHeight);
  // Horizontal pass into floats: premultiplied colour (and alpha) per output column, every source row.
  const planes = alpha ? 4 : 3;
  const rows = new Float32Array(height * outWidth * planes);
  for (let y = 0; y < height; y++) {
    const src = y * width * channels;
    for (let ox = 0; ox < outWidth; ox++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let n = 0, x = h.start[ox]; n < h.count[ox]; n++, x++) {
        const w = h.weights[ox * h.stride + n];
        const p = src + x * channels;
        const weight = alpha ? (w * data[p + 3]) / 255 : w;
        r += data[p] * weight;
        g += data[p + 1] * weight;
        b += data[p + 2] * weight;
        a += weight;
      }
      const q = (y * outWidth + ox) * planes;
      rows[q] = r;
      rows[q + 1] = g;
      rows[q + 2] = b;
      if (alpha) rows[q + 3] = a;
    }
  }
  const out = Buffer.allocUnsafe(outWidth * outHeight * channels);
  for (let oy = 0; oy < outHeight; oy++) {
    for (let ox = 0; ox < outWidth; ox++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let n = 0, y = v.start[oy]; n < v.count[oy]; n++, y++) {
        const w = v.weights[oy * v.stride + n];
        const q = (y * outWidth + ox) * planes;
        r += rows[q] * w;
        g += rows[q + 1] * w;
        b += rows[q + 2] * w;
        if (alpha) a += rows[q + 3] * w;
      }
      const p = (oy * outWidth + ox) * channels;
      // Un-premultiply; a fully transparent pixel keeps black colour.
      const k = alpha ? (a > 1e-6 ? 1 / a : 0) : 1;
      out[p] = Math.min(255, Math.round(r * k));
      out[p + 1] = Math.min(255, Math.round(g * k));
      out[p + 2] = Math.min(255, Math.round(b * k));
      if (alpha) out[p + 3] = Math.min(255, Math.round(a * 255));
    }
  }
  return { data: out, width: outWidth, height: outHeight, channels };
}

/** An RGB copy of an RGBA image composited over `background` (straight alpha); an RGB image is returned as is. */
export function flatten(image: RawImage, background: readonly [number, number, number]): RawImage {
  if (image.channels === 3) return image;
  const pixels = image.width * image.height;
  const out = Buffer.allocUnsafe(pixels * 3);
  const { data } = image;
  for (let i = 0, p = 0, q = 0; i < pixels; i++, p += 4, q += 3) {
    const a = data[p + 3] / 255;
    out[q] = Math.round(data[p] * a + background[0] * (1 - a));
    out[q + 1] = Math.round(data[p + 1] * a + background[1] * (1 - a));
    out[q + 2] = Math.round(data[p + 2] * a + background[2] * (1 - a));
  }
  return { data: out, width: image.width, height: image.height, channels: 3 };
}
