/**
 * Studio delivery: files named by a convention the shop configures
 * ("{sku}_{view}") are matched to a product, its colourway and a plan asset
 * kind. Pure and browser-safe, so the upload page can preview matches before
 * anything is stored. Every file gets exactly one result: nothing is dropped.
 *
 * Equivalences (decided here, documented for merchants):
 * - case never matters, and accents are ignored ("Crème" = "creme");
 * - the separators "-", "_", "." and spaces are interchangeable, in SKUs and in
 *   the template ("{sku}_{view}" also reads "SL-12-BLK-front");
 * - a SKU written without its separators ("SL12BLKM" for "SL-12-BLK-M") is
 *   accepted only when no SKU matches with separators, and is ambiguous when it
 *   could be more than one SKU.
 */
import { ASSET_KINDS, ASSET_LABELS, type AssetKind } from "../production/production-plan";
import { variantColour } from "../publishing/media-plan";
import { hasStrayBraces } from "../recipes/prompt-template";
import { fileNameStem } from "../imaging/file-naming";

export const STUDIO_PLACEHOLDERS = ["sku", "view", "colour", "index"] as const;
export type StudioPlaceholder = (typeof STUDIO_PLACEHOLDERS)[number];
export const DEFAULT_STUDIO_TEMPLATE = "{sku}_{view}";

export const STUDIO_IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "tif", "tiff", "webp", "avif", "heic", "heif"] as const;
export const STUDIO_VIDEO_EXTENSIONS = ["mp4", "mov", "m4v", "webm"] as const;

/** The words studios use for each view, first one is the one shown; the kind's own name is always accepted too. */
export const STUDIO_VIEW_ALIASES: Readonly<Record<AssetKind, readonly string[]>> = {
  "on-model-front": ["front", "fr", "f", "model-front"],
  "on-model-back": ["back", "bk", "b", "model-back"],
  "on-model-side": ["side", "sd", "s", "model-side"],
  packshot: ["packshot", "pack", "flat", "ps"],
  detail: ["detail", "dt", "zoom", "close-up", "closeup"],
  lifestyle: ["lifestyle", "life", "ls"],
  video: ["video", "vid", "movie"],
};

const SEPARATORS = /[\s_.-]+/g;

/** Case-, accent- and separator-insensitive form used for every comparison. */
function fold(value: string): string {
  // Most names are plain ASCII: skip the Unicode decomposition for them (large batches fold a lot).
  const ascii = /^[\x20-\x7e]*$/.test(value);
  return (ascii ? value : value.normalize("NFKD"))
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(SEPARATORS, "-")
    .replace(/^-+|-+$/g, "");
}

const compact = (folded: string) => folded.replace(/-/g, "");

const VIEW_INDEX: ReadonlyMap<string, AssetKind> = new Map(
  ASSET_KINDS.flatMap((kind) => [kind, ...STUDIO_VIEW_ALIASES[kind]].map((alias) => [fold(alias), kind] as const)),
);

/** The plan asset kind a view word stands for ("FR", "Zoom", "on_model_front"), else null. */
export function viewAssetKind(view: string): AssetKind | null {
  return VIEW_INDEX.get(fold(view)) ?? null;
}

/** "front, fr, f (On-model, front); …" for the unknown-view message. */
export function describeAcceptedViews(): string {
  return ASSET_KINDS.map((kind) => `${STUDIO_VIEW_ALIASES[kind].join("/")} (${ASSET_LABELS[kind]})`).join(", ");
}

// ---------------------------------------------------------------------------
// Template

export interface StudioNamingTemplate {
  template: string;
  /** Folded literals around the placeholders: literals.length === placeholders.length + 1. */
  literals: string[];
  placeholders: StudioPlaceholder[];
}

export type StudioTemplateResult = { ok: true; matcher: StudioNamingTemplate } | { ok: false; errors: string[] };

const PLACEHOLDER = /\{([^{}]*)\}/g;
const KNOWN_LIST = STUDIO_PLACEHOLDERS.map((p) => `{${p}}`).join(", ");
const PLACEHOLDER_SPELLINGS: Readonly<Record<string, StudioPlaceholder>> = { color: "colour", colourway: "colour", colorway: "colour", shot: "index", number: "index", angle: "view" };
const EXTENSION_TAIL = new RegExp(`\\.(${[...STUDIO_IMAGE_EXTENSIONS, ...STUDIO_VIDEO_EXTENSIONS].join("|")})$`, "i");

/**
 * Compiles the shop's naming convention, or lists every problem with it (each
 * naming the fix) for the settings field. The extension is not part of the
 * template; a trailing ".{ext}" (the rendition template's habit) is tolerated.
 */
export function parseStudioNamingTemplate(template: string): StudioTemplateResult {
  const source = template.trim().replace(/\.\{ext\}$/i, "");
  if (source === "") return { ok: false, errors: [`enter a naming convention such as ${DEFAULT_STUDIO_TEMPLATE}`] };
  const errors: string[] = [];
  if (hasStrayBraces(source)) errors.push("a brace is not closed: write placeholders as {sku}");

  const literals: string[] = [];
  const placeholders: StudioPlaceholder[] = [];
  let last = 0;
  for (const match of source.matchAll(PLACEHOLDER)) {
    const literal = source.slice(last, match.index);
    last = match.index + match[0].length;
    const raw = match[1].trim().toLowerCase();
    const name = (STUDIO_PLACEHOLDERS as readonly string[]).includes(raw) ? (raw as StudioPlaceholder) : PLACEHOLDER_SPELLINGS[raw];
    if (!name) {
      errors.push(`{${match[1]}} is not a placeholder: use ${KNOWN_LIST}`);
      continue;
    }
    if (placeholders.includes(name)) {
      errors.push(`{${name}} appears twice: use each placeholder once`);
      continue;
    }
    if (placeholders.length > 0 && foldLiteral(literal) === "") {
      errors.push(`{${placeholders[placeholders.length - 1]}}{${name}} has nothing between them, so a name cannot be split: put a separator such as _ between them`);
    }
    literals.push(foldLiteral(literal));
    placeholders.push(name);
  }
  const tail = source.slice(last);
  literals.push(foldLiteral(tail));

  if (!placeholders.includes("sku")) errors.push("must contain {sku}: the SKU (of any variant) is how a file finds its product");
  if (!placeholders.includes("view")) errors.push("must contain {view} (front, back, packshot …): without it every file of a product is the same shot");
  const extension = EXTENSION_TAIL.exec(tail);
  if (extension) errors.push(`leave out the extension ${extension[0]}: every image and video type is accepted`);
  const unsafe = [...new Set(source.replace(PLACEHOLDER, "").replace(/[{}]/g, "").replace(/[\p{L}\p{N}\s_.-]/gu, ""))].join("");
  if (unsafe !== "") errors.push(`"${unsafe}" cannot be used between placeholders: use letters, digits, dashes, underscores, dots or spaces`);

  return errors.length > 0 ? { ok: false, errors } : { ok: true, matcher: { template: source, literals, placeholders } };
}

/** A literal as it must appear in a stem: lower case, each separator any separator. */
function foldLiteral(literal: string): string {
  return literal.toLowerCase().replace(/[\s_.-]/g, "-");
}

// ---------------------------------------------------------------------------
// Catalog index

export interface StudioCatalogVariant {
  id: string;
  sku: string | null;
  /** Option name → value, as stored on ProductVariant.options ({"Color":"Black","Size":"M"}). */
  options: Record<string, string>;
}

export interface StudioCatalogProduct {
  productId: string;
  title: string;
  variants: StudioCatalogVariant[];
}

interface SkuEntry {
  sku: string;
  product: StudioCatalogProduct;
  variantId: string;
  colour: string | null;
}

interface CatalogIndex {
  byKey: Map<string, SkuEntry[]>;
  byCompact: Map<string, SkuEntry[]>;
  /** Built on the first unknown SKU only: folded deletions → SKU keys, for "did you mean". */
  neighbours?: Map<string, string | string[]>;
  /** Each product's variants with their colour, read once. */
  colours: Map<string, { id: string; colour: string | null }[]>;
}

function colourOfVariant(variant: StudioCatalogVariant): string | null {
  return variantColour(Object.entries(variant.options ?? {}).map(([name, value]) => ({ name, value: String(value) })));
}

function indexCatalog(catalog: readonly StudioCatalogProduct[]): CatalogIndex {
  const byKey = new Map<string, SkuEntry[]>();
  const byCompact = new Map<string, SkuEntry[]>();
  const colours = new Map<string, { id: string; colour: string | null }[]>();
  for (const product of catalog) {
    const variants = product.variants.map((variant) => ({ id: variant.id, colour: colourOfVariant(variant) }));
    colours.set(product.productId, variants);
    product.variants.forEach((variant, i) => {
      const key = variant.sku ? fold(variant.sku) : "";
      if (key === "") return;
      const entry: SkuEntry = { sku: variant.sku!, product, variantId: variant.id, colour: variants[i].colour };
      push(byKey, key, entry);
      push(byCompact, compact(key), entry);
    });
  }
  return { byKey, byCompact, colours };
}

function push<T>(map: Map<string, T[]>, key: string, value: T) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function lookupSku(index: CatalogIndex, value: string): { entries: SkuEntry[]; exact: boolean } | null {
  const key = fold(value);
  if (key === "") return null;
  const exact = index.byKey.get(key);
  if (exact) return { entries: exact, exact: true };
  const loose = index.byCompact.get(compact(key));
  return loose ? { entries: loose, exact: false } : null;
}

function deletions(key: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < key.length; i++) out.push(key.slice(0, i) + key.slice(i + 1));
  return out;
}

/** Known SKUs within two edits of an unknown one (compact form), closest first, at most 3. */
function nearestSkus(index: CatalogIndex, value: string): string[] {
  if (!index.neighbours) {
    // One-deletion neighbourhoods (SymSpell): candidates come from map look-ups, not a scan of every SKU.
    const neighbours = new Map<string, string | string[]>();
    const add = (variant: string, key: string) => {
      const known = neighbours.get(variant);
      if (known === undefined) neighbours.set(variant, key);
      else if (typeof known === "string") neighbours.set(variant, [known, key]);
      else known.push(key);
    };
    for (const key of index.byCompact.keys()) {
      add(key, key);
      for (let i = 0; i < key.length; i++) add(key.slice(0, i) + key.slice(i + 1), key);
    }
    index.neighbours = neighbours;
  }
  const query = compact(fold(value));
  if (query.length < 3) return [];
  const candidates = new Set<string>();
  for (const variant of [query, ...deletions(query)]) {
    const keys = index.neighbours.get(variant) ?? [];
    for (const key of typeof keys === "string" ? [keys] : keys) candidates.add(key);
  }
  return [...candidates]
    .map((key) => ({ key, distance: editDistance(query, key) }))
    .filter((c) => c.distance <= 2)
    .sort((a, b) => a.distance - b.distance || a.key.localeCompare(b.key))
    .slice(0, 3)
    .map((c) => index.byCompact.get(c.key)![0].sku);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

// ---------------------------------------------------------------------------
// Splitting a stem by the template

type Span = { start: number; end: number };
type Split = Partial<Record<StudioPlaceholder, Span>>;
type Accept = (name: StudioPlaceholder, value: string) => boolean;

/** Work cap per split attempt, so a pathological name (hundreds of separators) cannot stall a batch. */
const SPLIT_BUDGET = 5_000;

/** Longer names cannot exist on common file systems (255 bytes), and splitting them costs more. */
export const MAX_STUDIO_NAME_LENGTH = 255;

/**
 * Every way `text` (already folded by foldLiteral) fits the template with each
 * value accepted. Only positions where the next literal occurs are tried, so a
 * SKU that contains the separator ("sl-12-blk" in "{sku}-{view}") still splits.
 * The `greedy` placeholder tries its longest value first (diagnostics read a
 * free SKU as "XX-1", not "XX", in "XX-1_top").
 */
function splits(text: string, tpl: StudioNamingTemplate, accept: Accept, limit: number, greedy?: StudioPlaceholder): Split[] {
  const found: Split[] = [];
  const { literals, placeholders } = tpl;
  if (!text.startsWith(literals[0])) return found;
  let budget = SPLIT_BUDGET;
  const current: Split = {};
  const walk = (i: number, pos: number): void => {
    if (found.length >= limit || budget-- <= 0) return;
    const name = placeholders[i];
    const next = literals[i + 1];
    if (i === placeholders.length - 1) {
      const end = text.length - next.length;
      if (end > pos && text.endsWith(next) && accept(name, text.slice(pos, end))) {
        current[name] = { start: pos, end };
        found.push({ ...current });
      }
      return;
    }
    const ends: number[] = [];
    for (let at = text.indexOf(next, pos + 1); at !== -1; at = text.indexOf(next, at + 1)) ends.push(at);
    if (name === greedy) ends.reverse();
    for (const at of ends) {
      if (budget-- <= 0) return;
      if (!accept(name, text.slice(pos, at))) continue;
      current[name] = { start: pos, end: at };
      walk(i + 1, at + next.length);
      if (found.length >= limit) return;
    }
  };
  walk(0, literals[0].length);
  return found;
}

// ---------------------------------------------------------------------------
// Matching

export interface StudioFile {
  name: string;
  bytes?: number;
}

export interface StudioMatched {
  name: string;
  status: "matched";
  productId: string;
  productTitle: string;
  /** The SKU as the catalog spells it. */
  sku: string;
  /** Every variant of the SKU's colourway (all variants sharing its colour), so the shot can be attached to each. */
  variantIds: string[];
  colour: string | null;
  asset: AssetKind;
  /** The view word as written in the file name. */
  view: string;
  index?: number;
}

export interface StudioProblem {
  name: string;
  status: "unmatched" | "ambiguous" | "rejected";
  reason: string;
  /** Known SKUs close to an unknown one, for a "did you mean" and hand assignment. */
  suggestions?: string[];
  /** Products the file could belong to (ambiguous SKU, duplicate), for hand assignment. */
  productIds?: string[];
}

export type StudioMatch = StudioMatched | StudioProblem;

const IMAGE = new Set<string>(STUDIO_IMAGE_EXTENSIONS);
const ACCEPTED_EXTENSIONS = [...STUDIO_IMAGE_EXTENSIONS, ...STUDIO_VIDEO_EXTENSIONS].map((e) => `.${e}`).join(", ");
const VIDEO = new Set<string>(STUDIO_VIDEO_EXTENSIONS);

/**
 * One result per file, in the order given. `template` is the shop's convention
 * (compile it with parseStudioNamingTemplate when saving settings; an invalid
 * string here is a programming error and throws).
 */
export function matchStudioFiles(files: readonly StudioFile[], catalog: readonly StudioCatalogProduct[], template: StudioNamingTemplate | string): StudioMatch[] {
  const tpl = typeof template === "string" ? compileOrThrow(template) : template;
  const index = indexCatalog(catalog);
  const results = files.map((file) => matchOne(file, index, tpl));
  markDuplicates(results);
  return results;
}

function compileOrThrow(template: string): StudioNamingTemplate {
  const parsed = parseStudioNamingTemplate(template);
  if (!parsed.ok) throw new Error(`the studio naming convention "${template}" is not usable: ${parsed.errors.join("; ")}`);
  return parsed.matcher;
}

function matchOne(file: StudioFile, index: CatalogIndex, tpl: StudioNamingTemplate): StudioMatch {
  const { name } = file;
  const base = name.split(/[\\/]/).pop()!.normalize("NFC");
  const problem = (status: StudioProblem["status"], reason: string, extra: Partial<StudioProblem> = {}): StudioProblem => ({ name, status, reason, ...extra });

  const stem = fileNameStem(base);
  const extension = stem === base ? "" : base.slice(stem.length + 1).toLowerCase();
  if (extension === "") return problem("rejected", `has no extension: studio files must be images or videos (${ACCEPTED_EXTENSIONS})`);
  if (!IMAGE.has(extension) && !VIDEO.has(extension)) return problem("rejected", `.${extension} is not an image or video: upload ${ACCEPTED_EXTENSIONS}`);
  if (base.length > MAX_STUDIO_NAME_LENGTH) return problem("rejected", `the name is ${base.length} characters long: shorten it to ${MAX_STUDIO_NAME_LENGTH} or fewer`);
  if (file.bytes === 0) return problem("rejected", "the file is empty (0 bytes): upload it again");

  // Separators map one to one, so positions in `text` are positions in `stem` (for quoting what was written) unless lower-casing changed the length.
  const text = stem.toLowerCase().replace(/[\s_.-]/g, "-");
  const original = (span: Span | undefined) => (span ? (text.length === stem.length ? stem.slice(span.start, span.end) : text.slice(span.start, span.end)) : "");
  const isDigits = (v: string) => /^\d+$/.test(v);

  const strict: Accept = (p, v) => (p === "sku" ? lookupSku(index, v) !== null : p === "view" ? viewAssetKind(v) !== null : p === "index" ? isDigits(v) : fold(v) !== "");
  const candidates = splits(text, tpl, strict, 50);

  if (candidates.length === 0) {
    // Find which part failed: free the SKU, then the view, then the rest around a known SKU, then everything.
    const free = (...names: StudioPlaceholder[]): Accept => (p, v) => (names.includes(p) ? fold(v) !== "" : strict(p, v));
    const skuFree = splits(text, tpl, free("sku"), 1, "sku")[0];
    if (skuFree) return unknownSku(original(skuFree.sku));
    const viewFree = splits(text, tpl, free("view"), 1)[0];
    if (viewFree) return problem("unmatched", `"${original(viewFree.view)}" is not a known view: name it ${describeAcceptedViews()}`);
    const notFollowed = problem("unmatched", `does not follow the naming convention ${tpl.template}${exampleName(tpl)}: rename it or assign it by hand`);
    // The whole name is a SKU: the view (or another part) is missing, not unknown.
    if (lookupSku(index, stem)) return notFollowed;
    const skuKnown = splits(text, tpl, free("view", "index", "colour"), 1)[0];
    const loose = skuKnown ?? splits(text, tpl, free("sku", "view", "index", "colour"), 1, "sku")[0];
    if (!loose) return notFollowed;
    const parts = skuKnown ? [] : [`SKU "${original(loose.sku)}" is not in the catalog`];
    if (!viewAssetKind(original(loose.view))) parts.push(`"${original(loose.view)}" is not a known view`);
    if (loose.index && !isDigits(original(loose.index))) parts.push(`shot number "${original(loose.index)}" is not a number`);
    if (parts.length === 0) return notFollowed;
    return problem("unmatched", `${parts.join(", ")}: follow ${tpl.template} or assign it by hand`, skuKnown ? {} : { suggestions: nearestSkus(index, original(loose.sku)) });
  }

  function unknownSku(sku: string): StudioProblem {
    const suggestions = nearestSkus(index, sku);
    const hint = suggestions.length > 0 ? ` (did you mean ${suggestions.join(", ")}?)` : "";
    return problem("unmatched", `SKU "${sku}" is not in the catalog${hint}: rename the file or assign it by hand`, { suggestions });
  }

  // Longest SKU wins, so "SL-1" never takes a file of "SL-1-BLK"; then an exact spelling over one without separators.
  const ranked = candidates
    .map((split) => ({ split, hit: lookupSku(index, text.slice(split.sku!.start, split.sku!.end))! }))
    .sort((a, b) => fold(original(b.split.sku)).length - fold(original(a.split.sku)).length || Number(b.hit.exact) - Number(a.hit.exact));
  const { split, hit } = ranked[0];
  const skuText = original(split.sku);
  const viewText = original(split.view);
  const colourText = split.colour ? original(split.colour) : undefined;

  const products = [...new Map(hit.entries.map((e) => [e.product.productId, e.product])).values()];
  if (products.length > 1) {
    return problem("ambiguous", `SKU "${skuText}" belongs to ${products.length} products (${products.map((p) => p.title).join(", ")}): make the SKUs unique in Shopify or assign the file by hand`, { productIds: products.map((p) => p.productId) });
  }
  const product = products[0];
  let colour: string | null;
  const skuColours = [...new Set(hit.entries.map((e) => e.colour))];
  if (colourText !== undefined) {
    const productColours = [...new Set(index.colours.get(product.productId)!.map((v) => v.colour).filter((c): c is string => c !== null))];
    const named = productColours.find((c) => fold(c) === fold(colourText));
    if (!named) return problem("unmatched", `"${colourText}" is not a colour of ${product.title}: use ${productColours.join(", ") || "no colour (the product has no colour option)"}`, { productIds: [product.productId] });
    if (!skuColours.some((c) => c !== null && fold(c) === fold(named)) && skuColours.some((c) => c !== null)) {
      return problem("unmatched", `the name says ${named} but SKU "${skuText}" is ${skuColours.filter(Boolean).join("/")}: fix the SKU or the colour, or assign it by hand`, { productIds: [product.productId] });
    }
    colour = named;
  } else {
    if (skuColours.length > 1) {
      return problem("ambiguous", `SKU "${skuText}" is on variants of several colours (${skuColours.map((c) => c ?? "no colour").join(", ")}) of ${product.title}: give each colourway its own SKU or assign the file by hand`, { productIds: [product.productId] });
    }
    colour = skuColours[0];
  }

  const viewKind = viewAssetKind(viewText)!;
  const isVideo = VIDEO.has(extension);
  if (viewKind === "video" && !isVideo) return problem("rejected", `"${viewText}" is the video view but .${extension} is a still image: upload the video (${STUDIO_VIDEO_EXTENSIONS.map((e) => `.${e}`).join(", ")}) or name the still by its view (front, packshot …)`);
  const asset: AssetKind = isVideo ? "video" : viewKind;
  const wanted = colour === null ? null : fold(colour);
  const variantIds = index.colours.get(product.productId)!.filter((v) => (v.colour === null ? wanted === null : fold(v.colour) === wanted)).map((v) => v.id);

  const matched: StudioMatched = { name, status: "matched", productId: product.productId, productTitle: product.title, sku: hit.entries[0].sku, variantIds, colour, asset, view: viewText };
  if (split.index) matched.index = Number.parseInt(original(split.index), 10);
  return matched;
}

function exampleName(tpl: StudioNamingTemplate): string {
  const example = tpl.placeholders.reduce((out, p, i) => out + { sku: "SL-00012-BLK-M", view: "front", colour: "black", index: "1" }[p] + tpl.literals[i + 1].replace(/-/g, "_"), tpl.literals[0].replace(/-/g, "_"));
  return ` (for example ${example}.jpg)`;
}

/** Two files for the same product, colourway, asset and shot number: neither is taken, both are shown. */
function markDuplicates(results: StudioMatch[]) {
  const first = new Map<string, number>();
  const key = (m: StudioMatched) => JSON.stringify([m.productId, m.colour === null ? null : fold(m.colour), m.asset, m.index ?? null]);
  results.forEach((result, i) => {
    if (result.status !== "matched") return;
    const k = key(result);
    const earlier = first.get(k);
    if (earlier === undefined) {
      first.set(k, i);
      return;
    }
    const original = results[earlier];
    const shot = `${ASSET_LABELS[result.asset]}${result.colour ? `, ${result.colour}` : ""}${result.index !== undefined ? `, shot ${result.index}` : ""}`;
    if (original.status === "matched") {
      results[earlier] = { name: original.name, status: "ambiguous", reason: `${result.name} is the same shot of ${original.productTitle} (${shot}): keep one, or give them shot numbers`, productIds: [original.productId] };
    }
    results[i] = { name: result.name, status: "ambiguous", reason: `duplicate of ${original.name} (${result.productTitle}, ${shot}): keep one, or give them shot numbers`, productIds: [result.productId] };
  });
}

// ---------------------------------------------------------------------------
// Report

export interface StudioMatchSummary {
  total: number;
  counts: Record<StudioMatch["status"], number>;
  /** Files the merchant must look at (every non-matched one), in upload order. */
  needsAttention: StudioProblem[];
  matched: StudioMatched[];
}

export function summariseMatches(results: readonly StudioMatch[]): StudioMatchSummary {
  const counts: StudioMatchSummary["counts"] = { matched: 0, unmatched: 0, ambiguous: 0, rejected: 0 };
  const needsAttention: StudioProblem[] = [];
  const matched: StudioMatched[] = [];
  for (const result of results) {
    counts[result.status]++;
    if (result.status === "matched") matched.push(result);
    else needsAttention.push(result);
  }
  return { total: results.length, counts, needsAttention, matched };
}
