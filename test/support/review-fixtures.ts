import { randomBytes } from "node:crypto";
import type { Prisma, PrismaClient } from "@prisma/client";
import sharp from "sharp";
import { upsertMirrorProducts } from "../../app/catalog/mirror.server";
import { checkResult, type QcCheckResult, type QcReport, type QcVerdict } from "../../app/qc/qc-check";
import { categoryForProduct, DEFAULT_CATEGORIES } from "../../app/recipes/garment-category";
import { ensureDefaultRecipes } from "../../app/recipes/recipes.server";
import type { AssetStore } from "../../app/storage/asset-store";
import { mirrorProduct } from "./factories";
import { renderGarmentScene, type Fabric, type GarmentShape } from "./garment-scenes";

/**
 * A review queue as the quality gates leave it: products with tiers,
 * collections and recipe versions, one order and request per product, and
 * assets awaiting review with verdicts, QC reports and real thumbnails (WebP
 * made with sharp and stored in the asset store). Some assets also get a
 * master, a rendition and a ΔE overlay, for the compare view.
 */

export interface FixtureProduct {
  /** Numeric product id (the GID is built from it). */
  id: number;
  title: string;
  productType: string;
  featuredImageUrl: string | null;
  /** The live store image (first media), when it differs from the flat-lay. */
  mediaUrl?: string | null;
}

export interface ReviewQueueOptions {
  /** How many assets awaiting review. */
  count: number;
  /** The products they belong to, or how many to make up (Tops, Dresses, Trousers … with numbered titles). */
  products: FixtureProduct[] | number;
  /** Distinct thumbnails rendered and stored; assets beyond that reuse them in turn. Default 60. */
  distinctThumbnails?: number;
  /** The first this many assets also get a master, a rendition and a QC overlay. Default 0. */
  withMasters?: number;
  /** The verdict of asset i. Default: 6 in 10 pass, 3 flag, 1 reject. */
  verdictOf?: (i: number) => QcVerdict;
  /** The maker of asset i. Default: half the local demo provider, 3 in 10 FASHN, 2 in 10 studio. */
  makerOf?: (i: number) => { source: "ai" | "studio"; provider: string };
  /** createdAt of the first asset; each next one a second later (the grid's order). */
  start?: Date;
}

export interface ReviewQueue {
  assetIds: string[];
  productIds: string[];
  thumbKeys: string[];
  /** Byte size of each distinct thumbnail. */
  thumbBytes: number[];
  collectionId: string;
}

const SHAPES: GarmentShape[] = ["t-shirt", "dress", "trousers"];
const TYPES: Record<GarmentShape, string> = { "t-shirt": "Tops", dress: "Dresses", trousers: "Bottoms" };
const COLOURS: [number, number, number][] = [
  [196, 48, 58],
  [28, 38, 82],
  [34, 34, 38],
  [238, 196, 60],
  [92, 140, 98],
  [170, 120, 200],
  [240, 236, 226],
  [120, 121, 126],
];

/** A fixed-length cuid-like id that the decision schema accepts ([a-z0-9]{20,40}). */
export function fixtureId(prefix = "c"): string {
  return `${prefix}${randomBytes(12).toString("hex")}`;
}

function fabricFor(i: number): Fabric {
  const colour = COLOURS[i % COLOURS.length];
  if (i % 5 === 3) return { kind: "stripes", colours: [colour, [243, 243, 240]], period: 0.03 + (i % 3) * 0.01 };
  if (i % 7 === 5) return { kind: "dots", base: colour, dots: [[244, 243, 238], [30, 40, 90]] };
  return { kind: "solid", colour };
}

/**
 * A grid thumbnail as the QC job makes it (400 px long edge, WebP): a garment
 * on a studio sweep, with sensor-like grain (σ 8 levels) so it weighs what a
 * photo thumbnail does and byte counts in the speed test are honest.
 */
export async function renderThumbnail(i: number): Promise<Buffer> {
  const scene = await renderGarmentScene({ name: `thumb ${i}`, garment: SHAPES[i % SHAPES.length], fabric: fabricFor(i), backdrop: { colour: [248, 247, 245], falloff: { kind: "radial", drop: 8 } }, width: 300, height: 400, seed: i + 1, noise: 8 });
  return sharp(scene.image.data, { raw: { width: 300, height: 400, channels: 3 } }).webp({ quality: 72, effort: 4 }).toBuffer();
}

async function renderMaster(i: number): Promise<{ master: Buffer; rendition: Buffer; overlay: Buffer; width: number; height: number }> {
  const width = 900;
  const height = 1200;
  const scene = await renderGarmentScene({ name: `master ${i}`, garment: SHAPES[i % SHAPES.length], fabric: fabricFor(i), backdrop: { colour: [248, 247, 245], falloff: { kind: "radial", drop: 8 } }, width, height, seed: i + 1 });
  const raw = sharp(scene.image.data, { raw: { width, height, channels: 3 } });
  // A ΔE heat map the shape of the garment: red where the colour drifted most.
  const alpha = Buffer.alloc(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    if (!scene.mask[p]) continue;
    const y = Math.floor(p / width);
    const heat = Math.min(1, y / height + 0.2);
    alpha[p * 4] = 230;
    alpha[p * 4 + 1] = Math.round(200 * (1 - heat));
    alpha[p * 4 + 2] = 30;
    alpha[p * 4 + 3] = Math.round(90 + 120 * heat);
  }
  const [master, rendition, overlay] = await Promise.all([
    raw.clone().png({ compressionLevel: 6 }).toBuffer(),
    raw.clone().jpeg({ quality: 85 }).toBuffer(),
    sharp(alpha, { raw: { width, height, channels: 4 } }).png().toBuffer(),
  ]);
  return { master, rendition, overlay, width, height };
}

function defaultVerdict(i: number): QcVerdict {
  const r = i % 10;
  return r < 6 ? "pass" : r < 9 ? "flag" : "reject";
}

function defaultMaker(i: number): { source: "ai" | "studio"; provider: string } {
  const r = i % 10;
  if (r < 5) return { source: "ai", provider: "demo" };
  if (r < 8) return { source: "ai", provider: "fashn" };
  return { source: "studio", provider: "studio" };
}

/** A QC report with the given verdict: every check passes except the ones that make the verdict. */
export function qcReportFor(verdict: QcVerdict, overlays: Record<string, string> = {}): QcReport {
  const checks: QcCheckResult[] = [
    checkResult("resolution", 1.6, { flag: 1, reject: 0.75 }, "Master is 1.6× the largest channel's long edge"),
    checkResult("sharpness", 140, { flag: 60, reject: 25 }, "Subject sharpness 140 (Laplacian variance) against 60 wanted"),
    checkResult("exposure", 0.4, { flag: 2, reject: 6 }, "0.4 % of subject pixels clipped"),
    checkResult("background", verdict === "reject" ? 6.8 : 0.9, { flag: 2, reject: 5 }, verdict === "reject" ? "Border is ΔE00 6.8 from the brand white: a grey cast along the bottom edge" : "Border is ΔE00 0.9 from the brand white"),
    checkResult("garment-colour", verdict === "pass" ? 1.2 : 4.4, { flag: 3, reject: 6 }, verdict === "pass" ? "Garment colours within ΔE00 1.2 of the flat-lay" : "Dominant garment colour is ΔE00 4.4 from the flat-lay: check the red"),
  ];
  return { version: 1, verdict, checks, overlays, ms: 180 };
}

export async function seedReviewQueue(db: PrismaClient, store: AssetStore, shopId: string, options: ReviewQueueOptions): Promise<ReviewQueue> {
  const start = options.start ?? new Date(Date.now() - options.count * 1000 - 60_000);
  const verdictOf = options.verdictOf ?? defaultVerdict;
  const makerOf = options.makerOf ?? defaultMaker;
  const collection = { id: `gid://shopify/Collection/${880_000 + Math.floor(Math.random() * 1000)}`, title: "Review fixtures", handle: "review-fixtures" };

  const fixtureProducts: FixtureProduct[] =
    typeof options.products === "number"
      ? Array.from({ length: options.products }, (_, n) => {
          const shape = SHAPES[n % SHAPES.length];
          return { id: 700_000 + n, title: `${TYPES[shape] === "Tops" ? "Cotton Tee" : TYPES[shape] === "Dresses" ? "Linen Dress" : "Wide Trousers"} ${n + 1}`, productType: TYPES[shape], featuredImageUrl: null };
        })
      : options.products;
  await upsertMirrorProducts(
    db,
    shopId,
    fixtureProducts.map((p, n) =>
      mirrorProduct({
        id: p.id,
        title: p.title,
        productType: p.productType,
        featuredImageUrl: p.featuredImageUrl,
        collections: n % 2 === 0 ? [collection] : [],
        media: p.mediaUrl ?? p.featuredImageUrl ? [{ id: `gid://shopify/MediaImage/${p.id}`, position: 1, contentType: "IMAGE", status: "READY", alt: null, url: p.mediaUrl ?? p.featuredImageUrl, width: 900, height: 1200 }] : [],
      }),
    ),
  );
  const productIds = fixtureProducts.map((p) => `gid://shopify/Product/${p.id}`);
  for (const tier of [1, 2, 3]) await db.product.updateMany({ where: { shopId, id: { in: productIds.filter((_, n) => (n % 3) + 1 === tier) } }, data: { tier, tierSource: "default", routedAt: new Date() } });

  await ensureDefaultRecipes(db, shopId, { demo: true });
  const versions = await db.recipeVersion.findMany({ where: { shopId }, select: { id: true, recipe: { select: { categoryKey: true } } } });
  const versionFor = (productType: string) => {
    const key = categoryForProduct(DEFAULT_CATEGORIES, { productType, tags: [] }) ?? "tops";
    return versions.find((v) => v.recipe.categoryKey === key)?.id ?? versions[0]?.id ?? null;
  };

  // One order and one request per product, as a production flow leaves them.
  const orders = fixtureProducts.map((p, n) => ({ id: fixtureId("o"), shopId, productId: productIds[n], status: "completed", source: "bulk", requestedBy: "user:fixtures", createdAt: start, finishedAt: start }));
  const requests = fixtureProducts.map((p, n) => ({ id: fixtureId("q"), shopId, orderId: orders[n].id, productId: productIds[n], asset: "on-model-front", source: "ai", status: "succeeded", recipeVersionId: versionFor(p.productType), candidatesWanted: 3, createdAt: start }));
  await db.productionOrder.createMany({ data: orders });
  await db.assetRequest.createMany({ data: requests });

  const distinct = Math.max(1, Math.min(options.distinctThumbnails ?? 60, options.count));
  const thumbs = await Promise.all(Array.from({ length: distinct }, (_, i) => renderThumbnail(i)));
  const stored = await Promise.all(thumbs.map((bytes) => store.put(bytes, { contentType: "image/webp", extension: "webp" })));
  const thumbKeys = stored.map((s) => s.key);

  const views = ["front", "back", "side"];
  const perRequest = new Map<string, number>();
  const assets: Prisma.AssetCreateManyInput[] = [];
  for (let i = 0; i < options.count; i++) {
    const n = i % fixtureProducts.length;
    const request = requests[n];
    const candidateIndex = perRequest.get(request.id) ?? 0;
    perRequest.set(request.id, candidateIndex + 1);
    const verdict = verdictOf(i);
    const maker = makerOf(i);
    assets.push({
      id: fixtureId("a"),
      shopId,
      productId: productIds[n],
      orderId: request.orderId,
      requestId: request.id,
      candidateIndex,
      source: maker.source,
      kind: "image",
      status: "stored",
      provider: maker.provider,
      model: maker.provider === "demo" ? "demo-compose" : maker.provider === "fashn" ? "tryon-v1.6" : "studio",
      operation: maker.source === "ai" ? "try-on" : "studio",
      recipeVersionId: maker.source === "ai" ? request.recipeVersionId : null,
      view: views[i % views.length],
      pose: "standing-front",
      seed: 1000 + i,
      width: 2000,
      height: 2500,
      contentType: "image/png",
      createdAt: new Date(start.getTime() + i * 1000),
      finishedAt: new Date(start.getTime() + i * 1000),
      postStatus: "done",
      qcStatus: "done",
      qcVerdict: verdict,
      qcReport: qcReportFor(verdict) as unknown as Prisma.InputJsonValue,
      qcAt: new Date(start.getTime() + i * 1000),
      thumbKey: thumbKeys[i % thumbKeys.length],
      phash: randomBytes(8).toString("hex"),
      reviewStatus: "awaiting-review",
    });
  }
  for (let i = 0; i < assets.length; i += 500) await db.asset.createMany({ data: assets.slice(i, i + 500) });

  // Masters, renditions and overlays for the first few: what the compare view and the retouch path read.
  const masters = Math.min(options.withMasters ?? 0, assets.length);
  for (let i = 0; i < masters; i++) {
    const asset = assets[i];
    const files = await renderMaster(i);
    const [master, rendition, overlay] = await Promise.all([
      store.put(files.master, { contentType: "image/png", extension: "png" }),
      store.put(files.rendition, { contentType: "image/jpeg", extension: "jpg" }),
      store.put(files.overlay, { contentType: "image/png", extension: "png" }),
    ]);
    await db.asset.update({
      where: { id: asset.id as string },
      data: { storageKey: master.key, bytes: master.bytes, width: files.width, height: files.height, qcReport: qcReportFor(asset.qcVerdict as QcVerdict, { "garment-delta-e": overlay.key }) as unknown as Prisma.InputJsonValue },
    });
    await db.assetRendition.create({
      data: { shopId, assetId: asset.id as string, channel: "pdp", fileName: `fixture-${asset.id}_pdp.jpg`, storageKey: rendition.key, contentType: "image/jpeg", format: "jpeg", width: files.width, height: files.height, bytes: rendition.bytes },
    });
  }

  return { assetIds: assets.map((a) => a.id as string), productIds, thumbKeys, thumbBytes: thumbs.map((t) => t.length), collectionId: collection.id };
}
