import sharp from "sharp";
import { describe, expect, it } from "vitest";
import type { FramingOptions } from "./canvas-layout";
import { DEFAULT_CHANNEL_SPECS, type ChannelSpec } from "./channel-spec";
import type { Box, RawImage } from "./raw-image";
import { renderRenditions, type RenderedRendition, type RenditionSource } from "./renditions";
import { decodeImage } from "./safe-decode";

const framing: FramingOptions = { align: "bottom", margins: { top: 0.08, bottom: 0.06, side: 0.08 } };
const SUBJECT_RGB = [150, 30, 40];

const spec = (overrides: Partial<ChannelSpec>): ChannelSpec => ({
  id: "test",
  label: "Test",
  width: 1000,
  height: 1000,
  format: "png",
  quality: 90,
  background: "#FFFFFF",
  fit: "frame",
  sharpen: false,
  enabled: true,
  ...overrides,
});

/**
 * A cut-out master: transparent, a red subject (a rounded figure so edges are
 * antialiased) in `subjectBox`, and a half-transparent grey shadow to its
 * lower right that is outside the box.
 */
function cutout(width: number, height: number, box: Box): RenditionSource {
  const data = Buffer.alloc(width * height * 4);
  const cx = box.left + box.width / 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const inBox = x >= box.left && x < box.left + box.width && y >= box.top && y < box.top + box.height;
      // An ellipse head on a rectangular body, both filling the box's extremes.
      const headRadius = box.width / 4;
      const inHead = y < box.top + 2 * headRadius && (x + 0.5 - cx) ** 2 + (y + 0.5 - box.top - headRadius) ** 2 <= headRadius ** 2;
      const inBody = y >= box.top + 2 * headRadius;
      if (inBox && (inHead || inBody)) {
        data.set([...SUBJECT_RGB, 255], i);
      } else if (x >= box.left + box.width && x < box.left + box.width + box.width / 5 && y >= box.top + box.height / 2 && y < box.top + box.height) {
        data.set([0, 0, 0, 90], i);
      }
    }
  }
  return { image: { data, width, height, channels: 4 }, subjectBox: box };
}

async function decoded(rendition: RenderedRendition) {
  const { data, info } = await sharp(rendition.bytes).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels as 3 | 4 };
}

function pixel(image: RawImage, x: number, y: number) {
  const at = (y * image.width + x) * image.channels;
  return [...image.data.subarray(at, at + image.channels)];
}

/** Bounding box of the pixels `match` accepts. */
function bounds(image: RawImage, match: (p: number[]) => boolean) {
  let left = Infinity;
  let top = Infinity;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (!match(pixel(image, x, y))) continue;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
  }
  return { left, top, width: right - left + 1, height: bottom - top + 1 };
}

const isSubject = ([r, g, b]: number[]) => r > 100 && g < 90 && b < 100 && r - g > 60;

describe("renderRenditions", () => {
  const master = cutout(600, 900, { left: 150, top: 100, width: 300, height: 700 });

  it("renders every enabled channel at exactly its size, format and content type", async () => {
    const specs: ChannelSpec[] = [
      ...DEFAULT_CHANNEL_SPECS,
      spec({ id: "cutout-png", format: "png", background: "transparent" }),
      spec({ id: "avif", format: "avif", quality: 60, width: 800, height: 600 }),
      spec({ id: "off", enabled: false }),
    ];
    const renditions = await renderRenditions(master, specs, { framing });
    expect(renditions.map((r) => r.channel)).toEqual([...DEFAULT_CHANNEL_SPECS.map((s) => s.id), "cutout-png", "avif"]);
    for (const rendition of renditions) {
      const wanted = specs.find((s) => s.id === rendition.channel)!;
      const metadata = await sharp(rendition.bytes).metadata();
      expect({ width: metadata.width, height: metadata.height }).toEqual({ width: wanted.width, height: wanted.height });
      expect([rendition.width, rendition.height]).toEqual([wanted.width, wanted.height]);
      expect(rendition.format).toBe(wanted.format);
      expect(metadata.format).toBe(wanted.format === "avif" ? "heif" : wanted.format);
      expect(rendition.contentType).toBe(`image/${wanted.format}`);
      expect(metadata.hasAlpha).toBe(wanted.background === "transparent");
    }
  });

  it("marketplace: pure white background and the subject at least 85 % of the frame", async () => {
    // A small subject that the framing margins alone would leave at 86 % … so make the margins bigger.
    const wide: FramingOptions = { align: "center", margins: { top: 0.2, bottom: 0.2, side: 0.2 } };
    const marketplace = DEFAULT_CHANNEL_SPECS.find((s) => s.id === "marketplace")!;
    const [rendition] = await renderRenditions(master, [marketplace], { framing: wide });
    const image = await decoded(rendition);
    expect([image.width, image.height]).toEqual([2000, 2000]);
    const subject = bounds(image, isSubject);
    expect(subject.height / 2000).toBeGreaterThanOrEqual(0.85);
    expect(subject.height / 2000).toBeLessThan(0.87);
    for (const [x, y] of [
      [0, 0],
      [1999, 0],
      [0, 1999],
      [1999, 1999],
      [100, 1000],
      [1000, 40],
    ]) {
      expect(pixel(image, x, y), `pixel ${x},${y}`).toEqual([255, 255, 255]);
    }
  });

  it("frames the subject box on the margins, bottom aligned, the shadow outside the box", async () => {
    const [rendition] = await renderRenditions(master, [spec({ width: 1600, height: 2000, format: "png" })], { framing });
    const image = await decoded(rendition);
    const subject = bounds(image, isSubject);
    // Margin box: y 160..1880 (1720 high); the 300×700 subject scales by 1720/700.
    expect(Math.abs(subject.top + subject.height - 1880)).toBeLessThanOrEqual(2);
    expect(Math.abs(subject.height - 1720)).toBeLessThanOrEqual(3);
    expect(Math.abs(subject.left + subject.width / 2 - 800)).toBeLessThanOrEqual(2);
    // The shadow is drawn to the subject's right, grey over the white background.
    const shadowPixel = pixel(image, Math.round(subject.left + subject.width + 20), 1700);
    expect(shadowPixel[0]).toBeGreaterThan(140);
    expect(shadowPixel[0]).toBeLessThan(200);
    expect(Math.abs(shadowPixel[0] - shadowPixel[2])).toBeLessThanOrEqual(2);
  });

  it("keeps a cut-out transparent where the channel's background is transparent", async () => {
    const [rendition] = await renderRenditions(master, [spec({ background: "transparent", format: "webp", quality: 90 })], { framing });
    const image = await decoded(rendition);
    expect(image.channels).toBe(4);
    expect(pixel(image, 5, 5)[3]).toBe(0);
    const subject = bounds(image, (p) => p[3] === 255 && isSubject(p));
    expect(pixel(image, Math.round(subject.left + subject.width / 2), Math.round(subject.top + subject.height / 2))[3]).toBe(255);
  });

  it("fits an RGB full frame whole, the background filling the rest", async () => {
    const frame = Buffer.alloc(800 * 600 * 3);
    for (let i = 0; i < 800 * 600; i++) frame.set([30, 60, 200], i * 3);
    const source: RenditionSource = { image: { data: frame, width: 800, height: 600, channels: 3 }, subjectBox: { left: 300, top: 200, width: 200, height: 300 } };
    const [rendition] = await renderRenditions(source, [spec({ width: 1600, height: 2000, background: "#EEEEEE" })], { framing });
    const image = await decoded(rendition);
    // 800×600 → 1600×1200, centred: rows 400..1599.
    expect(pixel(image, 800, 399)).toEqual([238, 238, 238]);
    expect(pixel(image, 800, 400)).toEqual([30, 60, 200]);
    expect(pixel(image, 0, 1599)).toEqual([30, 60, 200]);
    expect(pixel(image, 800, 1600)).toEqual([238, 238, 238]);
  });

  it("enlarges an RGB full frame around its subject when minSubjectFill needs it, without uncovered canvas", async () => {
    const frame = Buffer.alloc(1000 * 1000 * 3, 250);
    // Near the right edge: centring on it alone would leave the right of the canvas uncovered.
    const box = { left: 850, top: 300, width: 150, height: 400 };
    for (let y = box.top; y < box.top + box.height; y++) for (let x = box.left; x < box.left + box.width; x++) frame.set(SUBJECT_RGB, (y * 1000 + x) * 3);
    const source: RenditionSource = { image: { data: frame, width: 1000, height: 1000, channels: 3 }, subjectBox: box };
    const [rendition] = await renderRenditions(source, [spec({ width: 800, height: 800, background: "#000000", minSubjectFill: 0.85 })], { framing });
    const image = await decoded(rendition);
    const subject = bounds(image, isSubject);
    expect(subject.height).toBeGreaterThanOrEqual(679);
    // No black background shows: the frame covers the canvas.
    for (const [x, y] of [
      [0, 0],
      [799, 0],
      [0, 799],
      [799, 799],
    ])
      expect(pixel(image, x, y)).toEqual([250, 250, 250]);
  });

  it("zoom shows the subject's upper middle pixel for pixel at native resolution", async () => {
    const width = 1200;
    const height = 1500;
    const noise = await sharp({ create: { width, height, channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: "gaussian", mean: 128, sigma: 50 } } })
      .raw()
      .toBuffer();
    const source: RenditionSource = { image: { data: noise, width, height, channels: 3 }, subjectBox: { left: 100, top: 50, width: 1000, height: 1400 } };
    const master = sharp(noise, { raw: { width, height, channels: 3 } });

    // Twice the framed scale (2 × 1000/1400 ≥ 1) is past native, so native: the 1000×1000 crop centred
    // at x = 500 and y = 0.35 × 1400 = 490 of the subject, clamped to its top. At scale 1 nothing is sharpened.
    const [native] = await renderRenditions(source, [spec({ fit: "zoom", width: 1000, height: 1000, sharpen: true })], { framing });
    const expected = await master.clone().extract({ left: 100, top: 50, width: 1000, height: 1000 }).raw().toBuffer();
    expect((await decoded(native)).data.equals(expected)).toBe(true);

    // A smaller canvas: framed scale 600/1400, doubled 0.857, so a 700×700 crop at subject (150, 140), shrunk once.
    const [shrunk] = await renderRenditions(source, [spec({ fit: "zoom", width: 600, height: 600 })], { framing });
    const shrunkExpected = await master.clone().extract({ left: 250, top: 190, width: 700, height: 700 }).resize({ width: 600, height: 600, fit: "fill" }).raw().toBuffer();
    expect((await decoded(shrunk)).data.equals(shrunkExpected)).toBe(true);
  });

  it("sharpens only when the spec asks", async () => {
    const specs = [spec({ id: "soft", sharpen: false, width: 400, height: 400 }), spec({ id: "crisp", sharpen: true, width: 400, height: 400 })];
    const [soft, crisp] = await renderRenditions(master, specs, { framing });
    const [softStats, crispStats] = await Promise.all([sharp(soft.bytes).stats(), sharp(crisp.bytes).stats()]);
    expect(crispStats.sharpness).toBeGreaterThan(softStats.sharpness);
  });

  it("strips the input's EXIF (GPS, description) but attaches sRGB; XMP only with an AI disclosure", async () => {
    const jpeg = await sharp({ create: { width: 300, height: 400, channels: 3, background: { r: 150, g: 30, b: 40 } } })
      .withExif({
        IFD0: { ImageDescription: "private studio note", Artist: "Jane Doe" },
        IFD3: { GPSLatitudeRef: "N", GPSLatitude: "48/1 51/1 24/1", GPSLongitudeRef: "E", GPSLongitude: "2/1 21/1 3/1" },
      })
      .jpeg()
      .toBuffer();
    const input = await sharp(jpeg).metadata();
    expect(input.exif?.toString("latin1")).toContain("private studio note");
    const { image } = await decodeImage(jpeg);
    const source: RenditionSource = { image, subjectBox: { left: 0, top: 0, width: 300, height: 400 } };
    const specs = (["jpeg", "webp", "avif", "png"] as const).map((format) => spec({ id: format, format, width: 200, height: 200 }));

    const plain = await renderRenditions(source, specs, { framing });
    const disclosed = await renderRenditions(source, specs, { framing, metadata: { aiDisclosure: "Model photo generated with AI <FASHN try-on>" } });
    const termed = await renderRenditions(source, specs.slice(0, 1), { framing, metadata: { aiDisclosure: "compositeWithTrainedAlgorithmicMedia" } });
    for (const rendition of plain) {
      const metadata = await sharp(rendition.bytes).metadata();
      expect(metadata.exif, rendition.channel).toBeUndefined();
      expect(metadata.iptc).toBeUndefined();
      expect(metadata.xmp, rendition.channel).toBeUndefined();
      expect(metadata.hasProfile, rendition.channel).toBe(true);
      // The profile's description is UTF-16 in an mluc tag.
      expect(metadata.icc!.toString("latin1").replace(/\0/g, ""), rendition.channel).toMatch(/sRGB/);
      expect(rendition.bytes.toString("latin1")).not.toContain("private studio note");
    }
    for (const rendition of disclosed) {
      const metadata = await sharp(rendition.bytes).metadata();
      expect(metadata.exif).toBeUndefined();
      expect(metadata.xmpAsString, rendition.channel).toContain("<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">Model photo generated with AI &lt;FASHN try-on&gt;</rdf:li>");
    }
    const termedXmp = (await sharp(termed[0].bytes).metadata()).xmpAsString;
    expect(termedXmp).toContain("<Iptc4xmpExt:DigitalSourceType>http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia</Iptc4xmpExt:DigitalSourceType>");
  });

  it("refuses a subject box outside the master and a buffer of the wrong size", async () => {
    await expect(renderRenditions({ ...master, subjectBox: { left: 500, top: 0, width: 200, height: 10 } }, [spec({})], { framing })).rejects.toThrow(/not inside the 600×900 master/);
    await expect(renderRenditions({ ...master, image: { ...master.image, height: 901 } }, [spec({})], { framing })).rejects.toThrow(/buffer holds/);
  });

  it("times eight renditions from a 2000×2667 RGBA master", async () => {
    // As the pipeline passes it: trimmed to the subject, its shadow to the right.
    const big = cutout(2000, 2667, { left: 0, top: 0, width: 1700, height: 2667 });
    const specs: ChannelSpec[] = [...DEFAULT_CHANNEL_SPECS, spec({ id: "cutout-png", background: "transparent", width: 1200, height: 1500 }), spec({ id: "avif", format: "avif", quality: 60, width: 1600, height: 2000 })];
    expect(specs).toHaveLength(8);
    for (const run of ["first", "second"]) {
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      const renditions = await renderRenditions(big, specs, { framing });
      const ms = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      const kb = renditions.reduce((sum, r) => sum + r.bytes.length, 0) / 1000;
      console.log(
        `renditions: 8 from a 2000×2667 RGBA master in ${ms.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU (${run} run, ${kb.toFixed(0)} KB, ` +
          `sharp concurrency ${sharp.concurrency()}, UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE ?? "default 4"})`,
      );
      expect(renditions).toHaveLength(8);
    }
  });
});
