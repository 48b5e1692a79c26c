import { randomUUID } from "node:crypto";
import pg from "pg";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DemoStack } from "../../scripts/lib/demo-stack";
import { screenshotPath } from "../support/browser";
import { startBrowserSuite, type BrowserSuite } from "../support/browser-suite";

// "Test connection" is not clicked here: the demo app would call the real
// api.fashn.ai, which this machine cannot reach. The integration test covers it.
describe("Settings page in Chromium", () => {
  let suite: BrowserSuite;
  let stack: DemoStack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    suite = await startBrowserSuite("settings", { stack: { productCount: 20 }, page: { viewport: { width: 1440, height: 1400 } } });
    ({ stack, browser, page } = suite);
  });

  afterAll(() => suite?.close());

  it("saves a FASHN key and shows it masked; refuses a bad budget with a field error, then saves the fixed one", async () => {
    const key = `fa-e2e-${randomUUID()}-abcd`;
    await page.goto(`${stack.appUrl}/app/settings`);
    await page.getByRole("heading", { name: "Settings", exact: true }).waitFor();
    await page.getByText("The demo provider composes pictures locally and needs no key.").waitFor();

    const keyField = page.getByLabel("FASHN API key", { exact: true });
    expect(await keyField.getAttribute("type")).toBe("password");
    await keyField.fill(key);
    await page.getByRole("button", { name: "Save FASHN" }).click();
    await page.getByText("FASHN settings saved").waitFor();
    await page.getByText("Key: •••• abcd").waitFor();
    // The key left the form, and the page never carries it back.
    expect(await keyField.inputValue()).toBe("");
    expect(await keyField.getAttribute("placeholder")).toBe("•••• abcd");
    await page.reload();
    await page.getByText("Key: •••• abcd").waitFor();
    expect(await page.content()).not.toContain(key);

    const monthly = page.getByLabel("Monthly budget (USD)", { exact: true });
    const cap = page.getByLabel("Per-product cap (USD)", { exact: true });
    await monthly.fill("500");
    await cap.fill("twelve");
    await page.getByRole("button", { name: "Save budgets" }).click();
    await page.getByText("Budgets not saved: fix these").waitFor();
    await page.getByText("enter an amount in US dollars, such as 250 or 12.50").first().waitFor();
    await page.screenshot({ path: screenshotPath("settings-budget-error"), fullPage: true });

    await cap.fill("12.50");
    await page.getByRole("button", { name: "Save budgets" }).click();
    await page.getByText("Budgets saved").waitFor();
    await page.reload();
    await expect(page.getByLabel("Monthly budget (USD)", { exact: true }).inputValue()).resolves.toBe("500.00");
    await expect(page.getByLabel("Per-product cap (USD)", { exact: true }).inputValue()).resolves.toBe("12.50");
    await page.getByText(/\$0\.00 spent, \$0\.00 reserved for calls still running of \$500\.00/).waitFor();
    await page.screenshot({ path: screenshotPath("settings"), fullPage: true });
  });

  it("requires ComfyUI's address, and shows a failed connection test as a critical banner", async () => {
    await page.goto(`${stack.appUrl}/app/settings`);
    await page.getByRole("button", { name: "Save ComfyUI" }).click();
    await page.getByText("Nothing was saved for ComfyUI: fix these").waitFor();
    await page.getByText("the base URL enter your ComfyUI server's address, such as https://comfy.example.com").first().waitFor();

    // .invalid never resolves (RFC 6761), so the test fails the same way with or without a network.
    await page.getByLabel("Base URL", { exact: true }).fill("https://comfy.invalid");
    await page.getByRole("button", { name: "Save ComfyUI" }).click();
    await page.getByText("ComfyUI settings saved").waitFor();
    await page.getByText("No key (open server)").waitFor();
    await page.getByRole("button", { name: "Test ComfyUI connection" }).click();
    await page.getByText("ComfyUI: connection failed").waitFor();
    await page.getByText(/comfy\.invalid/).first().waitFor();
    await page.reload();
    await page.getByText(/Last tested .* UTC: failed/).waitFor();
    await page.screenshot({ path: screenshotPath("settings-comfyui-test-failed"), fullPage: true });

    await page.getByRole("button", { name: "Remove ComfyUI key" }).click();
    await page.getByText("ComfyUI key removed").waitFor();
  });

  it("turns brand sign-off on and off, keeps it across reloads and audits each change with the staff account", async () => {
    const shop = stack.env.SHOTLANE_DEMO_SHOP;
    const db = new pg.Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      const events = async () =>
        (await db.query<{ actor: string; subjectType: string; data: unknown }>(`SELECT "actor", "subjectType", "data" FROM "AuditEvent" WHERE "shopId" = $1 AND "action" = 'review.settings.saved' ORDER BY "at"`, [shop])).rows;
      const stored = async () => (await db.query<{ brandSignOff: boolean; updatedBy: string | null }>(`SELECT "brandSignOff", "updatedBy" FROM "ReviewSettings" WHERE "shopId" = $1`, [shop])).rows;

      await page.goto(`${stack.appUrl}/app/settings`);
      await page.getByRole("heading", { name: "Brand sign-off", exact: true }).waitFor();
      await page.getByText("Each approval and sign-off is recorded with the Shopify staff account that made it").waitFor();
      const signOff = page.getByRole("checkbox", { name: "Require brand sign-off after a reviewer approves" });
      await expect(signOff.isChecked()).resolves.toBe(false);
      expect(await stored()).toEqual([]);

      await signOff.check();
      await page.getByRole("button", { name: "Save review settings" }).click();
      await page.getByText("Review settings saved: approvals now wait for a brand sign-off").waitFor();
      await page.reload();
      await expect(page.getByRole("checkbox", { name: "Require brand sign-off after a reviewer approves" }).isChecked()).resolves.toBe(true);
      await page.getByRole("heading", { name: "Brand sign-off", exact: true }).scrollIntoViewIfNeeded();
      await page.screenshot({ path: screenshotPath("settings-review") });
      expect(await stored()).toEqual([{ brandSignOff: true, updatedBy: "user:demo" }]);
      expect(await events()).toEqual([{ actor: "user:demo", subjectType: "ReviewSettings", data: { before: { brandSignOff: false }, after: { brandSignOff: true } } }]);

      await page.getByRole("checkbox", { name: "Require brand sign-off after a reviewer approves" }).uncheck();
      await page.getByRole("button", { name: "Save review settings" }).click();
      await page.getByText("Review settings saved: a reviewer's approval is final").waitFor();
      await page.reload();
      await expect(page.getByRole("checkbox", { name: "Require brand sign-off after a reviewer approves" }).isChecked()).resolves.toBe(false);
      expect(await stored()).toEqual([{ brandSignOff: false, updatedBy: "user:demo" }]);
      expect((await events()).map((e) => e.data)).toEqual([
        { before: { brandSignOff: false }, after: { brandSignOff: true } },
        { before: { brandSignOff: true }, after: { brandSignOff: false } },
      ]);
    } finally {
      await db.end();
    }
  });
  it("changes where media goes, the alt text template and the automatic steps; refuses a bad template on its field; keeps the rest as saved and audits the change", async () => {
    const shop = stack.env.SHOTLANE_DEMO_SHOP;
    const db = new pg.Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      const stored = async () =>
        (
          await db.query<Record<string, unknown>>(
            `SELECT "placement", "replaceAll", "altTemplate", "aiDisclosure", "publishOnApproval", "autoProduceTiers", "draftUntilPublished", "updatedBy" FROM "PublishingSettings" WHERE "shopId" = $1`,
            [shop],
          )
        ).rows;
      const events = async () => (await db.query<{ actor: string; data: { before: Record<string, unknown>; after: Record<string, unknown> } }>(`SELECT "actor", "data" FROM "AuditEvent" WHERE "shopId" = $1 AND "action" = 'publishing.settings.saved' ORDER BY "id"`, [shop])).rows;

      await page.goto(`${stack.appUrl}/app/settings`);
      await page.getByRole("heading", { name: "Approved media on your products", exact: true }).waitFor();
      expect(await stored()).toEqual([]);
      const placement = page.getByLabel("Where new media goes", { exact: true });
      await expect(placement.inputValue()).resolves.toBe("after-studio");
      await page.getByText("New media goes right after the media Shotlane did not generate with AI").waitFor();
      await placement.selectOption("first");
      await page.getByText("New media goes before everything else on the product").waitFor();

      // "Replace all" warns before anything is saved.
      const replaceAll = page.getByRole("checkbox", { name: "Replace all media, including media Shotlane did not create" });
      await expect(replaceAll.isChecked()).resolves.toBe(false);
      await replaceAll.check();
      await page.getByText("Your own photos and videos will be taken off the product").waitFor();
      await replaceAll.uncheck();
      await page.getByText("Your own photos and videos will be taken off the product").waitFor({ state: "detached" });

      // The preview follows the template as it is typed; an unknown placeholder is named on the field at once.
      const template = page.getByLabel("Alt text template", { exact: true });
      await expect(template.inputValue()).resolves.toBe("{title} – {colour} – {view}");
      const preview = page.getByRole("list", { name: "Alt text preview" }).getByRole("listitem");
      await expect(preview.first().innerText()).resolves.toMatch(/^.+ – On-model front$/);
      await template.fill("{title} | {color} | {view}");
      await page.getByText("{color} is not a placeholder (did you mean {colour}?)").first().waitFor();
      await page.getByText("Fix the template to see the alt text.").waitFor();
      await template.fill("{title} | {view}");
      await expect(preview.nth(0).innerText()).resolves.toMatch(/^[^|]+ \| On-model front$/);
      await expect(preview.nth(1).innerText()).resolves.toMatch(/^[^|]+ \| Packshot$/);
      await expect(preview.nth(2).innerText()).resolves.toMatch(/^[^|]+ \| Video$/);

      await page.getByRole("checkbox", { name: "Mark AI-generated media in a product metafield" }).uncheck();
      await page.getByRole("checkbox", { name: "Tier 3" }).uncheck();
      await page.getByRole("checkbox", { name: "Tier 1" }).check();
      await page.getByRole("checkbox", { name: "Keep new products in draft until their visuals are published" }).check();
      await page.getByRole("button", { name: "Save publishing settings" }).click();
      await page.getByText("Publishing settings saved").waitFor();
      await page.getByRole("heading", { name: "Approved media on your products", exact: true }).scrollIntoViewIfNeeded();
      await page.screenshot({ path: screenshotPath("settings-publishing") });

      const saved = { placement: "first", replaceAll: false, altTemplate: "{title} | {view}", aiDisclosure: false, publishOnApproval: true, autoProduceTiers: [1], draftUntilPublished: true };
      expect(await stored()).toEqual([{ ...saved, updatedBy: "user:demo" }]);
      expect(await events()).toEqual([
        {
          actor: "user:demo",
          data: {
            before: { placement: "after-studio", replaceAll: false, altTemplate: "{title} – {colour} – {view}", aiDisclosure: true, publishOnApproval: true, autoProduceTiers: [3], draftUntilPublished: false },
            after: saved,
          },
        },
      ]);

      await page.reload();
      await expect(page.getByLabel("Where new media goes", { exact: true }).inputValue()).resolves.toBe("first");
      await expect(page.getByLabel("Alt text template", { exact: true }).inputValue()).resolves.toBe("{title} | {view}");
      await expect(page.getByRole("checkbox", { name: "Tier 1" }).isChecked()).resolves.toBe(true);
      await expect(page.getByRole("checkbox", { name: "Tier 3" }).isChecked()).resolves.toBe(false);
      await expect(page.getByRole("checkbox", { name: "Mark AI-generated media in a product metafield" }).isChecked()).resolves.toBe(false);

      // A template the server refuses (here: no placeholder, which the preview also says) comes back on its field and changes nothing.
      await page.getByLabel("Alt text template", { exact: true }).fill("Product photo");
      await page.getByRole("button", { name: "Save publishing settings" }).click();
      await page.getByText("Publishing settings not saved: fix these").waitFor();
      await page.getByText(/Alt text template: use at least one placeholder, such as \{title\}/).waitFor();
      expect(await stored()).toEqual([{ ...saved, updatedBy: "user:demo" }]);
      expect(await events()).toHaveLength(1);
    } finally {
      await db.end();
    }
  });
});
