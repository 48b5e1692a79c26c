import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { renderGarmentScene, type SceneSpec } from "../../test/support/garment-scenes";
import { keyBackdrop } from "../imaging/backdrop-key";
import type { ChannelSpec } from "../imaging/channel-spec";
import { linearToSrgb, srgbToLinear } from "../imaging/colour-balance";
import { rawInput, type RawImage } from "../imaging/raw-image";
import { renderRenditions } from "../imaging/renditions";
import { castShadow } from "../imaging/shadow";
import { alphaBounds, cropRaw } from "../imaging/subject-bounds";
import { backgroundContext, checkBackground, checkColourCast, checkEdgeHalo, measureBackground } from "./background-checks";
import { defaultThreshold } from "./qc-check";
import { maskDistances, subjectMask, type Rgb } from "./subject-mask";

const WHITE: Rgb = [255, 255, 255];
const NAVY: SceneSpec = { name: "navy tee", garment: "t-shirt", fabric: { kind: "solid", colour: [30, 40, 84] }, backdrop: { colour: [254, 254, 253], falloff: { kind: "radial", drop: 5 } }, width: 600, height: 800 };
const RED: SceneSpec = { name: "red dress", garment: "dress", fabric: { kind: "solid", colour: [192, 42, 54] }, backdrop: { colour: [254, 254, 253], falloff: { kind: "flat" } }, width: 600, height: 800, seed: 3 };
const WHITE_TEE: SceneSpec = { name: "white tee", garment: "t-shirt", fabric: { kind: "solid", colour: [240, 240, 238] }, backdrop: { colour: [254, 254, 253], falloff: { kind: "flat" } }, width: 600, height: 800, seed: 5 };

/** A scene through the real pipeline: keyed, contact shadow, framed on `background` at 1024 px, q85 4:2:0 JPEG, decoded. */
async function rendition(spec: SceneSpec, background = "#FFFFFF"): Promise<RawImage> {
  const scene = await renderGarmentScene(spec);
  const keyed = keyBackdrop(scene.image);
  const cut = cropRaw(keyed.image, alphaBounds(keyed.image)!);
  const shadowed = castShadow(cut, { kind: "contact", opacity: 0.35, softness: 0.03, offset: { x: 0.02, y: 0.02 } });
  const channel: ChannelSpec = { id: "pdp", label: "Product page", width: 1024, height: 1024, format: "jpeg", quality: 85, background, fit: "frame", sharpen: true, enabled: true };
  const [jpeg] = await renderRenditions(shadowed, [channel], { framing: { align: "bottom", margins: { top: 0.06, bottom: 0.05, side: 0.08 } } });
  return decode(jpeg.bytes);
}

async function decode(bytes: Buffer): Promise<RawImage> {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}

/** Re-encoded as the pipeline's q85 JPEG after a defect was painted on. */
async function reencode(image: RawImage): Promise<RawImage> {
  return decode(await sharp(image.data, rawInput(image)).jpeg({ quality: 85, chromaSubsampling: "4:2:0" }).toBuffer());
}

function checks(image: RawImage, background: Rgb = WHITE) {
  const { mask } = subjectMask(image, background);
  const context = backgroundContext(image, mask);
  return {
    background: checkBackground(image, mask, background, defaultThreshold("background"), context),
    halo: checkEdgeHalo(image, mask, background, defaultThreshold("edge-halo"), context),
    cast: checkColourCast(image, mask, background, defaultThreshold("colour-cast"), context),
  };
}

/** Darkens background pixels (those `where` picks) by the factor `amount(x, y)` gives. */
function darken(image: RawImage, amount: (x: number, y: number) => number): RawImage {
  const data = Buffer.from(image.data);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const k = amount(x, y);
      for (let c = 0, p = (y * image.width + x) * 3; c < 3 && k > 0; c++) data[p + c] = Math.round(data[p + c] * (1 - k));
    }
  }
  return { ...image, data };
}

describe("checkBackground", () => {
  it("passes a clean composited canvas, even where a 4:2:0 JPEG smears a saturated garment's colour past its edge", async () => {
    for (const spec of [NAVY, RED]) {
      // Rendered at 1024 and measured there, the ringing is twice as wide as a 2048 rendition's at the analysis size: a stray pixel or two may remain.
      const result = checks(await rendition(spec));
      expect(result.background.verdict).toBe("pass");
      expect((result.background.detail as { meanDeltaE: number }).meanDeltaE).toBeLessThan(0.05);
    }
  });

  it("flags grey smudges on the sweep", async () => {
    const clean = await rendition(NAVY);
    // Two soft smudges in the corners, 5 % darker at their centres (about 13 levels on white).
    const smudged = await reencode(darken(clean, (x, y) => 0.05 * Math.max(Math.exp(-((x - 90) ** 2 + (y - 120) ** 2) / 50 ** 2), Math.exp(-((x - 940) ** 2 + (y - 880) ** 2) / 60 ** 2))));
    const result = checks(smudged).background;
    expect(result.verdict).not.toBe("pass");
    expect(result.detail).toMatchObject({ marks: expect.any(Number) });
  });

  it("flags noise on the sweep and lets a trace of it pass", async () => {
    const clean = await rendition(NAVY);
    const { mask } = subjectMask(clean, WHITE);
    const distance = maskDistances(mask, clean.width, clean.height, 4);
    const noisy = (sigma: number) => {
      const data = Buffer.from(clean.data);
      let seed = 99;
      const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
      for (let i = 0; i < mask.length; i++) {
        if (mask[i] || distance[i] < 4) continue;
        const n = sigma * Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
        for (let c = 0; c < 3; c++) data[i * 3 + c] = Math.max(0, Math.min(255, Math.round(data[i * 3 + c] + n)));
      }
      return { ...clean, data };
    };
    expect(checks(await reencode(noisy(1))).background.verdict).toBe("pass");
    expect(checks(await reencode(noisy(6))).background.verdict).not.toBe("pass");
  });

  it("counts dust specks: a couple pass, half a dozen flag, dozens reject", async () => {
    const clean = await rendition(WHITE_TEE);
    const specks = (count: number) => {
      const data = Buffer.from(clean.data);
      for (let n = 0; n < count; n++) {
        // Along the top margin, then down the left one: well clear of the garment and 60 px apart.
        const [cx, cy] = n < 16 ? [40 + n * 60, 25] : [25, 100 + (n - 16) * 60];
        for (let y = cy - 1; y <= cy + 1; y++) for (let x = cx - 1; x <= cx + 1; x++) data.fill(120, (y * 1024 + x) * 3, (y * 1024 + x) * 3 + 3);
      }
      return reencode({ ...clean, data });
    };
    expect(checks(await specks(2)).background.verdict).toBe("pass");
    const six = checks(await specks(6)).background;
    expect(six.verdict).toBe("flag");
    expect(six.detail).toMatchObject({ marks: 6 });
    expect(checks(await specks(30)).background.verdict).toBe("reject");
  });

  it("measures against the brand colour: a sweep 10 levels grey of the brand white rejects", async () => {
    const grey = await rendition(NAVY, "#F5F5F5");
    expect(checks(grey, [245, 245, 245]).background.verdict).toBe("pass");
    expect(checks(grey, WHITE).background.verdict).toBe("reject");
  });

  it("maps the stray pixels for the overlay", async () => {
    const clean = await rendition(NAVY);
    const data = Buffer.from(clean.data);
    data.fill(100, (40 * 1024 + 40) * 3, (40 * 1024 + 44) * 3);
    const { mask } = subjectMask({ ...clean, data }, WHITE);
    const m = measureBackground({ ...clean, data }, mask, WHITE);
    expect(m.marks).toBe(1);
    expect(Array.from(m.stray.subarray(40 * 1024 + 40, 40 * 1024 + 44))).toEqual([1, 1, 1, 1]);
  });
});

describe("checkEdgeHalo", () => {
  it("passes clean edges: dark, saturated and white garments", async () => {
    for (const spec of [NAVY, RED, WHITE_TEE]) expect(checks(await rendition(spec)).halo.verdict).toBe("pass");
  });

  it("flags a 1-px bright ring round a navy garment on a light grey canvas", async () => {
    const clean = await rendition(NAVY, "#E4E4E4");
    const background: Rgb = [228, 228, 228];
    const { mask } = subjectMask(clean, background);
    const ring = maskDistances(mask, clean.width, clean.height, 2);
    const data = Buffer.from(clean.data);
    for (let i = 0; i < mask.length; i++) if (!mask[i] && ring[i] === 1) data.fill(255, i * 3, i * 3 + 3);
    const before = checks(clean, background).halo;
    const after = checks(await reencode({ ...clean, data }), background).halo;
    expect(before.verdict).toBe("pass");
    expect(after.verdict).not.toBe("pass");
    expect(after.score!).toBeGreaterThan(before.score! + 2);
  });

  it("flags a grey line of leftover backdrop round a white garment, and a grey band round a navy one", async () => {
    const fringe = async (spec: SceneSpec, width: number) => {
      const clean = await rendition(spec);
      const { mask } = subjectMask(clean, WHITE);
      const ring = maskDistances(mask, clean.width, clean.height, width + 1);
      const data = Buffer.from(clean.data);
      for (let i = 0; i < mask.length; i++) if (!mask[i] && ring[i] <= width) data.fill(190, i * 3, i * 3 + 3);
      return checks(await reencode({ ...clean, data })).halo;
    };
    expect((await fringe(WHITE_TEE, 1)).verdict).not.toBe("pass");
    expect((await fringe(NAVY, 4)).verdict).not.toBe("pass");
  });
});

describe("checkColourCast", () => {
  /** A white-balance error: per-channel gains in linear light over the whole image. */
  const tint = (image: RawImage, gains: [number, number, number]) => {
    const tables = gains.map((k) => Uint8Array.from({ length: 256 }, (_, v) => Math.round(255 * linearToSrgb(Math.min(1, srgbToLinear(v / 255) * k)))));
    const data = Buffer.from(image.data);
    for (let p = 0; p < data.length; p += 3) for (let c = 0; c < 3; c++) data[p + c] = tables[c][data[p + c]];
    return { ...image, data };
  };

  it("passes a neutral canvas, flags a yellow cast and rejects a strong blue one", async () => {
    const clean = await rendition(NAVY);
    expect(checks(clean).cast).toMatchObject({ verdict: "pass" });
    // White becomes 255, 254, 248 (ΔE00 2.8) and 237, 246, 255 (ΔE00 5).
    const yellow = checks(tint(clean, [1, 0.99, 0.94])).cast;
    expect(yellow.verdict).toBe("flag");
    expect(yellow.reason).toContain("yellow");
    const blue = checks(tint(clean, [0.85, 0.92, 1])).cast;
    expect(blue.verdict).toBe("reject");
    expect(blue.reason).toContain("blue");
  });

  it("leaves a merely darker backdrop to the background check", async () => {
    const grey = await rendition(NAVY, "#F0F0F0");
    const result = checks(grey);
    expect(result.cast.verdict).toBe("pass");
    expect(result.background.verdict).toBe("reject");
  });
});
