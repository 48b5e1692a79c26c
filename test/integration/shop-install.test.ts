import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { markShopInstalled } from "../../app/shop-lifecycle/install.server";
import { clearDatabase } from "../support/shop-rows";

const SHOP = "reinstall-test.myshopify.com";

describe("markShopInstalled (the afterAuth hook)", () => {
  beforeEach(() => clearDatabase(prisma));

  it("creates the shop row on a first install, without an audit event", async () => {
    expect(await markShopInstalled(prisma, SHOP)).toEqual({ reinstalled: false });
    expect(await prisma.shop.findUniqueOrThrow({ where: { id: SHOP } })).toMatchObject({ uninstalledAt: null });
    expect(await prisma.auditEvent.count({ where: { shopId: SHOP } })).toBe(0);
  });

  it("a reinstall clears uninstalledAt and is audited once; later token exchanges change nothing", async () => {
    const uninstalledAt = new Date("2026-12-01T10:00:00Z");
    await prisma.shop.create({ data: { id: SHOP, installedAt: new Date("2026-11-01T00:00:00Z"), uninstalledAt } });
    expect(await markShopInstalled(prisma, SHOP)).toEqual({ reinstalled: true });
    const shop = await prisma.shop.findUniqueOrThrow({ where: { id: SHOP } });
    expect(shop.uninstalledAt).toBeNull();
    expect(shop.installedAt.getTime()).toBeGreaterThan(uninstalledAt.getTime());
    expect(await markShopInstalled(prisma, SHOP)).toEqual({ reinstalled: false });
    const events = await prisma.auditEvent.findMany({ where: { shopId: SHOP } });
    expect(events.map((e) => [e.action, e.data])).toEqual([["shop.reinstalled", { uninstalledAt: uninstalledAt.toISOString() }]]);
  });
});
