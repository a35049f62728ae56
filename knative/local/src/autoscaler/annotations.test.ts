import { describe, expect, it } from "vitest";
import { readAutoscaling, validateAutoscalingAnnotations } from "./annotations.ts";

const a = (values: Record<string, string>) =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [`autoscaling.knative.dev/${k}`, v]));
const path = (key: string) => `spec.template.metadata.annotations.autoscaling.knative.dev/${key}`;

describe("autoscaling settings", () => {
  it("default to Knative's: 70 concurrent requests per replica, 60 s and 6 s windows, panic at 200 %", () => {
    const { settings, errors } = readAutoscaling({}, 0);
    expect(errors).toEqual([]);
    expect(settings).toMatchObject({
      class: "kpa",
      metric: "concurrency",
      targetValue: 70,
      totalValue: 100,
      targetBurstCapacity: 211,
      stableWindowMs: 60_000,
      panicWindowMs: 6_000,
      panicThreshold: 2,
      minScale: 0,
      maxScale: 0,
      initialScale: 1,
      activationScale: 1,
    });
  });

  it.each([
    ["containerConcurrency 10 x 70 %", {}, 10, 7, 10],
    ["target 50 x 70 %", { target: "50" }, 0, 35, 50],
    ["target capped at containerConcurrency", { target: "50" }, 10, 7, 10],
    ["utilization 100 %", { "target-utilization-percentage": "100" }, 0, 100, 100],
    ["rps: 200 per second", { metric: "rps" }, 0, 140, 200],
    ["never below 0.01", { target: "0.01", "target-utilization-percentage": "1" }, 0, 0.01, 0.01],
  ])("target: %s", (_name, annotations, cc, targetValue, totalValue) => {
    const { settings, errors } = readAutoscaling(a(annotations), cc);
    expect(errors).toEqual([]);
    expect(settings.targetValue).toBeCloseTo(targetValue, 6);
    expect(settings.totalValue).toBe(totalValue);
  });

  it.each([
    ["60s and 10 %", { window: "60s" }, 6_000],
    ["6s and 10 % rounds to 1 s", { window: "6s" }, 1_000],
    ["2m and 25 %", { window: "2m", "panic-window-percentage": "25" }, 30_000],
  ])("panic window: %s", (_name, annotations, ms) => {
    expect(readAutoscaling(a(annotations), 0).settings.panicWindowMs).toBe(ms);
  });
});

describe("invalid annotations answer with Knative's messages", () => {
  it.each([
    [
      { "min-scale": "3", "max-scale": "2" },
      `max-scale=2 is less than min-scale=3: ${path("max-scale")}, ${path("min-scale")}`,
    ],
    [{ "min-scale": "-1" }, `expected 0 <= -1 <= 2147483647: ${path("min-scale")}`],
    [{ "max-scale": "many" }, `invalid value: many: ${path("max-scale")}`],
    [{ window: "5s" }, `expected 6s <= 5s <= 1h0m0s: ${path("window")}`],
    [{ window: "2h" }, `expected 6s <= 2h <= 1h0m0s: ${path("window")}`],
    [{ window: "6.5s" }, `must be specified with at most second precision: ${path("window")}`],
    [{ window: "soon" }, `invalid value: soon: ${path("window")}`],
    [{ target: "0" }, `target 0 should be at least 0.01: ${path("target")}`],
    [{ "target-utilization-percentage": "120" }, `expected 1 <= 120 <= 100: ${path("target-utilization-percentage")}`],
    [{ "panic-window-percentage": "0" }, `expected 1 <= 0 <= 100: ${path("panic-window-percentage")}`],
    [{ "panic-threshold-percentage": "100" }, `expected 110 <= 100 <= 1000: ${path("panic-threshold-percentage")}`],
    [{ "target-burst-capacity": "-2" }, `invalid value: -2: ${path("target-burst-capacity")}`],
    [{ "activation-scale": "1" }, `min-activate-scale=1 must be greater than 1: ${path("activation-scale")}`],
    [
      { "max-scale": "2", "activation-scale": "3" },
      `max-scale=2 is less than min-activate-scale=3: ${path("activation-scale")}`,
    ],
    [{ "scale-down-delay": "2h" }, `expected 0s <= 2h <= 1h0m0s: ${path("scale-down-delay")}`],
    [{ "scale-down-delay": "1.5s" }, `must be specified with at most second precision: ${path("scale-down-delay")}`],
    [{ metric: "cpu" }, `invalid value: cpu: ${path("metric")}`],
    [{ class: "foo.autoscaling.knative.dev" }, `invalid value: foo.autoscaling.knative.dev: ${path("class")}`],
    [{ "initial-scale": "0" }, "invalid value: 0: autoscaling.knative.dev/initial-scale=0 not allowed by cluster"],
  ])("%j", (annotations, message) => {
    expect(validateAutoscalingAnnotations(a(annotations))).toEqual([message]);
  });

  it("reports every problem at once", () => {
    expect(validateAutoscalingAnnotations(a({ window: "1s", target: "0", metric: "cpu" }))).toHaveLength(3);
  });
});
