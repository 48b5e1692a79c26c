/**
 * Assets in a local directory (default `.data/assets`): development, demo
 * and single-machine installs. Writes go to a temp file beside the target
 * and are renamed into place, so a reader never sees half an asset and a
 * crash leaves at most a stray `.tmp` file.
 */

import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { type AssetStore, AssetNotFoundError, AssetStoreError, keyForBytes, parseAssetKey, putAssetOptionsSchema, verifyAssetBytes } from "./asset-store";

export const DEFAULT_ASSET_DIR = ".data/assets";

function isNotFound(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === "ENOENT";
}

export function createLocalAssetStore(options: { root?: string } = {}): AssetStore {
  const root = path.resolve(options.root ?? DEFAULT_ASSET_DIR);

  /** The file for a key; the key is validated first and the result must stay under root. */
  function fileFor(key: string): string {
    parseAssetKey(key);
    const file = path.resolve(root, ...key.split("/"));
    // Belt and braces: the key pattern already rules out "..", this rules out any future pattern mistake.
    if (!file.startsWith(root + path.sep)) throw new AssetStoreError(`asset key ${key} escapes the store directory`, { key });
    return file;
  }

  async function exists(key: string): Promise<boolean> {
    try {
      return (await stat(fileFor(key))).isFile();
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  return {
    async put(bytes, putOptions) {
      const { extension } = putAssetOptionsSchema.parse(putOptions);
      const { key, sha256 } = keyForBytes(bytes, extension);
      const file = fileFor(key);
      if (!(await exists(key))) {
        await mkdir(path.dirname(file), { recursive: true });
        const temp = `${file}.${randomUUID()}.tmp`;
        try {
          await writeFile(temp, bytes, { flag: "wx" });
          // Two concurrent puts of the same bytes both rename identical content: last one wins, nothing is lost.
          await rename(temp, file);
        } catch (error) {
          await unlink(temp).catch(() => undefined);
          throw error;
        }
      }
      return { key, bytes: bytes.length, sha256 };
    },

    async get(key) {
      let bytes: Buffer;
      try {
        bytes = await readFile(fileFor(key));
      } catch (error) {
        if (isNotFound(error)) throw new AssetNotFoundError(key);
        throw error;
      }
      verifyAssetBytes(key, bytes);
      return bytes;
    },

    exists,

    async delete(key) {
      await rm(fileFor(key), { force: true });
    },
  };
}
