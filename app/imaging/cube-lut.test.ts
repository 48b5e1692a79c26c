import sharp from "sharp";
import { describe, expect, it } from "vitest";
import {
  applyCubeLut,
  cubeLutFromFunction,
  cubeLutToHald,
  CubeLutParseError,
  identityCubeLut,
  parseCubeLut,
  sampleCubeLut,
  serializeCubeLut,
  type CubeLut,
  type CubeLutIssue,
  type LutInterpolation,
} from "./cube-lut";
import type { RawImage } from "./raw-image";
import { seededRandom } from "~/video/seeded-random";

const INTERPOLATIONS: LutInterpolation[] = ["tetrahedral", "trilinear"];

function issuesOf(text: string): CubeLutIssue[] {
  try {
    parseCubeLut(text);
  } catch (error) {
    expect(error).toBeInstanceOf(CubeLutParseError);
    return (error as CubeLutParseError).issues;
  }
  throw new Error("expected the .cube text to be rejected");
}

/** A .cube body of n³ identity lines. */
function identityLines(n: number): string[] {
  const lines: string[] = [];
  for (let b = 0; b < n; b += 1) for (let g = 0; g < n; g += 1) for (let r = 0; r < n; r += 1) lines.push(`${r / (n - 1)} ${g / (n - 1)} ${b / (n - 1)}`);
  return lines;
}


/** Every colour on a lattice of levels 0, 5, …, 255 (52³ pixels), plus one row of every grey level. */
function latticeImage(): RawImage {
  const levels = Array.from({ length: 52 }, (_, i) => i * 5);
  const width = 52 * 52;
  const height = 52 + 1;
  const data = Buffer.alloc(width * height * 3);
  let o = 0;
  for (const b of levels) for (const g of levels) for (const r of levels) {
    data[o++] = r;
    data[o++] = g;
    data[o++] = b;
  }
  for (let x = 0; x < width; x += 1) data.fill(x % 256, o + x * 3, o + x * 3 + 3);
  return { data, width, height, channels: 3 };
}

/** A small rendered picture: gradients, shapes and soft edges, as sharp draws them. */
async function renderedImage(channels: 3 | 4 = 3): Promise<RawImage> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="120">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#f3e9dc"/><stop offset="1" stop-color="#3a2f5b"/></linearGradient>
    <filter id="b"><feGaussianBlur stdDeviation="3"/></filter></defs>
    <rect width="160" height="120" fill="url(#g)"/>
    <circle cx="50" cy="60" r="30" fill="#d2452a" filter="url(#b)"/>
    <rect x="90" y="20" width="50" height="70" fill="#2a9d8f" opacity="0.8"/>
    <path d="M10 110 Q80 40 150 110" stroke="#f4d35e" stroke-width="8" fill="none"/>
  </svg>`;
  let pipeline = sharp(Buffer.from(svg));
  pipeline = channels === 4 ? pipeline.ensureAlpha() : pipeline.removeAlpha();
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  if (channels === 4) for (let i = 3; i < data.length; i += 4) data[i] = (i * 7) % 256; // varied alpha to prove it is kept
  return { data, width: info.width, height: info.height, channels };
}

function copy(image: RawImage): RawImage {
  return { ...image, data: Buffer.from(image.data) };
}

function maxDifference(a: Buffer, b: Buffer): number {
  let max = 0;
  for (let i = 0; i < a.length; i += 1) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe("parseCubeLut", () => {
  it("reads title, size, domain and the table in file order, with comments, blank lines and CRLF", () => {
    const text = [
      "# made by hand",
      'TITLE "Warm look"',
      "",
      "DOMAIN_MIN 0 0 0",
      "DOMAIN_MAX 1 1 1",
      "LUT_3D_SIZE 2",
      "# data follows",
      "0 0 0",
      "1 0 0",
      "0 1 0",
      "1 1 0",
      "",
      "0 0 1",
      "1 0 1",
      "0 1 1",
      "1.25 1 -0.5",
    ].join("\r\n");
    const lut = parseCubeLut(text);
    expect(lut.title).toBe("Warm look");
    expect(lut.size).toBe(2);
    expect(lut.domainMin).toEqual([0, 0, 0]);
    expect(lut.domainMax).toEqual([1, 1, 1]);
    expect(Array.from(lut.table.slice(3, 6))).toEqual([1, 0, 0]); // red index fastest
    expect(Array.from(lut.table.slice(21, 24))).toEqual([1.25, 1, -0.5]); // values outside 0–1 are kept
  });

  it("reads a non-default domain, Resolve's LUT_3D_INPUT_RANGE and a file without a title", () => {
    const lut = parseCubeLut(["DOMAIN_MIN 0.1 0 -0.5", "DOMAIN_MAX 0.9 2 1.5", "LUT_3D_SIZE 2", ...identityLines(2)].join("\n"));
    expect(lut.title).toBeUndefined();
    expect(lut.domainMin).toEqual([0.1, 0, -0.5]);
    expect(lut.domainMax).toEqual([0.9, 2, 1.5]);
    const resolve = parseCubeLut(["LUT_3D_INPUT_RANGE 0 4", "LUT_3D_SIZE 2", ...identityLines(2)].join("\n"));
    expect(resolve.domainMax).toEqual([4, 4, 4]);
  });

  it("rejects a 1D LUT and says to export a 3D one", () => {
    const issues = issuesOf(["TITLE \"curve\"", "LUT_1D_SIZE 4", "0 0 0", "0.3 0.3 0.3", "0.6 0.6 0.6", "1 1 1"].join("\n"));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 2 });
    expect(issues[0]!.message).toMatch(/1D LUTs are not supported/);
    expect(issues[0]!.message).toMatch(/export a 3D LUT/);
  });

  it.each([
    ["1", "LUT_3D_SIZE 1"],
    ["66", "LUT_3D_SIZE 66"],
    ["a fraction", "LUT_3D_SIZE 16.5"],
    ["a word", "LUT_3D_SIZE big"],
  ])("rejects a size of %s with its line", (_, sizeLine) => {
    const issues = issuesOf(["# header", sizeLine, "0 0 0"].join("\n"));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.line).toBe(2);
    expect(issues[0]!.message).toMatch(/from 2 to 65/);
  });

  it("rejects table lines with the wrong number of values or with non-numbers, each with its line", () => {
    const lines = ["LUT_3D_SIZE 2", ...identityLines(2)];
    lines[3] = "0.5 0.5"; // line 4
    lines[5] = "0.1 0.2 0.3 0.4"; // line 6
    lines[7] = "0.1 abc 0.3"; // line 8
    lines[8] = "0.1 0.2 1e"; // line 9
    const issues = issuesOf(lines.join("\n"));
    expect(issues.map((issue) => issue.line)).toEqual([4, 6, 8, 9]);
    expect(issues[0]!.message).toMatch(/needs 3 numbers, found 2/);
    expect(issues[1]!.message).toMatch(/needs 3 numbers, found 4/);
    expect(issues[2]!.message).toMatch(/"abc", which is not a number/);
    expect(issues[3]!.message).toMatch(/"1e", which is not a number/);
  });

  it("rejects a file with no LUT_3D_SIZE", () => {
    const issues = issuesOf(['TITLE "x"', "", ...identityLines(2)].join("\n"));
    expect(issues).toEqual([{ line: 3, message: expect.stringMatching(/No LUT_3D_SIZE line found; add "LUT_3D_SIZE n"/) }]);
    expect(issuesOf("")[0]).toMatchObject({ line: 1, message: expect.stringMatching(/No LUT_3D_SIZE/) });
  });

  it("rejects too few and too many table lines, saying how many were expected and found", () => {
    const short = ["LUT_3D_SIZE 3", ...identityLines(3).slice(0, 25)];
    const shortIssues = issuesOf(short.join("\n"));
    expect(shortIssues).toEqual([{ line: 26, message: expect.stringMatching(/needs 27 table lines \(3³\), found 25/) }]);

    const long = ["LUT_3D_SIZE 2", ...identityLines(2), "1 1 1", "0 0 0"];
    expect(issuesOf(long.join("\n"))).toEqual([{ line: 10, message: expect.stringMatching(/needs 8 table lines \(2³\), found 10; remove the extra lines/) }]);
  });

  it("rejects DOMAIN_MIN not below DOMAIN_MAX, naming the channel", () => {
    const issues = issuesOf(["DOMAIN_MIN 0 0.5 0", "DOMAIN_MAX 1 0.5 1", "LUT_3D_SIZE 2", ...identityLines(2)].join("\n"));
    expect(issues).toEqual([{ line: 2, message: expect.stringMatching(/green has min 0.5 and max 0.5/) }]);
  });

  it("rejects keywords after the table data", () => {
    const lines = ["LUT_3D_SIZE 2", ...identityLines(2).slice(0, 4), 'TITLE "late"', ...identityLines(2).slice(4)];
    expect(issuesOf(lines.join("\n"))).toEqual([{ line: 6, message: expect.stringMatching(/TITLE comes after the table data \(which starts on line 2\)/) }]);
  });

  it("rejects unknown keywords rather than ignoring what they would change", () => {
    const issues = issuesOf(["LUT_IN_VIDEO_RANGE", "LUT_3D_SIZE 2", ...identityLines(2)].join("\n"));
    expect(issues).toEqual([{ line: 1, message: expect.stringMatching(/Unknown keyword LUT_IN_VIDEO_RANGE/) }]);
  });

  it("reports every problem at once, up to 20", () => {
    const lines = ["LUT_3D_SIZE 4", "DOMAIN_MIN 1 1", ...identityLines(4).map((line, i) => (i % 2 === 0 ? "0.5 x 0.5" : line))];
    let error: unknown;
    try {
      parseCubeLut(lines.join("\n"));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CubeLutParseError);
    const parseError = error as CubeLutParseError;
    expect(parseError.issues).toHaveLength(20);
    expect(parseError.issues[0]).toMatchObject({ line: 2, message: expect.stringMatching(/DOMAIN_MIN needs 3 numbers, found 2/) });
    expect(parseError.issues[1]).toMatchObject({ line: 3 });
    expect(parseError.message).toMatch(/^This \.cube file cannot be used: line 2: .*and 17\+ more$/);
  });

  it("reads what serializeCubeLut writes, to the float32 bit", () => {
    const random = seededRandom(7);
    const lut = cubeLutFromFunction(5, () => [random() * 1.4 - 0.2, random(), random() / 3], { title: 'Brand "A"', domainMin: [0, 0.1, 0], domainMax: [1, 0.9, 2] });
    const again = parseCubeLut(serializeCubeLut(lut));
    expect(again.title).toBe("Brand 'A'");
    expect(again.size).toBe(5);
    expect(again.domainMin).toEqual([0, 0.1, 0]);
    expect(again.domainMax).toEqual([1, 0.9, 2]);
    expect(Buffer.from(again.table.buffer).equals(Buffer.from(lut.table.buffer))).toBe(true);
  });
});

describe("applyCubeLut", () => {
  it.each([2, 17, 33, 65])("leaves every pixel unchanged with a %i³ identity LUT", async (size) => {
    const lut = identityCubeLut(size);
    for (const image of [latticeImage(), await renderedImage()]) {
      for (const interpolation of INTERPOLATIONS) {
        const out = copy(image);
        applyCubeLut(out, lut, interpolation);
        expect(maxDifference(out.data, image.data)).toBe(0);
      }
    }
  });

  it("applies a channel swap and an inversion exactly", () => {
    const image = latticeImage();
    for (const interpolation of INTERPOLATIONS) {
      const swapped = copy(image);
      applyCubeLut(swapped, cubeLutFromFunction(9, (r, g, b) => [b, r, g]), interpolation);
      const inverted = copy(image);
      applyCubeLut(inverted, cubeLutFromFunction(3, (r, g, b) => [1 - r, 1 - g, 1 - b]), interpolation);
      const expectedSwap = Buffer.alloc(image.data.length);
      for (let i = 0; i < image.data.length; i += 3) {
        expectedSwap[i] = image.data[i + 2]!;
        expectedSwap[i + 1] = image.data[i]!;
        expectedSwap[i + 2] = image.data[i + 1]!;
      }
      expect(maxDifference(swapped.data, expectedSwap)).toBe(0);
      expect(maxDifference(inverted.data, Buffer.from(Array.from(image.data, (v) => 255 - v)))).toBe(0);
    }
  });

  it("gives the table's own values on the grid points with either interpolation, and different values between them", () => {
    // 18 points: grid point k sits at level 15k. Table values sit a quarter level off a whole level so rounding is not in doubt.
    const size = 18;
    const random = seededRandom(11);
    const lut = cubeLutFromFunction(size, () => [(Math.floor(random() * 256) + 0.25) / 255, (Math.floor(random() * 256) + 0.25) / 255, (Math.floor(random() * 256) + 0.25) / 255]);
    const data = Buffer.alloc(size ** 3 * 3);
    let o = 0;
    for (let b = 0; b < size; b += 1) for (let g = 0; g < size; g += 1) for (let r = 0; r < size; r += 1) {
      data[o++] = r * 15;
      data[o++] = g * 15;
      data[o++] = b * 15;
    }
    const expected = Buffer.from(Array.from(lut.table, (v) => Math.min(255, Math.round(v * 255))));
    for (const interpolation of INTERPOLATIONS) {
      const out: RawImage = { data: Buffer.from(data), width: size ** 2, height: size, channels: 3 };
      applyCubeLut(out, lut, interpolation);
      expect(maxDifference(out.data, expected)).toBe(0);
    }
    const between = latticeImage();
    const tetrahedral = copy(between);
    const trilinear = copy(between);
    applyCubeLut(tetrahedral, lut, "tetrahedral");
    applyCubeLut(trilinear, lut, "trilinear");
    expect(maxDifference(tetrahedral.data, trilinear.data)).toBeGreaterThan(10);
  });

  it("agrees with a lookup written independently of the image pass (sampleCubeLut)", async () => {
    const random = seededRandom(3);
    const lut = cubeLutFromFunction(17, (r, g, b) => [r ** 0.6 * (0.8 + 0.4 * random()), Math.sin(g * 3) * 0.5 + 0.5 * b, (r + g) / 2 + 0.1 * random() - 0.05]);
    const image = await renderedImage();
    const lattice = latticeImage();
    for (const interpolation of INTERPOLATIONS) {
      for (const source of [image, lattice]) {
        const out = copy(source);
        applyCubeLut(out, lut, interpolation);
        let worst = 0;
        for (let i = 0; i < source.data.length; i += 3) {
          const expected = sampleCubeLut(lut, [source.data[i]! / 255, source.data[i + 1]! / 255, source.data[i + 2]! / 255], interpolation);
          for (let c = 0; c < 3; c += 1) {
            const level = Math.min(255, Math.max(0, expected[c]! * 255));
            worst = Math.max(worst, Math.abs(out.data[i + c]! - level));
          }
        }
        // Rounding to a whole level; float32 grid coordinates (as ffmpeg) move values by far less.
        expect(worst).toBeLessThanOrEqual(0.5001);
      }
    }
  });

  it("maps input through DOMAIN_MIN/MAX: outside the domain clamps to its edge", () => {
    // An identity table over the domain 0.2–0.8: inside, colours pass; outside, they stop at 0.2·255 = 51 and 0.8·255 = 204.
    const lut = cubeLutFromFunction(9, (r, g, b) => [r, g, b], { domainMin: [0.2, 0.2, 0.2], domainMax: [0.8, 0.8, 0.8] });
    const image = latticeImage();
    for (const interpolation of INTERPOLATIONS) {
      const out = copy(image);
      applyCubeLut(out, lut, interpolation);
      const expected = Buffer.from(Array.from(image.data, (v) => Math.min(204, Math.max(51, v))));
      expect(maxDifference(out.data, expected)).toBe(0);
    }
    // A domain wider than 0–1 on one channel only: blue 0–2 means the table's blue axis is used up to its middle.
    const wide = cubeLutFromFunction(5, (r, g, b) => [r, g, b / 2], { domainMax: [1, 1, 2] });
    const out = copy(image);
    applyCubeLut(out, wide);
    let worstRed = 0;
    let worstBlue = 0;
    for (let i = 0; i < image.data.length; i += 3) {
      worstRed = Math.max(worstRed, Math.abs(out.data[i]! - image.data[i]!));
      worstBlue = Math.max(worstBlue, Math.abs(out.data[i + 2]! - image.data[i + 2]! / 2));
    }
    expect(worstRed).toBe(0);
    expect(worstBlue).toBeLessThanOrEqual(0.5);
  });

  it("clamps outputs outside 0–1 and leaves alpha untouched", async () => {
    const image = await renderedImage(4);
    const out = copy(image);
    applyCubeLut(out, cubeLutFromFunction(5, (r, g, b) => [r * 3 - 1, -g, b + 2]));
    const greens = new Set<number>();
    const blues = new Set<number>();
    for (let i = 0; i < image.data.length; i += 4) {
      greens.add(out.data[i + 1]!);
      blues.add(out.data[i + 2]!);
    }
    expect([...greens]).toEqual([0]);
    expect([...blues]).toEqual([255]);
    const alpha = (data: Buffer) => Buffer.from(Array.from({ length: data.length / 4 }, (_, p) => data[p * 4 + 3]!));
    expect(alpha(out.data).equals(alpha(image.data))).toBe(true);
    expect(new Set(Array.from({ length: out.width * out.height }, (_, p) => out.data[p * 4])).size).toBeGreaterThan(2);
  });

  it("refuses a table whose length does not match its size, and an unknown interpolation", () => {
    const image = latticeImage();
    const broken: CubeLut = { ...identityCubeLut(3), table: new Float32Array(10) };
    expect(() => applyCubeLut(image, broken)).toThrow(/size 3 needs 81/);
    expect(() => applyCubeLut(image, identityCubeLut(3), "nearest" as LutInterpolation)).toThrow(/Unknown LUT interpolation "nearest"/);
  });
});

describe("cubeLutToHald", () => {
  it("renders the identity as the standard HALD identity image (level 8: 512×512, 64 points, red fastest)", () => {
    const hald = cubeLutToHald(identityCubeLut(33));
    expect([hald.width, hald.height, hald.channels]).toEqual([512, 512, 3]);
    for (const [x, y] of [[0, 0], [63, 0], [64, 0], [511, 0], [0, 1], [300, 200], [511, 511]] as const) {
      const index = y * 512 + x;
      const expected = [index % 64, Math.floor(index / 64) % 64, Math.floor(index / 4096)].map((k) => Math.round((k * 255) / 63));
      expect(Array.from(hald.data.subarray(index * 3, index * 3 + 3))).toEqual(expected);
    }
  });

  it("holds the LUT's value at each HALD point", () => {
    const lut = cubeLutFromFunction(9, (r, g, b) => [g, b * b, 1 - r]);
    const hald = cubeLutToHald(lut, 4); // 64×64, 16 points
    expect([hald.width, hald.height]).toEqual([64, 64]);
    for (let index = 0; index < 64 * 64; index += 37) {
      const [r, g, b] = [index % 16, Math.floor(index / 16) % 16, Math.floor(index / 256)].map((k) => k / 15) as [number, number, number];
      const expected = sampleCubeLut(lut, [r, g, b]).map((v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
      expect(Array.from(hald.data.subarray(index * 3, index * 3 + 3))).toEqual(expected);
    }
    expect(() => cubeLutToHald(lut, 1)).toThrow(/from 2 to 16/);
  });
});
