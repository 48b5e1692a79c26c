/**
 * What the product page extensions and Shotlane's backend say to each other
 * (app/routes/api.extension.products.*). Types plus two tiny hand-written
 * readers: the extensions' compiled bundles must stay under Shopify's 64 KB,
 * so no zod here; the backend validates what it receives with zod.
 * Plain TypeScript with no imports, so both sides can use it.
 */

/** What put the product in its tier. */
export type TierSource = "rule" | "pin" | "default" | "not-routed";

/** Where an unfinished asset is. */
export type InFlightPhase = "queued" | "generating" | "post-production" | "qc";

export interface PanelPlanItem {
  /** The plan's asset kind: on-model-front, packshot, video … */
  asset: string;
  label: string;
  source: "studio" | "ai";
  /** No approved asset of this kind yet. */
  missing: boolean;
}

export interface PanelThumbnail {
  assetId: string;
  /** Absolute and signed: the extension runs on the admin's origin. */
  url: string;
  width: number;
  height: number;
  label: string;
  state: "awaiting-review" | InFlightPhase;
}

export interface ProductPanel {
  ok: true;
  product: { id: string; title: string };
  tier: number | null;
  tierSource: TierSource;
  /** "Rule “Premium dresses”", "Pinned by hand", "Default tier" or what to do when not routed. */
  tierReason: string;
  rule: { id: string; name: string } | null;
  plan: { lane: "studio" | "hybrid" | "ai" | null; items: PanelPlanItem[] };
  /** Asset kinds of the plan with no approved asset yet, in plan order. */
  missing: string[];
  inFlight: { total: number; byPhase: Record<InFlightPhase, number>; waitingStudio: number };
  awaitingReview: number;
  approved: number;
  /** Up to six, awaiting review first. */
  thumbnails: PanelThumbnail[];
  /** An order still open blocks a new one until it finishes or is canceled. */
  openOrder: { id: string; status: string } | null;
  /** App paths (`/app/review?product=…`); the extension turns them into `app:` links. */
  links: { review: string; production: string };
  recipes: { key: string; name: string }[];
  defaultRecipe: string | null;
  action: { mode: "send" | "regenerate"; label: string; defaultViews: string[] };
}

/** POST body of the produce endpoint. */
export interface ProduceRequest {
  views: string[];
  recipe?: string;
}

export interface ProduceResult {
  ok: true;
  outcome: "created" | "skipped";
  message: string;
  orderId: string | null;
}

/** Every refusal the backend itself answers: 400 (with the field), 404, 405, 500. */
export interface PanelError {
  ok: false;
  error: string;
  field?: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

/** The panel, or null when the body is not one (an old backend, a proxy's error page). */
export function readPanel(body: unknown): ProductPanel | null {
  if (!isObject(body) || body.ok !== true || !isObject(body.product) || !isObject(body.plan) || !Array.isArray((body.plan as Record<string, unknown>).items)) return null;
  if (!isObject(body.inFlight) || !Array.isArray(body.thumbnails) || !Array.isArray(body.recipes) || !isObject(body.action) || !isObject(body.links)) return null;
  return body as unknown as ProductPanel;
}

export function readProduceResult(body: unknown): ProduceResult | null {
  if (!isObject(body) || body.ok !== true || (body.outcome !== "created" && body.outcome !== "skipped") || typeof body.message !== "string") return null;
  return body as unknown as ProduceResult;
}

export function readPanelError(body: unknown): PanelError | null {
  if (!isObject(body) || body.ok !== false || typeof body.error !== "string") return null;
  return { ok: false, error: body.error, ...(typeof body.field === "string" ? { field: body.field } : {}) };
}
