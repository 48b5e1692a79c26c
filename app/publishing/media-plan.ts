import type { Placement } from "./publishing-settings";

/**
 * Where published media goes on a product: pure planning, no I/O. The
 * publishing service reads the product's media from Shopify, says which of
 * them Shotlane created (and from which lane, for which view), and these
 * functions decide the final order, what is detached, which variants show
 * which image, and whether Shopify's 250-media limit allows it.
 */


/** Shopify's limit of media per product (PRODUCT_MEDIA_LIMIT_EXCEEDED). */
export const PRODUCT_MEDIA_LIMIT = 250;


/** One media on the product now, and what Shotlane knows of it (null: not Shotlane's). */
export interface ProductMediaItem {
  id: string;
  shotlane: { source: string; view: string | null } | null;
}

/** A media this batch added (already on the product, at the end where productUpdate put it). */
export interface IncomingMedia {
  id: string;
  source: string;
  view: string | null;
}

export interface MediaPolicy {
  placement: Placement;
  /** The merchant let Shotlane replace media it did not create. */
  replaceAll: boolean;
}

export interface MediaPlan {
  /** Every media id that stays on the product, in the order it should have. */
  order: string[];
  /** Media to take off the product (detached, never deleted, so Revert can bring them back). */
  detach: string[];
}

const isAiGenerated = (item: ProductMediaItem) => item.shotlane?.source === "ai";

/**
 * The product's media order once this batch is placed. The incoming media
 * keep the order they were published in. `replace-view` puts each new
 * media where Shotlane's earlier media for the same view was (and detaches
 * that one); a view with nothing earlier goes after the studio and merchant
 * images, as `after-studio` does. With `replaceAll`, every media not in this
 * batch is detached, whoever made it.
 */
export function planMediaOrder(current: ProductMediaItem[], incoming: IncomingMedia[], policy: MediaPolicy): MediaPlan {
  const incomingIds = new Set(incoming.map((m) => m.id));
  const existing = current.filter((m) => !incomingIds.has(m.id));
  const fresh = incoming;
  if (policy.replaceAll) return { order: fresh.map((m) => m.id), detach: existing.map((m) => m.id) };

  switch (policy.placement) {
    case "first":
      return { order: [...fresh.map((m) => m.id), ...existing.map((m) => m.id)], detach: [] };
    case "last":
      return { order: [...existing.map((m) => m.id), ...fresh.map((m) => m.id)], detach: [] };
    case "after-studio":
      return { order: afterStudio(existing, fresh.map((m) => m.id)), detach: [] };
    case "replace-view": {
      const detach: string[] = [];
      const order = existing.map((m) => m.id);
      const unplaced: string[] = [];
      for (const media of fresh) {
        // Shotlane's earlier media of the same view (a view is the plan's asset kind); the first one's place is taken.
        const earlier = media.view === null ? [] : existing.filter((e) => e.shotlane !== null && e.shotlane.view === media.view && !detach.includes(e.id));
        if (earlier.length === 0) {
          unplaced.push(media.id);
          continue;
        }
        const at = order.indexOf(earlier[0].id);
        order.splice(at, 1, media.id);
        for (const other of earlier.slice(1)) order.splice(order.indexOf(other.id), 1);
        detach.push(...earlier.map((e) => e.id));
      }
      const remaining = existing.filter((e) => !detach.includes(e.id));
      const placed = order.filter((id) => !unplaced.includes(id));
      const known = [...remaining, ...fresh.map((m) => ({ id: m.id, shotlane: { source: m.source, view: m.view } }))];
      return { order: unplaced.length ? afterStudio(known, unplaced, placed) : placed, detach };
    }
  }
}

/**
 * Inserts `ids` after the last media that is not AI-generated (the merchant's
 * photos and studio shots), i.e. before the first AI-generated media that
 * follows them. `order` lists ids of `known` (default: all of them, as is).
 */
function afterStudio(known: ProductMediaItem[], ids: string[], order: string[] = known.map((m) => m.id)): string[] {
  const byId = new Map(known.map((m) => [m.id, m]));
  let insertAt = 0;
  order.forEach((id, index) => {
    const item = byId.get(id);
    if (!item || !isAiGenerated(item)) insertAt = index + 1;
  });
  return [...order.slice(0, insertAt), ...ids, ...order.slice(insertAt)];
}

/**
 * The moves productReorderMedia needs to turn `current` into `desired`
 * (Shopify applies them in order, each to the list as the previous ones left
 * it). Only media whose place changes are moved; ids not in `current` are
 * ignored, as are current ids missing from `desired` (they are detached).
 */
export function reorderMoves(current: string[], desired: string[]): { id: string; newPosition: string }[] {
  const target = desired.filter((id) => current.includes(id));
  let list = current.filter((id) => target.includes(id));
  const moves: { id: string; newPosition: string }[] = [];
  target.forEach((id, position) => {
    if (list[position] === id) return;
    list = list.filter((m) => m !== id);
    list.splice(position, 0, id);
    moves.push({ id, newPosition: String(position) });
  });
  return moves;
}

/** Applies moves as Shopify does (each to the list the previous one left); for tests and checks. */
export function applyMoves(current: string[], moves: { id: string; newPosition: string }[]): string[] {
  let list = [...current];
  for (const move of moves) {
    if (!list.includes(move.id)) continue;
    list = list.filter((m) => m !== move.id);
    list.splice(Math.min(Number(move.newPosition), list.length), 0, move.id);
  }
  return list;
}

/** Why the batch does not fit under Shopify's 250-media limit, or null when it does. */
export function mediaLimitProblem(currentCount: number, adding: number, detaching: number, limit = PRODUCT_MEDIA_LIMIT): string | null {
  const after = currentCount + adding;
  if (after <= limit) return null;
  const over = after - limit;
  const hint = detaching > 0 ? "" : ' or choose "Replace Shotlane\'s earlier media for the same view" in Settings → Publishing';
  return `The product has ${currentCount} media and this would add ${adding}: Shopify allows at most ${limit} per product. Remove ${over} media in the Shopify admin${hint}, then retry.`;
}

/** The colour a variant stands for: the value of its Color/Colour option (any case), else null. */
export function variantColour(selectedOptions: { name: string; value: string }[]): string | null {
  return selectedOptions.find((o) => /^colou?r$/i.test(o.name.trim()))?.value ?? null;
}

export interface VariantMediaState {
  id: string;
  colour: string | null;
  /** The media the variant shows now, and whether Shotlane put it there. */
  mediaId: string | null;
  mediaIsShotlane: boolean;
}

/**
 * Which variants get which new image: each colourway's variants show the
 * first image (in the final order) published for that colour. A variant
 * keeps media Shotlane did not put there unless `replaceAll`; media being
 * detached from the product no longer counts as the variant's.
 */
export function planVariantMedia(variants: VariantMediaState[], images: { id: string; colour: string | null }[], options: { replaceAll: boolean; detached: readonly string[] }): { detach: { variantId: string; mediaId: string }[]; append: { variantId: string; mediaId: string }[] } {
  const firstByColour = new Map<string, string>();
  for (const image of images) if (image.colour && !firstByColour.has(normalise(image.colour))) firstByColour.set(normalise(image.colour), image.id);
  const detach: { variantId: string; mediaId: string }[] = [];
  const append: { variantId: string; mediaId: string }[] = [];
  for (const variant of variants) {
    const wanted = variant.colour ? firstByColour.get(normalise(variant.colour)) : undefined;
    if (!wanted || variant.mediaId === wanted) continue;
    const current = variant.mediaId && !options.detached.includes(variant.mediaId) ? variant.mediaId : null;
    if (current && !variant.mediaIsShotlane && !options.replaceAll) continue;
    if (current) detach.push({ variantId: variant.id, mediaId: current });
    append.push({ variantId: variant.id, mediaId: wanted });
  }
  return { detach, append };
}

const normalise = (colour: string) => colour.trim().toLowerCase();
