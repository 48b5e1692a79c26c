/**
 * Pure parts of studio intake (issue #8): the statuses a studio file moves
 * through, which of them a person may still act on, the hand-assignment
 * schema, and the catalog pre-filter that lets one file be matched against a
 * 10,000-variant catalog without indexing all of it for every file.
 */
import { z } from "zod";
import { ASSET_KINDS, ASSET_LABELS, type AssetKind } from "../production/production-plan";
import type { StudioCatalogProduct } from "./file-matching";

export const STUDIO_UPLOAD_STATUSES = ["uploading", "unmatched", "ambiguous", "rejected", "duplicate", "ingested", "failed", "discarded"] as const;
export type StudioUploadStatus = (typeof STUDIO_UPLOAD_STATUSES)[number];

/** A person may assign these by hand (a rejected file only when its bytes are a usable image). */
export const ASSIGNABLE_STATUSES: readonly StudioUploadStatus[] = ["unmatched", "ambiguous", "duplicate", "rejected"];
/** Everything not yet an asset can be set aside. */
export const DISCARDABLE_STATUSES: readonly StudioUploadStatus[] = ["uploading", "unmatched", "ambiguous", "rejected", "duplicate", "failed"];

/** Studio stills: every plan asset kind but the video. */
export const STUDIO_IMAGE_KINDS = ASSET_KINDS.filter((kind): kind is Exclude<AssetKind, "video"> => kind !== "video");

/** Statuses a studio file can be listed by ("ingested,unmatched"), unknown words dropped. */
export function parseStatusFilter(value: string | readonly string[] | null | undefined): StudioUploadStatus[] {
  const words = (typeof value === "string" ? value.split(",") : (value ?? [])).map((w) => w.trim().toLowerCase());
  return STUDIO_UPLOAD_STATUSES.filter((status) => words.includes(status));
}

export const studioAssignmentSchema = z.object({
  productId: z.string({ error: "choose a product of this shop" }).trim().min(1, "choose a product of this shop"),
  assetKind: z.enum(STUDIO_IMAGE_KINDS, { error: `choose the view the file shows (${STUDIO_IMAGE_KINDS.map((k) => ASSET_LABELS[k]).join(", ")})` }),
  colour: z
    .string({ error: "choose the colourway the file shows" })
    .trim()
    .max(100, "choose the colourway the file shows")
    .nullish()
    .transform((v) => (v ? v : null)),
});
export type StudioAssignment = z.infer<typeof studioAssignmentSchema>;

/**
 * The same case-, accent- and separator-insensitive form file-matching.ts
 * compares SKUs in, with the separators removed: a SKU the matcher can find
 * in a file name always appears, in this form, inside the name's own form.
 */
export function compactSearchKey(value: string): string {
  const ascii = /^[\x20-\x7e]*$/.test(value);
  return (ascii ? value : value.normalize("NFKD"))
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[\s_.-]+/g, "");
}

export interface PrefilterIndex {
  catalog: readonly StudioCatalogProduct[];
  /** Per product, its variants' compact SKU keys (empty SKUs left out). */
  keys: readonly string[][];
  variants: number;
}

export function prefilterIndex(catalog: readonly StudioCatalogProduct[]): PrefilterIndex {
  let variants = 0;
  const keys = catalog.map((product) => {
    variants += product.variants.length;
    return product.variants.map((v) => (v.sku ? compactSearchKey(v.sku) : "")).filter((k) => k !== "");
  });
  return { catalog, keys, variants };
}

/** The file's whole base name in compact form (the extension kept: a superset of what the matcher reads). */
function nameKey(fileName: string): string {
  return compactSearchKey(fileName.split(/[\\/]/).pop() ?? fileName);
}

/**
 * The products one of whose SKUs appears in the file's name. Matching the
 * name against these gives the same "matched" answer as against the whole
 * catalog (every SKU the name could split into is among them); any other
 * answer is worked out against `nearbyProducts`, for its suggestions.
 */
export function candidateProducts(index: PrefilterIndex, fileName: string): StudioCatalogProduct[] {
  const name = nameKey(fileName);
  if (name === "") return [];
  return index.catalog.filter((_, i) => index.keys[i]!.some((key) => name.includes(key)));
}

/**
 * The products with a SKU within `maxEdits` edits of some part of the name
 * (Sellers' approximate substring matching), in catalog order. The matcher
 * suggests SKUs within two edits of the SKU a name was read to have, which is
 * a part of the name, so matching against these gives the whole catalog's
 * answer, reasons and suggestions included, without indexing every SKU.
 */
export function nearbyProducts(index: PrefilterIndex, fileName: string, maxEdits = 2): StudioCatalogProduct[] {
  const name = nameKey(fileName);
  let previous = new Uint16Array(64);
  let current = new Uint16Array(64);
  const near = (key: string): boolean => {
    const m = key.length;
    if (m <= maxEdits || name.includes(key)) return true;
    if (m + 1 > previous.length) {
      previous = new Uint16Array(m + 1);
      current = new Uint16Array(m + 1);
    }
    for (let i = 0; i <= m; i++) previous[i] = i;
    for (let j = 0; j < name.length; j++) {
      const c = name.charCodeAt(j);
      current[0] = 0; // a match may start anywhere in the name
      for (let i = 1; i <= m; i++) current[i] = Math.min(previous[i]! + 1, current[i - 1]! + 1, previous[i - 1]! + (key.charCodeAt(i - 1) === c ? 0 : 1));
      if (current[m]! <= maxEdits) return true;
      [previous, current] = [current, previous];
    }
    return false;
  };
  return index.catalog.filter((_, i) => index.keys[i]!.some(near));
}
