import { describe, expect, it } from "vitest";
import { throttleWaitMs } from "./throttle";

const status = (currentlyAvailable: number, restoreRate = 100, maximumAvailable = 1000) => ({
  requestedQueryCost: 300,
  throttleStatus: { currentlyAvailable, restoreRate, maximumAvailable },
});

describe("throttleWaitMs", () => {
  it("waits until the bucket holds the requested cost, at the reported restore rate", () => {
    expect(throttleWaitMs(status(100))).toBe(2050);
    expect(throttleWaitMs(status(100, 1000))).toBe(250);
  });
  it("does not wait when the bucket already holds enough", () => {
    expect(throttleWaitMs(status(500))).toBe(0);
  });
  it("caps the target at the bucket size and uses the next query's cost when given", () => {
    expect(throttleWaitMs(status(0, 100, 200), 5000)).toBe(2050);
    expect(throttleWaitMs(status(250), 200)).toBe(0);
  });
  it("waits a second when the answer carried no status", () => {
    expect(throttleWaitMs(null)).toBe(1000);
  });
});
