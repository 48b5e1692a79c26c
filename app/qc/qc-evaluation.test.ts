import { describe, expect, it } from "vitest";
import type { QcCheckId, QcVerdict } from "./qc-check";
import { evaluateCheck, evaluateQc, formatQcEvaluation, rates, type EvaluatedItem, type QcLabel, type QcSeverity } from "./qc-evaluation";

const good: QcLabel = { defect: null, severity: "none", expectedChecks: [] };

function item(id: string, label: QcLabel, verdicts: Partial<Record<QcCheckId, QcVerdict>>): EvaluatedItem {
  return { id, label, verdicts };
}

function defect(defect: string, severity: QcSeverity, expectedChecks: QcCheckId[], toleratedChecks?: QcCheckId[]): QcLabel {
  return { defect, severity, expectedChecks, ...(toleratedChecks ? { toleratedChecks } : {}) };
}

describe("rates", () => {
  it("divides hits by what fired and by what was there to find", () => {
    expect(rates({ tp: 3, fp: 1, fn: 2, tn: 10 })).toEqual({ tp: 3, fp: 1, fn: 2, tn: 10, precision: 0.75, recall: 0.6 });
  });

  it("has no precision when nothing fired and no recall when nothing was there to find", () => {
    expect(rates({ tp: 0, fp: 0, fn: 2, tn: 5 })).toMatchObject({ precision: null, recall: 0 });
    expect(rates({ tp: 0, fp: 1, fn: 0, tn: 5 })).toMatchObject({ precision: 0, recall: null });
  });
});

describe("evaluateCheck", () => {
  // blur: 2 blurred caught (one flag, one reject), 1 missed; 1 good flagged, 1 good rejected, 2 goods passed.
  const items = [
    item("blur-1", defect("blur", "mild", ["sharpness"]), { sharpness: "flag" }),
    item("blur-2", defect("blur", "severe", ["sharpness"]), { sharpness: "reject" }),
    item("blur-3", defect("blur", "mild", ["sharpness"]), { sharpness: "pass" }),
    item("good-1", good, { sharpness: "flag" }),
    item("good-2", good, { sharpness: "reject" }),
    item("good-3", good, { sharpness: "pass" }),
    item("good-4", good, { sharpness: "pass" }),
  ];

  it("counts flag and reject as firing, and names the misses and false alarms", () => {
    const result = evaluateCheck("sharpness", items);
    expect(result).toMatchObject({ tp: 2, fp: 2, fn: 1, tn: 2, precision: 0.5, recall: 2 / 3, fpRejects: 1 });
    expect(result.falsePositives).toEqual(["good-1", "good-2"]);
    expect(result.falseNegatives).toEqual(["blur-3"]);
  });

  it("leaves out images whose label tolerates the check, unless it also expects it", () => {
    const lowRes = item("low-res", defect("low-resolution", "severe", ["resolution"], ["sharpness"]), { resolution: "reject", sharpness: "flag" });
    const both = item("both", defect("odd", "severe", ["sharpness"], ["sharpness"]), { sharpness: "pass" });
    const result = evaluateCheck("sharpness", [...items, lowRes, both]);
    expect(result).toMatchObject({ tp: 2, fp: 2, fn: 2, tn: 2, tolerated: { images: 1, fired: 1 } });
  });

  it("skips images the check did not run on", () => {
    expect(evaluateCheck("aspect", items)).toMatchObject({ tp: 0, fp: 0, fn: 0, tn: 0, precision: null, recall: null });
  });
});

describe("evaluateQc", () => {
  const items = [
    // Caught by its own check.
    item("drift-severe", defect("colour-drift", "severe", ["garment-colour"]), { "garment-colour": "reject", sharpness: "pass" }),
    // Stopped, but by another check: an image-level hit, not a hit for garment-colour.
    item("drift-mild", defect("colour-drift", "mild", ["garment-colour"]), { "garment-colour": "pass", sharpness: "flag" }),
    // Missed entirely.
    item("drift-moderate", defect("colour-drift", "moderate", ["garment-colour"]), { "garment-colour": "pass", sharpness: "pass" }),
    // A control below the threshold: expected to pass, and it did.
    item("drift-control", defect("colour-drift", "sub-threshold", []), { "garment-colour": "pass", sharpness: "pass" }),
    item("good-1", good, { "garment-colour": "pass", sharpness: "pass" }),
    item("good-2", good, { "garment-colour": "flag", sharpness: "pass" }),
    item("good-3", good, { "garment-colour": "pass", sharpness: "reject" }),
  ];
  const evaluation = evaluateQc(items);

  it("evaluates each check that ran, in the contract's order", () => {
    expect(evaluation.checks.map((c) => c.check)).toEqual(["sharpness", "garment-colour"]);
    expect(evaluation.checks.find((c) => c.check === "garment-colour")).toMatchObject({ tp: 1, fp: 1, fn: 2, tn: 3 });
    expect(evaluation.checks.find((c) => c.check === "sharpness")).toMatchObject({ tp: 0, fp: 2, fn: 0, tn: 5, precision: 0, recall: null });
  });

  it("judges whole images by their overall verdict", () => {
    expect(evaluation.image).toMatchObject({ tp: 2, fp: 2, fn: 1, tn: 2, precision: 0.5, recall: 2 / 3, falsePositives: ["good-2", "good-3"], falseNegatives: ["drift-moderate"] });
    expect(evaluation.negatives).toEqual({ pass: 2, flag: 1, reject: 1 });
  });

  it("sums the checks' counts for the micro average", () => {
    expect(evaluation.micro).toMatchObject({ tp: 1, fp: 3, fn: 2, tn: 8, precision: 0.25, recall: 1 / 3 });
  });

  it("gives recall per defect and severity, by the expected check only, mildest first", () => {
    expect(evaluation.bySeverity).toEqual([
      { defect: "colour-drift", severity: "sub-threshold", images: 1, positives: 0, caughtByExpected: 0, notPassed: 0, recall: null },
      { defect: "colour-drift", severity: "mild", images: 1, positives: 1, caughtByExpected: 0, notPassed: 1, recall: 0 },
      { defect: "colour-drift", severity: "moderate", images: 1, positives: 1, caughtByExpected: 0, notPassed: 0, recall: 0 },
      { defect: "colour-drift", severity: "severe", images: 1, positives: 1, caughtByExpected: 1, notPassed: 1, recall: 1 },
    ]);
  });

  it("counts a check a label expects even when no image gave it a verdict, so a check that never ran shows as all misses", () => {
    const result = evaluateQc([item("aspect", defect("wrong-aspect", "severe", ["aspect"]), { sharpness: "pass" })]);
    expect(result.checks.find((c) => c.check === "aspect")).toMatchObject({ tp: 0, fn: 1, recall: 0 });
    expect(result.bySeverity[0]).toMatchObject({ positives: 1, caughtByExpected: 0, recall: 0 });
  });

  it("prints one row per check, the image row and the severity rows", () => {
    const table = formatQcEvaluation(evaluation);
    expect(table).toMatch(/garment-colour\s+1\s+1\s+2\s+3\s+0\.50\s+0\.33/);
    expect(table).toMatch(/image\s+2\s+2\s+1\s+2\s+0\.50\s+0\.67/);
    expect(table).toMatch(/colour-drift\s+sub-threshold\s+1\s+\(control\)/);
    expect(table).toContain("2 passed, 1 flagged, 1 rejected");
  });
});
