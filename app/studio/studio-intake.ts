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

/**
 * The products one of whose SKUs appears in the file's name. Matching the
 * name against these gives the same "matched" answer as against the whole
 * catalog (every SKU the name could split into is among them); any other
 * answer must be worked out against the whole catalog, for its suggestions.
 */
export function candidateProducts(index: PrefilterIndex, fileName: string): StudioCatalogProduct[] {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = base.lastIndexOf(".");
  const stem = compactSearchKey(dot > 0 ? base.slice(0, dot) : base);
  if (stem === "") return [];
  const found: StudioCatalogProduct[] = [];
  index.keys.forEach((keys, i) => {
    if (keys.some((key) => stem.includes(key))) found.push(index.catalog[i]!);
  });
  return found;
}
