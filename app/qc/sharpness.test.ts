import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { renderGarmentScene } from "../../test/support/garment-scenes";
import { rawInput, type RawImage } from "../imaging/raw-image";
import { defaultThreshold } from "./qc-check";
import { checkSharpness, measureSharpness } from "./sharpness";
import { maskDistances, subjectMask } from "./subject-mask";

/** A patterned dress (the pattern and the outline are the detail) at the size sharpness is defined at. */
async function dottedDress(width = 768, height = 1024): Promise<{ image: RawImage; mask: Uint8Array }> {
  const scene = await renderGarmentScene({ name: "dots", garment: "dress", fabric: { kind: "dots", base: [196, 48, 58], dots: [[244, 243, 238], [238, 196, 60], [30, 40, 90]] }, backdrop: { colour: [254, 254, 253], falloff: { kind: "flat" } }, width, height, seed: 7 });
  return { image: scene.image, mask: subjectMask(scene.image, null).mask };
}

async function blurred(image: RawImage, sigma: number): Promise<RawImage> {
  return { ...image, data: await sharp(image.data, rawInput(image)).blur(sigma).raw().toBuffer() };
}

describe("measureSharpness", () => {
  it("falls with every step of Gaussian blur", async () => {
    const { image, mask } = await dottedDress();
    const scores = [measureSharpness(image, mask)];
    for (const sigma of [0.7, 1, 1.5, 2, 3, 5]) scores.push(measureSharpness(await blurred(image, sigma), mask));
    for (let k = 1; k < scores.length; k++) expect(scores[k]).toBeLessThan(scores[k - 1]);
  });

  it("does not depend on the input size: a 2048 px render scores like the same scene at 1024", async () => {
    const large = await dottedDress(1536, 2048);
    const small = await dottedDress(768, 1024);
    const [a, b] = [measureSharpness(large.image, large.mask), measureSharpness(small.image, small.mask)];
    expect(Math.abs(a - b) / b).toBeLessThan(0.35);
  });

  it("measures the subject only: a sharp busy backdrop does not lift a blurred garment", async () => {
    const { image, mask } = await dottedDress();
    const soft = await blurred(image, 3);
    const busy = Buffer.from(soft.data);
    // Black dots over the backdrop from 3 px off the outline (the outline itself is measured, with its two sides).
    const distance = maskDistances(mask, image.width, image.height, 3);
    for (let i = 0; i < mask.length; i++) if (!mask[i] && distance[i] >= 3 && (i % 7 === 0 || i % 11 === 0)) busy.fill(0, i * 3, i * 3 + 3);
    expect(measureSharpness({ ...soft, data: busy }, mask)).toBeCloseTo(measureSharpness(soft, mask), -1);
    expect(measureSharpness({ ...soft, data: busy }, null)).toBeGreaterThan(10 * measureSharpness(soft, mask));
  });
});

describe("checkSharpness", () => {
  it("passes the sharp photo and rejects it blurred with σ 3", async () => {
    const { image, mask } = await dottedDress();
    const t = defaultThreshold("sharpness");
    expect(checkSharpness(image, mask, t).verdict).toBe("pass");
    const soft = checkSharpness(await blurred(image, 3), mask, t);
    expect(soft.verdict).toBe("reject");
    expect(soft.reason).toContain("soft");
  });

  it("cannot measure an empty subject", () => {
    const image: RawImage = { data: Buffer.alloc(64 * 64 * 3, 255), width: 64, height: 64, channels: 3 };
    expect(checkSharpness(image, new Uint8Array(64 * 64), defaultThreshold("sharpness")).score).toBeNull();
  });
});
