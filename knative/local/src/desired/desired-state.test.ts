import { describe, expect, it } from "vitest";
import { readDesiredState } from "./desired-state.ts";
import { renderKustomizationSync } from "./render.ts";

const service = (name: string, templateAnnotations: string, extra = "") => `
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: ${name}
spec:
  template:
    metadata:
      annotations:
${templateAnnotations}
    spec:
      containerConcurrency: 10
      containers:
        - image: example/${name}
${extra}`;

describe("the local overlay as desired state", () => {
  const state = readDesiredState(renderKustomizationSync("knative/overlays/local"));

  it("has the four functions, their canaries and the bare-domain mapping", () => {
    expect(state.services.map((s) => s.name).sort()).toEqual(["analytics", "links", "redirect", "web"]);
    expect(
      state.canaries.map((c) => [c.service, c.intervalMs, c.stepWeight, c.minSuccessRate, c.maxDurationMs]).sort(),
    ).toEqual([
      ["analytics", 10_000, 20, 99, 500],
      ["links", 10_000, 20, 99, 500],
      ["redirect", 10_000, 20, 99, 500],
      ["web", 10_000, 20, 99, 500],
    ]);
    expect(state.domainMappings.get("localhost")).toBe("redirect");
    expect(state.configMaps.get("platform-config")?.SHORT_URL_BASE).toBe("http://localhost:8080");
  });

  it("reads each revision's scaling settings from its annotations", () => {
    const redirect = state.services.find((s) => s.name === "redirect");
    expect(redirect?.autoscaling).toMatchObject({
      minScale: 0,
      maxScale: 20,
      stableWindowMs: 6000,
      targetValue: 70,
      totalValue: 100,
    });
    expect(redirect?.readinessPath).toBe("/health/readiness");
    const links = state.services.find((s) => s.name === "links");
    expect(links?.autoscaling.targetValue).toBeCloseTo(14); // containerConcurrency 20 x 70 %
  });
});

describe("a manifest Knative would reject", () => {
  it.each([
    [
      service("a", '        autoscaling.knative.dev/min-scale: "3"\n        autoscaling.knative.dev/max-scale: "2"'),
      "Service/a: validation failed: max-scale=2 is less than min-scale=3",
    ],
    [
      service("b", '        autoscaling.knative.dev/window: "2s"'),
      "Service/b: validation failed: expected 6s <= 2s <= 1h0m0s: spec.template.metadata.annotations.autoscaling.knative.dev/window",
    ],
    [
      service("c", '        note: "x"', "  traffic:\n    - latestRevision: true\n      percent: 90\n"),
      "Service/c: validation failed: Traffic targets sum to 90, want 100: spec.traffic",
    ],
    [
      `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: d
  annotations:
    autoscaling.knative.dev/min-scale: "1"
spec:
  template:
    spec:
      containers:
        - image: example/d
`,
      'Service/d: validation failed: autoscaling annotations must be put under "spec.template.metadata.annotations" to work',
    ],
  ])("is refused with Knative's message (%#)", (yaml, message) => {
    expect(() => readDesiredState(yaml)).toThrow(message);
  });
});

describe("template digests", () => {
  const digest = (yaml: string) => readDesiredState(yaml).services[0]?.templateDigest;

  it("change with the template only", () => {
    const a = service("x", '        autoscaling.knative.dev/target: "10"');
    const reordered = `${a}`
      .replace("containerConcurrency: 10\n      containers:", "containers:")
      .replace("        - image: example/x\n", "        - image: example/x\n      containerConcurrency: 10\n");
    const changed = service("x", '        autoscaling.knative.dev/target: "20"');
    expect(digest(reordered)).toBe(digest(a));
    expect(digest(changed)).not.toBe(digest(a));
  });
});

describe("serving.knative.dev/rollout-duration", () => {
  const withRollout = (value: string) => `
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: links
  annotations:
    serving.knative.dev/rollout-duration: "${value}"
spec:
  template:
    spec:
      containers:
        - image: example/links
`;

  it("is read as a Go duration", () => {
    expect(readDesiredState(withRollout("1m30s")).services[0]?.rolloutDurationMs).toBe(90_000);
  });

  it.each([
    [
      "soon",
      "Service/links: validation failed: invalid value: soon: metadata.annotations.serving.knative.dev/rollout-duration",
    ],
    [
      "-5s",
      "Service/links: validation failed: rollout-duration=-5s must be positive: metadata.annotations.serving.knative.dev/rollout-duration",
    ],
  ])("%s is refused", (value, message) => {
    expect(() => readDesiredState(withRollout(value))).toThrow(message);
  });
});
