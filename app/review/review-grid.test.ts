import { describe, expect, it } from "vitest";
import { checkResult, unmeasured, type QcReport } from "../qc/qc-check";
import {
  afterDecision,
  cardAriaLabel,
  inReviewState,
  checkRows,
  compareHref,
  describeErrors,
  findingsOf,
  fitLongEdge,
  formatScore,
  formatThreshold,
  largestRendition,
  moveFocus,
  nextFocusAfter,
  pickThumbnail,
  readQcReport,
  recipeLabel,
  reviewDecisionInput,
  reviewKeyOf,
  reviewPageCount,
  reviewSearch,
  sourceLabel,
  viewLabel,
} from "./review-grid";

const report: QcReport = {
  version: 1,
  verdict: "reject",
  checks: [
    checkResult("sharpness", 80, { flag: 60, reject: 25 }, "Subject sharpness 80 against 60 wanted"),
    checkResult("garment-colour", 4.2, { flag: 3, reject: 6 }, "Garment ΔE00 4.2 from the source"),
    checkResult("background", 7.5, { flag: 2, reject: 5 }, "Border ΔE00 7.5 from the brand white"),
    unmeasured("framing", { flag: 3, reject: 8 }, "No subject found to frame"),
  ],
  overlays: { "garment-delta-e": `sha256/ab/${"ab".repeat(32)}.png` },
  ms: 120,
};

describe("card text", () => {
  it("names the maker: studio, store, the demo provider (never AI) or the AI provider by name", () => {
    expect(sourceLabel("studio", "studio")).toBe("Studio");
    expect(sourceLabel("store", "store")).toBe("Store image");
    expect(sourceLabel("ai", "demo")).toBe("Demo provider (local composition, not AI)");
    expect(sourceLabel("ai", "fashn")).toBe("AI · FASHN");
    expect(sourceLabel("ai", "something-new")).toBe("AI · something-new");
  });

  it("labels the recipe version by category and number, or nothing without one", () => {
    expect(recipeLabel("dresses", 3)).toBe("dresses v3");
    expect(recipeLabel(null, 3)).toBeNull();
    expect(recipeLabel("dresses", null)).toBeNull();
  });

  it("lists failing checks with their reasons, rejects first, passes left out", () => {
    expect(findingsOf(report)).toEqual([
      { check: "background", label: "Background", verdict: "reject", reason: "Border ΔE00 7.5 from the brand white" },
      { check: "garment-colour", label: "Garment colour", verdict: "flag", reason: "Garment ΔE00 4.2 from the source" },
      { check: "framing", label: "Framing", verdict: "flag", reason: "No subject found to frame" },
    ]);
    expect(findingsOf(null)).toEqual([]);
    expect(findingsOf("not a report")).toEqual([]);
  });

  it("reads a damaged report as far as it goes instead of failing the page", () => {
    const read = readQcReport({ verdict: "flag", checks: [{ check: "exposure", verdict: "flag", score: "x", reason: "Clipped" }, { nonsense: true }], overlays: 5 });
    expect(read).toEqual({ verdict: "flag", checks: [{ check: "exposure", verdict: "flag", score: null, threshold: null, reason: "Clipped" }], overlays: {} });
  });

  it("names product, view and verdict in a card's accessible name", () => {
    const label = cardAriaLabel({
      productTitle: "Linen Wrap Dress",
      viewLabel: "Front",
      candidateIndex: 1,
      verdict: "flag",
      flagged: true,
      findings: findingsOf(report).slice(1, 2),
      sourceLabel: "AI · FASHN",
    });
    expect(label).toBe("Linen Wrap Dress, front view, candidate 2, verdict flag, flagged for a second look, 1 failing check: Garment colour, AI · FASHN");
    expect(cardAriaLabel({ productTitle: "Coat", viewLabel: "Back", candidateIndex: 0, verdict: null, flagged: false, findings: [], sourceLabel: "Studio" })).toBe("Coat, back view, candidate 1, not checked yet, Studio");
  });
});

describe("thumbnails", () => {
  const renditions = [
    { storageKey: "big", width: 2048, height: 2048, bytes: 900_000 },
    { storageKey: "small", width: 400, height: 500, bytes: 30_000 },
    { storageKey: "mid", width: 1200, height: 1500, bytes: 200_000 },
  ];

  it("uses the QC thumbnail with the image's aspect at thumbnail size", () => {
    expect(pickThumbnail({ thumbKey: "thumb", width: 2000, height: 2500 }, renditions)).toEqual({ key: "thumb", width: 320, height: 400 });
    expect(pickThumbnail({ thumbKey: "thumb", width: 3000, height: 2000 }, [])).toEqual({ key: "thumb", width: 400, height: 267 });
    expect(pickThumbnail({ thumbKey: "thumb", width: null, height: null }, [])).toEqual({ key: "thumb", width: 320, height: 400 });
  });

  it("falls back to the smallest rendition, never the master", () => {
    expect(pickThumbnail({ thumbKey: null, width: 2000, height: 2500 }, renditions)).toEqual({ key: "small", width: 400, height: 500 });
    expect(pickThumbnail({ thumbKey: null, width: 2000, height: 2500 }, [])).toBeNull();
  });

  it("never enlarges when fitting a long edge", () => {
    expect(fitLongEdge(200, 100, 480)).toEqual([200, 100]);
    expect(fitLongEdge(1000, 3000, 480)).toEqual([160, 480]);
  });

  it("calls a clip a video, whatever its view", () => {
    expect(viewLabel("front")).toBe("Front");
    expect(viewLabel(null)).toBe("No view");
    expect(viewLabel(null, "video")).toBe("Video");
  });

  it("inspects the largest rendition by pixels", () => {
    expect(largestRendition(renditions)?.storageKey).toBe("big");
    expect(largestRendition([])).toBeNull();
  });
});

describe("keyboard", () => {
  it("maps keys to actions and leaves chords alone", () => {
    expect(reviewKeyOf({ key: "j" })).toBe("next");
    expect(reviewKeyOf({ key: "K" })).toBe("previous");
    expect(reviewKeyOf({ key: "ArrowDown" })).toBe("down");
    expect(reviewKeyOf({ key: "a" })).toBe("approve");
    expect(reviewKeyOf({ key: "r" })).toBe("reject");
    expect(reviewKeyOf({ key: "f" })).toBe("flag");
    expect(reviewKeyOf({ key: "z" })).toBe("zoom");
    expect(reviewKeyOf({ key: "Enter" })).toBe("open");
    expect(reviewKeyOf({ key: " " })).toBe("select");
    expect(reviewKeyOf({ key: "a", metaKey: true })).toBeNull();
    expect(reviewKeyOf({ key: "r", ctrlKey: true })).toBeNull();
    expect(reviewKeyOf({ key: "x" })).toBeNull();
  });

  it("steps one card with J/K and arrows left/right, one row with up/down, holding at the ends", () => {
    expect(moveFocus(null, "next", 10, 4)).toBe(0);
    expect(moveFocus(0, "next", 10, 4)).toBe(1);
    expect(moveFocus(0, "previous", 10, 4)).toBe(0);
    expect(moveFocus(9, "right", 10, 4)).toBe(9);
    expect(moveFocus(1, "down", 10, 4)).toBe(5);
    expect(moveFocus(7, "down", 10, 4)).toBe(7);
    expect(moveFocus(5, "up", 10, 4)).toBe(1);
    expect(moveFocus(2, "up", 10, 4)).toBe(2);
    expect(moveFocus(3, "next", 0, 4)).toBeNull();
    expect(moveFocus(42, "next", 10, 4)).toBe(0);
  });

  it("moves focus to the next remaining card when cards leave, else back", () => {
    const ids = ["a", "b", "c", "d"];
    expect(nextFocusAfter(ids, new Set(["b"]), "b")).toBe("c");
    expect(nextFocusAfter(ids, new Set(["b", "c"]), "b")).toBe("d");
    expect(nextFocusAfter(ids, new Set(["d"]), "d")).toBe("c");
    expect(nextFocusAfter(ids, new Set(["a"]), "c")).toBe("c");
    expect(nextFocusAfter(ids, new Set(ids), "a")).toBeNull();
    expect(nextFocusAfter(ids, new Set(["a"]), null)).toBe("b");
  });
});

describe("addresses and pages", () => {
  it("keeps filters in the grid's and the compare view's addresses, defaults left out", () => {
    expect(reviewSearch({ state: "open", page: 1 })).toBe("");
    expect(reviewSearch({ verdict: "flag", state: "open", page: 2 })).toBe("?verdict=flag&page=2");
    expect(compareHref("ckasset000000000000001", { verdict: "pass", state: "open", page: 1 })).toBe("/app/review/ckasset000000000000001?verdict=pass");
    expect(compareHref("ckasset000000000000001", { state: "open", page: 1 }, { zoom: true })).toBe("/app/review/ckasset000000000000001?zoom=1");
  });

  it("counts pages of 48, at least one", () => {
    expect(reviewPageCount(0)).toBe(1);
    expect(reviewPageCount(48)).toBe(1);
    expect(reviewPageCount(2000)).toBe(42);
  });
});

describe("checks table", () => {
  it("shows score with unit, thresholds in the check's direction, failing first", () => {
    const rows = checkRows(report);
    expect(rows.map((r) => r.check)).toEqual(["background", "garment-colour", "framing", "sharpness"]);
    expect(rows[0]).toMatchObject({ label: "Background", score: "7.5 ΔE00", threshold: "flags above 2, rejects above 5", verdict: "reject" });
    expect(rows[2]).toMatchObject({ score: "not measured" });
    expect(rows[3]).toMatchObject({ score: "80 Laplacian variance", threshold: "flags below 60, rejects below 25" });
  });

  it("words binary and never-rejecting thresholds", () => {
    expect(formatThreshold("colour-space", { flag: 0.5, reject: 0.5 })).toBe("rejects above 0.5");
    expect(formatThreshold("near-duplicate", { flag: 7, reject: -1 })).toBe("flags below 7 (never rejects)");
    expect(formatThreshold("sharpness", null)).toBe("—");
    expect(formatScore("file-size", 12.3456)).toBe("12.35 MB");
    expect(formatScore("video-size", 1234.5)).toBe("1,235 MB");
  });

  it("names the field and the fix in errors", () => {
    expect(describeErrors({ reason: "choose a reason: anatomy, …", "assetIds.0": "is not an asset id" })).toEqual(["Reject reason: choose a reason: anatomy, …", "Selection: is not an asset id"]);
  });
});

describe("decision forms", () => {
  it("reads repeated assetIds, drops empty fields and turns flagged into a boolean", () => {
    const form = new FormData();
    form.set("intent", "flag");
    form.append("assetIds", "a1");
    form.append("assetIds", "a2");
    form.set("note", "  ");
    form.set("flagged", "true");
    expect(reviewDecisionInput(form)).toEqual({ intent: "flag", assetIds: ["a1", "a2"], flagged: true });
    const reject = new URLSearchParams("intent=reject&assetIds=a1&reason=other&note=left+hand&flagged=maybe");
    expect(reviewDecisionInput(reject)).toEqual({ intent: "reject", assetIds: ["a1"], reason: "other", note: "left hand", flagged: "maybe" });
    expect(reviewDecisionInput(new FormData())).toEqual({ assetIds: [] });
  });
});

describe("where a decision takes a card", () => {
  const open = { reviewStatus: "awaiting-review", flagged: false };
  const leaves = (intent: Parameters<typeof afterDecision>[0], state: string, options: { brandSignOff?: boolean; flagged?: boolean } = {}, asset = open) =>
    !inReviewState(state, afterDecision(intent, asset, { brandSignOff: options.brandSignOff ?? false, flagged: options.flagged }));

  it("takes approved, rejected, regenerated and retouched cards out of the open queue, and keeps flagged ones", () => {
    expect(leaves("approve", "open")).toBe(true);
    expect(leaves("reject", "open")).toBe(true);
    expect(leaves("regenerate", "open")).toBe(true);
    expect(leaves("retouch", "open")).toBe(true);
    expect(leaves("flag", "open", { flagged: true })).toBe(false);
  });

  it("keeps an approval in the open queue when the brand signs off next, but not in the awaiting-review list", () => {
    expect(leaves("approve", "open", { brandSignOff: true })).toBe(false);
    expect(leaves("approve", "awaiting-review", { brandSignOff: true })).toBe(true);
    expect(leaves("approve", "awaiting-signoff", { brandSignOff: true })).toBe(false);
    expect(leaves("sign-off", "open", {}, { reviewStatus: "awaiting-signoff", flagged: false })).toBe(true);
  });

  it("takes an unflagged or approved card out of the flagged list", () => {
    const flagged = { reviewStatus: "awaiting-review", flagged: true };
    expect(leaves("flag", "flagged", { flagged: false }, flagged)).toBe(true);
    expect(leaves("flag", "flagged", { flagged: true }, flagged)).toBe(false);
    expect(leaves("approve", "flagged", { brandSignOff: true }, flagged)).toBe(true);
  });

  it("takes a regenerated card out of the rejected list", () => {
    expect(leaves("regenerate", "rejected", {}, { reviewStatus: "rejected", flagged: false })).toBe(true);
    expect(leaves("retouch", "retouch", {}, { reviewStatus: "retouch", flagged: false })).toBe(false);
  });
});
