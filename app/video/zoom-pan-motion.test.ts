import { describe, expect, it } from "vitest";
import { seededRandom } from "./seeded-random";
import { zoomPanFilter, zoomPanMotion } from "./zoom-pan-motion";

describe("seededRandom", () => {
  it("repeats for a seed and differs between seeds", () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    const c = seededRandom(43);
    expect([c(), c(), c()]).not.toEqual(first);
    expect(first.every((n) => n >= 0 && n < 1)).toBe(true);
  });
});

describe("zoomPanMotion", () => {
  it("is the same move for the same seed", () => {
    expect(zoomPanMotion(7)).toEqual(zoomPanMotion(7));
  });

  it("always zooms between 1× and 1.3× and keeps the window inside the picture", () => {
    for (let seed = 0; seed < 200; seed += 1) {
      const m = zoomPanMotion(seed);
      expect(Math.min(m.zoomFrom, m.zoomTo)).toBe(1);
      expect(Math.max(m.zoomFrom, m.zoomTo)).toBeGreaterThanOrEqual(1.12);
      expect(Math.max(m.zoomFrom, m.zoomTo)).toBeLessThanOrEqual(1.3);
      for (const p of [m.from, m.to]) for (const v of [p.x, p.y]) expect(v >= 0 && v <= 1).toBe(true);
    }
  });

  it("gives different seeds different moves, both in and out", () => {
    const moves = Array.from({ length: 20 }, (_, seed) => zoomPanMotion(seed));
    expect(new Set(moves.map((m) => JSON.stringify(m))).size).toBe(20);
    expect(moves.some((m) => m.zoomTo > m.zoomFrom)).toBe(true);
    expect(moves.some((m) => m.zoomTo < m.zoomFrom)).toBe(true);
  });
});

describe("zoomPanFilter", () => {
  const motion = { zoomFrom: 1, zoomTo: 1.2, from: { x: 0.5, y: 0.25 }, to: { x: 0.25, y: 0.5 } };

  it("writes a linear move over exactly the requested frames", () => {
    expect(zoomPanFilter(motion, { frames: 75, width: 720, height: 1080, fps: 25 })).toBe(
      "zoompan=z='(1.00000+0.20000*(on/74))':x='(iw-iw/zoom)*(0.50000+-0.25000*(on/74))':y='(ih-ih/zoom)*(0.25000+0.25000*(on/74))':d=75:s=720x1080:fps=25",
    );
  });

  it("never divides by zero for a one-frame clip", () => {
    expect(zoomPanFilter(motion, { frames: 1, width: 16, height: 16, fps: 1 })).toContain("(on/1)");
  });
});
