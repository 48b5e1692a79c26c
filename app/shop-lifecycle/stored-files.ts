import { parseAssetKey } from "../storage/asset-store";

/**
 * Which stored files a shop/redact may erase. Keys are content addresses, so
 * two shops that stored the same bytes share one file: a key goes only when
 * no row of any other shop still names it. Pure; the queries are in
 * shop-redact.server.ts.
 */

/** The overlay image keys inside an Asset.qcReport (QcReport.overlays, app/qc/qc-check.ts); anything else in the JSON is ignored. */
export function overlayKeys(qcReport: unknown): string[] {
  if (typeof qcReport !== "object" || qcReport === null) return [];
  const overlays = (qcReport as { overlays?: unknown }).overlays;
  if (typeof overlays !== "object" || overlays === null || Array.isArray(overlays)) return [];
  return Object.values(overlays).filter((value): value is string => typeof value === "string");
}

/** A string the asset store accepts as a key (so a stray value in a JSON column is never passed to delete). */
export function isAssetKey(value: string): boolean {
  try {
    parseAssetKey(value);
    return true;
  } catch {
    return false;
  }
}

/** The shop's keys split into those to erase and those another shop still references; nulls and non-keys are dropped, duplicates collapsed. */
export function filesToErase(keysOfShop: Iterable<string | null | undefined>, stillReferenced: ReadonlySet<string>): { erase: string[]; shared: string[] } {
  const keys = new Set<string>();
  for (const key of keysOfShop) if (key && isAssetKey(key)) keys.add(key);
  const sorted = [...keys].sort();
  return { erase: sorted.filter((key) => !stillReferenced.has(key)), shared: sorted.filter((key) => stillReferenced.has(key)) };
}
