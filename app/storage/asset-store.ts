/**
 * Where generated assets live once they are home. Keys are content
 * addresses (`sha256/<first2>/<hash>.<ext>`): the same bytes always get the
 * same key, so a retried job stores nothing twice and a key can never point
 * at different bytes later. Pure key logic here; implementations in
 * local-asset-store.server.ts and s3-asset-store.server.ts.
 */

import { createHash } from "node:crypto";
import { z } from "zod";

export interface PutAssetOptions {
  contentType: string;
  /** "png", "jpg", "mp4" … without the dot. */
  extension: string;
}

export interface StoredAsset {
  key: string;
  /** Size in bytes. */
  bytes: number;
  sha256: string;
}

export interface AssetStore {
  /** Stores the bytes under their content address; a second put of the same bytes writes nothing. */
  put(bytes: Buffer, options: PutAssetOptions): Promise<StoredAsset>;
  /** The stored bytes, checked against the key's hash; AssetNotFoundError when absent. */
  get(key: string): Promise<Buffer>;
  exists(key: string): Promise<boolean>;
  /** Removes the asset; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** A URL others can fetch, when the store has one. */
  url?(key: string): string;
}

export class InvalidAssetKeyError extends Error {
  constructor(readonly key: string) {
    super(`not an asset key: ${JSON.stringify(key.slice(0, 200))} (expected sha256/<2 hex>/<64 hex>.<extension>)`);
    this.name = "InvalidAssetKeyError";
  }
}

export class AssetNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`asset ${key} is not in the store`);
    this.name = "AssetNotFoundError";
  }
}

/** The store failed or returned something wrong (refused request, corrupt bytes). */
export class AssetStoreError extends Error {
  constructor(
    message: string,
    readonly options: { key?: string; status?: number; code?: string } = {},
  ) {
    super(message);
    this.name = "AssetStoreError";
  }
}

const EXTENSION = /^[a-z0-9]{1,8}$/;
const KEY = /^sha256\/([0-9a-f]{2})\/([0-9a-f]{64})\.([a-z0-9]{1,8})$/;

export const putAssetOptionsSchema = z.object({
  // type/subtype with optional parameters; no control characters, since it becomes an HTTP header.
  contentType: z.string().regex(/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(\s*;[\x20-\x7e]*)?$/i, "contentType must look like type/subtype"),
  extension: z
    .string()
    .transform((value) => value.replace(/^\./, "").toLowerCase())
    .pipe(z.string().regex(EXTENSION, "extension must be 1-8 letters or digits, e.g. png")),
});

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** The key for a hash and extension; the extension is normalised ("PNG", ".png" → "png"). */
export function assetKey(sha256: string, extension: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256 hex digest: ${sha256.slice(0, 80)}`);
  const ext = putAssetOptionsSchema.shape.extension.parse(extension);
  return `sha256/${sha256.slice(0, 2)}/${sha256}.${ext}`;
}

export function keyForBytes(bytes: Uint8Array, extension: string): { key: string; sha256: string } {
  const sha256 = sha256Hex(bytes);
  return { key: assetKey(sha256, extension), sha256 };
}

/**
 * Parses a key and refuses anything else: no "..", no slashes beyond the
 * layout, the fan-out directory must match the hash. Stores call this first,
 * which is what makes path traversal impossible.
 */
export function parseAssetKey(key: string): { sha256: string; extension: string } {
  const match = KEY.exec(key);
  if (!match || match[1] !== match[2].slice(0, 2)) throw new InvalidAssetKeyError(key);
  return { sha256: match[2], extension: match[3] };
}

/** Throws when the bytes read back are not the ones the key names. */
export function verifyAssetBytes(key: string, bytes: Uint8Array): void {
  const { sha256 } = parseAssetKey(key);
  const actual = sha256Hex(bytes);
  if (actual !== sha256) throw new AssetStoreError(`asset ${key} is corrupt: its bytes hash to ${actual}`, { key, code: "corrupt" });
}
