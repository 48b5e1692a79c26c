import sharp from "sharp";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QC_CHECKS } from "../../app/qc/qc-check";
import type { DemoStack } from "../../scripts/lib/demo-stack";
import { screenshotPath } from "../support/browser";
import { startBrowserSuite, type BrowserSuite } from "../support/browser-suite";

describe("brand recipes in Chromium", () => {
  let suite: BrowserSuite;
  let stack: DemoStack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    suite = await startBrowserSuite("recipes");
    ({ stack, browser, page } = suite);
  });

  afterAll(() => suite?.close());

  it("refuses an unknown prompt placeholder, saves the fix as version 2 and lists both versions", async () => {
    // A synced catalog gives the prompt preview a real product.
    await page.goto(`${stack.appUrl}/app/catalog`);
    await page.getByRole("button", { name: "Sync catalog" }).click();
    await page.getByText("500 of 500 products (100%)").waitFor({ timeout: 90_000 });

    await page.goto(`${stack.appUrl}/app/recipes?category=dresses`);
    await page.getByRole("heading", { name: "Brand recipes", exact: true }).waitFor();
    await page.getByRole("heading", { name: "Dresses and one-pieces recipe" }).waitFor();
    // Demo mode offers the local demo provider, labelled as what it is.
    await expect(page.getByLabel("Image provider", { exact: true }).inputValue()).resolves.toBe("demo");
    await page.locator("option", { hasText: "Demo provider (local composition, not AI)" }).first().waitFor({ state: "attached" });
    await page.getByText(/^Preview with .+/).waitFor();

    // Model reference upload: a too-small image is refused with the reason, a real one is stored, served by signed URL and selected.
    const fileInput = page.locator("input[type=file]");
    const tiny = await sharp({ create: { width: 100, height: 100, channels: 3, background: "#806040" } }).png().toBuffer();
    await fileInput.setInputFiles({ name: "tiny.png", mimeType: "image/png", buffer: tiny });
    await page.getByLabel("Reference name", { exact: true }).fill("Tiny");
    await page.getByRole("button", { name: "Upload image" }).click();
    await page.getByText("File: the image is 100×100: use an image at least 512 pixels on its short side").waitFor();
    const model = await sharp({ create: { width: 600, height: 900, channels: 3, background: "#b08868" } }).png().toBuffer();
    await fileInput.setInputFiles({ name: "ava.png", mimeType: "image/png", buffer: model });
    await page.getByLabel("Reference name", { exact: true }).fill("Ava, front");
    await page.getByRole("button", { name: "Upload image" }).click();
    await page.getByText("Uploaded Ava, front: selected for this recipe (save to keep it)").waitFor();
    await expect(page.getByRole("checkbox", { name: "Ava, front" }).isChecked()).resolves.toBe(true);
    const thumbnail = page.getByRole("img", { name: "Ava, front" });
    await thumbnail.waitFor();
    await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(600);

    const template = page.getByLabel("Prompt template", { exact: true });
    await template.fill("{title} in {colour}, {mood} mood, {lighting} light");
    await page.getByRole("button", { name: "Save as new version" }).click();
    await page.getByText("Nothing was saved: fix these").waitFor();
    await page.getByText(/Prompt template: unknown placeholder \{mood\}/).waitFor();
    await page.screenshot({ path: screenshotPath("recipes-field-error") });

    await template.fill("{title} in {colour}, {fabric}, worn by the brand model, {lighting} light, {background} background");
    await expect(page.getByText(/^Preview with .+/).isVisible()).resolves.toBe(true);
    const preview = await page.locator("text=/^Preview with /").locator("xpath=following-sibling::p[1]").innerText();
    expect(preview).toMatch(/ in [A-Z][a-z]+, .*worn by the brand model, soft daylight light, studio white background$/);
    // Post-production for this category: a drop shadow, centred, a 20 % bottom margin (an error first: 50 % + 40 % leaves no room).
    await page.getByLabel("Shadow", { exact: true }).selectOption("drop");
    await page.getByLabel("Alignment", { exact: true }).selectOption("center");
    await page.getByLabel("Top margin", { exact: true }).fill("50");
    await page.getByLabel("Bottom margin", { exact: true }).fill("40");
    await page.getByRole("button", { name: "Save as new version" }).click();
    // Listed above the form and on the field itself.
    await page.getByText("top and bottom margins together must leave at least 20% of the canvas for the subject").first().waitFor();
    await expect(page.getByText("top and bottom margins together must leave at least 20% of the canvas for the subject").count()).resolves.toBe(2);
    await page.getByLabel("Top margin", { exact: true }).fill("6");
    await page.getByLabel("Bottom margin", { exact: true }).fill("20");
    await page.getByLabel("Version note", { exact: true }).fill("Fabric in the prompt");
    await page.getByRole("button", { name: "Save as new version" }).click();
    await page.getByText("Saved as version 2").waitFor();

    const history = page.getByRole("list", { name: "Version history" });
    await history.getByText("Version 2").waitFor();
    const entries = await history.locator("li").allInnerTexts();
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatch(/Version 2\s[\s\S]*Current[\s\S]*Demo user[\s\S]*Fabric in the prompt/);
    expect(entries[1]).toMatch(/Version 1[\s\S]*Shotlane \(defaults\)[\s\S]*Default recipe/);

    // The saved template survives a reload; other categories are untouched.
    await page.reload();
    await expect(page.getByLabel("Prompt template", { exact: true }).inputValue()).resolves.toContain("{fabric}, worn by the brand model");
    await expect(page.getByRole("checkbox", { name: "Ava, front" }).isChecked()).resolves.toBe(true);
    await expect(page.getByLabel("Shadow", { exact: true }).inputValue()).resolves.toBe("drop");
    await expect(page.getByLabel("Alignment", { exact: true }).inputValue()).resolves.toBe("center");
    await expect(page.getByLabel("Bottom margin", { exact: true }).inputValue()).resolves.toBe("20");
    await page.screenshot({ path: screenshotPath("recipes"), fullPage: true });
    await page.getByRole("button", { name: "Edit the Tops recipe" }).click();
    await page.getByRole("heading", { name: "Tops recipe" }).waitFor();
    expect(await page.getByRole("list", { name: "Version history" }).locator("li").count()).toBe(1);
  });

  it("edits the quality gates: an inverted pair is refused on its field, an override and the regeneration count are kept after reload, reset returns to the default", async () => {
    await page.goto(`${stack.appUrl}/app/recipes?category=knitwear`);
    await page.getByRole("heading", { name: "Knitwear recipe" }).waitFor();
    await page.getByRole("heading", { name: "Quality gates", exact: true }).waitFor();
    const sharpnessReject = page.getByLabel("Sharpness: Reject below", { exact: true });
    const colourFlag = page.getByLabel("Garment colour: Flag above", { exact: true });
    const colourReject = page.getByLabel("Garment colour: Reject above", { exact: true });
    // Empty fields show the category's defaults.
    await expect(sharpnessReject.getAttribute("placeholder")).resolves.toBe(String(QC_CHECKS.sharpness.reject));
    await expect(colourFlag.getAttribute("placeholder")).resolves.toBe(String(QC_CHECKS["garment-colour"].flag));
    await expect(page.getByLabel("Video resolution: Flag below", { exact: true }).getAttribute("placeholder")).resolves.toBe(String(QC_CHECKS["video-resolution"].flag));

    // Sharpness gets worse downwards: rejecting above the flag threshold is refused, on that field and in the list.
    await sharpnessReject.fill("70");
    await page.getByRole("button", { name: "Save as new version" }).click();
    await page.getByText("Nothing was saved: fix these").waitFor();
    const message = `must be at or below the flag threshold (${QC_CHECKS.sharpness.flag}): a reject is worse than a flag`;
    await page.getByText(`Quality gates, Sharpness: reject threshold: ${message}`).waitFor();
    await expect(page.getByText(message).count()).resolves.toBe(2);
    await expect(sharpnessReject.getAttribute("aria-invalid")).resolves.toBe("true");
    await expect(page.getByLabel("Sharpness: Flag below", { exact: true }).getAttribute("aria-invalid")).resolves.not.toBe("true");
    const describedBy = (await sharpnessReject.getAttribute("aria-describedby")) ?? "";
    const fieldError = await Promise.all(describedBy.split(/\s+/).filter(Boolean).map((id) => page.locator(`[id="${id}"]`).innerText()));
    expect(fieldError.join(" ")).toContain(message);
    await sharpnessReject.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath("recipes-quality-gates-error") });

    await page.getByRole("button", { name: "Reset Sharpness to the default" }).click();
    await expect(sharpnessReject.inputValue()).resolves.toBe("");
    await colourFlag.fill("2");
    await colourReject.fill("4.5");
    await page.getByText("Default 3", { exact: true }).waitFor();
    await page.getByLabel("Regenerate rejected AI candidates automatically", { exact: true }).selectOption("3");
    await page.getByLabel("Version note", { exact: true }).fill("Stricter garment colour for knits");
    await page.getByRole("button", { name: "Save as new version" }).click();
    await page.getByText("Saved as version 2").waitFor();

    await page.reload();
    await page.getByRole("heading", { name: "Knitwear recipe" }).waitFor();
    await expect(colourFlag.inputValue()).resolves.toBe("2");
    await expect(colourReject.inputValue()).resolves.toBe("4.5");
    await expect(sharpnessReject.inputValue()).resolves.toBe("");
    await expect(page.getByLabel("Regenerate rejected AI candidates automatically", { exact: true }).inputValue()).resolves.toBe("3");
    // Only the changed check is marked.
    await expect(page.getByText("Changed", { exact: true }).count()).resolves.toBe(1);
    await colourFlag.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath("recipes-quality-gates") });

    // Reset to default, saved, leaves no override behind.
    await page.getByRole("button", { name: "Reset Garment colour to the default" }).click();
    await expect(colourFlag.inputValue()).resolves.toBe("");
    await page.getByRole("button", { name: "Save as new version" }).click();
    await page.getByText("Saved as version 3").waitFor();
    await page.reload();
    await expect(page.getByLabel("Garment colour: Flag above", { exact: true }).inputValue()).resolves.toBe("");
    await expect(page.getByText("Changed", { exact: true }).count()).resolves.toBe(0);
    await expect(page.getByLabel("Regenerate rejected AI candidates automatically", { exact: true }).inputValue()).resolves.toBe("3");
  });
});
