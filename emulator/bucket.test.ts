import { describe, expect, it } from "vitest";
import { fullBucket, giveBack, refill, setLevel, take, throttleStatus } from "./bucket";

const limits = { maximumAvailable: 1000, restoreRate: 100 };

describe("leaky bucket", () => {
  it("refills at the restore rate per second, up to the maximum", () => {
    const empty = setLevel(fullBucket(limits, 0), 0, 0);
    expect(refill(empty, 2500).currentlyAvailable).toBe(250);
    expect(refill(empty, 60_000).currentlyAvailable).toBe(1000);
    expect(refill(empty, -5).currentlyAvailable).toBe(0);
  });

  it("takes a query's cost when it fits, and refuses (unchanged) when it does not", () => {
    const start = setLevel(fullBucket(limits, 0), 100, 0);
    const taken = take(start, 60, 0);
    expect(taken.throttled).toBe(false);
    expect(taken.bucket.currentlyAvailable).toBe(40);
    const refused = take(taken.bucket, 50, 0);
    expect(refused.throttled).toBe(true);
    expect(refused.bucket.currentlyAvailable).toBe(40);
    // 100 ms later 10 points have come back: now 50 fits exactly.
    expect(take(taken.bucket, 50, 100).throttled).toBe(false);
  });

  it("gives back what a query did not use, never above the maximum", () => {
    const bucket = setLevel(fullBucket(limits, 0), 900, 0);
    expect(giveBack(bucket, 50, 0).currentlyAvailable).toBe(950);
    expect(giveBack(bucket, 500, 0).currentlyAvailable).toBe(1000);
    expect(giveBack(bucket, -10, 0).currentlyAvailable).toBe(900);
  });

  it("clamps a level set by hand and reports whole points", () => {
    expect(setLevel(fullBucket(limits, 0), 5000, 0).currentlyAvailable).toBe(1000);
    expect(setLevel(fullBucket(limits, 0), -1, 0).currentlyAvailable).toBe(0);
    expect(throttleStatus({ ...fullBucket(limits, 0), currentlyAvailable: 12.7 })).toEqual({ maximumAvailable: 1000, currentlyAvailable: 12, restoreRate: 100 });
  });
});
