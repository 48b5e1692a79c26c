/**
 * Pure parts of the watched studio location (issue #8): what the setting
 * names, which files are still being written, the key that imports a file
 * once, and S3's ListObjectsV2 answer.
 */
import path from "node:path";
import { z } from "zod";

export type WatchLocation = { kind: "local"; directory: string } | { kind: "s3"; bucket: string; prefix: string };

/** The setting as a place to list: an s3://bucket/prefix, or a folder (relative ones under `cwd`). */
export function parseWatchLocation(value: string, cwd: string): WatchLocation {
  if (value.startsWith("s3://")) {
    const [bucket = "", ...rest] = value.slice(5).split("/");
    const prefix = rest.join("/").replace(/^\/+/, "");
    return { kind: "s3", bucket, prefix: prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/` };
  }
  return { kind: "local", directory: path.resolve(cwd, value) };
}

/**
 * Why a shop may not watch this location, or null. A local folder is read by
 * the worker with its own file-system rights, so it is for the demo and
 * development only. Every shop's S3 location is read with the app's one set
 * of credentials, so it must sit in a folder named after the shop: one shop
 * can never name another shop's files (or the app's own asset store).
 */
export function watchLocationProblem(location: WatchLocation, shopId: string, options: { production: boolean; assetBucket?: string }): string | null {
  if (location.kind === "local") return options.production ? "a local folder is watched in the demo and in development only: use an s3://bucket/prefix location" : null;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(location.bucket)) return "write the S3 location as s3://bucket/prefix, with a valid bucket name";
  if (!location.prefix.split("/").includes(shopId)) return `the S3 location must contain a folder named after the shop: use s3://${location.bucket}/${location.prefix}${shopId}/`;
  if (options.assetBucket && location.bucket === options.assetBucket && location.prefix.startsWith("sha256/")) return "that is where Shotlane keeps its own files: choose another folder";
  return null;
}

/** Listed twice with the same size and time, and not touched for `settleMs`: the copy is finished. Else why not. */
export function stillBeingWritten(file: { size: number; modifiedMs: number }, previous: { size: number; modifiedMs: number } | undefined, nowMs: number, settleMs: number): string | null {
  if (nowMs - file.modifiedMs < settleMs) return "modified moments ago";
  if (!previous) return "first seen in this listing";
  if (previous.size !== file.size || previous.modifiedMs !== file.modifiedMs) return "changed since the last listing";
  return null;
}

/** A file is imported once per content version: a changed file (size or time or ETag) is a new upload. */
export function watchKeyOf(key: string, size: number, version: string | number): string {
  return `${key}|${size}|${version}`;
}

/**
 * Names copy tools and operating systems use while writing or for their own
 * bookkeeping: never a studio shot, so never listed (they would be
 * "unmatched" noise, and a partial file renamed later arrives under its real name).
 */
export function isTemporaryName(name: string): boolean {
  const base = name.split(/[\\/]/).pop() ?? name;
  return base.startsWith(".") || base.startsWith("~$") || base.endsWith("~") || /\.(part|partial|tmp|temp|crdownload|download|filepart|icloud)$/i.test(base) || base === "Thumbs.db" || base === "desktop.ini";
}

export interface ListedObject {
  key: string;
  size: number;
  etag: string;
  lastModified: string;
}

const listedSchema = z.object({
  key: z.string().min(1),
  size: z.coerce.number().int().min(0),
  etag: z.string(),
  lastModified: z.string(),
});

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, entity: string) => {
    const lower = entity.toLowerCase();
    if (lower.startsWith("#x")) return String.fromCodePoint(Number.parseInt(lower.slice(2), 16));
    if (lower.startsWith("#")) return String.fromCodePoint(Number.parseInt(lower.slice(1), 10));
    return { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[lower]!;
  });
}

const field = (xml: string, name: string) => {
  const match = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return match ? unescapeXml(match[1]!) : undefined;
};

/** S3's ListObjectsV2 XML: the objects (folder markers left out), and the token of the next page when there is one. */
export function parseListObjectsV2(xml: string): { objects: ListedObject[]; nextToken: string | null } {
  if (!/<ListBucketResult[\s>]/.test(xml)) throw new Error(`not a ListObjectsV2 answer: ${xml.slice(0, 120)}`);
  const objects: ListedObject[] = [];
  for (const match of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
    const block = match[1]!;
    const parsed = listedSchema.safeParse({ key: field(block, "Key"), size: field(block, "Size"), etag: (field(block, "ETag") ?? "").replace(/"/g, ""), lastModified: field(block, "LastModified") ?? "" });
    if (!parsed.success) throw new Error(`ListObjectsV2 listed an object without ${parsed.error.issues[0]!.path.join(".")}`);
    if (!parsed.data.key.endsWith("/")) objects.push(parsed.data);
  }
  const truncated = field(xml, "IsTruncated") === "true";
  const nextToken = truncated ? (field(xml, "NextContinuationToken") ?? null) : null;
  if (truncated && !nextToken) throw new Error("ListObjectsV2 said the listing is truncated but gave no NextContinuationToken");
  return { objects, nextToken };
}
