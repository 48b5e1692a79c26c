import { describe, expect, it } from "vitest";
import { checkResult, DEFAULT_QC_RECIPE, judge, qcRecipeSchema, regenerationCanHelp, thresholdFor, verdictOf, worstVerdict } from "./qc-check";

describe("verdicts from thresholds", () => {
  it("reads the issue's ΔE default as ≤ 3 pass, ≤ 6 flag, above reject", () => {
    const t = thresholdFor(DEFAULT_QC_RECIPE, "garment-colour");
    expect(t).toEqual({ flag: 3, reject: 6 });
    expect([2.99, 3, 3.01, 6, 6.01].map((score) => judge("garment-colour", score, t))).toEqual(["pass", "pass", "flag", "flag", "reject"]);
  });

  it("turns the direction round for checks where lower is worse", () => {
    const t = { flag: 60, reject: 25 };
    expect([100, 60, 59, 25, 24].map((score) => judge("sharpness", score, t))).toEqual(["pass", "pass", "flag", "flag", "reject"]);
  });

  it("makes equal thresholds a binary check, and an unreachable reject a flag-only one", () => {
    expect([0, 1].map((score) => judge("colour-space", score, { flag: 0.5, reject: 0.5 }))).toEqual(["pass", "reject"]);
    expect([0, 6, 7, 40].map((score) => judge("near-duplicate", score, thresholdFor(DEFAULT_QC_RECIPE, "near-duplicate")))).toEqual(["flag", "flag", "pass", "pass"]);
  });

  it("takes the worst verdict", () => {
    expect(worstVerdict([])).toBe("pass");
    expect(worstVerdict(["pass", "flag", "pass"])).toBe("flag");
    expect(verdictOf([checkResult("exposure", 10, { flag: 2, reject: 6 }, "r"), checkResult("sharpness", 100, { flag: 60, reject: 25 }, "r")])).toBe("reject");
  });
});

describe("the recipe's quality section", () => {
  it("keeps overrides only and refuses a reject threshold on the wrong side of its flag", () => {
    const parsed = qcRecipeSchema.parse({ thresholds: { sharpness: { flag: 80, reject: 30 } } });
    expect(thresholdFor(parsed, "sharpness")).toEqual({ flag: 80, reject: 30 });
    expect(thresholdFor(parsed, "exposure")).toEqual(thresholdFor(DEFAULT_QC_RECIPE, "exposure"));
    const wrong = qcRecipeSchema.safeParse({ thresholds: { sharpness: { flag: 30, reject: 80 } } });
    expect(wrong.error!.issues.map((i) => i.path.join("."))).toEqual(["thresholds.sharpness.reject"]);
    expect(qcRecipeSchema.safeParse({ autoRegenerate: 6 }).success).toBe(false);
    expect(qcRecipeSchema.safeParse({ thresholds: { blurriness: { flag: 1, reject: 2 } } }).success).toBe(false);
  });
});

describe("whether a regeneration can help", () => {
  const reject = (check: Parameters<typeof checkResult>[0]) => ({ ...checkResult(check, 0, { flag: 0, reject: 0 }, "r"), verdict: "reject" as const });
  it("regenerates for what a new seed changes, never for what it reproduces", () => {
    expect(regenerationCanHelp([reject("garment-colour")])).toBe(true);
    expect(regenerationCanHelp([reject("garment-colour"), reject("resolution")])).toBe(false);
    expect(regenerationCanHelp([reject("aspect")])).toBe(false);
    expect(regenerationCanHelp([])).toBe(false);
  });
});
