/**
 * Recipe prompt templates: "{title} in {colour}, {fabric}, worn by the brand
 * model" filled from product fields. Pure, so the editor's live preview and
 * the production pipeline render exactly the same text.
 */

export const PROMPT_PLACEHOLDERS = ["title", "colour", "fabric", "productType", "vendor", "view", "pose", "lighting", "background"] as const;
export type PromptPlaceholder = (typeof PROMPT_PLACEHOLDERS)[number];

/** Names merchants reach for first, mapped to the placeholder they mean (for the error message). */
const SUGGESTIONS: Readonly<Record<string, PromptPlaceholder>> = {
  color: "colour",
  colours: "colour",
  colors: "colour",
  name: "title",
  product: "title",
  type: "productType",
  producttype: "productType",
  product_type: "productType",
  category: "productType",
  material: "fabric",
  brand: "vendor",
  light: "lighting",
  backdrop: "background",
  bg: "background",
  angle: "view",
};

/** Known fabric words, longest first so "organic cotton" wins over "cotton". */
export const FABRIC_WORDS = [
  "organic cotton",
  "cashmere",
  "corduroy",
  "polyester",
  "chiffon",
  "leather",
  "viscose",
  "lyocell",
  "merino",
  "cotton",
  "tencel",
  "poplin",
  "jersey",
  "velvet",
  "nylon",
  "satin",
  "denim",
  "tweed",
  "suede",
  "fleece",
  "linen",
  "modal",
  "hemp",
  "silk",
  "wool",
] as const;

export interface PromptProduct {
  title: string;
  productType: string;
  vendor: string;
  tags: readonly string[];
  variants: readonly { options: Readonly<Record<string, string>> }[];
}

export interface PromptContext {
  view?: string;
  pose?: string;
  lighting?: string;
  background?: string;
  /** Which variant's colour to use; the first variant by default. */
  variantIndex?: number;
}

const PLACEHOLDER = /\{([^{}]*)\}/g;
const KNOWN: ReadonlySet<string> = new Set(PROMPT_PLACEHOLDERS);

/** The placeholder names in a template that renderPrompt does not know, in order, each once. */
export function validatePromptTemplate(template: string): string[] {
  const unknown: string[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1];
    if (!KNOWN.has(name) && !unknown.includes(name)) unknown.push(name);
  }
  return unknown;
}

/** Braces left over once every {placeholder} is taken out: a typo such as "{title" or "colour}". */
export function hasStrayBraces(template: string): boolean {
  return /[{}]/.test(template.replace(PLACEHOLDER, ""));
}

/** The placeholder a merchant probably meant by an unknown name, when there is an obvious one. */
export function suggestPlaceholder(name: string): PromptPlaceholder | undefined {
  const key = name.trim();
  const exact = PROMPT_PLACEHOLDERS.find((p) => p.toLowerCase() === key.toLowerCase());
  return exact ?? SUGGESTIONS[key.toLowerCase()];
}

/** One sentence naming the unknown placeholders and the fix, for the promptTemplate field. */
export function describeUnknownPlaceholders(unknown: readonly string[]): string {
  const hints = unknown.map((name) => {
    const suggestion = suggestPlaceholder(name);
    return suggestion ? `{${name}} (did you mean {${suggestion}}?)` : `{${name}}`;
  });
  return `unknown placeholder${unknown.length > 1 ? "s" : ""} ${hints.join(", ")}: use only ${PROMPT_PLACEHOLDERS.map((p) => `{${p}}`).join(" ")}`;
}

/** The colour option (Color or Colour, any case) of the chosen variant, else "". */
export function colourOf(product: PromptProduct, variantIndex = 0): string {
  const variant = product.variants[variantIndex] ?? product.variants[0];
  if (!variant) return "";
  const entry = Object.entries(variant.options).find(([name]) => /^colou?r$/i.test(name.trim()));
  return entry ? entry[1].trim() : "";
}

/** From a "fabric:linen" (or "material:linen") tag, else the first known fabric word in the title, else "". */
export function fabricOf(product: PromptProduct): string {
  for (const tag of product.tags) {
    const match = /^\s*(fabric|material)\s*:\s*(.+)$/i.exec(tag);
    if (match && match[2].trim()) return match[2].trim().toLowerCase();
  }
  const title = product.title.toLowerCase();
  let best: { word: string; at: number } | undefined;
  for (const word of FABRIC_WORDS) {
    const at = new RegExp(`(^|[^a-z])${word.replace(" ", "[\\s-]+")}($|[^a-z])`).exec(title)?.index;
    // The earliest fabric in the title; on a tie the longer word (list order) is kept.
    if (at !== undefined && (best === undefined || at < best.at)) best = { word, at };
  }
  return best?.word ?? "";
}

/** "soft-daylight" reads better in a prompt as "soft daylight"; colours (#rrggbb) are kept as they are. */
function presetWords(value: string | undefined): string {
  return (value ?? "").replace(/-/g, " ").trim();
}

/**
 * Fills the template. Unknown placeholders render as empty (validation refuses
 * them at save time); missing values leave no double spaces or commas behind.
 * Values are inserted once, so a "{" in a product title is never re-read.
 */
export function renderPrompt(template: string, product: PromptProduct, context: PromptContext = {}): string {
  const values: Record<PromptPlaceholder, string> = {
    title: product.title.trim(),
    colour: colourOf(product, context.variantIndex),
    fabric: fabricOf(product),
    productType: product.productType.trim(),
    vendor: product.vendor.trim(),
    view: presetWords(context.view),
    pose: presetWords(context.pose),
    lighting: presetWords(context.lighting),
    background: presetWords(context.background),
  };
  const filled = template.replace(PLACEHOLDER, (_, name: string) => (KNOWN.has(name) ? values[name as PromptPlaceholder] : ""));
  return filled
    .replace(/[ \t]+/g, " ")
    .replace(/ +([,.;])/g, "$1")
    .replace(/,(\s*,)+/g, ",")
    .replace(/^[\s,]+|[\s,]+$/g, "")
    .replace(/ {2,}/g, " ");
}

export type SeedPolicy = { mode: "fixed"; seed: number } | { mode: "per-candidate"; base: number } | { mode: "random" };

/** Seeds are kept within a signed 32-bit integer, the widest range every provider accepts. */
export const MAX_SEED = 2_147_483_647;
/** More than the 4 candidates a view may have, so per-candidate seeds never repeat across views. */
const VIEW_STRIDE = 10;

/**
 * The seed for one candidate of one view: the same every time (fixed), a
 * distinct reproducible seed per candidate and view (per-candidate), or
 * undefined so the provider chooses (random).
 */
export function seedFor(policy: SeedPolicy, candidateIndex: number, viewIndex: number): number | undefined {
  if (policy.mode === "fixed") return policy.seed;
  if (policy.mode === "random") return undefined;
  return (policy.base + viewIndex * VIEW_STRIDE + candidateIndex) % (MAX_SEED + 1);
}
