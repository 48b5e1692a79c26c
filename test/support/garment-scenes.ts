import sharp from "sharp";
import type { RawImage } from "~/imaging/raw-image";
import { seededRandom } from "../../app/video/seeded-random";

/**
 * Test garments on known studio backdrops, with the exact ground truth the
 * keyer is measured against. The silhouette is an SVG path rasterised by sharp
 * (librsvg's anti-aliasing gives each pixel's coverage); fabric, backdrop
 * fall-off and sensor noise are computed here, and the photo is composed as
 * C = coverage·F + (1 − coverage)·B + noise, so `subject` (F) and `coverage`
 * say exactly what a perfect key would return.
 */

export type GarmentShape = "t-shirt" | "dress" | "trousers";

export type Fabric =
  | { kind: "solid"; colour: RGB }
  | { kind: "stripes"; colours: [RGB, RGB]; period: number /* fraction of the image height */ }
  | { kind: "dots"; base: RGB; dots: RGB[] };

export interface BackdropSpec {
  colour: RGB;
  /** How the light falls off: levels lost at the far edge (vertical, top to bottom) or in the corners (radial). */
  falloff: { kind: "flat" } | { kind: "vertical"; drop: number } | { kind: "radial"; drop: number };
}

export interface SceneSpec {
  name: string;
  garment: GarmentShape;
  fabric: Fabric;
  backdrop: BackdropSpec;
  /** A backdrop-coloured print on the chest, enclosed by the garment: a correct key keeps it. */
  enclosedPrint?: RGB;
  /** Lens softness: Gaussian sigma (px) applied to the coverage. */
  edgeBlur?: number;
  /** Sensor noise, standard deviation in levels. Default 1.2. */
  noise?: number;
  width?: number;
  height?: number;
  seed?: number;
}

export interface GarmentScene {
  name: string;
  /** The studio photo, RGB. */
  image: RawImage;
  /** Ground-truth silhouette, width*height: 1 where the garment covers at least half the pixel. */
  mask: Uint8Array;
  /** Fraction (0..1) of each pixel the garment covers. */
  coverage: Float32Array;
  /** The garment's own colour at every pixel (meaningful where coverage > 0), RGB. */
  subject: RawImage;
}

type RGB = [number, number, number];

const VIEW_WIDTH = 100;
const VIEW_HEIGHT = 133;

/** Silhouettes in a 100 × 133 view box, none touching the frame (a seamless-backdrop packshot). */
const SILHOUETTES: Record<GarmentShape, string> = {
  // Shoulders, short sleeves, a scooped neckline open to the backdrop above.
  "t-shirt": "M 38 18 Q 50 30 62 18 L 78 22 L 94 44 L 84 55 L 74 47 L 75 118 Q 50 121 25 118 L 26 47 L 16 55 L 6 44 L 22 22 Z",
  // Thin straps (about 3 % of the width), a fitted bodice and a flared skirt with a curved hem.
  dress: "M 36.5 10 L 39.5 10 L 41 30 Q 50 40 59 30 L 60.5 10 L 63.5 10 L 64.5 32 Q 67 45 63 58 L 83 119 Q 50 128 17 119 L 37 58 Q 33 45 35.5 32 Z",
  // A waistband and two legs; the gap between the legs opens to the backdrop at the bottom.
  trousers: "M 30 12 L 70 12 L 72 30 L 77 124 L 54 124 L 50.5 60 Q 50 57 49.5 60 L 46 124 L 23 124 L 28 30 Z",
};

/** The chest print of `enclosedPrint`: a rounded badge well inside the garment. */
const PRINT = '<rect x="40" y="45" width="20" height="16" rx="4"/>';

function gaussian(next: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

/** An SVG layer rasterised by sharp into per-pixel coverage (0..1), optionally blurred. */
async function rasterise(body: string, width: number, height: number, blur = 0): Promise<Float32Array> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${VIEW_WIDTH} ${VIEW_HEIGHT}" preserveAspectRatio="none">${body}</svg>`;
  let pipeline = sharp(Buffer.from(svg)).ensureAlpha().extractChannel(3);
  if (blur > 0) pipeline = pipeline.blur(blur);
  const alpha = await pipeline.raw().toBuffer();
  const coverage = new Float32Array(width * height);
  for (let i = 0; i < coverage.length; i++) coverage[i] = alpha[i] / 255;
  return coverage;
}

function backdropAt(spec: BackdropSpec, x: number, y: number, width: number, height: number): number {
  const { falloff } = spec;
  if (falloff.kind === "vertical") return falloff.drop * Math.pow(y / (height - 1), 1.6);
  if (falloff.kind === "radial") {
    // Vignetting centred a little above the middle, steeper than a quadratic towards the corners.
    const dx = (x - 0.5 * width) / (0.5 * width);
    const dy = (y - 0.45 * height) / (0.55 * height);
    return falloff.drop * Math.pow((dx * dx + dy * dy) / 2, 1.25);
  }
  return 0;
}

/** Renders one scene: photo, ground-truth mask and coverage, and the garment's own colours. */
export async function renderGarmentScene(spec: SceneSpec): Promise<GarmentScene> {
  const width = spec.width ?? 600;
  const height = spec.height ?? 800;
  const scale = width / VIEW_WIDTH;
  const seed = spec.seed ?? 1;
  const path = `<path d="${SILHOUETTES[spec.garment]}" fill="#fff"/>`;

  const dots = spec.fabric.kind === "dots" ? dotsLayer(spec.fabric.dots.length, seed) : [];
  const [coverage, body, print, ...dotCoverage] = await Promise.all([
    rasterise(path, width, height, spec.edgeBlur ?? 0),
    // Fabric turns away from the light at the silhouette: a wide blur of the shape shades the edges.
    rasterise(path, width, height, scale * 2.5),
    spec.enclosedPrint ? rasterise(`<g fill="#fff">${PRINT}</g>`, width, height) : Promise.resolve(undefined),
    ...dots.map((circles) => rasterise(`<g fill="#fff">${circles}</g>`, width, height)),
  ]);

  const pixels = width * height;
  const image = Buffer.alloc(pixels * 3);
  const subject = Buffer.alloc(pixels * 3);
  const mask = new Uint8Array(pixels);
  const noise = gaussian(seededRandom(seed * 7919 + 17));
  const sigma = spec.noise ?? 1.2;
  const garment: RGB = [0, 0, 0];
  const backdrop: RGB = [0, 0, 0];

  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      fabricAt(spec.fabric, y, height, dotCoverage, i, garment);
      if (print && print[i] > 0) for (let c = 0; c < 3; c++) garment[c] += print[i] * (spec.enclosedPrint![c] - garment[c]);
      // Soft folds, a faint weave, and darker edges where the cloth turns away.
      const shade = 1 - 0.035 * (1 - body[i]) + 0.008 * Math.sin(x * 0.045 + y * 0.012) + 0.004 * Math.sin(x * 1.7) * Math.sin(y * 1.9);
      const fall = backdropAt(spec.backdrop, x, y, width, height);
      const a = coverage[i];
      mask[i] = a >= 0.5 ? 1 : 0;
      for (let c = 0; c < 3; c++) {
        const inPrint = print ? print[i] : 0;
        // The print is ink on the fabric: it takes the folds but not the edge shading (it sits far from the edges).
        const f = Math.min(255, Math.max(0, garment[c] * (inPrint > 0 ? 1 + 0.008 * Math.sin(x * 0.045 + y * 0.012) : shade)));
        backdrop[c] = spec.backdrop.colour[c] - fall;
        subject[i * 3 + c] = Math.round(f);
        const value = a * f + (1 - a) * backdrop[c] + sigma * noise();
        image[i * 3 + c] = Math.min(255, Math.max(0, Math.round(value)));
      }
    }
  }
  return {
    name: spec.name,
    image: { data: image, width, height, channels: 3 },
    mask,
    coverage,
    subject: { data: subject, width, height, channels: 3 },
  };
}

/** One SVG group of circles per dot colour, scattered over the whole frame (the silhouette clips them). */
function dotsLayer(colours: number, seed: number): string[] {
  const next = seededRandom(seed * 31 + 5);
  const groups: string[] = Array.from({ length: colours }, () => "");
  for (let row = 0; row < 14; row++) {
    for (let column = 0; column < 11; column++) {
      const cx = column * 9.5 + (row % 2) * 4.75 + (next() - 0.5) * 3;
      const cy = row * 9.8 + (next() - 0.5) * 3;
      groups[(row + column) % colours] += `<circle cx="${cx.toFixed(2)}" cy="${cy.toFixed(2)}" r="${(2 + next() * 1.6).toFixed(2)}"/>`;
    }
  }
  return groups;
}

function fabricAt(fabric: Fabric, y: number, height: number, dotCoverage: Float32Array[], i: number, out: RGB): void {
  if (fabric.kind === "solid") {
    out[0] = fabric.colour[0];
    out[1] = fabric.colour[1];
    out[2] = fabric.colour[2];
  } else if (fabric.kind === "stripes") {
    // Anti-aliased horizontal stripes: the second colour's share of this pixel row.
    const share = stripeShare(y, fabric.period * height);
    for (let c = 0; c < 3; c++) out[c] = fabric.colours[0][c] + share * (fabric.colours[1][c] - fabric.colours[0][c]);
  } else {
    for (let c = 0; c < 3; c++) out[c] = fabric.base[c];
    for (let d = 0; d < dotCoverage.length; d++) {
      const a = dotCoverage[d][i];
      if (a > 0) for (let c = 0; c < 3; c++) out[c] += a * (fabric.dots[d][c] - out[c]);
    }
  }
}

/** Fraction of pixel row y (spanning y..y+1) in the second half of each stripe period. */
function stripeShare(y: number, period: number): number {
  const covered = (t: number) => {
    const cycles = Math.floor(t / period);
    const rest = t - cycles * period;
    return cycles * period * 0.5 + Math.max(0, rest - period * 0.5);
  };
  return covered(y + 1) - covered(y);
}

const WHITE: RGB = [254, 254, 253];
const LIGHT_GREY: RGB = [226, 226, 228];

/** The scenes the keying quality test measures: light garments on light backdrops first, where halos show. */
export const GARMENT_SCENES: SceneSpec[] = [
  { name: "white t-shirt on white, flat, white chest print", garment: "t-shirt", fabric: { kind: "solid", colour: [244, 244, 242] }, backdrop: { colour: WHITE, falloff: { kind: "flat" } }, enclosedPrint: [253, 253, 252] },
  { name: "cream t-shirt on white, vertical fall-off", garment: "t-shirt", fabric: { kind: "solid", colour: [246, 240, 226] }, backdrop: { colour: [255, 255, 254], falloff: { kind: "vertical", drop: 6 } }, seed: 2 },
  { name: "white trousers on white, radial fall-off", garment: "trousers", fabric: { kind: "solid", colour: [243, 243, 241] }, backdrop: { colour: [255, 255, 255], falloff: { kind: "radial", drop: 5 } }, seed: 3 },
  { name: "white dress on light grey, radial fall-off", garment: "dress", fabric: { kind: "solid", colour: [245, 245, 243] }, backdrop: { colour: LIGHT_GREY, falloff: { kind: "radial", drop: 14 } }, seed: 4 },
  { name: "cream dress on light grey, flat", garment: "dress", fabric: { kind: "solid", colour: [247, 241, 224] }, backdrop: { colour: LIGHT_GREY, falloff: { kind: "flat" } }, seed: 5 },
  { name: "navy/white striped t-shirt on white, radial fall-off", garment: "t-shirt", fabric: { kind: "stripes", colours: [[28, 38, 82], [243, 243, 240]], period: 0.04 }, backdrop: { colour: WHITE, falloff: { kind: "radial", drop: 5 } }, seed: 6 },
  { name: "red dotted dress on white, flat", garment: "dress", fabric: { kind: "dots", base: [196, 48, 58], dots: [[244, 243, 238], [238, 196, 60], [30, 40, 90]] }, backdrop: { colour: WHITE, falloff: { kind: "flat" } }, seed: 7 },
  { name: "black trousers on white, vertical fall-off", garment: "trousers", fabric: { kind: "solid", colour: [34, 34, 38] }, backdrop: { colour: WHITE, falloff: { kind: "vertical", drop: 7 } }, seed: 8 },
  { name: "black t-shirt on white, soft lens edge", garment: "t-shirt", fabric: { kind: "solid", colour: [30, 30, 32] }, backdrop: { colour: WHITE, falloff: { kind: "radial", drop: 4 } }, edgeBlur: 0.8, seed: 9 },
  { name: "mid-grey t-shirt on mid-grey, vertical fall-off", garment: "t-shirt", fabric: { kind: "solid", colour: [120, 121, 126] }, backdrop: { colour: [152, 152, 150], falloff: { kind: "vertical", drop: 10 } }, seed: 10 },
];

/**
 * Images that are not a studio sweep: a photo-like outdoor render (sky,
 * foliage, textured ground) and a gradient through many hues. The keyer must
 * say they are not uniform, so the pipeline sends them to a background-removal provider.
 */
export function renderBusyScene(kind: "outdoor" | "hues", width = 600, height = 800, seed = 11): RawImage {
  const data = Buffer.alloc(width * height * 3);
  const next = seededRandom(seed);
  const noise = gaussian(next);
  for (let y = 0, p = 0; y < height; y++) {
    for (let x = 0; x < width; x++, p += 3) {
      let r: number, g: number, b: number;
      if (kind === "hues") {
        const hue = ((x / width) * 300 + (y / height) * 60) % 360;
        [r, g, b] = hsv(hue, 0.6, 0.92);
      } else if (y < height * 0.45) {
        // Sky darkening upwards, with soft cloud bands.
        const t = y / (height * 0.45);
        const cloud = 40 * Math.max(0, Math.sin(x * 0.013 + Math.sin(y * 0.02) * 2) * Math.sin(y * 0.031));
        [r, g, b] = [90 + 70 * t + cloud, 140 + 60 * t + cloud, 215 + 25 * t + cloud * 0.5];
        // Foliage along the sides.
        const leaves = Math.sin(x * 0.21) * Math.sin(y * 0.17) + Math.sin(x * 0.05 + y * 0.07);
        if (x < width * 0.18 || x > width * 0.82) [r, g, b] = [40 + 30 * leaves, 90 + 45 * leaves, 35 + 20 * leaves];
      } else {
        // Paving: tiles and grain.
        const grout = x % 53 < 3 || y % 41 < 3 ? -45 : 0;
        const grain = 18 * Math.sin(x * 0.9) * Math.sin(y * 1.3);
        [r, g, b] = [150 + grout + grain, 135 + grout + grain, 118 + grout + grain];
      }
      data[p] = clampByte(r + 2 * noise());
      data[p + 1] = clampByte(g + 2 * noise());
      data[p + 2] = clampByte(b + 2 * noise());
    }
  }
  return { data, width, height, channels: 3 };
}

function clampByte(value: number): number {
  return Math.min(255, Math.max(0, Math.round(value)));
}

function hsv(hue: number, saturation: number, value: number): RGB {
  const c = value * saturation;
  const h = hue / 60;
  const x = c * (1 - Math.abs((h % 2) - 1));
  const [r, g, b] = h < 1 ? [c, x, 0] : h < 2 ? [x, c, 0] : h < 3 ? [0, c, x] : h < 4 ? [0, x, c] : h < 5 ? [x, 0, c] : [c, 0, x];
  const m = value - c;
  return [(r + m) * 255, (g + m) * 255, (b + m) * 255];
}
