import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { renderGarmentScene } from "../../test/support/garment-scenes";
import { rawInput, type RawImage } from "../imaging/raw-image";
import { checkBlockiness, measureBlockiness } from "./blockiness";
import { defaultThreshold } from "./qc-check";

async function jpegRoundTrip(image: RawImage, quality: number): Promise<RawImage> {
  const bytes = await sharp(image.data, rawInput(image)).jpeg({ quality, chromaSubsampling: "4:2:0" }).toBuffer();
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}

/** A garment whose folds make smooth gradients across many blocks: where blocking shows. */
async function foldedGarment(): Promise<RawImage> {
  const scene = await renderGarmentScene({ name: "folded", garment: "t-shirt", fabric: { kind: "solid", colour: [206, 196, 178] }, backdrop: { colour: [254, 254, 253], falloff: { kind: "flat" } }, width: 600, height: 800, seed: 4 });
  const { data } = scene.image;
  for (let i = 0; i < scene.coverage.length; i++) {
    const a = scene.coverage[i];
    if (a === 0) continue;
    const x = i % 600;
    const y = (i - x) / 600;
    const fold = 1 + a * (0.1 * Math.sin(x * 0.025 + 2 * Math.sin(y * 0.012)) + 0.05 * Math.sin(y * 0.04 + x * 0.01) - 0.05);
    for (let c = 0; c < 3; c++) data[i * 3 + c] = Math.min(255, Math.round(data[i * 3 + c] * fold));
  }
  return scene.image;
}

describe("measureBlockiness", () => {
  it("reads about 1 for an image that was never a JPEG", async () => {
    expect(measureBlockiness(await foldedGarment())).toBeCloseTo(1, 1);
  });

  it("rises as the JPEG quality falls", async () => {
    const image = await foldedGarment();
    const scores = await Promise.all([95, 85, 50, 30, 15].map(async (q) => measureBlockiness(await jpegRoundTrip(image, q))));
    for (let k = 1; k < scores.length; k++) expect(scores[k]).toBeGreaterThan(scores[k - 1]);
  });

  it("measures the file's own grid: the same JPEG shifted by 4 px shows no grid", async () => {
    const blocky = await jpegRoundTrip(await foldedGarment(), 15);
    const { data, info } = await sharp(blocky.data, rawInput(blocky)).extract({ left: 4, top: 4, width: 592, height: 792 }).raw().toBuffer({ resolveWithObject: true });
    expect(measureBlockiness({ data, width: info.width, height: info.height, channels: 3 })).toBeLessThan(1.15);
    expect(measureBlockiness(blocky)).toBeGreaterThan(1.7);
  });
});

describe("checkBlockiness", () => {
  it("passes q92 and the channels' q85, flags or rejects q30, rejects q15", async () => {
    const image = await foldedGarment();
    const t = defaultThreshold("blockiness");
    expect(checkBlockiness(await jpegRoundTrip(image, 92), t).verdict).toBe("pass");
    expect(checkBlockiness(await jpegRoundTrip(image, 85), t).verdict).toBe("pass");
    expect(checkBlockiness(await jpegRoundTrip(image, 30), t).verdict).not.toBe("pass");
    const q15 = checkBlockiness(await jpegRoundTrip(image, 15), t);
    expect(q15.verdict).toBe("reject");
    expect(q15.reason).toContain("raise the channel's JPEG quality");
  });
});
