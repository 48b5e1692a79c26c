import { describe, expect, it } from "vitest";
import {
  appHref,
  failureMessage,
  fetchAnswer,
  inFlightLine,
  initialChoices,
  NETWORK_FAILURE,
  openOrderLine,
  panelPath,
  producePath,
  produceRequest,
  readPanelResponse,
  readProduceResponse,
  reviewLinkLabel,
  selectedProductId,
  sendBlocker,
} from "./panel-client";
import type { ProductPanel } from "./panel-contract";

const PRODUCT = "gid://shopify/Product/4242";

const panel = (over: Partial<ProductPanel> = {}): ProductPanel => ({
  ok: true,
  product: { id: PRODUCT, title: "Linen Wrap Dress" },
  tier: 3,
  tierSource: "rule",
  tierReason: "Rule “Dresses on AI”",
  rule: { id: "r1", name: "Dresses on AI" },
  plan: {
    lane: "ai",
    items: [
      { asset: "on-model-front", label: "On-model, front", source: "ai", missing: true },
      { asset: "packshot", label: "Packshot", source: "ai", missing: false },
    ],
  },
  missing: ["on-model-front"],
  inFlight: { total: 0, byPhase: { queued: 0, generating: 0, "post-production": 0, qc: 0 }, waitingStudio: 0 },
  awaitingReview: 0,
  approved: 1,
  thumbnails: [],
  openOrder: null,
  links: { review: `/app/review?product=${encodeURIComponent(PRODUCT)}`, production: "/app/production?status=active" },
  recipes: [{ key: "dresses", name: "Dresses" }],
  defaultRecipe: "dresses",
  action: { mode: "regenerate", label: "Regenerate", defaultViews: ["on-model-front"] },
  ...over,
});

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

describe("addresses", () => {
  it("takes the product from the admin's selection, and addresses the backend by its number", () => {
    expect(selectedProductId({ selected: [{ id: PRODUCT }] })).toBe(PRODUCT);
    expect(selectedProductId({ selected: [] })).toBeNull();
    expect(selectedProductId({ selected: [{ id: "gid://shopify/Collection/1" }] })).toBeNull();
    expect(selectedProductId(undefined)).toBeNull();
    expect(panelPath(PRODUCT)).toBe("/api/extension/products/4242");
    expect(producePath(PRODUCT)).toBe("/api/extension/products/4242/produce");
  });

  it("turns app paths into app: links", () => {
    expect(appHref("/app/review?product=gid%3A%2F%2Fshopify%2FProduct%2F1")).toBe("app:app/review?product=gid%3A%2F%2Fshopify%2FProduct%2F1");
  });
});

describe("produceRequest", () => {
  it("posts the views once each and the recipe as JSON", () => {
    const built = produceRequest(["packshot", "video", "packshot"], "dresses");
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    expect(built.value.method).toBe("POST");
    expect(built.value.headers).toMatchObject({ "Content-Type": "application/json" });
    expect(JSON.parse(built.value.body as string)).toEqual({ views: ["packshot", "video"], recipe: "dresses" });
    expect(JSON.parse((produceRequest(["packshot"], null) as { value: RequestInit }).value.body as string)).toEqual({ views: ["packshot"] });
  });

  it("asks for a view before sending", () => {
    expect(produceRequest([], "dresses")).toEqual({ ok: false, error: "Choose at least one view to produce." });
  });
});

describe("responses", () => {
  it("reads a panel and a produce result", async () => {
    expect(await readPanelResponse(json(panel()))).toEqual({ ok: true, value: panel() });
    const result = { ok: true, outcome: "skipped", orderId: null, message: "Not sent: already in production." };
    expect(await readProduceResponse(json(result))).toEqual({ ok: true, value: result });
  });

  it("shows the backend's words for a refusal, and its own for a session or server failure", async () => {
    expect(await readProduceResponse(json({ ok: false, field: "views", error: "views: choose at least one view to produce" }, 400))).toEqual({ ok: false, message: "views: choose at least one view to produce" });
    expect(await readPanelResponse(json({ ok: false, field: "productId", error: "gid://shopify/Product/1 is not in Shotlane's catalog" }, 404))).toEqual({ ok: false, message: "gid://shopify/Product/1 is not in Shotlane's catalog" });
    // authenticate.admin's 401 has no body.
    expect(await readPanelResponse(new Response(null, { status: 401 }))).toEqual({ ok: false, message: expect.stringMatching(/Reload the page/) });
    expect(failureMessage(404, "<html>")).toMatch(/Sync the catalog/);
    expect(failureMessage(502, undefined)).toBe("Shotlane could not answer. Try again in a moment.");
    expect(failureMessage(500, { ok: false, error: "Shotlane could not answer: try again" })).toBe("Shotlane could not answer: try again");
  });

  it("refuses a body it does not understand instead of rendering half a panel", async () => {
    expect(await readPanelResponse(json({ ok: true, product: { id: PRODUCT } }))).toMatchObject({ ok: false, message: expect.stringMatching(/does not understand/) });
    expect(await readPanelResponse(new Response("not json", { status: 200 }))).toMatchObject({ ok: false });
  });

  it("turns a network failure into a message, and passes the path and options to fetch", async () => {
    const failing = (() => Promise.reject(new TypeError("Failed to fetch"))) as typeof fetch;
    expect(await fetchAnswer(failing, "/x", undefined, readPanelResponse)).toEqual({ ok: false, message: NETWORK_FAILURE });
    const seen: [string, RequestInit | undefined][] = [];
    const recording = ((input: string, init?: RequestInit) => {
      seen.push([input, init]);
      return Promise.resolve(json({ ok: true, outcome: "created", orderId: "o1", message: "Sent" }));
    }) as typeof fetch;
    const init = { method: "POST" };
    expect(await fetchAnswer(recording, producePath(PRODUCT), init, readProduceResponse)).toMatchObject({ ok: true, value: { orderId: "o1" } });
    expect(seen).toEqual([["/api/extension/products/4242/produce", init]]);
  });
});

describe("what the panel says", () => {
  it("summarises work in flight", () => {
    expect(inFlightLine(panel())).toBe("Nothing in production");
    expect(inFlightLine(panel({ inFlight: { total: 3, byPhase: { queued: 1, generating: 0, "post-production": 0, qc: 2 }, waitingStudio: 2 } }))).toBe("3 in flight: 1 queued, 2 in quality checks · 2 waiting for the studio");
  });

  it("labels the review link and the open order", () => {
    expect(reviewLinkLabel(0)).toBe("Open in Review");
    expect(reviewLinkLabel(1)).toBe("Review 1 awaiting asset");
    expect(reviewLinkLabel(4)).toBe("Review 4 awaiting assets");
    expect(openOrderLine(panel())).toBeNull();
    expect(openOrderLine(panel({ openOrder: { id: "o1", status: "running" } }))).toMatch(/^An order is still open \(running\)/);
  });

  it("starts the action with the suggested views of the plan and the product's recipe", () => {
    expect(initialChoices(panel())).toEqual({ views: ["on-model-front"], recipe: "dresses" });
    expect(initialChoices(panel({ action: { mode: "send", label: "Send to production", defaultViews: ["on-model-front", "selfie"] } })).views).toEqual(["on-model-front"]);
  });

  it("lets the merchant send unless there is no tier, no plan or no view (an open order is the backend's to refuse)", () => {
    expect(sendBlocker(panel(), ["packshot"])).toBeNull();
    expect(sendBlocker(panel({ openOrder: { id: "o1", status: "queued" } }), ["packshot"])).toBeNull();
    expect(sendBlocker(panel(), [])).toBe("Choose at least one view to produce.");
    expect(sendBlocker(panel({ tier: null, plan: { lane: null, items: [] } }), ["packshot"])).toMatch(/Route this product to a tier first/);
    expect(sendBlocker(panel({ plan: { lane: null, items: [] } }), ["packshot"])).toMatch(/tier 3 production plan asks for no assets/);
  });
});
