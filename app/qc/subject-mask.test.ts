import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { renderGarmentScene, type SceneSpec } from "../../test/support/garment-scenes";
import { keyBackdrop } from "../imaging/backdrop-key";
import type { ChannelSpec } from "../imaging/channel-spec";
import type { RawImage } from "../imaging/raw-image";
import { renderRenditions } from "../imaging/renditions";
import { castShadow } from "../imaging/shadow";
import { alphaBounds, cropRaw } from "../imaging/subject-bounds";
import { maskDistances, subjectMask } from "./subject-mask";

const WHITE = [255, 255, 255] as const;
const FRAMING = { align: "bottom" as const, margins: { top: 0.06, bottom: 0.05, side: 0.08 } };
const CHANNEL: ChannelSpec = { id: "pdp", label: "Product page", width: 1024, height: 1024, format: "jpeg", quality: 85, background: "#FFFFFF", fit: "frame", sharpen: true, enabled: true };

/** A scene through the real pipeline's steps: keyed, contact shadow, framed on white, q85 JPEG, decoded; and where the garment itself sits. */
async function rendition(spec: SceneSpec): Promise<{ image: RawImage; garmentBottom: number }> {
  const scene = await renderGarmentScene(spec);
  const keyed = keyBackdrop(scene.image);
  const cut = cropRaw(keyed.image, alphaBounds(keyed.image)!);
  const shadowed = castShadow(cut, { kind: "contact", opacity: 0.35, softness: 0.03, offset: { x: 0.02, y: 0.02 } });
  const [jpeg] = await renderRenditions(shadowed, [CHANNEL], { framing: FRAMING });
  const { data, info } = await sharp(jpeg.bytes).raw().toBuffer({ resolveWithObject: true });
  // Bottom-aligned: the garment (not its shadow) stands on the bottom margin line.
  return { image: { data, width: info.width, height: info.height, channels: 3 }, garmentBottom: Math.round(CHANNEL.height * (1 - FRAMING.margins.bottom)) };
}

function iou(a: Uint8Array, b: Uint8Array): number {
  let both = 0;
  let either = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] && b[i]) both++;
    if (a[i] || b[i]) either++;
  }
  return both / either;
}

describe("subjectMask on studio photos", () => {
  it.each<[string, Partial<SceneSpec>]>([
    ["white t-shirt on a white sweep", { garment: "t-shirt", fabric: { kind: "solid", colour: [244, 244, 242] }, backdrop: { colour: [254, 254, 253], falloff: { kind: "flat" } } }],
    ["cream dress on light grey with fall-off", { garment: "dress", fabric: { kind: "solid", colour: [247, 241, 224] }, backdrop: { colour: [226, 226, 228], falloff: { kind: "radial", drop: 14 } } }],
    ["black trousers on white", { garment: "trousers", fabric: { kind: "solid", colour: [34, 34, 38] }, backdrop: { colour: [255, 255, 255], falloff: { kind: "vertical", drop: 7 } } }],
  ])("finds the %s (IoU with the true silhouette)", async (name, spec) => {
    const scene = await renderGarmentScene({ name, width: 384, height: 512, ...spec } as SceneSpec);
    const found = subjectMask(scene.image, null);
    expect(iou(found.mask, scene.mask)).toBeGreaterThan(0.98);
    expect(found.fraction).toBeCloseTo(scene.mask.reduce((n, v) => n + v, 0) / scene.mask.length, 2);
  });

  it("keeps a white logo inside a navy garment: it is not connected to the backdrop", async () => {
    const scene = await renderGarmentScene({ name: "navy with logo", garment: "t-shirt", fabric: { kind: "solid", colour: [30, 40, 84] }, backdrop: { colour: [255, 255, 255], falloff: { kind: "flat" } }, enclosedPrint: [247, 247, 245], width: 384, height: 512 });
    const found = subjectMask(scene.image, WHITE);
    // The badge (view box 40–60 × 45–61 of 100 × 133): every pixel of its middle is subject.
    const sx = 384 / 100;
    const sy = 512 / 133;
    let inside = 0;
    let kept = 0;
    for (let y = Math.ceil(48 * sy); y < Math.floor(58 * sy); y++) {
      for (let x = Math.ceil(43 * sx); x < Math.floor(57 * sx); x++) {
        inside++;
        kept += found.mask[y * 384 + x];
      }
    }
    expect(scene.image.data[(Math.round(53 * sy) * 384 + Math.round(50 * sx)) * 3]).toBeGreaterThan(240);
    expect(kept).toBe(inside);
    expect(iou(found.mask, scene.mask)).toBeGreaterThan(0.98);
  });

  it("returns dust specks and a smudge apart from the subject to the background, and the box ignores them", async () => {
    const scene = await renderGarmentScene({ name: "grey tee", garment: "t-shirt", fabric: { kind: "solid", colour: [120, 121, 126] }, backdrop: { colour: [255, 255, 255], falloff: { kind: "flat" } }, width: 384, height: 512 });
    const clean = subjectMask(scene.image, WHITE);
    const dirty = Buffer.from(scene.image.data);
    const dab = (cx: number, cy: number, radius: number, level: number) => {
      for (let y = cy - radius; y <= cy + radius; y++) for (let x = cx - radius; x <= cx + radius; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= radius * radius) dirty.fill(level, (y * 384 + x) * 3, (y * 384 + x) * 3 + 3);
    };
    dab(10, 20, 2, 90);
    dab(370, 480, 1, 60);
    dab(30, 470, 12, 200);
    const found = subjectMask({ ...scene.image, data: dirty }, WHITE);
    expect(found.box).toEqual(clean.box);
    expect(found.mask[20 * 384 + 10]).toBe(0);
    expect(found.mask[470 * 384 + 30]).toBe(0);
  });

  it("takes an enclosed patch of flat canvas for a hole (background), but keeps a textured print of the same lightness", () => {
    // A grey frame enclosing two regions: left flat canvas white, right a noisy near-white print.
    const width = 200;
    const height = 120;
    const data = Buffer.alloc(width * height * 3, 255);
    let seed = 7;
    const noise = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 8;
    for (let y = 20; y < 100; y++) {
      for (let x = 20; x < 180; x++) {
        const frame = y < 30 || y >= 90 || x < 30 || x >= 170 || (x >= 95 && x < 105);
        const p = (y * width + x) * 3;
        if (frame) data.fill(110, p, p + 3);
        else if (x >= 105) for (let c = 0; c < 3; c++) data[p + c] = Math.round(247 + noise());
      }
    }
    const found = subjectMask({ data, width, height, channels: 3 }, WHITE);
    expect(found.mask[60 * width + 60]).toBe(0);
    expect(found.mask[60 * width + 140]).toBe(1);
    expect(found.box).toEqual({ left: 20, top: 20, width: 160, height: 80 });
  });

  it("uses alpha for a cut-out", () => {
    const data = Buffer.alloc(8 * 4 * 4);
    for (let i = 0; i < 32; i++) data[i * 4 + 3] = i % 8 >= 3 && i % 8 < 6 ? 200 : 100;
    const found = subjectMask({ data, width: 8, height: 4, channels: 4 }, null);
    expect(found.box).toEqual({ left: 3, top: 0, width: 3, height: 4 });
    expect(found.fraction).toBeCloseTo(3 / 8);
  });
});

describe("subjectMask on finished renditions", () => {
  it.each<[string, SceneSpec]>([
    ["a white t-shirt", { name: "white", garment: "t-shirt", fabric: { kind: "solid", colour: [242, 242, 240] }, backdrop: { colour: [254, 254, 253], falloff: { kind: "flat" } }, width: 600, height: 800 }],
    ["grey trousers", { name: "grey", garment: "trousers", fabric: { kind: "solid", colour: [124, 125, 130] }, backdrop: { colour: [254, 254, 253], falloff: { kind: "flat" } }, width: 600, height: 800 }],
    ["a red dress", { name: "red", garment: "dress", fabric: { kind: "solid", colour: [192, 42, 54] }, backdrop: { colour: [254, 254, 253], falloff: { kind: "radial", drop: 5 } }, width: 600, height: 800 }],
  ])("ends the box at %s's hem, not at the bottom of its contact shadow", async (_name, spec) => {
    const { image, garmentBottom } = await rendition(spec);
    const found = subjectMask(image, WHITE);
    let untrimmedBottom = 0;
    for (let i = 0; i < found.mask.length; i++) if (found.mask[i]) untrimmedBottom = Math.floor(i / image.width);
    // The shadow reaches well below the hem; the box stops within 1 % of the canvas of it.
    expect(untrimmedBottom - garmentBottom).toBeGreaterThan(10);
    expect(Math.abs(found.box!.top + found.box!.height - garmentBottom)).toBeLessThanOrEqual(10);
  });

  it("treats the canvas seen between trouser legs above the shadow as background", async () => {
    const { image } = await rendition({ name: "trousers", garment: "trousers", fabric: { kind: "solid", colour: [58, 84, 124] }, backdrop: { colour: [254, 254, 253], falloff: { kind: "flat" } }, width: 600, height: 800 });
    const found = subjectMask(image, WHITE);
    // Three quarters down the trousers, in the middle: between the legs, above the shadow that closes the gap.
    const y = Math.round(1024 * (0.06 + 0.75 * 0.89));
    expect(image.data[(y * 1024 + 512) * 3]).toBeGreaterThan(250);
    expect(found.mask[y * 1024 + 512]).toBe(0);
    expect(found.box!.height).toBeGreaterThan(850);
  });
});

describe("maskDistances", () => {
  it("counts 4-connected steps to the other class, on both sides, capped", () => {
    const width = 9;
    const mask = new Uint8Array(width * 3);
    for (let y = 0; y < 3; y++) for (let x = 3; x < 9; x++) mask[y * width + x] = 1;
    const d = maskDistances(mask, width, 3, 3);
    expect(Array.from(d.subarray(width, 2 * width))).toEqual([3, 2, 1, 1, 2, 3, 3, 3, 3]);
  });
});
