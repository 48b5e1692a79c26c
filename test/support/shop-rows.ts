import { Prisma, type PrismaClient } from "@prisma/client";
import { Queue } from "bullmq";
import { upsertMirrorProducts } from "../../app/catalog/mirror.server";
import { env } from "../../app/config/env";
import { workerConnection } from "../../jobs/connection";
import { ALL_QUEUES } from "../../jobs/queues";
import { mirrorProduct } from "./factories";

type Model = (typeof Prisma.dmmf.datamodel.models)[number];
type Delegate = { count(args?: { where?: object }): Promise<number>; findMany(): Promise<object[]>; deleteMany(): Promise<unknown> };

const models = Prisma.dmmf.datamodel.models;
const modelsByName = new Map(models.map((m) => [m.name, m]));
const delegate = (db: PrismaClient, model: Model) => (db as unknown as Record<string, Delegate>)[model.name[0].toLowerCase() + model.name.slice(1)];

/**
 * How a row of `model` names its shop: its `shopId` or `shop` column, the Shop
 * row itself, or its parent's `shopId` (a variant through its product). A new
 * table that fits none of these fails every test that uses this, on purpose:
 * say here how its rows belong to a shop, and make shop/redact erase them.
 */
function shopFilter(model: Model, shop: string): object {
  if (model.name === "Shop") return { id: shop };
  const scalar = model.fields.find((f) => f.kind === "scalar" && (f.name === "shopId" || f.name === "shop"));
  if (scalar) return { [scalar.name]: shop };
  const parent = model.fields.find((f) => f.kind === "object" && !f.isList && modelsByName.get(f.type)?.fields.some((g) => g.name === "shopId"));
  if (parent) return { [parent.name]: { shopId: shop } };
  throw new Error(`test/support/shop-rows.ts cannot tell which shop a ${model.name} row belongs to`);
}

/** The number of rows each table holds for the shop, for every table of the schema. */
export async function shopRowCounts(db: PrismaClient, shop: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const model of models) counts[model.name] = await delegate(db, model).count({ where: shopFilter(model, shop) });
  return counts;
}

const json = (value: unknown) => JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));

/** Every row of every table, order-independent, to prove that something changed nothing (or only what it should). */
export async function databaseSnapshot(db: PrismaClient): Promise<Record<string, string[]>> {
  const snapshot: Record<string, string[]> = {};
  for (const model of models) snapshot[model.name] = (await delegate(db, model).findMany()).map(json).sort();
  return snapshot;
}

export async function clearDatabase(db: PrismaClient): Promise<void> {
  // Shop first: its cascades take the children, the rest have no foreign keys to it.
  await db.shop.deleteMany();
  for (const model of models) await delegate(db, model).deleteMany();
}

/** Opens every queue of the app under this test file's prefix, runs `use`, closes them. */
async function withQueues<T>(use: (queues: Queue[]) => Promise<T>): Promise<T> {
  const queues = ALL_QUEUES.map((q) => new Queue(q.name, { connection: workerConnection(env().REDIS_URL), prefix: env().QUEUE_PREFIX }));
  try {
    return await use(queues);
  } finally {
    await Promise.all(queues.map((q) => q.close()));
  }
}

/** Every job of every queue, by queue, state and id. */
export function queueSnapshot(): Promise<Record<string, string[]>> {
  return withQueues(async (queues) => {
    const snapshot: Record<string, string[]> = {};
    for (const queue of queues) {
      const jobs = await queue.getJobs(["waiting", "delayed", "active", "prioritized", "waiting-children", "completed", "failed"]);
      snapshot[queue.name] = jobs.map((job) => `${job.id} ${json(job.data)}`).sort();
    }
    return snapshot;
  });
}

export function emptyQueues(): Promise<void> {
  return withQueues(async (queues) => {
    for (const queue of queues) await queue.obliterate({ force: true });
  });
}

/**
 * A shop with a row in every table Shotlane keeps for a shop: its sessions,
 * mirror products with variants, tags, collections and media, a sync run, an
 * audit event, a tier rule, a production plan, a webhook delivery, an approved
 * asset (and so its ProductCoverage row) and the rest of the production tables.
 * `n` keeps ids apart between shops.
 */
export async function seedShopRows(db: PrismaClient, shop: string, n: number): Promise<void> {
  await db.shop.create({ data: { id: shop, name: `Shop ${n}` } });
  await db.session.create({ data: { id: `offline_${shop}`, shop, state: "", isOnline: false, scope: "read_products", accessToken: `shpat_${n}`, expires: null } });
  await db.session.create({ data: { id: `${shop}_${n}`, shop, state: "", isOnline: true, scope: "read_products", accessToken: `shpua_${n}`, userId: BigInt(n), expires: new Date(Date.now() + 3600_000) } });
  const collection = { id: `gid://shopify/Collection/${n}`, title: "Summer", handle: "summer" };
  const media = (id: number) => [{ id: `gid://shopify/MediaImage/${id}`, position: 1, contentType: "IMAGE", status: "READY", alt: null, url: `https://cdn.example/${id}.jpg`, width: 800, height: 1200 }];
  await upsertMirrorProducts(db, shop, [
    mirrorProduct({ id: n * 100 + 1, title: "Linen Wrap Dress", productType: "Dresses", tags: ["linen"], collections: [collection], media: media(n * 100 + 1) }),
    mirrorProduct({ id: n * 100 + 2, title: "Wool Coat", productType: "Outerwear", tags: ["wool"], collections: [collection], media: media(n * 100 + 2) }),
  ]);
  await db.syncRun.create({ data: { shopId: shop, kind: "paginated", status: "succeeded", requestedBy: "user:1", processed: 2, total: 2 } });
  await db.auditEvent.create({ data: { shopId: shop, actor: "user:1", action: "catalog.sync.requested", subjectType: "SyncRun" } });
  await db.tierRule.create({ data: { shopId: shop, position: 0, name: "Dresses first", tier: 1, conditions: { productTypes: ["Dresses"] } } });
  await db.productionPlan.create({ data: { shopId: shop, tier: 1, items: [] } });
  await db.webhookDelivery.create({ data: { webhookId: `seed-${n}`, shopId: shop, topic: "PRODUCTS_UPDATE", outcome: "processed" } });
  await db.garmentCategory.create({ data: { shopId: shop, key: "dresses", name: "Dresses", position: 0, productTypes: ["Dresses"], tags: [] } });
  const recipe = await db.recipe.create({ data: { shopId: shop, categoryKey: "dresses", currentVersion: 1 } });
  const version = await db.recipeVersion.create({ data: { shopId: shop, recipeId: recipe.id, version: 1, spec: { provider: "demo" }, createdBy: "user:1" } });
  await db.modelReference.create({ data: { shopId: shop, name: "Model A", storageKey: `sha256/ab/${"ab".repeat(32)}.png`, contentType: "image/png", width: 10, height: 10, bytes: 100, createdBy: "user:1" } });
  await db.providerCredential.create({ data: { shopId: shop, provider: "fashn", encryptedApiKey: "v1.x.y.z", keyHint: "abcd" } });
  const productId = `gid://shopify/Product/${n * 100 + 1}`;
  const order = await db.productionOrder.create({ data: { shopId: shop, productId, status: "completed", source: "manual", requestedBy: "user:1" } });
  const request = await db.assetRequest.create({ data: { shopId: shop, orderId: order.id, productId, asset: "on-model-front", source: "ai", status: "succeeded", recipeVersionId: version.id, candidatesWanted: 1 } });
  const asset = await db.asset.create({
    // Approved: the Asset trigger counts it in ProductCoverage (the dashboard's coverage), so that table has a row too.
    data: { shopId: shop, productId, orderId: order.id, requestId: request.id, candidateIndex: 0, source: "ai", kind: "image", status: "stored", provider: "demo", model: "demo-compose", operation: "try-on", recipeVersionId: version.id, reviewStatus: "approved" },
  });
  await db.costEntry.create({ data: { shopId: shop, productId, orderId: order.id, assetId: asset.id, provider: "demo", model: "demo-compose", operation: "try-on", unit: "image", units: 1, costMicros: 0, outcome: "succeeded" } });
  await db.assetRendition.create({ data: { shopId: shop, assetId: asset.id, channel: "pdp-square", fileName: `sku-${n}_front_pdp-square.jpg`, storageKey: `sha256/cd/${"cd".repeat(32)}.jpg`, contentType: "image/jpeg", format: "jpeg", width: 2048, height: 2048, bytes: 1000 } });
  const lut = await db.brandLut.create({ data: { shopId: shop, name: "Warm", size: 2, sha256: "ef".repeat(32), storageKey: `sha256/ef/${"ef".repeat(32)}.cube`, bytes: 100, createdBy: "user:1" } });
  await db.postProductionSettings.create({ data: { shopId: shop, channels: [], activeLutId: lut.id, updatedBy: "user:1" } });
  await db.reviewSettings.create({ data: { shopId: shop, brandSignOff: true, updatedBy: "user:1" } });
  await db.publishingSettings.create({ data: { shopId: shop, placement: "first", updatedBy: "user:1" } });
  await db.publication.create({ data: { shopId: shop, productId, assetId: asset.id, status: "ready", kind: "image", view: "front", channel: "pdp-square", fileName: `sku-${n}_front_pdp-square.jpg`, alt: "Linen Wrap Dress – front", mediaId: `gid://shopify/MediaImage/${n * 1000}`, requestedBy: "user:1" } });
  await db.studioSettings.create({ data: { shopId: shop, imagesPerDay: 200, updatedBy: "user:1" } });
  const shotList = await db.shotList.create({ data: { shopId: shop, number: 1, createdBy: "user:1" } });
  await db.shotListLine.create({ data: { shotListId: shotList.id, shopId: shop, productId, position: 0, studioDay: new Date("2026-12-08T00:00:00Z"), productTitle: "Linen Wrap Dress", views: ["packshot"], images: 1 } });
  await db.studioUpload.create({ data: { shopId: shop, channel: "upload", fileName: `SKU-${n}_front.jpg`, sourceKey: `SKU-${n}_front.jpg:100:0`, size: 100, receivedBytes: 100, status: "unmatched", reason: "no product has SKU SKU", storageKey: `sha256/12/${"12".repeat(32)}.jpg`, createdBy: "user:1" } });
  await db.mediaSnapshot.create({ data: { shopId: shop, productId, media: [{ id: `gid://shopify/MediaImage/${n * 100 + 1}`, alt: null, contentType: "IMAGE" }], variantMedia: {}, productStatus: "ACTIVE", createdBy: "user:1" } });
}
