import { describe, expect, it } from "vitest";
import { DEFAULT_PLANS, gapKinds, laneOf, parsePlansForm, planNeeds, stillNeeded } from "./production-plan";

describe("production plans", () => {
  it("derive the lane from where the assets come from", () => {
    expect(laneOf(DEFAULT_PLANS[1])).toBe("studio");
    expect(laneOf(DEFAULT_PLANS[2])).toBe("hybrid");
    expect(laneOf(DEFAULT_PLANS[3])).toBe("ai");
  });

  it("answer the gap filters", () => {
    expect(planNeeds(DEFAULT_PLANS[3], "video")).toBe(true);
    expect(planNeeds(DEFAULT_PLANS[2], "video")).toBe(false);
    expect(planNeeds(DEFAULT_PLANS[2], "on-model")).toBe(true);
  });

  it("say what a product still lacks once some of its assets are produced", () => {
    expect(gapKinds(DEFAULT_PLANS[1], "on-model")).toEqual(["on-model-front", "on-model-back", "on-model-side"]);
    expect(stillNeeded(DEFAULT_PLANS[3], ["on-model-front", "video", "lifestyle"]).map((i) => i.asset)).toEqual(["on-model-back", "packshot"]);
    expect(stillNeeded(DEFAULT_PLANS[3], [])).toEqual(DEFAULT_PLANS[3]);
  });

  it("validate the form: at least one asset, each once, known kinds and sources", () => {
    expect(parsePlansForm(DEFAULT_PLANS)).toEqual({ ok: true, plans: DEFAULT_PLANS });
    const bad = parsePlansForm({ 1: [], 2: [{ asset: "packshot", source: "ai" }, { asset: "packshot", source: "studio" }], 3: [{ asset: "hologram", source: "robot" }] });
    expect(bad).toEqual({
      ok: false,
      errors: { tier1: "plan at least one asset", tier2: "list each asset once", "tier3.0.asset": "unknown asset kind", "tier3.0.source": "choose studio or AI" },
    });
  });
});
