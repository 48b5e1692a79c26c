import { describe, expect, it } from "vitest";
import { renderGarmentScene } from "../../test/support/garment-scenes";
import { srgbToLinear, linearToSrgb } from "../imaging/colour-balance";
import type { RawImage } from "../imaging/raw-image";
import { checkExposure, measureExposure } from "./exposure";
import { defaultThreshold } from "./qc-check";
import { subjectMask } from "./subject-mask";

/** A light garment on a white sweep, its light multiplied by `gain` in linear light (an exposure error on the subject). */
async function exposed(colour: [number, number, number], gain: number): Promise<{ image: RawImage; mask: Uint8Array }> {
  const scene = await renderGarmentScene({ name: "exposed", garment: "t-shirt", fabric: { kind: "solid", colour }, backdrop: { colour: [255, 255, 255], falloff: { kind: "flat" } }, width: 384, height: 512, noise: 1.5 });
  const mask = subjectMask(scene.image, [255, 255, 255]).mask;
  const data = Buffer.from(scene.image.data);
  for (let i = 0; i < scene.coverage.length; i++) {
    const a = scene.coverage[i];
    if (a === 0) continue;
    for (let c = 0; c < 3; c++) data[i * 3 + c] = Math.min(255, Math.round(255 * linearToSrgb(Math.min(1, srgbToLinear(data[i * 3 + c] / 255) * (1 + (gain - 1) * a)))));
  }
  return { image: { ...scene.image, data }, mask };
}

describe("measureExposure", () => {
  it("does not call a white garment on white clipped: it is white, not at 255", async () => {
    const { image, mask } = await exposed([244, 244, 241], 1);
    const m = measureExposure(image, mask);
    expect(m.subjectPixels).toBeGreaterThan(50_000);
    expect(m.clipped).toBeLessThan(0.1);
    expect(checkExposure(image, mask, defaultThreshold("exposure")).verdict).toBe("pass");
  });

  it("counts a beige garment blown out to white", async () => {
    // × 1.6 in linear light takes 230, 222, 204 past 255 in red and green and near it in blue.
    const { image, mask } = await exposed([230, 222, 204], 1.6);
    const m = measureExposure(image, mask);
    expect(m.highlights).toBeGreaterThan(50);
    expect(checkExposure(image, mask, defaultThreshold("exposure"))).toMatchObject({ verdict: "reject", reason: expect.stringContaining("blown to white") });
  });

  it("counts a navy garment crushed to black, and not a merely dark one", async () => {
    const dark = await exposed([30, 40, 84], 0.5);
    expect(checkExposure(dark.image, dark.mask, defaultThreshold("exposure")).verdict).toBe("pass");
    const crushed = await exposed([30, 40, 84], 0.004);
    const m = measureExposure(crushed.image, crushed.mask);
    expect(m.shadows).toBeGreaterThan(50);
    expect(checkExposure(crushed.image, crushed.mask, defaultThreshold("exposure")).verdict).toBe("reject");
  });

  it("flags a small blown panel and passes a glint", async () => {
    const { image, mask } = await exposed([150, 120, 90], 1);
    const subject = Array.from(mask.keys()).filter((i) => mask[i]);
    const paint = (share: number) => {
      const data = Buffer.from(image.data);
      for (const i of subject.slice(Math.floor(subject.length / 2), Math.floor(subject.length / 2) + Math.round(share * subject.length))) data.fill(255, i * 3, i * 3 + 3);
      return checkExposure({ ...image, data }, mask, defaultThreshold("exposure"));
    };
    expect(paint(0.005).verdict).toBe("pass");
    expect(paint(0.04).verdict).toBe("flag");
    expect(paint(0.1).verdict).toBe("reject");
  });
});
