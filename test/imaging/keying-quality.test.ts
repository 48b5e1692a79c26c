import { mkdirSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { keyBackdrop, type KeyResult } from "~/imaging/backdrop-key";
import { GARMENT_SCENES, renderGarmentScene, type GarmentScene } from "../support/garment-scenes";

/**
 * Issue #5's acceptance measure for backdrop keying: on rendered garments on
 * known backdrops, the keyed mask's IoU against the true silhouette (target
 * ≥ 0.98), and no halo on white-on-white. A halo is measured by placing the
 * cutout on a dark colour and comparing, near the true edge, its brightness
 * with the perfect composite of the true garment at its true coverage.
 */

const IOU_TARGET = 0.98;
/** Mean luma excess (levels) allowed in the 2-px rings either side of the true edge. */
const HALO_LIMIT = 3;
/** Mean luma shortfall (levels) allowed just inside the edge: a partly transparent rim. */
const RIM_LIMIT = 8;
/**
 * Studio shots usually arrive as JPEG (4:2:0). The codec itself softens the
 * edge and smears chroma past it, so against the pre-compression coverage
 * some glow is the codec's, not the key's: a looser bound, and no rim bound.
 */
const JPEG_QUALITY = 88;
const JPEG_HALO_LIMIT = 8;
/** Ringing beside a dark edge can leave a trace past 3 px, decontaminated to the garment's colour; at most this share of the image. */
const JPEG_STRAY_SHARE = 0.00005;
const JPEG_SCENES = [0, 4, 5];
const DARK = [20, 20, 20] as const;
const RING = 2;

interface SceneQuality {
  scene: string;
  encoding: "raw" | "jpeg";
  iou: number;
  /** Mean luma excess over the perfect composite, 2-px ring outside the true silhouette (levels). */
  haloOutside: number;
  /** The same just inside the silhouette: a backdrop fringe left on the garment's edge. */
  haloInside: number;
  /** Mean |luma error| over both rings, for reference (noise included). */
  edgeError: number;
  /** Pixels left visible (alpha ≥ 8, what alphaBounds counts) more than 3 px from the true silhouette: specks on the backdrop. */
  stray: number;
  keyedFraction: number;
  uniform: boolean;
}

function nearMask(mask: Uint8Array, width: number, height: number, x: number, y: number, reach: number): boolean {
  for (let yy = Math.max(0, y - reach); yy <= Math.min(height - 1, y + reach); yy++) {
    for (let xx = Math.max(0, x - reach); xx <= Math.min(width - 1, x + reach); xx++) if (mask[yy * width + xx]) return true;
  }
  return false;
}

function luma(r: number, g: number, b: number): number {
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function measureKey(scene: GarmentScene, keyed: KeyResult, encoding: SceneQuality["encoding"] = "raw"): SceneQuality {
  const { width, height } = scene.image;
  const { mask, coverage } = scene;
  const cutout = keyed.image.data;
  const truth = scene.subject.data;
  let intersection = 0;
  let union = 0;
  const outside = { sum: 0, count: 0 };
  const inside = { sum: 0, count: 0 };
  let absolute = 0;
  let stray = 0;
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      const predicted = cutout[i * 4 + 3] >= 128 ? 1 : 0;
      if (predicted & mask[i]) intersection++;
      if (predicted | mask[i]) union++;
      if (cutout[i * 4 + 3] >= 8 && !mask[i] && !nearMask(mask, width, height, x, y, 3)) stray++;

      // Within RING px (chessboard) of the other side of the true edge?
      let nearEdge = false;
      for (let yy = Math.max(0, y - RING); yy <= Math.min(height - 1, y + RING) && !nearEdge; yy++) {
        for (let xx = Math.max(0, x - RING); xx <= Math.min(width - 1, x + RING); xx++) {
          if (mask[yy * width + xx] !== mask[i]) {
            nearEdge = true;
            break;
          }
        }
      }
      if (!nearEdge) continue;
      const alpha = cutout[i * 4 + 3] / 255;
      const a = coverage[i];
      const actual = luma(...([0, 1, 2].map((c) => alpha * cutout[i * 4 + c] + (1 - alpha) * DARK[c]) as [number, number, number]));
      const ideal = luma(...([0, 1, 2].map((c) => a * truth[i * 3 + c] + (1 - a) * DARK[c]) as [number, number, number]));
      const ring = mask[i] ? inside : outside;
      ring.sum += actual - ideal;
      ring.count++;
      absolute += Math.abs(actual - ideal);
    }
  }
  const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;
  return {
    scene: scene.name,
    encoding,
    iou: round(intersection / union, 4),
    haloOutside: round(outside.sum / outside.count, 2),
    haloInside: round(inside.sum / inside.count, 2),
    edgeError: round(absolute / (outside.count + inside.count), 2),
    stray,
    keyedFraction: round(keyed.keyedFraction, 3),
    uniform: keyed.backdrop.uniform,
  };
}

const results: SceneQuality[] = [];
let timing: { width: number; height: number; runsMs: number[] } | undefined;

describe("backdrop keying quality on rendered garments", () => {
  it.each(GARMENT_SCENES.map((spec) => [spec.name, spec] as const))("%s: IoU ≥ 0.98, no halo", async (_name, spec) => {
    const scene = await renderGarmentScene(spec);
    const keyed = keyBackdrop(scene.image);
    const quality = measureKey(scene, keyed);
    results.push(quality);

    expect(keyed.backdrop.uniform).toBe(true);
    expect(quality.iou).toBeGreaterThanOrEqual(IOU_TARGET);
    expect(quality.haloOutside).toBeLessThanOrEqual(HALO_LIMIT);
    expect(quality.haloInside).toBeLessThanOrEqual(HALO_LIMIT);
    expect(quality.haloInside).toBeGreaterThanOrEqual(-RIM_LIMIT);
    expect(quality.stray).toBe(0);
  });

  it.each(JPEG_SCENES.map((index) => [GARMENT_SCENES[index].name, GARMENT_SCENES[index]] as const))(`%s, as a JPEG (quality ${JPEG_QUALITY}, 4:2:0): IoU ≥ 0.98, little glow`, async (_name, spec) => {
    const scene = await renderGarmentScene(spec);
    const { width, height } = scene.image;
    const jpeg = await sharp(scene.image.data, { raw: { width, height, channels: 3 } }).jpeg({ quality: JPEG_QUALITY }).toBuffer();
    const decoded = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
    expect(decoded.info.channels).toBe(3);
    const quality = measureKey(scene, keyBackdrop({ data: decoded.data, width, height, channels: 3 }), "jpeg");
    results.push(quality);

    expect(quality.iou).toBeGreaterThanOrEqual(IOU_TARGET);
    expect(quality.haloOutside).toBeLessThanOrEqual(JPEG_HALO_LIMIT);
    expect(quality.stray).toBeLessThanOrEqual(JPEG_STRAY_SHARE * width * height);
  });

  it("keys a 2000×2667 studio shot (timing logged, not asserted)", async () => {
    const scene = await renderGarmentScene({ ...GARMENT_SCENES[2], name: "timing", width: 2000, height: 2667 });
    const runsMs: number[] = [];
    let keyed: KeyResult | undefined;
    for (let run = 0; run < 5; run++) {
      const started = performance.now();
      keyed = keyBackdrop(scene.image);
      runsMs.push(Math.round(performance.now() - started));
    }
    // The first run includes compiling the hot loops; a worker process keying many images sees the later ones.
    const warm = runsMs.slice(1).sort((a, b) => a - b);
    timing = { width: 2000, height: 2667, runsMs };
    console.log(`keyBackdrop 2000×2667: first run ${runsMs[0]} ms, then median ${warm[Math.floor(warm.length / 2)]} ms, best ${warm[0]} ms (runs: ${runsMs.join(", ")}; machine shared, not asserted)`);
    expect(measureKey(scene, keyed!).iou).toBeGreaterThanOrEqual(IOU_TARGET);
  });
});

afterAll(() => {
  if (results.length === 0) return;
  mkdirSync("test-results", { recursive: true });
  writeFileSync(
    "test-results/keying-quality.json",
    `${JSON.stringify({ iouTarget: IOU_TARGET, haloLimit: HALO_LIMIT, rimLimit: RIM_LIMIT, jpeg: { quality: JPEG_QUALITY, haloLimit: JPEG_HALO_LIMIT, strayShare: JPEG_STRAY_SHARE }, darkBackground: DARK, scenes: results, timing }, null, 2)}\n`,
  );
  const summary = (encoding: SceneQuality["encoding"]) => {
    const of = results.filter((result) => result.encoding === encoding);
    if (of.length === 0) return `no ${encoding} scenes`;
    const iou = of.map((result) => result.iou);
    const extreme = (key: "haloOutside" | "haloInside") => `${Math.min(...of.map((result) => result[key]))}..${Math.max(...of.map((result) => result[key]))}`;
    return `${of.length} ${encoding} scenes IoU min ${Math.min(...iou)} mean ${(iou.reduce((sum, value) => sum + value, 0) / iou.length).toFixed(4)}, halo outside ${extreme("haloOutside")}, inside ${extreme("haloInside")} levels`;
  };
  console.log(`keying quality: ${summary("raw")}; ${summary("jpeg")} → test-results/keying-quality.json`);
});
