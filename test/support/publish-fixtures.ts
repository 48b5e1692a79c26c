import { join } from "node:path";
import { readFile } from "node:fs/promises";
import type { PrismaClient } from "@prisma/client";
import sharp from "sharp";
import type { AssetStore } from "../../app/storage/asset-store";
import { runFfmpeg, withTempDir } from "../../app/video/ffmpeg.server";

/**
 * Approved assets as review leaves them, for publishing tests: an order, a
 * request per asset kind, the asset (approved, with who and when) and, for an
 * image, a real pdp-square JPEG rendition in the asset store; for a clip, a
 * real H.264 MP4 made by ffmpeg. Every file's bytes differ (the seed tints it).
 */

export interface ApprovedAssetSpec {
  asset: string;
  kind?: "image" | "video";
  colour?: string | null;
  source?: "ai" | "studio";
  /** Tints the picture so every file is different bytes. */
  seed?: number;
  actor?: string;
}

let counter = 0;

/** A 2048 px square product-page JPEG: a garment-coloured block on white, tinted by the seed. */
export async function productImage(seed: number, size = 2048): Promise<Buffer> {
  const hue = (seed * 47) % 255;
  const garment = await sharp({ create: { width: Math.round(size * 0.5), height: Math.round(size * 0.7), channels: 3, background: { r: hue, g: 80, b: 255 - hue } } }).png().toBuffer();
  return sharp({ create: { width: size, height: size, channels: 3, background: "#ffffff" } })
    .composite([{ input: garment, gravity: "center" }])
    .jpeg({ quality: 80 })
    .toBuffer();
}

/** A one-second 320×400 H.264 MP4 (faststart), coloured by the seed. */
export async function productClip(seed: number): Promise<Buffer> {
  return withTempDir("publish-clip", async (dir) => {
    const out = join(dir, "clip.mp4");
    const colour = `0x${((seed * 2654435761) >>> 8).toString(16).padStart(6, "0").slice(0, 6)}`;
    await runFfmpeg(["-f", "lavfi", "-i", `color=c=${colour}:s=320x400:d=1:r=24`, "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-y", out]);
    return readFile(out);
  });
}

export async function seedApprovedAssets(db: PrismaClient, store: AssetStore, shopId: string, productId: string, specs: ApprovedAssetSpec[]): Promise<string[]> {
  const actor = specs[0]?.actor ?? "user:reviewer";
  const order = await db.productionOrder.create({ data: { shopId, productId, status: "completed", source: "manual", requestedBy: actor, finishedAt: new Date() } });
  const ids: string[] = [];
  for (const spec of specs) {
    const kind = spec.kind ?? (spec.asset === "video" ? "video" : "image");
    const seed = spec.seed ?? ++counter;
    const request = await db.assetRequest.create({ data: { shopId, orderId: order.id, productId, asset: spec.asset, source: spec.source ?? "ai", status: "succeeded", candidatesWanted: 1 } });
    const bytes = kind === "video" ? await productClip(seed) : await productImage(seed);
    const stored = await store.put(bytes, kind === "video" ? { contentType: "video/mp4", extension: "mp4" } : { contentType: "image/jpeg", extension: "jpg" });
    const asset = await db.asset.create({
      data: {
        shopId,
        productId,
        orderId: order.id,
        requestId: request.id,
        candidateIndex: 0,
        source: spec.source ?? "ai",
        kind,
        status: "stored",
        provider: "demo",
        model: "demo-compose",
        operation: kind === "video" ? "image-to-video" : "try-on",
        view: kind === "video" ? null : spec.asset.replace(/^on-model-/, ""),
        colour: spec.colour === undefined ? null : spec.colour,
        storageKey: stored.key,
        contentType: kind === "video" ? "video/mp4" : "image/jpeg",
        width: kind === "video" ? 320 : 2048,
        height: kind === "video" ? 400 : 2048,
        bytes: stored.bytes,
        qcStatus: "done",
        qcVerdict: "pass",
        reviewStatus: "approved",
        reviewedBy: actor,
        reviewedAt: new Date(),
        finishedAt: new Date(),
      },
    });
    if (kind === "image") {
      await db.assetRendition.create({
        data: { shopId, assetId: asset.id, channel: "pdp-square", fileName: `sku-${asset.id.slice(-10)}_${spec.asset}_pdp-square.jpg`, storageKey: stored.key, contentType: "image/jpeg", format: "jpeg", width: 2048, height: 2048, bytes: stored.bytes },
      });
    }
    ids.push(asset.id);
  }
  return ids;
}
