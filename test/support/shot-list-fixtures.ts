import type { Prisma, PrismaClient } from "@prisma/client";
import { upsertMirrorProducts } from "../../app/catalog/mirror.server";
import { defaultRecipeSpec } from "../../app/recipes/garment-category";
import { addDays, utcDay } from "../../app/studio/shot-list";
import { mirrorProduct } from "./factories";

/** The Monday after today (UTC): shot lists refuse start dates in the past, so tests schedule from here. */
export function nextMonday(from = new Date()): Date {
  const today = utcDay(from);
  return addDays(today, (8 - today.getUTCDay()) % 7 || 7);
}

/** A shop row with an offline session, so signed session tokens for it authenticate. */
export async function seedShopWithSession(db: PrismaClient, shop: string): Promise<void> {
  await db.shop.create({ data: { id: shop, name: shop.replace(".myshopify.com", "") } });
  await db.session.create({ data: { id: `offline_${shop}`, shop, state: "", isOnline: false, scope: "read_products", accessToken: `shpat_${shop}`, expires: null } });
}

export interface StudioProductSpec {
  id: number;
  title: string;
  tier: 1 | 2 | 3;
  productType?: string;
  colours?: string[];
  launchDate?: Date | null;
  priority?: number | null;
  producedAssets?: string[];
  status?: string;
  featuredImageUrl?: string | null;
  /** SKU prefix; variant SKUs are `<prefix>-<COLOUR>-<SIZE>`. */
  sku?: string;
}

/** Mirror products with a colourway per colour (sizes S and M), routed to their tier, with launch date and priority. */
export async function seedStudioProducts(db: PrismaClient, shop: string, specs: readonly StudioProductSpec[]): Promise<void> {
  await upsertMirrorProducts(
    db,
    shop,
    specs.map((spec) => {
      const sku = spec.sku ?? `SKU${spec.id}`;
      const colours = spec.colours ?? [];
      const variants = (colours.length ? colours : [null]).flatMap((colour, c) =>
        ["S", "M"].map((size, s) => ({
          id: `gid://shopify/ProductVariant/${spec.id}${c}${s}`,
          title: [colour, size].filter(Boolean).join(" / "),
          sku: [sku, colour?.toUpperCase(), size].filter(Boolean).join("-"),
          priceCents: 4900,
          options: (colour ? { Color: colour, Size: size } : { Size: size }) as Record<string, string>,
          position: c * 2 + s + 1,
        })),
      );
      return mirrorProduct({ id: spec.id, title: spec.title, productType: spec.productType ?? "Tops", status: spec.status ?? "ACTIVE", featuredImageUrl: spec.featuredImageUrl === undefined ? `https://cdn.example/${spec.id}.jpg` : spec.featuredImageUrl, variantCount: variants.length, variants });
    }),
  );
  for (const spec of specs) {
    await db.product.update({
      where: { id: `gid://shopify/Product/${spec.id}` },
      data: { tier: spec.tier, tierSource: "default", launchDate: spec.launchDate ?? null, priority: spec.priority ?? null, producedAssets: spec.producedAssets ?? [] },
    });
  }
}

/** Garment categories with a version-1 recipe each whose styling notes are given. */
export async function seedRecipeNotes(db: PrismaClient, shop: string, categories: readonly { key: string; productTypes: string[]; notes: string }[]): Promise<void> {
  for (const [position, category] of categories.entries()) {
    await db.garmentCategory.create({ data: { shopId: shop, key: category.key, name: category.key, position, productTypes: category.productTypes, tags: [] } });
    const recipe = await db.recipe.create({ data: { shopId: shop, categoryKey: category.key, currentVersion: 1 } });
    const spec = { ...defaultRecipeSpec(category.key, { demo: true }), stylingNotes: category.notes };
    await db.recipeVersion.create({ data: { shopId: shop, recipeId: recipe.id, version: 1, spec: spec as unknown as Prisma.InputJsonValue, createdBy: "user:1" } });
  }
}

/**
 * A big catalog in three INSERT … SELECT statements: `count` products spread
 * over tiers 1-3 (tier n % 3 + 1), three colourways of two sizes each,
 * launch dates over the next 90 days for two thirds of them, priorities for
 * every seventh, product types Dresses and Tops and a tag each.
 */
export async function seedBulkCatalog(db: PrismaClient, shop: string, count: number, from: Date): Promise<void> {
  await db.$executeRaw`
    INSERT INTO "Product" (id, "shopId", "legacyId", title, handle, "productType", vendor, status, "minPriceCents", "maxPriceCents", "currencyCode",
      "variantCount", "imageCount", "featuredImageUrl", "shopifyCreatedAt", "shopifyUpdatedAt", tier, "tierSource", "launchDate", priority)
    SELECT 'gid://shopify/Product/' || (1000000 + n), ${shop}, (1000000 + n)::text, 'Bulk product ' || lpad(n::text, 5, '0'), 'bulk-product-' || n,
      CASE WHEN n % 2 = 1 THEN 'Dresses' ELSE 'Tops' END, 'Atelier Nord', 'ACTIVE', 4900, 4900, 'EUR', 6, 1, 'https://cdn.example/bulk/' || n || '.jpg',
      '2026-01-01', '2026-01-02', n % 3 + 1, 'default',
      CASE WHEN n % 3 = 0 THEN NULL ELSE ${from}::timestamp + make_interval(days => n % 90) END,
      CASE WHEN n % 7 = 0 THEN n % 5 + 1 ELSE NULL END
    FROM generate_series(1, ${count}::int) AS n`;
  await db.$executeRaw`
    INSERT INTO "ProductVariant" (id, "productId", title, sku, "priceCents", options, position)
    SELECT 'gid://shopify/ProductVariant/' || (1000000 + n) || c.i || s.i, 'gid://shopify/Product/' || (1000000 + n), c.name || ' / ' || s.name,
      'BULK' || n || '-' || upper(c.name) || '-' || s.name, 4900, json_build_object('Color', c.name, 'Size', s.name), c.i * 2 + s.i + 1
    FROM generate_series(1, ${count}::int) AS n,
      (VALUES (0, 'Black'), (1, 'Navy'), (2, 'Sand')) AS c(i, name),
      (VALUES (0, 'S'), (1, 'M')) AS s(i, name)`;
  await db.$executeRaw`
    INSERT INTO "ProductTag" ("shopId", "productId", tag)
    SELECT ${shop}, 'gid://shopify/Product/' || (1000000 + n), CASE WHEN n % 4 = 0 THEN 'knit' ELSE 'woven' END
    FROM generate_series(1, ${count}::int) AS n`;
}
