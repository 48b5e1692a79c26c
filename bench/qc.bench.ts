import sharp from "sharp";
import { runImageChecks } from "../app/qc/image-checks";
import { DEFAULT_QC_RECIPE } from "../app/qc/qc-check";
import { formatQcEvaluation } from "../app/qc/qc-evaluation";
import { colourwayLine, evaluateQcDefectSet, qcGoodInput } from "../test/support/qc-defect-set";
import { measure, printComparison } from "./harness";

/**
 * Layer-1 QC (issue #6). Speed: every image check on one 2048 × 2048 pdp
 * rendition decoded to raw (target under 150 ms), beside what one sharp
 * decode of that JPEG costs in the same run. Quality: precision and recall of
 * the checks on the labelled defect set, the same evaluation the test runs.
 */

const TARGET_MS = 150;
/** The striped tee: the most subject detail and edge of the good images, so the slowest for the pixel checks. */
const BENCH_GARMENT = "striped-tee";

export async function benchQc(): Promise<void> {
  const { input, jpeg } = await qcGoodInput(BENCH_GARMENT);
  const checkInput = { ...input, recipe: DEFAULT_QC_RECIPE };
  console.log(`\nQC layer 1: all image checks on a ${input.image.width}×${input.image.height} pdp rendition (${Math.round(jpeg.length / 1024)} KB JPEG), sharp concurrency ${sharp.concurrency()}`);
  const decode = await measure("sharp: decode the JPEG to raw RGB", () => sharp(jpeg).raw().toBuffer());
  const checks = await measure("runImageChecks: every layer-1 image check", async () => runImageChecks(checkInput));
  printComparison("QC checks vs one decode of the same JPEG", checks, decode);
  console.log(`  the checks cost ${(checks.medianMs / decode.medianMs).toFixed(1)} decodes; target under ${TARGET_MS} ms: median ${checks.medianMs.toFixed(0)} ms (${checks.medianMs < TARGET_MS ? "within" : "over"}), p95 ${checks.p95Ms.toFixed(0)} ms`);
  const breakdown = runImageChecks(checkInput);
  console.log(`  one run as the result reports it: ${breakdown.ms} ms`);

  console.log("\nQC layer 1 on the labelled defect set (test/support/qc-defect-set.ts)");
  const run = await evaluateQcDefectSet((i) => runImageChecks(i));
  console.log(`  ${run.results.length} images; made in ${(run.generationMs / 1000).toFixed(1)} s, checked in ${(run.checkMs / 1000).toFixed(1)} s (${(run.checkMs / run.results.length).toFixed(0)} ms an image)`);
  console.log(formatQcEvaluation(run.evaluation));
  console.log(colourwayLine(run));
}
