import type { Prisma } from "@prisma/client";
import { describe, expect, it } from "vitest";
import { upsertMirrorProducts } from "../../app/catalog/mirror.server";
import prisma from "../../app/db.server";
import type { MirrorProduct } from "../../app/catalog/product-mirror";
import { FAL_KLING_MICROS_PER_5_SECONDS } from "../../app/providers/fal.server";
import { FASHN_MICROS_PER_CREDIT } from "../../app/providers/fashn.server";
import { defaultRecipeSpec } from "../../app/recipes/garment-category";
import { ensureDefaultRecipes } from "../../app/recipes/recipes.server";
import { submitRoutingForm } from "../../app/routing/routing-page.server";
import { loadCapacityPage, recipePricing, SELECTION_CHANGED, submitLaneMove } from "../../app/studio/capacity.server";
import { DEFAULT_STUDIO_SETTINGS, studioSettingsForm } from "../../app/studio/studio-settings";
import { saveStudioSettings } from "../../app/studio/studio-settings.server";
import { mirrorProduct } from "../support/factories";

// Wednesday 9 December 2026 (ISO week 50).
const NOW = new Date("2026-12-09T10:00:00Z");
const gid = (n: number) => `gid://shopify/Product/${n}`;

/** Variants for colourways × sizes ({Colour, Size}, the colour under `key`), or sizes only. */
function variants(id: number, colours: string[], key = "Colour", sizes = ["S", "M"]): MirrorProduct["variants"] {
  const rows = (colours.length ? colours : [null]).flatMap((colour) => sizes.map((size) => ({ colour, size })));
  return rows.map(({ colour, size }, i) => ({
    id: `gid://shopify/ProductVariant/${id}${String(i).padStart(2, "0")}`,
    title: [colour, size].filter(Boolean).join(" / "),
    sku: `SKU-${id}-${colour ?? "X"}-${size}`,
    priceCents: 5000,
    options: colour ? { [key]: colour, Size: size } : { Size: size },
    position: i + 1,
  }));
}

// Default (non-demo) recipes: FASHN try-on at $0.075 a candidate, 3 candidates per view = $0.225 an image
// asset; a 5 s fal Kling clip $0.28. The accessories recipe is changed to 1 candidate per view: $0.075.
const IMAGE = 3 * FASHN_MICROS_PER_CREDIT;
const VIDEO = FAL_KLING_MICROS_PER_5_SECONDS;
const ACCESSORY_IMAGE = FASHN_MICROS_PER_CREDIT;

/**
 * The hand-computed catalog (DEFAULT_PLANS; 10 studio images a day, Monday to Friday). Tiers are pinned
 * except P6 and P9, so a rule change moves only those two.
 * - P1 tier 1 dress, 3 colourways, nothing produced: 6 studio kinds × 3 = 18 studio images (on an open shot list)
 * - P2 tier 1 tee, no colour option, video and detail produced: 4 studio images
 * - P3 tier 2 tee, 2 colourways: front+back studio = 4 images; packshot+detail AI = 2 × IMAGE
 * - P4 tier 3, everything produced: nothing
 * - P5 tier 3 trousers, 1 colourway: front, back, packshot (3 × IMAGE) and a video
 * - P6 accessory, never routed: nothing
 * - P7 tier 3 bag (accessories by type): 3 × ACCESSORY_IMAGE + VIDEO
 * - P8 tier 3 "Misc" tagged category:accessories (accessories by tag): 3 × ACCESSORY_IMAGE + VIDEO
 * - P9 tier 3 knit, 2 colourways, not pinned: 3 × IMAGE + VIDEO
 */
const STUDIO_IMAGES = 18 + 4 + 4;
const AI_SPEND = 2 * IMAGE + (3 * IMAGE + VIDEO) + 2 * (3 * ACCESSORY_IMAGE + VIDEO) + (3 * IMAGE + VIDEO);

async function seedCatalog(shop: string) {
  await prisma.shop.create({ data: { id: shop, monthlyBudgetCents: 500 } });
  await upsertMirrorProducts(prisma, shop, [
    mirrorProduct({ id: 1, title: "Linen Wrap Dress", productType: "Dresses", vendor: "Atelier Nord", variants: variants(1, ["Black", "Sand", "Olive"], "Color") }),
    mirrorProduct({ id: 2, title: "Basic Tee", productType: "Tops", vendor: "Basics Co", variants: variants(2, []) }),
    mirrorProduct({ id: 3, title: "Striped Tee", productType: "Tops", vendor: "Basics Co", variants: variants(3, ["Navy", " navy ", "Red"]) }),
    mirrorProduct({ id: 4, title: "Done Tee", productType: "Tops", vendor: "Atelier Nord", variants: variants(4, ["White"]) }),
    mirrorProduct({ id: 5, title: "Wide Trousers", productType: "Trousers", vendor: "Atelier Nord", variants: variants(5, ["Ecru"]) }),
    mirrorProduct({ id: 6, title: "Silk Scarf", productType: "Accessories", vendor: "Atelier Nord", variants: variants(6, ["Blue"]) }),
    mirrorProduct({ id: 7, title: "Canvas Tote", productType: "Bags", vendor: "Atelier Nord", variants: variants(7, []) }),
    mirrorProduct({ id: 8, title: "Keyring", productType: "Misc", vendor: "Atelier Nord", tags: ["Category:Accessories"], variants: variants(8, []) }),
    mirrorProduct({ id: 9, title: "Merino Knit", productType: "Knitwear", vendor: "Atelier Nord", variants: variants(9, ["Grey", "Camel"], " COLOUR") }),
  ]);
  const route = async (id: number, tier: number | null, pinned: boolean, producedAssets: string[] = []) =>
    prisma.product.update({ where: { id: gid(id) }, data: { tier, pinnedTier: pinned ? tier : null, tierSource: tier === null ? null : pinned ? "pin" : "default", producedAssets } });
  await route(1, 1, true);
  await route(2, 1, true, ["video", "detail"]);
  await route(3, 2, true);
  await route(4, 3, true, ["on-model-front", "on-model-back", "packshot", "video"]);
  await route(5, 3, true);
  await route(6, null, false);
  await route(7, 3, true);
  await route(8, 3, true);
  await route(9, 3, false);
  await saveStudioSettings(prisma, shop, studioSettingsForm({ ...DEFAULT_STUDIO_SETTINGS, imagesPerDay: 10 }), "user:1");

  await ensureDefaultRecipes(prisma, shop, { demo: false });
  const accessories = await prisma.recipe.findUniqueOrThrow({ where: { shopId_categoryKey: { shopId: shop, categoryKey: "accessories" } } });
  await prisma.recipeVersion.create({ data: { shopId: shop, recipeId: accessories.id, version: 2, spec: { ...defaultRecipeSpec("accessories", { demo: false }), candidatesPerView: 1 } as unknown as Prisma.InputJsonValue, createdBy: "user:1" } });
  await prisma.recipe.update({ where: { id: accessories.id }, data: { currentVersion: 2 } });
}

async function seedShotLists(shop: string) {
  const line = (productId: string, position: number, studioDay: string, views: string[], deliveredViews: string[] = []) => ({
    shopId: shop,
    productId,
    position,
    studioDay: new Date(studioDay),
    productTitle: "Linen Wrap Dress",
    views,
    images: views.length,
    deliveredViews,
  });
  // Open: 5 of Black's 6 views still to come on Thursday; Sand's 2 are overdue (last week) and count this week.
  await prisma.shotList.create({
    data: {
      shopId: shop,
      number: 1,
      status: "sent",
      createdBy: "user:1",
      lines: {
        create: [
          line(gid(1), 1, "2026-12-10T00:00:00Z", ["on-model-front", "on-model-back", "on-model-side", "packshot", "detail", "video"], ["on-model-front"]),
          line(gid(1), 2, "2026-12-01T00:00:00Z", ["on-model-front", "on-model-back"]),
        ],
      },
    },
  });
  // Delivered lists are not open work.
  await prisma.shotList.create({ data: { shopId: shop, number: 2, status: "delivered", createdBy: "user:1", lines: { create: [line(gid(2), 1, "2026-12-10T00:00:00Z", ["on-model-front"])] } } });
}

async function seedAiWork(shop: string) {
  const order = await prisma.productionOrder.create({ data: { shopId: shop, productId: gid(5), status: "running", source: "manual", requestedBy: "user:1" } });
  const request = await prisma.assetRequest.create({ data: { shopId: shop, orderId: order.id, productId: gid(5), asset: "on-model-front", source: "ai", status: "running", candidatesWanted: 3 } });
  const assets: { status: string; postStatus?: string; qcStatus?: string; source?: string }[] = [
    { status: "queued" },
    { status: "submitted" },
    { status: "downloading" },
    { status: "stored", postStatus: "queued" },
    { status: "stored", postStatus: "done", qcStatus: "running" },
    { status: "stored", postStatus: "done", qcStatus: "done" },
    { status: "paused" },
    { status: "failed" },
    { status: "queued", source: "studio" },
  ];
  await prisma.asset.createMany({
    data: assets.map((a, i) => ({ shopId: shop, productId: gid(5), orderId: order.id, requestId: request.id, candidateIndex: i, source: a.source ?? "ai", kind: "image", status: a.status, postStatus: a.postStatus, qcStatus: a.qcStatus, provider: "fashn", model: "tryon-v1.6", operation: "try-on" })),
  });
  const cost = (costMicros: number, outcome: string, at: string) => ({ shopId: shop, productId: gid(5), orderId: order.id, provider: "fashn", model: "tryon-v1.6", operation: "try-on", unit: "credit", units: 1, costMicros, outcome, at: new Date(at) });
  await prisma.costEntry.createMany({
    data: [cost(1_500_000, "succeeded", "2026-12-02T00:00:00Z"), cost(200_000, "reserved", "2026-12-09T09:00:00Z"), cost(9_000_000, "succeeded", "2026-11-30T23:00:00Z")],
  });
}

describe("studio capacity (PostgreSQL)", () => {
  it("prices a candidate with each recipe's provider adapter, as the budget reservation does", () => {
    const { pricing, problems } = recipePricing(defaultRecipeSpec("tops", { demo: false }));
    expect(pricing.candidatesPerView).toBe(3);
    expect(pricing.costPerCandidateMicros).toEqual({ "on-model-front": 75_000, "on-model-back": 75_000, "on-model-side": 75_000, packshot: 75_000, detail: 75_000, lifestyle: 75_000, video: 280_000 });
    expect(problems).toEqual({});
    expect(recipePricing(defaultRecipeSpec("tops", { demo: true })).pricing.costPerCandidateMicros.video).toBe(0);
    const noVideo = recipePricing({ ...defaultRecipeSpec("tops", { demo: false }), video: null });
    expect(noVideo.problems).toEqual({ video: "the category's recipe has no video brief: add one in Brand recipes" });
  });

  it("adds up a seeded catalog to the hand-computed figures: per tier, per week, AI in flight and the month's spend", async () => {
    const shop = "capacity-figures.myshopify.com";
    await seedCatalog(shop);
    await seedShotLists(shop);
    await seedAiWork(shop);
    const page = await loadCapacityPage(prisma, shop, { demo: false, now: NOW });

    expect(page.products).toBe(9);
    expect(page.figures).toEqual({
      studioImages: STUDIO_IMAGES,
      studioDays: 3,
      studioWeeks: 1,
      aiAssets: 2 + 4 + 4 + 4 + 4,
      aiCandidates: 2 * 3 + (3 * 3 + 1) + 2 * (3 * 1 + 1) + (3 * 3 + 1),
      aiSpendMicros: AI_SPEND,
      backlog: {
        1: { products: 2, studioImages: 22, aiAssets: 0, aiSpendMicros: 0 },
        2: { products: 1, studioImages: 4, aiAssets: 2, aiSpendMicros: 2 * IMAGE },
        3: { products: 4, studioImages: 0, aiAssets: 16, aiSpendMicros: AI_SPEND - 2 * IMAGE },
      },
    });
    expect(AI_SPEND).toBe(3_370_000);

    // Scheduled: 5 + 2 (overdue, counted today) in week 50. Backlog not on a shot list: P2 4 + P3 4 = 8,
    // laid out from Friday 11 December at 10 a day.
    expect(page.weeks).toMatchObject({ scheduledImages: 7, unscheduledImages: 8, beyond: { images: 0, weeks: 0 } });
    expect(page.weeks.weeks).toEqual([{ week: "2026-W50", weekStart: "2026-12-07", images: 15, scheduled: 7, backlog: 8, capacity: 50, overCapacity: false }]);

    expect(page.inFlight).toEqual({ generating: 3, postProduction: 1, qualityChecks: 1, paused: 1 });
    expect(page.spend).toEqual({ spentMicros: 1_500_000, reservedMicros: 200_000, monthlyBudgetMicros: 5_000_000, monthStart: "2026-12-01T00:00:00.000Z" });
    expect(page.pricing.warnings).toEqual([]);
    expect(page.pricing.categories.find((c) => c.key === "accessories")).toMatchObject({ candidatesPerView: 1 });
  });

  it("lays a backlog bigger than the chart onto weeks at capacity and says what is left beyond them", async () => {
    const shop = "capacity-long.myshopify.com";
    await seedCatalog(shop);
    await saveStudioSettings(prisma, shop, studioSettingsForm({ ...DEFAULT_STUDIO_SETTINGS, imagesPerDay: 1, workdays: [1] }), "user:1");
    const page = await loadCapacityPage(prisma, shop, { demo: false, now: NOW });
    // 26 images at one a week: 26 weeks shown from Monday 14 December, nothing beyond.
    expect(page.weeks.weeks).toHaveLength(26);
    expect(page.weeks.weeks[0]).toMatchObject({ week: "2026-W51", backlog: 1, capacity: 1 });
    expect(page.weeks.beyond).toEqual({ images: 0, weeks: 0 });
    await prisma.product.update({ where: { id: gid(2) }, data: { producedAssets: [] } });
    const more = await loadCapacityPage(prisma, shop, { demo: false, now: NOW });
    // P2 now needs all 6 studio kinds: 28 images, 2 beyond the 26 weeks shown.
    expect(more.weeks.beyond).toEqual({ images: 2, weeks: 2 });
  });

  it("previews a lane move, then confirm pins exactly the previewed products and the figures become the preview's", async () => {
    const shop = "capacity-move.myshopify.com";
    await seedCatalog(shop);
    const form = { intent: "preview", type: "Tops", target: "3" };
    const previewed = await submitLaneMove(prisma, shop, form, "user:5", { demo: false });
    if (!previewed.ok || previewed.intent !== "preview") throw new Error(JSON.stringify(previewed));
    const { preview } = previewed;
    // Tops: P2 (1 → 3), P3 (2 → 3), P4 (already 3). P2 on tier 3 needs front, back, packshot; P3 all four.
    expect([preview.selected, preview.moved]).toEqual([3, 2]);
    expect(preview.delta).toEqual({ studioImages: -8, studioDays: -1, studioWeeks: 0, aiAssets: 3 + 4 - 2, aiSpendMicros: 3 * IMAGE + (3 * IMAGE + VIDEO) - 2 * IMAGE });
    expect(preview.summary).toBe("Moving 2 products to tier 3 saves 1 studio day and costs ≈ $1.18 more of AI.");
    expect(preview.sample).toEqual([
      { title: "Basic Tee", from: 1, to: 3 },
      { title: "Striped Tee", from: 2, to: 3 },
    ]);
    // A preview writes nothing.
    expect(await prisma.product.count({ where: { shopId: shop, pinnedTier: 3 } })).toBe(4);

    const confirmed = await submitLaneMove(prisma, shop, { ...form, intent: "confirm", selection: preview.selection }, "user:5", { demo: false });
    expect(confirmed).toEqual({ intent: "confirm", ok: true, pinned: 3, target: "3", summary: "Pinned to tier 3: 3 products." });
    const rows = await prisma.product.findMany({ where: { shopId: shop }, select: { id: true, tier: true, pinnedTier: true }, orderBy: { id: "asc" } });
    expect(rows.filter((r) => r.pinnedTier === 3).map((r) => r.id)).toEqual([gid(2), gid(3), gid(4), gid(5), gid(7), gid(8)]);
    expect(rows.find((r) => r.id === gid(2))).toMatchObject({ tier: 3 });
    expect(rows.find((r) => r.id === gid(1))).toMatchObject({ tier: 1, pinnedTier: 1 });
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { shopId: shop, action: "routing.pinned" } });
    expect(audit).toMatchObject({ actor: "user:5", data: { productIds: [gid(2), gid(3), gid(4)], tier: 3 } });

    const after = await loadCapacityPage(prisma, shop, { demo: false, now: NOW });
    expect(after.figures).toEqual(preview.after);

    // Unpinning them gives them back to the rules: none are saved, so the default tier 3; nothing moves.
    const unpin = await submitLaneMove(prisma, shop, { intent: "preview", type: "Tops", target: "unpin" }, "user:5", { demo: false });
    expect(unpin).toMatchObject({ ok: true, preview: { selected: 3, moved: 0, summary: "Moving 0 products back to the tiers their rules give leaves studio days unchanged and leaves AI spend unchanged." } });
  });

  it("refuses a confirm whose selection changed since the preview, and one without a preview, and moves nothing", async () => {
    const shop = "capacity-changed.myshopify.com";
    await seedCatalog(shop);
    const form = { intent: "preview", vendor: "Basics Co", target: "3" };
    const previewed = await submitLaneMove(prisma, shop, form, "user:5", { demo: false });
    if (!previewed.ok || previewed.intent !== "preview") throw new Error(JSON.stringify(previewed));
    expect(previewed.preview.selected).toBe(2);

    // A product joins the filter after the preview.
    await prisma.product.update({ where: { id: gid(4) }, data: { vendor: "Basics Co" } });
    const stale = await submitLaneMove(prisma, shop, { ...form, intent: "confirm", selection: previewed.preview.selection }, "user:5", { demo: false });
    expect(stale).toEqual({ intent: "confirm", ok: false, errors: { selection: SELECTION_CHANGED } });
    // A product's tier changes after the preview (same products, other effect).
    await prisma.product.update({ where: { id: gid(4) }, data: { vendor: "Atelier Nord" } });
    await prisma.product.update({ where: { id: gid(3) }, data: { tier: 1, pinnedTier: 1 } });
    expect(await submitLaneMove(prisma, shop, { ...form, intent: "confirm", selection: previewed.preview.selection }, "user:5", { demo: false })).toMatchObject({ ok: false, errors: { selection: SELECTION_CHANGED } });

    expect(await submitLaneMove(prisma, shop, { ...form, intent: "confirm" }, "user:5", { demo: false })).toEqual({ intent: "confirm", ok: false, errors: { selection: "the preview is missing: press Preview first" } });
    expect(await submitLaneMove(prisma, shop, { intent: "preview", vendor: "Nobody", target: "3" }, "user:5", { demo: false })).toEqual({ intent: "preview", ok: false, errors: { filter: "no product matches these filters: widen them" } });
    expect(await submitLaneMove(prisma, shop, { intent: "preview", target: "4", tier: "9" }, "user:5", { demo: false })).toEqual({
      intent: "preview",
      ok: false,
      errors: { target: "choose the tier to move the products to, or Unpin", tier: "must be 1, 2, 3 or unrouted" },
    });
    expect(await prisma.auditEvent.count({ where: { shopId: shop, action: { in: ["routing.pinned", "routing.unpinned"] } } })).toBe(0);
    expect((await prisma.product.findUniqueOrThrow({ where: { id: gid(2) } })).pinnedTier).toBe(1);
  });

  it("adds the studio-days and AI-spend effect to the Tier routing page's rule preview", async () => {
    const shop = "capacity-rules.myshopify.com";
    await seedCatalog(shop);
    const form = new FormData();
    form.set("intent", "preview");
    form.set("payload", JSON.stringify({ defaultTier: 3, rules: [{ name: "Knitwear to the studio", enabled: true, tier: 1, conditions: { productTypes: ["Knitwear"] } }] }));
    const result = await submitRoutingForm(shop, form, "user:5", { demo: false });
    if (!result.ok || result.intent !== "preview") throw new Error(JSON.stringify(result));
    // Only the unpinned move: P9 knit 3 → 1 (+6 kinds × 2 colourways = 12 studio images, −3 × IMAGE − VIDEO),
    // P6 scarf unrouted → 3 (+3 × ACCESSORY_IMAGE + VIDEO).
    expect(result.preview.moved).toBe(2);
    expect("error" in result.preview.capacity).toBe(false);
    if ("error" in result.preview.capacity) return;
    expect(result.preview.capacity.delta).toEqual({ studioImages: 12, studioDays: 1, studioWeeks: 0, aiAssets: 0, aiSpendMicros: 3 * ACCESSORY_IMAGE - 3 * IMAGE });
    expect(result.preview.capacity.summary).toBe("Moving 2 products to the tiers these rules give adds 1 studio day and saves ≈ $0.45 of AI.");
    expect(result.preview.capacity.before.aiSpendMicros).toBe(AI_SPEND);
    // The preview is all it did.
    expect(await prisma.tierRule.count({ where: { shopId: shop } })).toBe(0);
    expect((await prisma.product.findUniqueOrThrow({ where: { id: gid(9) } })).tier).toBe(3);
  });
});
