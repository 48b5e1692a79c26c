import type { PrismaClient } from "@prisma/client";
import sharp from "sharp";
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
