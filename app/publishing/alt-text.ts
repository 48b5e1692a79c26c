import { hasStrayBraces, suggestPlaceholder } from "../recipes/prompt-template";

/**
 * Alt text for published media, from a template the merchant edits
 * ("{title} – {colour} – {view}"). Pure and browser-safe, so the Settings
 * page's live preview and the publishing worker write exactly the same text.
 * Same placeholder syntax as the recipe prompt and the file-name templates.
 */

export const DEFAULT_ALT_TEMPLATE = "{title} – {colour} – {view}";
/** Shopify refuses alt text longer than this (Media.alt, productUpdate's media input). */
export const MAX_ALT_LENGTH = 512;

export const ALT_PLACEHOLDERS = ["title", "colour", "view", "vendor", "productType", "sku"] as const;
export type AltPlaceholder = (typeof ALT_PLACEHOLDERS)[number];

export interface AltTextFacts {
  title: string;
  /** The colourway the asset shows; null when the product has no colour option. */
  colour: string | null;
  /** The asset's view ("front", "on-model-back", …); null for most videos. */
  view: string | null;
  kind: "image" | "video";
  vendor?: string | null;
  productType?: string | null;
  sku?: string | null;
}

const PLACEHOLDER = /\{([^{}]*)\}/g;
const KNOWN: ReadonlySet<string> = new Set(ALT_PLACEHOLDERS);
const KNOWN_LIST = ALT_PLACEHOLDERS.map((p) => `{${p}}`).join(", ");

/** The alt placeholder an unknown name probably meant: the same name in another case, or the prompt template's usual suspects ({color}, {name}, {brand}…). */
function suggestAltPlaceholder(name: string): AltPlaceholder | undefined {
  const exact = ALT_PLACEHOLDERS.find((p) => p.toLowerCase() === name.trim().toLowerCase());
  if (exact) return exact;
  const suggestion = suggestPlaceholder(name);
  return suggestion && KNOWN.has(suggestion) ? (suggestion as AltPlaceholder) : undefined;
}

/** Every problem with a template, each naming its fix; empty when it is usable. */
export function validateAltTemplate(template: string): string[] {
  if (template.trim() === "") return [`enter a template such as ${DEFAULT_ALT_TEMPLATE}`];
  const errors: string[] = [];
  const unknown = new Set<string>();
  let used = 0;
  for (const [, name] of template.matchAll(PLACEHOLDER)) {
    if (KNOWN.has(name)) used++;
    else if (!unknown.has(name)) {
      unknown.add(name);
      const suggestion = suggestAltPlaceholder(name);
      errors.push(`{${name}} is not a placeholder${suggestion ? ` (did you mean {${suggestion}}?)` : ""}: use ${KNOWN_LIST}`);
    }
  }
  if (hasStrayBraces(template)) errors.push("a brace is not closed: write placeholders as {name}, such as {title}");
  // Without a placeholder every image of every product gets the same words, which tells a screen-reader user nothing.
  else if (used === 0 && unknown.size === 0) errors.push(`use at least one placeholder, such as {title}, so each image gets its own description: ${KNOWN_LIST}`);
  if (template.length > MAX_ALT_LENGTH) errors.push(`keep the template under ${MAX_ALT_LENGTH} characters, Shopify's limit for alt text`);
  return errors;
}

/**
 * How a view reads in alt text: "on-model-front" → "On-model front",
 * "flat" → "Flat lay", a video without a view (or the plan's "video") → "Video". Capitalised like the
 * review grid's view labels, since the default template puts it after a dash.
 */
export function altViewWords(view: string | null, kind: "image" | "video"): string {
  const words = (view ?? "")
    .trim()
    .replace(/^flat$/i, "flat lay")
    .replace(/[-_\s]+/g, " ")
    // "on-model" is one word in the plan's asset names (on-model-front) and in English.
    .replace(/^on model\b/i, "on-model");
  // The plan names a clip's asset "video": it must not read "Video video".
  const text = kind === "video" && !/\bvideo$/i.test(words) ? (words ? `${words} video` : "video") : words;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Separators a merchant puts between placeholders: dashes, bars, slashes, dots, commas, colons. */
const SEPARATOR = "[–—\\-|/·•,;:+&]";
const TRAILING_SEPARATOR = new RegExp(`\\s*${SEPARATOR}+\\s*$`);
const LEADING_SEPARATOR = new RegExp(`^\\s*${SEPARATOR}+\\s*`);

/** Cuts to `max` UTF-16 units without splitting a surrogate pair, ending in "…". */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  if (/[\uD800-\uDBFF]/.test(text.charAt(cut - 1))) cut--;
  return `${text.slice(0, cut).replace(/\s+$/, "")}…`;
}

/**
 * Fills the template. A placeholder with no value is dropped together with
 * the separator before it (or after it, at the start), so "{title} – {colour}
 * – {view}" without a colour reads "Title – Front", never "Title –  – Front";
 * brackets left empty go too. Values are inserted once, so braces in a
 * product title are never re-read. Unknown placeholders render as empty
 * (validation refuses them at save time). At most MAX_ALT_LENGTH characters.
 */
export function renderAltText(template: string, facts: AltTextFacts): string {
  const values: Record<AltPlaceholder, string> = {
    title: facts.title,
    colour: facts.colour ?? "",
    view: altViewWords(facts.view, facts.kind),
    vendor: facts.vendor ?? "",
    productType: facts.productType ?? "",
    sku: facts.sku ?? "",
  };
  // Literal pieces and filled values in order. An empty value takes the separator before it
  // with it when a value precedes; else (at the start) the separator after it.
  let text = "";
  let valueBefore = false;
  let dropLeading = false;
  let last = 0;
  const appendLiteral = (literal: string) => {
    const kept = dropLeading ? literal.replace(LEADING_SEPARATOR, "") : literal;
    if (kept.trim() !== "") dropLeading = false;
    text += kept;
  };
  for (const match of template.matchAll(PLACEHOLDER)) {
    appendLiteral(template.slice(last, match.index));
    last = match.index + match[0].length;
    const value = KNOWN.has(match[1]) ? values[match[1] as AltPlaceholder].replace(/\s+/g, " ").trim() : "";
    if (value !== "") {
      text += value;
      valueBefore = true;
      dropLeading = false;
    } else if (valueBefore) text = text.replace(TRAILING_SEPARATOR, "");
    else dropLeading = true;
  }
  appendLiteral(template.slice(last));
  // Nothing came after the empty values: the separator before them is left dangling.
  if (dropLeading) text = text.replace(TRAILING_SEPARATOR, "");
  const cleaned = text
    .replace(/\s*(\(\s*\)|\[\s*\])/g, "")
    .replace(/\s+/g, " ")
    .trim();
  return truncate(cleaned, MAX_ALT_LENGTH);
}
