/**
 * What each sales channel gets from one master image: size, format, quality,
 * background and framing. Specs are data the Settings page edits, so the one
 * zod schema here checks both the form and whatever is stored. Pure; safe in
 * the browser.
 */

import { z } from "zod";
import { ZOOM_FACTOR } from "./canvas-layout";

/** Shopify's product image limit (about 4472 × 4472); no channel we serve asks for more. */
export const MAX_CHANNEL_PIXELS = 20_000_000;
export const MIN_CHANNEL_EDGE = 16;
export const MAX_CHANNEL_EDGE = 8000;
export const MAX_CHANNELS = 16;

const TRANSPARENT_FORMATS = new Set(["png", "webp", "avif"]);

const edge = (name: "width" | "height") =>
  z
    .int({ error: `enter the ${name} in whole pixels, such as 2048` })
    .min(MIN_CHANNEL_EDGE, { error: `must be at least ${MIN_CHANNEL_EDGE} pixels: enter a larger ${name}` })
    .max(MAX_CHANNEL_EDGE, { error: `must be at most ${MAX_CHANNEL_EDGE} pixels: enter a smaller ${name}` });

export const channelSpecSchema = z
  .object({
    id: z
      .string({ error: "enter an id such as pdp-square" })
      .trim()
      .min(1, { error: "enter an id such as pdp-square" })
      .max(40, { error: "use at most 40 characters" })
      .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: "use lower-case letters, digits and single dashes, such as pdp-square" }),
    label: z.string({ error: "enter a name such as Product page" }).trim().min(1, { error: "enter a name such as Product page" }).max(60, { error: "use at most 60 characters" }),
    width: edge("width"),
    height: edge("height"),
    format: z.enum(["jpeg", "webp", "avif", "png"], { error: "choose jpeg, webp, avif or png" }),
    quality: z.int({ error: "enter a quality from 1 to 100" }).min(1, { error: "enter a quality from 1 to 100" }).max(100, { error: "enter a quality from 1 to 100" }),
    background: z
      .string({ error: 'enter a colour such as #FFFFFF, or "transparent"' })
      .trim()
      .regex(/^(#[0-9a-fA-F]{6}|transparent)$/, { error: 'enter a colour as #RRGGBB, such as #FFFFFF, or "transparent"' })
      .transform((value) => (value === "transparent" ? value : value.toUpperCase())),
    fit: z.enum(["frame", "zoom"], { error: "choose frame (the whole subject with margins) or zoom (a detail crop)" }),
    minSubjectFill: z
      .number({ error: "enter a fraction such as 0.85, or leave it empty" })
      .gt(0, { error: "must be above 0: enter a fraction such as 0.85, or leave it empty" })
      .max(1, { error: "must be at most 1 (the full canvas height): enter a fraction such as 0.85" })
      .optional(),
    sharpen: z.boolean({ error: "choose whether to sharpen" }),
    enabled: z.boolean({ error: "choose whether the channel is on" }),
  })
  .superRefine((spec, context) => {
    if (spec.width * spec.height > MAX_CHANNEL_PIXELS) {
      context.addIssue({
        code: "custom",
        path: ["width"],
        message: `${spec.width}×${spec.height} is ${(spec.width * spec.height / 1e6).toFixed(1)} megapixels, above the ${MAX_CHANNEL_PIXELS / 1e6}-megapixel limit: reduce the width or height`,
      });
    }
    if (spec.background === "transparent" && !TRANSPARENT_FORMATS.has(spec.format)) {
      context.addIssue({
        code: "custom",
        path: ["background"],
        message: `${spec.format.toUpperCase()} has no transparency: choose a colour such as #FFFFFF, or the png, webp or avif format`,
      });
    }
    if (spec.minSubjectFill !== undefined && spec.fit !== "frame") {
      context.addIssue({ code: "custom", path: ["minSubjectFill"], message: "applies to framed channels only: leave it empty or set fit to frame" });
    }
  });

export type ChannelSpec = z.output<typeof channelSpecSchema>;

export const channelSpecsSchema = z
  .array(channelSpecSchema, { error: "expected a list of channels" })
  .min(1, { error: "add at least one channel" })
  .max(MAX_CHANNELS, { error: `use at most ${MAX_CHANNELS} channels: remove some` })
  .superRefine((specs, context) => {
    const seen = new Map<string, number>();
    specs.forEach((spec, index) => {
      const first = seen.get(spec.id);
      if (first === undefined) seen.set(spec.id, index);
      else context.addIssue({ code: "custom", path: [index, "id"], message: `"${spec.id}" is already used by channel ${first + 1}: choose another id` });
    });
    if (specs.length > 0 && !specs.some((spec) => spec.enabled)) {
      context.addIssue({ code: "custom", path: [], message: "every channel is turned off: turn on at least one" });
    }
  });

export const DEFAULT_CHANNEL_SPECS: ChannelSpec[] = [
  { id: "pdp-square", label: "Product page (square)", width: 2048, height: 2048, format: "jpeg", quality: 85, background: "#FFFFFF", fit: "frame", sharpen: true, enabled: true },
  { id: "pdp-portrait", label: "Product page (portrait 4:5)", width: 1600, height: 2000, format: "jpeg", quality: 85, background: "#FFFFFF", fit: "frame", sharpen: true, enabled: true },
  { id: "story", label: "Stories and reels (9:16)", width: 1080, height: 1920, format: "jpeg", quality: 82, background: "#F4F4F4", fit: "frame", sharpen: true, enabled: true },
  { id: "zoom", label: "Detail zoom", width: 2048, height: 2048, format: "jpeg", quality: 90, background: "#FFFFFF", fit: "zoom", sharpen: false, enabled: true },
  {
    id: "marketplace",
    label: "Marketplaces (white background)",
    width: 2000,
    height: 2000,
    format: "jpeg",
    quality: 90,
    background: "#FFFFFF",
    fit: "frame",
    minSubjectFill: 0.85,
    sharpen: true,
    enabled: true,
  },
  { id: "thumbnail", label: "Thumbnail", width: 400, height: 500, format: "webp", quality: 80, background: "#FFFFFF", fit: "frame", sharpen: true, enabled: true },
];

export interface ChannelSpecError {
  /** Where the problem is, as the form names it: "channels[2].width", or "channels" for the list itself. */
  field: string;
  message: string;
}

export function parseChannelSpecs(input: unknown): { ok: true; specs: ChannelSpec[] } | { ok: false; errors: ChannelSpecError[] } {
  const parsed = channelSpecsSchema.safeParse(input);
  if (parsed.success) return { ok: true, specs: parsed.data };
  return { ok: false, errors: parsed.error.issues.map((issue) => ({ field: fieldName(issue.path), message: issue.message })) };
}

function fieldName(path: readonly PropertyKey[]): string {
  let field = "channels";
  for (const key of path) field += typeof key === "number" ? `[${key}]` : `.${String(key)}`;
  return field;
}

/**
 * The longest source edge any enabled spec can use, so decoding can shrink a
 * huge original once instead of every rendition reading all of it: a framed
 * channel shows the subject at most at canvas size, a zoom channel ZOOM_FACTOR
 * times closer. It assumes the subject spans the source's long edge; a subject
 * that fills a smaller share still gets the canvas size for the framed
 * channels whenever a zoom channel is on. 0 when no spec is enabled.
 */
export function workingMaxEdge(specs: ChannelSpec[]): number {
  let edge = 0;
  for (const spec of specs) {
    if (!spec.enabled) continue;
    const longest = Math.max(spec.width, spec.height);
    edge = Math.max(edge, spec.fit === "zoom" ? Math.ceil(longest * ZOOM_FACTOR) : longest);
  }
  return edge;
}
