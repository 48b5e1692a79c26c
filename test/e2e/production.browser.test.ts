import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DemoStack } from "../../scripts/lib/demo-stack";
import { screenshotPath } from "../support/browser";
import { startBrowserSuite, type BrowserSuite } from "../support/browser-suite";

describe("send to production and watch it in Chromium (demo stack: real worker, local demo provider)", () => {
  let suite: BrowserSuite;
  let stack: DemoStack;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    suite = await startBrowserSuite("prod", { pageErrors });
    ({ stack, browser, page } = suite);
  });

  afterAll(() => suite?.close());

  it("shows how to start when nothing was sent yet", async () => {
    await page.goto(`${stack.appUrl}/app/production`);
    await page.getByRole("heading", { name: "Production", exact: true }).waitFor();
    await page.getByText("Nothing sent to production yet").waitFor();
    await expect(page.getByRole("link", { name: "Open the catalog" }).getAttribute("href")).resolves.toBe("/app/catalog");
  });

  it("sends two products from the catalog, follows their progress to the end and shows the stored candidates", async () => {
    await page.goto(`${stack.appUrl}/app/catalog`);
    await page.getByRole("button", { name: "Sync catalog" }).click();
    await page.getByText("500 of 500 products (100%)").waitFor({ timeout: 90_000 });
    await page.getByText(/Page 1 of 10 · 500 products/).waitFor({ timeout: 30_000 });

    const rows = page.locator("tbody tr");
    const titles: string[] = [];
    for (const index of [0, 1]) {
      titles.push((await rows.nth(index).locator("td").nth(1).innerText()).trim());
      await rows.nth(index).locator("td").first().locator("input[type=checkbox]").check({ force: true });
    }
    await page.getByRole("button", { name: "Send to production" }).click();
    await page.getByText("2 products sent to production").waitFor({ timeout: 30_000 });
    await page.screenshot({ path: screenshotPath("production-sent") });

    // Sending one of them again while its order runs is refused for that product, with the reason.
    await rows.nth(0).locator("td").first().locator("input[type=checkbox]").check({ force: true });
    await page.getByRole("button", { name: "Send to production" }).click();
    await page.getByText("0 products sent to production").waitFor({ timeout: 30_000 });
    await page.getByText(`${titles[0]}: already in production: wait for its order to finish or cancel it`).waitFor();
    await page.screenshot({ path: screenshotPath("production-skipped") });

    await page.getByRole("link", { name: "Open Production" }).click();
    await page.getByRole("heading", { name: "Production", exact: true }).waitFor();
    for (const title of titles) await page.getByRole("heading", { name: title, exact: true }).waitFor();
    await page.getByText("Demo provider (local composition, not AI)").first().waitFor();
    // Mid-way: some candidates done, not all (the page refreshes itself every 2 s).
    await page.waitForFunction(
      () => {
        const match = /^(\d+) of (\d+) candidates done across 2 active orders$/.exec(document.getElementById("production-overall-label")?.textContent ?? "");
        return match !== null && Number(match[1]) > 0 && Number(match[1]) < Number(match[2]);
      },
      undefined,
      { timeout: 90_000, polling: 100 },
    );
    await page.screenshot({ path: screenshotPath("production-in-progress") });

    // The page refreshes itself: no reload from here on.
    await page.getByText("Nothing is in production right now.").waitFor({ timeout: 120_000 });
    await expect(page.locator("[data-order-id]").getByText("completed", { exact: true }).count()).resolves.toBe(2);
    const progress = await page.locator("[data-order-id]").getByText(/candidates done$/).allInnerTexts();
    expect(progress).toHaveLength(2);
    for (const text of progress) {
      const [done, total] = text.match(/\d+/g)!.map(Number);
      expect(done).toBe(total);
      expect(total).toBeGreaterThan(0);
    }
    expect(await page.getByText("AI ·").count()).toBe(0);

    await page.getByRole("button", { name: /^Assets \(\d+\)$/ }).first().click();
    const thumbnail = page.locator("img[alt$='candidate']").first();
    await thumbnail.waitFor();
    await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    const poster = page.locator("img[alt$='video poster']").first();
    await poster.waitFor();
    await expect.poll(() => poster.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath("production-completed"), fullPage: true });

    // A finished order offers no Cancel.
    await expect(page.getByRole("button", { name: "Cancel", exact: true }).count()).resolves.toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
