import { describe, expect, it } from "vitest";
import { placeSubject } from "../imaging/canvas-layout";
import { checkFraming, type FramingExpectation } from "./framing";
import { defaultThreshold } from "./qc-check";

const CANVAS = { width: 1024, height: 1024 };
const BOTTOM: FramingExpectation = { align: "bottom", margins: { top: 0.06, bottom: 0.05, side: 0.08 } };
const t = defaultThreshold("framing");

/** Where the renditions put a subject of this size (the pipeline's own layout). */
const placed = (subject: { width: number; height: number }, framing = BOTTOM) => {
  const p = placeSubject(subject, CANVAS, framing);
  return { left: p.left, top: p.top, width: p.width, height: p.height };
};

describe("checkFraming", () => {
  it("passes subjects where the layout puts them, tall or wide, bottom-aligned or centred", () => {
    expect(checkFraming(placed({ width: 600, height: 1400 }), CANVAS, BOTTOM, t)).toMatchObject({ verdict: "pass" });
    expect(checkFraming(placed({ width: 1400, height: 600 }), CANVAS, BOTTOM, t)).toMatchObject({ verdict: "pass", detail: { limitedBy: "width" } });
    const centred: FramingExpectation = { align: "center", margins: { top: 0.1, bottom: 0.1, side: 0.1 } };
    expect(checkFraming(placed({ width: 500, height: 900 }, centred), CANVAS, centred, t).score).toBeLessThan(0.2);
  });

  it("rejects a subject 15 % too small, however it is placed", () => {
    const right = placed({ width: 600, height: 1400 });
    const height = Math.round(right.height * 0.85);
    const width = Math.round(right.width * 0.85);
    const small = { left: 512 - width / 2, top: right.top + right.height - height, width, height };
    const result = checkFraming(small, CANVAS, BOTTOM, t);
    expect(result.verdict).toBe("reject");
    expect(result.score).toBeCloseTo(0.15 * 89, 0);
    expect(result.reason).toContain("height");
  });

  it("flags a subject raised 4.5 % off the bottom line, and one pushed to the side", () => {
    const right = placed({ width: 600, height: 1400 });
    const raised = checkFraming({ ...right, top: right.top - 46 }, CANVAS, BOTTOM, t);
    expect(raised.verdict).toBe("flag");
    expect(raised.reason).toContain("above");
    expect(checkFraming({ ...right, left: right.left + 60 }, CANVAS, BOTTOM, t)).toMatchObject({ verdict: "flag", reason: expect.stringContaining("right") });
  });

  it("cannot judge without a subject", () => {
    expect(checkFraming(null, CANVAS, BOTTOM, t)).toMatchObject({ verdict: "flag", score: null });
  });
});
