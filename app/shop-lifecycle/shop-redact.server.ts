import { Prisma, type PrismaClient } from "@prisma/client";
import type { AssetStore } from "../storage/asset-store";
import { removeShopJobs, type RemovedJobs } from "./shop-jobs.server";
import { filesToErase } from "./stored-files";

const CHUNK = 1000;
const DELETE_CONCURRENCY = 8;

const chunks = <T>(items: T[]) => Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK));

/** The overlay keys of QC reports (Asset.qcReport -> overlays, a JSON object of key strings), for a shop or for a list of keys. */
function overlayKeysWhere(condition: Prisma.Sql) {
  return Prisma.sql`SELECT DISTINCT o.value AS key FROM "Asset" a
    CROSS JOIN LATERAL jsonb_each_text(CASE WHEN jsonb_typeof(a."qcReport" -> 'overlays') = 'object' THEN a."qcReport" -> 'overlays' ELSE '{}'::jsonb END) o
    WHERE ${condition}`;
}

/**
 * Every asset-store key a shop's rows name: candidates (file, video poster,
 * review thumbnail, QC overlays), renditions, model references, brand LUTs
 * and studio files.
 */
export async function storedKeysOfShop(db: PrismaClient, shopId: string): Promise<string[]> {
  const keys: (string | null)[] = [];
  let cursor: string | undefined;
  for (;;) {
    const assets = await db.asset.findMany({
      where: { shopId, ...(cursor ? { id: { gt: cursor } } : {}) },
      select: { id: true, storageKey: true, posterKey: true, thumbKey: true },
      orderBy: { id: "asc" },
      take: 5000,
    });
    for (const a of assets) keys.push(a.storageKey, a.posterKey, a.thumbKey);
    if (assets.length < 5000) break;
    cursor = assets[assets.length - 1].id;
  }
  const overlays = await db.$queryRaw<{ key: string }[]>(overlayKeysWhere(Prisma.sql`a."shopId" = ${shopId}`));
  const renditions = await db.assetRendition.findMany({ where: { shopId }, select: { storageKey: true } });
  const references = await db.modelReference.findMany({ where: { shopId }, select: { storageKey: true } });
  const luts = await db.brandLut.findMany({ where: { shopId }, select: { storageKey: true } });
  const studio = await db.studioUpload.findMany({ where: { shopId, storageKey: { not: null } }, select: { storageKey: true } });
  return [...keys, ...overlays.map((o) => o.key), ...renditions.map((r) => r.storageKey), ...references.map((r) => r.storageKey), ...luts.map((l) => l.storageKey), ...studio.map((u) => u.storageKey)].filter(
    (key): key is string => key !== null,
  );
}

/** Which of these keys any row in the database still names (run after the shop's rows are gone: what is left is another shop's). */
export async function keysStillReferenced(db: PrismaClient, keys: string[]): Promise<Set<string>> {
  const referenced = new Set<string>();
  for (const chunk of chunks(keys)) {
    const assets = await db.asset.findMany({
      where: { OR: [{ storageKey: { in: chunk } }, { posterKey: { in: chunk } }, { thumbKey: { in: chunk } }] },
      select: { storageKey: true, posterKey: true, thumbKey: true },
    });
    for (const a of assets) for (const key of [a.storageKey, a.posterKey, a.thumbKey]) if (key) referenced.add(key);
    for (const { key } of await db.$queryRaw<{ key: string }[]>(overlayKeysWhere(Prisma.sql`o.value IN (${Prisma.join(chunk)})`))) referenced.add(key);
    for (const r of await db.assetRendition.findMany({ where: { storageKey: { in: chunk } }, select: { storageKey: true } })) referenced.add(r.storageKey);
    for (const r of await db.modelReference.findMany({ where: { storageKey: { in: chunk } }, select: { storageKey: true } })) referenced.add(r.storageKey);
    for (const l of await db.brandLut.findMany({ where: { storageKey: { in: chunk } }, select: { storageKey: true } })) referenced.add(l.storageKey);
    for (const u of await db.studioUpload.findMany({ where: { storageKey: { in: chunk } }, select: { storageKey: true } })) if (u.storageKey) referenced.add(u.storageKey);
  }
  return new Set(keys.filter((key) => referenced.has(key)));
}

export interface RedactResult {
  jobs: RemovedJobs;
  files: { erased: number; shared: number; failed: { key: string; error: string }[] };
}

/**
 * shop/redact (48 hours after uninstall): erases everything Shotlane holds
 * for the shop. Its queued jobs go first (in case app/uninstalled never
 * arrived), then every row in one transaction (tables without a foreign key
 * to Shop by name, the rest with the Shop row's cascade), then the stored
 * files no other shop references. Rows before files, so no row ever points at
 * a missing file; a file that cannot be deleted is reported and left (the
 * rows naming it are gone, so nothing serves it). Safe to run twice.
 */
export async function redactShop(db: PrismaClient, store: Pick<AssetStore, "delete">, shopId: string): Promise<RedactResult> {
  const jobs = await removeShopJobs(shopId);
  const keys = await storedKeysOfShop(db, shopId);
  await db.$transaction([
    db.session.deleteMany({ where: { shop: shopId } }),
    db.webhookDelivery.deleteMany({ where: { shopId } }),
    db.productionPlan.deleteMany({ where: { shopId } }),
    db.shop.deleteMany({ where: { id: shopId } }),
  ]);
  const { erase, shared } = filesToErase(keys, await keysStillReferenced(db, [...new Set(keys)]));
  const failed: RedactResult["files"]["failed"] = [];
  for (let i = 0; i < erase.length; i += DELETE_CONCURRENCY) {
    await Promise.all(
      erase.slice(i, i + DELETE_CONCURRENCY).map((key) => store.delete(key).catch((error: unknown) => void failed.push({ key, error: error instanceof Error ? error.message : String(error) }))),
    );
  }
  return { jobs, files: { erased: erase.length - failed.length, shared: shared.length, failed } };
}
