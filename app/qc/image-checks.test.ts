import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { renderGarmentScene, type SceneSpec } from "../../test/support/garment-scenes";
import { DEFAULT_CHANNEL_SPECS } from "../imaging/channel-spec";
import { postProcessImage } from "../imaging/post-process";
import { DEFAULT_POST_PRODUCTION_RECIPE } from "../imaging/post-production-recipe";
import { rawInput, type RawImage } from "../imaging/raw-image";
import { ANALYSIS_EDGE, runImageChecks, type ImageQcInput } from "./image-checks";
import { DEFAULT_QC_RECIPE, QC_CHECK_IDS, qcRecipeSchema } from "./qc-check";
import type { RenditionFacts } from "./technical-checks";

/**
 * The aggregator on real pipeline output: a patterned dress photographed on
 * a sweep, through postProcessImage with the default recipe and channels; the
 * pdp-square rendition (2048 px JPEG on white, bottom-aligned, contact shadow)
 * is what the checks read, as the worker does.
 */

const SCENE: SceneSpec = {
  name: "dotted dress",
  garment: "dress",
  fabric: { kind: "dots", base: [196, 48, 58], dots: [[244, 243, 238], [238, 196, 60], [30, 40, 90]] },
  backdrop: { colour: [254, 254, 253], falloff: { kind: "radial", drop: 5 } },
  width: 1536,
  height: 2048,
  seed: 21,
};

let good: ImageQcInput;

async function decode(bytes: Buffer): Promise<RawImage> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}

beforeAll(async () => {
  const scene = await renderGarmentScene(SCENE);
  const camera = await sharp(scene.image.data, rawInput(scene.image)).jpeg({ quality: 92 }).toBuffer();
  const { renditions, report } = await postProcessImage(camera, "image/jpeg", { recipe: DEFAULT_POST_PRODUCTION_RECIPE, channels: DEFAULT_CHANNEL_SPECS, lut: null, lutInterpolation: "tetrahedral" });
  const pdp = renditions.find((r) => r.channel === "pdp-square")!;
  const facts: RenditionFacts[] = await Promise.all(
    renditions.map(async (r) => {
      const meta = await sharp(r.bytes).metadata();
      const spec = DEFAULT_CHANNEL_SPECS.find((s) => s.id === r.channel)!;
      return { channel: r.channel, width: r.width, height: r.height, bytes: r.bytes.length, format: r.format, srgb: meta.space === "srgb" && Boolean(meta.icc), spec: { width: spec.width, height: spec.height } };
    }),
  );
  // The source the garment's colours come from: the photo cut out by its true coverage, as a flat-lay with alpha.
  const cutout = Buffer.alloc(scene.coverage.length * 4);
  for (let i = 0; i < scene.coverage.length; i++) {
    scene.image.data.copy(cutout, i * 4, i * 3, i * 3 + 3);
    cutout[i * 4 + 3] = Math.round(scene.coverage[i] * 255);
  }
  const source = await sharp(cutout, { raw: { width: scene.image.width, height: scene.image.height, channels: 4 } }).resize(768, 1024).raw().toBuffer();
  good = {
    image: await decode(pdp.bytes),
    jpeg: true,
    background: [255, 255, 255],
    renditions: facts,
    master: { longEdge: Math.max(report.working.width, report.working.height), neededLongEdge: 2048 },
    framing: { align: DEFAULT_POST_PRODUCTION_RECIPE.align, margins: DEFAULT_POST_PRODUCTION_RECIPE.margins },
    source: { data: source, width: 768, height: 1024, channels: 4 },
    recipe: DEFAULT_QC_RECIPE,
  };
}, 120_000);

describe("runImageChecks", () => {
  it("passes a good pipeline rendition on every image check, in the contract's order", () => {
    const result = runImageChecks(good);
    const failing = result.checks.filter((c) => c.verdict !== "pass").map((c) => `${c.check}: ${c.reason}`);
    expect(failing).toEqual([]);
    expect(result.verdict).toBe("pass");
    const ids = result.checks.map((c) => c.check);
    expect(ids).toEqual(["resolution", "aspect", "colour-space", "file-size", "blockiness", "sharpness", "exposure", "background", "edge-halo", "garment-colour", "colour-cast", "framing"]);
    expect(ids).toEqual(QC_CHECK_IDS.filter((id) => ids.includes(id)));
    expect(result.phash).toMatch(/^[0-9a-f]{16}$/);
    // The dress fills about a quarter of the canvas; the box is in the 1024 px analysis copy.
    expect(result.mask.fraction).toBeGreaterThan(0.2);
    expect(result.mask.fraction).toBeLessThan(0.35);
    expect(result.mask.box!.top + result.mask.box!.height).toBeCloseTo(ANALYSIS_EDGE * (1 - DEFAULT_POST_PRODUCTION_RECIPE.margins.bottom), -1);
  });

  it("gives the compare view its overlays: the background's stray marks and the garment's ΔE map", () => {
    const dirty = Buffer.from(good.image.data);
    for (let y = 60; y < 66; y++) dirty.fill(90, (y * 2048 + 60) * 3, (y * 2048 + 66) * 3);
    const result = runImageChecks({ ...good, image: { ...good.image, data: dirty } });
    const overlays = Object.fromEntries(result.overlays.map((o) => [o.name, o.image]));
    expect(Object.keys(overlays).sort()).toEqual(["background", "garment-delta-e"]);
    const background = overlays.background;
    expect([background.width, background.height, background.channels]).toEqual([1024, 1024, 4]);
    // The 6 px speck at 2048 is 3 px at 1024, magenta and opaque; the rest is transparent.
    expect(Array.from(background.data.subarray((31 * 1024 + 31) * 4, (31 * 1024 + 32) * 4))).toEqual([255, 0, 255, 220]);
    expect(background.data[(500 * 1024 + 10) * 4 + 3]).toBe(0);
    expect(result.checks.find((c) => c.check === "background")).toMatchObject({ detail: { marks: 1 } });
  });


  it("leaves out what does not apply: blockiness for a PNG, framing for a zoom crop, and cannot judge colour without a source", () => {
    const result = runImageChecks({ ...good, jpeg: false, framing: null, source: null });
    const ids = result.checks.map((c) => c.check);
    expect(ids).not.toContain("blockiness");
    expect(ids).not.toContain("framing");
    expect(result.checks.find((c) => c.check === "garment-colour")).toMatchObject({ verdict: "flag", score: null, reason: expect.stringContaining("no source") });
    expect(result.overlays.map((o) => o.name)).toEqual(["background"]);
    expect(result.verdict).toBe("flag");
  });

  it("rejects the same rendition soft and recoloured, or squeezed into blocks, each by its own check", async () => {
    const verdictsOf = async (bytes: Buffer) => Object.fromEntries(runImageChecks({ ...good, image: await decode(bytes) }).checks.map((c) => [c.check, c.verdict]));
    const image = () => sharp(good.image.data, rawInput(good.image));
    const soft = await verdictsOf(await image().blur(4).modulate({ hue: 40 }).jpeg({ quality: 85 }).toBuffer());
    expect(soft).toMatchObject({ sharpness: "reject", "garment-colour": "reject", blockiness: "pass", framing: "pass", exposure: "pass", background: "pass" });
    // Blocks are edges too: a q12 file's sharpness is not read as soft, which is why blockiness is its own check.
    const blocky = await verdictsOf(await image().jpeg({ quality: 12 }).toBuffer());
    expect(blocky).toMatchObject({ blockiness: "reject", framing: "pass", exposure: "pass" });
  });

  it("judges with the category's thresholds", () => {
    const strict = qcRecipeSchema.parse({ thresholds: { sharpness: { flag: 100_000, reject: 50_000 } } });
    const result = runImageChecks({ ...good, recipe: strict });
    expect(result.checks.find((c) => c.check === "sharpness")).toMatchObject({ verdict: "reject", threshold: { flag: 100_000, reject: 50_000 } });
  });

  it("judges a transparent rendition as shown on its background", async () => {
    // The pdp rendition with its white canvas made transparent (alpha from the subject mask's complement at full size).
    const { data, info } = await sharp(good.image.data, rawInput(good.image)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    for (let i = 0; i < info.width * info.height; i++) if (data[i * 4] > 250 && data[i * 4 + 1] > 250 && data[i * 4 + 2] > 250) data[i * 4 + 3] = 0;
    const result = runImageChecks({ ...good, jpeg: false, image: { data, width: info.width, height: info.height, channels: 4 } });
    const verdicts = Object.fromEntries(result.checks.map((c) => [c.check, c.verdict]));
    expect(verdicts).toMatchObject({ background: "pass", "colour-cast": "pass", sharpness: "pass" });
    expect(result.mask.fraction).toBeGreaterThan(0.2);
  });
});
