import { describe, expect, it } from "vitest";
import { type AutoscaleSummary, judgeAutoscale } from "./autoscale-verdict.ts";

const MIN_DESIRED = 4;
const run: AutoscaleSummary = {
  peakReady: 4,
  peakDesired: 10,
  readyAtLoadStart: 0,
  secondsBackToZero: 63,
  requests: 36726,
  failed: 0,
};

describe("the autoscale scenario's verdict on the cluster", () => {
  it.each<[string, Partial<AutoscaleSummary>, number, number, boolean]>([
    ["every replica wanted was ready", { peakReady: 6, peakDesired: 6 }, 0, 0, true],
    ["the shortfall is the scheduler's (Insufficient cpu)", {}, 0, 6, true],
    ["a shortfall nobody explains", {}, 0, 0, false],
    ["the autoscaler never wanted many", { peakDesired: 3, peakReady: 3 }, 0, 0, false],
    ["the autoscaler wanted just enough", { peakDesired: 4, peakReady: 4 }, 0, 0, true],
    ["not from zero", { readyAtLoadStart: 1 }, 0, 6, false],
    ["never back to zero", { secondsBackToZero: null }, 0, 6, false],
    ["a failed request", { failed: 1 }, 0, 6, false],
    ["the runner's own thresholds failed", {}, 1, 6, false],
    ["one replica is no scaling", { peakReady: 1 }, 0, 9, false],
  ])("%s", (_, change, exitCode, unschedulable, ok) => {
    expect(judgeAutoscale({ ...run, ...change }, exitCode, unschedulable, MIN_DESIRED).ok).toBe(ok);
  });

  it("says which part failed", () => {
    const { figures } = judgeAutoscale(run, 0, 0, MIN_DESIRED);
    expect(figures).toContain("FAIL 6 wanted but not ready: 0 scheduling failures for Insufficient cpu");
    expect(figures).toContain("ok   the autoscaler wanted 10 replicas at the peak (at least 4)");
  });
});
