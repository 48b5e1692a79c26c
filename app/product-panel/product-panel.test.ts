import { describe, expect, it } from "vitest";
import {
  assetPhase,
  countPhases,
  panelAction,
  panelLinks,
  parseProduceRequest,
  pickPanelThumbnails,
  planWithGaps,
  produceMessage,
  productGidOf,
  productNumberOf,
  tierReasonOf,
  type ThumbnailCandidate,
} from "./product-panel";

const stored = { status: "stored", postStatus: "done", qcStatus: "done" };

describe("productGidOf", () => {
  it("takes a product GID or its number", () => {
    expect(productGidOf("gid://shopify/Product/123")).toEqual({ ok: true, value: "gid://shopify/Product/123" });
    expect(productGidOf(" 123 ")).toEqual({ ok: true, value: "gid://shopify/Product/123" });
    expect(productNumberOf("gid://shopify/Product/123")).toBe("123");
  });

  it.each([undefined, "", "abc", "0", "gid://shopify/ProductVariant/1", "gid://shopify/Product/", "gid://shopify/Product/12x", "-5"])("refuses %j, naming productId", (raw) => {
    const parsed = productGidOf(raw);
    expect(parsed).toMatchObject({ ok: false, field: "productId" });
    if (!parsed.ok) expect(parsed.error).toMatch(/gid:\/\/shopify\/Product\/123/);
  });
});

describe("parseProduceRequest", () => {
  it("takes views and an optional recipe", () => {
    expect(parseProduceRequest({ views: ["packshot", "video"] })).toEqual({ ok: true, value: { views: ["packshot", "video"] } });
    expect(parseProduceRequest({ views: ["packshot"], recipe: " dresses " })).toEqual({ ok: true, value: { views: ["packshot"], recipe: "dresses" } });
  });

  it.each([
    [undefined, "body", /JSON object/],
    [[], "body", /JSON object/],
    ["packshot", "body", /JSON object/],
    [{}, "views", /list of the plan's asset kinds/],
    [{ views: [] }, "views", /at least one view/],
    [{ views: ["back-flip"] }, "views", /must be one of on-model-front/],
    [{ views: ["packshot", "packshot"] }, "views", /each view once/],
    [{ views: ["packshot"], recipe: 7 }, "recipe", /garment category key/],
    [{ views: ["packshot"], recipe: "  " }, "recipe", /garment category key/],
  ])("refuses %j naming the field %s", (body, field, message) => {
    const parsed = parseProduceRequest(body);
    expect(parsed).toMatchObject({ ok: false, field });
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });
});

describe("tierReasonOf", () => {
  it("says what put the product in its tier", () => {
    expect(tierReasonOf({ tier: 1, tierSource: "rule", ruleName: "Premium dresses" })).toEqual({ source: "rule", reason: "Rule “Premium dresses”" });
    expect(tierReasonOf({ tier: 2, tierSource: "pin", ruleName: null })).toEqual({ source: "pin", reason: "Pinned by hand" });
    expect(tierReasonOf({ tier: 3, tierSource: "default", ruleName: null }).source).toBe("default");
    expect(tierReasonOf({ tier: 2, tierSource: "rule", ruleName: null }).reason).toMatch(/deleted/);
    expect(tierReasonOf({ tier: null, tierSource: null, ruleName: null })).toMatchObject({ source: "not-routed", reason: expect.stringMatching(/save the tier rules or pin/) });
  });
});

describe("assetPhase and countPhases", () => {
  it("places each asset in its step", () => {
    expect(assetPhase({ status: "queued", postStatus: "queued", qcStatus: "queued", reviewStatus: null })).toBe("queued");
    expect(assetPhase({ status: "paused", postStatus: "queued", qcStatus: "queued", reviewStatus: null })).toBe("queued");
    expect(assetPhase({ status: "submitted", postStatus: "queued", qcStatus: "queued", reviewStatus: null })).toBe("generating");
    expect(assetPhase({ status: "stored", postStatus: "processing", qcStatus: "queued", reviewStatus: null })).toBe("post-production");
    expect(assetPhase({ status: "stored", postStatus: "done", qcStatus: "running", reviewStatus: null })).toBe("qc");
    expect(assetPhase({ ...stored, reviewStatus: "awaiting-signoff" })).toBe("awaiting-review");
    expect(assetPhase({ ...stored, reviewStatus: "approved" })).toBe("approved");
    expect(assetPhase({ ...stored, reviewStatus: "rejected" })).toBe("finished");
    expect(assetPhase({ status: "failed", postStatus: null, qcStatus: null, reviewStatus: null })).toBe("finished");
  });

  it("counts in flight, awaiting review and approved", () => {
    const counts = countPhases([
      { status: "queued", postStatus: "queued", qcStatus: "queued", reviewStatus: null },
      { status: "downloading", postStatus: "queued", qcStatus: "queued", reviewStatus: null },
      { status: "stored", postStatus: "done", qcStatus: "queued", reviewStatus: null },
      { ...stored, reviewStatus: "awaiting-review" },
      { ...stored, reviewStatus: "awaiting-review" },
      { ...stored, reviewStatus: "approved" },
      { ...stored, reviewStatus: "superseded" },
    ]);
    expect(counts).toEqual({ byPhase: { queued: 1, generating: 1, "post-production": 0, qc: 1 }, inFlight: 3, awaitingReview: 2, approved: 1 });
  });
});

describe("planWithGaps and panelAction", () => {
  const plan = [
    { asset: "on-model-front" as const, source: "ai" as const },
    { asset: "packshot" as const, source: "ai" as const },
    { asset: "video" as const, source: "studio" as const },
  ];

  it("marks the plan's kinds with no approved asset as missing, in plan order", () => {
    const gaps = planWithGaps(plan, ["packshot", "detail"]);
    expect(gaps.missing).toEqual(["on-model-front", "video"]);
    expect(gaps.items).toEqual([
      { asset: "on-model-front", label: "On-model, front", source: "ai", missing: true },
      { asset: "packshot", label: "Packshot", source: "ai", missing: false },
      { asset: "video", label: "Video", source: "studio", missing: true },
    ]);
  });

  it("offers Send with the missing views, and Regenerate once there is output to look at", () => {
    const gaps = planWithGaps(plan, ["packshot"]);
    expect(panelAction({ awaitingReview: 0, approved: 0, plan: gaps.items })).toEqual({ mode: "send", label: "Send to production", defaultViews: ["on-model-front", "video"] });
    expect(panelAction({ awaitingReview: 2, approved: 0, plan: gaps.items }).mode).toBe("regenerate");
    // Nothing missing: every planned view is offered again.
    expect(panelAction({ awaitingReview: 0, approved: 3, plan: planWithGaps(plan, ["on-model-front", "packshot", "video"]).items })).toEqual({ mode: "regenerate", label: "Regenerate", defaultViews: ["on-model-front", "packshot", "video"] });
  });

  it("links the review grid filtered to the product", () => {
    const links = panelLinks("gid://shopify/Product/42");
    expect(links.review).toBe("/app/review?product=gid%3A%2F%2Fshopify%2FProduct%2F42");
    expect(new URLSearchParams(links.review.split("?")[1]).get("product")).toBe("gid://shopify/Product/42");
  });
});

describe("pickPanelThumbnails", () => {
  const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 10, minute));
  const candidate = (id: string, over: Partial<ThumbnailCandidate>): ThumbnailCandidate => ({
    id,
    ...stored,
    reviewStatus: "awaiting-review",
    kind: "image",
    view: "front",
    asset: "on-model-front",
    createdAt: at(0),
    thumb: { key: `${id}.webp`, width: 320, height: 400 },
    ...over,
  });

  it("shows awaiting review first, then work in flight, oldest first, at most six, only assets with a thumbnail", () => {
    const assets = [
      candidate("qc", { reviewStatus: null, qcStatus: "running", createdAt: at(1) }),
      candidate("late", { createdAt: at(9) }),
      candidate("early", { createdAt: at(2) }),
      candidate("approved", { reviewStatus: "approved" }),
      candidate("rejected", { reviewStatus: "rejected" }),
      candidate("nothumb", { thumb: null }),
      candidate("video", { kind: "video", asset: "video", createdAt: at(3) }),
      ...["a", "b", "c", "d"].map((id, i) => candidate(`x${id}`, { createdAt: at(10 + i) })),
    ];
    const thumbs = pickPanelThumbnails(assets, (key) => `https://app.test/files/${key}`);
    expect(thumbs.map((t) => t.assetId)).toEqual(["early", "video", "late", "xa", "xb", "xc"]);
    expect(thumbs[1]).toEqual({ assetId: "video", url: "https://app.test/files/video.webp", width: 320, height: 400, label: "Video", state: "awaiting-review" });
    expect(pickPanelThumbnails(assets.slice(0, 1), (k) => k)).toEqual([expect.objectContaining({ assetId: "qc", state: "qc", label: "On-model, front" })]);
  });
});

describe("produceMessage", () => {
  const input = { productId: "gid://shopify/Product/1", views: ["packshot", "on-model-back"], recipeName: "Dresses" };

  it("says what was ordered, with which recipe", () => {
    const message = produceMessage({ created: [{ orderId: "o1", productId: input.productId }], skipped: [] }, input);
    expect(message).toEqual({ outcome: "created", orderId: "o1", message: "Sent to production: Packshot, On-model, back with the “Dresses” recipe. Follow it on the Production page; the results wait in Review." });
    expect(produceMessage({ created: [{ orderId: "o1", productId: input.productId }], skipped: [], queueWarning: "Queue down." }, input).message).toMatch(/Review\. Queue down\.$/);
  });

  it("gives the reason it was skipped", () => {
    const message = produceMessage({ created: [], skipped: [{ productId: input.productId, reason: "already in production: wait for its order to finish or cancel it" }] }, input);
    expect(message).toEqual({ outcome: "skipped", orderId: null, message: "Not sent: already in production: wait for its order to finish or cancel it." });
  });
});
