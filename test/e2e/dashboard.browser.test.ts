import { readFile } from "node:fs/promises";
import type { PrismaClient } from "@prisma/client";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertMirrorProducts } from "../../app/catalog/mirror.server";
import { DEMO_SHOP, type DemoStack } from "../../scripts/lib/demo-stack";
import { screenshotPath } from "../support/browser";
import { startBrowserSuite, type BrowserSuite } from "../support/browser-suite";
import { mirrorProduct } from "../support/factories";

const gid = (n: number) => `gid://shopify/Product/${n}`;
const HOUR = 3_600_000;

describe("production dashboard in Chromium (demo stack)", () => {
  let suite: BrowserSuite;
  let stack: DemoStack;
  let db: PrismaClient;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    suite = await startBrowserSuite("dashboard", { stack: { productCount: 5 }, page: { viewport: { width: 1440, height: 1200 }, acceptDownloads: true }, pageErrors });
    ({ stack, db, browser, page } = suite);
  }, 300_000);

  afterAll(() => suite?.close());

  it("shows the empty state to a shop with nothing produced yet", async () => {
    await page.goto(`${stack.appUrl}/app`);
    await page.getByRole("heading", { name: "Dashboard", exact: true }).waitFor();
    await page.getByText("Nothing to show yet").waitFor();
    await expect(page.getByRole("link", { name: "Open the catalog" }).getAttribute("href")).resolves.toBe("/app/catalog");
  });

  it("shows the figures as tables and charts, narrows them to a lane and downloads both CSV files", async () => {
    await db.shop.upsert({ where: { id: DEMO_SHOP }, create: { id: DEMO_SHOP, name: "Shotlane Demo", monthlyBudgetCents: 5000 }, update: { monthlyBudgetCents: 5000 } });
    await upsertMirrorProducts(db, DEMO_SHOP, [mirrorProduct({ id: 8101, title: "Dash Linen Dress" }), mirrorProduct({ id: 8102, title: "Dash Crew Tee" })]);
    await db.product.updateMany({ where: { id: { in: [gid(8101), gid(8102)] } }, data: { tier: 3 } });
    // Two days ago: two requests; one approved first time after 5 h and live after 8 h, one rejected for anatomy.
    const requested = new Date(Date.now() - 48 * HOUR);
    const order = await db.productionOrder.create({ data: { shopId: DEMO_SHOP, productId: gid(8101), status: "completed", source: "manual", requestedBy: "user:demo", createdAt: requested } });
    for (const [i, product] of [gid(8101), gid(8102)].entries()) {
      await db.assetRequest.create({ data: { id: `dash-e2e-r${i}`, shopId: DEMO_SHOP, orderId: order.id, productId: product, asset: "on-model-front", source: "ai", status: "succeeded", candidatesWanted: 1, createdAt: requested } });
      await db.asset.create({
        data: {
          id: `dash-e2e-a${i}`,
          shopId: DEMO_SHOP,
          productId: product,
          orderId: order.id,
          requestId: `dash-e2e-r${i}`,
          candidateIndex: 0,
          source: "ai",
          kind: "image",
          status: "stored",
          provider: "fashn",
          model: "tryon-v1.6",
          operation: "try-on",
          createdAt: new Date(requested.getTime() + HOUR),
          finishedAt: new Date(requested.getTime() + 2 * HOUR),
          qcStatus: "done",
          qcVerdict: "pass",
          qcDeltaE: i === 0 ? 1.4 : 5.2,
          reviewStatus: i === 0 ? "approved" : "rejected",
          reviewedBy: "user:demo",
          reviewedAt: new Date(requested.getTime() + 5 * HOUR),
          rejectReason: i === 0 ? null : "anatomy",
        },
      });
      await db.costEntry.create({ data: { shopId: DEMO_SHOP, productId: product, assetId: `dash-e2e-a${i}`, provider: "fashn", model: "tryon-v1.6", operation: "try-on", unit: "image", units: 1, costMicros: 75_000, outcome: "succeeded", at: new Date(requested.getTime() + 2 * HOUR) } });
    }
    await db.publication.create({ data: { shopId: DEMO_SHOP, productId: gid(8101), assetId: "dash-e2e-a0", status: "ready", kind: "image", fileName: "a0.jpg", alt: "Dash Linen Dress", requestedBy: "user:demo", readyAt: new Date(requested.getTime() + 8 * HOUR) } });

    await page.goto(`${stack.appUrl}/app`);
    await page.getByRole("heading", { name: "Catalog coverage", exact: true }).waitFor();
    // Every figure is a plain number in a table (the server renders them; charts come after hydration).
    const firstPass = page.getByRole("row", { name: /First-pass approval rate/ });
    await expect(firstPass.innerText()).resolves.toContain("50.0% (below the target)");
    await expect(page.getByRole("row", { name: /^Tier 3/ }).first().innerText()).resolves.toMatch(/Tier 3\s+2\s+50\.0% \(1\)/);
    await expect(page.getByRole("row", { name: /^AI/ }).first().innerText()).resolves.toMatch(/AI\s+5\.0 h\s+1\s+8\.0 h\s+1/);
    await expect(page.getByRole("row", { name: /Anatomy/ }).innerText()).resolves.toMatch(/Anatomy \(hands, limbs, face\)\s+1\s+100\.0%/);
    await expect(page.getByRole("row", { name: /^fashn/ }).innerText()).resolves.toMatch(/fashn\s+AI\s+\$0\.15\s+1\s+\$0\.15\s+\$0\.08/);
    // The budget counts this UTC month only (on the 1st or 2nd of a month the seeded spend was last month's).
    const thisMonth = requested.getUTCMonth() === new Date().getUTCMonth();
    await expect(page.getByRole("row", { name: /^Left/ }).innerText()).resolves.toContain(thisMonth ? "$49.85" : "$50.00");
    // polaris-viz draws the charts in the browser.
    const chart = page.locator('[data-dashboard-chart="Catalog coverage by tier"][data-chart-ready="true"] svg').first();
    await chart.waitFor({ timeout: 30_000 });
    await page.locator('[data-dashboard-chart="Throughput per day"][data-chart-ready="true"] svg').first().waitFor();
    await page.screenshot({ path: screenshotPath("dashboard"), fullPage: true });

    const [figures] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download figures (CSV)" }).click()]);
    expect(figures.suggestedFilename()).toMatch(/^shotlane-figures-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
    const figuresText = await readFile((await figures.path())!, "utf8");
    expect(figuresText).toContain("Quality,,First-pass approval rate,0.5,share\r\n");
    const [audit] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download audit trail (CSV)" }).click()]);
    const auditLines = (await readFile((await audit.path())!, "utf8")).trim().split("\r\n");
    expect(auditLines).toHaveLength(3);
    expect(auditLines[0]).toMatch(/^Asset,Created at,Product,Product title/);
    expect(auditLines.find((l) => l.startsWith("dash-e2e-a1"))).toContain(",anatomy,");

    // The studio lane has nothing yet; the form keeps the range and the lane in the address.
    await page.getByLabel("Lane", { exact: true }).selectOption("studio");
    await page.getByRole("button", { name: "Show figures" }).click();
    await page.waitForURL(/lane=studio/);
    await page.getByText(/to \d{4}-\d{2}-\d{2}, studio lane$/).waitFor();
    await page.getByRole("row", { name: /^First-pass approval rate\s+–$/ }).waitFor();
    expect(pageErrors).toEqual([]);
  });

  it("names a bad date in the address and falls back to the last 30 days", async () => {
    await page.goto(`${stack.appUrl}/app?from=2026-02-30`);
    await page.getByText("Some parameters in the address were not used").waitFor();
    await page.getByText("from is not a calendar date: check the month and day").first().waitFor();
    expect(pageErrors).toEqual([]);
  });
});
