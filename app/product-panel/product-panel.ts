import { z } from "zod";
import type { InFlightPhase, PanelPlanItem, PanelThumbnail, TierSource } from "../../extensions/shared/panel-contract";
import { ASSET_KINDS, ASSET_LABELS, type AssetKind, type PlanItem } from "../production/production-plan";
import { reviewFiltersToParams } from "../review/review-filters";

/**
 * The product page panel's decisions, pure: which product an address names,
 * what the body of a "Send to production" asks for, what put the product in
 * its tier, where each of its assets is, what its plan still lacks, which
 * thumbnails to show and the message a send leaves. product-panel.server.ts
 * reads the rows and calls these.
 */

const GID_PREFIX = "gid://shopify/Product/";

export type Parsed<T> = { ok: true; value: T } | { ok: false; field: string; error: string };

/** A product's Shopify GID from the extension's address: the GID itself or its number. */
export function productGidOf(raw: string | undefined): Parsed<string> {
  const value = (raw ?? "").trim();
  if (/^[1-9]\d{0,19}$/.test(value)) return { ok: true, value: `${GID_PREFIX}${value}` };
  if (value.startsWith(GID_PREFIX) && /^[1-9]\d{0,19}$/.test(value.slice(GID_PREFIX.length))) return { ok: true, value };
  return { ok: false, field: "productId", error: "productId must be a product GID such as gid://shopify/Product/123, or its number" };
}

/** The number at the end of a product GID (the extension's addresses use it). */
export function productNumberOf(gid: string): string {
  return gid.startsWith(GID_PREFIX) ? gid.slice(GID_PREFIX.length) : gid;
}

export const produceRequestSchema = z.object({
  views: z
    .array(z.enum(ASSET_KINDS, { error: `views: each view must be one of ${ASSET_KINDS.join(", ")}` }), { error: "views: send a list of the plan's asset kinds, e.g. [\"packshot\"]" })
    .min(1, "views: choose at least one view to produce")
    .max(ASSET_KINDS.length)
    .refine((views) => new Set(views).size === views.length, "views: list each view once"),
  recipe: z
    .string({ error: "recipe: send a garment category key, e.g. \"dresses\", or leave it out" })
    .trim()
    .min(1, "recipe: send a garment category key, or leave it out for the product's own")
    .max(100, "recipe: use at most 100 characters")
    .optional(),
});

export type ProduceInput = z.infer<typeof produceRequestSchema>;

/** The produce endpoint's JSON body; a refusal names the field and the fix. */
export function parseProduceRequest(body: unknown): Parsed<ProduceInput> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return { ok: false, field: "body", error: "body: send a JSON object such as {\"views\": [\"packshot\"], \"recipe\": \"dresses\"}" };
  const parsed = produceRequestSchema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, field: String(issue.path[0] ?? "body"), error: issue.message };
}

export interface RoutingRow {
  tier: number | null;
  tierSource: string | null;
  ruleName: string | null;
}

/** What put the product in its tier, in the merchant's words. */
export function tierReasonOf(row: RoutingRow): { source: TierSource; reason: string } {
  if (row.tier !== 1 && row.tier !== 2 && row.tier !== 3) return { source: "not-routed", reason: "Not routed yet: save the tier rules or pin the product to a tier" };
  if (row.tierSource === "pin") return { source: "pin", reason: "Pinned by hand" };
  if (row.tierSource === "rule") return { source: "rule", reason: row.ruleName ? `Rule “${row.ruleName}”` : "A rule that has since been deleted: re-route to update" };
  return { source: "default", reason: "Default tier (no rule matched)" };
}

export interface PanelAssetRow {
  id: string;
  status: string;
  postStatus: string | null;
  qcStatus: string | null;
  reviewStatus: string | null;
  kind: string;
  view: string | null;
  /** The plan's asset kind of its request. */
  asset: string;
  createdAt: Date;
}

export type AssetPhase = InFlightPhase | "awaiting-review" | "approved" | "finished";

/** Where an asset is: still being made (and in which step), waiting for a person, approved, or finished otherwise (failed, rejected …). */
export function assetPhase(asset: Pick<PanelAssetRow, "status" | "postStatus" | "qcStatus" | "reviewStatus">): AssetPhase {
  if (asset.status === "queued" || asset.status === "paused") return "queued";
  if (asset.status === "submitting" || asset.status === "submitted" || asset.status === "downloading" || asset.status === "processing") return "generating";
  if (asset.status !== "stored") return "finished";
  if (asset.postStatus === "queued" || asset.postStatus === "processing") return "post-production";
  if (asset.qcStatus === "queued" || asset.qcStatus === "running") return "qc";
  if (asset.reviewStatus === "awaiting-review" || asset.reviewStatus === "awaiting-signoff") return "awaiting-review";
  if (asset.reviewStatus === "approved") return "approved";
  return "finished";
}

export interface PhaseCounts {
  byPhase: Record<InFlightPhase, number>;
  inFlight: number;
  awaitingReview: number;
  approved: number;
}

export function countPhases(assets: readonly Pick<PanelAssetRow, "status" | "postStatus" | "qcStatus" | "reviewStatus">[]): PhaseCounts {
  const counts: PhaseCounts = { byPhase: { queued: 0, generating: 0, "post-production": 0, qc: 0 }, inFlight: 0, awaitingReview: 0, approved: 0 };
  for (const asset of assets) {
    const phase = assetPhase(asset);
    if (phase === "awaiting-review") counts.awaitingReview++;
    else if (phase === "approved") counts.approved++;
    else if (phase !== "finished") {
      counts.byPhase[phase]++;
      counts.inFlight++;
    }
  }
  return counts;
}

const labelOf = (asset: string) => ASSET_LABELS[asset as AssetKind] ?? asset;

/** The tier's plan, each item marked missing when the product has no approved asset of its kind. */
export function planWithGaps(items: readonly PlanItem[], approvedKinds: Iterable<string>): { items: PanelPlanItem[]; missing: string[] } {
  const have = new Set(approvedKinds);
  const marked = items.map((item) => ({ asset: item.asset, label: labelOf(item.asset), source: item.source, missing: !have.has(item.asset) }));
  return { items: marked, missing: marked.filter((i) => i.missing).map((i) => i.asset) };
}

export const PANEL_THUMBNAILS = 6;

export interface ThumbnailCandidate extends PanelAssetRow {
  thumb: { key: string; width: number; height: number } | null;
}

/** Up to six thumbnails: awaiting review first (what a person should look at), then work in flight; oldest first within each. */
export function pickPanelThumbnails(assets: readonly ThumbnailCandidate[], sign: (key: string) => string, limit = PANEL_THUMBNAILS): PanelThumbnail[] {
  const rank = (phase: AssetPhase) => (phase === "awaiting-review" ? 0 : phase === "approved" || phase === "finished" ? -1 : 1);
  return assets
    .map((asset) => ({ asset, phase: assetPhase(asset) }))
    .filter(({ asset, phase }) => asset.thumb && rank(phase) >= 0)
    .sort((a, b) => rank(a.phase) - rank(b.phase) || a.asset.createdAt.getTime() - b.asset.createdAt.getTime() || (a.asset.id < b.asset.id ? -1 : 1))
    .slice(0, limit)
    .map(({ asset, phase }) => ({
      assetId: asset.id,
      url: sign(asset.thumb!.key),
      width: asset.thumb!.width,
      height: asset.thumb!.height,
      label: asset.kind === "video" ? "Video" : labelOf(asset.asset),
      state: phase as PanelThumbnail["state"],
    }));
}

/** "Regenerate" once the product has approved or reviewable output, else "Send to production"; the missing views are preselected (all of the plan when none is missing). */
export function panelAction(input: { awaitingReview: number; approved: number; plan: readonly PanelPlanItem[] }): { mode: "send" | "regenerate"; label: string; defaultViews: string[] } {
  const regenerate = input.awaitingReview + input.approved > 0;
  const missing = input.plan.filter((i) => i.missing).map((i) => i.asset);
  return { mode: regenerate ? "regenerate" : "send", label: regenerate ? "Regenerate" : "Send to production", defaultViews: missing.length > 0 ? missing : input.plan.map((i) => i.asset) };
}

export function panelLinks(productId: string): { review: string; production: string } {
  return { review: `/app/review?${reviewFiltersToParams({ product: productId }).toString()}`, production: "/app/production?status=active" };
}

/** The one-product answer of sendToProduction, as the message the action shows. */
export function produceMessage(
  result: { created: { orderId: string; productId: string }[]; skipped: { productId: string; reason: string }[]; queueWarning?: string },
  input: { productId: string; views: readonly string[]; recipeName: string | null },
): { outcome: "created" | "skipped"; message: string; orderId: string | null } {
  const created = result.created.find((c) => c.productId === input.productId);
  if (created) {
    const views = input.views.map(labelOf).join(", ");
    const recipe = input.recipeName ? ` with the “${input.recipeName}” recipe` : "";
    const warning = result.queueWarning ? ` ${result.queueWarning}` : "";
    return { outcome: "created", message: `Sent to production: ${views}${recipe}. Follow it on the Production page; the results wait in Review.${warning}`, orderId: created.orderId };
  }
  const skipped = result.skipped.find((s) => s.productId === input.productId);
  const reason = skipped?.reason ?? "nothing was ordered";
  return { outcome: "skipped", message: `Not sent: ${reason.replace(/\.$/, "")}.`, orderId: null };
}
