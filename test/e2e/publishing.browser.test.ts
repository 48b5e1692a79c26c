import type { PrismaClient } from "@prisma/client";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_SHOP, type DemoStack } from "../../scripts/lib/demo-stack";
import { screenshotPath } from "../support/browser";
import { startBrowserSuite, type BrowserSuite } from "../support/browser-suite";
import { poller } from "../support/wait-for";

/**
 * Issue #7 end to end, on the demo stack (the production web server and
 * worker, the store emulator, PostgreSQL, Redis) in Chromium: a merchant
 * creates a product in the store → the app receives products/create with a
 * valid HMAC → mirrors it and routes it to tier 3 → opens an order by itself →
 * the demo provider generates candidates → post-production → QC → a reviewer
 * approves one in the grid → the product in the store has the new media
 * READY, with alt text, after the merchant's image (the default placement) →
 * a second delivery of the same webhook changes nothing → Revert on the
 * Publishing page restores the original media.
 */

interface EmulatorProduct {
  id: string;
  status: string;
  media: { id: number; kind: string; status: string; alt: string | null }[];
}

const QC_DONE = ["awaiting-review", "awaiting-signoff", "duplicate", "auto-rejected"];

const until = poller({ timeoutMs: 120_000, intervalMs: 250 });

describe("a new product goes live by itself: webhook → tier 3 → AI → QC → approval in the grid → media on the product → revert", () => {
  let suite: BrowserSuite;
  let stack: DemoStack;
  let db: PrismaClient;
  let browser: Browser;
  let page: Page;
  let productId: string;
  let legacyId: string;
  let original: EmulatorProduct;
  let approvedAssetId: string;
  const pageErrors: string[] = [];

  const emulatorProduct = async (): Promise<EmulatorProduct> => ((await (await fetch(`${stack.emulatorUrl}/emulator/shops/${DEMO_SHOP}/products/${legacyId}`)).json()) as { product: EmulatorProduct }).product;

  beforeAll(async () => {
    suite = await startBrowserSuite("publish", { stack: { productCount: 10 }, ownAssetDir: true, pageErrors });
    ({ stack, db, browser, page } = suite);
    // A lean tier-3 plan (one AI view) keeps the 2-core CI machine quick; the rest of the chain is the real one.
    await db.shop.upsert({ where: { id: DEMO_SHOP }, create: { id: DEMO_SHOP, name: "Shotlane Demo" }, update: {} });
    await db.productionPlan.upsert({ where: { shopId_tier: { shopId: DEMO_SHOP, tier: 3 } }, create: { shopId: DEMO_SHOP, tier: 3, items: [{ asset: "on-model-front", source: "ai" }] }, update: { items: [{ asset: "on-model-front", source: "ai" }] } });
  }, 300_000);

  afterAll(() => suite?.close());

  it("a product created in the store is mirrored, routed to tier 3 and gets one automatic order, whose candidates reach review", async () => {
    const created = await fetch(`${stack.emulatorUrl}/emulator/shops/${DEMO_SHOP}/products`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ title: "Seersucker Midi Dress", productType: "Dresses", colors: ["Navy", "Sand"], sizes: ["S", "M"] }),
    });
    expect(created.status).toBe(201);
    original = ((await created.json()) as { product: EmulatorProduct }).product;
    productId = original.id;
    legacyId = productId.split("/").pop()!;
    expect(original.media).toHaveLength(1);

    // The emulator signed and delivered products/create; the app acknowledged it.
    const delivery = await until("the products/create delivery", async () => {
      const { deliveries } = (await (await fetch(`${stack.emulatorUrl}/emulator/shops/${DEMO_SHOP}/webhook-deliveries`)).json()) as { deliveries: { topic: string; state: string; body: string; attempts: { status: number; ms: number }[] }[] };
      return deliveries.find((d) => d.topic === "products/create" && JSON.parse(d.body).admin_graphql_api_id === productId && d.state === "delivered");
    });
    expect(delivery.attempts[0]).toMatchObject({ status: 200 });
    console.log(`publishing e2e: products/create acknowledged in ${delivery.attempts[0]!.ms} ms`);

    const product = await until("the mirrored, routed product", () => db.product.findFirst({ where: { id: productId, tier: 3 } }));
    expect(product.title).toBe("Seersucker Midi Dress");
    const order = await until("the automatic order", () => db.productionOrder.findFirst({ where: { productId, source: "auto" } }));
    expect(await db.productionOrder.count({ where: { productId } })).toBe(1);
    const assets = await until(
      "the candidates to be checked",
      async () => {
        const rows = await db.asset.findMany({ where: { orderId: order.id }, select: { id: true, status: true, reviewStatus: true, colour: true } });
        return rows.length > 0 && rows.every((r) => r.status === "failed" || (r.reviewStatus && QC_DONE.includes(r.reviewStatus))) && rows;
      },
      240_000,
    );
    const open = assets.filter((a) => a.reviewStatus === "awaiting-review");
    expect(open.length).toBeGreaterThan(0);
    // The candidates show the product's first colourway.
    expect(open.every((a) => a.colour === "Navy")).toBe(true);
  }, 300_000);

  it("a reviewer approves one candidate in the grid; the store's product then has it READY, with alt text, after the merchant's image", async () => {
    await page.goto(`${stack.appUrl}/app/review?product=${encodeURIComponent(productId)}`);
    await page.locator('[data-keyboard="ready"]').waitFor();
    await page.keyboard.press("j");
    approvedAssetId = (await until("a focused card", () => page.evaluate(() => document.activeElement?.getAttribute("data-review-card") ?? null), 10_000))!;
    await page.keyboard.press("a");
    await page.locator(".review-toast").getByText("1 asset approved").waitFor();
    expect((await db.asset.findUniqueOrThrow({ where: { id: approvedAssetId } })).reviewStatus).toBe("approved");

    const publication = await until("the publication to be ready", async () => {
      const row = await db.publication.findUnique({ where: { assetId: approvedAssetId } });
      if (row?.status === "failed") throw new Error(`publishing failed: ${row.errorCode} ${row.error}`);
      return row?.status === "ready" && row;
    });
    const live = await emulatorProduct();
    expect(live.media).toHaveLength(2);
    expect(live.media[0]!.id).toBe(original.media[0]!.id);
    expect(live.media[1]).toMatchObject({ kind: "IMAGE", status: "READY", alt: publication.alt });
    expect(publication.alt).toMatch(/^Seersucker Midi Dress – Navy – /);
    expect(publication.mediaId).toBe(`gid://shopify/MediaImage/${live.media[1]!.id}`);

    await page.goto(`${stack.appUrl}/app/publishing`);
    await page.getByText("Seersucker Midi Dress").first().waitFor();
    await page.screenshot({ path: screenshotPath("publishing-page-published"), fullPage: true });
  }, 180_000);

  it("a second delivery of the same products/create webhook changes nothing", async () => {
    const { deliveries } = (await (await fetch(`${stack.emulatorUrl}/emulator/shops/${DEMO_SHOP}/webhook-deliveries`)).json()) as { deliveries: { id: string; topic: string; webhookId: string; body: string }[] };
    const delivery = deliveries.find((d) => d.topic === "products/create" && JSON.parse(d.body).admin_graphql_api_id === productId)!;
    const before = { orders: await db.productionOrder.count({ where: { productId } }), assets: await db.asset.count({ where: { productId } }), publications: await db.publication.count({ where: { productId } }), media: (await emulatorProduct()).media.map((m) => m.id) };
    const redelivered = (await (await fetch(`${stack.emulatorUrl}/emulator/deliveries/${delivery.id}/redeliver`, { method: "POST" })).json()) as { attempts: { status: number }[] };
    expect(redelivered.attempts.at(-1)!.status).toBe(200);
    // Give the worker time to (not) act on it.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await db.webhookDelivery.count({ where: { webhookId: delivery.webhookId } })).toBe(1);
    expect({ orders: await db.productionOrder.count({ where: { productId } }), assets: await db.asset.count({ where: { productId } }), publications: await db.publication.count({ where: { productId } }), media: (await emulatorProduct()).media.map((m) => m.id) }).toEqual(before);
  }, 60_000);

  it("Revert on the Publishing page restores the product's original media", async () => {
    await page.goto(`${stack.appUrl}/app/publishing`);
    const row = page.locator(`[data-product-id="${productId}"]`);
    await row.getByRole("button", { name: "Revert Seersucker Midi Dress" }).click();
    const dialog = page.getByRole("dialog", { name: "Revert Seersucker Midi Dress?" });
    await dialog.waitFor();
    await page.screenshot({ path: screenshotPath("publishing-revert-confirm") });
    await dialog.getByRole("button", { name: "Revert", exact: true }).click();
    await until("the revert", async () => (await db.mediaSnapshot.findFirst({ where: { productId, revertedAt: { not: null } } })) !== null);
    const live = await emulatorProduct();
    expect(live.media.map((m) => m.id)).toEqual(original.media.map((m) => m.id));
    expect((await db.publication.findUniqueOrThrow({ where: { assetId: approvedAssetId } })).status).toBe("reverted");
    expect(await db.auditEvent.count({ where: { subjectId: productId, action: "publishing.reverted" } })).toBe(1);
    await page.reload();
    await page.getByText("Seersucker Midi Dress").first().waitFor();
    await page.screenshot({ path: screenshotPath("publishing-page-reverted"), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
