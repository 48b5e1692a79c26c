/**
 * Where a subject goes on a channel's canvas. Pure: the renditions step turns
 * these numbers into one extract, one resize and one extend per output.
 */

import type { Box } from "./raw-image";

export interface Size {
  width: number;
  height: number;
}

export interface FramingOptions {
  /** "bottom" puts the subject's base on the bottom margin line, so feet and hems line up across a catalog. */
  align: "center" | "bottom";
  /** Fractions of the canvas (top and bottom of its height, side of its width, each side). */
  margins: { top: number; bottom: number; side: number };
}

/** The subject's rectangle on the canvas, in whole pixels, and the scale from source pixels. */
export interface Placement {
  left: number;
  top: number;
  width: number;
  height: number;
  scale: number;
}

/**
 * How much a zoom rendition magnifies compared with the framed view (the
 * subject fitted whole into the canvas), never beyond native resolution.
 */
export const ZOOM_FACTOR = 2;

/** The zoom crop centres on this fraction of the subject's height: the upper middle, where fabric, print and fastenings show. */
const ZOOM_FOCUS_Y = 0.35;

function assertSize(name: string, size: Size): void {
  if (!(Number.isFinite(size.width) && Number.isFinite(size.height) && size.width > 0 && size.height > 0)) {
    throw new RangeError(`${name} must have a positive width and height, got ${size.width}×${size.height}`);
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

/**
 * Fits the subject inside the canvas's margin box, keeping its aspect ratio
 * (enlarging when it is smaller). With `minSubjectFill`, a subject the margins
 * would leave smaller than that share of the canvas is enlarged until its
 * height reaches it (or its width, for a subject too wide to reach it in
 * height), overriding the margins; it always stays inside the canvas.
 */
export function placeSubject(subject: Size, canvas: Size, framing: FramingOptions, minSubjectFill?: number): Placement {
  assertSize("subject", subject);
  assertSize("canvas", canvas);
  const { top: marginTop, bottom: marginBottom, side } = framing.margins;
  for (const [name, value] of Object.entries(framing.margins)) {
    if (!(value >= 0 && value < 0.5)) throw new RangeError(`margins.${name} must be a fraction from 0 to just under 0.5, got ${value}`);
  }
  if (minSubjectFill !== undefined && !(minSubjectFill > 0 && minSubjectFill <= 1)) {
    throw new RangeError(`minSubjectFill must be above 0 and at most 1, got ${minSubjectFill}`);
  }

  const boxLeft = canvas.width * side;
  const boxTop = canvas.height * marginTop;
  const boxWidth = canvas.width - 2 * boxLeft;
  const boxBottom = canvas.height * (1 - marginBottom);
  const boxHeight = Math.max(boxBottom - boxTop, 1);

  let scale = Math.min(boxWidth / subject.width, boxHeight / subject.height);
  if (minSubjectFill !== undefined) {
    // The smallest scale at which one dimension reaches the fill; at most the
    // scale that fits the canvas, because minSubjectFill ≤ 1.
    const needed = Math.min((minSubjectFill * canvas.height) / subject.height, (minSubjectFill * canvas.width) / subject.width);
    scale = Math.max(scale, needed);
  }

  const width = clamp(Math.round(subject.width * scale), 1, canvas.width);
  const height = clamp(Math.round(subject.height * scale), 1, canvas.height);
  const left = clamp(Math.round(boxLeft + (boxWidth - width) / 2), 0, canvas.width - width);
  // A subject the fill made taller than the margin box keeps the top margin
  // (as far as the canvas allows) rather than rising out of the frame.
  const wantedTop = framing.align === "bottom" ? Math.max(boxBottom - height, boxTop) : boxTop + (boxHeight - height) / 2;
  const top = clamp(Math.round(wantedTop), 0, canvas.height - height);
  return { left, top, width, height, scale };
}

/**
 * The detail a zoom rendition shows, in the subject's own coordinates (0,0 is
 * the subject box's top-left corner) with the canvas's aspect ratio: ZOOM_FACTOR
 * times closer than the framed view, but never closer than native resolution,
 * so the crop is at least the canvas's size. Centred on the upper middle of the
 * subject and kept inside it; on a side where the crop is larger than the
 * subject it is centred instead and reaches beyond (the renditions fill that
 * with the channel's background).
 */
export function zoomCrop(subject: Size, canvas: Size): Box {
  assertSize("subject", subject);
  assertSize("canvas", canvas);
  const framedScale = Math.min(canvas.width / subject.width, canvas.height / subject.height);
  const scale = Math.min(1, ZOOM_FACTOR * framedScale);
  const width = Math.round(canvas.width / scale);
  const height = Math.round(canvas.height / scale);
  return {
    left: axisStart(width, subject.width, subject.width / 2),
    top: axisStart(height, subject.height, subject.height * ZOOM_FOCUS_Y),
    width,
    height,
  };
}

function axisStart(cropLength: number, subjectLength: number, focus: number): number {
  if (cropLength >= subjectLength) return Math.round((subjectLength - cropLength) / 2);
  return clamp(Math.round(focus - cropLength / 2), 0, subjectLength - cropLength);
}
