import { z } from "zod";

/**
 * Layers 2 and 3 of quality control: what a reviewer (and the optional brand
 * sign-off) can decide about an asset, and the states an asset moves through.
 * Pure and browser-safe: the grid's forms and the action share these schemas.
 */

/** Asset.reviewStatus. Only awaiting-review and awaiting-signoff are work for a person. */
export const REVIEW_STATUSES = ["awaiting-review", "awaiting-signoff", "approved", "rejected", "retouch", "duplicate", "auto-rejected", "superseded"] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export const REVIEW_STATUS_LABELS: Record<ReviewStatus, string> = {
  "awaiting-review": "Awaiting review",
  "awaiting-signoff": "Awaiting brand sign-off",
  approved: "Approved",
  rejected: "Rejected",
  retouch: "At retouch",
  duplicate: "Near-duplicate (collapsed)",
  "auto-rejected": "Rejected by QC, regenerating",
  superseded: "Replaced by a retouched file",
};

/** The reject taxonomy: what went wrong, so the dashboard can count it and recipes can be fixed. */
export const REJECT_REASONS = ["anatomy", "colour-drift", "fabric-drape", "logo-print", "background", "framing", "other"] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export const REJECT_REASON_LABELS: Record<RejectReason, string> = {
  anatomy: "Anatomy (hands, limbs, face)",
  "colour-drift": "Colour drift",
  "fabric-drape": "Fabric or drape",
  "logo-print": "Logo or print",
  background: "Background",
  framing: "Framing or crop",
  other: "Other (note required)",
};

/** How many assets one decision may touch; bulk approve works through its filter instead. */
export const MAX_ASSETS_PER_DECISION = 200;

const assetIds = z
  .array(z.string().regex(/^[a-z0-9]{20,40}$/, "is not an asset id: reload the grid and select again"), { error: "select at least one asset" })
  .min(1, "select at least one asset")
  .max(MAX_ASSETS_PER_DECISION, `select at most ${MAX_ASSETS_PER_DECISION} assets at a time, or use Approve all passed`);

const note = z.string().trim().max(500, "keep the note under 500 characters").optional();

export const reviewDecisionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("approve"), assetIds, note }),
    z
      .object({
        intent: z.literal("reject"),
        assetIds,
        reason: z.enum(REJECT_REASONS, { error: `choose a reason: ${REJECT_REASONS.join(", ")}` }),
        note,
      })
      .superRefine((value, ctx) => {
        if (value.reason === "other" && !value.note) ctx.addIssue({ code: "custom", path: ["note"], message: "say what is wrong when the reason is Other" });
      }),
    z.object({ intent: z.literal("flag"), assetIds, flagged: z.boolean({ error: "say whether to flag or unflag" }), note }),
    z.object({ intent: z.literal("regenerate"), assetIds, note }),
    z.object({ intent: z.literal("retouch"), assetIds, note }),
    z.object({ intent: z.literal("sign-off"), assetIds, note }),
  ],
  { error: "choose an action: approve, reject, flag, regenerate, retouch or sign-off" },
);

export type ReviewDecision = z.infer<typeof reviewDecisionSchema>;
export type ReviewIntent = ReviewDecision["intent"];

/** Which decisions each state accepts; anything else is refused with the state named. */
const ALLOWED: Record<ReviewIntent, readonly (ReviewStatus | null)[]> = {
  approve: ["awaiting-review"],
  reject: ["awaiting-review", "awaiting-signoff"],
  flag: ["awaiting-review", "awaiting-signoff"],
  regenerate: ["awaiting-review", "awaiting-signoff", "rejected"],
  retouch: ["awaiting-review", "awaiting-signoff", "rejected"],
  "sign-off": ["awaiting-signoff"],
};

export function canDecide(intent: ReviewIntent, status: string | null): boolean {
  return (ALLOWED[intent] as readonly (string | null)[]).includes(status);
}

/** A corrected file replaces an asset sent to retouch, or one still under review or rejected. */
export function canUploadRetouch(status: string | null): boolean {
  return status === "retouch" || canDecide("retouch", status);
}

/** Where an approval leads: to the brand's sign-off when the shop asks for one, else straight to approved. */
export function statusAfterApproval(brandSignOff: boolean): ReviewStatus {
  return brandSignOff ? "awaiting-signoff" : "approved";
}

/**
 * Where an asset goes once layer 1 has judged it: a rejected AI candidate with
 * regenerations left, rejected for something a new seed can fix, is
 * regenerated before a person sees it; everything else waits for review
 * with its verdict.
 */
export function statusAfterChecks(input: { verdict: "pass" | "flag" | "reject"; source: string; regenerations: number; autoRegenerate: number; duplicate: boolean; regenerationCanHelp: boolean }): ReviewStatus {
  if (input.duplicate) return "duplicate";
  if (input.verdict === "reject" && input.regenerationCanHelp && input.source === "ai" && input.regenerations < input.autoRegenerate) return "auto-rejected";
  return "awaiting-review";
}
