import { z } from "zod";
import { REMOVAL_PROVIDER_IDS, type RemovalProviderId } from "./background-removal/removal-providers";

/**
 * The post-production part of a brand recipe: how this garment category's
 * images are cleaned, framed, coloured and shadowed. The shop's channel specs,
 * naming template and brand LUT are shop settings; this says which of them a
 * category uses and how. Pure and shared by the recipe editor and the worker.
 */

export const CLEANUP_MODES = ["auto", "backdrop-key", "removal-provider", "none"] as const;
export type CleanupMode = (typeof CLEANUP_MODES)[number];
export const SHADOW_KINDS = ["none", "contact", "drop"] as const;

const fraction = (what: string, max: number) =>
  z
    .number({ error: `must be a number from 0 to ${max} (a share of the canvas ${what})` })
    .min(0, `must be at least 0`)
    .max(max, `must be at most ${max} (a share of the canvas ${what})`);

export const postProductionRecipeSchema = z
  .object({
    /** auto: key a plain studio backdrop, else use the removal provider if one is set, else keep the background. */
    cleanup: z.enum(CLEANUP_MODES, { error: `choose a cleanup: ${CLEANUP_MODES.join(", ")}` }).default("auto"),
    removalProvider: z
      .enum(REMOVAL_PROVIDER_IDS as [RemovalProviderId, ...RemovalProviderId[]], { error: `choose a background-removal provider: ${REMOVAL_PROVIDER_IDS.join(", ")}` })
      .nullable()
      .default(null),
    align: z.enum(["center", "bottom"], { error: "choose centred or bottom-aligned (feet/hem on one line)" }).default("bottom"),
    margins: z
      .object({ top: fraction("height", 0.4), bottom: fraction("height", 0.4), side: fraction("width", 0.4) })
      .default({ top: 0.06, bottom: 0.05, side: 0.08 }),
    whiteBalance: z.boolean({ error: "must be on or off" }).default(true),
    brandLut: z.boolean({ error: "must be on or off" }).default(true),
    shadow: z
      .object({
        kind: z.enum(SHADOW_KINDS, { error: `choose a shadow: ${SHADOW_KINDS.join(", ")}` }),
        opacity: z.number({ error: "must be a number from 0 to 1" }).min(0, "must be at least 0").max(1, "must be at most 1"),
        softness: z.number({ error: "must be a number from 0 to 0.2 (a share of the subject's height)" }).min(0, "must be at least 0").max(0.2, "must be at most 0.2"),
      })
      .default({ kind: "contact", opacity: 0.35, softness: 0.03 }),
    /** Channel spec ids this category renders; null = every enabled channel of the shop. */
    channels: z.array(z.string().min(1)).max(16, "pick at most 16 channels").nullable().default(null),
  })
  .superRefine((value, ctx) => {
    if (value.cleanup === "removal-provider" && !value.removalProvider) ctx.addIssue({ code: "custom", path: ["removalProvider"], message: "choose which background-removal provider to use, or pick another cleanup" });
    if (value.margins.top + value.margins.bottom >= 0.8) ctx.addIssue({ code: "custom", path: ["margins", "bottom"], message: "top and bottom margins together must leave at least 20% of the canvas for the subject" });
  });

export type PostProductionRecipe = z.infer<typeof postProductionRecipeSchema>;

export const DEFAULT_POST_PRODUCTION_RECIPE: PostProductionRecipe = postProductionRecipeSchema.parse({});
