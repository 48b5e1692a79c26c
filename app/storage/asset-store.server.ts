import { env } from "../config/env";
import type { AssetStore } from "./asset-store";
import { createLocalAssetStore } from "./local-asset-store.server";
import { createS3AssetStore } from "./s3-asset-store.server";

let store: AssetStore | undefined;

/** This process's asset store: S3-compatible when SHOTLANE_S3_BUCKET is set, else the local directory. */
export function assetStore(): AssetStore {
  if (store) return store;
  const config = env();
  store =
    config.SHOTLANE_S3_BUCKET && config.SHOTLANE_S3_ENDPOINT && config.SHOTLANE_S3_ACCESS_KEY_ID && config.SHOTLANE_S3_SECRET_ACCESS_KEY
      ? createS3AssetStore({
          endpoint: config.SHOTLANE_S3_ENDPOINT,
          region: config.SHOTLANE_S3_REGION,
          bucket: config.SHOTLANE_S3_BUCKET,
          accessKeyId: config.SHOTLANE_S3_ACCESS_KEY_ID,
          secretAccessKey: config.SHOTLANE_S3_SECRET_ACCESS_KEY,
        })
      : createLocalAssetStore({ root: config.SHOTLANE_ASSET_DIR });
  return store;
}
