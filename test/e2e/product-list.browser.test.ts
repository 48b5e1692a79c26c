import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DemoStack } from "../../scripts/lib/demo-stack";
import { screenshotPath } from "../support/browser";
import { startBrowserSuite, type BrowserSuite } from "../support/browser-suite";

describe("demo catalog and tier routing in Chromium", () => {
  let suite: BrowserSuite;
  let stack: DemoStack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    suite = await startBrowserSuite("catalog");
    ({ stack, browser, page } = suite);
  });

  afterAll(() => suite?.close());

  it("syncs the demo catalog with a progress bar, then lists, searches and filters it", async () => {
    await page.goto(`${stack.appUrl}/app/catalog`);
    await expect(page.getByRole("heading", { name: "Catalog", exact: true }).isVisible()).resolves.toBe(true);
    await page.getByText("No products yet: run a catalog sync.").waitFor();

    await page.getByRole("button", { name: "Sync catalog" }).click();
    await page.getByRole("progressbar").first().waitFor();
    await page.getByText("500 of 500 products (100%)").waitFor({ timeout: 90_000 });
    await page.getByText(/Page 1 of 10 · 500 products/).waitFor({ timeout: 30_000 });
    expect(await page.locator("tbody tr").count()).toBe(50);

    // Search narrows the list on the server.
    const firstTitle = (await page.locator("tbody tr").first().locator("td").nth(1).innerText()).trim();
    await page.getByPlaceholder("Search title, handle or SKU").fill(firstTitle);
    await page.waitForURL((url) => url.searchParams.get("q") === firstTitle);
    await expect(page.locator("tbody tr").first().innerText()).resolves.toContain(firstTitle);

    // A type filter applied through the address is shown as a removable filter.
    await page.goto(`${stack.appUrl}/app/catalog?type=Dresses`);
    const rows = page.locator("tbody tr");
    const types = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll("td")[4]?.textContent?.trim()));
    expect(types.length).toBeGreaterThan(0);
    expect(new Set(types)).toEqual(new Set(["Dresses"]));
    await page.getByText("Product type: Dresses").waitFor();

    await page.goto(`${stack.appUrl}/app/catalog`);
    await page.locator("tbody tr img").first().waitFor();
    await page.screenshot({ path: screenshotPath("product-list") });
  });

  it("edits a tier rule, refuses a bad one with field errors, previews the counts and saves", async () => {
    const shop = stack.emulator.store.shop("shotlane-demo.myshopify.com")!;
    const premium = [...shop.collections.values()].find((c) => c.title === "Premium")!;
    const inPremium = [...shop.products.values()].filter((p) => p.collectionIds.includes(premium.id)).length;
    expect(inPremium).toBeGreaterThan(0);

    await page.goto(`${stack.appUrl}/app/routing`);
    await page.getByRole("heading", { name: "Tier routing", exact: true }).waitFor();
    await page.getByRole("button", { name: "Add rule" }).click();

    // A bad rule: minimum above maximum. Nothing is saved and the field says why.
    await page.getByLabel("Rule name", { exact: true }).fill("Premium to the studio");
    await page.getByLabel("From", { exact: true }).fill("500");
    await page.getByLabel("To", { exact: true }).fill("100");
    await page.getByRole("button", { name: "Save and re-route" }).click();
    await page.getByText("Nothing was saved: fix the highlighted fields").waitFor();
    await page.getByText("the minimum price must not be above the maximum").first().waitFor();

    // Fix it: Premium collection to tier 1, no price condition.
    await page.getByLabel("From", { exact: true }).fill("");
    await page.getByLabel("To", { exact: true }).fill("");
    // Shops have hundreds of collections: the list filters as the merchant types.
    await page.getByPlaceholder(/^Filter \d+ options$/).first().fill("prem");
    await expect(page.getByRole("checkbox", { name: "Core" }).count()).resolves.toBe(0);
    await page.getByRole("checkbox", { name: "Premium" }).check({ force: true });
    await page.getByPlaceholder(/^Filter \d+ options$/).first().fill("");
    await page.getByRole("checkbox", { name: "Core" }).first().waitFor();
    await page.getByLabel("Send matching products to").selectOption("1");
    await page.getByRole("button", { name: "Preview changes" }).click();
    await page.getByText("Preview: products per tier").waitFor();
    const row = (tier: string) => page.locator("table tr", { hasText: tier }).first().locator("td");
    expect(await row("Tier 1").allInnerTexts()).toEqual(["0", String(inPremium), `+${inPremium}`]);
    expect(await row("Tier 3").allInnerTexts()).toEqual(["500", String(500 - inPremium), `-${inPremium}`]);
    await page.getByText(`${inPremium} products would change tier.`).waitFor();
    await page.screenshot({ path: screenshotPath("routing-preview") });

    await page.getByRole("button", { name: "Save and re-route" }).click();
    await page.getByText("Rules saved and the catalog re-routed").waitFor();
    await page.goto(`${stack.appUrl}/app/catalog?tier=1`);
    await page.getByText(new RegExp(`· ${inPremium} products`)).waitFor();
    await page.getByText("rule: Premium to the studio").first().waitFor();

    // Pin one of them to tier 3 by hand: it leaves tier 1 and shows as pinned.
    const pinnedTitle = (await page.locator("tbody tr").first().locator("td").nth(1).innerText()).trim();
    await page.locator("tbody tr").first().locator("td").first().locator("input[type=checkbox]").check({ force: true });
    await page.getByRole("button", { name: "Pin to tier 3" }).click();
    await page.getByText(new RegExp(`· ${inPremium - 1} products`)).waitFor();
    await page.goto(`${stack.appUrl}/app/catalog?tier=3&q=${encodeURIComponent(pinnedTitle)}`);
    await page.locator("tbody tr", { hasText: pinnedTitle }).getByText("pinned by hand").first().waitFor();
    await page.screenshot({ path: screenshotPath("pinned-product") });
  });

  it("edits the production plans; lane and gap filters follow them", async () => {
    const shop = stack.emulator.store.shop("shotlane-demo.myshopify.com")!;
    const premium = [...shop.collections.values()].find((c) => c.title === "Premium")!;
    const tier1 = [...shop.products.values()].filter((p) => p.collectionIds.includes(premium.id)).length - 1; // one was pinned to tier 3
    await page.goto(`${stack.appUrl}/app/plans`);
    await page.getByRole("heading", { name: "Production plans", exact: true }).waitFor();
    await page.getByLabel("Tier 3: Video", { exact: true }).selectOption("");
    await page.getByRole("button", { name: "Save plans" }).click();
    await page.getByText("Production plans saved").waitFor();

    await page.goto(`${stack.appUrl}/app/catalog?gap=video`);
    await page.getByText(new RegExp(`· ${tier1} products`)).waitFor();
    await page.goto(`${stack.appUrl}/app/catalog?lane=ai`);
    await page.getByText(new RegExp(`· ${500 - tier1} products`)).waitFor();
    await page.getByText("AI lane · needs 3 AI").first().waitFor();
    await page.screenshot({ path: screenshotPath("lane-filter") });
  });

  it("mirrors a product created in the store: signed products/create webhook → queue → worker → list; a duplicate delivery changes nothing", async () => {
    const created = await fetch(`${stack.emulatorUrl}/emulator/shops/shotlane-demo.myshopify.com/products`, {
      method: "POST",
      body: JSON.stringify({ title: "Webhook Linen Blazer", productType: "Outerwear", tags: ["ss26"], colors: ["Sand"], sizes: ["S", "M"] }),
    });
    expect(created.status).toBe(201);
    const search = `${stack.appUrl}/app/catalog?q=${encodeURIComponent("Webhook Linen Blazer")}`;
    await page.goto(search);
    for (let i = 0; i < 100 && !(await page.getByText("Webhook Linen Blazer").count()); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await page.goto(search);
    }
    await page.getByText(/· 1 products/).waitFor();

    const { deliveries } = (await (await fetch(`${stack.emulatorUrl}/emulator/shops/shotlane-demo.myshopify.com/webhook-deliveries`)).json()) as {
      deliveries: { id: string; topic: string; attempts: { status: number | null }[] }[];
    };
    const delivery = deliveries.find((d) => d.topic === "products/create")!;
    expect(delivery.attempts.map((a) => a.status)).toEqual([200]);
    const again = await fetch(`${stack.emulatorUrl}/emulator/deliveries/${delivery.id}/redeliver`, { method: "POST" });
    const redelivered = (await again.json()) as { attempts: { status: number | null }[] };
    expect(redelivered.attempts.map((a) => a.status)).toEqual([200, 200]);
    await page.goto(search);
    await page.getByText(/· 1 products/).waitFor();
    // New products are routed on arrival (default tier 3, as no rule matches).
    await page.getByText("default tier").first().waitFor();
  });
});

