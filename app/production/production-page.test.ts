import { describe, expect, it } from "vitest";
import {
  assetLabel,
  costOf,
  countCandidates,
  describeCandidateCounts,
  describeCandidateError,
  formatUsd,
  orderActions,
  pageCount,
  parseProductionAction,
  parseProductionPageQuery,
  productionPageSearch,
  progressOfCounts,
  signingClock,
  SIGNING_STEP_MS,
  statusesForFilter,
} from "./production-page";

describe("production page address", () => {
  it("reads the status filter and page number, falling back on unknown values", () => {
    expect(parseProductionPageQuery(new URLSearchParams(""))).toEqual({ status: "all", page: 1 });
    expect(parseProductionPageQuery(new URLSearchParams("status=failed&page=3"))).toEqual({ status: "failed", page: 3 });
    expect(parseProductionPageQuery(new URLSearchParams("status=bogus&page=-2"))).toEqual({ status: "all", page: 1 });
    expect(parseProductionPageQuery(new URLSearchParams("page=2.5"))).toEqual({ status: "all", page: 1 });
  });
  it("writes only what differs from the defaults", () => {
    expect(productionPageSearch({ status: "all", page: 1 })).toBe("");
    expect(productionPageSearch({ status: "active", page: 2 })).toBe("?status=active&page=2");
  });
  it("maps each filter to the order statuses it shows", () => {
    expect(statusesForFilter("all")).toBeNull();
    expect(statusesForFilter("active")).toEqual(["queued", "running", "paused"]);
    expect(statusesForFilter("finished")).toEqual(["completed", "partial", "failed", "canceled"]);
    expect(statusesForFilter("failed")).toEqual(["failed", "partial"]);
  });
  it("counts pages of 25, at least one", () => {
    expect([pageCount(0), pageCount(25), pageCount(26), pageCount(51)]).toEqual([1, 1, 2, 3]);
  });
});

describe("money and costs", () => {
  it("shows micro-dollars as dollars with two decimals, rounded to the cent", () => {
    expect(formatUsd(0)).toBe("$0.00");
    expect(formatUsd(75_000)).toBe("$0.08");
    expect(formatUsd(74_999)).toBe("$0.07");
    expect(formatUsd(1_234_560_000)).toBe("$1,234.56");
    expect(formatUsd(-50_000)).toBe("-$0.05");
  });
  it("sums settled costs and the wasted part, ignoring open reservations", () => {
    expect(
      costOf([
        { outcome: "reserved", costMicros: 75_000 },
        { outcome: "succeeded", costMicros: 75_000 },
        { outcome: "failed", costMicros: 75_000 },
        { outcome: "canceled", costMicros: 10_000 },
        { outcome: "rejected", costMicros: 0 },
      ]),
    ).toEqual({ costMicros: 160_000, wastedMicros: 85_000 });
    expect(costOf([])).toEqual({ costMicros: 0, wastedMicros: 0 });
  });
});

describe("candidates and actions", () => {
  it("counts candidates by status and describes them in life-cycle order", () => {
    const counts = countCandidates(["stored", "failed", "stored", "queued", "nonsense"]);
    expect(counts).toEqual({ stored: 2, failed: 1, queued: 1 });
    expect(describeCandidateCounts(counts)).toBe("1 queued, 2 stored, 1 failed");
    expect(describeCandidateCounts({})).toBe("");
  });
  it("adds up progress from candidate counts the way progressOf does from statuses", () => {
    expect(progressOfCounts([{ status: "stored", count: 3 }, { status: "failed", count: 1 }, { status: "submitted", count: 2 }, { status: "paused", count: 1 }])).toEqual({ done: 4, total: 7, percent: 57 });
    expect(progressOfCounts([])).toEqual({ done: 0, total: 0, percent: 100 });
  });
  it("labels asset kinds, keeping unknown ones as they are", () => {
    expect(assetLabel("on-model-front")).toBe("On-model, front");
    expect(assetLabel("hologram")).toBe("hologram");
  });
  it("puts the provider's error code before its reason once", () => {
    expect(describeCandidateError("moderation", "the image was refused")).toBe("moderation: the image was refused");
    expect(describeCandidateError("moderation", "Moderation: refused")).toBe("Moderation: refused");
    expect(describeCandidateError(null, "timed out")).toBe("timed out");
    expect(describeCandidateError("quota", null)).toBe("quota");
    expect(describeCandidateError(null, null)).toBeNull();
  });
  it("offers Cancel on unfinished orders and Retry on ones that lost candidates", () => {
    expect(orderActions("queued")).toEqual({ canCancel: true, canRetry: false });
    expect(orderActions("running")).toEqual({ canCancel: true, canRetry: false });
    expect(orderActions("paused")).toEqual({ canCancel: true, canRetry: false });
    expect(orderActions("completed")).toEqual({ canCancel: false, canRetry: false });
    for (const status of ["failed", "partial", "canceled"]) expect(orderActions(status)).toEqual({ canCancel: false, canRetry: true });
  });
  it("signs against a clock that holds still for ten minutes", () => {
    const base = Date.UTC(2026, 4, 1, 12, 0, 0);
    expect(signingClock(base + 1)).toBe(base);
    expect(signingClock(base + SIGNING_STEP_MS - 1)).toBe(base);
    expect(signingClock(base + SIGNING_STEP_MS)).toBe(base + SIGNING_STEP_MS);
  });
});

describe("parseProductionAction", () => {
  it("reads cancel and retry with their order, and resume alone", () => {
    expect(parseProductionAction({ intent: "cancel", orderId: "o1" })).toEqual({ ok: true, action: { intent: "cancel", orderId: "o1" } });
    expect(parseProductionAction({ intent: "retry", orderId: "o1" })).toEqual({ ok: true, action: { intent: "retry", orderId: "o1" } });
    expect(parseProductionAction({ intent: "resume" })).toEqual({ ok: true, action: { intent: "resume" } });
  });
  it("names what is wrong", () => {
    expect(parseProductionAction({ intent: "cancel" })).toEqual({ ok: false, error: "orderId: orderId is missing: reload the page" });
    expect(parseProductionAction({ intent: "delete", orderId: "o1" })).toEqual({ ok: false, error: "intent: intent must be cancel, retry or resume" });
    expect(parseProductionAction({})).toEqual({ ok: false, error: "intent: intent must be cancel, retry or resume" });
  });
});
