import { readPanel, readPanelError, readProduceResult, type ProductPanel, type ProduceRequest, type ProduceResult } from "./panel-contract";

/**
 * The product page extensions' logic, kept out of the components so it is
 * unit-tested: the backend addresses, the request a send makes, what a
 * response or a failure shows, and the admin links. No zod, no imports
 * beyond the contract: it is bundled into both extensions (64 KB limit).
 */

/** The action extension's handle (its shopify.extension.toml), for the block's button. */
export const ACTION_HANDLE = "product-panel-action";

const GID_PREFIX = "gid://shopify/Product/";

/** The product the admin page shows: `shopify.data.selected[0].id`. */
export function selectedProductId(data: { selected?: readonly { id: string }[] } | undefined): string | null {
  const id = data?.selected?.[0]?.id;
  return id && id.startsWith(GID_PREFIX) && /^\d+$/.test(id.slice(GID_PREFIX.length)) ? id : null;
}

/**
 * Relative addresses: the admin resolves them against the app's URL and adds
 * the ID token (Authorization: Bearer) to fetches to the app's own domain.
 * The product's number keeps the path free of the GID's slashes.
 */
export function panelPath(productId: string): string {
  return `/api/extension/products/${productId.slice(GID_PREFIX.length)}`;
}

export function producePath(productId: string): string {
  return `${panelPath(productId)}/produce`;
}

export type Built<T> = { ok: true; value: T } | { ok: false; error: string };

/** The send's fetch options, or what the merchant must fix first. */
export function produceRequest(views: readonly string[], recipe: string | null): Built<RequestInit> {
  if (views.length === 0) return { ok: false, error: "Choose at least one view to produce." };
  const body: ProduceRequest = { views: [...new Set(views)], ...(recipe ? { recipe } : {}) };
  return { ok: true, value: { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify(body) } };
}

/** What to show for a refused or failed request, by status, preferring the backend's own words. */
export function failureMessage(status: number, body: unknown): string {
  const error = readPanelError(body);
  if (status === 401 || status === 403) return "Shopify could not confirm your session with Shotlane. Reload the page and try again.";
  if (error && status >= 400 && status < 500) return error.error;
  if (status === 404) return "Shotlane does not know this product yet. Sync the catalog in Shotlane, then reload this page.";
  if (status >= 500) return error?.error ?? "Shotlane could not answer. Try again in a moment.";
  return error?.error ?? `Shotlane answered with an unexpected status (${status}). Reload the page and try again.`;
}

export const NETWORK_FAILURE = "Shotlane could not be reached. Check your connection, then reload the page.";

export type Answer<T> = { ok: true; value: T } | { ok: false; message: string };

async function bodyOf(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

async function read<T>(response: Response, reader: (body: unknown) => T | null): Promise<Answer<T>> {
  const body = await bodyOf(response);
  if (!response.ok) return { ok: false, message: failureMessage(response.status, body) };
  const value = reader(body);
  return value ? { ok: true, value } : { ok: false, message: "Shotlane sent an answer this extension does not understand. Reload the page; if it persists, update the app." };
}

export const readPanelResponse = (response: Response): Promise<Answer<ProductPanel>> => read(response, readPanel);
export const readProduceResponse = (response: Response): Promise<Answer<ProduceResult>> => read(response, readProduceResult);

/** Fetches and reads, turning a network failure into a message too. */
export async function fetchAnswer<T>(fetcher: typeof fetch, path: string, init: RequestInit | undefined, reader: (response: Response) => Promise<Answer<T>>): Promise<Answer<T>> {
  let response: Response;
  try {
    response = await fetcher(path, init);
  } catch {
    return { ok: false, message: NETWORK_FAILURE };
  }
  return reader(response);
}

/** An app path as an admin link: the `app:` protocol opens it inside the embedded app. */
export function appHref(path: string): string {
  return `app:${path.replace(/^\/+/, "")}`;
}

const PHASE_LABELS = { queued: "queued", generating: "generating", "post-production": "in post-production", qc: "in quality checks" } as const;

/** "3 in flight: 1 queued, 2 generating · 2 waiting for the studio", or "Nothing in production". */
export function inFlightLine(panel: Pick<ProductPanel, "inFlight">): string {
  const { total, byPhase, waitingStudio } = panel.inFlight;
  const parts: string[] = [];
  if (total > 0) {
    const phases = (Object.keys(PHASE_LABELS) as (keyof typeof PHASE_LABELS)[]).filter((p) => byPhase[p] > 0).map((p) => `${byPhase[p]} ${PHASE_LABELS[p]}`);
    parts.push(`${total} in flight: ${phases.join(", ")}`);
  }
  if (waitingStudio > 0) parts.push(`${waitingStudio} waiting for the studio`);
  return parts.length > 0 ? parts.join(" · ") : "Nothing in production";
}

export function reviewLinkLabel(awaitingReview: number): string {
  return awaitingReview === 0 ? "Open in Review" : awaitingReview === 1 ? "Review 1 awaiting asset" : `Review ${awaitingReview} awaiting assets`;
}

export function tierHeading(panel: Pick<ProductPanel, "tier">): string {
  return panel.tier ? `Tier ${panel.tier}` : "No tier";
}

/** The action's starting choices: the panel's suggested views (those of the plan only) and recipe. */
export function initialChoices(panel: Pick<ProductPanel, "action" | "plan" | "defaultRecipe">): { views: string[]; recipe: string | null } {
  const planned = new Set(panel.plan.items.map((i) => i.asset));
  return { views: panel.action.defaultViews.filter((v) => planned.has(v)), recipe: panel.defaultRecipe };
}

/**
 * Why the send button is off, or null when it may be pressed. An open order
 * does not block it: the backend answers with the reason it skipped, which
 * the action shows.
 */
export function sendBlocker(panel: Pick<ProductPanel, "plan" | "tier">, views: readonly string[]): string | null {
  if (!panel.tier) return "Route this product to a tier first (Shotlane → Tier routing, or pin it).";
  if (panel.plan.items.length === 0) return `The tier ${panel.tier} production plan asks for no assets: add some on Shotlane's Production plans page.`;
  if (views.length === 0) return "Choose at least one view to produce.";
  return null;
}

/** A line about an order still open, or null. */
export function openOrderLine(panel: Pick<ProductPanel, "openOrder">): string | null {
  return panel.openOrder ? `An order is still open (${panel.openOrder.status}): a new one waits until it finishes or is canceled.` : null;
}
