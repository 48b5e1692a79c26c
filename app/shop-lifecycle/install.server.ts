import type { PrismaClient } from "@prisma/client";
import { recordAuditEvent } from "../audit/audit.server";

/**
 * After Shopify authorises the app for a shop (install, reinstall, a new
 * offline token): the shop row exists and is no longer marked uninstalled,
 * so its webhooks, reconcilers and publish jobs run again after a reinstall.
 */
export async function markShopInstalled(db: PrismaClient, shopId: string): Promise<{ reinstalled: boolean }> {
  const previous = await db.shop.findUnique({ where: { id: shopId }, select: { uninstalledAt: true } });
  await db.shop.upsert({ where: { id: shopId }, create: { id: shopId }, update: previous?.uninstalledAt ? { uninstalledAt: null, installedAt: new Date() } : {} });
  const reinstalled = Boolean(previous?.uninstalledAt);
  if (reinstalled) await recordAuditEvent(db, { shopId, actor: "shopify", action: "shop.reinstalled", subjectType: "Shop", subjectId: shopId, data: { uninstalledAt: previous!.uninstalledAt!.toISOString() } });
  return { reinstalled };
}
