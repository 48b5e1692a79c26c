import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import type { RawImage } from "~/imaging/raw-image";
import type { DemoView, GarmentCategory } from "~/providers/demo-compose";
import { composeDemoImage } from "~/providers/demo-render.server";
import { GARMENT_SCENES, renderGarmentScene } from "../../test/support/garment-scenes";
import { collapseNearDuplicates, hammingDistance, perceptualHash } from "./phash";

async function decode(bytes: Buffer): Promise<RawImage> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}

const pipeline = (image: RawImage) => sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });

/** What a delivery pipeline does to an image without changing what it shows. */
const REENCODINGS: Record<string, (image: RawImage) => Promise<RawImage>> = {
  "JPEG q60": async (image) => decode(await pipeline(image).jpeg({ quality: 60 }).toBuffer()),
  "halved": async (image) => decode(await pipeline(image).resize(Math.round(image.width / 2)).png().toBuffer()),
  "enlarged 1.37×": async (image) => decode(await pipeline(image).resize(Math.round(image.width * 1.37)).png().toBuffer()),
  "+2 % brightness": async (image) => decode(await pipeline(image).linear(1.02, 0).png().toBuffer()),
  "all three at 70 %": async (image) => decode(await pipeline(image).linear(1.02, 0).resize(Math.round(image.width * 0.7)).jpeg({ quality: 60 }).toBuffer()),
};

const CATEGORY: Record<string, GarmentCategory> = { "t-shirt": "tops", dress: "one-pieces", trousers: "bottoms" };

describe("perceptualHash on real images", () => {
  /** The ten studio flat-lays, and the demo provider's composites of three of them in four views. */
  const flatLays: { name: string; garment: string; image: RawImage }[] = [];
  const composites: { garment: number; view: DemoView; seed: number; image: RawImage }[] = [];

  beforeAll(async () => {
    const scenes = await Promise.all(GARMENT_SCENES.map((spec) => renderGarmentScene({ ...spec, width: 450, height: 600 })));
    scenes.forEach((scene, i) => flatLays.push({ name: scene.name, garment: GARMENT_SCENES[i].garment, image: scene.image }));
    const jobs: Promise<void>[] = [];
    for (const garment of [5, 6, 7]) {
      const png = await pipeline(scenes[garment].image).png().toBuffer();
      for (const view of ["front", "side", "back", "detail"] as const) {
        for (const seed of [1, 2]) {
          jobs.push(
            composeDemoImage({ garment: png, view, category: CATEGORY[GARMENT_SCENES[garment].garment], background: "#f7f6f3", seed, canvas: { width: 576, height: 864 }, format: "jpeg" })
              .then(decode)
              .then((image) => void composites.push({ garment, view, seed, image })),
          );
        }
      }
    }
    await Promise.all(jobs);
  });

  it("is 16 hex digits, and the same for the same pixels", () => {
    const hash = perceptualHash(flatLays[0].image);
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(perceptualHash({ ...flatLays[0].image, data: Buffer.from(flatLays[0].image.data) })).toBe(hash);
  });

  it.each(Object.keys(REENCODINGS))("moves at most 6 bits when an image is %s (flat-lays and composites)", async (name) => {
    const images = [...flatLays.map((f) => f.image), ...composites.map((c) => c.image)];
    const distances = await Promise.all(images.map(async (image) => hammingDistance(perceptualHash(image), perceptualHash(await REENCODINGS[name](image)))));
    expect(Math.max(...distances)).toBeLessThanOrEqual(6);
    // Typically a bit or none.
    expect(distances.reduce((sum, d) => sum + d, 0) / distances.length).toBeLessThan(1.5);
  });

  it("keeps a symmetric black packshot stable when enlarged (the plain-median pHash moved 20 bits)", async () => {
    const black = flatLays.find((f) => f.name.startsWith("black t-shirt"))!;
    expect(hammingDistance(perceptualHash(black.image), perceptualHash(await REENCODINGS["enlarged 1.37×"](black.image)))).toBeLessThanOrEqual(4);
  });

  it("puts other views and other garments well apart", () => {
    const hashes = composites.map((c) => ({ ...c, hash: perceptualHash(c.image) }));
    const otherView: number[] = [];
    const otherGarment: number[] = [];
    for (const a of hashes) {
      for (const b of hashes) {
        if (a === b) continue;
        // A back view is the front mirrored, which a symmetric garment on a symmetric mannequin barely changes.
        const mirror = [a.view, b.view].sort().join() === "back,front";
        if (a.garment === b.garment && a.view !== b.view && !mirror) otherView.push(hammingDistance(a.hash, b.hash));
        if (a.garment !== b.garment && a.view === b.view) otherGarment.push(hammingDistance(a.hash, b.hash));
      }
    }
    const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
    expect(Math.min(...otherView)).toBeGreaterThan(10);
    expect(median(otherView)).toBeGreaterThan(20);
    expect(Math.min(...otherGarment)).toBeGreaterThan(10);
    expect(median(otherGarment)).toBeGreaterThan(20);

    const shapes: number[] = [];
    for (const a of flatLays) for (const b of flatLays) if (a.garment < b.garment) shapes.push(hammingDistance(perceptualHash(a.image), perceptualHash(b.image)));
    expect(Math.min(...shapes)).toBeGreaterThan(12);
  });

  it("sees luma, not hue: the same t-shirt in white and in cream hashes close", () => {
    const white = flatLays.find((f) => f.name.startsWith("white t-shirt"))!;
    const cream = flatLays.find((f) => f.name.startsWith("cream t-shirt"))!;
    expect(hammingDistance(perceptualHash(white.image), perceptualHash(cream.image))).toBeLessThanOrEqual(10);
  });

  it("hashes a cut-out as if it stood on white", async () => {
    const scene = await renderGarmentScene({ ...GARMENT_SCENES[7], width: 300, height: 400 });
    const rgba = Buffer.alloc(scene.mask.length * 4);
    const onWhite = Buffer.alloc(scene.mask.length * 3);
    for (let i = 0; i < scene.mask.length; i++) {
      const a = scene.coverage[i];
      for (let c = 0; c < 3; c++) {
        rgba[i * 4 + c] = scene.subject.data[i * 3 + c];
        onWhite[i * 3 + c] = Math.round(a * scene.subject.data[i * 3 + c] + (1 - a) * 255);
      }
      rgba[i * 4 + 3] = Math.round(a * 255);
    }
    const cutout = perceptualHash({ data: rgba, width: 300, height: 400, channels: 4 });
    expect(hammingDistance(cutout, perceptualHash({ data: onWhite, width: 300, height: 400, channels: 3 }))).toBeLessThanOrEqual(1);
  });

  it("collapses re-encoded candidates onto the better-ranked original, and keeps different ones", async () => {
    const [front, side] = [composites.find((c) => c.garment === 6 && c.view === "front")!, composites.find((c) => c.garment === 6 && c.view === "side")!];
    const items = [
      { id: "front-jpeg", image: await REENCODINGS["JPEG q60"](front.image), rank: 3 },
      { id: "front", image: front.image, rank: 1 },
      { id: "side", image: side.image, rank: 2 },
      { id: "side-small", image: await REENCODINGS["halved"](side.image), rank: 4 },
      { id: "front-bright", image: await REENCODINGS["+2 % brightness"](front.image), rank: 5 },
    ].map(({ id, image, rank }) => ({ id, rank, phash: perceptualHash(image) }));
    expect(collapseNearDuplicates(items, 6)).toEqual(
      new Map([
        ["front-jpeg", "front"],
        ["side-small", "side"],
        ["front-bright", "front"],
      ]),
    );
  });
});

describe("hammingDistance", () => {
  it("counts differing bits across both halves", () => {
    expect(hammingDistance("0000000000000000", "0000000000000000")).toBe(0);
    expect(hammingDistance("ffffffffffffffff", "0000000000000000")).toBe(64);
    expect(hammingDistance("8000000000000001", "0000000000000000")).toBe(2);
    expect(hammingDistance("00000000F0000000", "00000000f0000000")).toBe(0);
    expect(hammingDistance("0123456789abcdef", "fedcba9876543210")).toBe(hammingDistance("fedcba9876543210", "0123456789abcdef"));
  });

  it("refuses what is not a 64-bit hash, naming it", () => {
    expect(() => hammingDistance("abc", "0000000000000000")).toThrow(/16 hex digits, got "abc"/);
    expect(() => hammingDistance("0000000000000000", "000000000000000g")).toThrow(/"000000000000000g"/);
  });
});

describe("collapseNearDuplicates", () => {
  const hash = (bits: number[]) => {
    let value = 0n;
    for (const bit of bits) value |= 1n << BigInt(bit);
    return value.toString(16).padStart(16, "0");
  };

  it("maps each repeat to the best-ranked item of its group, whatever the input order", () => {
    const items = [
      { id: "c", phash: hash([1, 2]), rank: 2 },
      { id: "a", phash: hash([1]), rank: 0 },
      { id: "far", phash: hash([10, 11, 12, 13, 14, 15, 16, 17]), rank: 1 },
      { id: "b", phash: hash([]), rank: 1 },
    ];
    expect(collapseNearDuplicates(items, 2)).toEqual(
      new Map([
        ["b", "a"],
        ["c", "a"],
      ]),
    );
  });

  it("resolves a chain to the kept item, even when the ends are further apart than the limit", () => {
    // a–b and b–c are 2 bits apart, a–c is 4: c repeats b, which repeats a.
    const items = [
      { id: "a", phash: hash([]), rank: 0 },
      { id: "b", phash: hash([0, 1]), rank: 1 },
      { id: "c", phash: hash([0, 1, 2, 3]), rank: 2 },
    ];
    expect(collapseNearDuplicates(items, 2)).toEqual(
      new Map([
        ["b", "a"],
        ["c", "a"],
      ]),
    );
  });

  it("picks the nearest better item, the better-ranked on a tie, and breaks rank ties by input order", () => {
    const items = [
      { id: "x", phash: hash([0, 1, 2]), rank: 0 },
      { id: "y", phash: hash([9]), rank: 0 },
      { id: "z", phash: hash([]), rank: 5 },
    ];
    // z is 3 bits from x and 1 from y.
    expect(collapseNearDuplicates(items, 3)).toEqual(new Map([["z", "y"]]));
    // w is 1 bit from both u and v (which are 2 apart, so both kept): the better-ranked u wins.
    const equidistant = [
      { id: "w", phash: hash([]), rank: 2 },
      { id: "v", phash: hash([1]), rank: 1 },
      { id: "u", phash: hash([0]), rank: 0 },
    ];
    expect(collapseNearDuplicates(equidistant, 1)).toEqual(new Map([["w", "u"]]));
    const tie = [
      { id: "p", phash: hash([0]), rank: 1 },
      { id: "q", phash: hash([1]), rank: 1 },
    ];
    expect(collapseNearDuplicates(tie, 2)).toEqual(new Map([["q", "p"]]));
    expect(collapseNearDuplicates([...tie].reverse(), 2)).toEqual(new Map([["p", "q"]]));
  });

  it("keeps everything at distance −1 and nothing is collapsed from an empty list; refuses repeated ids", () => {
    const same = [
      { id: "a", phash: hash([]), rank: 0 },
      { id: "b", phash: hash([]), rank: 1 },
    ];
    expect(collapseNearDuplicates(same, -1).size).toBe(0);
    expect(collapseNearDuplicates(same, 0)).toEqual(new Map([["b", "a"]]));
    expect(collapseNearDuplicates([], 6).size).toBe(0);
    expect(() => collapseNearDuplicates([same[0], same[0]], 6)).toThrow(/"a" appears twice/);
  });
});
