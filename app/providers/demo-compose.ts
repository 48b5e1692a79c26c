/**
 * The pure geometry of the demo provider's composites: which figure, where
 * the garment goes for each view, and the small seeded offsets that make
 * candidates differ. No I/O, so every rule is a unit test; the sharp work is
 * in demo-render.server.ts.
 *
 * Everything is laid out in a 1000×1500 "figure space" (the 2:3 frame of the
 * default 864×1296 output) and mapped onto the real canvas at the end.
 */
import { between, seededRandom } from "~/video/seeded-random";

export type DemoView = "front" | "back" | "side" | "detail";
export type GarmentCategory = "auto" | "tops" | "bottoms" | "one-pieces";

export interface Size {
  width: number;
  height: number;
}

export const DEFAULT_CANVAS: Size = { width: 864, height: 1296 };
const FIGURE: Size = { width: 1000, height: 1500 };
/** Shopify takes about 20 megapixels (PLATFORM.md); a demo never needs more than 4096 a side. */
const CANVAS_LIMITS = { min: 64, max: 4096 };

export const DEMO_BACKGROUNDS: Readonly<Record<string, string>> = {
  "studio-white": "#f7f6f3",
  "warm-grey": "#d8d2c9",
  stone: "#c7c0b4",
};
const DEFAULT_BACKGROUND = "studio-white";

/**
 * A recipe's background as a colour: a preset name or #rgb/#rrggbb. Real
 * providers read free text ("white studio sweep") from the same field, so an
 * unknown value falls back to the default instead of failing the job.
 */
export function resolveBackground(value: string | undefined): string {
  const key = value?.trim().toLowerCase() ?? "";
  if (key in DEMO_BACKGROUNDS) return DEMO_BACKGROUNDS[key];
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/.exec(key);
  if (short) return `#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}`;
  if (/^#[0-9a-f]{6}$/.test(key)) return key;
  return DEMO_BACKGROUNDS[DEFAULT_BACKGROUND];
}

/** The view from `view`, else from words in the pose preset ("three-quarter-left" → side); front by default. */
export function resolveView(view: string | undefined, pose: string | undefined): DemoView {
  for (const text of [view, pose]) {
    const value = text?.toLowerCase() ?? "";
    if (/\bback|rear/.test(value)) return "back";
    if (/side|profile|three-quarter|3\/4/.test(value)) return "side";
    if (/detail|close|macro|crop/.test(value)) return "detail";
    if (/front/.test(value)) return "front";
  }
  return "front";
}

/** Output size from `extra.width`/`extra.height`, each an integer within limits; the default otherwise. */
export function resolveCanvas(extra: Record<string, unknown> | undefined): Size {
  const pick = (name: "width" | "height"): number => {
    const value = extra?.[name];
    if (value === undefined) return DEFAULT_CANVAS[name];
    if (typeof value !== "number" || !Number.isInteger(value) || value < CANVAS_LIMITS.min || value > CANVAS_LIMITS.max) {
      throw new RangeError(`extra.${name} must be an integer from ${CANVAS_LIMITS.min} to ${CANVAS_LIMITS.max} pixels`);
    }
    return value;
  };
  return { width: pick("width"), height: pick("height") };
}

const VIDEO_SIZES: Readonly<Record<string, Size>> = {
  "2:3": { width: 720, height: 1080 },
  "9:16": { width: 720, height: 1280 },
  "4:5": { width: 720, height: 900 },
  "1:1": { width: 720, height: 720 },
  "16:9": { width: 1280, height: 720 },
};

/** Clip size for image-to-video: explicit `extra` sizes win, then the aspect ratio, else 2:3 like the stills. */
export function resolveVideoSize(aspectRatio: string | undefined, extra: Record<string, unknown> | undefined): Size {
  if (extra?.width !== undefined || extra?.height !== undefined) {
    const size = resolveCanvas(extra);
    if (size.width % 2 !== 0 || size.height % 2 !== 0) throw new RangeError("extra.width and extra.height must be even for video (H.264)");
    return size;
  }
  if (aspectRatio === undefined) return VIDEO_SIZES["2:3"];
  const size = VIDEO_SIZES[aspectRatio.trim()];
  if (!size) throw new RangeError(`aspectRatio must be one of ${Object.keys(VIDEO_SIZES).join(", ")}`);
  return size;
}

interface ViewLayout {
  scaleX: number;
  scaleY: number;
  /** The figure-space point the view scales about. */
  origin: { x: number; y: number };
  /** Backs are the flat-lay mirrored: the demo has no back photo, and a mirror reads as "other side". */
  flop: boolean;
  figureFill: string;
}

const VIEW_LAYOUT: Record<DemoView, ViewLayout> = {
  front: { scaleX: 1, scaleY: 1, origin: { x: 500, y: 750 }, flop: false, figureFill: "#bdbdbb" },
  back: { scaleX: 1, scaleY: 1, origin: { x: 500, y: 750 }, flop: true, figureFill: "#b1b1af" },
  // A horizontal squeeze of figure and garment stands in for a turned body.
  side: { scaleX: 0.62, scaleY: 1, origin: { x: 520, y: 750 }, flop: false, figureFill: "#b8b8b6" },
  // A close crop on the chest, as a detail shot would frame it.
  detail: { scaleX: 2.1, scaleY: 2.1, origin: { x: 500, y: 560 }, flop: false, figureFill: "#bdbdbb" },
};

/**
 * Where a flat-lay of each category sits on the figure, in figure space. The
 * boxes hold the whole flat-lay frame (its backdrop included), sized so a
 * typical garment's neckline meets the shoulders and a waistband the hips.
 */
const GARMENT_BOX: Record<GarmentCategory, { x: number; y: number; width: number; height: number }> = {
  auto: { x: 150, y: 150, width: 700, height: 875 },
  tops: { x: 150, y: 150, width: 700, height: 875 },
  "one-pieces": { x: 170, y: 40, width: 660, height: 1150 },
  bottoms: { x: 148, y: 686, width: 704, height: 880 },
};

/** Figure space → canvas: a uniform fit (centred), after the view's own scale about its origin. */
export function figureToCanvas(view: DemoView, canvas: Size): { scaleX: number; scaleY: number; offsetX: number; offsetY: number } {
  const layout = VIEW_LAYOUT[view];
  const fit = Math.min(canvas.width / FIGURE.width, canvas.height / FIGURE.height);
  const fitX = (canvas.width - FIGURE.width * fit) / 2;
  const fitY = (canvas.height - FIGURE.height * fit) / 2;
  return {
    scaleX: fit * layout.scaleX,
    scaleY: fit * layout.scaleY,
    offsetX: fitX + fit * layout.origin.x * (1 - layout.scaleX),
    offsetY: fitY + fit * layout.origin.y * (1 - layout.scaleY),
  };
}

export interface Jitter {
  /** Offsets as fractions of the canvas size. */
  dx: number;
  dy: number;
  rotationDegrees: number;
  scale: number;
}

/** Small seeded changes so candidates of one request differ, and the same seed repeats exactly. */
export function seedJitter(seed: number, view: DemoView): Jitter {
  const random = seededRandom(seed * 31 + ["front", "back", "side", "detail"].indexOf(view));
  return {
    dx: between(random, -0.015, 0.015),
    dy: between(random, -0.012, 0.012),
    rotationDegrees: between(random, -2.5, 2.5),
    scale: between(random, 0.96, 1.04),
  };
}

export interface GarmentPlacement {
  /** The size to resize the (background-keyed) garment to, before rotation. */
  width: number;
  height: number;
  flop: boolean;
  rotationDegrees: number;
  /** Where the garment's centre lands on the canvas, in pixels. */
  centre: { x: number; y: number };
}

export function garmentPlacement(input: { view: DemoView; category: GarmentCategory; canvas: Size; garment: Size; seed: number }): GarmentPlacement {
  const { view, canvas, garment } = input;
  const box = GARMENT_BOX[input.category];
  const map = figureToCanvas(view, canvas);
  const jitter = seedJitter(input.seed, view);
  // Fit the garment into its box unsqueezed, then let the view's scale squeeze (side) or enlarge (detail) it.
  const fit = Math.min(box.width / garment.width, box.height / garment.height);
  const width = Math.max(1, Math.round(garment.width * fit * map.scaleX * jitter.scale));
  const height = Math.max(1, Math.round(garment.height * fit * map.scaleY * jitter.scale));
  const centre = {
    x: map.offsetX + map.scaleX * (box.x + box.width / 2) + jitter.dx * canvas.width,
    y: map.offsetY + map.scaleY * (box.y + box.height / 2) + jitter.dy * canvas.height,
  };
  return { width, height, flop: VIEW_LAYOUT[view].flop, rotationDegrees: jitter.rotationDegrees, centre };
}

export interface ClippedOverlay {
  /** The part of the overlay that lands on the canvas. */
  extract: { left: number; top: number; width: number; height: number };
  left: number;
  top: number;
}

/**
 * An overlay of `size` centred on `centre`, clipped to the canvas (sharp
 * refuses overlays that stick out). Null when nothing of it is visible.
 */
export function clipToCanvas(size: Size, centre: { x: number; y: number }, canvas: Size): ClippedOverlay | null {
  const left = Math.round(centre.x - size.width / 2);
  const top = Math.round(centre.y - size.height / 2);
  const x0 = Math.max(0, left);
  const y0 = Math.max(0, top);
  const x1 = Math.min(canvas.width, left + size.width);
  const y1 = Math.min(canvas.height, top + size.height);
  if (x1 <= x0 || y1 <= y0) return null;
  return { extract: { left: x0 - left, top: y0 - top, width: x1 - x0, height: y1 - y0 }, left: x0, top: y0 };
}

/**
 * A neutral grey mannequin on the background, as SVG at canvas size. The
 * figure is drawn in figure space and placed with the same transform the
 * garment uses, so the two always line up.
 */
export function mannequinSvg(view: DemoView, canvas: Size, background: string): string {
  const map = figureToCanvas(view, canvas);
  const fill = VIEW_LAYOUT[view].figureFill;
  const f = (n: number) => Number(n.toFixed(4));
  const transform = `matrix(${f(map.scaleX)} 0 0 ${f(map.scaleY)} ${f(map.offsetX)} ${f(map.offsetY)})`;
  const body = [
    `<ellipse cx="500" cy="1442" rx="230" ry="26" fill="#000000" fill-opacity="0.07"/>`,
    `<ellipse cx="500" cy="168" rx="72" ry="88"/>`,
    `<rect x="468" y="240" width="64" height="70" rx="18"/>`,
    `<path d="M330 300 Q500 272 670 300 L700 360 L650 760 L662 822 L338 822 L350 760 L300 360 Z"/>`,
    `<path d="M328 306 L284 342 L238 760 L274 772 L332 430 Z"/>`,
    `<path d="M672 306 L716 342 L762 760 L726 772 L668 430 Z"/>`,
    `<path d="M346 812 L496 812 L482 1432 L404 1432 Z"/>`,
    `<path d="M504 812 L654 812 L596 1432 L518 1432 Z"/>`,
  ].join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${canvas.width}" height="${canvas.height}" viewBox="0 0 ${canvas.width} ${canvas.height}"><rect width="100%" height="100%" fill="${background}"/><g transform="${transform}" fill="${fill}" stroke="#b4b4b2" stroke-width="2">${body}</g></svg>`;
}

/**
 * Makes a flat-lay's backdrop transparent: a flood fill from the border
 * through pixels close to the corners' average colour, with a soft edge so
 * the cut-out is not jagged. Pixels inside the garment are never reached,
 * so a garment the backdrop's colour keeps its middle. RGBA in, RGBA out.
 */
export function keyOutBackdrop(rgba: Uint8Array, size: Size, tolerance: { inner: number; outer: number } = { inner: 18, outer: 42 }): Uint8Array {
  const { width, height } = size;
  const out = Uint8Array.from(rgba);
  const corners = [0, width - 1, (height - 1) * width, height * width - 1];
  const key = [0, 1, 2].map((c) => corners.reduce((sum, p) => sum + rgba[p * 4 + c], 0) / corners.length);
  const distance = (p: number) => Math.hypot(rgba[p * 4] - key[0], rgba[p * 4 + 1] - key[1], rgba[p * 4 + 2] - key[2]);
  const seen = new Uint8Array(width * height);
  const queue = new Int32Array(width * height);
  let head = 0;
  let tail = 0;
  const visit = (p: number) => {
    if (seen[p]) return;
    seen[p] = 1;
    queue[tail++] = p;
  };
  for (let x = 0; x < width; x += 1) {
    visit(x);
    visit((height - 1) * width + x);
  }
  for (let y = 0; y < height; y += 1) {
    visit(y * width);
    visit(y * width + width - 1);
  }
  while (head < tail) {
    const p = queue[head++];
    const d = distance(p);
    if (d >= tolerance.outer) continue;
    const keep = d <= tolerance.inner ? 0 : (d - tolerance.inner) / (tolerance.outer - tolerance.inner);
    out[p * 4 + 3] = Math.round(rgba[p * 4 + 3] * keep);
    if (d > tolerance.inner) continue; // an edge pixel: soften it, but do not spread into the garment
    const x = p % width;
    if (x > 0) visit(p - 1);
    if (x < width - 1) visit(p + 1);
    if (p >= width) visit(p - width);
    if (p < width * (height - 1)) visit(p + width);
  }
  return out;
}
