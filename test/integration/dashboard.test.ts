import type { Prisma } from "@prisma/client";
import { getJwt } from "@shopify/shopify-api/test-helpers";
import { beforeAll, describe, expect, it } from "vitest";
import { upsertMirrorProducts } from "../../app/catalog/mirror.server";
import { auditCsvResponse } from "../../app/dashboard/dashboard-export.server";
import { loadDashboardFigures, loadDashboardPage } from "../../app/dashboard/dashboard.server";
import { parseDashboardQuery } from "../../app/dashboard/dashboard-query";
import prisma from "../../app/db.server";
import { loader as auditLoader } from "../../app/routes/app.dashboard.audit[.]csv";
import { loader as figuresLoader } from "../../app/routes/app.dashboard.figures[.]csv";
import { mirrorProduct } from "../support/factories";
import { TEST_API_KEY, TEST_API_SECRET, TEST_APP_URL } from "../support/test-env";

const SHOP = "dashboard-test.myshopify.com";
const OTHER = "dashboard-other.myshopify.com";
const NOW = new Date("2026-11-30T12:00:00Z");
const NOVEMBER = { from: "2026-11-01", to: "2026-11-30", lane: null };
const gid = (n: number) => `gid://shopify/Product/${n}`;
const at = (iso: string) => new Date(`2026-${iso}Z`);
const args = (request: Request) => ({ request, params: {}, context: {} });
const bearer = async () => `Bearer ${(await getJwt(SHOP.replace(".myshopify.com", ""), TEST_API_KEY, TEST_API_SECRET)).token}`;

const collection = (n: number, title: string) => ({ id: `gid://shopify/Collection/${n}`, title, handle: title.toLowerCase() });
/** A title a spreadsheet would run as a formula, with a quote and a comma: the export must neutralise and quote it. */
const TRICKY_TITLE = '=HYPERLINK("x") "Linen", Dress';

interface AssetSpec {
  id: string;
  shopId?: string;
  request: string;
  product: number;
  source?: "ai" | "studio";
  kind?: "image" | "video";
  provider?: string;
  model?: string;
  createdAt: Date;
  finishedAt?: Date | null;
  reviewStatus?: string | null;
  reviewedAt?: Date | null;
  signedOffAt?: Date | null;
  rejectReason?: string | null;
  regenerations?: number;
  regeneratedFromId?: string | null;
  qcVerdict?: string | null;
  qcReport?: Prisma.InputJsonValue;
  qcDeltaE?: number | null;
  candidateIndex?: number;
}

async function seedOrder(shopId: string, product: number, requests: { id: string; asset: string; source: "ai" | "studio"; createdAt: Date }[]) {
  const order = await prisma.productionOrder.create({ data: { shopId, productId: gid(product), status: "completed", source: "manual", requestedBy: "user:1", createdAt: requests[0].createdAt } });
  for (const r of requests) await prisma.assetRequest.create({ data: { id: r.id, shopId, orderId: order.id, productId: gid(product), asset: r.asset, source: r.source, status: "succeeded", candidatesWanted: 1, createdAt: r.createdAt } });
  return order.id;
}

async function seedAsset(orderId: string, a: AssetSpec) {
  await prisma.asset.create({
    data: {
      id: a.id,
      shopId: a.shopId ?? SHOP,
      productId: gid(a.product),
      orderId,
      requestId: a.request,
      candidateIndex: a.candidateIndex ?? 0,
      source: a.source ?? "ai",
      kind: a.kind ?? "image",
      status: "stored",
      provider: a.provider ?? "fashn",
      model: a.model ?? "tryon-v1.6",
      operation: a.kind === "video" ? "image-to-video" : "try-on",
      createdAt: a.createdAt,
      finishedAt: a.finishedAt ?? null,
      qcStatus: "done",
      qcVerdict: a.qcVerdict ?? "pass",
      qcReport: a.qcReport ?? { version: 1, verdict: a.qcVerdict ?? "pass", checks: a.qcDeltaE == null ? [] : [{ check: "garment-colour", verdict: "pass", score: a.qcDeltaE, threshold: { flag: 3, reject: 6 }, reason: "" }], overlays: {}, ms: 1 },
      qcDeltaE: a.qcDeltaE ?? null,
      reviewStatus: a.reviewStatus ?? null,
      reviewedAt: a.reviewedAt ?? null,
      reviewedBy: a.reviewedAt ? "user:1" : null,
      signedOffAt: a.signedOffAt ?? null,
      signedOffBy: a.signedOffAt ? "user:2" : null,
      rejectReason: a.rejectReason ?? null,
      regenerations: a.regenerations ?? 0,
      regeneratedFromId: a.regeneratedFromId ?? null,
    },
  });
}

async function cost(assetId: string | null, product: number, provider: string, costMicros: number, outcome: string, when: Date, shopId = SHOP) {
  await prisma.costEntry.create({ data: { shopId, productId: gid(product), assetId, provider, model: "m", operation: "op", unit: "image", units: 1, costMicros, outcome, at: when } });
}

async function publish(assetId: string, product: number, readyAt: Date) {
  await prisma.publication.create({ data: { shopId: SHOP, productId: gid(product), assetId, status: "ready", kind: "image", fileName: `${assetId}.jpg`, alt: "alt", requestedBy: "user:1", readyAt, mediaId: `gid://shopify/MediaImage/${assetId}` } });
}

/** Reads a CSV body into rows of cells (RFC 4180: quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") row.push(cell), (cell = "");
    else if (ch === "\r" && text[i + 1] === "\n") row.push(cell), rows.push(row), (row = []), (cell = ""), i++;
    else cell += ch;
  }
  if (cell !== "" || row.length > 0) rows.push([...row, cell]);
  return rows;
}

beforeAll(async () => {
  for (const shop of [SHOP, OTHER]) {
    await prisma.shop.create({ data: { id: shop, name: shop, monthlyBudgetCents: 1000 } });
    await prisma.session.create({ data: { id: `offline_${shop}`, shop, state: "", isOnline: false, scope: "read_products", accessToken: `shpat_${shop}`, expires: null } });
  }
  const summer = collection(1, "Summer");
  const basics = collection(2, "Basics");
  await upsertMirrorProducts(prisma, SHOP, [
    mirrorProduct({ id: 1, title: TRICKY_TITLE, collections: [summer] }),
    mirrorProduct({ id: 2, title: "Wrap Dress", collections: [summer] }),
    mirrorProduct({ id: 3, title: "Crew Tee", collections: [basics] }),
    mirrorProduct({ id: 4, title: "Unrouted Scarf" }),
  ]);
  await upsertMirrorProducts(prisma, OTHER, [mirrorProduct({ id: 9, title: "Other Shop Dress" })]);
  await prisma.product.updateMany({ where: { id: { in: [gid(1), gid(2), gid(9)] } }, data: { tier: 3 } });
  await prisma.product.update({ where: { id: gid(3) }, data: { tier: 1 } });

  const nov2 = at("11-02T00:00:00");
  const o1 = await seedOrder(SHOP, 1, [
    { id: "req-1", asset: "on-model-front", source: "ai", createdAt: nov2 },
    { id: "req-2", asset: "packshot", source: "ai", createdAt: nov2 },
    { id: "req-3", asset: "video", source: "ai", createdAt: nov2 },
  ]);
  const o2 = await seedOrder(SHOP, 2, [{ id: "req-4", asset: "on-model-front", source: "ai", createdAt: nov2 }]);
  const o3 = await seedOrder(SHOP, 3, [{ id: "req-5", asset: "on-model-front", source: "studio", createdAt: nov2 }]);
  const o2old = await seedOrder(SHOP, 2, [{ id: "req-6", asset: "packshot", source: "ai", createdAt: at("10-15T00:00:00") }]);
  const o9 = await seedOrder(OTHER, 9, [{ id: "req-9", asset: "on-model-front", source: "ai", createdAt: nov2 }]);

  // Approved first time, 10 h after the request; live 24 h after it.
  await seedAsset(o1, { id: "dash-a1", request: "req-1", product: 1, createdAt: at("11-02T01:00:00"), finishedAt: at("11-02T02:00:00"), reviewStatus: "approved", reviewedAt: at("11-02T10:00:00"), qcDeltaE: 0.5 });
  // Rejected by QC (background), regenerated as a3, approved 20 h after the request.
  await seedAsset(o1, {
    id: "dash-a2",
    request: "req-2",
    product: 1,
    createdAt: at("11-02T01:00:00"),
    finishedAt: at("11-02T02:00:00"),
    reviewStatus: "auto-rejected",
    qcVerdict: "reject",
    qcDeltaE: 2.5,
    qcReport: { version: 1, verdict: "reject", checks: [{ check: "background", verdict: "reject", score: 7, threshold: { flag: 2, reject: 5 }, reason: "" }, { check: "garment-colour", verdict: "pass", score: 2.5, threshold: { flag: 3, reject: 6 }, reason: "" }], overlays: {}, ms: 1 },
  });
  await seedAsset(o1, { id: "dash-a3", request: "req-2", product: 1, candidateIndex: 1, createdAt: at("11-02T03:00:00"), finishedAt: at("11-02T04:00:00"), reviewStatus: "approved", reviewedAt: at("11-02T20:00:00"), regenerations: 1, regeneratedFromId: "dash-a2", qcDeltaE: 3.5 });
  // A video a reviewer rejected for colour drift.
  await seedAsset(o1, { id: "dash-a4", request: "req-3", product: 1, kind: "video", provider: "fal", model: "kling", createdAt: at("11-02T01:00:00"), finishedAt: at("11-02T05:00:00"), reviewStatus: "rejected", reviewedAt: at("11-03T00:00:00"), rejectReason: "colour-drift" });
  // Reviewed after 6 h, signed off after 12 h: approval counts from the sign-off.
  await seedAsset(o2, { id: "dash-a5", request: "req-4", product: 2, createdAt: at("11-02T01:00:00"), finishedAt: at("11-02T02:00:00"), reviewStatus: "approved", reviewedAt: at("11-02T06:00:00"), signedOffAt: at("11-02T12:00:00"), qcDeltaE: 7 });
  // A studio shot approved 48 h after the request, live after 72 h.
  await seedAsset(o3, { id: "dash-a6", request: "req-5", product: 3, source: "studio", provider: "studio", model: "upload", createdAt: at("11-03T00:00:00"), finishedAt: at("11-03T00:00:00"), reviewStatus: "approved", reviewedAt: at("11-04T00:00:00"), qcDeltaE: 1.5 });
  // October: outside the range, but it still gives product 2 a packshot.
  await seedAsset(o2old, { id: "dash-a7", request: "req-6", product: 2, createdAt: at("10-15T01:00:00"), finishedAt: at("10-15T02:00:00"), reviewStatus: "approved", reviewedAt: at("10-16T00:00:00"), qcDeltaE: 9 });
  // Another shop's approved asset and spend must never show.
  await seedAsset(o9, { id: "dash-a9", shopId: OTHER, request: "req-9", product: 9, createdAt: at("11-02T01:00:00"), finishedAt: at("11-02T02:00:00"), reviewStatus: "approved", reviewedAt: at("11-02T03:00:00"), qcDeltaE: 0.2 });

  await publish("dash-a1", 1, at("11-03T00:00:00"));
  await publish("dash-a6", 3, at("11-05T00:00:00"));

  const nov = at("11-02T02:00:00");
  for (const id of ["dash-a1", "dash-a2", "dash-a3"]) await cost(id, 1, "fashn", 75_000, "succeeded", nov);
  await cost("dash-a3", 1, "fashn", 5_000, "failed", nov);
  await cost("dash-a4", 1, "fal", 280_000, "succeeded", nov);
  await cost("dash-a5", 2, "fashn", 75_000, "succeeded", nov);
  await cost("dash-a7", 2, "fashn", 75_000, "succeeded", at("10-15T02:00:00"));
  await cost(null, 2, "fashn", 20_000, "reserved", at("11-30T11:00:00"));
  await cost("dash-a9", 9, "fashn", 999_000, "succeeded", nov, OTHER);

  await prisma.auditEvent.create({ data: { shopId: SHOP, actor: "user:1", action: "review.approved", subjectType: "asset", subjectId: "dash-a1", at: at("11-02T10:00:00") } });
});

describe("production dashboard figures from PostgreSQL", () => {
  it("counts coverage over every product by tier and collection, from approved assets of any date", async () => {
    const { coverage } = await loadDashboardFigures(prisma, SHOP, NOVEMBER, NOW);
    expect(coverage.all).toMatchObject({ products: 4, onModel: 3, packshot: 2, video: 0, shares: { onModel: 0.75, packshot: 0.5, video: 0 } });
    expect(coverage.byTier.map((r) => [r.group, r.products, r.onModel, r.packshot, r.video])).toEqual([
      ["Tier 1", 1, 1, 0, 0],
      ["Tier 3", 2, 2, 2, 0],
      ["Not routed", 1, 0, 0, 0],
    ]);
    expect(coverage.byCollection.map((r) => [r.group, r.products, r.onModel, r.packshot, r.video])).toEqual([
      ["Summer", 2, 2, 2, 0],
      ["Basics", 1, 1, 0, 0],
    ]);
  });

  it("keeps ProductCoverage with the Asset trigger: approvals count, withdrawn ones and deleted assets stop counting", async () => {
    const row = () => prisma.productCoverage.findUnique({ where: { productId: gid(1) } });
    expect(await row()).toMatchObject({ shopId: SHOP, aiOnModel: 1, aiPackshot: 1, aiVideo: 0, studioOnModel: 0 });
    // A second approved packshot counts twice (so withdrawing one leaves the other), a rejection never counts.
    const order = await prisma.productionOrder.findFirstOrThrow({ where: { productId: gid(1) } });
    await seedAsset(order.id, { id: "dash-t1", request: "req-2", product: 1, candidateIndex: 5, createdAt: at("09-01T00:00:00"), reviewStatus: "approved", reviewedAt: at("09-01T01:00:00") });
    expect(await row()).toMatchObject({ aiPackshot: 2 });
    await prisma.asset.update({ where: { id: "dash-t1" }, data: { reviewStatus: "superseded" } });
    expect(await row()).toMatchObject({ aiPackshot: 1 });
    await prisma.asset.update({ where: { id: "dash-t1" }, data: { reviewStatus: "approved", source: "studio" } });
    expect(await row()).toMatchObject({ aiPackshot: 1, studioPackshot: 1 });
    await prisma.asset.delete({ where: { id: "dash-t1" } });
    expect(await row()).toMatchObject({ aiOnModel: 1, aiPackshot: 1, studioPackshot: 0 });
  });

  it("counts throughput per day and the median turnaround per lane", async () => {
    const { throughput, turnaround } = await loadDashboardFigures(prisma, SHOP, NOVEMBER, NOW);
    expect(throughput.days).toHaveLength(30);
    expect(throughput.totals).toEqual({ requested: 5, generated: 6, approved: 4, published: 2 });
    const day = (d: string) => throughput.days.find((x) => x.day === d);
    expect(day("2026-11-02")).toEqual({ day: "2026-11-02", requested: 5, generated: 5, approved: 3, published: 0 });
    expect(day("2026-11-03")).toEqual({ day: "2026-11-03", requested: 0, generated: 1, approved: 0, published: 1 });
    expect(day("2026-11-04")).toMatchObject({ approved: 1 });
    expect(day("2026-11-05")).toMatchObject({ published: 1 });
    expect(turnaround).toEqual([
      { lane: "ai", toApprovedHours: 12, approved: 3, toLiveHours: 24, live: 1 },
      { lane: "studio", toApprovedHours: 48, approved: 1, toLiveHours: 72, live: 1 },
    ]);
  });

  it("computes the first-pass rate, reject reasons, ΔE buckets and regenerations per approved asset", async () => {
    const f = await loadDashboardFigures(prisma, SHOP, NOVEMBER, NOW);
    expect(f.quality).toMatchObject({ decided: 6, approved: 4, firstPassApproved: 3, firstPassRate: 0.5, target: 0.85, meetsTarget: false, regenerationsOfApproved: 1, regenerationsPerApproved: 0.25 });
    expect(f.rejectReasons.map((r) => [r.source, r.reason, r.count, r.share])).toEqual([
      ["reviewer", "colour-drift", 1, 0.5],
      ["qc", "background", 1, 0.5],
    ]);
    expect(f.deltaE.map((b) => [b.label, b.count])).toEqual([
      ["≤ 1", 1],
      ["1–2", 1],
      ["2–3", 1],
      ["3–4.5", 1],
      ["4.5–6", 0],
      ["> 6", 1],
    ]);
  });

  it("puts spend per approved asset by provider and lane, the waste on rejected output and the budget left", async () => {
    const { cost: c } = await loadDashboardFigures(prisma, SHOP, NOVEMBER, NOW);
    expect(c.rows.map((r) => [r.provider, r.lane, r.spendMicros, r.wastedMicros, r.failedMicros, r.approved, r.perApprovedMicros])).toEqual([
      ["fashn", "ai", 300_000, 75_000, 5_000, 3, 100_000],
      ["fal", "ai", 280_000, 280_000, 0, 0, null],
      ["studio", "studio", 0, 0, 0, 1, 0],
    ]);
    expect(c.total).toMatchObject({ spendMicros: 580_000, wastedMicros: 355_000, failedMicros: 5_000, approved: 4, perApprovedMicros: 145_000 });
    // November's ledger, reservations included, as the budget check counts it: 4 × 75,000 + 280,000 + 5,000 + 20,000.
    expect(c.budget).toEqual({ monthlyBudgetMicros: 10_000_000, spentThisMonthMicros: 605_000, leftMicros: 9_395_000 });
  });

  it("narrows every range figure to one lane and one day", async () => {
    const studio = await loadDashboardFigures(prisma, SHOP, { ...NOVEMBER, lane: "studio" }, NOW);
    expect(studio.throughput.totals).toEqual({ requested: 1, generated: 1, approved: 1, published: 1 });
    expect(studio.turnaround.map((t) => t.lane)).toEqual(["studio"]);
    expect(studio.coverage.all).toMatchObject({ onModel: 1, packshot: 0 });
    expect(studio.cost.rows.map((r) => r.provider)).toEqual(["studio"]);
    const oneDay = await loadDashboardFigures(prisma, SHOP, { from: "2026-11-03", to: "2026-11-03", lane: null }, NOW);
    expect(oneDay.throughput.days.map((d) => d.day)).toEqual(["2026-11-03"]);
    expect(oneDay.quality).toMatchObject({ decided: 1, approved: 1, firstPassRate: 1, meetsTarget: true });
  });

  it("reports a bad range on the page by field and shows the default range, and a new shop is empty", async () => {
    const page = await loadDashboardPage(prisma, SHOP, new URLSearchParams({ from: "2026-13-01", lane: "drone" }), NOW);
    expect(Object.keys(page.queryErrors).sort()).toEqual(["from", "lane"]);
    expect(page.queryErrors.from).toContain("from");
    expect(page.figures.query).toEqual({ from: "2026-11-01", to: "2026-11-30", lane: null });
    expect(page.empty).toBe(false);
    await prisma.shop.create({ data: { id: "dashboard-new.myshopify.com" } });
    const fresh = await loadDashboardPage(prisma, "dashboard-new.myshopify.com", new URLSearchParams(), NOW);
    expect(fresh.empty).toBe(true);
    expect(fresh.figures.quality.firstPassRate).toBeNull();
    expect(fresh.figures.coverage.all.shares.onModel).toBeNull();
  });
});

describe("dashboard CSV exports", () => {
  it("streams the audit trail of the range, one row per asset, quoted and with formulas neutralised", async () => {
    const response = await auditLoader(args(new Request(`${TEST_APP_URL}/app/dashboard/audit.csv?from=2026-11-01&to=2026-11-30`, { headers: { Authorization: await bearer() } })));
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toBe('attachment; filename="shotlane-audit-2026-11-01-to-2026-11-30.csv"');
    const text = await response.text();
    expect(text).toContain(`"'=HYPERLINK(""x"") ""Linen"", Dress"`);
    const [header, ...rows] = parseCsv(text);
    const col = (name: string) => header.indexOf(name);
    expect(rows.map((r) => r[0])).toEqual(["dash-a1", "dash-a2", "dash-a4", "dash-a5", "dash-a3", "dash-a6"]);
    const a1 = rows[0];
    expect(a1[col("Product title")]).toBe(`'${TRICKY_TITLE}`);
    expect(a1[col("Planned asset")]).toBe("on-model-front");
    expect(a1[col("Cost USD")]).toBe("0.075");
    expect(a1[col("QC scores")]).toBe("garment-colour=0.5 pass");
    expect(a1[col("Reviewer")]).toBe("user:1");
    expect(a1[col("Publication status")]).toBe("ready");
    expect(a1[col("Published at")]).toBe("2026-11-03T00:00:00.000Z");
    expect(a1[col("Audit events")]).toBe("2026-11-02T10:00:00.000Z review.approved by user:1");
    const a4 = rows[2];
    expect([a4[col("Reject reason")], a4[col("Kind")], a4[col("Provider")], a4[col("Cost USD")]]).toEqual(["colour-drift", "video", "fal", "0.28"]);
    expect(rows[4][col("Regenerated from")]).toBe("dash-a2");
    expect(rows[4][col("Cost USD")]).toBe("0.08");
  });

  it("pages through the audit trail with a cursor and filters it by date and lane", async () => {
    const paged = await auditCsvResponse(prisma, SHOP, new URLSearchParams({ from: "2026-10-01", to: "2026-11-30" }), { now: NOW, batch: 2 }).text();
    expect(parseCsv(paged).slice(1).map((r) => r[0])).toEqual(["dash-a7", "dash-a1", "dash-a2", "dash-a4", "dash-a5", "dash-a3", "dash-a6"]);
    const oneDay = await auditCsvResponse(prisma, SHOP, new URLSearchParams({ from: "2026-11-03", to: "2026-11-03" }), { now: NOW, batch: 2 }).text();
    expect(parseCsv(oneDay).slice(1).map((r) => r[0])).toEqual(["dash-a6"]);
    const ai = await auditCsvResponse(prisma, SHOP, new URLSearchParams({ from: "2026-11-01", to: "2026-11-30", lane: "ai" }), { now: NOW }).text();
    expect(parseCsv(ai).slice(1).map((r) => r[0])).not.toContain("dash-a6");
    const none = await auditCsvResponse(prisma, SHOP, new URLSearchParams({ from: "2026-12-01", to: "2026-12-02" }), { now: NOW }).text();
    expect(parseCsv(none)).toHaveLength(1);
  });

  it("exports the figures of the range as CSV", async () => {
    const response = await figuresLoader(args(new Request(`${TEST_APP_URL}/app/dashboard/figures.csv?from=2026-11-01&to=2026-11-30&lane=ai`, { headers: { Authorization: await bearer() } })));
    expect(response.status).toBe(200);
    const rows = parseCsv(await response.text());
    expect(rows[0]).toEqual(["Section", "Group", "Metric", "Value", "Unit"]);
    const find = (section: string, group: string, metric: string) => rows.find((r) => r[0] === section && r[1] === group && r[2] === metric)?.[3];
    expect(find("Range", "", "Dates")).toBe("2026-11-01 to 2026-11-30 (ai lane)");
    expect(find("Quality", "", "First-pass approval rate")).toBe("0.4");
    expect(find("Cost", "fashn / ai", "Spend per approved asset")).toBe("0.1");
    expect(find("Throughput", "2026-11-02", "Approved")).toBe("3");
    expect(find("Turnaround", "ai", "Median request to approved")).toBe("12");
  });

  it.each([
    ["from", "from=2026-11-31&to=2026-12-01", /from is not a calendar date/],
    ["to", "from=2026-11-10&to=2026-11-01", /to \(2026-11-01\) is before from/],
    ["to", "from=2025-01-01&to=2026-11-01", /at most 366 days/],
    ["lane", "lane=robots", /lane must be ai or studio/],
  ])("answers 400 naming %s for a bad range (%s)", async (field, search, message) => {
    for (const loader of [auditLoader, figuresLoader]) {
      const response = await loader(args(new Request(`${TEST_APP_URL}/app/dashboard/x.csv?${search}`, { headers: { Authorization: await bearer() } })));
      expect(response.status).toBe(400);
      const body = await response.text();
      expect(body).toContain(`${field}: `);
      expect(body).toMatch(message);
    }
  });

  it("sends a request without a session token to the login page, with no data", async () => {
    let thrown: unknown;
    try {
      await auditLoader(args(new Request(`${TEST_APP_URL}/app/dashboard/audit.csv`)));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(302);
  });

  it("parses the range parameters with clear field errors", () => {
    expect(parseDashboardQuery(new URLSearchParams(), NOW)).toEqual({ ok: true, query: NOVEMBER });
  });
});
