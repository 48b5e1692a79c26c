/**
 * File names for renditions, from a template the merchant edits
 * ("{sku}_{view}_{channel}.{ext}"). Pure. Names are safe everywhere they
 * travel (Shopify's CDN, S3 keys, zip downloads, Windows): lower-case a-z,
 * 0-9, dash, underscore and dot only.
 */

export const DEFAULT_NAMING_TEMPLATE = "{sku}_{view}_{channel}.{ext}";
export const MAX_FILE_NAME_LENGTH = 120;

export const NAMING_PLACEHOLDERS = ["sku", "handle", "view", "channel", "ext", "colour", "index", "productId"] as const;
export type NamingPlaceholder = (typeof NAMING_PLACEHOLDERS)[number];

export interface FileNameValues {
  sku?: string;
  handle: string;
  view?: string;
  channel: string;
  ext: string;
  colour?: string;
  index?: number;
  productId?: string;
}

const PLACEHOLDER = /\{([^{}]*)\}/g;
const KNOWN = new Set<string>(NAMING_PLACEHOLDERS);

/** Every problem with a template, each naming its fix; empty when it is usable. */
export function validateNamingTemplate(template: string): string[] {
  const errors: string[] = [];
  const known = NAMING_PLACEHOLDERS.map((name) => `{${name}}`).join(", ");
  if (template.trim() === "") return [`enter a template such as ${DEFAULT_NAMING_TEMPLATE}`];
  const used = new Set<string>();
  for (const [, name] of template.matchAll(PLACEHOLDER)) {
    if (KNOWN.has(name)) used.add(name);
    else errors.push(`{${name}} is not a placeholder: use ${known}`);
  }
  const outside = template.replace(PLACEHOLDER, "");
  if (/[{}]/.test(outside)) errors.push("a brace is not closed: write placeholders as {name}");
  if (!used.has("channel")) errors.push("must contain {channel}, or every channel's file would get the same name");
  if (!used.has("ext")) errors.push("must contain {ext} so the file keeps its type");
  else if (!/\.\{ext\}$/.test(template)) errors.push("must end with .{ext}");
  if (!used.has("sku") && !used.has("handle") && !used.has("productId")) {
    errors.push("must contain {sku}, {handle} or {productId}, or files of different products would share names");
  }
  const literal = outside.replace(/[a-zA-Z0-9_.\- ]/g, "");
  if (literal !== "") errors.push(`"${[...new Set(literal)].join("")}" cannot be used in file names: use letters, digits, dashes, underscores and dots`);
  return errors;
}

/** "Crème Brûlée / Rot" → "creme-brulee-rot": accents transliterated, anything else unsafe becomes a dash. */
function slugPart(value: string): string {
  return value
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/ß/g, "ss")
    .replace(/[æÆ]/g, "ae")
    .replace(/[øØ]/g, "o")
    .replace(/[œŒ]/g, "oe")
    .replace(/[łŁ]/g, "l")
    .replace(/[đĐðÐ]/g, "d")
    .replace(/[þÞ]/g, "th")
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, "-");
}

function collapse(name: string): string {
  // Runs of separators become the first of them; none at either end.
  return name.replace(/[-_.]{2,}/g, (run) => run[0]).replace(/^[-_.]+|[-_.]+$/g, "");
}

/**
 * The file name for one rendition. The SKU falls back to the handle when the
 * variant has none, so the default template still names the product. Empty
 * values are dropped with their separator; the result keeps its extension
 * within MAX_FILE_NAME_LENGTH characters.
 */
export function renderFileName(template: string, values: FileNameValues): string {
  const problems = validateNamingTemplate(template);
  if (problems.length > 0) throw new Error(`the file-name template "${template}" is not usable: ${problems.join("; ")}`);
  const ext = collapse(slugPart(values.ext.replace(/^\.+/, ""))).replace(/\./g, "");
  if (ext === "") throw new Error("the file extension is empty: pass the rendition's format, such as jpg");

  const text: Record<NamingPlaceholder, string> = {
    sku: values.sku?.trim() ? values.sku : values.handle,
    handle: values.handle,
    view: values.view ?? "",
    channel: values.channel,
    ext: "",
    colour: values.colour ?? "",
    index: values.index === undefined ? "" : String(values.index),
    productId: values.productId?.replace(/^gid:\/\/shopify\/Product\//, "") ?? "",
  };
  const stem = template.replace(/\.\{ext\}$/, "");
  // Each value is slugged and trimmed on its own, so the template's separators
  // are the ones kept and an empty value leaves only a doubled separator.
  const rendered = stem.replace(PLACEHOLDER, (_, name: NamingPlaceholder) => collapse(slugPart(text[name]).replace(/\./g, "-")));
  let base = collapse(slugPart(rendered));
  if (base === "") throw new Error("every value in the file-name template is empty: the product needs a handle");
  const room = MAX_FILE_NAME_LENGTH - ext.length - 1;
  if (base.length > room) base = collapse(base.slice(0, room));
  return `${base}.${ext}`;
}

/** A file name without its extension ("sku_front.jpg" → "sku_front"). */
export function fileNameStem(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(0, dot) : name;
}

/** `name` if it is free, else name-2.ext, name-3.ext … (the first free one). */
export function uniqueFileName(name: string, taken: (candidate: string) => boolean): string {
  if (!taken(name)) return name;
  const stem = fileNameStem(name);
  const ext = name.slice(stem.length);
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const room = MAX_FILE_NAME_LENGTH - ext.length - suffix.length;
    const trimmed = stem.length > room ? stem.slice(0, room).replace(/[-_.]+$/, "") : stem;
    const candidate = `${trimmed}${suffix}${ext}`;
    if (!taken(candidate)) return candidate;
  }
}
