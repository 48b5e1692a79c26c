import { z } from "zod";
import { ASSET_LABELS } from "../production/production-plan";
import { variantColour } from "../publishing/media-plan";
import { DEFAULT_STUDIO_TEMPLATE, matchStudioFiles, parseStudioNamingTemplate, type StudioCatalogProduct } from "./file-matching";
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
const WEEKDAY_MESSAGE = "choose weekdays from Sunday (0) to Saturday (6)";

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
  // The form sends "1,2,3" (or "" for none); an API caller may send [1, 2, 3].
  workdays: z
    .union([z.array(z.union([z.number(), z.string()])), z.string().transform((text) => (text.trim() === "" ? [] : text.split(",")))], { error: "choose the weekdays the studio shoots" })
    .transform((items, ctx) => {
      const days = new Set<number>();
      for (const item of items) {
        const day = typeof item === "number" ? item : item.trim() === "" ? Number.NaN : Number(item.trim());
        if (!Number.isInteger(day) || day < 0 || day > 6) {
          ctx.addIssue({ code: "custom", message: WEEKDAY_MESSAGE });
          return z.NEVER;
        }
        days.add(day);
      }
      if (days.size === 0) {
        ctx.addIssue({ code: "custom", message: "choose at least one weekday the studio shoots" });
        return z.NEVER;
      }
      return [...days].sort((a, b) => a - b);
    }),
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

/** The form's fields as strings, the way the Settings card posts them. */
export function studioSettingsForm(settings: StudioSettings): Record<keyof StudioSettings, string> {
  return {
    imagesPerDay: String(settings.imagesPerDay),
    workdays: settings.workdays.join(","),
    leadDays: String(settings.leadDays),
    imagesPerView: String(settings.imagesPerView),
    namingTemplate: settings.namingTemplate,
    watchPrefix: settings.watchPrefix ?? "",
  };
}

/** A product the naming example is shown with while the catalog has none with a SKU. */
export const STUDIO_NAMING_SAMPLE: StudioCatalogProduct = {
  productId: "sample",
  title: "Linen Wrap Dress",
  variants: [{ id: "sample-1", sku: "LWD-001-BLK", options: { Colour: "Black", Size: "S" } }],
};

export type StudioNamingExample = { ok: true; fileName: string; matched: boolean; description: string } | { ok: false; errors: string[] };

const PLACEHOLDER = /\{([^{}]*)\}/g;

/**
 * A file name the convention expects for one product's front view, and what
 * the matcher makes of it ("LWD-001-BLK_front.jpg" → "Linen Wrap Dress,
 * Black, On-model, front"): the settings card shows it while the merchant types.
 */
export function studioNamingExample(template: string, product: StudioCatalogProduct): StudioNamingExample {
  const parsed = parseStudioNamingTemplate(template);
  if (!parsed.ok) return parsed;
  const options = (v: StudioCatalogProduct["variants"][number]) => Object.entries(v.options).map(([name, value]) => ({ name, value }));
  const withSku = product.variants.filter((v) => v.sku);
  const variant = withSku.find((v) => variantColour(options(v))?.trim()) ?? withSku[0];
  if (!variant?.sku) return studioNamingExample(template, STUDIO_NAMING_SAMPLE);
  const colour = variantColour(options(variant))?.trim() || "Black";
  const values = { sku: variant.sku, view: "front", colour, index: "1" } as const;
  // Placeholders are taken in order: the parser accepted each, so the i-th is matcher.placeholders[i] (spellings like {color} included).
  let i = 0;
  const stem = parsed.matcher.template.replace(PLACEHOLDER, () => values[parsed.matcher.placeholders[i++]]);
  const fileName = `${stem}.jpg`;
  const [result] = matchStudioFiles([{ name: fileName }], [product], parsed.matcher);
  if (result.status !== "matched") return { ok: true, fileName, matched: false, description: `not matched: ${result.reason}` };
  return { ok: true, fileName, matched: true, description: [result.productTitle, result.colour, ASSET_LABELS[result.asset]].filter(Boolean).join(", ") };
}
