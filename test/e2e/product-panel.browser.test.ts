import type { PrismaClient } from "@prisma/client";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertMirrorProducts } from "../../app/catalog/mirror.server";
import { ensureDefaultRecipes } from "../../app/recipes/recipes.server";
import { buildExtensions } from "../../scripts/build-extensions";
import { DEMO_SHOP, type DemoStack } from "../../scripts/lib/demo-stack";
import { screenshotPath } from "../support/browser";
import { startBrowserSuite, type BrowserSuite } from "../support/browser-suite";
import { mirrorProduct } from "../support/factories";

/**
 * The product page extensions' built bundles in the demo's preview page (a
 * stand-in for the admin), against the real web app: its fetches carry an ID
 * token signed with the demo app's secret and go through authenticate.admin.
 */

const DRESS = "gid://shopify/Product/9101";

describe("product page extensions in Chromium (demo preview)", () => {
  let suite: BrowserSuite;
  let stack: DemoStack;
  let db: PrismaClient;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // The preview serves what `npm run build:extensions` leaves in extensions/*/dist.
    await buildExtensions();
    // authenticate.admin answers 410 to bots (isbot), and headless Chromium's user agent says "HeadlessChrome".
    suite = await startBrowserSuite("panel", { stack: { productCount: 5 }, page: async (b) => ({ viewport: { width: 900, height: 1000 }, userAgent: (await b.newBrowserCDPSession().then((s) => s.send("Browser.getVersion"))).userAgent.replace("HeadlessChrome", "Chrome") }), pageErrors });
    ({ stack, db, browser, page } = suite);
    await db.shop.upsert({ where: { id: DEMO_SHOP }, create: { id: DEMO_SHOP, name: "Shotlane Demo" }, update: {} });
    await upsertMirrorProducts(db, DEMO_SHOP, [mirrorProduct({ id: 9101, title: "Linen Wrap Dress", productType: "Dresses" })]);
    const rule = await db.tierRule.create({ data: { shopId: DEMO_SHOP, position: 0, name: "Dresses on AI", tier: 3, conditions: { productTypes: ["Dresses"] } } });
    await db.product.update({ where: { id: DRESS }, data: { tier: 3, tierSource: "rule", tierRuleId: rule.id } });
    await ensureDefaultRecipes(db, DEMO_SHOP, { demo: true });
    // A budget pause keeps the order the test sends open (the worker pauses its candidates), whatever the machine's speed.
    await db.shop.update({ where: { id: DEMO_SHOP }, data: { productionPausedAt: new Date(), productionPauseReason: "paused by the test: the order stays open" } });
  }, 300_000);

  afterAll(() => suite?.close());

  it("shows the block, sends from the action with the chosen recipe and views, then shows the skip reason while the order is open", async () => {
    await page.goto(`${stack.appUrl}/extension-preview/product-panel-block?product=9101`);
    await page.getByText("Rule “Dresses on AI”", { exact: true }).waitFor();
    await page.getByText("Tier 3", { exact: true }).waitFor();
    await page.getByText("On-model, front: missing").waitFor();
    await page.getByText("Nothing in production", { exact: true }).waitFor();
    await expect(page.getByRole("link", { name: "Open in Review" }).getAttribute("href")).resolves.toBe(`/app/review?product=${encodeURIComponent(DRESS)}`);
    await page.screenshot({ path: screenshotPath("product-panel-block"), fullPage: true });

    // The block's button opens the action (extension://product-panel-action).
    await page.getByRole("button", { name: "Send to production" }).click();
    await page.waitForURL(/\/extension-preview\/product-panel-action\?product=/);
    await page.getByRole("checkbox", { name: /^Video/ }).waitFor();
    await page.getByRole("checkbox", { name: /^Video/ }).uncheck();
    await page.getByRole("checkbox", { name: /^On-model, back/ }).uncheck();
    await page.getByLabel("Brand recipe").selectOption("knitwear");
    await page.getByRole("button", { name: "Send to production" }).click();
    await page.getByText("Sent to production: On-model, front, Packshot with the “Knitwear” recipe.", { exact: false }).waitFor();
    await page.screenshot({ path: screenshotPath("product-panel-action-sent"), fullPage: true });

    const orders = await db.productionOrder.findMany({ where: { shopId: DEMO_SHOP, productId: DRESS }, include: { requests: true } });
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ source: "extension", requestedBy: "user:demo-preview" });
    expect(orders[0].requests.map((r) => r.asset).sort()).toEqual(["on-model-front", "packshot"]);
    const knitwear = await db.recipe.findUniqueOrThrow({ where: { shopId_categoryKey: { shopId: DEMO_SHOP, categoryKey: "knitwear" } }, include: { versions: { select: { id: true, version: true } } } });
    expect(orders[0].requests.map((r) => r.recipeVersionId)).toEqual(orders[0].requests.map(() => knitwear.versions.find((v) => v.version === knitwear.currentVersion)!.id));

    // A second send while that order is open: the backend's skip reason, nothing new.
    await page.reload();
    await page.getByText(/^An order is still open/).waitFor();
    await page.getByRole("button", { name: "Send to production" }).click();
    await page.getByText("Not sent: already in production: wait for its order to finish or cancel it.").waitFor();
    expect(await db.productionOrder.count({ where: { shopId: DEMO_SHOP, productId: DRESS } })).toBe(1);
    await page.screenshot({ path: screenshotPath("product-panel-action-skipped"), fullPage: true });

    await page.getByRole("button", { name: "Close" }).click();
    await page.getByText("The admin closed the action (demo preview).").waitFor();
    expect(pageErrors).toEqual([]);
  });
});
