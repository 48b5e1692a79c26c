import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { DEFAULT_CHANNEL_SPECS, type ChannelSpec } from "../app/imaging/channel-spec";
import { cubeLutToHald, type CubeLut } from "../app/imaging/cube-lut";
import { postProcessImage, type PostProcessConfig } from "../app/imaging/post-process";
import { DEFAULT_POST_PRODUCTION_RECIPE } from "../app/imaging/post-production-recipe";
import { rawInput } from "../app/imaging/raw-image";
import { WORKER_MALLOC_ENV } from "../jobs/malloc-env";

const run = promisify(execFile);

/**
 * Post-production speed (issue #5): one 3000×4000 JPEG master → 8 channel
 * renditions, against ImageMagick's `convert` doing the same operations
 * (decode, brand LUT, resize onto each canvas, sharpen, encode) in the same
 * run, one master at a time each. Then the full pipeline (keying, white
 * balance, LUT, shadow, renditions) and its memory over many masters.
 */

const MASTER = { width: 3000, height: 4000 };
const ROUNDS = Number(process.env.BENCH_POST_ROUNDS ?? 8);
const LEAK_IMAGES = Number(process.env.BENCH_POST_IMAGES ?? 500);

/**
 * Eight renditions: the six default channels (five JPEG, a WebP thumbnail) and
 * two more JPEG ones a fashion catalog commonly adds. JPEG because Shopify's
 * CDN serves WebP/AVIF to browsers from the uploaded file itself.
 */
export const BENCH_CHANNELS: ChannelSpec[] = [
  ...DEFAULT_CHANNEL_SPECS.map((spec) => ({ ...spec, enabled: true })),
  { id: "grid", label: "Collection grid", width: 800, height: 1000, format: "jpeg", quality: 80, background: "#FFFFFF", fit: "frame", sharpen: true, enabled: true },
  { id: "social", label: "Social feed 4:5", width: 1080, height: 1350, format: "jpeg", quality: 85, background: "#FFFFFF", fit: "frame", sharpen: true, enabled: true },
];

/** A warm brand look as a 33³ LUT (smooth, non-linear). */
export function warmLut(size = 33): CubeLut {
  const table = new Float32Array(size * size * size * 3);
  let i = 0;
  for (let b = 0; b < size; b++)
    for (let g = 0; g < size; g++)
      for (let r = 0; r < size; r++) {
        const [rr, gg, bb] = [r / (size - 1), g / (size - 1), b / (size - 1)];
        table[i++] = Math.min(1, Math.pow(rr, 0.92) * 1.03);
        table[i++] = Math.pow(gg, 0.97);
        table[i++] = Math.pow(bb, 1.06) * 0.96;
      }
  return { size, domainMin: [0, 0, 0], domainMax: [1, 1, 1], table };
}

/** A studio shot: a garment on a light seamless backdrop with light fall-off and sensor noise. */
export async function studioMaster(seed = 1): Promise<Buffer> {
  const { width, height } = MASTER;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><radialGradient id="bg" cx="50%" cy="40%" r="75%"><stop offset="0" stop-color="#f6f6f4"/><stop offset="1" stop-color="#dcdcd8"/></radialGradient>
    <linearGradient id="cloth" x1="0" x2="1"><stop offset="0" stop-color="#7a2f3b"/><stop offset="0.5" stop-color="#9b3f4d"/><stop offset="1" stop-color="#6e2934"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#bg)"/>
    <path d="M1050 520 L1300 430 Q1500 560 1700 430 L1950 520 L2350 900 L2150 1150 L1980 1000 L2050 3500 L950 3500 L1020 1000 L850 1150 L650 900 Z" fill="url(#cloth)"/>
    <path d="M1300 430 Q1500 600 1700 430" fill="none" stroke="#5a1f28" stroke-width="24"/>
  </svg>`;
  const base = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer();
  let state = seed * 2654435761;
  for (let p = 0; p < base.length; p += 7) {
    state = (state * 1103515245 + 12345) >>> 0;
    base[p] = Math.max(0, Math.min(255, base[p]! + ((state >>> 16) % 7) - 3));
  }
  return sharp(base, rawInput({ data: base, width, height, channels: 3 })).jpeg({ quality: 92 }).toBuffer();
}

function imagemagickArgs(master: string, hald: string, outDir: string, n: number): string[] {
  const args = [master, hald, "-hald-clut", "-write", "mpr:m", "+delete"];
  for (const spec of BENCH_CHANNELS) {
    const out = path.join(outDir, `${n}-${spec.id}.${spec.format === "jpeg" ? "jpg" : spec.format}`);
    const ops =
      spec.fit === "zoom"
        ? ["-gravity", "center", "-crop", `${spec.width}x${spec.height}+0-400`, "+repage"]
        : ["-resize", `${Math.round(spec.width * 0.84)}x${Math.round(spec.height * (spec.minSubjectFill ?? 0.89))}`, "-background", spec.background, "-gravity", "south", "-extent", `${spec.width}x${spec.height}`];
    args.push("(", "mpr:m", ...ops, ...(spec.sharpen ? ["-unsharp", "0x0.75+0.6+0.008"] : []), "-strip", "-quality", String(spec.quality), "-write", out, "+delete", ")");
  }
  // convert needs an image left to write: the cached master, to nowhere.
  args.push("mpr:m", "null:");
  return args;
}

async function imagemagickAvailable(): Promise<boolean> {
  try {
    const { stdout } = await run("convert", ["-version"]);
    return stdout.includes("ImageMagick");
  } catch {
    return false;
  }
}

function mb(bytes: number): string {
  return `${Math.round(bytes / 1048576)} MB`;
}

const CHILD_FLAG = "--post-production-bench-child";

/** Runs in a child process with the worker's malloc settings (glibc reads them at start), like the worker. */
export async function benchPostProduction(): Promise<void> {
  const child = spawn(process.execPath, [path.join("node_modules", "tsx", "dist", "cli.mjs"), "bench/post-production.bench.ts", CHILD_FLAG], { env: { ...process.env, ...WORKER_MALLOC_ENV }, stdio: "inherit" });
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`the post-production benchmark exited with code ${code}`);
}

async function measurePostProduction(): Promise<void> {
  console.log(`\nPost-production: one ${MASTER.width}×${MASTER.height} JPEG master → ${BENCH_CHANNELS.length} renditions (sharp concurrency ${sharp.concurrency()}, UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE ?? "default 4"}, MALLOC_MMAP_THRESHOLD_ ${process.env.MALLOC_MMAP_THRESHOLD_ ?? "glibc default"})`);
  const dir = await mkdtemp(path.join(tmpdir(), "shotlane-post-bench-"));
  try {
    const master = await studioMaster();
    const masterPath = path.join(dir, "master.jpg");
    await writeFile(masterPath, master);
    const lut = warmLut();
    const hald = cubeLutToHald(lut, 8);
    const haldPath = path.join(dir, "hald.png");
    await sharp(hald.data, rawInput(hald)).png().toFile(haldPath);

    const same: PostProcessConfig = {
      recipe: { ...DEFAULT_POST_PRODUCTION_RECIPE, cleanup: "none", whiteBalance: false, brandLut: true, shadow: { kind: "none", opacity: 0, softness: 0 } },
      channels: BENCH_CHANNELS,
      lut: { lut, sha256: "bench", name: "warm" },
      lutInterpolation: "tetrahedral",
    };
    const full: PostProcessConfig = { ...same, recipe: { ...DEFAULT_POST_PRODUCTION_RECIPE, cleanup: "backdrop-key", whiteBalance: true, brandLut: true } };

    const im = await imagemagickAvailable();
    if (!im) console.log("  ImageMagick is not installed (apt-get install -y imagemagick): the ratio is skipped");
    const sharpTimes: number[] = [];
    const imTimes: number[] = [];
    const fullTimes: number[] = [];
    await postProcessImage(master, "image/jpeg", same); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      let start = performance.now();
      await postProcessImage(master, "image/jpeg", same);
      sharpTimes.push(performance.now() - start);
      if (im) {
        start = performance.now();
        await run("convert", imagemagickArgs(masterPath, haldPath, dir, round), { maxBuffer: 1 << 20 });
        imTimes.push(performance.now() - start);
      }
      start = performance.now();
      await postProcessImage(master, "image/jpeg", full);
      fullTimes.push(performance.now() - start);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const perSecond = (ms: number) => (1000 / ms).toFixed(2);
    const s = median(sharpTimes);
    console.log(`  Shotlane (sharp): decode + LUT + 8 renditions      median ${s.toFixed(0).padStart(6)} ms = ${perSecond(s)} masters/s`);
    if (im) {
      const m = median(imTimes);
      console.log(`  ImageMagick convert: the same operations           median ${m.toFixed(0).padStart(6)} ms = ${perSecond(m)} masters/s`);
      console.log(`  ratio ImageMagick/Shotlane: ${(m / s).toFixed(1)}× (target ≥ 3×)`);
    }
    // Throughput as the worker runs post-production: a pool of two jobs at a time (its concurrency), CPU per master.
    const pool = async (config: PostProcessConfig, jobs: number) => {
      const cpu = process.cpuUsage();
      const began = performance.now();
      let next = 0;
      await Promise.all([0, 1].map(async () => {
        while (next++ < jobs) await postProcessImage(master, "image/jpeg", config);
      }));
      const used = process.cpuUsage(cpu);
      return { perSecond: (jobs * 1000) / (performance.now() - began), cpuMs: (used.user + used.system) / 1000 / jobs };
    };
    const pooledSame = await pool(same, 2 * ROUNDS);
    const pooledFull = await pool(full, 2 * ROUNDS);
    console.log(`  two at a time (the worker's concurrency): decode + LUT + 8 renditions ${pooledSame.perSecond.toFixed(2)} masters/s (${pooledSame.cpuMs.toFixed(0)} ms CPU each, target ≥ 2); full pipeline ${pooledFull.perSecond.toFixed(2)} masters/s (${pooledFull.cpuMs.toFixed(0)} ms CPU each)`);
    const f = median(fullTimes);
    console.log(`  Shotlane full pipeline (key, balance, LUT, shadow, 8 renditions), one at a time: median ${f.toFixed(0)} ms = ${perSecond(f)} masters/s`);

    // Memory over many masters: RSS sampled as it goes; bounded means flat after warm-up.
    const second = await studioMaster(2);
    const samples: string[] = [];
    const startRss = process.memoryUsage().rss;
    let peak = startRss;
    const leakStart = performance.now();
    for (let n = 1; n <= LEAK_IMAGES; n++) {
      await postProcessImage(n % 2 ? master : second, "image/jpeg", full);
      const rss = process.memoryUsage().rss;
      peak = Math.max(peak, rss);
      if (n % Math.max(1, Math.floor(LEAK_IMAGES / 5)) === 0) samples.push(`${n}: ${mb(rss)}`);
    }
    const seconds = (performance.now() - leakStart) / 1000;
    console.log(`  ${LEAK_IMAGES} masters through the full pipeline in ${seconds.toFixed(0)} s; RSS start ${mb(startRss)}, peak ${mb(peak)}; by image ${samples.join(", ")}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes(CHILD_FLAG)) {
  await measurePostProduction();
  process.exit(0);
}
