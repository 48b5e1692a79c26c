import { mkdirSync, writeFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { runImageChecks } from "~/qc/image-checks";
import { formatQcEvaluation } from "~/qc/qc-evaluation";
import { colourwayLine, composition, evaluateQcDefectSet, type QcSetEvaluation } from "../support/qc-defect-set";

/**
 * Issue #6's measure of layer 1: the real image checks over the labelled set
 * of good and defective product shots (test/support/qc-defect-set.ts), scored
 * per check, per image and per defect × severity. Figures go to
 * test-results/qc-evaluation.json and the table to the log; the floors below
 * are the issue's bar, so a check that stops finding its defect fails here.
 */

const RESULTS_FILE = "test-results/qc-evaluation.json";
/** Image level: how many defective images are stopped, and how many stopped images are defective. */
const IMAGE_RECALL_FLOOR = 0.9;
const IMAGE_PRECISION_FLOOR = 0.9;

let run: QcSetEvaluation;

beforeAll(async () => {
  run = await evaluateQcDefectSet((input) => runImageChecks(input));
  mkdirSync("test-results", { recursive: true });
  writeFileSync(
    RESULTS_FILE,
    `${JSON.stringify({ composition: composition(run.results), evaluation: run.evaluation, colourways: run.colourways, generationMs: run.generationMs, checkMs: run.checkMs, results: run.results }, null, 2)}\n`,
  );
  console.log(`QC checks on the labelled set (${run.results.length} images; made in ${(run.generationMs / 1000).toFixed(1)} s, checked in ${(run.checkMs / 1000).toFixed(1)} s) → ${RESULTS_FILE}\n${formatQcEvaluation(run.evaluation)}\n${colourwayLine(run)}`);
}, 600_000);

describe("layer-1 QC checks on the labelled defect set", () => {
  it("stops at least 90 % of the defective images, and at least 90 % of what it stops is defective", () => {
    const { image } = run.evaluation;
    expect(image.recall!, `missed: ${image.falseNegatives.join(", ")}`).toBeGreaterThanOrEqual(IMAGE_RECALL_FLOOR);
    expect(image.precision!, `stopped but fine: ${image.falsePositives.join(", ")}`).toBeGreaterThanOrEqual(IMAGE_PRECISION_FLOOR);
  });

  it("rejects no image that should pass", () => {
    const rejected = run.results.filter((r) => r.label.expectedChecks.length === 0 && r.verdict === "reject");
    expect(rejected.map((r) => `${r.id}: ${Object.entries(r.verdicts).filter(([, v]) => v === "reject").map(([c]) => `${c} ${r.scores[c as keyof typeof r.scores]}`).join(", ")}`)).toEqual([]);
  });

  it("stops every defect's severe level", () => {
    const missed = run.evaluation.bySeverity.filter((g) => g.severity === "severe" && g.notPassed < g.images);
    expect(missed.map((g) => `${g.defect}: ${g.notPassed}/${g.images} stopped`)).toEqual([]);
  });
});
