import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { upsertMirrorProducts } from "../../app/catalog/mirror.server";
import { parseRulesForm } from "../../app/routing/rule-schema";
import { pinProducts, previewRules, saveRules, tierCounts } from "../../app/routing/routing.server";
import { mirrorProduct } from "../support/factories";

const SHOP = "routing-test.myshopify.com";
const PREMIUM = { id: "gid://shopify/Collection/1", title: "Premium", handle: "premium" };

function rulesFrom(input: unknown) {
  const parsed = parseRulesForm(input, new Set([PREMIUM.id]));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed;
}

describe("routing service (SQLite)", () => {
  beforeEach(async () => {
    await prisma.shop.deleteMany();
    await prisma.shop.create({ data: { id: SHOP } });
    await upsertMirrorProducts(prisma, SHOP, [
      mirrorProduct({ id: 1, title: "Cashmere Coat", productType: "Outerwear", maxPriceCents: 89000, collections: [PREMIUM] }),
      mirrorProduct({ id: 2, title: "Linen Dress", productType: "Dresses", tags: ["ss26"] }),
      mirrorProduct({ id: 3, title: "Cotton Tee", productType: "Tops", maxPriceCents: 1900 }),
      mirrorProduct({ id: 4, title: "Canvas Tote", productType: "Accessories", maxPriceCents: 2500 }),
    ]);
  });

  const rules = {
    defaultTier: 3,
    rules: [
      { name: "Premium collection to the studio", tier: 1, conditions: { collectionIds: [PREMIUM.id] } },
      { name: "SS26 drop: mostly studio", tier: 2, conditions: { tags: { mode: "any", values: ["ss26"] } } },
    ],
  };

  it("previews the change without writing, then saves, routes every product and records why", async () => {
    const parsed = rulesFrom(rules);
    const preview = await previewRules(prisma, SHOP, parsed.rules, parsed.defaultTier);
    expect(preview.before).toEqual({ 1: 0, 2: 0, 3: 0, unrouted: 4 });
    expect(preview.after).toEqual({ 1: 1, 2: 1, 3: 2, unrouted: 0 });
    expect(preview.moved).toBe(4);
    expect(preview.sample.find((s) => s.title === "Linen Dress")).toMatchObject({ from: null, to: 2, by: "rule “SS26 drop: mostly studio”" });
    expect(await tierCounts(prisma, SHOP)).toEqual({ 1: 0, 2: 0, 3: 0, unrouted: 4 });

    const saved = await saveRules(prisma, SHOP, parsed.rules, parsed.defaultTier, "user:7");
    expect(saved.after).toEqual({ 1: 1, 2: 1, 3: 2, unrouted: 0 });
    const products = await prisma.product.findMany({ orderBy: { id: "asc" }, select: { title: true, tier: true, tierSource: true, tierRuleId: true } });
    const ruleRows = await prisma.tierRule.findMany({ orderBy: { position: "asc" } });
    expect(products).toEqual([
      { title: "Cashmere Coat", tier: 1, tierSource: "rule", tierRuleId: ruleRows[0].id },
      { title: "Linen Dress", tier: 2, tierSource: "rule", tierRuleId: ruleRows[1].id },
      { title: "Cotton Tee", tier: 3, tierSource: "default", tierRuleId: null },
      { title: "Canvas Tote", tier: 3, tierSource: "default", tierRuleId: null },
    ]);
    const [audit] = await prisma.auditEvent.findMany({ where: { shopId: SHOP, action: "routing.rules.saved" } });
    expect(audit.actor).toBe("user:7");
    expect(audit.data).toMatchObject({ before: { unrouted: 4 }, after: { 1: 1, 2: 1, 3: 2 }, changed: 4 });
  });

  it("keeps a pin through rule changes and re-syncs of the product", async () => {
    const parsed = rulesFrom(rules);
    await saveRules(prisma, SHOP, parsed.rules, parsed.defaultTier, "user:7");
    await pinProducts(prisma, SHOP, ["gid://shopify/Product/3"], 1, "user:7");
    expect(await prisma.product.findUniqueOrThrow({ where: { id: "gid://shopify/Product/3" }, select: { tier: true, tierSource: true } })).toEqual({ tier: 1, tierSource: "pin" });

    // New rules that would send tops to tier 2, and a re-sync of the product: the pin holds.
    const changed = rulesFrom({ defaultTier: 2, rules: [{ name: "Tops", tier: 2, conditions: { productTypes: ["Tops"] } }] });
    await saveRules(prisma, SHOP, changed.rules, changed.defaultTier, "user:7");
    await upsertMirrorProducts(prisma, SHOP, [mirrorProduct({ id: 3, title: "Cotton Tee (re-synced)", productType: "Tops" })]);
    expect(await prisma.product.findUniqueOrThrow({ where: { id: "gid://shopify/Product/3" }, select: { tier: true, tierSource: true, pinnedTier: true } })).toEqual({ tier: 1, tierSource: "pin", pinnedTier: 1 });

    await pinProducts(prisma, SHOP, ["gid://shopify/Product/3"], null, "user:7");
    expect(await prisma.product.findUniqueOrThrow({ where: { id: "gid://shopify/Product/3" }, select: { tier: true, tierSource: true } })).toEqual({ tier: 2, tierSource: "rule" });
    expect((await prisma.auditEvent.findMany({ where: { shopId: SHOP }, orderBy: { id: "asc" } })).map((a) => a.action)).toEqual([
      "routing.rules.saved",
      "routing.pinned",
      "routing.rules.saved",
      "routing.unpinned",
    ]);
  });
});
