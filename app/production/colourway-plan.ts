/**
 * Which colourways an AI order makes, and which studio shot stands in as the
 * model reference (issue #8, docs/decisions/0025). Without the recipe's
 * studio-reference option, or without a usable studio shot, AI dresses the
 * model from the product's first colourway, as it always has. With it, a
 * studio shot of one colourway becomes the model for the others: AI makes
 * each colourway the studio has not shot in that view. Pure, so the order
 * (production-orders.server.ts) and the provider request agree.
 */

/** Views a studio shot can be the model reference for when no shot of the target's own view exists, best first. */
export const ON_MODEL_KINDS = ["on-model-front", "on-model-side", "on-model-back"] as const;

/** Review states that take a studio shot out of use: refused, replaced, or sent back for correction. */
const UNUSABLE_REVIEW = new Set(["rejected", "superseded", "auto-rejected", "retouch"]);

export interface StudioShotState {
  source: string;
  status: string;
  postStatus: string | null;
  qcVerdict: string | null;
  reviewStatus: string | null;
}

/**
 * A studio shot AI may build on: stored, post-produced, and either approved
 * by a person or checked by the quality gates without a reject.
 */
export function isUsableStudioShot(shot: StudioShotState): boolean {
  if (shot.source !== "studio" || shot.status !== "stored" || shot.postStatus !== "done") return false;
  if (shot.reviewStatus !== null && UNUSABLE_REVIEW.has(shot.reviewStatus)) return false;
  return shot.reviewStatus === "approved" || shot.qcVerdict === "pass" || shot.qcVerdict === "flag";
}

const normalise = (colour: string) => colour.normalize("NFKC").trim().toLowerCase();

/** Colour option values name the same colourway whatever their case or spacing; an unknown colour matches none. */
export function sameColour(a: string | null | undefined, b: string | null | undefined): boolean {
  return a != null && b != null && normalise(a) !== "" && normalise(a) === normalise(b);
}

export interface PlanEntry {
  asset: string;
  source: "ai" | "studio";
}

export interface ColourwayPlanInput {
  items: readonly PlanEntry[];
  /** The product's colourways in variant order (colourways() in app/studio/shot-list.ts); [null] without a colour option. */
  colourways: readonly (string | null)[];
  /** The product's usable studio shots (isUsableStudioShot): their colourway and plan asset kind. */
  studioShots: readonly { colour: string | null; asset: string }[];
  /** The category recipe's studioReference option. */
  studioReference: boolean;
}

export interface PlannedRequest extends PlanEntry {
  /** The colourway the AI candidates show; null for studio requests and products without a colour option. */
  colour: string | null;
}

export interface ColourwayPlan {
  /** Asset requests in plan order; an AI item made in several colourways is one request per colourway. */
  requests: PlannedRequest[];
  /** AI items the studio already shot in a colourway: no candidates are made for those. */
  coveredByStudio: { asset: string; colour: string }[];
  /** Whether studio shots changed the plan (false: the first colourway, as without the option). */
  perColourway: boolean;
}

/**
 * The order's requests. A studio item waits for the studio as before; a video
 * is one clip of the first colourway. An AI image item is made in the first
 * colourway unless the option is on and the studio has shot at least one of
 * the product's colourways: then it is made in every colourway that has no
 * studio shot of that view (one request each), and none for those that have.
 */
export function planColourways(input: ColourwayPlanInput): ColourwayPlan {
  const first = input.colourways[0] ?? null;
  const shot = (colour: string | null, asset?: string) => input.studioShots.some((s) => sameColour(s.colour, colour) && (asset === undefined || s.asset === asset));
  const perColourway = input.studioReference && input.colourways.some((colour) => shot(colour));
  const requests: PlannedRequest[] = [];
  const coveredByStudio: ColourwayPlan["coveredByStudio"] = [];
  for (const item of input.items) {
    if (item.source === "studio") requests.push({ ...item, colour: null });
    else if (!perColourway || item.asset === "video") requests.push({ ...item, colour: first });
    else {
      for (const colour of input.colourways) {
        if (colour !== null && shot(colour, item.asset)) coveredByStudio.push({ asset: item.asset, colour });
        else requests.push({ ...item, colour });
      }
    }
  }
  return { requests, coveredByStudio, perColourway };
}

export interface ReferenceShot {
  id: string;
  colour: string | null;
  /** The plan asset kind the studio shot is (on-model-front …). */
  asset: string;
  approved: boolean;
  /** When the shot arrived; the newest wins among equals. */
  at: Date;
}

/**
 * The studio shot that becomes the model reference for an AI image of another
 * colourway: a shot of a different (known) colour, of the same view, else, for
 * an on-model view, of another on-model view (front, side, back); approved
 * before merely checked, then the newest. Null when there is none.
 */
export function chooseStudioReference<S extends ReferenceShot>(target: { asset: string; colour: string | null }, shots: readonly S[]): S | null {
  const targetOnModel = (ON_MODEL_KINDS as readonly string[]).includes(target.asset);
  const viewRank = (asset: string) => {
    if (asset === target.asset) return 0;
    const onModel = (ON_MODEL_KINDS as readonly string[]).indexOf(asset);
    return targetOnModel && onModel >= 0 ? 1 + onModel : -1;
  };
  const eligible = shots.filter((s) => s.colour !== null && s.colour.trim() !== "" && !sameColour(s.colour, target.colour) && viewRank(s.asset) >= 0);
  eligible.sort((a, b) => viewRank(a.asset) - viewRank(b.asset) || Number(b.approved) - Number(a.approved) || b.at.getTime() - a.at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return eligible[0] ?? null;
}

export interface ProductImage {
  url: string | null;
  alt: string | null;
  contentType: string;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const wordPattern = (colour: string) => new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(normalise(colour))}(?=$|[^\\p{L}\\p{N}])`, "gu");

/**
 * The garment image for a colourway: the merchant's own product image whose
 * alt text names that colourway and no other of the product (how stores label
 * colourway images; the mirror keeps no variant-to-image link yet), else the
 * featured image. Pass only media Shotlane did not publish, so AI output is
 * never fed back as a garment.
 */
export function garmentImageFor(colour: string | null, colourways: readonly (string | null)[], media: readonly ProductImage[], featuredImageUrl: string | null): { url: string | null; from: "colourway-image" | "featured-image" } {
  if (colour && colour.trim()) {
    // Longest names first, each blanked out once found, so "Off White" is never read as "White".
    const names = [colour, ...colourways.filter((c): c is string => c !== null && c.trim() !== "" && !sameColour(c, colour))].sort((a, b) => normalise(b).length - normalise(a).length);
    for (const image of media) {
      if (image.contentType !== "IMAGE" || !image.url || !image.alt) continue;
      let alt = normalise(image.alt);
      const named: string[] = [];
      for (const name of names) {
        const pattern = wordPattern(name);
        if (!pattern.test(alt)) continue;
        named.push(name);
        alt = alt.replace(wordPattern(name), "$1 ");
      }
      if (named.length === 1 && named[0] === colour) return { url: image.url, from: "colourway-image" };
    }
  }
  return { url: featuredImageUrl, from: "featured-image" };
}
