import { describe, expect, it } from "vitest";
import { parseRulesForm } from "./rule-schema";
import { emptyDraft, move, toDraft, toPayload } from "./rule-drafts";
import type { TierRule } from "./tier-rules";

describe("rule drafts (the editor's form state)", () => {
  const rule: TierRule = {
    id: "r1",
    name: "Premium",
    enabled: true,
    tier: 1,
    conditions: { collectionIds: ["c1"], tags: { mode: "all", values: ["ss26", "linen"] }, price: { on: "min", minCents: 25000 }, imageCount: { op: "lt", value: 2 } },
  };

  it("round-trips a saved rule through the form and the server schema", () => {
    const parsed = parseRulesForm(toPayload([toDraft(rule)], "3"), new Set(["c1"]));
    expect(parsed).toEqual({ ok: true, defaultTier: 3, rules: [rule] });
  });

  it("leaves out conditions the merchant left empty", () => {
    const draft = { ...emptyDraft("k"), name: "Only tops", productTypes: ["Tops"], tags: " , " };
    expect(toPayload([draft], "2").rules[0].conditions).toEqual({ productTypes: ["Tops"] });
  });

  it("moves rules up and down within bounds", () => {
    expect(move(["a", "b", "c"], 2, -1)).toEqual(["a", "c", "b"]);
    expect(move(["a", "b", "c"], 0, -1)).toEqual(["a", "b", "c"]);
  });
});
