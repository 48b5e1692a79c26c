import { generateCatalog, seedCollections, COLLECTION_ID_BASE } from "../emulator/seed-catalog";
import { compileRouter, routeProducts, type RoutableProduct, type RuleConditions, type Tier, type TierRule } from "../app/routing/tier-rules";
import { measure, printComparison } from "./harness";

const PRODUCTS = 100_000;
const RULES = 50;

function routableCatalog(count: number): RoutableProduct[] {
  return generateCatalog({ seed: 99, count }).map((p) => {
    const prices = p.variants.map((v) => Math.round(Number(v.price) * 100));
    return {
      id: String(p.id),
      title: p.title,
      productType: p.productType,
      vendor: p.vendor,
      status: p.status,
      minPriceCents: Math.min(...prices),
      maxPriceCents: Math.max(...prices),
      tags: p.tags,
      collectionIds: p.collectionIds.map((id) => `gid://shopify/Collection/${id}`),
      skus: p.variants.map((v) => v.sku),
      createdAt: Date.parse(p.createdAt),
      imageCount: 1,
      pinnedTier: null,
    };
  });
}

/** 50 realistic rules; most are narrow, so a typical product is checked against many before one matches. */
function ruleSet(): TierRule[] {
  const vendors = ["Atelier Nord", "Maison Calme", "Studio Verde", "Lumen & Co", "Harbor Supply", "Kiyo", "Oro Basics", "Fjell", "Saltwater Club", "Rue Margot"];
  const types = ["Tops", "Dresses", "Denim", "Knitwear", "Outerwear", "Swimwear", "Accessories"];
  const tags = ["bestseller", "limited", "capsule", "vegan", "gift", "recycled", "organic-cotton"];
  const collections = seedCollections().map((c) => `gid://shopify/Collection/${c.id}`);
  const rules: TierRule[] = [];
  for (let i = 0; i < RULES - 1; i++) {
    const conditions: RuleConditions = {
      vendors: [vendors[i % vendors.length]],
      productTypes: [types[i % types.length]],
      tags: { mode: i % 3 === 0 ? "all" : "any", values: [tags[i % tags.length], tags[(i + 2) % tags.length]] },
      price: { on: i % 2 ? "min" : "max", minCents: 5000 + (i % 5) * 2000, maxCents: 40000 },
      ...(i % 4 === 0 ? { titleContains: ["linen", "wool", "silk", "cotton"][i % 4 === 0 ? (i / 4) % 4 : 0] } : {}),
      ...(i % 5 === 0 ? { collectionIds: [collections[i % collections.length]] } : {}),
      ...(i % 7 === 0 ? { skuContains: "-BLA-" } : {}),
    };
    rules.push({ id: `r${i}`, name: `rule ${i}`, enabled: true, tier: ((i % 3) + 1) as Tier, conditions });
  }
  rules.push({ id: "premium", name: "Premium collection", enabled: true, tier: 1, conditions: { collectionIds: [`gid://shopify/Collection/${COLLECTION_ID_BASE + 4}`] } });
  return rules;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Baseline: every rule re-evaluated per product with regex and string work, nothing compiled. */
function naiveRoute(product: RoutableProduct, rules: TierRule[], defaultTier: Tier): Tier {
  for (const rule of rules) {
    if (!rule.enabled) continue;
    const c = rule.conditions;
    const tagText = product.tags.join(",");
    const hasTag = (tag: string) => new RegExp(`(^|,)${escape(tag)}(,|$)`, "i").test(tagText);
    if (c.vendors && !c.vendors.some((v) => new RegExp(`^${escape(v)}$`, "i").test(product.vendor))) continue;
    if (c.productTypes && !c.productTypes.some((t) => new RegExp(`^${escape(t)}$`, "i").test(product.productType))) continue;
    if (c.tags) {
      const found = c.tags.values.filter(hasTag).length;
      if (c.tags.mode === "any" && found === 0) continue;
      if (c.tags.mode === "all" && found < c.tags.values.length) continue;
      if (c.tags.mode === "none" && found > 0) continue;
    }
    if (c.price) {
      const price = Number(((c.price.on === "min" ? product.minPriceCents : product.maxPriceCents) / 100).toFixed(2));
      if (c.price.minCents !== undefined && price < c.price.minCents / 100) continue;
      if (c.price.maxCents !== undefined && price > c.price.maxCents / 100) continue;
    }
    if (c.titleContains && !new RegExp(escape(c.titleContains), "i").test(product.title)) continue;
    if (c.collectionIds && !c.collectionIds.some((id) => product.collectionIds.join(" ").includes(id))) continue;
    if (c.skuContains && !new RegExp(escape(c.skuContains), "i").test(product.skus.join(" "))) continue;
    return rule.tier;
  }
  return defaultTier;
}

export async function benchRouting(): Promise<void> {
  const products = routableCatalog(PRODUCTS);
  const rules = ruleSet();
  const router = compileRouter(rules, 3);
  // Both implementations must agree before their speed means anything.
  const { decisions, counts } = routeProducts(products, router);
  const mismatches = products.filter((p) => naiveRoute(p, rules, 3) !== decisions.get(p.id)!.tier).length;
  if (mismatches > 0) throw new Error(`routing benchmark: the compiled router and the baseline disagree on ${mismatches} products`);
  printComparison(
    `Tier routing: ${PRODUCTS.toLocaleString("en")} products × ${rules.length} rules (tiers ${JSON.stringify(counts)}; target < 300 ms)`,
    await measure("compiled rules (compileRouter + routeProducts)", async () => routeProducts(products, compileRouter(rules, 3)), { runs: 10, warmup: 2 }),
    await measure("baseline: regex/string work per rule per product", async () => products.map((p) => naiveRoute(p, rules, 3)), { runs: 3, warmup: 1 }),
  );
}
