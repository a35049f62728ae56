import { describe, expect, it } from "vitest";
import { analyzeCanary, type CanaryAnalysis, type CanaryMetrics, canaryTraffic, startCanary } from "./analysis.ts";

const analysis: CanaryAnalysis = {
  intervalMs: 10_000,
  threshold: 2,
  maxWeight: 50,
  stepWeight: 10,
  minSuccessRate: 99,
  maxDurationMs: 500,
};

function run(metrics: CanaryMetrics[]) {
  let state = startCanary("redirect-00001", "redirect-00002");
  const weights: number[] = [];
  const events: string[] = [];
  for (const m of metrics) {
    const step = analyzeCanary(analysis, state, m);
    state = step.state;
    weights.push(state.weight);
    events.push(...step.events);
  }
  return { state, weights, events };
}

const healthy = { successRate: 100, durationP99Ms: 20 };

describe("canary analysis", () => {
  it("moves stepWeight at each passing interval up to maxWeight, then promotes", () => {
    const { state, weights, events } = run(Array(7).fill(healthy));
    expect(weights).toEqual([10, 20, 30, 40, 50, 100, 100]);
    expect(state).toMatchObject({ phase: "Succeeded", primary: "redirect-00002" });
    expect(events.at(-1)).toBe("Promotion completed! redirect-00002 is the primary revision");
    expect(canaryTraffic(state)).toEqual([{ revisionName: "redirect-00002", percent: 100 }]);
  });

  it("rolls back after `threshold` failed checks", () => {
    const failing = { successRate: 80, durationP99Ms: 20 };
    const { state, weights, events } = run([healthy, failing, failing, healthy]);
    expect(weights).toEqual([10, 10, 0, 0]);
    expect(state).toMatchObject({ phase: "Failed", primary: "redirect-00001", failedChecks: 2 });
    expect(events).toContain("Halt redirect-00002 advancement: request-success-rate 80.00% < 99%");
    expect(events).toContain("Rolling back redirect-00002: failed checks threshold reached 2");
    expect(canaryTraffic(state)).toEqual([
      { revisionName: "redirect-00001", percent: 100, tag: "primary" },
      { revisionName: "redirect-00002", percent: 0, tag: "canary" },
    ]);
  });

  it.each([
    ["too slow", { successRate: 100, durationP99Ms: 900 }, "request-duration 900ms > 500ms"],
    ["no traffic at all", {}, "request-success-rate: no values found"],
  ])("counts a failed check when %s", (_name, metrics, message) => {
    const { state, events } = run([healthy, metrics]);
    expect(state.failedChecks).toBe(1);
    expect(events.some((e) => e.includes(message))).toBe(true);
  });
});
