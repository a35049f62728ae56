import { describe, expect, it } from "vitest";
import { defaultAutoscalerConfig } from "../autoscaler/config-autoscaler.ts";
import { InvalidManifestError, readDesiredState } from "./desired-state.ts";
import { renderLocalPlatformSync } from "./render.ts";

const service = (annotations: string) => `
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: echo
spec:
  template:
    metadata:
      annotations:
${annotations}
    spec:
      containers:
        - image: example/echo
`;

const configAutoscaler = (data: string, namespace = "knative-serving") => `
apiVersion: v1
kind: ConfigMap
metadata:
  name: config-autoscaler
  namespace: ${namespace}
data:
${data}
`;

describe("the cluster's config-autoscaler in the desired state", () => {
  it("is what the local platform renders (the overlay and knative/base/knative-serving): Knative's defaults", () => {
    const state = readDesiredState(renderLocalPlatformSync());
    expect(state.autoscalerConfig).toEqual(defaultAutoscalerConfig);
    expect(state.configMaps.has("config-autoscaler")).toBe(false); // Knative's, not given to functions
  });

  it("sets what a revision's annotations leave unset", () => {
    const state = readDesiredState(
      [
        configAutoscaler(
          '  container-concurrency-target-default: "50"\n  container-concurrency-target-percentage: "80"\n  stable-window: "30s"\n  target-burst-capacity: "-1"\n  min-scale: "1"',
        ),
        service('        autoscaling.knative.dev/window: "12s"'),
      ].join("---\n"),
    );
    expect(state.services[0]?.autoscaling).toMatchObject({
      targetValue: 40,
      totalValue: 50,
      stableWindowMs: 12_000, // the annotation wins
      targetBurstCapacity: -1,
      minScale: 1,
    });
  });

  it("refuses the whole apply with Knative's message when Knative would refuse the ConfigMap", () => {
    const yaml = [
      configAutoscaler('  stable-window: "1s"'),
      service('        autoscaling.knative.dev/window: "12s"'),
    ].join("---\n");
    expect(() => readDesiredState(yaml)).toThrow(InvalidManifestError);
    expect(() => readDesiredState(yaml)).toThrow(
      "ConfigMap/config-autoscaler: validation failed: stable-window = 1s, must be in [6s; 1h0m0s] range",
    );
  });

  it("is only Knative's when in namespace knative-serving", () => {
    const state = readDesiredState(
      [
        configAutoscaler('  stable-window: "30s"', "default"),
        service('        autoscaling.knative.dev/metric: "rps"'),
      ].join("---\n"),
    );
    expect(state.autoscalerConfig).toEqual(defaultAutoscalerConfig);
    expect(state.configMaps.get("config-autoscaler")).toEqual({ "stable-window": "30s" });
  });
});
