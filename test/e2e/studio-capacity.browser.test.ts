import type { PrismaClient } from "@prisma/client";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertMirrorProducts } from "../../app/catalog/mirror.server";
import { ensureDefaultRecipes } from "../../app/recipes/recipes.server";
import { DEFAULT_STUDIO_SETTINGS, studioSettingsForm } from "../../app/studio/studio-settings";
import { saveStudioSettings } from "../../app/studio/studio-settings.server";
import { DEMO_SHOP, type DemoStack } from "../../scripts/lib/demo-stack";
import { screenshotPath } from "../support/browser";
import { startBrowserSuite, type BrowserSuite } from "../support/browser-suite";
import { mirrorProduct } from "../support/factories";

const gid = (n: number) => `gid://shopify/Product/${n}`;

/** Two colourways in two sizes: the studio shoots each colourway. */
const twoColours = (id: number, sku: string) =>
  ["Black", "Sand"].flatMap((colour, c) =>
    ["S", "M"].map((size, s) => ({ id: `gid://shopify/ProductVariant/${id}${c}${s}`, title: `${colour} / ${size}`, sku: `${sku}-${colour.slice(0, 3).toUpperCase()}-${size}`, priceCents: 5000, options: { Colour: colour, Size: size }, position: c * 2 + s + 1 })),
  );

describe("studio capacity in Chromium", () => {
  let suite: BrowserSuite;
  let stack: DemoStack;
  let db: PrismaClient;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    suite = await startBrowserSuite("capacity", { stack: { productCount: 5 }, page: { viewport: { width: 1440, height: 1200 } }, pageErrors });
    ({ stack, db, browser, page } = suite);
    await db.shop.upsert({ where: { id: DEMO_SHOP }, create: { id: DEMO_SHOP, name: "Shotlane Demo" }, update: {} });
    // Three tier-1 tees (6 studio views × 2 colourways = 12 images each: 36 images, 4 days at 10 a day) and two
    // tier-3 dresses. FASHN and fal recipes price AI: 3 × 3 × $0.075 + $0.28 = $0.955 a tier-3 product.
    await upsertMirrorProducts(db, DEMO_SHOP, [
      mirrorProduct({ id: 9001, title: "Boxy Tee", productType: "Tops", variants: twoColours(9001, "BT") }),
      mirrorProduct({ id: 9002, title: "Crew Tee", productType: "Tops", variants: twoColours(9002, "CT") }),
      mirrorProduct({ id: 9003, title: "Pocket Tee", productType: "Tops", variants: twoColours(9003, "PT") }),
      mirrorProduct({ id: 9004, title: "Slip Dress", productType: "Dresses", variants: twoColours(9004, "SD") }),
      mirrorProduct({ id: 9005, title: "Wrap Dress", productType: "Dresses", variants: twoColours(9005, "WD") }),
    ]);
    for (const n of [9001, 9002, 9003]) await db.product.update({ where: { id: gid(n) }, data: { tier: 1, tierSource: "default" } });
    for (const n of [9004, 9005]) await db.product.update({ where: { id: gid(n) }, data: { tier: 3, tierSource: "default" } });
    await saveStudioSettings(db, DEMO_SHOP, studioSettingsForm({ ...DEFAULT_STUDIO_SETTINGS, imagesPerDay: 10 }), "user:setup");
    await ensureDefaultRecipes(db, DEMO_SHOP, { demo: false });
  }, 300_000);

  afterAll(() => suite?.close());

  it("previews moving the tees to the AI lane, confirms it, and the figures change", async () => {
    await page.goto(`${stack.appUrl}/app/studio`);
    await page.getByRole("heading", { name: "Studio capacity", exact: true }).waitFor();
    await page.getByText("4 studio days", { exact: true }).waitFor();
    await page.getByText("36 images at 10 a day, 5 days a week: about 1 week.").waitFor();
    await page.getByText(/^20\d\d-W\d\d \(20\d\d-\d\d-\d\d\)$/).first().waitFor();
    await page.screenshot({ path: screenshotPath("studio-capacity"), fullPage: true });

    await page.getByLabel("Product type", { exact: true }).selectOption("Tops");
    await page.getByLabel("Move to", { exact: true }).selectOption("3");
    await page.getByRole("button", { name: "Preview move" }).click();
    await page.getByText("Moving 3 products to tier 3 saves 4 studio days and costs ≈ $2.87 more of AI.").waitFor();
    await page.getByText("Preview: 3 products selected, 3 change tier").waitFor();
    const sample = page.getByRole("list", { name: "Products that would change tier" });
    await expect(sample.innerText()).resolves.toContain("Boxy Tee: tier 1 → tier 3");

    // Changing the choice withdraws the confirm until it is previewed again.
    await page.getByLabel("Move to", { exact: true }).selectOption("2");
    await page.getByText("The choice changed since the preview: preview again to confirm.").waitFor();
    await expect(page.getByRole("button", { name: /^Confirm:/ }).count()).resolves.toBe(0);
    await page.getByLabel("Move to", { exact: true }).selectOption("3");
    await page.screenshot({ path: screenshotPath("studio-capacity-preview"), fullPage: true });

    await page.getByRole("button", { name: "Confirm: pin 3 products to tier 3" }).click();
    await page.getByText("Pinned to tier 3: 3 products.").waitFor();
    await page.getByText("0 studio days", { exact: true }).waitFor();
    await page.getByText("Nothing to shoot: no open shot list and no studio backlog.").waitFor();
    const pinned = await db.product.findMany({ where: { shopId: DEMO_SHOP, pinnedTier: 3 }, select: { id: true, tier: true }, orderBy: { id: "asc" } });
    expect(pinned).toEqual([9001, 9002, 9003].map((n) => ({ id: gid(n), tier: 3 })));
    await page.screenshot({ path: screenshotPath("studio-capacity-moved"), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it("shows the naming convention's example live in Settings → Studio and names the refused field", async () => {
    await page.goto(`${stack.appUrl}/app/settings`);
    const convention = page.getByLabel("File naming convention", { exact: true });
    await convention.waitFor();
    const example = page.getByLabel("File naming example");
    await expect(example.innerText()).resolves.toMatch(/_front\.jpg → .+, (Black|Sand), On-model, front$/);
    await convention.fill("{colour}_{sku}-{view}");
    await expect(example.innerText()).resolves.toMatch(/^(Black|Sand)_[A-Z0-9-]+-front\.jpg → /);
    await convention.fill("{sku}{view}");
    await page.getByText("Fix the convention to see an example.").waitFor();
    await convention.fill("{sku}-{view}");

    await page.getByLabel("Images per studio day", { exact: true }).fill("0");
    await page.getByRole("checkbox", { name: "Saturday" }).check({ force: true });
    await page.getByRole("button", { name: "Save studio settings" }).click();
    await page.getByText("Studio settings not saved: fix these").waitFor();
    await page.getByText("Images per studio day must be a whole number from 1 to 5000").first().waitFor();
    await page.getByLabel("Images per studio day", { exact: true }).fill("400");
    await page.getByRole("button", { name: "Save studio settings" }).click();
    await page.getByText("Studio settings saved").waitFor();
    expect(await db.studioSettings.findUniqueOrThrow({ where: { shopId: DEMO_SHOP } })).toMatchObject({ imagesPerDay: 400, workdays: [1, 2, 3, 4, 5, 6], namingTemplate: "{sku}-{view}", updatedBy: "user:demo" });
    await page.getByRole("heading", { name: "Studio days and files", exact: true }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath("settings-studio") });
    expect(pageErrors).toEqual([]);
  });

  it("shows a rule change's effect on studio days and AI spend in the Tier routing preview", async () => {
    await page.goto(`${stack.appUrl}/app/routing`);
    await page.getByRole("heading", { name: "Tier routing", exact: true }).waitFor();
    await page.getByRole("button", { name: "Add rule" }).click();
    await page.getByLabel("Rule name", { exact: true }).fill("Dresses to the studio");
    await page.getByLabel("Send matching products to", { exact: true }).selectOption("1");
    await page.getByRole("checkbox", { name: "Dresses" }).check({ force: true });
    await page.getByRole("button", { name: "Preview changes" }).click();
    // The tees are pinned (first test); the two dresses go 3 → 1: +24 studio images (1 day at the 400 a day saved
    // in the second test), −2 × $0.955 of AI.
    await page.getByRole("heading", { name: "Preview: studio days and AI spend" }).waitFor();
    await page.getByText("Moving 2 products to the tiers these rules give adds 1 studio day and saves ≈ $1.91 of AI.").waitFor();
    await page.getByRole("heading", { name: "Preview: studio days and AI spend" }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath("routing-preview-capacity"), fullPage: true });
    expect(await db.tierRule.count({ where: { shopId: DEMO_SHOP } })).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
