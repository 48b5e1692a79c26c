import { describe, expect, it } from "vitest";
import { progressOf, rollUpOrder, rollUpRequest } from "./production-status";

describe("rollUpRequest", () => {
  it("is queued until a candidate starts, then running until all finish", () => {
    expect(rollUpRequest(["queued", "queued"])).toBe("queued");
    expect(rollUpRequest(["submitted", "queued"])).toBe("running");
    expect(rollUpRequest(["stored", "queued"])).toBe("running");
  });

  it("succeeds when at least one candidate is stored, fails when none is", () => {
    expect(rollUpRequest(["stored", "failed", "failed"])).toBe("succeeded");
    expect(rollUpRequest(["failed", "canceled"])).toBe("failed");
    expect(rollUpRequest(["canceled", "canceled"])).toBe("canceled");
    expect(rollUpRequest([])).toBe("failed");
  });

  it("is paused while any candidate waits for the budget", () => {
    expect(rollUpRequest(["stored", "paused", "queued"])).toBe("paused");
  });
});

describe("rollUpOrder", () => {
  it("completes when every AI request succeeded; studio requests do not hold it open", () => {
    expect(rollUpOrder(["succeeded", "succeeded", "waiting-studio"])).toBe("completed");
    expect(rollUpOrder(["waiting-studio"])).toBe("completed");
  });

  it("is partial when some requests failed and others succeeded, failed when none succeeded", () => {
    expect(rollUpOrder(["succeeded", "failed"])).toBe("partial");
    expect(rollUpOrder(["failed", "canceled"])).toBe("failed");
    expect(rollUpOrder(["canceled", "canceled"])).toBe("canceled");
  });

  it("is running while any request runs, paused before running", () => {
    expect(rollUpOrder(["succeeded", "running"])).toBe("running");
    expect(rollUpOrder(["queued", "queued"])).toBe("queued");
    expect(rollUpOrder(["running", "paused"])).toBe("paused");
  });
});

describe("progressOf", () => {
  it("counts stored, failed and canceled candidates as done", () => {
    expect(progressOf(["stored", "failed", "canceled", "submitted"])).toEqual({ done: 3, total: 4, percent: 75 });
    expect(progressOf([])).toEqual({ done: 0, total: 0, percent: 100 });
    expect(progressOf(["stored", "queued", "queued"]).percent).toBe(33);
  });
});
