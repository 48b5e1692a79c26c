import { describe, expect, it } from "vitest";
import { canDecide, reviewDecisionSchema, statusAfterApproval, statusAfterChecks } from "./review-decision";

const base = { verdict: "reject" as const, source: "ai", regenerations: 0, autoRegenerate: 1, duplicate: false, regenerationCanHelp: true };

describe("where an asset goes after the checks", () => {
  it("regenerates a rejected AI candidate while regenerations are left and a new seed can help", () => {
    expect(statusAfterChecks(base)).toBe("auto-rejected");
    expect(statusAfterChecks({ ...base, regenerations: 1 })).toBe("awaiting-review");
    expect(statusAfterChecks({ ...base, autoRegenerate: 0 })).toBe("awaiting-review");
    expect(statusAfterChecks({ ...base, regenerationCanHelp: false })).toBe("awaiting-review");
    expect(statusAfterChecks({ ...base, source: "studio" })).toBe("awaiting-review");
    expect(statusAfterChecks({ ...base, verdict: "flag" })).toBe("awaiting-review");
  });

  it("collapses a near-duplicate whatever its verdict", () => {
    expect(statusAfterChecks({ ...base, duplicate: true })).toBe("duplicate");
    expect(statusAfterChecks({ ...base, verdict: "pass", duplicate: true })).toBe("duplicate");
  });
});

describe("review decisions", () => {
  it("accepts each decision only from the states it applies to", () => {
    expect(canDecide("approve", "awaiting-review")).toBe(true);
    expect(canDecide("approve", "approved")).toBe(false);
    expect(canDecide("approve", null)).toBe(false);
    expect(canDecide("sign-off", "awaiting-review")).toBe(false);
    expect(canDecide("sign-off", "awaiting-signoff")).toBe(true);
    expect(canDecide("regenerate", "rejected")).toBe(true);
    expect(canDecide("reject", "duplicate")).toBe(false);
  });

  it("sends an approval to the brand's sign-off only when the shop asks for one", () => {
    expect(statusAfterApproval(true)).toBe("awaiting-signoff");
    expect(statusAfterApproval(false)).toBe("approved");
  });

  it("names the field and the fix for a bad decision", () => {
    const other = reviewDecisionSchema.safeParse({ intent: "reject", assetIds: ["c".repeat(25)], reason: "other" });
    expect(other.success).toBe(false);
    expect(other.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([["note", "say what is wrong when the reason is Other"]]);
    const reason = reviewDecisionSchema.safeParse({ intent: "reject", assetIds: ["c".repeat(25)], reason: "ugly" });
    expect(reason.error!.issues[0]!.path).toEqual(["reason"]);
    const none = reviewDecisionSchema.safeParse({ intent: "approve", assetIds: [] });
    expect(none.error!.issues[0]!.message).toBe("select at least one asset");
    const many = reviewDecisionSchema.safeParse({ intent: "approve", assetIds: Array.from({ length: 201 }, (_, i) => `c${String(i).padStart(24, "0")}`) });
    expect(many.error!.issues[0]!.message).toContain("Approve all passed");
    expect(reviewDecisionSchema.safeParse({ intent: "publish", assetIds: ["c".repeat(25)] }).success).toBe(false);
  });
});
