import type { PrismaClient } from "@prisma/client";
import { getJwt } from "@shopify/shopify-api/test-helpers";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { REVIEW_PAGE_SIZE } from "../../app/review/review-filters";
import { loadReviewCompare } from "../../app/review/review-compare.server";
import { loadReviewGrid } from "../../app/review/review-grid.server";
import { loader as compareLoader } from "../../app/routes/app.review.$assetId";
import { action as reviewAction, loader as reviewApiLoader } from "../../app/routes/api.review";
import { loader as masterLoader } from "../../app/routes/api.review.master.$assetId";
import { action as retouchAction } from "../../app/routes/api.review.retouch";
import { loader as gridLoader } from "../../app/routes/app.review";
import { loader as filesLoader } from "../../app/routes/files.$";
import { assetStore } from "../../app/storage/asset-store.server";
import { closeQueues } from "../../jobs/queues";
import { refusedResponse } from "../support/route-refusal";
import { seedReviewQueue, type ReviewQueue } from "../support/review-fixtures";
import { TEST_API_KEY, TEST_API_SECRET, TEST_APP_URL } from "../support/test-env";

const SHOP = "review-grid.myshopify.com";
const OTHER = "review-grid-other.myshopify.com";
const COUNT = 120;

async function bearer(shop = SHOP) {
  return `Bearer ${(await getJwt(shop.replace(".myshopify.com", ""), TEST_API_KEY, TEST_API_SECRET, { sub: "41" })).token}`;
}
const grid = (search = "") => loadReviewGrid(SHOP, new URLSearchParams(search));

/** Counts Prisma model calls (findMany, count, groupBy …) made through the client. */
function countingClient(db: PrismaClient): { db: PrismaClient; calls: () => number } {
  let calls = 0;
  const proxy = new Proxy(db, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof prop !== "string" || prop.startsWith("$") || typeof value !== "object" || value === null) return value;
      return new Proxy(value as object, {
        get(model, method, r) {
          const fn = Reflect.get(model, method, r);
          if (typeof fn !== "function") return fn;
          return (...args: unknown[]) => {
            calls += 1;
            return (fn as (...a: unknown[]) => unknown).apply(model, args);
          };
        },
      });
    },
  });
  return { db: proxy, calls: () => calls };
}

async function post(fields: [string, string][], shop = SHOP) {
  const body = new URLSearchParams(fields);
  const response = (await reviewAction({ request: new Request(`${TEST_APP_URL}/api/review`, { method: "POST", body, headers: { Authorization: await bearer(shop), "Content-Type": "application/x-www-form-urlencoded" } }), params: {}, context: {} })) as Response;
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("review grid loader and routes (PostgreSQL, real asset store)", () => {
  let queue: ReviewQueue;
  let other: ReviewQueue;

  beforeAll(async () => {
    for (const shop of [SHOP, OTHER]) {
      await prisma.shop.create({ data: { id: shop, name: shop } });
      await prisma.session.create({ data: { id: `offline_${shop}`, shop, state: "", isOnline: false, scope: "read_products", accessToken: `shpat_${shop}`, expires: null } });
    }
    queue = await seedReviewQueue(prisma, assetStore(), SHOP, {
      count: COUNT,
      products: 12,
      distinctThumbnails: 4,
      withMasters: 2,
      start: new Date("2026-03-01T08:00:00Z"),
    });
    other = await seedReviewQueue(prisma, assetStore(), OTHER, { count: 5, products: [{ id: 990_001, title: "Other shop's coat", productType: "Outerwear", featuredImageUrl: null }], distinctThumbnails: 1 });
  });

  afterAll(async () => {
    await closeQueues();
  });

  it("pages the open queue oldest first, 48 at a time, with per-verdict counts and what Approve all passed would take", async () => {
    const first = await grid();
    expect(first.total).toBe(COUNT);
    expect(first.pageCount).toBe(3);
    expect(first.page).toBe(1);
    expect(first.cards).toHaveLength(REVIEW_PAGE_SIZE);
    expect(first.cards.map((c) => c.id)).toEqual(queue.assetIds.slice(0, REVIEW_PAGE_SIZE));
    // The fixtures' mix: 6 in 10 pass, 3 flag, 1 reject.
    expect(first.verdictCounts).toEqual({ pass: 72, flag: 36, reject: 12, unchecked: 0 });
    expect(first.passedAwaiting).toBe(72);
    expect(first.facets.categories.map((c) => c.key)).toContain("dresses");
    expect(first.facets.collections).toEqual([{ id: queue.collectionId, title: "Review fixtures" }]);

    const third = await grid("page=3");
    expect(third.cards.map((c) => c.id)).toEqual(queue.assetIds.slice(96));
    // Past the end (the queue drained since the link was made): the last page.
    const past = await grid("page=40");
    expect(past.page).toBe(3);
    expect(past.cards).toHaveLength(COUNT - 96);
  });

  it("says on each card what a reviewer needs: product, tier, maker, recipe version, verdict and failing reasons, a small signed thumbnail", async () => {
    const { cards } = await grid();
    const [demoPass, fashnFlag, studioFlag] = [cards[0], cards[6], cards[8]];
    expect(demoPass).toMatchObject({ productTitle: "Cotton Tee 1", tier: 1, viewLabel: "Front", candidateIndex: 0, verdict: "pass", findings: [], source: "ai", sourceLabel: "Demo provider (local composition, not AI)", demo: true, recipeLabel: "tops v1", reviewStatus: "awaiting-review", flagged: false });
    expect(fashnFlag).toMatchObject({ verdict: "flag", sourceLabel: "AI · FASHN", demo: false });
    expect(fashnFlag.findings).toEqual([{ check: "garment-colour", label: "Garment colour", verdict: "flag", reason: "Dominant garment colour is ΔE00 4.4 from the flat-lay: check the red" }]);
    expect(studioFlag).toMatchObject({ sourceLabel: "Studio", recipeLabel: null });
    expect(cards[9]).toMatchObject({ verdict: "reject" });
    expect(cards[9].findings.map((f) => f.check)).toEqual(["background", "garment-colour"]);

    // The QC thumbnail, sized for its box from the master's 4:5 aspect, fetchable through the signed URL and under 30 KB.
    const url = new URL(cards[10].thumb!.url);
    expect(url.origin + url.pathname).toMatch(new RegExp(`^${TEST_APP_URL}/files/sha256/[0-9a-f]{2}/[0-9a-f]{64}\\.webp$`));
    expect([cards[10].thumb!.width, cards[10].thumb!.height]).toEqual([320, 400]);
    const served = await filesLoader({ request: new Request(url), params: { "*": url.pathname.slice("/files/".length) }, context: {} });
    expect(served.status).toBe(200);
    const bytes = Buffer.from(await served.arrayBuffer());
    expect(bytes.length).toBeLessThanOrEqual(30 * 1024);
    expect((await sharp(bytes).metadata()).format).toBe("webp");
  });

  it("falls back to the smallest rendition when there is no QC thumbnail, and shows nothing rather than the master", async () => {
    const [withRendition, bare] = [queue.assetIds[0], queue.assetIds[2]];
    await prisma.asset.updateMany({ where: { id: { in: [withRendition, bare] } }, data: { thumbKey: null } });
    try {
      const { cards } = await grid();
      const card = cards.find((c) => c.id === withRendition)!;
      expect(card.thumb!.url).toMatch(/\.jpg\?expires=/);
      expect([card.thumb!.width, card.thumb!.height]).toEqual([900, 1200]);
      expect(cards.find((c) => c.id === bare)!.thumb).toBeNull();
    } finally {
      const keys = await prisma.asset.findMany({ where: { id: { in: queue.assetIds.slice(4, 5) } }, select: { thumbKey: true } });
      await prisma.asset.updateMany({ where: { id: { in: [withRendition, bare] } }, data: { thumbKey: keys[0].thumbKey } });
    }
  });

  it("filters by verdict (counts stay those of the other filters), tier, source, category, collection, product and reviewer state", async () => {
    const flagged = await grid("verdict=flag");
    expect(flagged.total).toBe(36);
    expect(new Set(flagged.cards.map((c) => c.verdict))).toEqual(new Set(["flag"]));
    expect(flagged.verdictCounts).toEqual({ pass: 72, flag: 36, reject: 12, unchecked: 0 });
    expect(flagged.passedAwaiting).toBe(0);

    const tier2 = await grid("tier=2");
    expect(tier2.total).toBe(40);
    expect(new Set(tier2.cards.map((c) => c.tier))).toEqual(new Set([2]));

    expect((await grid("source=studio")).total).toBe(24);
    expect((await grid("source=demo")).total).toBe(60);
    expect((await grid("source=fashn&verdict=pass")).total).toBe(12);
    const dresses = await grid("category=dresses");
    // AI candidates by their recipe's category (32), studio files (no recipe) by their product's type (8 more).
    expect(dresses.total).toBe(40);
    expect(new Set(dresses.cards.map((c) => c.recipeLabel))).toEqual(new Set(["dresses v1", null]));
    expect(new Set(dresses.cards.map((c) => c.productTitle.replace(/ \d+$/, "")))).toEqual(new Set(["Linen Dress"]));
    expect((await grid(`collection=${encodeURIComponent(queue.collectionId)}`)).total).toBe(60);
    expect((await grid(`product=${encodeURIComponent(queue.productIds[3])}`)).total).toBe(10);
    expect((await grid("state=approved")).total).toBe(0);
  });

  it("reports address filters it ignored by name and shows the defaults instead", async () => {
    const data = await grid("verdict=great&tier=7&page=2");
    expect(data.filterErrors).toEqual({ verdict: "verdict must be pass, flag or reject", tier: "tier must be 1, 2 or 3" });
    expect(data.filters).toMatchObject({ page: 2, state: "open" });
    expect([data.filters.verdict, data.filters.tier]).toEqual([undefined, undefined]);
    expect(data.total).toBe(COUNT);
  });

  it("never shows another shop's assets, and costs the same number of queries for a page of 48 as for a page of 1", async () => {
    const mine = await grid("page=1");
    expect(mine.cards.some((c) => other.assetIds.includes(c.id))).toBe(false);
    expect((await loadReviewGrid(OTHER, new URLSearchParams())).total).toBe(5);

    const full = countingClient(prisma);
    await loadReviewGrid(SHOP, new URLSearchParams(), { db: full.db });
    const single = countingClient(prisma);
    await loadReviewGrid(SHOP, new URLSearchParams(`product=${encodeURIComponent(queue.productIds[0])}&verdict=reject`), { db: single.db });
    expect(full.calls()).toBe(single.calls());
    expect(full.calls()).toBeLessThanOrEqual(8);
  });

  it("loads the compare view: largest rendition, overlays, checks failing first, history, neighbours; another shop's asset is not found", async () => {
    const id = queue.assetIds[1];
    await prisma.auditEvent.create({ data: { shopId: SHOP, actor: "user:41", action: "review.flagged", subjectType: "asset", subjectId: id, data: { from: "awaiting-review", to: "awaiting-review", note: "check the hem" } } });
    const data = (await loadReviewCompare(SHOP, id, new URLSearchParams()))!;
    expect(data.asset).toMatchObject({ id, productTitle: "Linen Dress 2", viewLabel: "Back", verdict: "pass", statusLabel: "Awaiting review", sourceLabel: "Demo provider (local composition, not AI)", recipeLabel: "dresses v1", tier: 2 });
    expect(data.output).toMatchObject({ width: 900, height: 1200, label: "pdp rendition, 900×1200" });
    expect(data.overlays).toHaveLength(1);
    expect(data.overlays[0]).toMatchObject({ name: "garment-delta-e", label: "Garment colour ΔE heat map" });
    expect(data.checks.map((c) => c.check)).toEqual(["resolution", "sharpness", "exposure", "background", "garment-colour"]);
    expect(data.history).toEqual([expect.objectContaining({ actor: "user:41", action: "review.flagged" })]);
    expect(data.history[0].detail.split(" · ").sort()).toEqual(["from: awaiting-review", "note: check the hem", "to: awaiting-review"]);
    expect(data.queue).toEqual({ previousId: queue.assetIds[0], nextId: queue.assetIds[2], position: 2, total: COUNT });
    expect(data.allowed).toMatchObject({ approve: true, reject: true, flag: true, regenerate: true, retouch: true, "sign-off": false });
    expect(data.canUploadRetouch).toBe(true);
    // Within a filter the neighbours are that filter's.
    const flagged = (await loadReviewCompare(SHOP, queue.assetIds[7], new URLSearchParams("verdict=flag")))!;
    expect(flagged.queue).toEqual({ previousId: queue.assetIds[6], nextId: queue.assetIds[8], position: 2, total: 36 });
    expect(flagged.checks[0]).toMatchObject({ check: "garment-colour", verdict: "flag", score: "4.4 ΔE00", threshold: "flags above 3, rejects above 6" });

    expect(await loadReviewCompare(SHOP, other.assetIds[0], new URLSearchParams())).toBeNull();
    const refused = await refusedResponse(() => compareLoader({ request: new Request(`${TEST_APP_URL}/app/review/${other.assetIds[0]}`, { headers: { Authorization: "" } }), params: { assetId: other.assetIds[0] }, context: {} }));
    expect([302, 401, 410]).toContain(refused.status);
    const notFound = await refusedResponse(async () => compareLoader({ request: new Request(`${TEST_APP_URL}/app/review/${other.assetIds[0]}`, { headers: { Authorization: await bearer() } }), params: { assetId: other.assetIds[0] }, context: {} }));
    expect(notFound.status).toBe(404);
  });

  it("serves the grid through its route, authenticated", async () => {
    const data = await gridLoader({ request: new Request(`${TEST_APP_URL}/app/review?verdict=reject`, { headers: { Authorization: await bearer() } }), params: {}, context: {} });
    expect(data).toMatchObject({ total: 12, demo: false });
    const refused = await refusedResponse(() => gridLoader({ request: new Request(`${TEST_APP_URL}/app/review`), params: {}, context: {} }));
    expect(refused.status).toBeGreaterThanOrEqual(300);
  });

  it("decides through /api/review: repeated assetIds, field errors by name with a 400, GET refused", async () => {
    const [a, b] = [queue.assetIds[20], queue.assetIds[21]];
    const approved = await post([["intent", "approve"], ["assetIds", a], ["assetIds", b]]);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ ok: true, changed: 2 });
    expect((await prisma.asset.findMany({ where: { id: { in: [a, b] } }, select: { reviewStatus: true, reviewedBy: true } })).map((x) => x.reviewStatus)).toEqual(["approved", "approved"]);
    expect((await grid()).total).toBe(COUNT - 2);

    const noReason = await post([["intent", "reject"], ["assetIds", queue.assetIds[22]]]);
    expect(noReason.status).toBe(400);
    expect(noReason.body).toEqual({ ok: false, errors: { reason: expect.stringContaining("choose a reason") } });
    const otherNote = await post([["intent", "reject"], ["assetIds", queue.assetIds[22]], ["reason", "other"]]);
    expect(otherNote.body).toEqual({ ok: false, errors: { note: "say what is wrong when the reason is Other" } });
    const rejected = await post([["intent", "reject"], ["assetIds", queue.assetIds[22]], ["reason", "anatomy"], ["note", "left hand"]]);
    expect(rejected.body).toMatchObject({ ok: true, changed: 1 });
    expect(await prisma.asset.findUnique({ where: { id: queue.assetIds[22] }, select: { reviewStatus: true, rejectReason: true, reviewNote: true } })).toEqual({ reviewStatus: "rejected", rejectReason: "anatomy", reviewNote: "left hand" });

    const flagged = await post([["intent", "flag"], ["assetIds", queue.assetIds[23]], ["flagged", "true"]]);
    expect(flagged.body).toMatchObject({ ok: true, changed: 1 });
    expect((await grid("state=flagged")).cards.map((c) => c.id)).toEqual([queue.assetIds[23]]);

    // Another shop's asset is skipped, not decided.
    const foreign = await post([["intent", "approve"], ["assetIds", other.assetIds[0]]]);
    expect(foreign.body).toMatchObject({ ok: true, changed: 0, skipped: [{ assetId: other.assetIds[0] }] });
    expect((await prisma.asset.findUnique({ where: { id: other.assetIds[0] } }))!.reviewStatus).toBe("awaiting-review");

    expect((await post([["intent", "approve"]])).body).toEqual({ ok: false, errors: { assetIds: "select at least one asset" } });
    const get = (await reviewApiLoader({ request: new Request(`${TEST_APP_URL}/api/review`, { headers: { Authorization: await bearer() } }), params: {}, context: {} })) as Response;
    expect(get.status).toBe(405);
  });

  it("approves all passed within the form's filters only", async () => {
    const before = await grid("tier=3");
    const passedTier3 = before.passedAwaiting;
    expect(passedTier3).toBeGreaterThan(0);
    const result = await post([["intent", "approve-all-passed"], ["tier", "3"]]);
    expect(result.body).toMatchObject({ ok: true, changed: passedTier3 });
    const after = await grid("tier=3");
    expect(after.verdictCounts.pass).toBe(0);
    expect(after.passedAwaiting).toBe(0);
    // Other tiers' passes are still there.
    expect((await grid("tier=1")).passedAwaiting).toBeGreaterThan(0);
    expect((await post([["intent", "approve-all-passed"], ["tier", "9"]])).body).toEqual({ ok: false, errors: { tier: "tier must be 1, 2 or 3" } });
  });

  it("downloads the master as an attachment and takes a corrected upload through /api/review/retouch", async () => {
    const id = queue.assetIds[0];
    const master = (await masterLoader({ request: new Request(`${TEST_APP_URL}/api/review/master/${id}`, { headers: { Authorization: await bearer() } }), params: { assetId: id }, context: {} })) as Response;
    expect(master.status).toBe(200);
    expect(master.headers.get("content-disposition")).toMatch(/^attachment; filename=".+_master\.png"$/);
    expect((await sharp(Buffer.from(await master.arrayBuffer())).metadata()).width).toBe(900);
    const foreign = (await masterLoader({ request: new Request(`${TEST_APP_URL}/api/review/master/${other.assetIds[0]}`, { headers: { Authorization: await bearer() } }), params: { assetId: other.assetIds[0] }, context: {} })) as Response;
    expect(foreign.status).toBe(404);

    const upload = async (fields: [string, string | Blob, string?][]) => {
      const form = new FormData();
      for (const [name, value, filename] of fields) if (typeof value === "string") form.set(name, value);
      else form.set(name, value, filename);
      const response = (await retouchAction({ request: new Request(`${TEST_APP_URL}/api/review/retouch`, { method: "POST", body: form, headers: { Authorization: await bearer() } }), params: {}, context: {} })) as Response;
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    expect(await upload([["assetId", id]])).toEqual({ status: 400, body: { ok: false, errors: { file: expect.stringContaining("choose the corrected image file") } } });
    expect(await upload([["assetId", "../etc"], ["file", new Blob(["x"]), "x.png"]])).toEqual({ status: 400, body: { ok: false, errors: { assetId: "is missing or not an asset id: reload the compare view" } } });
    const notImage = await upload([["assetId", id], ["file", new Blob(["<html>not an image</html>"], { type: "image/png" }), "fake.png"]]);
    expect(notImage.status).toBe(400);
    expect(Object.keys(notImage.body.errors as object)).toEqual(["file"]);

    const corrected = await sharp({ create: { width: 900, height: 1200, channels: 3, background: "#a33" } }).jpeg().toBuffer();
    const done = await upload([["assetId", id], ["file", new Blob([new Uint8Array(corrected)], { type: "image/jpeg" }), "corrected.jpg"]]);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ ok: true, changed: 1 });
    const replacement = await prisma.asset.findFirst({ where: { retouchOfId: id } });
    expect(replacement).toMatchObject({ operation: "retouch", postStatus: "queued", width: 900, height: 1200 });
    expect((await prisma.asset.findUnique({ where: { id } }))!.reviewStatus).toBe("superseded");
    const history = (await loadReviewCompare(SHOP, id, new URLSearchParams("state=superseded")))!;
    expect(history.history.map((h) => h.action)).toEqual(expect.arrayContaining(["review.retouch-uploaded", "review.master-downloaded"]));
    expect(history.asset.statusLabel).toBe("Replaced by a retouched file");
    expect(history.canUploadRetouch).toBe(false);
  });
});
