import { describe, expect, it } from "vitest";
import { DEFAULT_PUBLISHING_SETTINGS } from "../publishing/publishing-settings";
import { decideAutoProduction, type AutoProduceFacts } from "./auto-produce.server";
import { DEFAULT_PLANS } from "./production-plan";

const installed = { uninstalledAt: null, productionPausedAt: null, productionPauseReason: null };
const facts = (over: Partial<AutoProduceFacts> = {}): AutoProduceFacts => ({
  shop: installed,
  product: { tier: 3 },
  autoProduceTiers: DEFAULT_PUBLISHING_SETTINGS.autoProduceTiers,
  plans: DEFAULT_PLANS,
  autoOrder: null,
  ...over,
});

describe("decideAutoProduction", () => {
  it("produces a tier-3 product by default (the schema's default setting and plan), listing the plan's AI assets", () => {
    expect(decideAutoProduction(facts())).toEqual({ produce: true, tier: 3, aiAssets: ["on-model-front", "on-model-back", "packshot", "video"] });
    expect(decideAutoProduction(facts({ product: { tier: 2 }, autoProduceTiers: [2, 3] }))).toEqual({ produce: true, tier: 2, aiAssets: ["packshot", "detail"] });
  });

  it("does not produce a tier the setting leaves out, and says which tiers are automatic", () => {
    expect(decideAutoProduction(facts({ product: { tier: 1 } }))).toEqual({ produce: false, code: "tier-not-automatic", reason: "tier 1 is not set to produce new products automatically (automatic: tier 3)" });
    expect(decideAutoProduction(facts({ autoProduceTiers: [] }))).toMatchObject({ produce: false, code: "tier-not-automatic", reason: expect.stringContaining("(automatic: no tier)") });
    expect(decideAutoProduction(facts({ product: { tier: 2 }, autoProduceTiers: [3, 1] }))).toMatchObject({ reason: expect.stringContaining("(automatic: tier 1, tier 3)") });
  });

  it("does not produce when the tier's plan has no AI asset (studio work is booked by hand)", () => {
    expect(decideAutoProduction(facts({ product: { tier: 1 }, autoProduceTiers: [1, 3] }))).toEqual({ produce: false, code: "no-ai-assets", reason: "the tier 1 production plan has no AI asset (studio work is booked by hand)" });
    expect(decideAutoProduction(facts({ plans: { ...DEFAULT_PLANS, 3: [] } }))).toMatchObject({ produce: false, code: "no-ai-assets" });
  });

  it("produces a product at most once: an earlier automatic order, whatever its state, means no new one", () => {
    for (const status of ["queued", "completed", "canceled", "failed"]) {
      expect(decideAutoProduction(facts({ autoOrder: { id: "o1", status } }))).toEqual({ produce: false, code: "already-produced", reason: `the product already has an automatic order (o1, ${status})` });
    }
  });

  it("does not produce for a shop that is gone, uninstalled or paused, nor for a product that is gone or not routed", () => {
    expect(decideAutoProduction(facts({ shop: null }))).toMatchObject({ produce: false, code: "shop-missing" });
    expect(decideAutoProduction(facts({ shop: { ...installed, uninstalledAt: new Date() } }))).toMatchObject({ produce: false, code: "shop-uninstalled" });
    expect(decideAutoProduction(facts({ shop: { ...installed, productionPausedAt: new Date(), productionPauseReason: "monthly budget reached" } }))).toEqual({
      produce: false,
      code: "production-paused",
      reason: "production is paused (monthly budget reached): resume it on the Production page, then send the product by hand",
    });
    expect(decideAutoProduction(facts({ product: null }))).toMatchObject({ produce: false, code: "product-missing" });
    expect(decideAutoProduction(facts({ product: { tier: null } }))).toMatchObject({ produce: false, code: "not-routed" });
  });
});
