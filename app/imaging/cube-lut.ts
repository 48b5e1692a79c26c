import type { RawImage } from "./raw-image";

/**
 * A 3D colour look-up table as read from an Adobe/Resolve `.cube` file.
 * `table` holds size³ RGB triples in file order: red index fastest, then
 * green, then blue, so entry (r, g, b) starts at ((b·size + g)·size + r)·3.
 */
export interface CubeLut {
  title?: string;
  size: number;
  domainMin: [number, number, number];
  domainMax: [number, number, number];
  table: Float32Array;
}

/** One problem in a `.cube` file; `line` is 1-based, `message` says what is wrong and how to fix it. */
export interface CubeLutIssue {
  line: number;
  message: string;
}

export class CubeLutParseError extends Error {
  readonly issues: CubeLutIssue[];

  constructor(issues: CubeLutIssue[], truncated: boolean) {
    const shown = issues.slice(0, 3).map((issue) => `line ${issue.line}: ${issue.message}`);
    const more = issues.length > 3 ? `; and ${issues.length - 3}${truncated ? "+" : ""} more` : "";
    super(`This .cube file cannot be used: ${shown.join("; ")}${more}`);
    this.name = "CubeLutParseError";
    this.issues = issues;
  }
}

export type LutInterpolation = "trilinear" | "tetrahedral";

export const MIN_CUBE_SIZE = 2;
export const MAX_CUBE_SIZE = 65;
const MAX_ISSUES = 20;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const KEYWORDS = ["TITLE", "LUT_3D_SIZE", "DOMAIN_MIN", "DOMAIN_MAX", "LUT_3D_INPUT_RANGE"];

/**
 * Reads a 3D `.cube` file. Every problem found is reported (up to 20) with
 * its line, so a merchant can fix the file in one go instead of one error
 * per upload.
 */
export function parseCubeLut(text: string): CubeLut {
  const issues: CubeLutIssue[] = [];
  let truncated = false;
  const report = (line: number, message: string) => {
    if (issues.length < MAX_ISSUES) issues.push({ line, message });
    else truncated = true;
  };

  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  let title: string | undefined;
  let size = 0;
  let sizeLine = 0;
  let table: Float32Array | null = null;
  const domainMin: [number, number, number] = [0, 0, 0];
  const domainMax: [number, number, number] = [1, 1, 1];
  let domainLine = 0;
  let firstDataLine = 0;
  let dataLines = 0;
  let firstExtraLine = 0;
  let lastContentLine = 0;
  let oneDimensional = false;

  const readNumbers = (tokens: string[], lineNo: number, what: string, count: number): number[] | null => {
    if (tokens.length !== count) {
      report(lineNo, `${what} needs ${count} number${count === 1 ? "" : "s"}, found ${tokens.length}; write it as "${what}${" 0.0".repeat(count)}"`);
      return null;
    }
    const values = tokens.map(Number);
    const bad = tokens.filter((token) => !NUMBER.test(token));
    if (bad.length > 0) {
      report(lineNo, `${what} has ${bad.map((t) => `"${t}"`).join(", ")}, which ${bad.length === 1 ? "is not a number" : "are not numbers"}; use decimal numbers such as 0.25`);
      return null;
    }
    return values;
  };

  for (let index = 0; index < lines.length; index += 1) {
    const lineNo = index + 1;
    const raw = lines[index]!;
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    lastContentLine = lineNo;
    const first = trimmed.charCodeAt(0);
    const isKeyword = (first >= 65 && first <= 90) || (first >= 97 && first <= 122) || first === 95;

    if (!isKeyword) {
      dataLines += 1;
      if (firstDataLine === 0) firstDataLine = lineNo;
      if (size > 0 && dataLines > size * size * size) {
        // Reported once below with the counts; checking extra lines one by one would only add noise.
        if (firstExtraLine === 0) firstExtraLine = lineNo;
        continue;
      }
      const values = readNumbers(stripComment(trimmed).split(/\s+/), lineNo, "A table line", 3);
      if (values && table) {
        const offset = (dataLines - 1) * 3;
        table[offset] = values[0]!;
        table[offset + 1] = values[1]!;
        table[offset + 2] = values[2]!;
      }
      continue;
    }

    const keyword = trimmed.split(/\s+/, 1)[0]!;
    const afterKeyword = trimmed.slice(keyword.length).trim();
    const rest = keyword === "TITLE" ? afterKeyword : stripComment(afterKeyword);
    if (firstDataLine !== 0) {
      report(lineNo, `${keyword} comes after the table data (which starts on line ${firstDataLine}); move every keyword line above the first line of numbers`);
      continue;
    }
    switch (keyword) {
      case "TITLE": {
        const quoted = /^"(.*)"$/.exec(rest);
        title = quoted ? quoted[1] : rest;
        break;
      }
      case "LUT_1D_SIZE":
        oneDimensional = true;
        report(lineNo, "1D LUTs are not supported; export a 3D LUT (a .cube file with LUT_3D_SIZE, 17, 33 or 65 points) from your grading tool");
        break;
      case "LUT_3D_SIZE": {
        if (size !== 0) {
          report(lineNo, `LUT_3D_SIZE is given twice (first on line ${sizeLine}); keep one`);
          break;
        }
        const n = /^\d+$/.test(rest) ? Number(rest) : NaN;
        if (!Number.isInteger(n) || n < MIN_CUBE_SIZE || n > MAX_CUBE_SIZE) {
          report(lineNo, `LUT_3D_SIZE must be a whole number from ${MIN_CUBE_SIZE} to ${MAX_CUBE_SIZE}, found "${rest}"; export the LUT at 17, 33 or 65 points`);
          sizeLine = lineNo;
          size = -1;
          break;
        }
        size = n;
        sizeLine = lineNo;
        table = new Float32Array(n * n * n * 3);
        break;
      }
      case "DOMAIN_MIN":
      case "DOMAIN_MAX": {
        const values = readNumbers(rest === "" ? [] : rest.split(/\s+/), lineNo, keyword, 3);
        if (values) {
          const target = keyword === "DOMAIN_MIN" ? domainMin : domainMax;
          target[0] = values[0]!;
          target[1] = values[1]!;
          target[2] = values[2]!;
          domainLine = Math.max(domainLine, lineNo);
        }
        break;
      }
      case "LUT_3D_INPUT_RANGE": {
        // Resolve's spelling of one domain for all three channels.
        const values = readNumbers(rest === "" ? [] : rest.split(/\s+/), lineNo, keyword, 2);
        if (values) {
          domainMin.fill(values[0]!);
          domainMax.fill(values[1]!);
          domainLine = Math.max(domainLine, lineNo);
        }
        break;
      }
      default:
        report(lineNo, `Unknown keyword ${keyword}; a 3D .cube file may use ${KEYWORDS.join(", ")} (remove the line or re-export the LUT)`);
    }
  }

  const channels = ["red", "green", "blue"];
  for (let c = 0; c < 3; c += 1) {
    if (!(domainMin[c]! < domainMax[c]!)) {
      report(domainLine, `DOMAIN_MIN must be below DOMAIN_MAX for every channel, but ${channels[c]} has min ${domainMin[c]} and max ${domainMax[c]}; the usual domain is 0 0 0 to 1 1 1`);
    }
  }
  if (size === 0 && !oneDimensional) {
    report(firstDataLine || 1, 'No LUT_3D_SIZE line found; add "LUT_3D_SIZE n" (n = points per axis, e.g. 33) above the table data');
  } else if (size > 0) {
    const expected = size * size * size;
    if (dataLines < expected) {
      report(Math.max(lastContentLine, sizeLine), `LUT_3D_SIZE ${size} needs ${expected} table lines (${size}³), found ${dataLines}; the file may be cut short, re-export it`);
    } else if (dataLines > expected) {
      report(firstExtraLine, `LUT_3D_SIZE ${size} needs ${expected} table lines (${size}³), found ${dataLines}; remove the extra lines from here on or fix LUT_3D_SIZE`);
    }
  }

  if (issues.length > 0 || !table) throw new CubeLutParseError(issues, truncated);
  return { ...(title !== undefined ? { title } : {}), size, domainMin, domainMax, table };
}

function stripComment(line: string): string {
  const hash = line.indexOf("#");
  return hash < 0 ? line : line.slice(0, hash).trimEnd();
}

/** Writes a LUT as a `.cube` file that parses back to the same float32 table. */
export function serializeCubeLut(lut: CubeLut): string {
  const out: string[] = [];
  if (lut.title !== undefined) out.push(`TITLE "${lut.title.replace(/"/g, "'")}"`);
  // Domain lines before LUT_3D_SIZE: ffmpeg's lut3d (the 2018 build we ship) ignores them there,
  // whereas after LUT_3D_SIZE it would multiply the table's outputs by the domain's width.
  const defaultDomain = lut.domainMin.every((v) => v === 0) && lut.domainMax.every((v) => v === 1);
  if (!defaultDomain) {
    out.push(`DOMAIN_MIN ${lut.domainMin.map(formatFloat).join(" ")}`);
    out.push(`DOMAIN_MAX ${lut.domainMax.map(formatFloat).join(" ")}`);
  }
  out.push(`LUT_3D_SIZE ${lut.size}`);
  const t = lut.table;
  for (let i = 0; i < t.length; i += 3) out.push(`${formatFloat(t[i]!)} ${formatFloat(t[i + 1]!)} ${formatFloat(t[i + 2]!)}`);
  return `${out.join("\n")}\n`;
}

// Nine significant digits bring any float32 back exactly.
function formatFloat(value: number): string {
  return String(Number(value.toPrecision(9)));
}

/**
 * Where each 8-bit input level falls on the LUT grid, per channel: the table
 * offset of the grid point below (already multiplied by the channel's stride),
 * the offset step to the point above (0 on the last point), and the fraction
 * between them. `index` holds offset and step pairs for red levels at 0–511,
 * green at 512–1023, blue at 1024–1535; `frac` holds red at 0–255, green at
 * 256–511, blue at 512–767. Two arrays rather than nine keep the hot loop's
 * working set in registers.
 */
interface GridTables {
  index: Int32Array;
  frac: Float64Array;
}

/**
 * Maps input levels to grid coordinates the way ffmpeg's lut3d does (float32
 * scale, truncate to the point below, fraction from there), plus the `.cube`
 * domain, which ffmpeg does not apply. `curves`, when given, hold each
 * channel's value in 0–1 for each 8-bit level (e.g. after white balance) in
 * place of level/255.
 */
function gridTables(lut: CubeLut, curves: readonly [Float64Array, Float64Array, Float64Array] | null): GridTables {
  const size = lut.size;
  const last = size - 1;
  const index = new Int32Array(3 * 512);
  const frac = new Float64Array(3 * 256);
  const scale = Math.fround((1 / 255) * last);
  for (let channel = 0; channel < 3; channel += 1) {
    const stride = channel === 0 ? 3 : channel === 1 ? size * 3 : size * size * 3;
    const min = lut.domainMin[channel]!;
    const max = lut.domainMax[channel]!;
    const defaultDomain = min === 0 && max === 1;
    const curve = curves ? curves[channel]! : null;
    for (let level = 0; level < 256; level += 1) {
      let x: number;
      if (curve) x = ((curve[level]! - min) / (max - min)) * last;
      else if (defaultDomain) x = Math.fround(level * scale);
      else x = ((level / 255 - min) / (max - min)) * last;
      x = x < 0 ? 0 : x > last ? last : x;
      const below = Math.floor(x);
      index[channel * 512 + level * 2] = below * stride;
      index[channel * 512 + level * 2 + 1] = below < last ? stride : 0;
      frac[channel * 256 + level] = x - below;
    }
  }
  return { index, frac };
}

/** The LUT's outputs scaled to 0–255, so an interpolated value is written straight to a byte. */
function scaledTable(lut: CubeLut): Float32Array {
  const expected = lut.size * lut.size * lut.size * 3;
  if (lut.table.length !== expected) {
    throw new Error(`CubeLut table has ${lut.table.length} values; size ${lut.size} needs ${expected}`);
  }
  const scaled = new Float32Array(expected);
  for (let i = 0; i < expected; i += 1) scaled[i] = lut.table[i]! * 255;
  return scaled;
}

/**
 * Applies a 3D LUT in place; alpha is left as it is. Tetrahedral (the
 * default) is ffmpeg lut3d's default and its arithmetic; trilinear is offered
 * for LUTs authored against it. Outputs are rounded to the nearest level and
 * clamped to 0–255 (ffmpeg truncates instead, so it sits half a level lower on
 * average).
 */
export function applyCubeLut(image: RawImage, lut: CubeLut, interpolation: LutInterpolation = "tetrahedral"): void {
  applyCubeLutAfterCurves(image, lut, interpolation, null);
}

/**
 * applyCubeLut with a per-channel tone curve folded into the LUT's input
 * (`curves[c][level]` in 0–1), so a per-channel adjustment and the LUT cost one
 * pass. Used by applyColour for white balance.
 */
export function applyCubeLutAfterCurves(
  image: RawImage,
  lut: CubeLut,
  interpolation: LutInterpolation,
  curves: readonly [Float64Array, Float64Array, Float64Array] | null,
): void {
  const t = scaledTable(lut);
  const grid = gridTables(lut, curves);
  // A clamped view: assigning a float rounds to the nearest level and clamps to 0–255.
  const data = image.data;
  const out = new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
  const channels = image.channels;
  const end = image.width * image.height * channels;
  if (data.length < end) throw new Error(`RawImage data has ${data.length} bytes; ${image.width}×${image.height}×${channels} needs ${end}`);
  if (interpolation === "tetrahedral") tetrahedralPass(out, end, channels, t, grid.index, grid.frac);
  else if (interpolation === "trilinear") trilinearPass(out, end, channels, t, grid.index, grid.frac);
  else throw new Error(`Unknown LUT interpolation "${String(interpolation)}"; use "tetrahedral" or "trilinear"`);
}

// Which tetrahedron holds a point depends only on the order of its three
// fractions. ffmpeg picks it with nested comparisons; here the comparisons
// form a 3-bit code, code = (dr > dg)·4 + (dg > db)·2 + (dr > db), and a table
// gives the axis with the largest fraction (first step from the corner below)
// and the one with the smallest (last step). A branch per pixel on photo noise
// is a coin toss the CPU keeps losing; one table read is not. Where fractions
// tie, both candidate tetrahedra share the face the point lies on, so the
// value is the same whichever is taken.
const FIRST_AXIS = new Int8Array(8);
const LAST_AXIS = new Int8Array(8);
for (let code = 0; code < 8; code += 1) {
  const rOverG = code & 4, gOverB = code & 2, rOverB = code & 1;
  const [first, last] = rOverG
    ? gOverB ? [0, 2] : rOverB ? [0, 1] : [2, 1]
    : !gOverB ? [2, 0] : rOverB ? [1, 2] : [1, 0];
  FIRST_AXIS[code] = first!;
  LAST_AXIS[code] = last!;
}

// The passes are written out in full (no per-pixel calls or objects): this
// loop runs once per pixel of every image. A pixel equal to the one before it
// reuses its result, which makes flat areas (a cleaned backdrop) nearly free.
function tetrahedralPass(out: Uint8ClampedArray, end: number, channels: number, t: Float32Array, index: Int32Array, fracs: Float64Array): void {
  const step = new Int32Array(3);
  const frac = new Float64Array(3);
  let previous = -1, o0 = 0, o1 = 0, o2 = 0;
  for (let i = 0; i < end; i += channels) {
    const ri = out[i]!, gi = out[i + 1]!, bi = out[i + 2]!;
    const key = (ri << 16) | (gi << 8) | bi;
    if (key === previous) {
      out[i] = o0; out[i + 1] = o1; out[i + 2] = o2;
      continue;
    }
    previous = key;
    const ra = ri << 1, ga = 512 + (gi << 1), ba = 1024 + (bi << 1);
    const c000 = index[ra]! + index[ga]! + index[ba]!;
    const sr = index[ra + 1]!, sg = index[ga + 1]!, sb = index[ba + 1]!;
    const dr = fracs[ri]!, dg = fracs[256 + gi]!, db = fracs[512 + bi]!;
    step[0] = sr; step[1] = sg; step[2] = sb;
    frac[0] = dr; frac[1] = dg; frac[2] = db;
    const code = (+(dr > dg) << 2) | (+(dg > db) << 1) | +(dr > db);
    const first = FIRST_AXIS[code]!, last = LAST_AXIS[code]!;
    const hi = frac[first]!, lo = frac[last]!, mid = frac[3 - first - last]!;
    // Corner below, one step along the largest fraction, all but the smallest, corner above.
    const c111 = c000 + sr + sg + sb;
    const c1 = c000 + step[first]!;
    const c2 = c111 - step[last]!;
    const w0 = 1 - hi, w1 = hi - mid, w2 = mid - lo, w3 = lo;
    // The clamped view rounds and clamps; a repeat stores the same float again.
    out[i] = o0 = w0 * t[c000]! + w1 * t[c1]! + w2 * t[c2]! + w3 * t[c111]!;
    out[i + 1] = o1 = w0 * t[c000 + 1]! + w1 * t[c1 + 1]! + w2 * t[c2 + 1]! + w3 * t[c111 + 1]!;
    out[i + 2] = o2 = w0 * t[c000 + 2]! + w1 * t[c1 + 2]! + w2 * t[c2 + 2]! + w3 * t[c111 + 2]!;
  }
}

function trilinearPass(out: Uint8ClampedArray, end: number, channels: number, t: Float32Array, index: Int32Array, fracs: Float64Array): void {
  let previous = -1, o0 = 0, o1 = 0, o2 = 0;
  for (let i = 0; i < end; i += channels) {
    const ri = out[i]!, gi = out[i + 1]!, bi = out[i + 2]!;
    const key = (ri << 16) | (gi << 8) | bi;
    if (key === previous) {
      out[i] = o0; out[i + 1] = o1; out[i + 2] = o2;
      continue;
    }
    previous = key;
    const ra = ri << 1, ga = 512 + (gi << 1), ba = 1024 + (bi << 1);
    const c000 = index[ra]! + index[ga]! + index[ba]!;
    const sr = index[ra + 1]!, sg = index[ga + 1]!, sb = index[ba + 1]!;
    const dr = fracs[ri]!, dg = fracs[256 + gi]!, db = fracs[512 + bi]!;
    const c100 = c000 + sr, c010 = c000 + sg, c001 = c000 + sb;
    const c110 = c100 + sg, c101 = c100 + sb, c011 = c010 + sb, c111 = c110 + sb;
    for (let k = 0; k < 3; k += 1) {
      // ffmpeg's order: along red, then green, then blue.
      const v000 = t[c000 + k]!, v100 = t[c100 + k]!, v010 = t[c010 + k]!, v110 = t[c110 + k]!;
      const v001 = t[c001 + k]!, v101 = t[c101 + k]!, v011 = t[c011 + k]!, v111 = t[c111 + k]!;
      const v00 = v000 + (v100 - v000) * dr;
      const v10 = v010 + (v110 - v010) * dr;
      const v01 = v001 + (v101 - v001) * dr;
      const v11 = v011 + (v111 - v011) * dr;
      const v0 = v00 + (v10 - v00) * dg;
      const v1 = v01 + (v11 - v01) * dg;
      out[i + k] = v0 + (v1 - v0) * db;
    }
    o0 = out[i]!; o1 = out[i + 1]!; o2 = out[i + 2]!;
  }
}

/**
 * The LUT's output (unclamped, 0–1 scale) for one input colour given in 0–1.
 * For one-off lookups (HALD images, tests); images go through applyCubeLut.
 */
export function sampleCubeLut(lut: CubeLut, rgb: readonly [number, number, number], interpolation: LutInterpolation = "tetrahedral"): [number, number, number] {
  const size = lut.size;
  const last = size - 1;
  const strides = [3, size * 3, size * size * 3];
  const below = [0, 0, 0];
  const step = [0, 0, 0];
  const d = [0, 0, 0];
  for (let c = 0; c < 3; c += 1) {
    const min = lut.domainMin[c]!;
    const max = lut.domainMax[c]!;
    let x = ((rgb[c]! - min) / (max - min)) * last;
    x = x < 0 ? 0 : x > last ? last : x;
    const index = Math.floor(x);
    below[c] = index * strides[c]!;
    step[c] = index < last ? strides[c]! : 0;
    d[c] = x - index;
  }
  // Written independently of the image passes (generic vertex walk instead of
  // ffmpeg's six unrolled cases); the unit tests check that the two agree.
  const single = new Float64Array(3);
  const corner = below[0]! + below[1]! + below[2]!;
  const vertex = (dr: number, dg: number, db: number) => corner + dr * step[0]! + dg * step[1]! + db * step[2]!;
  const t = lut.table;
  const [dr, dg, db] = d as [number, number, number];
  if (interpolation === "trilinear") {
    for (let k = 0; k < 3; k += 1) {
      const v = (a: number, b2: number, c: number) => t[vertex(a, b2, c) + k]!;
      const v00 = v(0, 0, 0) + (v(1, 0, 0) - v(0, 0, 0)) * dr;
      const v10 = v(0, 1, 0) + (v(1, 1, 0) - v(0, 1, 0)) * dr;
      const v01 = v(0, 0, 1) + (v(1, 0, 1) - v(0, 0, 1)) * dr;
      const v11 = v(0, 1, 1) + (v(1, 1, 1) - v(0, 1, 1)) * dr;
      const v0 = v00 + (v10 - v00) * dg;
      const v1 = v01 + (v11 - v01) * dg;
      single[k] = v0 + (v1 - v0) * db;
    }
    return [single[0]!, single[1]!, single[2]!];
  }
  // Tetrahedral: walk from (0,0,0) to (1,1,1) along the axes in decreasing order of their fraction.
  const order = [0, 1, 2].sort((a, b) => d[b]! - d[a]! || a - b);
  const f = [1, d[order[0]!]!, d[order[1]!]!, d[order[2]!]!, 0];
  const path = [0, 0, 0];
  for (let k = 0; k < 3; k += 1) single[k] = (1 - f[1]!) * t[vertex(0, 0, 0) + k]!;
  for (let s = 0; s < 3; s += 1) {
    path[order[s]!] = 1;
    const weight = f[s + 1]! - f[s + 2]!;
    const at = vertex(path[0]!, path[1]!, path[2]!);
    for (let k = 0; k < 3; k += 1) single[k] += weight * t[at + k]!;
  }
  return [single[0]!, single[1]!, single[2]!];
}

/**
 * The LUT rendered as a HALD CLUT image (RGB, level³ × level³ pixels, a
 * level²-point cube, red fastest), so ImageMagick's `-hald-clut` or ffmpeg's
 * `haldclut` can apply the same look in a benchmark or a cross-check.
 */
export function cubeLutToHald(lut: CubeLut, level = 8): RawImage {
  if (!Number.isInteger(level) || level < 2 || level > 16) throw new Error(`HALD level must be a whole number from 2 to 16, got ${level}`);
  const cube = level * level;
  const side = cube * level;
  const data = Buffer.alloc(side * side * 3);
  const out = new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
  let o = 0;
  for (let b = 0; b < cube; b += 1) {
    for (let g = 0; g < cube; g += 1) {
      for (let r = 0; r < cube; r += 1) {
        const value = sampleCubeLut(lut, [r / (cube - 1), g / (cube - 1), b / (cube - 1)]);
        out[o] = value[0] * 255;
        out[o + 1] = value[1] * 255;
        out[o + 2] = value[2] * 255;
        o += 3;
      }
    }
  }
  return { data, width: side, height: side, channels: 3 };
}

/** The identity LUT of a size: each grid point maps to itself. */
export function identityCubeLut(size: number): CubeLut {
  return cubeLutFromFunction(size, (r, g, b) => [r, g, b]);
}

/** A LUT sampled from a colour function on the grid (inputs and outputs in 0–1). */
export function cubeLutFromFunction(
  size: number,
  transform: (r: number, g: number, b: number) => readonly [number, number, number],
  options: { title?: string; domainMin?: [number, number, number]; domainMax?: [number, number, number] } = {},
): CubeLut {
  const domainMin = options.domainMin ?? [0, 0, 0];
  const domainMax = options.domainMax ?? [1, 1, 1];
  const table = new Float32Array(size * size * size * 3);
  const at = (c: number, i: number) => domainMin[c]! + ((domainMax[c]! - domainMin[c]!) * i) / (size - 1);
  let o = 0;
  for (let b = 0; b < size; b += 1) {
    for (let g = 0; g < size; g += 1) {
      for (let r = 0; r < size; r += 1) {
        const value = transform(at(0, r), at(1, g), at(2, b));
        table[o] = value[0];
        table[o + 1] = value[1];
        table[o + 2] = value[2];
        o += 3;
      }
    }
  }
  return { ...(options.title !== undefined ? { title: options.title } : {}), size, domainMin: [...domainMin], domainMax: [...domainMax], table };
}
