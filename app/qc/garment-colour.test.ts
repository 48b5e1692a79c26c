import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { linearToSrgb } from "~/imaging/colour-balance";
import type { RawImage } from "~/imaging/raw-image";
import { composeDemoImage } from "~/providers/demo-render.server";
import type { GarmentCategory } from "~/providers/demo-compose";
import { renderBusyScene, renderGarmentScene, type BackdropSpec, type Fabric, type SceneSpec } from "../../test/support/garment-scenes";
import { ciede2000, srgbToLab, type Lab } from "./ciede2000";
import { checkGarmentColour, dominantColours, sourceGarmentRegion } from "./garment-colour";
import { defaultThreshold } from "./qc-check";

type RGB = [number, number, number];
const THRESHOLD = defaultThreshold("garment-colour");

/** CIELAB (D65) → sRGB 0–255, rounded and clamped: the inverse of srgbToLab. */
function labToRgb([L, a, b]: Lab): RGB {
  const fy = (L + 16) / 116;
  const fx = fy + a / 500;
  const fz = fy - b / 200;
  const inverse = (t: number) => (t ** 3 > 216 / 24389 ? t ** 3 : (116 * t - 16) / (24389 / 27));
  const [x, y, z] = [0.95047 * inverse(fx), inverse(fy), 1.08883 * inverse(fz)];
  const linear = [3.2404542 * x - 1.5371385 * y - 0.4985314 * z, -0.969266 * x + 1.8760108 * y + 0.041556 * z, 0.0556434 * x - 0.2040259 * y + 1.0572252 * z];
  return linear.map((v) => Math.min(255, Math.max(0, Math.round(255 * linearToSrgb(Math.min(1, Math.max(0, v))))))) as RGB;
}

/** The colour turned `hueDegrees` round the hue circle and `lightness` brighter, as 8-bit sRGB; with its true ΔE00 from the original. */
function shifted(rgb: RGB, hueDegrees: number, lightness = 0): { rgb: RGB; deltaE: number } {
  const [L, a, b] = srgbToLab(...rgb);
  const chroma = Math.hypot(a, b);
  const hue = Math.atan2(b, a) + (hueDegrees * Math.PI) / 180;
  const out = labToRgb([L + lightness, chroma * Math.cos(hue), chroma * Math.sin(hue)]);
  return { rgb: out, deltaE: ciede2000(srgbToLab(...rgb), srgbToLab(...out)) };
}

/** The smallest hue turn (in 0.1° steps) whose true ΔE00 reaches `target`. */
function hueShiftFor(rgb: RGB, target: number): { rgb: RGB; deltaE: number } {
  for (let degrees = 0.1; degrees < 90; degrees += 0.1) {
    const s = shifted(rgb, degrees);
    if (s.deltaE >= target) return s;
  }
  throw new Error(`no hue turn of ${rgb.join(",")} reaches ΔE ${target}`);
}

async function png(image: RawImage): Promise<Buffer> {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } }).png().toBuffer();
}

async function decode(bytes: Buffer): Promise<RawImage> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}

/** What the demo provider makes of a flat-lay: keyed, placed on the grey mannequin over `background`, JPEG like a provider's answer. */
async function onMannequin(garment: RawImage, options: { category?: GarmentCategory; background?: string; view?: "front" | "side" | "back"; seed?: number; canvas?: { width: number; height: number } } = {}): Promise<RawImage> {
  const bytes = await composeDemoImage({
    garment: await png(garment),
    view: options.view ?? "front",
    category: options.category ?? "tops",
    background: options.background ?? "#d8d2c9",
    seed: options.seed ?? 1,
    canvas: options.canvas ?? { width: 576, height: 864 },
    format: "jpeg",
  });
  return decode(bytes);
}

const WHITE_SWEEP: BackdropSpec = { colour: [252, 252, 250], falloff: { kind: "radial", drop: 6 } };
/** A cool grey sweep: the demo's backdrop keyer floods through white stripes on a white sweep, and would cut them out of the composite. */
const GREY_SWEEP: BackdropSpec = { colour: [200, 205, 212], falloff: { kind: "vertical", drop: 6 } };
const scene = (name: string, garment: SceneSpec["garment"], fabric: Fabric, seed = 1, backdrop = WHITE_SWEEP): SceneSpec => ({ name, garment, fabric, backdrop, width: 450, height: 600, seed });

const RED: RGB = [176, 52, 64];
const NAVY: RGB = [28, 38, 82];
const STRIPE_WHITE: RGB = [243, 243, 240];
const DOTS: Fabric = { kind: "dots", base: [196, 48, 58], dots: [[244, 243, 238], [238, 196, 60], [30, 40, 90]] };

describe("dominantColours", () => {
  it("finds a plain garment's one colour, under its folds and edge shading", async () => {
    const red = await renderGarmentScene(scene("red", "t-shirt", { kind: "solid", colour: RED }));
    const colours = dominantColours(red.image, red.mask, 4);
    expect(colours).toHaveLength(1);
    expect(colours[0].share).toBe(1);
    expect(ciede2000(colours[0].lab, srgbToLab(...RED))).toBeLessThan(1.5);
  });

  it("finds both stripes and all four colours of a dotted print, with their shares, the same way every time", async () => {
    const stripes = await renderGarmentScene(scene("stripes", "t-shirt", { kind: "stripes", colours: [NAVY, STRIPE_WHITE], period: 0.04 }));
    const two = dominantColours(stripes.image, stripes.mask, 4);
    expect(two).toHaveLength(2);
    for (const colour of [NAVY, STRIPE_WHITE]) expect(Math.min(...two.map((c) => ciede2000(c.lab, srgbToLab(...colour))))).toBeLessThan(3);
    for (const c of two) expect(c.share).toBeGreaterThan(0.35);

    const dotted = await renderGarmentScene(scene("dots", "dress", DOTS));
    const four = dominantColours(dotted.image, dotted.mask, 5);
    expect(four.map((c) => c.rgb)).toHaveLength(4);
    expect(four[0].share).toBeGreaterThan(0.6);
    expect(ciede2000(four[0].lab, srgbToLab(...DOTS.base))).toBeLessThan(1.5);
    expect(dominantColours(dotted.image, dotted.mask, 5)).toEqual(four);
  });

  it("reads a cut-out's alpha when no mask is given", async () => {
    const red = await renderGarmentScene(scene("red", "t-shirt", { kind: "solid", colour: RED }));
    const rgba = Buffer.alloc(red.image.width * red.image.height * 4);
    for (let i = 0; i < red.mask.length; i++) {
      rgba.set(red.image.data.subarray(i * 3, i * 3 + 3), i * 4);
      rgba[i * 4 + 3] = Math.round(red.coverage[i] * 255);
    }
    const colours = dominantColours({ data: rgba, width: red.image.width, height: red.image.height, channels: 4 }, null, 4);
    expect(colours).toHaveLength(1);
    expect(ciede2000(colours[0].lab, srgbToLab(...RED))).toBeLessThan(1.5);
  });
});

describe("checkGarmentColour on the demo provider's composites", () => {
  const untouched: [string, SceneSpec, GarmentCategory, string][] = [
    ["a red t-shirt on studio white", scene("red", "t-shirt", { kind: "solid", colour: RED }), "tops", "#f7f6f3"],
    ["a navy/white striped t-shirt on warm grey", scene("stripes", "t-shirt", { kind: "stripes", colours: [NAVY, STRIPE_WHITE], period: 0.04 }, 6, GREY_SWEEP), "tops", "#d8d2c9"],
    ["a four-colour dotted dress on stone", scene("dots", "dress", DOTS, 7), "one-pieces", "#c7c0b4"],
    ["black trousers on warm grey", scene("black", "trousers", { kind: "solid", colour: [34, 34, 38] }, 8), "bottoms", "#d8d2c9"],
  ];

  it.each(untouched)("measures ΔE00 ≈ 0 for %s, placed untouched on the mannequin", async (_, spec, category, background) => {
    const source = await renderGarmentScene(spec);
    const output = await onMannequin(source.image, { category, background });
    const { result, heatmap } = checkGarmentColour(source.image, output, null, THRESHOLD);
    expect(result.verdict).toBe("pass");
    expect(result.score).toBeLessThan(1.25);
    expect(result.detail?.sourceRegion).toBe("backdrop-key");
    const colours = result.detail?.colours as { deltaE: number }[];
    for (const c of colours) expect(c.deltaE).toBeLessThan(1.5);
    expect(heatmap).not.toBeNull();
    expect(Math.max(heatmap!.width, heatmap!.height)).toBeLessThanOrEqual(512);
  });

  it("grows monotonically with the hue and lightness shift, and tracks the true ΔE00", async () => {
    const source = await renderGarmentScene(scene("red", "t-shirt", { kind: "solid", colour: RED }));
    const measure = async (rgb: RGB) => {
      const recoloured = await renderGarmentScene(scene("red", "t-shirt", { kind: "solid", colour: rgb }));
      return checkGarmentColour(source.image, await onMannequin(recoloured.image, { background: "#c7c0b4", seed: 3 }), null, THRESHOLD).result.score!;
    };
    for (const steps of [
      [0, 2, 4, 8, 16].map((degrees) => shifted(RED, degrees)),
      [0, 2, 4, 8, 12].map((lightness) => shifted(RED, 0, lightness)),
    ]) {
      const scores = await Promise.all(steps.map((s) => measure(s.rgb)));
      for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeGreaterThan(scores[i - 1]);
      steps.forEach((s, i) => expect(Math.abs(scores[i] - s.deltaE)).toBeLessThan(Math.max(0.6, 0.12 * s.deltaE)));
    }
  });

  it.each([
    [2, "pass"],
    [4.5, "flag"],
    [10, "reject"],
  ] as const)("a hue shift of true ΔE00 %s gives %s", async (target, verdict) => {
    for (const [base, garment, category] of [
      [RED, "t-shirt", "tops"],
      [[60, 110, 170] as RGB, "dress", "one-pieces"],
    ] as const) {
      const source = await renderGarmentScene(scene("source", garment, { kind: "solid", colour: base }));
      const shift = hueShiftFor(base, target);
      const recoloured = await renderGarmentScene(scene("recoloured", garment, { kind: "solid", colour: shift.rgb }));
      const { result } = checkGarmentColour(source.image, await onMannequin(recoloured.image, { category }), null, THRESHOLD);
      expect(result.verdict).toBe(verdict);
      expect(Math.abs(result.score! - shift.deltaE)).toBeLessThan(0.12 * target + 0.3);
    }
  });

  it("finds a shift of one colour of two: the navy stripes turned purple, the white ones untouched", async () => {
    const stripes = (navy: RGB) => scene("stripes", "t-shirt", { kind: "stripes", colours: [navy, STRIPE_WHITE], period: 0.04 }, 6, GREY_SWEEP);
    const source = await renderGarmentScene(stripes(NAVY));
    const purple = shifted(NAVY, 35);
    expect(purple.deltaE).toBeGreaterThan(10);
    const { result } = checkGarmentColour(source.image, await onMannequin((await renderGarmentScene(stripes(purple.rgb))).image), null, THRESHOLD);
    const colours = result.detail?.colours as { source: RGB; deltaE: number }[];
    const navy = colours.find((c) => c.source[2] > c.source[0] + 30)!;
    const white = colours.find((c) => c.source[0] > 200)!;
    expect(navy.deltaE).toBeGreaterThan(8);
    expect(white.deltaE).toBeLessThan(1.5);
    expect(result.detail?.worstDeltaE).toBe(navy.deltaE);
    expect(result.verdict).toBe("reject");
    expect(result.reason).toMatch(/2 dominant colours differ from the source by ΔE00 [\d.]+ on average \(worst [\d.]+: rgb\(/);
  });
});

describe("the ΔE heat map", () => {
  /** Same-geometry source and output: the output's navy stripes turned, its mask the garment's ground truth. */
  let source: Awaited<ReturnType<typeof renderGarmentScene>>;
  let output: Awaited<ReturnType<typeof renderGarmentScene>>;
  beforeAll(async () => {
    const spec = (navy: RGB): SceneSpec => ({ ...scene("stripes", "t-shirt", { kind: "stripes", colours: [navy, STRIPE_WHITE], period: 0.05 }, 6), width: 600, height: 800 });
    [source, output] = await Promise.all([renderGarmentScene(spec(NAVY)), renderGarmentScene({ ...spec(shifted(NAVY, 35).rgb), backdrop: { colour: [200, 205, 212], falloff: { kind: "flat" } } })]);
  });

  it("lights up exactly the shifted stripes, keeps the untouched ones cool and everything off the garment transparent", () => {
    const { result, heatmap } = checkGarmentColour(source.image, output.image, output.mask, THRESHOLD);
    expect(result.verdict).toBe("reject");
    const map = heatmap!;
    // 600×800 is under 512 px long edge only at stride 2.
    expect([map.width, map.height]).toEqual([300, 400]);
    const counts = { hotOnNavy: 0, coolOnNavy: 0, hotOnWhite: 0, coolOnWhite: 0, paintedOffGarment: 0 };
    for (let gy = 0; gy < map.height; gy++) {
      for (let gx = 0; gx < map.width; gx++) {
        const cell = gy * map.width + gx;
        const pixel = Math.min(799, gy * 2 + 1) * 600 + Math.min(599, gx * 2 + 1);
        const [r, g, , a] = map.data.subarray(cell * 4, cell * 4 + 4);
        if (!output.mask[pixel]) {
          if (a > 0) counts.paintedOffGarment++;
          continue;
        }
        // Rows where the stripes blend are neither colour; judge the pixels that are clearly one of them.
        const red = source.subject.data[pixel * 3];
        const stripe = red < 60 ? "navy" : red > 220 ? "white" : null;
        if (a === 0 || !stripe) continue;
        const hot = r > 180 && g < 90 && a > 200;
        const cool = g > r && a < 120;
        if (stripe === "navy") {
          if (hot) counts.hotOnNavy++;
          else if (cool) counts.coolOnNavy++;
        } else if (hot) counts.hotOnWhite++;
        else if (cool) counts.coolOnWhite++;
      }
    }
    expect(counts.paintedOffGarment).toBe(0);
    expect(counts.hotOnWhite).toBe(0);
    expect(counts.coolOnNavy).toBe(0);
    expect(counts.hotOnNavy).toBeGreaterThan(5000);
    expect(counts.coolOnWhite).toBeGreaterThan(5000);
  });

  it("is all green and faint for the untouched garment", () => {
    const { heatmap } = checkGarmentColour(source.image, source.image, source.mask, THRESHOLD);
    let painted = 0;
    for (let q = 0; q < heatmap!.data.length; q += 4) {
      if (heatmap!.data[q + 3] === 0) continue;
      painted++;
      expect(heatmap!.data[q + 1]).toBeGreaterThan(heatmap!.data[q]);
      expect(heatmap!.data[q + 3]).toBeLessThan(120);
    }
    expect(painted).toBeGreaterThan(10_000);
  });
});

describe("checkGarmentColour: what it cannot measure, and its speed", () => {
  it("flags, never passes, when the source is not a flat-lay on a plain backdrop or the output's mask is empty", async () => {
    const busy = checkGarmentColour(renderBusyScene("outdoor", 300, 400), renderBusyScene("hues", 300, 400), null, THRESHOLD);
    expect(busy.result).toMatchObject({ verdict: "flag", score: null });
    expect(busy.result.reason).toMatch(/not a plain backdrop/);
    expect(busy.heatmap).toBeNull();

    const red = await renderGarmentScene(scene("red", "t-shirt", { kind: "solid", colour: RED }));
    const empty = checkGarmentColour(red.image, red.image, new Uint8Array(red.mask.length), THRESHOLD);
    expect(empty.result).toMatchObject({ verdict: "flag", score: null });
    expect(empty.result.reason).toMatch(/mask is empty/);
    expect(() => checkGarmentColour(red.image, red.image, new Uint8Array(10), THRESHOLD)).toThrow(/outputMask has 10 entries/);
  });

  it("uses a cut-out source's alpha instead of keying", async () => {
    const red = await renderGarmentScene(scene("red", "t-shirt", { kind: "solid", colour: RED }));
    const rgba = Buffer.alloc(red.mask.length * 4);
    for (let i = 0; i < red.mask.length; i++) {
      rgba.set(red.subject.data.subarray(i * 3, i * 3 + 3), i * 4);
      rgba[i * 4 + 3] = Math.round(red.coverage[i] * 255);
    }
    const cutout: RawImage = { data: rgba, width: red.image.width, height: red.image.height, channels: 4 };
    expect(sourceGarmentRegion(cutout)).toMatchObject({ method: "alpha" });
    const { result } = checkGarmentColour(cutout, await onMannequin(red.image), null, THRESHOLD);
    expect(result.detail?.sourceRegion).toBe("alpha");
    expect(result.score).toBeLessThan(1);
  });

  it("checks a 2048×2048 output against a 1024 px source in well under 50 ms", async () => {
    const source = await renderGarmentScene({ ...scene("dots", "dress", DOTS, 7), width: 768, height: 1024 });
    const output = await onMannequin(source.image, { category: "one-pieces", canvas: { width: 2048, height: 2048 } });
    const times: number[] = [];
    let score = 0;
    for (let run = 0; run < 7; run++) {
      const started = performance.now();
      score = checkGarmentColour(source.image, output, null, THRESHOLD).result.score!;
      times.push(performance.now() - started);
    }
    expect(score).toBeLessThan(1);
    // Speed is the qc benchmark's (npm run bench -- qc); a test never asserts a time.
    expect(times).toHaveLength(7);
  });
});
