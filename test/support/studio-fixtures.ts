import type { PrismaClient } from "@prisma/client";
import sharp from "sharp";
import { expect } from "vitest";
import { z } from "zod";
import { requeueOrder } from "../../app/production/production-flow.server";
import { PRODUCT_MEDIA_STATE_QUERY } from "../../app/publishing/publishing-queries";
import { decideReview } from "../../app/review/review-actions.server";
import { adminQuery } from "../../app/shopify/admin-graphql.server";
import { assetStore } from "../../app/storage/asset-store.server";
import { requestCatalogSync, runCatalogSync } from "../../app/catalog/catalog-sync.server";
import { unauthenticated } from "../../app/shopify.server";
import { renderGarmentScene } from "./garment-scenes";
import { TEST_SHOP } from "./emulator";

/**
 * Studio files for the studio-lane tests (issue #8): real JPEGs of a garment
 * on a seamless backdrop (sharp, via the keying tests' scene renderer, so
 * post-production keys them as it would a real shoot), and the synced
 * catalog's products with their SKUs per colourway.
 */

const FABRICS: [number, number, number][] = [
  [34, 52, 96],
  [168, 40, 52],
  [46, 110, 72],
  [214, 170, 60],
  [90, 60, 120],
];

/** A studio shot: a garment on a light backdrop with a little fall-off and sensor noise; the seed changes colour, shape and bytes. */
export async function studioShot(seed = 1, width = 960, height = 1280): Promise<Buffer> {
  const scene = await renderGarmentScene({
    name: `studio shot ${seed}`,
    garment: (["t-shirt", "dress", "trousers"] as const)[seed % 3]!,
    fabric: { kind: "solid", colour: FABRICS[seed % FABRICS.length]! },
    backdrop: { colour: [246, 246, 244], falloff: { kind: "vertical", drop: 6 } },
    width,
    height,
    seed,
  });
  const { data, width: w, height: h, channels } = scene.image;
  return sharp(data, { raw: { width: w, height: h, channels } }).jpeg({ quality: 90 }).toBuffer();
}

export interface CatalogProduct {
  id: string;
  title: string;
  /** Every variant with its SKU and colour, in position order. */
  variants: { id: string; sku: string; colour: string | null }[];
  colours: string[];
}

/** Syncs the emulator's catalog into the mirror (paginated, fast for small catalogs). */
export async function syncTestCatalog(db: PrismaClient, actor = "user:studio-test"): Promise<void> {
  const { admin } = await unauthenticated.admin(TEST_SHOP);
  const run = await requestCatalogSync(db, async () => undefined, { shopId: TEST_SHOP, requestedBy: actor, kind: "paginated" });
  const finished = await runCatalogSync({ db, admin, syncRunId: run.id, bulkPollMs: 50 });
  if (finished.status !== "succeeded") throw new Error(`the test catalog did not sync: ${finished.status}`);
}

/** The mirror's products with SKUs on every variant and at least `minColours` colourways, ordered by id. */
export async function catalogProducts(db: PrismaClient, minColours = 1): Promise<CatalogProduct[]> {
  const rows = await db.product.findMany({ where: { shopId: TEST_SHOP }, include: { variants: { orderBy: { position: "asc" } } }, orderBy: { id: "asc" } });
  return rows
    .map((p) => {
      const variants = p.variants.map((v) => ({ id: v.id, sku: v.sku ?? "", colour: (v.options as Record<string, string>).Color ?? null }));
      return { id: p.id, title: p.title, variants, colours: [...new Set(variants.map((v) => v.colour).filter((c): c is string => c !== null))] };
    })
    .filter((p) => p.variants.length > 0 && p.variants.every((v) => v.sku !== "") && p.colours.length >= minColours);
}

const storeMedia = z.object({ product: z.object({ media: z.object({ nodes: z.array(z.object({ id: z.string(), alt: z.string().nullable(), mediaContentType: z.string(), status: z.string() })) }) }) });

/**
 * Approves a studio asset as a reviewer does, waits until publishing has put
 * it on the emulator's product (READY), and returns the publication and that
 * media node as the store reports it.
 */
export async function approveAndWaitForStoreMedia(
  db: PrismaClient,
  reviewer: { shopId: string; actor: string },
  assetId: string,
  productId: string,
  waitFor: <T>(what: string, probe: () => Promise<T | null | undefined | false>) => Promise<T>,
) {
  const decided = await decideReview(reviewer, { intent: "approve", assetIds: [assetId] }, { db, store: assetStore(), requeueOrder: (id) => requeueOrder(db, id) });
  expect(decided).toMatchObject({ ok: true, changed: 1 });
  const publication = await waitFor(`asset ${assetId}'s publication READY`, async () => {
    const row = await db.publication.findUnique({ where: { assetId } });
    if (row?.status === "failed") throw new Error(`publishing failed: ${row.error}`);
    return row?.status === "ready" && row;
  });
  const { admin } = await unauthenticated.admin(reviewer.shopId);
  const onStore = (await adminQuery(admin, PRODUCT_MEDIA_STATE_QUERY, storeMedia, { variables: { id: productId } })).data.product.media.nodes;
  return { publication, media: onStore.find((m) => m.id === publication.mediaId) };
}
