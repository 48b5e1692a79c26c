import { z } from "zod";

/**
 * Layer 1 of quality control: the automated checks' common language. Every
 * check turns a measurement into a score, compares it with the garment
 * category's thresholds and says why. The verdict of an asset is the worst
 * of its checks. Pure and browser-safe (the recipe editor edits thresholds).
 */

export const QC_VERDICTS = ["pass", "flag", "reject"] as const;
export type QcVerdict = (typeof QC_VERDICTS)[number];

/** Which way a score gets worse: "above" = a higher score is worse (ΔE, blur ratio); "below" = a lower score is worse (sharpness, resolution). */
export type Worse = "above" | "below";

export interface QcCheckDefinition {
  label: string;
  unit: string;
  worse: Worse;
  /** Default thresholds: at or past `flag` flags, past `reject` rejects (in the `worse` direction). */
  flag: number;
  reject: number;
  /** Image checks run on stills, video checks on clips. */
  media: "image" | "video";
  /** What the score measures, shown beside the thresholds in the editor. */
  help: string;
}

export const QC_CHECKS = {
  // Reject at 2× enlargement: provider outputs around 1300 px framed on a 2048 px page are enlarged ~1.5×, which a person should see (flag) but is not by itself unusable.
  resolution: { label: "Resolution", unit: "× needed", worse: "below", flag: 1, reject: 0.5, media: "image", help: "The subject's height in the original over its height in the rendition that enlarges it most; below 1 means it was enlarged" },
  aspect: { label: "Aspect ratio", unit: "% off", worse: "above", flag: 0.5, reject: 2, media: "image", help: "Largest difference between a rendition's aspect ratio and its channel's, in percent" },
  "colour-space": { label: "Colour space", unit: "renditions not sRGB", worse: "above", flag: 0.5, reject: 0.5, media: "image", help: "Renditions without an sRGB profile (any one rejects)" },
  "file-size": { label: "File size", unit: "MB", worse: "above", flag: 10, reject: 20, media: "image", help: "Largest rendition in megabytes; Shopify refuses images above 20 MB" },
  blockiness: { label: "Compression artefacts", unit: "ratio", worse: "above", flag: 1.35, reject: 1.7, media: "image", help: "Luma steps across the 8-px JPEG grid over the steps beside them, in smooth areas; about 1.2 for a good JPEG" },
  sharpness: { label: "Sharpness", unit: "Laplacian variance", worse: "below", flag: 30, reject: 20, media: "image", help: "Variance of the Laplacian of the subject at 1024 px long edge" },
  exposure: { label: "Exposure", unit: "% clipped", worse: "above", flag: 2, reject: 6, media: "image", help: "Share of subject pixels clipped to black or white" },
  background: { label: "Background", unit: "ΔE00", worse: "above", flag: 2, reject: 5, media: "image", help: "Mean CIEDE2000 of the background from the brand colour, plus 2 per percent of stray area and 0.5 per separate mark" },
  "edge-halo": { label: "Edge halo", unit: "ΔE00", worse: "above", flag: 4, reject: 8, media: "image", help: "How far edge pixels sit from a blend of garment and background (ΔE00), the worst 20% of edge positions left out: a light, dark or coloured fringe" },
  "garment-colour": { label: "Garment colour", unit: "ΔE00", worse: "above", flag: 3, reject: 6, media: "image", help: "CIEDE2000 between the garment's dominant colours in the source and in the output" },
  "colour-cast": { label: "Colour cast", unit: "ΔE00", worse: "above", flag: 2, reject: 4, media: "image", help: "CIEDE2000 of the output's neutrals from the brand background" },
  framing: { label: "Framing", unit: "% of height", worse: "above", flag: 3, reject: 8, media: "image", help: "How far the subject's height and baseline sit from the category's framing" },
  "near-duplicate": { label: "Near-duplicate", unit: "bits differ", worse: "below", flag: 7, reject: -1, media: "image", help: "Perceptual-hash bits (of 64) that differ from the closest other candidate of the view; below the flag threshold the two are collapsed into one (never rejects)" },
  "video-duration": { label: "Duration", unit: "s off", worse: "above", flag: 0.5, reject: 2, media: "video", help: "Difference from the recipe's clip length in seconds" },
  "video-resolution": { label: "Video resolution", unit: "× needed", worse: "below", flag: 1, reject: 0.66, media: "video", help: "Short edge over 1080" },
  "video-frame-rate": { label: "Frame rate", unit: "fps", worse: "below", flag: 24, reject: 15, media: "video", help: "Frames per second" },
  "video-codec": { label: "Codec", unit: "not H.264", worse: "above", flag: 0.5, reject: 0.5, media: "video", help: "1 when the clip is not H.264 (Shopify plays H.264 everywhere)" },
  "video-size": { label: "Video size", unit: "MB", worse: "above", flag: 200, reject: 1000, media: "video", help: "File size in megabytes; Shopify refuses videos above 1 GB" },
  "video-first-frame": { label: "First frame", unit: "ΔE00", worse: "above", flag: 8, reject: 15, media: "video", help: "Colour difference between the first frame and the source image" },
} as const satisfies Record<string, QcCheckDefinition>;

export type QcCheckId = keyof typeof QC_CHECKS;
export const QC_CHECK_IDS = Object.keys(QC_CHECKS) as QcCheckId[];

export interface QcThreshold {
  flag: number;
  reject: number;
}

export interface QcCheckResult {
  check: QcCheckId;
  verdict: QcVerdict;
  /** The measurement, in the check's unit; null when the check could not measure (then `reason` says why and the verdict is flag). */
  score: number | null;
  threshold: QcThreshold;
  /** One sentence a reviewer understands: what was measured against what. */
  reason: string;
  /** Extra measurements for the compare view (e.g. per-colour ΔE). */
  detail?: Record<string, unknown>;
}

/** What layer 1 concluded for one asset; stored as Asset.qcReport. */
export interface QcReport {
  version: 1;
  verdict: QcVerdict;
  checks: QcCheckResult[];
  /** Storage keys of overlay images for the compare view, by name (e.g. "garment-delta-e"). */
  overlays: Record<string, string>;
  ms: number;
}

const RANK: Record<QcVerdict, number> = { pass: 0, flag: 1, reject: 2 };

/** The worst verdict of a list; an empty list passes. */
export function worstVerdict(verdicts: readonly QcVerdict[]): QcVerdict {
  return verdicts.reduce<QcVerdict>((worst, v) => (RANK[v] > RANK[worst] ? v : worst), "pass");
}

/**
 * A score against thresholds, in the check's direction: at the flag threshold
 * still passes, past it flags, past the reject threshold rejects (so "ΔE ≤ 3
 * pass, ≤ 6 flag, above reject" is { flag: 3, reject: 6 }). Equal thresholds
 * make a binary check; a reject threshold out of reach only ever flags.
 */
export function judge(check: QcCheckId, score: number, threshold: QcThreshold): QcVerdict {
  const past = (limit: number) => (QC_CHECKS[check].worse === "above" ? score > limit : score < limit);
  if (past(threshold.reject)) return "reject";
  return past(threshold.flag) ? "flag" : "pass";
}

/** Builds a check's result from its score: the verdict from the thresholds, the reason from the caller. */
export function checkResult(check: QcCheckId, score: number, threshold: QcThreshold, reason: string, detail?: Record<string, unknown>): QcCheckResult {
  return { check, verdict: judge(check, score, threshold), score: Math.round(score * 1000) / 1000, threshold, reason, ...(detail ? { detail } : {}) };
}

/** A check that could not measure (no source image, no subject found): flagged for a human, never silently passed. */
export function unmeasured(check: QcCheckId, threshold: QcThreshold, reason: string): QcCheckResult {
  return { check, verdict: "flag", score: null, threshold, reason };
}

export function defaultThreshold(check: QcCheckId): QcThreshold {
  return { flag: QC_CHECKS[check].flag, reject: QC_CHECKS[check].reject };
}

const thresholdSchema = z
  .object({
    flag: z.number({ error: "enter the score at which the check flags" }).finite({ error: "enter a finite number" }),
    reject: z.number({ error: "enter the score at which the check rejects" }).finite({ error: "enter a finite number" }),
  })
  .strict();

/**
 * The quality part of a brand recipe: per-category thresholds (only the ones
 * that differ from the defaults are stored) and how often a rejected AI
 * candidate is regenerated before a human sees it.
 */
export const qcRecipeSchema = z
  .object({
    thresholds: z
      .partialRecord(z.enum(QC_CHECK_IDS as [QcCheckId, ...QcCheckId[]], { error: "unknown check: use one of the listed checks" }), thresholdSchema)
      .default({})
      .superRefine((thresholds, ctx) => {
        for (const [check, t] of Object.entries(thresholds) as [QcCheckId, QcThreshold][]) {
          const { worse } = QC_CHECKS[check];
          const ordered = worse === "above" ? t.reject >= t.flag : t.reject <= t.flag;
          if (!ordered) ctx.addIssue({ code: "custom", path: [check, "reject"], message: `must be ${worse === "above" ? "at or above" : "at or below"} the flag threshold (${t.flag}): a reject is worse than a flag` });
        }
      }),
    autoRegenerate: z.int({ error: "enter a whole number from 0 to 5" }).min(0, "must be at least 0").max(5, "must be at most 5: more regenerations cost more than a reviewer's look").default(1),
  })
  .strict();

export type QcRecipe = z.infer<typeof qcRecipeSchema>;
export const DEFAULT_QC_RECIPE: QcRecipe = qcRecipeSchema.parse({});

/** A category's threshold for one check: its override, else the default. */
export function thresholdFor(recipe: QcRecipe, check: QcCheckId): QcThreshold {
  return recipe.thresholds[check] ?? defaultThreshold(check);
}

/**
 * Checks whose failures a new seed can fix (the picture itself is off).
 * The others (resolution, aspect, colour space, file size, the clip's format)
 * come out the same on every regeneration, so a reject by them goes straight
 * to a person instead of spending money on a doomed retry.
 */
export const REGENERATION_HELPS: ReadonlySet<QcCheckId> = new Set(["sharpness", "exposure", "background", "edge-halo", "garment-colour", "colour-cast", "framing", "near-duplicate", "video-first-frame"]);

/** True when every rejecting check is one a regeneration can fix. */
export function regenerationCanHelp(checks: readonly QcCheckResult[]): boolean {
  const rejecting = checks.filter((c) => c.verdict === "reject");
  return rejecting.length > 0 && rejecting.every((c) => REGENERATION_HELPS.has(c.check));
}

/** Combines check results into the report's verdict. */
export function verdictOf(checks: readonly QcCheckResult[]): QcVerdict {
  return worstVerdict(checks.map((c) => c.verdict));
}
