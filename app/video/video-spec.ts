import { z } from "zod";

/**
 * Shopify's product-video limits (../shared/PLATFORM.md): MP4 up to 10 minutes
 * and 1 GB. The resolution ceiling (4K, 4096 on the long edge and 2160 on the
 * short one) is Shopify's published guidance but unconfirmed for the API, so it
 * lives here alone and is cheap to change.
 */
export const SHOPIFY_VIDEO_LIMITS = {
  maxDurationSeconds: 600,
  maxBytes: 1_000_000_000,
  maxLongEdge: 4096,
  maxShortEdge: 2160,
} as const;

const evenDimension = z
  .number()
  .int()
  .min(16)
  .max(SHOPIFY_VIDEO_LIMITS.maxLongEdge)
  // H.264 with yuv420p subsamples chroma 2×2, so odd sizes cannot be encoded.
  .refine((n) => n % 2 === 0, { message: "must be an even number of pixels (H.264 yuv420p)" });

/**
 * What a rendered or normalised clip must look like. `width`×`height` is the
 * box the output fits inside (never upscaled), and the size a rendered clip
 * has; the min/max fields are the checks that reject a clip.
 */
export const videoSpecSchema = z
  .object({
    durationSeconds: z.number().positive().max(SHOPIFY_VIDEO_LIMITS.maxDurationSeconds).default(3),
    width: evenDimension.default(720),
    height: evenDimension.default(1080),
    /** Output frame rate for rendering; normalising only lowers a faster source to it. */
    fps: z.number().int().min(1).max(60).default(25),
    minDurationSeconds: z.number().nonnegative().default(1),
    maxDurationSeconds: z.number().positive().max(SHOPIFY_VIDEO_LIMITS.maxDurationSeconds).default(60),
    minWidth: z.number().int().positive().default(240),
    minHeight: z.number().int().positive().default(240),
    maxBytes: z.number().int().positive().max(SHOPIFY_VIDEO_LIMITS.maxBytes).default(200_000_000),
    /** x264 constant rate factor: 18 is visually lossless, 23 the default, 28 small. */
    crf: z.number().int().min(0).max(51).default(23),
    posterAtSeconds: z.number().nonnegative().default(0),
  })
  .refine((s) => s.minDurationSeconds <= s.maxDurationSeconds, { message: "minDurationSeconds must not exceed maxDurationSeconds", path: ["minDurationSeconds"] })
  .refine((s) => s.durationSeconds <= s.maxDurationSeconds && s.durationSeconds >= s.minDurationSeconds, {
    message: "durationSeconds must lie within minDurationSeconds..maxDurationSeconds",
    path: ["durationSeconds"],
  })
  .refine((s) => s.minWidth <= s.width && s.minHeight <= s.height, { message: "minWidth/minHeight must not exceed width/height", path: ["minWidth"] })
  .refine((s) => Math.min(s.width, s.height) <= SHOPIFY_VIDEO_LIMITS.maxShortEdge, {
    message: `the short edge must not exceed ${SHOPIFY_VIDEO_LIMITS.maxShortEdge} pixels (Shopify)`,
    path: ["width"],
  });

export type VideoSpec = z.infer<typeof videoSpecSchema>;
export type VideoSpecInput = z.input<typeof videoSpecSchema>;

export function parseVideoSpec(input: VideoSpecInput = {}): VideoSpec {
  return videoSpecSchema.parse(input);
}

/**
 * The output size for a source of `width`×`height`: scaled down (never up) to
 * fit the spec's box, aspect ratio kept, both sides rounded down to even.
 */
export function fitWithin(source: { width: number; height: number }, box: { width: number; height: number }): { width: number; height: number } {
  const scale = Math.min(1, box.width / source.width, box.height / source.height);
  const even = (n: number) => Math.max(2, Math.floor(n / 2) * 2);
  // Round first so float error (1080 × 720/1080 = 719.999…) does not lose two pixels.
  return { width: even(Math.round(source.width * scale)), height: even(Math.round(source.height * scale)) };
}
