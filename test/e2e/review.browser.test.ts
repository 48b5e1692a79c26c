import { readFileSync } from "node:fs";
import type { PrismaClient } from "@prisma/client";
import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AssetStore } from "../../app/storage/asset-store";
import { createLocalAssetStore } from "../../app/storage/local-asset-store.server";
import { DEMO_SHOP, type DemoStack } from "../../scripts/lib/demo-stack";
import { screenshotPath } from "../support/browser";
import { startBrowserSuite, type BrowserSuite } from "../support/browser-suite";
import { seedReviewQueue, type ReviewQueue } from "../support/review-fixtures";

/**
 * The review grid and compare view in Chromium against the demo stack (real
 * worker, local demo provider, post-production and the quality checks). A
 * product sent to production reaches the grid once its candidates are
 * checked; reviewers work through it by keyboard and by mouse, and every
 * decision is checked in the database. Seeded fixtures (a collection of their
 * own) give the selection and "Approve all passed" paths known verdicts.
 */

const QC_DONE = ["awaiting-review", "awaiting-signoff", "duplicate", "auto-rejected"];

describe("review in Chromium: real candidates and fixtures, by keyboard and mouse", () => {
  let suite: BrowserSuite;
  let stack: DemoStack;
  let db: PrismaClient;
  let store: AssetStore;
  let browser: Browser;
  let page: Page;
  let fixtures: ReviewQueue;
  let productId: string;
  let productTitle: string;
  const pageErrors: string[] = [];

  const focusedId = () => page.evaluate(() => document.activeElement?.getAttribute("data-review-card") ?? null);
  const card = (id: string) => page.locator(`[data-review-card="${id}"]`);
  const toast = () => page.locator(".review-toast");
  const fixtureGrid = () => `${stack.appUrl}/app/review?collection=${encodeURIComponent(fixtures.collectionId)}`;
  const productGrid = (extra = "") => `${stack.appUrl}/app/review?product=${encodeURIComponent(productId)}${extra}`;
  const asset = (id: string) => db.asset.findUniqueOrThrow({ where: { id } });

  /**
   * Opens a grid address, waits until its shortcuts are live and presses J: the first card takes focus.
   * (Keys pressed while React is still hydrating can hit a React 18 bug, error #345: see the report.)
   */
  async function openGrid(url: string): Promise<string> {
    await page.goto(url);
    await page.locator('[data-keyboard="ready"]').waitFor();
    await page.keyboard.press("j");
    await expect.poll(focusedId).not.toBeNull();
    return (await focusedId())!;
  }

  /** The ids of the cards on screen, in order. */
  const cardIds = () => page.locator("[data-review-card]").evaluateAll((els) => els.map((el) => el.getAttribute("data-review-card")!));

  async function waitForChecks(where: { id?: string; productId?: string; regeneratedFromId?: string; retouchOfId?: string }, timeoutMs = 120_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await db.asset.findMany({ where, select: { id: true, status: true, kind: true, reviewStatus: true, qcStatus: true, thumbKey: true, qcVerdict: true } });
      if (rows.length > 0 && rows.every((r) => r.status === "failed" || (r.reviewStatus !== null && QC_DONE.includes(r.reviewStatus)))) return rows;
      if (Date.now() > deadline) throw new Error(`quality checks did not finish in time: ${JSON.stringify(rows)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  beforeAll(async () => {
    suite = await startBrowserSuite("review", { stack: { productCount: 40 }, ownAssetDir: true, page: { viewport: { width: 1440, height: 1000 }, acceptDownloads: true }, pageErrors });
    ({ stack, db, browser, page } = suite);
    const assetDir = suite.assetDir!;
    store = createLocalAssetStore({ root: assetDir });

    // The catalog, as a merchant's first sync leaves it.
    const sync = await fetch(`${stack.appUrl}/api/catalog-sync`, { method: "POST", body: new URLSearchParams({ kind: "paginated" }) });
    expect(sync.status).toBe(202);
    for (let i = 0; i < 240; i++) {
      const run = await db.syncRun.findFirst({ orderBy: { createdAt: "desc" } });
      if (run?.status === "succeeded") break;
      if (run?.status === "failed") throw new Error(`catalog sync failed: ${run.error}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    // Fixtures: 30 assets with known verdicts on products of their own, pictured by the emulator's flat-lays.
    const seeds = [...stack.emulator.store.requireShop(DEMO_SHOP).products.values()].slice(0, 6);
    fixtures = await seedReviewQueue(db, store, DEMO_SHOP, {
      count: 30,
      products: seeds.map((p, n) => ({ id: 700_000 + n, title: `Fixture ${p.title}`, productType: p.productType, featuredImageUrl: `${stack.emulatorUrl}/cdn/${DEMO_SHOP}/products/${p.id}/flat-lay.png` })),
      distinctThumbnails: 12,
      withMasters: 2,
      start: new Date(Date.now() - 3_600_000),
    });
  }, 300_000);

  afterAll(() => suite?.close());

  it("sends a product to production; once post-production and the checks are done its candidates are in the grid with verdicts, reasons and small thumbnails", async () => {
    const product = (await db.product.findFirst({ where: { shopId: DEMO_SHOP, productType: { in: ["Tops", "Dresses"] } }, orderBy: { title: "asc" }, select: { id: true, title: true } }))!;
    productId = product.id;
    productTitle = product.title;
    const send = await fetch(`${stack.appUrl}/api/production/send`, { method: "POST", body: new URLSearchParams({ productIds: JSON.stringify([productId]) }) });
    expect(await send.json()).toMatchObject({ ok: true, created: [{ productId }] });

    const rows = await waitForChecks({ productId });
    const open = rows.filter((r) => r.reviewStatus === "awaiting-review");
    expect(open.length).toBeGreaterThan(0);

    await openGrid(productGrid());
    await expect.poll(cardIds).toEqual(expect.arrayContaining(open.map((r) => r.id)));
    expect((await cardIds()).length).toBe(open.length);
    // Every card says product, view and verdict to a screen reader, and shows the maker honestly.
    const first = open.find((r) => r.kind === "image")!;
    await expect(card(first.id).getAttribute("aria-label")).resolves.toMatch(new RegExp(`^${productTitle}, (front|back|side|flat|detail) view, candidate \\d+, verdict (pass|flag|reject)`));
    await expect(card(first.id).getByText("Demo provider (local composition, not AI)").count()).resolves.toBe(1);
    // The QC job's thumbnails: loaded, and at most 30 KB each in the store.
    await expect.poll(() => card(first.id).locator("img").evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    const thumbBytes = await Promise.all(rows.filter((r) => r.thumbKey).map(async (r) => (await store.get(r.thumbKey!)).length));
    expect(thumbBytes.length).toBeGreaterThan(0);
    for (const bytes of thumbBytes) expect(bytes).toBeLessThanOrEqual(30 * 1024);
    console.log(`review: QC thumbnails of ${productTitle}: ${thumbBytes.map((b) => `${(b / 1024).toFixed(1)} KB`).join(", ")}`);
    // Failing checks are named with their reasons on the card.
    if (first.qcVerdict !== "pass") await expect(card(first.id).locator(".review-card__findings li strong").count()).resolves.toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath("review-grid-real-candidates") });
  }, 180_000);

  it("approves with A: the card leaves the open queue, focus moves to the next card, a toast says so, the database has it", async () => {
    const firstId = await openGrid(fixtureGrid());
    const ids = await cardIds();
    expect(ids[0]).toBe(firstId);
    await page.keyboard.press("a");
    await expect.poll(() => card(firstId).count()).toBe(0);
    await expect.poll(focusedId).toBe(ids[1]);
    await toast().getByText("1 asset approved").waitFor();
    await page.screenshot({ path: screenshotPath("review-approved-by-keyboard") });
    expect(await asset(firstId)).toMatchObject({ reviewStatus: "approved", reviewedBy: "user:demo" });
    expect(await db.auditEvent.count({ where: { subjectType: "asset", subjectId: firstId, action: "review.approved" } })).toBe(1);
    // Reloaded, it is gone from the open queue.
    await page.reload();
    await page.locator("[data-review-card]").first().waitFor();
    expect(await cardIds()).not.toContain(firstId);
  });

  it("rejects with R: Escape cancels and focus returns; 7 (Other) asks for a note; 3 + Enter rejects for fabric or drape", async () => {
    const target = await openGrid(fixtureGrid());
    const ids = await cardIds();

    await page.keyboard.press("r");
    const dialog = page.getByRole("dialog", { name: /^Reject / });
    await dialog.waitFor();
    await page.screenshot({ path: screenshotPath("review-reject-reason-picker") });
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    await expect.poll(focusedId).toBe(target);
    expect((await asset(target)).reviewStatus).toBe("awaiting-review");

    // Other without a note: refused in the dialog, on the note field.
    await page.keyboard.press("r");
    await dialog.waitFor();
    await page.keyboard.press("7");
    await page.keyboard.press("Enter");
    await dialog.getByText("say what is wrong when the reason is Other").waitFor();
    await page.keyboard.type("seam twisted at the shoulder");
    await page.keyboard.press("Enter");
    await dialog.waitFor({ state: "hidden" });
    await expect.poll(() => card(target).count()).toBe(0);
    await toast().getByText("1 asset rejected (Other)").waitFor();
    await expect.poll(focusedId).toBe(ids[1]);
    expect(await asset(target)).toMatchObject({ reviewStatus: "rejected", rejectReason: "other", reviewNote: "seam twisted at the shoulder" });

    await page.keyboard.press("r");
    await dialog.waitFor();
    await page.keyboard.press("3");
    await expect(dialog.getByLabel("3 · Fabric or drape").isChecked()).resolves.toBe(true);
    await page.keyboard.press("Enter");
    await toast().getByText("1 asset rejected (Fabric or drape)").waitFor();
    await expect.poll(focusedId).toBe(ids[2]);
    expect(await asset(ids[1])).toMatchObject({ reviewStatus: "rejected", rejectReason: "fabric-drape" });
  });

  it("flags with F and unflags; the flagged filter lists it; typing in a field is never a shortcut", async () => {
    const target = await openGrid(fixtureGrid());
    await page.keyboard.press("f");
    await card(target).getByText("Flagged", { exact: true }).waitFor();
    await expect(card(target).getAttribute("aria-label")).resolves.toContain("flagged for a second look");
    expect((await asset(target)).reviewFlagged).toBe(true);
    // The card stays where it is, focused.
    await expect.poll(focusedId).toBe(target);

    await page.goto(`${stack.appUrl}/app/review?state=flagged`);
    await card(target).waitFor();
    expect(await cardIds()).toEqual([target]);

    await openGrid(fixtureGrid());
    await page.keyboard.press("f");
    await expect.poll(() => card(target).getByText("Flagged", { exact: true }).count()).toBe(0);
    expect((await asset(target)).reviewFlagged).toBe(false);

    // A shortcut letter typed into the page's fields does nothing.
    await page.getByLabel("Tier").focus();
    await page.keyboard.press("a");
    await page.waitForTimeout(300);
    expect((await asset(target)).reviewStatus).toBe("awaiting-review");
  });

  it("selects with the mouse and Space, rejects the selection with a reason and approves another", async () => {
    await openGrid(fixtureGrid());
    const ids = await cardIds();
    const [a, b, c] = [ids[0], ids[1], ids[2]];
    await card(a).getByRole("checkbox").click();
    await card(b).getByRole("checkbox").click();
    await page.getByText("2 selected").waitFor();
    await page.getByRole("button", { name: "Reject selected…" }).click();
    const dialog = page.getByRole("dialog", { name: "Reject 2 selected assets" });
    await dialog.waitFor();
    // Polaris draws the radio over its input: a person clicks the label.
    await dialog.getByText("4 · Logo or print").click();
    await expect(dialog.getByLabel("4 · Logo or print").isChecked()).resolves.toBe(true);
    await dialog.getByRole("button", { name: "Reject", exact: true }).click();
    await toast().getByText("2 assets rejected (Logo or print)").waitFor();
    for (const id of [a, b]) expect(await asset(id)).toMatchObject({ reviewStatus: "rejected", rejectReason: "logo-print" });
    await expect.poll(() => page.locator("[data-review-card]").count()).toBe(ids.length - 2);

    // Space selects the focused card; Approve selected approves it.
    await card(c).focus();
    await page.keyboard.press(" ");
    await page.getByText("1 selected").waitFor();
    await page.screenshot({ path: screenshotPath("review-selection") });
    await page.getByRole("button", { name: "Approve selected" }).click();
    await toast().getByText("1 asset approved").waitFor();
    expect((await asset(c)).reviewStatus).toBe("approved");
  });

  it("opens the compare view with Enter: output beside source and live image, checks, Z zooms to 100 % and arrows pan, overlays toggle, Escape returns focus to the card", async () => {
    await openGrid(productGrid());
    const ids = await cardIds();
    const images = await db.asset.findMany({ where: { id: { in: ids }, kind: "image" }, select: { id: true } });
    const target = images[0].id;
    await card(target).focus();
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => url.pathname === `/app/review/${target}`);
    const view = page.getByRole("dialog", { name: "Compare view" });
    await view.getByRole("heading", { name: productTitle }).waitFor();
    // Focus moved into the view (a screen reader announces it; Tab starts there).
    await expect.poll(() => page.evaluate(() => Boolean(document.activeElement?.closest('[role="dialog"][aria-label="Compare view"]')))).toBe(true);
    const output = view.locator("img[data-layer=output]");
    await expect.poll(() => output.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    await view.getByText("Source flat-lay", { exact: true }).waitFor();
    await view.getByText("Live on the store now").waitFor();
    await expect.poll(() => view.getByAltText(`Source flat-lay of ${productTitle}`).evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    // The checks table: label, score with unit, thresholds, verdict, reason.
    const table = view.getByRole("table");
    await table.getByText("Resolution", { exact: true }).waitFor();
    await expect(table.getByText(/flags (above|below) /).count()).resolves.toBeGreaterThan(3);
    await page.screenshot({ path: screenshotPath("review-compare") });

    await page.keyboard.press("z");
    const viewer = view.locator("[data-zoomed]");
    await expect.poll(() => viewer.getAttribute("data-zoomed")).toBe("true");
    const plane = view.locator("[data-zoom-plane]");
    const before = await plane.evaluate((el) => (el as HTMLElement).style.transform);
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowDown");
    await expect.poll(() => plane.evaluate((el) => (el as HTMLElement).style.transform)).not.toBe(before);
    // Drag pans too.
    const box = (await viewer.boundingBox())!;
    const afterKeys = await plane.evaluate((el) => (el as HTMLElement).style.transform);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2 + 60, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => plane.evaluate((el) => (el as HTMLElement).style.transform)).not.toBe(afterKeys);
    // The QC overlays, over the output.
    const overlays = view.getByRole("checkbox", { name: /^Show / });
    expect(await overlays.count()).toBeGreaterThan(0);
    await overlays.first().check();
    await expect.poll(() => view.locator("img[data-layer^=overlay-]").count()).toBe(1);
    await page.screenshot({ path: screenshotPath("review-compare-zoomed-overlay") });

    await page.keyboard.press("Escape");
    await expect.poll(() => viewer.getAttribute("data-zoomed")).toBe("false");
    await page.keyboard.press("Escape");
    await page.waitForURL((url) => url.pathname === "/app/review");
    await view.waitFor({ state: "detached" });
    await expect.poll(focusedId).toBe(target);
  });

  it("regenerates from the compare view: the worker makes a new candidate, checks it, and it reaches the grid", async () => {
    await openGrid(productGrid());
    const ids = await cardIds();
    const ai = await db.asset.findFirst({ where: { id: { in: ids }, kind: "image", source: "ai" }, orderBy: { candidateIndex: "asc" } });
    await page.goto(`${productGrid()}`.replace("/app/review?", `/app/review/${ai!.id}?`));
    const view = page.getByRole("dialog", { name: "Compare view" });
    await view.getByRole("button", { name: /^Regenerate / }).click();
    await toast().getByText("1 asset regenerated").waitFor();
    expect((await asset(ai!.id)).reviewStatus).toBe("superseded");

    const [successor] = await waitForChecks({ regeneratedFromId: ai!.id });
    expect(successor.status).toBe("stored");
    await page.goto(productGrid(`&state=${successor.reviewStatus}`));
    await card(successor.id).waitFor();
    await page.screenshot({ path: screenshotPath("review-regenerated-candidate") });
    // The compare view shows where it came from.
    await page.goto(`${stack.appUrl}/app/review/${successor.id}?state=${successor.reviewStatus}`);
    await page.getByRole("dialog", { name: "Compare view" }).getByText(/^Regenerates asset/).waitFor();
  }, 180_000);

  it("sends to retouch: the master downloads, the corrected upload goes back through post-production and the checks", async () => {
    await openGrid(productGrid());
    const ids = await cardIds();
    const target = (await db.asset.findFirst({ where: { id: { in: ids }, kind: "image", reviewStatus: "awaiting-review" } }))!;
    await page.goto(`${stack.appUrl}/app/review/${target.id}?product=${encodeURIComponent(productId)}`);
    const view = page.getByRole("dialog", { name: "Compare view" });
    await view.getByRole("button", { name: /^Send .* to retouch$/ }).click();
    await toast().getByText("1 asset sent to retouch").waitFor();
    await expect.poll(async () => (await asset(target.id)).reviewStatus).toBe("retouch");

    const [download] = await Promise.all([page.waitForEvent("download"), view.getByRole("button", { name: /^Download the master file/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/_master\.(png|jpg|webp)$/);
    const master = readFileSync((await download.path())!);
    expect(master.length).toBeGreaterThan(1000);

    // The retoucher's file: the master, slightly brightened, as JPEG.
    const corrected = await sharp(master).modulate({ brightness: 1.03 }).jpeg({ quality: 92 }).toBuffer();
    await view.locator("input[type=file]").setInputFiles({ name: "corrected.jpg", mimeType: "image/jpeg", buffer: corrected });
    await view.getByRole("button", { name: "Upload corrected file" }).click();
    await view.getByText(/^Retouched file uploaded: it goes through post-production/).waitFor();
    expect((await asset(target.id)).reviewStatus).toBe("superseded");

    const [retouched] = await waitForChecks({ retouchOfId: target.id });
    await page.goto(productGrid(`&state=${retouched.reviewStatus}`));
    await card(retouched.id).waitFor();
    await page.screenshot({ path: screenshotPath("review-retouched-back-in-review") });
  }, 180_000);

  it("with brand sign-off on, A approves into the sign-off queue (the card stays, marked) and A again signs off", async () => {
    await db.reviewSettings.upsert({ where: { shopId: DEMO_SHOP }, create: { shopId: DEMO_SHOP, brandSignOff: true }, update: { brandSignOff: true } });
    try {
      const target = await openGrid(`${fixtureGrid()}&verdict=flag`);
      await page.keyboard.press("a");
      await toast().getByText("1 asset approved (now awaiting brand sign-off)").waitFor();
      await card(target).getByText("Sign-off", { exact: true }).waitFor();
      await expect.poll(focusedId).toBe(target);
      expect((await asset(target)).reviewStatus).toBe("awaiting-signoff");
      await expect(card(target).getByRole("button", { name: /^Sign off .* for the brand$/ }).count()).resolves.toBe(1);

      await page.keyboard.press("a");
      await toast().getByText("1 asset signed off").waitFor();
      await expect.poll(() => card(target).count()).toBe(0);
      expect(await asset(target)).toMatchObject({ reviewStatus: "approved", signedOffBy: "user:demo" });
    } finally {
      await db.reviewSettings.update({ where: { shopId: DEMO_SHOP }, data: { brandSignOff: false } });
    }
  });

  it("approves all passed in the filtered queue after a confirm", async () => {
    const inCollection = (await db.productCollection.findMany({ where: { collectionId: fixtures.collectionId }, select: { productId: true } })).map((p) => p.productId);
    const passed = await db.asset.count({ where: { productId: { in: inCollection }, qcVerdict: "pass", reviewStatus: "awaiting-review" } });
    expect(passed).toBeGreaterThan(3);
    await openGrid(fixtureGrid());
    await page.getByRole("button", { name: `Approve all passed (${passed})` }).click();
    const dialog = page.getByRole("dialog", { name: `Approve ${passed} assets that passed every check?` });
    await dialog.waitFor();
    await page.screenshot({ path: screenshotPath("review-approve-all-passed-confirm") });
    await dialog.getByRole("button", { name: `Approve ${passed} assets` }).click();
    await toast().getByText(`${passed} assets approved`).waitFor();
    await page.getByRole("button", { name: "Approve all passed (0)" }).waitFor();
    await page.getByRole("button", { name: "Pass (0)" }).waitFor();
    expect(await db.asset.count({ where: { productId: { in: inCollection }, qcVerdict: "pass", reviewStatus: "awaiting-review" } })).toBe(0);
    // Fixtures outside the collection keep their passes: only the filtered queue was approved.
    expect(await db.asset.count({ where: { productId: { in: fixtures.productIds, notIn: inCollection }, qcVerdict: "pass", reviewStatus: "awaiting-review" } })).toBeGreaterThan(0);
    // Flags and rejects stay for a person.
    const left = await db.asset.findMany({ where: { productId: { in: inCollection }, reviewStatus: "awaiting-review" }, select: { qcVerdict: true } });
    expect(left.length).toBeGreaterThan(0);
    expect(new Set(left.map((l) => l.qcVerdict))).not.toContain("pass");
    // The real candidates were outside the filter and are untouched.
    expect(await db.asset.count({ where: { productId, reviewStatus: "approved", reviewNote: "Approve all passed" } })).toBe(0);
    await page.screenshot({ path: screenshotPath("review-after-approve-all-passed") });
    expect(pageErrors).toEqual([]);
  });
});
