import { z } from "zod";
import { DEFAULT_STUDIO_TEMPLATE, parseStudioNamingTemplate } from "./file-matching";
import { DEFAULT_WORKDAYS } from "./shot-list";

/**
 * A shop's studio: how many finished images a studio day delivers, which
 * weekdays it shoots, the lead time before a launch, the file naming
 * convention and the watched storage prefix. Pure and browser-safe: the
 * Settings card and the action share the one schema.
 */

export interface StudioSettings {
  imagesPerDay: number;
  /** UTC weekdays, 0 = Sunday, ascending, each once. */
  workdays: number[];
  leadDays: number;
  imagesPerView: number;
  namingTemplate: string;
  /** A local folder (absolute, or relative to the app) or s3://bucket/prefix; null when nothing is watched. */
  watchPrefix: string | null;
}

/** The schema's defaults (prisma/schema.prisma StudioSettings): what a shop without a row gets. */
export const DEFAULT_STUDIO_SETTINGS: Readonly<StudioSettings> = Object.freeze({
  imagesPerDay: 300,
  workdays: [...DEFAULT_WORKDAYS],
  leadDays: 7,
  imagesPerView: 1,
  namingTemplate: DEFAULT_STUDIO_TEMPLATE,
  watchPrefix: null,
});

export const WEEKDAY_LABELS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;

const wholeNumber = (field: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${field} must be a whole number from ${min} to ${max}` })
    .int(`${field} must be a whole number from ${min} to ${max}`)
    .min(min, `${field} must be a whole number from ${min} to ${max}`)
    .max(max, `${field} must be a whole number from ${min} to ${max}`);

/** s3://bucket/optional/prefix, or a folder path without control characters or "..". */
export function watchPrefixProblem(value: string): string | null {
  if (/[\u0000-\u001f]/.test(value)) return "remove the control characters from the watched folder";
  if (value.startsWith("s3://")) {
    const [bucket] = value.slice(5).split("/");
    return /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket ?? "") ? null : "write the S3 location as s3://bucket/prefix, with a valid bucket name (lowercase letters, digits, dots and dashes)";
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return "use a local folder or an s3://bucket/prefix location; other URLs are not supported";
  if (value.split(/[\\/]/).includes("..")) return 'write the folder without ".." (an absolute path or one inside the app\'s folder)';
  return null;
}

export const studioSettingsSchema = z.object({
  imagesPerDay: wholeNumber("Images per studio day", 1, 5000),
  workdays: z
    .array(z.coerce.number().int().min(0).max(6), { error: "choose the weekdays the studio shoots" })
    .min(1, "choose at least one weekday the studio shoots")
    .transform((days) => [...new Set(days)].sort((a, b) => a - b)),
  leadDays: wholeNumber("Lead time", 0, 90),
  imagesPerView: wholeNumber("Images per view", 1, 10),
  namingTemplate: z
    .string({ error: `write a file naming convention, e.g. ${DEFAULT_STUDIO_TEMPLATE}` })
    .trim()
    .superRefine((template, ctx) => {
      const parsed = parseStudioNamingTemplate(template);
      if (!parsed.ok) for (const message of parsed.errors) ctx.addIssue({ code: "custom", message });
    }),
  watchPrefix: z
    .string()
    .trim()
    .max(500, "keep the watched location under 500 characters")
    .nullish()
    .transform((v) => (v ? v : null))
    .superRefine((value, ctx) => {
      const problem = value === null ? null : watchPrefixProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
});
