import type { RawImage } from "../imaging/raw-image";
import { checkResult, unmeasured, type QcCheckResult, type QcThreshold } from "./qc-check";

/**
 * Blown highlights and crushed shadows on the product: the share of subject
 * pixels with no detail left. A highlight is clipped when a channel has hit
 * the ceiling (≥ 254: a JPEG decodes a clipped area at 253–255) and the
 * others are at least 250, so the pixel is white with no tone left (a cream
 * blown to 255, 255, 250 counts); a shadow likewise at the floor (a channel
 * ≤ 1, all ≤ 5). A white shirt at 240–252 is white, not clipped, however
 * close to the backdrop it sits, and a saturated red with only its red
 * channel at 255 keeps its detail in green and blue. Pure.
 *
 * Defaults (flag above 2 %, reject above 6 %): a specular glint or a black
 * button stays well under 2 %; a blown-out white panel or a black garment
 * crushed to one flat black is far above 6 %.
 */

const CEILING = 254;
const HIGHLIGHT = 250;
const FLOOR = 1;
const SHADOW = 5;

export interface ExposureMeasurement {
  /** Percent of subject pixels clipped, highlights and shadows together. */
  clipped: number;
  highlights: number;
  shadows: number;
  subjectPixels: number;
}

/** Clipping over the subject (`mask` at the image's size; null = the whole image). */
export function measureExposure(image: RawImage, mask: Uint8Array | null): ExposureMeasurement {
  const { width, height, channels, data } = image;
  let highlights = 0, shadows = 0, count = 0;
  for (let i = 0, p = 0, n = width * height; i < n; i++, p += channels) {
    if (mask && !mask[i]) continue;
    count++;
    const r = data[p], g = data[p + 1], b = data[p + 2];
    const lo = r < g ? (r < b ? r : b) : g < b ? g : b;
    const hi = r > g ? (r > b ? r : b) : g > b ? g : b;
    if (lo >= HIGHLIGHT && hi >= CEILING) highlights++;
    else if (hi <= SHADOW && lo <= FLOOR) shadows++;
  }
  const percent = (k: number) => (count === 0 ? 0 : (100 * k) / count);
  return { clipped: percent(highlights + shadows), highlights: percent(highlights), shadows: percent(shadows), subjectPixels: count };
}

export function checkExposure(image: RawImage, mask: Uint8Array | null, t: QcThreshold): QcCheckResult {
  const m = measureExposure(image, mask);
  if (m.subjectPixels === 0) return unmeasured("exposure", t, "Exposure not measured: no subject was found");
  const parts = [m.highlights > 0 ? `${m.highlights.toFixed(1)}% blown to white` : null, m.shadows > 0 ? `${m.shadows.toFixed(1)}% crushed to black` : null].filter(Boolean);
  const reason = parts.length === 0 ? "No subject pixel is clipped" : `Of the subject, ${parts.join(" and ")}`;
  return checkResult("exposure", m.clipped, t, reason, { highlights: Math.round(m.highlights * 100) / 100, shadows: Math.round(m.shadows * 100) / 100 });
}
