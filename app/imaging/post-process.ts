import { keyBackdrop, estimateBackdrop, type BackdropEstimate } from "./backdrop-key";
import type { ChannelSpec } from "./channel-spec";
import { workingMaxEdge } from "./channel-spec";
import { applyColour, measureColourBalance, type ColourBalance } from "./colour-balance";
import type { CubeLut, LutInterpolation } from "./cube-lut";
import type { PostProductionRecipe } from "./post-production-recipe";
import type { Box, RawImage } from "./raw-image";
import { renderRenditions, type RenderedRendition } from "./renditions";
import { decodeImage, ImageRejectedError, inspectImage, type ImageHeader } from "./safe-decode";
import { castShadow } from "./shadow";
import { alphaBounds, cropRaw } from "./subject-bounds";

/**
 * The post-production pipeline for one image, whatever made it (studio, AI,
 * the store): safe decode → background cleanup → colour (white balance, brand
 * LUT) → subject trim → shadow → every channel rendition in one pass. Each
 * step is a tested pure function; this only chains them and records what was
 * done, so the asset's audit record says exactly how its files were made.
 */

export interface PostProcessConfig {
  recipe: PostProductionRecipe;
  /** The channels to render (already filtered to the enabled ones the recipe wants). */
  channels: ChannelSpec[];
  lut: { lut: CubeLut; sha256: string; name: string } | null;
  lutInterpolation: LutInterpolation;
  /** Written into the renditions' XMP when set (AI-made images). */
  aiDisclosure?: string;
}

export interface PostProcessDeps {
  /** The recipe's background-removal provider; absent when none is configured. Returns a PNG with alpha. */
  removeBackground?: (input: { bytes: Buffer; contentType: string }) => Promise<{ bytes: Buffer; provider: string }>;
}

export type CleanupMethod = "backdrop-key" | "removal-provider" | "source-alpha" | "none";

/** What the pipeline did and measured, stored on the asset (Asset.postReport). */
export interface PostReport {
  input: Pick<ImageHeader, "format" | "width" | "height" | "space" | "depth" | "hasAlpha" | "bytes"> & { orientation?: number };
  working: { width: number; height: number };
  cleanup: { method: CleanupMethod; provider?: string; backdrop?: BackdropEstimate; keyedFraction?: number; note?: string };
  colour: { balance: ColourBalance | null; lut: { name: string; sha256: string; size: number; interpolation: LutInterpolation } | null };
  subject: Box;
  shadow: PostProductionRecipe["shadow"]["kind"];
  renditions: { channel: string; width: number; height: number; format: string; bytes: number }[];
  timingsMs: Record<string, number>;
}

export interface PostProcessResult {
  renditions: RenderedRendition[];
  report: PostReport;
}

/** True when some pixel of an RGBA image is meaningfully transparent: the source is already a cut-out. */
function hasTransparency(image: RawImage): boolean {
  if (image.channels !== 4) return false;
  const { data } = image;
  for (let i = 3; i < data.length; i += 4) if (data[i]! < 250) return true;
  return false;
}

async function timed<T>(timings: Record<string, number>, step: string, work: () => T | Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    timings[step] = Math.round((performance.now() - start) * 10) / 10;
  }
}

export async function postProcessImage(bytes: Buffer, contentType: string, config: PostProcessConfig, deps: PostProcessDeps = {}): Promise<PostProcessResult> {
  const timings: Record<string, number> = {};
  if (config.channels.length === 0) throw new ImageRejectedError("corrupt", "No channel is enabled for this image: enable at least one channel in Settings → Post-production (or in the recipe)");
  const header = await timed(timings, "inspect", () => inspectImage(bytes));
  const maxEdge = workingMaxEdge(config.channels);
  const { image: decoded } = await timed(timings, "decode", () => decodeImage(bytes, { maxEdge }));

  // 1. Background cleanup → a cut-out with alpha (or the full frame when the background stays).
  const { recipe } = config;
  let cutout: RawImage = decoded;
  let neutralMask: Uint8Array | undefined;
  let cleanup: PostReport["cleanup"];
  const mode = recipe.cleanup;
  const alreadyCut = hasTransparency(decoded);
  const backdrop = mode === "auto" && !alreadyCut ? estimateBackdrop(decoded) : undefined;
  if (mode !== "none" && alreadyCut) {
    cleanup = { method: "source-alpha", note: "the file already has a transparent background" };
  } else if (mode === "backdrop-key" || (mode === "auto" && backdrop?.uniform)) {
    const keyed = await timed(timings, "cleanup", () => keyBackdrop(decoded));
    cutout = keyed.image;
    neutralMask = keyed.backdropMask;
    cleanup = { method: "backdrop-key", backdrop: keyed.backdrop, keyedFraction: Math.round(keyed.keyedFraction * 1000) / 1000 };
  } else if ((mode === "removal-provider" || mode === "auto") && recipe.removalProvider && deps.removeBackground) {
    const removed = await timed(timings, "cleanup", () => deps.removeBackground!({ bytes, contentType }));
    const { image: cut } = await decodeImage(removed.bytes, { maxEdge });
    if (cut.channels !== 4) throw new ImageRejectedError("corrupt", `${removed.provider} returned an image without transparency: check the provider's output format setting (it must be PNG with alpha)`);
    cutout = cut;
    cleanup = { method: "removal-provider", provider: removed.provider };
  } else {
    const note =
      mode === "none"
        ? "the recipe keeps the background"
        : mode === "removal-provider"
          ? "no background-removal provider is configured: set one in the recipe and its key in Settings"
          : "the background is not a plain studio backdrop and the recipe names no background-removal provider, so it was kept";
    cleanup = { method: "none", ...(backdrop ? { backdrop } : {}), note };
  }

  // 2. Colour: white balance toward the neutral reference (the keyed backdrop when there is one), then the brand LUT.
  const balance = recipe.whiteBalance ? measureColourBalance(decoded, neutralMask ? { referenceMask: neutralMask } : {}) : null;
  const lut = recipe.brandLut ? config.lut : null;
  if ((balance && balance.reference !== "none") || lut) {
    await timed(timings, "colour", () => applyColour(cutout, balance && balance.reference !== "none" ? balance : null, lut?.lut ?? null, config.lutInterpolation));
  }

  // 3. Framing source: the subject trimmed to its alpha bounds, with its shadow.
  // The full frame (background kept) is framed whole, without a shadow.
  let subject: Box = { left: 0, top: 0, width: cutout.width, height: cutout.height };
  let source: { image: RawImage; subjectBox: Box } = { image: cutout, subjectBox: subject };
  let shadow: PostReport["shadow"] = "none";
  if (cutout.channels === 4 && cleanup.method !== "none") {
    const bounds = alphaBounds(cutout);
    if (!bounds) throw new ImageRejectedError("corrupt", "Background cleanup left nothing: the image seems to be only backdrop. Check the file, or set the recipe's cleanup to none");
    subject = bounds;
    const trimmed = cropRaw(cutout, bounds);
    const { kind, opacity, softness } = recipe.shadow;
    if (kind === "none" || opacity === 0) {
      source = { image: trimmed, subjectBox: { left: 0, top: 0, width: trimmed.width, height: trimmed.height } };
    } else {
      source = await timed(timings, "shadow", () => castShadow(trimmed, { kind, opacity, softness, offset: { x: 0.02, y: 0.02 } }));
      shadow = kind;
    }
  }

  // 4. Every channel from the one master.
  const renditions = await timed(timings, "renditions", () =>
    renderRenditions(source, config.channels, {
      framing: { align: recipe.align, margins: recipe.margins },
      ...(config.aiDisclosure ? { metadata: { aiDisclosure: config.aiDisclosure } } : {}),
    }),
  );

  return {
    renditions,
    report: {
      input: { format: header.format, width: header.width, height: header.height, space: header.space, depth: header.depth, hasAlpha: header.hasAlpha, bytes: header.bytes, ...(header.orientation ? { orientation: header.orientation } : {}) },
      working: { width: decoded.width, height: decoded.height },
      cleanup,
      colour: { balance, lut: lut ? { name: lut.name, sha256: lut.sha256, size: lut.lut.size, interpolation: config.lutInterpolation } : null },
      subject,
      shadow,
      renditions: renditions.map((r) => ({ channel: r.channel, width: r.width, height: r.height, format: r.format, bytes: r.bytes.length })),
      timingsMs: timings,
    },
  };
}
