import type { PrismaClient } from "@prisma/client";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, isoDate, longDate } from "../../app/studio/shot-list";
import { DEMO_SHOP, type DemoStack } from "../../scripts/lib/demo-stack";
import { collectPageErrors, screenshotPath } from "../support/browser";
import { startBrowserSuite, type BrowserSuite } from "../support/browser-suite";
import { nextMonday } from "../support/shot-list-fixtures";

/**
 * Issue #8's shot lists in Chromium on the demo stack: launch dates set in
 * bulk from the product list, a list previewed and created from the page,
 * marked sent, its badge on the product list, its CSV and printable view
 * opened from plain links (signed, no session token).
 */
describe("shot lists in Chromium (demo stack)", () => {
  let suite: BrowserSuite;
  let stack: DemoStack;
  let db: PrismaClient;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const start = nextMonday();
  let urgentTitles: string[] = [];

  beforeAll(async () => {
    suite = await startBrowserSuite("shots", { stack: { productCount: 24 }, pageErrors });
    ({ stack, db, browser, page } = suite);
  }, 300_000);

  afterAll(() => suite?.close());

  it("syncs the catalog, then sets a launch date and priority on two products from the product list", async () => {
    await page.goto(`${stack.appUrl}/app/catalog`);
    await page.getByRole("button", { name: "Sync catalog" }).click();
    await page.getByText("24 of 24 products (100%)").waitFor({ timeout: 90_000 });
    await page.getByText(/· 24 products/).waitFor({ timeout: 30_000 });
    // Half the catalog to the studio tiers (as a rule or pin would), so the plans ask the studio for work.
    const products = await db.product.findMany({ where: { shopId: DEMO_SHOP }, orderBy: [{ title: "asc" }, { id: "asc" }], select: { id: true } });
    await db.product.updateMany({ where: { id: { in: products.slice(0, 6).map((p) => p.id) } }, data: { tier: 1, tierSource: "pin", pinnedTier: 1 } });
    await db.product.updateMany({ where: { id: { in: products.slice(6, 12).map((p) => p.id) } }, data: { tier: 2, tierSource: "pin", pinnedTier: 2 } });

    await page.goto(`${stack.appUrl}/app/catalog?tier=2`);
    await page.getByText(/· 6 products/).waitFor();
    const rows = page.locator("tbody tr");
    urgentTitles = [];
    for (const index of [4, 5]) {
      urgentTitles.push((await rows.nth(index).locator("td").nth(1).innerText()).trim());
      await rows.nth(index).locator("td").first().locator("input[type=checkbox]").check({ force: true });
    }
    await page.getByRole("button", { name: "More actions" }).click();
    await page.getByRole("button", { name: "Set launch date and priority…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Launch date").fill(isoDate(addDays(start, 3)));
    await dialog.getByLabel("Priority").selectOption("1");
    await dialog.getByRole("button", { name: "Save" }).click();
    await page.getByText(`2 products now have launch date ${isoDate(addDays(start, 3))} and priority 1.`).waitFor();
    await page.getByText(`launch ${isoDate(addDays(start, 3))} · priority 1`).first().waitFor();
    expect(await db.product.count({ where: { shopId: DEMO_SHOP, priority: 1, launchDate: addDays(start, 3) } })).toBe(2);
  });

  it("previews a shot list from a start date, creates it, marks it sent and shows the badge on the product list", async () => {
    await page.goto(`${stack.appUrl}/app/studio/shot-lists`);
    await page.getByRole("heading", { name: "Shot lists", exact: true }).waitFor();
    await page.getByText("No shot lists yet: preview one above.").waitFor();
    await page.getByLabel("First studio day").fill(isoDate(start));
    await page.getByRole("button", { name: "Preview", exact: true }).click();
    await page.getByText(/^Preview: \d+ lines \(12 products\)/).waitFor();
    await page.getByText("Images / capacity").waitFor();
    await page.screenshot({ path: screenshotPath("shot-list-preview"), fullPage: true });

    await page.getByRole("button", { name: "Create shot list #1" }).click();
    await page.getByRole("heading", { name: "Shot list #1", exact: true }).waitFor();
    await page.getByText(`Studio day 1 · ${longDate(start)}`).waitFor();
    // The two products launching first (priority 1) lead the list, and show on the page with their thumbnails.
    const lines = await db.shotListLine.findMany({ where: { shopId: DEMO_SHOP }, orderBy: { position: "asc" }, select: { productTitle: true } });
    const leading = lines.slice(0, lines.findIndex((l) => !urgentTitles.includes(l.productTitle)));
    expect(new Set(leading.map((l) => l.productTitle))).toEqual(new Set(urgentTitles));
    for (const title of urgentTitles) await page.getByText(title, { exact: false }).first().waitFor();
    expect(await page.locator("img[src^='http']").count()).toBeGreaterThan(0);

    await page.getByRole("button", { name: "Mark sent" }).click();
    await page.getByText("Shot list #1 is now sent.").waitFor();
    await page.getByRole("button", { name: "Mark shooting" }).waitFor();
    await page.screenshot({ path: screenshotPath("shot-list-detail"), fullPage: true });
    expect((await db.shotList.findFirstOrThrow({ where: { shopId: DEMO_SHOP, number: 1 } })).status).toBe("sent");

    await page.goto(`${stack.appUrl}/app/catalog?shotList=sent`);
    await page.getByText(/· 12 products/).waitFor();
    await page.getByText("Shot list #1 · Sent").first().waitFor();
    await page.getByText("Shot list status: sent").waitFor();
    await page.screenshot({ path: screenshotPath("shot-list-product-badge") });
  });

  it("opens the printable view and the CSV from their plain links in new tabs", async () => {
    const list = await db.shotList.findFirstOrThrow({ where: { shopId: DEMO_SHOP, number: 1 }, include: { lines: { orderBy: { position: "asc" } } } });
    await page.goto(`${stack.appUrl}/app/studio/shot-lists/${list.id}`);
    const printLink = page.getByRole("link", { name: "Printable view" });
    expect(await printLink.getAttribute("target")).toBe("_blank");
    const [printPage] = await Promise.all([page.context().waitForEvent("page"), printLink.click()]);
    const printErrors = collectPageErrors(printPage);
    await printPage.waitForLoadState("load");
    await printPage.getByRole("heading", { name: "Shot list #1", exact: true }).waitFor();
    await printPage.getByText(`Studio day 1 · ${longDate(start)}`).waitFor();
    expect(await printPage.locator("section.day").count()).toBe(new Set(list.lines.map((l) => l.studioDay.getTime())).size);
    // The product images load on the printable page (its CSP allows images and nothing else).
    await expect.poll(() => printPage.evaluate(() => [...document.images].every((img) => img.complete && img.naturalWidth > 0))).toBe(true);
    await printPage.emulateMedia({ media: "print" });
    await printPage.screenshot({ path: screenshotPath("shot-list-print"), fullPage: true });
    const pdf = await printPage.pdf({ format: "A4", landscape: true });
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect(printErrors).toEqual([]);
    await printPage.close();

    const csvHref = await page.getByRole("link", { name: "Download CSV" }).getAttribute("href");
    const csv = await page.request.get(`${stack.appUrl}${csvHref}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()["content-disposition"]).toBe('attachment; filename="shot-list-1.csv"');
    const body = await csv.body();
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = body.subarray(3).toString("utf8").trimEnd().split("\r\n");
    expect(rows[0]).toBe("Studio day,Shoot on,Due date,Late,SKU,Product,Colourway,Views,Images,Styling notes,Reference image,Note");
    expect(rows).toHaveLength(list.lines.length + 1);

    // The same link with its signature altered is refused.
    const tampered = await page.request.get(`${stack.appUrl}${csvHref!.replace(/sig=[^&]+/, "sig=forged")}`);
    expect(tampered.status()).toBe(403);
    expect(pageErrors).toEqual([]);
  });
});
