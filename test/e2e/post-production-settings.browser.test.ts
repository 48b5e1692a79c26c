import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DemoStack } from "../../scripts/lib/demo-stack";
import { screenshotPath } from "../support/browser";
import { startBrowserSuite, type BrowserSuite } from "../support/browser-suite";

/** A 2³ .cube: the identity with red lifted a little. */
function goodCube(): Buffer {
  const rows: string[] = [];
  for (let b = 0; b < 2; b++) for (let g = 0; g < 2; g++) for (let r = 0; r < 2; r++) rows.push(`${Math.min(1, r + 0.08).toFixed(3)} ${g}.000 ${b}.000`);
  return Buffer.from([`TITLE "Warm linen"`, "LUT_3D_SIZE 2", ...rows, ""].join("\n"));
}

// Line 7 has a word where a number goes, line 10 a fourth number.
const BROKEN_CUBE = Buffer.from(['TITLE "Broken"', "LUT_3D_SIZE 2", "0 0 0", "1 0 0", "0 1 0", "1 1 0", "0 0 abc", "1 0 1", "0 1 1", "1 1 1 0", ""].join("\n"));

describe("Post-production settings in Chromium", () => {
  let suite: BrowserSuite;
  let stack: DemoStack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    suite = await startBrowserSuite("postprod", { stack: { productCount: 20 }, page: { viewport: { width: 1440, height: 1400 } } });
    ({ stack, browser, page } = suite);
  });

  afterAll(() => suite?.close());

  it("previews file names as the template is typed; shows a width of 0 on its field, keeps every edit, then saves the fix", async () => {
    await page.goto(`${stack.appUrl}/app/post-production`);
    await page.getByRole("heading", { name: "Post-production", exact: true }).waitFor();
    await page.getByText("Using the defaults: nothing saved yet.").waitFor();

    const preview = page.getByRole("list", { name: "File name preview" });
    await expect(preview.locator("li").allInnerTexts()).resolves.toEqual([
      expect.stringContaining("lin-shirt-wht-m_front_pdp-square.jpg"),
      expect.stringContaining("lin-shirt-wht-m_front_pdp-portrait.jpg"),
      expect.stringContaining("lin-shirt-wht-m_front_story.jpg"),
    ]);
    const template = page.getByLabel("File name template", { exact: true });
    await template.fill("{sku}_{angle}_{channel}.{ext}");
    await page.getByText("{angle} is not a placeholder").waitFor();
    await page.getByText("Fix the template to see example names.").waitFor();
    await template.fill("");
    await template.pressSequentially("{handle}-{colour}_{channel}.{ext}", { delay: 5 });
    await preview.getByText("linen-shirt-white_pdp-square.jpg").waitFor();
    await preview.getByText("linen-shirt-white_story.jpg").waitFor();

    // Turning the first channel off drops it from the preview.
    const square = page.getByRole("region", { name: "Channel 1: Product page (square)" });
    await square.getByRole("checkbox", { name: "Enabled" }).uncheck();
    await preview.getByText("linen-shirt-white_zoom.jpg").waitFor();
    expect(await preview.getByText("linen-shirt-white_pdp-square.jpg").count()).toBe(0);
    await square.getByRole("checkbox", { name: "Enabled" }).check();

    const portrait = page.getByRole("region", { name: "Channel 2: Product page (portrait 4:5)" });
    const width = portrait.getByLabel("Width", { exact: true });
    await width.fill("0");
    await portrait.getByLabel("Quality", { exact: true }).fill("78");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Nothing was saved: fix these").waitFor();
    await page.getByText("Channel 2 (Product page (portrait 4:5)): width: must be at least 16 pixels: enter a larger width").waitFor();
    await portrait.getByText("must be at least 16 pixels: enter a larger width").waitFor();
    expect(await width.getAttribute("aria-invalid")).toBe("true");
    // Nothing typed was lost.
    await expect(width.inputValue()).resolves.toBe("0");
    await expect(portrait.getByLabel("Quality", { exact: true }).inputValue()).resolves.toBe("78");
    await expect(template.inputValue()).resolves.toBe("{handle}-{colour}_{channel}.{ext}");
    await page.screenshot({ path: screenshotPath("post-production-width-error"), fullPage: true });

    // The error follows its channel when the list is reordered before the fix.
    await portrait.getByRole("button", { name: "Move Product page (portrait 4:5) up" }).click();
    const moved = page.getByRole("region", { name: "Channel 1: Product page (portrait 4:5)" });
    await moved.getByText("must be at least 16 pixels: enter a larger width").waitFor();
    await moved.getByLabel("Width", { exact: true }).fill("1800");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Post-production settings saved").waitFor();
    expect(await page.getByText("Nothing was saved: fix these").count()).toBe(0);

    await page.reload();
    const stored = page.getByRole("region", { name: "Channel 1: Product page (portrait 4:5)" });
    await expect(stored.getByLabel("Width", { exact: true }).inputValue()).resolves.toBe("1800");
    await expect(stored.getByLabel("Quality", { exact: true }).inputValue()).resolves.toBe("78");
    await expect(page.getByLabel("File name template", { exact: true }).inputValue()).resolves.toBe("{handle}-{colour}_{channel}.{ext}");
    await page.getByText(/^Last saved \d{4}-\d\d-\d\d \d\d:\d\d UTC$/).waitFor();
  });

  it("shows each problem of a broken .cube with its line; uploads a good one as the active brand LUT", async () => {
    await page.goto(`${stack.appUrl}/app/post-production`);
    await page.getByText("No LUTs uploaded yet.").waitFor();
    await expect(page.getByRole("radio", { name: "None: no brand LUT" }).isChecked()).resolves.toBe(true);

    const fileInput = page.locator("input[type=file]");
    await fileInput.setInputFiles({ name: "broken.cube", mimeType: "application/octet-stream", buffer: BROKEN_CUBE });
    await page.getByLabel("LUT name", { exact: true }).fill("Broken");
    await page.getByRole("button", { name: "Upload LUT" }).click();
    await page.getByText("This .cube file cannot be used: 2 problems").waitFor();
    const problems = page.getByRole("list", { name: "Problems in the LUT file" });
    await expect(problems.locator("li").allInnerTexts()).resolves.toEqual([expect.stringMatching(/^Line 7: A table line has "abc", which is not a number/), expect.stringMatching(/^Line 10: A table line needs 3 numbers, found 4/)]);
    await page.screenshot({ path: screenshotPath("post-production-lut-errors"), fullPage: true });

    await fileInput.setInputFiles({ name: "warm-linen.cube", mimeType: "application/octet-stream", buffer: goodCube() });
    await page.getByLabel("LUT name", { exact: true }).fill("Warm linen");
    await expect(page.getByRole("checkbox", { name: "Use it as the brand LUT" }).isChecked()).resolves.toBe(true);
    await page.getByRole("button", { name: "Upload LUT" }).click();
    await page.getByText("Uploaded Warm linen (2³): now the active brand LUT").waitFor();
    const listed = page.getByRole("list", { name: "Uploaded LUTs" }).locator("li");
    // The list comes with the page's revalidation, just after the upload's answer.
    await listed.getByText("Active", { exact: true }).waitFor();
    await expect(listed.count()).resolves.toBe(1);
    await listed.getByText(/“Warm linen” · 2³ · 1 KB · uploaded by Demo user · \d{4}-\d\d-\d\d \d\d:\d\d UTC/).waitFor();
    await expect(page.getByRole("radio", { name: "Warm linen" }).isChecked()).resolves.toBe(true);
    expect(await page.getByRole("list", { name: "Problems in the LUT file" }).count()).toBe(0);
    // The active LUT cannot be deleted.
    await expect(page.getByRole("button", { name: "Delete Warm linen" }).isDisabled()).resolves.toBe(true);

    await page.reload();
    await page.getByRole("list", { name: "Uploaded LUTs" }).getByText("Active", { exact: true }).waitFor();
    await expect(page.getByRole("radio", { name: "Warm linen" }).isChecked()).resolves.toBe(true);
    // The drop zone draws its hint once it has measured itself.
    await page.getByText("A 3D .cube file, up to 8 MB").waitFor();
    await page.screenshot({ path: screenshotPath("post-production"), fullPage: true });

    // None, saved with the rest, turns the brand LUT off.
    // Polaris draws the radio over its input: a merchant clicks the label.
    await page.getByText("None: no brand LUT", { exact: true }).click();
    await expect(page.getByRole("radio", { name: "None: no brand LUT" }).isChecked()).resolves.toBe(true);
    await page.getByText("Save the settings to use this choice.").waitFor();
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Post-production settings saved").waitFor();
    await expect(page.getByRole("list", { name: "Uploaded LUTs" }).getByText("Active", { exact: true }).count()).resolves.toBe(0);
    await expect(page.getByRole("button", { name: "Delete Warm linen" }).isDisabled()).resolves.toBe(false);
  });
});
