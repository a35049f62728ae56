import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { defaultAutoscalerConfig, readAutoscalerConfig } from "./config-autoscaler.ts";

// Cases of Knative's pkg/autoscaler/config/config_test.go (v0.51.0), with the messages its validate() returns.
describe("readAutoscalerConfig", () => {
  it("has Knative's defaults with no data, and ignores keys Knative does not know", () => {
    expect(readAutoscalerConfig({})).toEqual(defaultAutoscalerConfig);
    expect(readAutoscalerConfig({ _example: "# …", "tick-interval": "2s" })).toEqual(defaultAutoscalerConfig);
  });

  it("reads the ConfigMap kept with the manifests, which holds Knative's defaults", () => {
    const manifest = parse(
      readFileSync(new URL("../../../base/knative-serving/config-autoscaler.yaml", import.meta.url), "utf8"),
    );
    expect(manifest.metadata).toEqual({ name: "config-autoscaler", namespace: "knative-serving" });
    expect(readAutoscalerConfig(manifest.data)).toEqual(defaultAutoscalerConfig);
  });

  it("reads overridden values (the 'overridden' case)", () => {
    const config = readAutoscalerConfig({
      "enable-scale-to-zero": "true",
      "max-scale-down-rate": "3.0",
      "max-scale-up-rate": "1.01",
      "container-concurrency-target-percentage": "0.71",
      "container-concurrency-target-default": "10.5",
      "requests-per-second-target-default": "10.11",
      "target-burst-capacity": "12345",
      "scale-down-delay": "15m",
      "stable-window": "5m",
      "tick-interval": "2s",
      "panic-window-percentage": "10",
      "panic-threshold-percentage": "200",
      "pod-autoscaler-class": "some.class",
      "activator-capacity": "905",
      "scale-to-zero-pod-retention-period": "2m3s",
    });
    expect(config).toMatchObject({
      maxScaleDownRate: 3,
      maxScaleUpRate: 1.01,
      containerConcurrencyTargetFraction: 0.71,
      containerConcurrencyTargetDefault: 10.5,
      rpsTargetDefault: 10.11,
      targetBurstCapacity: 12345,
      scaleDownDelayMs: 900_000,
      stableWindowMs: 300_000,
      podAutoscalerClass: "some.class",
      activatorCapacity: 905,
      scaleToZeroPodRetentionPeriodMs: 123_000,
    });
  });

  it.each([
    [
      "a percentage over 1 is percent",
      { "container-concurrency-target-percentage": "55" },
      { containerConcurrencyTargetFraction: 0.55 },
    ],
    ["-1 target burst capacity", { "target-burst-capacity": "-1" }, { targetBurstCapacity: -1 }],
    ["toggles in strange casing", { "enable-scale-to-zero": "TRUE" }, { enableScaleToZero: true }],
    [
      "toggles flipped",
      { "enable-scale-to-zero": "false", "min-scale": "1", "max-scale": "2" },
      { enableScaleToZero: false, minScale: 1, maxScale: 2 },
    ],
    [
      "zero initial scale when allowed",
      { "allow-zero-initial-scale": "true", "initial-scale": "0" },
      { initialScale: 0 },
    ],
  ])("%s", (_name, data, want) => {
    expect(readAutoscalerConfig(data)).toMatchObject(want);
  });

  it.each([
    [
      { "max-scale-up-rate": "not a float" },
      'failed to parse data: failed to parse "max-scale-up-rate": strconv.ParseFloat: parsing "not a float": invalid syntax',
    ],
    [{ "scale-down-delay": "-1m23s" }, "scale-down-delay cannot be negative, was: -1m23s"],
    [
      { "scale-to-zero-pod-retention-period": "-4m11s" },
      "scale-to-zero-pod-retention-period cannot be negative, was: -4m11s",
    ],
    [
      { "stable-window": "not a duration" },
      'failed to parse data: failed to parse "stable-window": time: invalid duration "not a duration"',
    ],
    [
      { "target-burst-capacity": "-11" },
      "target-burst-capacity must be either non-negative or -1 (for unlimited), was: -11.000000",
    ],
    [
      { "container-concurrency-target-percentage": "-42" },
      "container-concurrency-target-percentage = -42.000000 is outside of valid range of (0, 100]",
    ],
    [
      { "container-concurrency-target-percentage": "142.4" },
      "container-concurrency-target-percentage = 1.424000 is outside of valid range of (0, 100]",
    ],
    [
      { "requests-per-second-target-default": "-5.25" },
      "requests-per-second-target-default must be at least 0.01, was: -5.25",
    ],
    [{ "max-scale-up-rate": "1" }, "max-scale-up-rate = 1, must be greater than 1.0"],
    [{ "max-scale-down-rate": "-55" }, "max-scale-down-rate = -55, must be greater than 1.0"],
    [{ "stable-window": "1h1s" }, "stable-window = 1h0m1s, must be in [6s; 1h0m0s] range"],
    [{ "stable-window": "1s" }, "stable-window = 1s, must be in [6s; 1h0m0s] range"],
    [{ "stable-window": "61984ms" }, "stable-window = 1m1.984s, must be specified with at most second precision"],
    [{ "scale-down-delay": "61984ms" }, "scale-down-delay = 1m1.984s, must be specified with at most second precision"],
    [{ "activator-capacity": "0.95" }, "activator-capacity = 0.95, must be at least 1"],
    [{ "panic-window-percentage": "0.1" }, "panic-window-percentage = 0.1, must be in [1, 100] interval"],
    [{ "panic-window-percentage": "110" }, "panic-window-percentage = 110, must be in [1, 100] interval"],
    [
      { "container-concurrency-target-percentage": "1", "container-concurrency-target-default": "0.001" },
      "container-concurrency-target-percentage and container-concurrency-target-default yield target concurrency of 0.001, can't be less than 0.01",
    ],
    [{ "scale-to-zero-grace-period": "0s" }, "scale-to-zero-grace-period must be positive, was: 0s"],
    [
      { "initial-scale": "0" },
      "initial-scale = 0, must be at least 0 (or at least 1 when allow-zero-initial-scale is false)",
    ],
    [
      { "initial-scale": "-1" },
      "initial-scale = -1, must be at least 0 (or at least 1 when allow-zero-initial-scale is false)",
    ],
    [
      { "initial-scale": "invalid" },
      'failed to parse data: failed to parse "initial-scale": strconv.ParseInt: parsing "invalid": invalid syntax',
    ],
    [{ "min-scale": "-1" }, "min-scale = -1, must be at least 0"],
    [{ "max-scale": "-1" }, "max-scale = -1, must be in [0, max-scale-limit(0)] range"],
    [{ "max-scale-limit": "10", "max-scale": "11" }, "max-scale = 11, must be in [1, max-scale-limit(10)] range"],
    [{ "max-scale-limit": "10" }, "max-scale = 0, must be in [1, max-scale-limit(10)] range"],
    [{ "min-scale": "3", "max-scale": "2" }, "min-scale (3) must be less than max-scale (2)"],
    [
      { "enable-scale-to-zero": "yes" },
      'failed to parse data: failed to parse "enable-scale-to-zero": strconv.ParseBool: parsing "yes": invalid syntax',
    ],
  ])("refuses %j: %s", (data, message) => {
    expect(() => readAutoscalerConfig(data)).toThrow(new Error(message));
  });
});
