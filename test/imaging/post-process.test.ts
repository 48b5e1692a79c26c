import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { DEFAULT_CHANNEL_SPECS } from "../../app/imaging/channel-spec";
import { cubeLutFromFunction } from "../../app/imaging/cube-lut";
import { postProcessImage, type PostProcessConfig } from "../../app/imaging/post-process";
import { DEFAULT_POST_PRODUCTION_RECIPE } from "../../app/imaging/post-production-recipe";
import { rawInput, type RawImage } from "../../app/imaging/raw-image";
import { ImageRejectedError } from "../../app/imaging/safe-decode";
import { GARMENT_SCENES, renderBusyScene, renderGarmentScene } from "../support/garment-scenes";

/** The whole chain on real pixels: what each step must leave behind in the delivered files. */

const swapRedBlue = cubeLutFromFunction(17, (r, g, b) => [b, g, r], { title: "swap red and blue" });

function config(overrides: Partial<PostProcessConfig> = {}): PostProcessConfig {
  return { recipe: DEFAULT_POST_PRODUCTION_RECIPE, channels: DEFAULT_CHANNEL_SPECS, lut: null, lutInterpolation: "tetrahedral", ...overrides };
}

async function png(image: RawImage): Promise<Buffer> {
  return sharp(image.data, rawInput(image)).png().toBuffer();
}

async function pixels(bytes: Buffer) {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, at: (x: number, y: number) => [data[(y * info.width + x) * 3]!, data[(y * info.width + x) * 3 + 1]!, data[(y * info.width + x) * 3 + 2]!] as const };
}

/** Rows that hold a pixel matching `test`: the first and last. */
function rowsWhere(img: Awaited<ReturnType<typeof pixels>>, test: (r: number, g: number, b: number) => boolean) {
  let first = -1;
  let last = -1;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const [r, g, b] = img.at(x, y);
      if (test(r, g, b)) {
        if (first < 0) first = y;
        last = y;
        break;
      }
    }
  }
  return { first, last };
}

describe("postProcessImage", () => {
  it("keys a studio shot, applies the brand LUT, frames it bottom-aligned with a contact shadow and renders every channel", async () => {
    const scene = await renderGarmentScene(GARMENT_SCENES.find((s) => s.name.startsWith("red dotted dress"))!);
    const result = await postProcessImage(await png(scene.image), "image/png", config({ lut: { lut: swapRedBlue, sha256: "test", name: "swap" } }));
    expect(result.report.cleanup.method).toBe("backdrop-key");
    expect(result.report.colour.lut).toMatchObject({ name: "swap", size: 17 });
    expect(result.renditions.map((r) => r.channel)).toEqual(DEFAULT_CHANNEL_SPECS.filter((s) => s.enabled).map((s) => s.id));

    // The red dress comes out blue: the LUT ran. Its base sits on the bottom margin line (5 %), the shadow below it.
    const square = await pixels(result.renditions.find((r) => r.channel === "pdp-square")!.bytes);
    const blue = rowsWhere(square, (r, _g, b) => b > 150 && r < 90);
    const red = rowsWhere(square, (r, _g, b) => r > 150 && b < 90 && r - b > 100);
    expect(blue.last).toBeGreaterThan(0);
    expect(red.last).toBe(-1);
    expect(Math.abs(blue.last - Math.round(2048 * (1 - DEFAULT_POST_PRODUCTION_RECIPE.margins.bottom)))).toBeLessThanOrEqual(12);
    const belowHem = square.at(1024, Math.min(2047, blue.last + 6));
    expect(Math.max(...belowHem)).toBeLessThan(250);

    // Marketplace: pure white around the subject, which fills at least 85 % of the frame's height.
    const market = await pixels(result.renditions.find((r) => r.channel === "marketplace")!.bytes);
    for (const [x, y] of [[0, 0], [market.width - 1, 0], [0, market.height - 1], [market.width - 1, market.height - 1]] as const) expect(market.at(x, y)).toEqual([255, 255, 255]);
    const subject = rowsWhere(market, (r, g, b) => Math.min(r, g, b) < 235);
    expect((subject.last - subject.first + 1) / market.height).toBeGreaterThanOrEqual(0.85);
  });

  it("keeps a busy background when the recipe names no removal provider, and says so", async () => {
    const busy = renderBusyScene("outdoor", 600, 800);
    const result = await postProcessImage(await png(busy), "image/png", config());
    expect(result.report.cleanup).toMatchObject({ method: "none", backdrop: { uniform: false } });
    expect(result.report.cleanup.note).toMatch(/no background-removal provider/);
    expect(result.renditions).toHaveLength(DEFAULT_CHANNEL_SPECS.filter((s) => s.enabled).length);
  });

  it("uses the recipe's removal provider for a busy background and frames its cut-out", async () => {
    const busy = renderBusyScene("outdoor", 600, 800);
    // The provider's answer: the centre of the frame, opaque; the rest transparent.
    const alpha = Buffer.alloc(600 * 800);
    for (let y = 200; y < 700; y++) alpha.fill(255, y * 600 + 200, y * 600 + 400);
    const cutout = await sharp(busy.data, rawInput(busy)).joinChannel(alpha, { raw: { width: 600, height: 800, channels: 1 } }).png().toBuffer();
    let calls = 0;
    const result = await postProcessImage(await png(busy), "image/png", config({ recipe: { ...DEFAULT_POST_PRODUCTION_RECIPE, removalProvider: "photoroom", shadow: { kind: "none", opacity: 0, softness: 0 } } }), {
      removeBackground: async () => {
        calls += 1;
        return { bytes: cutout, provider: "Photoroom" };
      },
    });
    expect(calls).toBe(1);
    expect(result.report.cleanup).toMatchObject({ method: "removal-provider", provider: "Photoroom" });
    expect(result.report.subject).toEqual({ left: 200, top: 200, width: 200, height: 500 });
    const market = await pixels(result.renditions.find((r) => r.channel === "marketplace")!.bytes);
    expect(market.at(5, 5)).toEqual([255, 255, 255]);
  });

  it("refuses a file that is not an image before any step runs", async () => {
    await expect(postProcessImage(Buffer.alloc(0), "image/jpeg", config())).rejects.toBeInstanceOf(ImageRejectedError);
    await expect(postProcessImage(Buffer.from("not a picture"), "image/jpeg", config())).rejects.toMatchObject({ code: "not_an_image" });
  });
});
