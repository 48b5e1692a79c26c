import type { Box } from "../imaging/raw-image";
import { checkResult, unmeasured, type QcCheckResult, type QcThreshold } from "./qc-check";

/**
 * Does the subject sit where the category's framing puts it? The renditions
 * fit the subject into the margin box (canvas-layout's placeSubject): its
 * height fills the box unless it is too wide, when its width fills the box
 * between the side margins instead; bottom-aligned subjects stand on the
 * bottom margin line, others are centred in the box; all are centred across.
 * Pure.
 */

export interface FramingExpectation {
  align: "center" | "bottom";
  /** Fractions of the canvas: top and bottom of its height, side of its width (each side). */
  margins: { top: number; bottom: number; side: number };
}

const percent = (value: number) => Math.round(value * 100) / 100;

/**
 * Score: the largest deviation, in percent of the canvas, of the subject's
 * size (its height, or its width when the side margins limit it, in percent
 * of the canvas width), its vertical position (baseline for bottom-aligned,
 * centre otherwise) and its horizontal centre. `box` is the subject's box in
 * an image of `size` (a soft contact shadow below it excluded, as subjectMask does).
 */
export function checkFraming(box: Box | null, size: { width: number; height: number }, expected: FramingExpectation, t: QcThreshold): QcCheckResult {
  if (!box) return unmeasured("framing", t, "Framing not measured: no subject was found");
  const { width: W, height: H } = size;
  const { top, bottom, side } = expected.margins;
  const boxTop = top * H;
  const boxBottom = (1 - bottom) * H;
  const availableHeight = boxBottom - boxTop;
  const availableWidth = (1 - 2 * side) * W;
  const widthLimited = box.width / availableWidth > box.height / availableHeight;

  const sizeOff = widthLimited ? (100 * (box.width - availableWidth)) / W : (100 * (box.height - availableHeight)) / H;
  const subjectBottom = box.top + box.height;
  const verticalOff = expected.align === "bottom" ? (100 * (subjectBottom - boxBottom)) / H : (100 * (box.top + box.height / 2 - (boxTop + boxBottom) / 2)) / H;
  const horizontalOff = (100 * (box.left + box.width / 2 - W / 2)) / W;
  const score = Math.max(Math.abs(sizeOff), Math.abs(verticalOff), Math.abs(horizontalOff));

  const findings: string[] = [];
  const dimension = widthLimited ? "width" : "height";
  if (Math.abs(sizeOff) > t.flag) findings.push(`the subject's ${dimension} is ${Math.abs(sizeOff).toFixed(1)}% of the canvas ${sizeOff < 0 ? "short of" : "beyond"} the margins`);
  if (Math.abs(verticalOff) > t.flag) {
    const where = expected.align === "bottom" ? "its base" : "its centre";
    findings.push(`${where} sits ${Math.abs(verticalOff).toFixed(1)}% of the height ${verticalOff < 0 ? "above" : "below"} where the framing puts it`);
  }
  if (Math.abs(horizontalOff) > t.flag) findings.push(`it is ${Math.abs(horizontalOff).toFixed(1)}% of the width off centre to the ${horizontalOff < 0 ? "left" : "right"}`);
  const reason = findings.length === 0 ? `The subject fills the margins and sits where the framing puts it (largest deviation ${score.toFixed(1)}%)` : `Framing is off: ${findings.join("; ")}`;
  return checkResult("framing", score, t, reason, { limitedBy: dimension, size: percent(sizeOff), vertical: percent(verticalOff), horizontal: percent(horizontalOff) });
}
