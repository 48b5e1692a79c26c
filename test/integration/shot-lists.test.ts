import { mkdirSync, writeFileSync } from "node:fs";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { getJwt } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listProducts } from "../../app/catalog/product-list.server";
import { productListQuerySchema } from "../../app/catalog/product-list-query";
import prisma from "../../app/db.server";
import { databaseUrl } from "../../app/db-url";
import { action as launchAction } from "../../app/routes/api.products.launch";
import { action as detailAction, loader as detailLoader } from "../../app/routes/app.studio.shot-lists.$id";
import { action as indexAction, loader as indexLoader } from "../../app/routes/app.studio.shot-lists._index";
import { loader as csvLoader } from "../../app/routes/studio.shot-lists.$id.csv";
import { loader as printLoader } from "../../app/routes/studio.shot-lists.$id.print";
import { addDays, isoDate } from "../../app/studio/shot-list";
import { createShotList, deleteShotList, MAX_SHOT_LIST_LINES, previewShotList, serveShotListLink, setShotListStatus, shotListDetail, shotListLinkSubject, listShotLists, type ShotListPreview } from "../../app/studio/shot-lists.server";
import { signedLinkQuery } from "../../app/studio/signed-link.server";
import { refusedResponse } from "../support/route-refusal";
import { nextMonday, seedBulkCatalog, seedRecipeNotes, seedShopWithSession, seedStudioProducts } from "../support/shot-list-fixtures";
import { TEST_API_KEY, TEST_API_SECRET, TEST_APP_URL } from "../support/test-env";

const SHOP = "shot-lists.myshopify.com";
const OTHER = "shot-lists-other.myshopify.com";
const BULK = "shot-lists-bulk.myshopify.com";
const gid = (n: number) => `gid://shopify/Product/${n}`;
const START = nextMonday();
const day = (n: number) => isoDate(addDays(START, n));

async function bearer(shop: string) {
  return `Bearer ${(await getJwt(shop.replace(".myshopify.com", ""), TEST_API_KEY, TEST_API_SECRET, { sub: "41" })).token}`;
}
const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });
async function form(url: string, fields: Record<string, string>, shop = SHOP) {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.set(name, value);
  return new Request(`${TEST_APP_URL}${url}`, { method: "POST", body, headers: { Authorization: await bearer(shop) } });
}
const get = async (url: string, shop = SHOP) => new Request(`${TEST_APP_URL}${url}`, { headers: { Authorization: await bearer(shop) } });

function ok<T extends { ok: boolean }>(result: T): Extract<T, { ok: true }> {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result as Extract<T, { ok: true }>;
}

async function preview(shop = SHOP, input: Parameters<typeof previewShotList>[2] = { startDate: START }): Promise<ShotListPreview> {
  return ok(await previewShotList(prisma, shop, input)).preview;
}

/** Titles and colourways of the schedule, per studio day, read back from a created list. */
async function createdDays(shop: string, id: string) {
  const detail = (await shotListDetail(prisma, shop, id, { dayPage: 1 }))!;
  return detail.pageDays.map((d) => [d.date, d.images, d.items.map((l) => `${l.productTitle}${l.colourway ? ` ${l.colourway}` : ""}`)]);
}

describe("shot lists: preview, create, status, CSV and print links, product list (PostgreSQL)", () => {
  beforeAll(async () => {
    for (const shop of [SHOP, OTHER, BULK]) await seedShopWithSession(prisma, shop);
    // 4 images a studio day, 2 days' lead before a launch.
    await prisma.studioSettings.create({ data: { shopId: SHOP, imagesPerDay: 4, leadDays: 2, updatedBy: "user:1" } });
    await seedRecipeNotes(prisma, SHOP, [
      { key: "dresses", productTypes: ["Dresses"], notes: "Belt at the waist; steam the skirt" },
      { key: "tops", productTypes: ["Tops"], notes: "Tuck the front hem" },
    ]);
    // Default plans: tier 1 all six studio, tier 2 studio front and back (+ AI), tier 3 AI only.
    await seedStudioProducts(prisma, SHOP, [
      { id: 1, title: "Open-ended shirt", tier: 2, colours: ["Navy", "Sand"] },
      { id: 2, title: "Hero dress", tier: 1, productType: "Dresses", colours: ["Black"], launchDate: addDays(START, 10) },
      { id: 3, title: "Priority tee", tier: 2, launchDate: addDays(START, 10), priority: 1 },
      { id: 4, title: "Alpha tee", tier: 2, launchDate: addDays(START, 10) },
      { id: 5, title: "AI-only tee", tier: 3, launchDate: addDays(START, 1) },
      { id: 6, title: "Finished tee", tier: 2, producedAssets: ["on-model-front", "on-model-back"], launchDate: addDays(START, 1) },
      { id: 7, title: "Archived tee", tier: 2, status: "ARCHIVED", launchDate: addDays(START, 1) },
      { id: 8, title: "Tomorrow's tee", tier: 2, launchDate: addDays(START, 1), sku: "TT" },
    ]);
    await seedStudioProducts(prisma, OTHER, [{ id: 900, title: "Other shop's coat", tier: 1, colours: ["Grey"] }]);
  });

  afterAll(async () => {
    await prisma.$disconnect();
  });

  it("previews the studio work: launch date, priority, tier order; capacity split into days; late lines; notes from the recipe; nothing written", async () => {
    const before = await prisma.auditEvent.count();
    const result = await preview();
    expect(result).toMatchObject({ startDate: day(0), imagesPerDay: 4, leadDays: 2, products: 5, lines: 7, totalImages: 16, lateLines: 1, skippedColourways: 0, remainingLines: 0, nextNumber: 1, emptyReason: null });
    // Tomorrow's tee launches first (and is late: due the day before the start); at the next launch date
    // priority 1 beats none and tier 1 beats tier 2; no launch date comes last. The hero dress (6 images)
    // is more than a day's 4, so it starts a fresh day and is split.
    expect(result.days).toEqual([
      { date: day(0), images: 4, lines: 2, late: 1 },
      { date: day(1), images: 4, lines: 1, late: 0 },
      { date: day(2), images: 4, lines: 2, late: 0 },
      { date: day(3), images: 4, lines: 2, late: 0 },
    ]);
    expect(result.late).toEqual([{ productId: gid(8), sku: "TT-S", productTitle: "Tomorrow's tee", colourway: null, viewLabels: ["On-model, front", "On-model, back"], images: 2, studioDay: day(0), dueDate: day(-1) }]);
    expect(await prisma.auditEvent.count()).toBe(before);
    expect(await prisma.shotList.count()).toBe(0);

    // Only chosen products; a bad start date names the field and the fix.
    expect((await preview(SHOP, { startDate: START, productIds: [gid(1), gid(5)] })).lines).toBe(2);
    expect(await previewShotList(prisma, SHOP, { startDate: "2020-01-06" })).toEqual({ ok: false, errors: { startDate: "the start date 2020-01-06 is in the past: choose today or a later day" } });
    expect(await previewShotList(prisma, SHOP, { startDate: "07/12/2026" })).toEqual({ ok: false, errors: { startDate: "write the date as YYYY-MM-DD, e.g. 2027-01-11" } });
    expect(await previewShotList(prisma, SHOP, { productIds: "[1" })).toEqual({ ok: false, errors: { productIds: "productIds must be a JSON list of product ids" } });
    // Nothing in a studio tier for the chosen products.
    expect((await preview(SHOP, { startDate: START, productIds: [gid(5)] })).emptyReason).toBe("None of the chosen products still needs studio assets.");
  });

  it("creates numbered lists with lines by studio day, due dates, notes and references; listed colourways leave the next preview", async () => {
    const first = ok(await createShotList(prisma, SHOP, { startDate: START, productIds: [gid(8), gid(3), gid(2)] }, "user:41"));
    expect(first).toMatchObject({ number: 1, lines: 4, days: 3, images: 10, lateLines: 1, remainingLines: 0, message: "Shot list #1 created: 4 lines over 3 studio days." });
    expect(await createdDays(SHOP, first.id)).toEqual([
      [day(0), 4, ["Tomorrow's tee", "Priority tee"]],
      [day(1), 4, ["Hero dress Black"]],
      [day(2), 2, ["Hero dress Black"]],
    ]);
    const detail = (await shotListDetail(prisma, SHOP, first.id))!;
    const lines = detail.pageDays.flatMap((d) => d.items);
    expect(lines[2]).toMatchObject({ sku: "SKU2-BLACK-S", views: ["on-model-front", "on-model-back", "on-model-side", "packshot"], stylingNotes: "Belt at the waist; steam the skirt", referenceUrl: "https://cdn.example/2.jpg", dueDate: day(8), late: false, note: "Part 1 of 2: this colourway is split across studio days." });
    expect(lines[3]).toMatchObject({ views: ["detail", "video"], note: "Part 2 of 2: this colourway is split across studio days." });
    expect(lines[0]).toMatchObject({ sku: "TT-S", stylingNotes: "Tuck the front hem", late: true, dueDate: day(-1) });
    expect(detail).toMatchObject({ status: "draft", firstDay: day(0), lastDay: day(2), images: 10, lines: 4, views: 10, deliveredViews: 0, lateLines: 1 });
    expect(await prisma.auditEvent.count({ where: { shopId: SHOP, action: "studio.shot-list.created", subjectId: first.id, actor: "user:41" } })).toBe(1);

    // The colourways on list #1 are left out; the next list starts after its last day.
    const next = await preview(SHOP, {});
    expect(next).toMatchObject({ startDate: day(3), suggestedStartDate: day(3), lines: 3, skippedColourways: 3, nextNumber: 2 });
  });

  it("numbers lists one after another when two are created at once, and never puts a colourway on two lists", async () => {
    const [a, b] = await Promise.all([
      createShotList(prisma, SHOP, { startDate: day(7), productIds: [gid(4)] }, "user:41"),
      createShotList(prisma, SHOP, { startDate: day(7), productIds: [gid(1)] }, "user:42"),
    ]);
    expect([ok(a).number, ok(b).number].sort()).toEqual([2, 3]);
    expect(ok(a).lines + ok(b).lines).toBe(3);

    // Both want the same colourway: the second waits for the first and finds nothing left.
    await prisma.shotList.deleteMany({ where: { shopId: SHOP, number: { in: [2, 3] } } });
    const [c, d] = await Promise.all([createShotList(prisma, SHOP, { startDate: day(7), productIds: [gid(1)] }, "user:41"), createShotList(prisma, SHOP, { startDate: day(7), productIds: [gid(1)] }, "user:42")]);
    const made = [c, d].filter((r) => r.ok);
    const refused = [c, d].filter((r) => !r.ok);
    expect(made).toHaveLength(1);
    // Numbers follow the highest list left: deleted drafts (never sent) free theirs.
    expect(made[0]).toMatchObject({ number: 2, lines: 2 });
    expect(refused).toEqual([{ ok: false, errors: { form: "Nothing left to shoot: the 2 colourways that still need studio assets are already on an open shot list." } }]);
    expect(await prisma.shotListLine.count({ where: { shopId: SHOP, productId: gid(1) } })).toBe(2);
    await prisma.shotList.deleteMany({ where: { shopId: SHOP, number: 2 } });
  });

  it("moves a list one step at a time with sentAt and deliveredAt, refuses jumps and other shops, deletes drafts only", async () => {
    const list = (await prisma.shotList.findFirstOrThrow({ where: { shopId: SHOP, number: 1 } })).id;
    expect(await setShotListStatus(prisma, SHOP, list, "delivered", "user:41")).toEqual({ ok: false, error: "Shot list #1: a shot list moves one step at a time: it is draft, so mark it sent first." });
    expect(await setShotListStatus(prisma, SHOP, list, "lost", "user:41")).toEqual({ ok: false, error: "Shot list #1: status must be one of draft, sent, shooting, delivered." });
    expect(await setShotListStatus(prisma, OTHER, list, "sent", "user:41")).toMatchObject({ ok: false, notFound: true });
    expect(await setShotListStatus(prisma, SHOP, list, "sent", "user:41")).toEqual({ ok: true, status: "sent", message: "Shot list #1 is now sent." });
    expect((await prisma.shotList.findUniqueOrThrow({ where: { id: list } })).sentAt).toBeInstanceOf(Date);
    expect(await setShotListStatus(prisma, SHOP, list, "sent", "user:41")).toEqual({ ok: false, error: "Shot list #1: the shot list is already sent." });
    expect(await deleteShotList(prisma, SHOP, list, "user:41")).toEqual({ ok: false, error: "Shot list #1 is sent: only a draft can be deleted. Move it back to draft first if the studio will not shoot it." });
    ok(await setShotListStatus(prisma, SHOP, list, "shooting", "user:41"));
    ok(await setShotListStatus(prisma, SHOP, list, "delivered", "user:41"));
    expect((await prisma.shotList.findUniqueOrThrow({ where: { id: list } })).deliveredAt).toBeInstanceOf(Date);
    ok(await setShotListStatus(prisma, SHOP, list, "shooting", "user:41"));
    expect((await prisma.shotList.findUniqueOrThrow({ where: { id: list } })).deliveredAt).toBeNull();
    ok(await setShotListStatus(prisma, SHOP, list, "delivered", "user:41"));
    const moves = await prisma.auditEvent.findMany({ where: { shopId: SHOP, action: "studio.shot-list.status", subjectId: list }, orderBy: { id: "asc" }, select: { data: true } });
    expect(moves.map((m) => (m.data as { to: string }).to)).toEqual(["sent", "shooting", "delivered", "shooting", "delivered"]);

    // A delivered list's colourways are schedulable again while their plan still lacks the assets.
    expect((await preview(SHOP, { startDate: START })).skippedColourways).toBe(0);

    // A draft is deleted with its lines.
    const draft = ok(await createShotList(prisma, SHOP, { startDate: day(7), productIds: [gid(4)] }, "user:41"));
    expect(await deleteShotList(prisma, OTHER, draft.id, "user:41")).toMatchObject({ ok: false, notFound: true });
    expect(await deleteShotList(prisma, SHOP, draft.id, "user:41")).toEqual({ ok: true, message: `Shot list #${draft.number} deleted.` });
    expect(await prisma.shotListLine.count({ where: { shotListId: draft.id } })).toBe(0);
  });

  it("lists a page of lists with counts per status and delivered views progress", async () => {
    const list = await prisma.shotList.findFirstOrThrow({ where: { shopId: SHOP, number: 1 }, include: { lines: { orderBy: { position: "asc" } } } });
    // The studio delivered the front of the first line, plus a view the line never asked for (not counted).
    await prisma.shotListLine.update({ where: { id: list.lines[0].id }, data: { deliveredViews: ["on-model-front", "video"] } });
    const draft = ok(await createShotList(prisma, SHOP, { startDate: day(7), productIds: [gid(4)] }, "user:41"));
    const page = await listShotLists(prisma, SHOP, { page: 1 });
    expect(page.counts).toEqual({ draft: 1, sent: 0, shooting: 0, delivered: 1 });
    expect(page.lists.map((l) => [l.number, l.status, l.lines, l.views, l.deliveredViews, l.lateLines])).toEqual([
      [draft.number, "draft", 1, 2, 0, 0],
      [1, "delivered", 4, 10, 1, 1],
    ]);
    expect((await listShotLists(prisma, SHOP, { status: "delivered" })).lists.map((l) => l.number)).toEqual([1]);
    expect((await listShotLists(prisma, OTHER)).total).toBe(0);
  });

  it("shows each product's newest shot list on the product list (filterable) and sets launch dates in bulk", async () => {
    const query = (q: Record<string, string> = {}) => productListQuerySchema.parse({ pageSize: "100", ...q });
    const page = await listProducts(prisma, SHOP, query());
    const byTitle = Object.fromEntries(page.items.map((i) => [i.title, i.shotList ? `#${i.shotList.number} ${i.shotList.status}` : null]));
    const draftNumber = (await prisma.shotList.findFirstOrThrow({ where: { shopId: SHOP, status: "draft" } })).number;
    expect(byTitle).toMatchObject({ "Tomorrow's tee": "#1 delivered", "Hero dress": "#1 delivered", "Alpha tee": `#${draftNumber} draft`, "Open-ended shirt": null });
    expect((await listProducts(prisma, SHOP, query({ shotList: "draft" }))).items.map((i) => i.title)).toEqual(["Alpha tee"]);
    expect((await listProducts(prisma, SHOP, query({ shotList: "delivered" }))).items.map((i) => i.title).sort()).toEqual(["Hero dress", "Priority tee", "Tomorrow's tee"]);
    expect((await listProducts(prisma, SHOP, query({ shotList: "none" }))).total).toBe(4);

    // Bulk launch date through the route: the open-ended shirt now launches first and leads the preview.
    const response = await launchAction(args(await form("/api/products/launch", { productIds: JSON.stringify([gid(1), gid(900)]), launchDate: day(5), priority: "2" })));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, updated: 1, launchDate: day(5), priority: 2, message: `1 product now has launch date ${day(5)} and priority 2.` });
    expect(await prisma.product.findUniqueOrThrow({ where: { id: gid(900) }, select: { launchDate: true } })).toEqual({ launchDate: null });
    const reordered = await preview(SHOP, { startDate: START });
    expect(reordered.late[0]?.productTitle).toBe("Tomorrow's tee");
    const created = ok(await createShotList(prisma, SHOP, { startDate: START, productIds: [gid(1), gid(8)] }, "user:41"));
    expect((await createdDays(SHOP, created.id)).flatMap(([, , titles]) => titles as string[])).toEqual(["Tomorrow's tee", "Open-ended shirt Navy", "Open-ended shirt Sand"]);
    await prisma.shotList.delete({ where: { id: created.id } });

    const refused = await launchAction(args(await form("/api/products/launch", { productIds: JSON.stringify([gid(1)]), launchDate: "2027-02-30", priority: "9" })));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ ok: false, error: "launchDate: 2027-02-30 is not a calendar date: choose a real day; priority: priority must be a whole number from 1 (first) to 5, or blank" });
    ok(await (await launchAction(args(await form("/api/products/launch", { productIds: JSON.stringify([gid(1)]), launchDate: "", priority: "" })))).json());
    expect(await prisma.product.findUniqueOrThrow({ where: { id: gid(1) }, select: { launchDate: true, priority: true } })).toEqual({ launchDate: null, priority: null });
    expect(await prisma.auditEvent.count({ where: { shopId: SHOP, action: "studio.launch-dates.set" } })).toBe(2);
  });

  it("serves the pages through their routes: preview and create actions, the detail page with signed links, 404 for another shop's list", async () => {
    const index = await indexLoader(args(await get("/app/studio/shot-lists")));
    expect(index.lists.counts.delivered).toBe(1);
    expect(index.imagesPerDay).toBe(4);
    const previewed = await indexAction(args(await form("/app/studio/shot-lists", { intent: "preview", startDate: day(7) })));
    expect(previewed).toMatchObject({ intent: "preview", ok: true, preview: { startDate: day(7) } });
    const refused = await indexAction(args(await form("/app/studio/shot-lists", { intent: "create", startDate: "2027-13-01" })));
    expect(refused).toEqual({ intent: "create", ok: false, errors: { startDate: "2027-13-01 is not a calendar date: choose a real day" } });

    const list = await prisma.shotList.findFirstOrThrow({ where: { shopId: SHOP, number: 1 } });
    const page = await detailLoader(args(await get(`/app/studio/shot-lists/${list.id}`), { id: list.id }));
    expect(page.list.number).toBe(1);
    expect(page.csvUrl).toMatch(new RegExp(`^/studio/shot-lists/${list.id}/csv\\?shop=shot-lists.myshopify.com&expires=\\d+&sig=`));
    const other = await refusedResponse(() => detailLoader(args(new Request(`${TEST_APP_URL}/app/studio/shot-lists/${list.id}`, { headers: { Authorization: "Bearer nope" } }), { id: list.id })));
    expect(other.status).not.toBe(200);
    const notFound = await refusedResponse(async () => detailLoader(args(await get(`/app/studio/shot-lists/${list.id}`, OTHER), { id: list.id })));
    expect(notFound.status).toBe(404);

    const moved = await detailAction(args(await form(`/app/studio/shot-lists/${list.id}`, { intent: "status", status: "draft" }), { id: list.id }));
    expect(moved).toEqual({ ok: false, error: "Shot list #1: a shot list moves one step at a time: it is delivered, so mark it shooting first." });
    expect(await detailAction(args(await form(`/app/studio/shot-lists/${list.id}`, { intent: "explode" }), { id: list.id }))).toMatchObject({ ok: false });
  });

  it("downloads the CSV from the signed link (BOM, RFC 4180, formulas defused) and refuses expired, tampered and unsigned links", async () => {
    await seedStudioProducts(prisma, SHOP, [{ id: 20, title: 'Shirt, "Linen" <script>alert("x")</script>', tier: 2, colours: ["Crème"], sku: "=HYPERLINK(1)", launchDate: addDays(START, 30) }]);
    const created = ok(await createShotList(prisma, SHOP, { startDate: day(14), productIds: [gid(20)] }, "user:41"));
    const page = await detailLoader(args(await get(`/app/studio/shot-lists/${created.id}`), { id: created.id }));

    const csv = await csvLoader(args(new Request(`${TEST_APP_URL}${page.csvUrl}`), { id: created.id }));
    expect(csv.status).toBe(200);
    expect(csv.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("Content-Disposition")).toBe(`attachment; filename="shot-list-${created.number}.csv"`);
    expect(csv.headers.get("Cache-Control")).toBe("private, no-store");
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes).slice(1);
    expect(text.split("\r\n")).toEqual([
      "Studio day,Shoot on,Due date,Late,SKU,Product,Colourway,Views,Images,Styling notes,Reference image,Note",
      `1,${day(14)},${day(28)},,'=HYPERLINK(1)-CRÈME-S,"Shirt, ""Linen"" <script>alert(""x"")</script>",Crème,"On-model, front; On-model, back",2,Tuck the front hem,https://cdn.example/20.jpg,`,
      "",
    ]);

    const url = new URL(`${TEST_APP_URL}${page.csvUrl}`);
    const expired = await serveShotListLink("csv", created.id, url.searchParams, { now: Date.now() + 2 * 3600_000 });
    expect(expired.status).toBe(403);
    expect(await expired.text()).toBe("This link has expired: open the shot list in Shotlane again and use Download CSV or Printable view for a fresh link.");
    const tamperedSig = new URLSearchParams(url.searchParams);
    tamperedSig.set("sig", `${tamperedSig.get("sig")!.slice(0, -2)}AA`);
    expect((await serveShotListLink("csv", created.id, tamperedSig)).status).toBe(403);
    // The same signature for another list, another shop, or the print view of the same list.
    expect((await csvLoader(args(new Request(`${TEST_APP_URL}/studio/shot-lists/${page.list.id}x/csv${url.search}`), { id: `${created.id}x` }))).status).toBe(403);
    const otherShop = new URLSearchParams(url.searchParams);
    otherShop.set("shop", OTHER);
    expect((await serveShotListLink("csv", created.id, otherShop)).status).toBe(403);
    expect((await serveShotListLink("print", created.id, url.searchParams)).status).toBe(403);
    expect((await csvLoader(args(new Request(`${TEST_APP_URL}/studio/shot-lists/${created.id}/csv`), { id: created.id }))).status).toBe(403);
    // Validly signed for a shop that has no such list: 404, nothing of the list shown.
    const foreign = await serveShotListLink("csv", created.id, new URLSearchParams(signedLinkQuery(shotListLinkSubject("csv", created.id), OTHER)));
    expect(foreign.status).toBe(404);
    expect(await foreign.text()).not.toContain("Linen");
  });

  it("serves the printable page from its signed link: escaped titles, no script, a page per studio day", async () => {
    const list = await prisma.shotList.findFirstOrThrow({ where: { shopId: SHOP, lines: { some: { productId: gid(20) } } } });
    const page = await detailLoader(args(await get(`/app/studio/shot-lists/${list.id}`), { id: list.id }));
    const response = await printLoader(args(new Request(`${TEST_APP_URL}${page.printUrl}`), { id: list.id }));
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
    expect(response.headers.get("Referrer-Policy")).toBe("no-referrer");
    const html = await response.text();
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain("Shirt, &quot;Linen&quot; &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).toContain(`<h1>Shot list #${list.number}</h1>`);
    expect(html).toContain('<img src="https://cdn.example/20.jpg"');
    expect(html).toContain("@media print");
    const expired = await printLoader(args(new Request(`${TEST_APP_URL}/studio/shot-lists/${list.id}/print?${signedLinkQuery(shotListLinkSubject("print", list.id), SHOP, { now: Date.now() - 7200_000 })}`), { id: list.id }));
    expect(expired.status).toBe(403);
  });

  it("previews and creates from 5,000 products in a fixed number of queries, capped at 2,000 lines in whole days", async () => {
    await seedBulkCatalog(prisma, BULK, 5000, START);
    await prisma.studioSettings.create({ data: { shopId: BULK, imagesPerDay: 400, leadDays: 7, updatedBy: "user:1" } });
    const counted = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl() }), log: [{ emit: "event", level: "query" }] });
    let queries = 0;
    counted.$on("query", () => queries++);
    try {
      const t0 = performance.now();
      const result = ok(await previewShotList(counted, BULK, { startDate: START }));
      const previewMs = performance.now() - t0;
      const previewQueries = queries;
      // Tiers 1 and 2 (2 of 3 products) have studio work; 3 colourways each.
      expect(result.preview.products).toBe(3333);
      expect(result.preview.lines).toBe(3333 * 3);
      expect(result.preview.remainingLines).toBeGreaterThan(0);
      expect(previewQueries).toBeLessThanOrEqual(12);

      queries = 0;
      const t1 = performance.now();
      const created = ok(await createShotList(counted, BULK, { startDate: START }, "user:41"));
      const createMs = performance.now() - t1;
      const createQueries = queries;
      expect(created.lines).toBeLessThanOrEqual(MAX_SHOT_LIST_LINES);
      expect(created.lines + created.remainingLines).toBe(result.preview.lines);
      expect(created.message).toMatch(/more lines did not fit \(a list holds at most 2,000\): create another shot list for them\.$/);
      expect(createQueries).toBeLessThanOrEqual(20);
      const days = await prisma.shotListLine.groupBy({ by: ["studioDay"], where: { shotListId: created.id }, _sum: { images: true } });
      expect(days.length).toBe(created.days);
      expect(Math.max(...days.map((d) => d._sum.images ?? 0))).toBeLessThanOrEqual(400);

      // The next preview goes on from what is left.
      queries = 0;
      const next = ok(await previewShotList(counted, BULK, {})).preview;
      expect(next.lines).toBe(created.remainingLines);
      const figures = { products: 5000, previewLines: result.preview.lines, previewMs: Math.round(previewMs), previewQueries, createdLines: created.lines, createMs: Math.round(createMs), createQueries };
      mkdirSync("test-results", { recursive: true });
      writeFileSync("test-results/shot-lists-bulk.json", `${JSON.stringify(figures, null, 2)}\n`);
      console.log(`shot lists at 5,000 products: ${JSON.stringify(figures)}`);
    } finally {
      await counted.$disconnect();
    }
  });
});
