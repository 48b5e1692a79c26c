import { describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { upsertMirrorProducts } from "../../app/catalog/mirror.server";
import { listProducts } from "../../app/catalog/product-list.server";
import { productListQuerySchema } from "../../app/catalog/product-list-query";
import { loadPlans, savePlans } from "../../app/production/plans.server";
import { DEFAULT_PLANS } from "../../app/production/production-plan";
import { mirrorProduct } from "../support/factories";

const SHOP = "plans-test.myshopify.com";

describe("production plans and the lane/gap filters (SQLite)", () => {
  it("starts from the defaults, saves edits with an audit record, and filters the list by the plans", async () => {
    await prisma.shop.create({ data: { id: SHOP } });
    await upsertMirrorProducts(prisma, SHOP, [mirrorProduct({ id: 1, title: "Studio coat" }), mirrorProduct({ id: 2, title: "Hybrid dress" }), mirrorProduct({ id: 3, title: "AI tee" })]);
    await prisma.product.update({ where: { id: "gid://shopify/Product/1" }, data: { tier: 1 } });
    await prisma.product.update({ where: { id: "gid://shopify/Product/2" }, data: { tier: 2 } });
    await prisma.product.update({ where: { id: "gid://shopify/Product/3" }, data: { tier: 3 } });

    expect(await loadPlans(prisma, SHOP)).toEqual(DEFAULT_PLANS);
    const titles = async (params: Record<string, string>) => (await listProducts(prisma, SHOP, productListQuerySchema.parse(params), await loadPlans(prisma, SHOP))).items.map((p) => p.title);
    expect(await titles({ lane: "hybrid" })).toEqual(["Hybrid dress"]);
    expect(await titles({ gap: "video" })).toEqual(["AI tee", "Studio coat"]);

    await savePlans(prisma, SHOP, { ...DEFAULT_PLANS, 3: [{ asset: "on-model-front", source: "ai" }] }, "user:9");
    expect((await loadPlans(prisma, SHOP))[3]).toEqual([{ asset: "on-model-front", source: "ai" }]);
    expect(await titles({ gap: "video" })).toEqual(["Studio coat"]);
    expect(await titles({ lane: "ai", gap: "on-model" })).toEqual(["AI tee"]);
    const [audit] = await prisma.auditEvent.findMany({ where: { shopId: SHOP, action: "production.plans.saved" } });
    expect(audit.actor).toBe("user:9");
  });
});
