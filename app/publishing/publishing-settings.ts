import { z } from "zod";
import { DEFAULT_ALT_TEMPLATE, validateAltTemplate } from "./alt-text";

/**
 * How a shop publishes approved media: where it goes among the product's
 * media, whether Shotlane may replace media it did not create, the alt text
 * template, the AI-disclosure metafield, and what starts by itself. Pure and
 * browser-safe: the Settings card and the action share the one schema.
 */

export const PLACEMENTS = ["first", "after-studio", "last", "replace-view"] as const;
export type Placement = (typeof PLACEMENTS)[number];

export const PLACEMENT_OPTIONS: readonly { value: Placement; label: string; help: string }[] = [
  { value: "first", label: "First", help: "New media goes before everything else on the product, so its first image becomes the featured image." },
  {
    value: "after-studio",
    label: "After your own photos",
    help: "New media goes right after the media Shotlane did not generate with AI (your photos and studio shots), ahead of the AI media that follow them.",
  },
  { value: "last", label: "Last", help: "New media goes after everything already on the product." },
  {
    value: "replace-view",
    label: "Replace Shotlane's earlier media for the same view",
    help: "New media takes the place of the media Shotlane published earlier for the same view, which is detached from the product; where there is none, it goes after your own photos.",
  },
];

export const PLACEMENT_LABELS: Record<Placement, string> = Object.fromEntries(PLACEMENT_OPTIONS.map((o) => [o.value, o.label])) as Record<Placement, string>;

export const AUTO_PRODUCE_TIER_CHOICES = [1, 2, 3] as const;

/** The product metafield that lists the AI-generated media on a product (list.file_reference). */
export const AI_DISCLOSURE_METAFIELD = { namespace: "shotlane", key: "ai_generated_media", type: "list.file_reference" } as const;

export interface PublishingSettings {
  placement: Placement;
  replaceAll: boolean;
  altTemplate: string;
  aiDisclosure: boolean;
  publishOnApproval: boolean;
  /** Ascending, each once. */
  autoProduceTiers: number[];
  draftUntilPublished: boolean;
}

/** The schema's defaults (prisma/schema.prisma PublishingSettings): what a shop without a row gets. */
export const DEFAULT_PUBLISHING_SETTINGS: Readonly<PublishingSettings> = Object.freeze({
  placement: "after-studio",
  replaceAll: false,
  altTemplate: DEFAULT_ALT_TEMPLATE,
  aiDisclosure: true,
  publishOnApproval: true,
  autoProduceTiers: [3],
  draftUntilPublished: false,
});

/** A yes-or-no field: a boolean, or the form's "true"/"false". */
function yesNo(message: string) {
  return z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")], { error: message });
}

const TIERS_MESSAGE = "choose tiers from 1, 2 and 3 (or none), such as 3 or 1,3";

/** The form sends "1,3" (or "" for none); an API caller may send [1, 3]. */
const autoProduceTiers = z
  .union([
    z.array(z.union([z.number(), z.string()])),
    z.string().transform((text) => (text.trim() === "" ? [] : text.split(","))),
  ], { error: TIERS_MESSAGE })
  .transform((items, ctx) => {
    const tiers = new Set<number>();
    for (const item of items) {
      const tier = typeof item === "number" ? item : Number(item.trim());
      if (!(AUTO_PRODUCE_TIER_CHOICES as readonly number[]).includes(tier)) {
        ctx.addIssue({ code: "custom", message: `${JSON.stringify(item)} is not a tier: ${TIERS_MESSAGE}` });
        return z.NEVER;
      }
      tiers.add(tier);
    }
    return [...tiers].sort((a, b) => a - b);
  });

export const publishingSettingsSchema = z.strictObject(
  {
    placement: z.enum(PLACEMENTS, { error: `choose where new media goes: ${PLACEMENTS.join(", ")}` }),
    replaceAll: yesNo("say whether Shotlane may replace media it did not create: true or false"),
    altTemplate: z
      .string({ error: `enter an alt text template such as ${DEFAULT_ALT_TEMPLATE}` })
      .transform((template) => template.trim())
      .superRefine((template, ctx) => {
        // One issue with every problem, so the field shows them all at once.
        const problems = validateAltTemplate(template);
        if (problems.length > 0) ctx.addIssue({ code: "custom", message: problems.join("; ") });
      }),
    aiDisclosure: yesNo("say whether to keep the AI-disclosure metafield: true or false"),
    publishOnApproval: yesNo("say whether approved media is published automatically: true or false"),
    autoProduceTiers,
    draftUntilPublished: yesNo("say whether new products stay in draft until their visuals are published: true or false"),
  },
  {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `only ${Object.keys(DEFAULT_PUBLISHING_SETTINGS).join(", ")} can be set here, not ${issue.keys.join(", ")}`
        : "send the publishing settings as an object, e.g. { placement: \"after-studio\", … }",
  },
);

export type PublishingSettingsInput = z.input<typeof publishingSettingsSchema>;

/** The form's values for the settings: booleans as "true"/"false", tiers as "1,3". */
export function publishingSettingsForm(settings: PublishingSettings): Record<keyof PublishingSettings, string> {
  return {
    placement: settings.placement,
    replaceAll: String(settings.replaceAll),
    altTemplate: settings.altTemplate,
    aiDisclosure: String(settings.aiDisclosure),
    publishOnApproval: String(settings.publishOnApproval),
    autoProduceTiers: settings.autoProduceTiers.join(","),
    draftUntilPublished: String(settings.draftUntilPublished),
  };
}
