import { describe, expect, it } from "vitest";
import { REPO } from "../client/run-command.ts";
import {
  baseAnalysis,
  type CanaryObservation,
  checkCanary,
  decidedBy,
  haltsByCheck,
  releaseCourse,
  releaseFinished,
} from "./canary-release.ts";

const course = (...rows: [number, string, number, number?][]): CanaryObservation[] =>
  rows.map(([t, phase, canaryWeight, failedChecks = 0]) => ({ t, phase, canaryWeight, failedChecks }));

describe("releaseCourse", () => {
  it("follows a promotion through its weights to Succeeded", () => {
    const observations = course(
      [0, "Initialized", 0],
      [3, "Progressing", 0],
      [12, "Progressing", 10],
      [22, "Progressing", 20],
      [32, "Progressing", 20],
      [42, "Progressing", 30],
      [52, "Promoting", 30],
      [62, "Finalising", 0],
      [72, "Succeeded", 0],
    );
    expect(releaseCourse(observations)).toEqual({
      outcome: "Succeeded",
      seconds: 72,
      weights: [10, 20, 30],
      mostFailedChecks: 0,
    });
    expect(releaseFinished(observations)).toBe(true);
  });

  it("skips the last release's final phase, shown until Flagger sees the new revision", () => {
    const observations = course(
      [0, "Failed", 0, 5],
      [1, "Failed", 0, 5],
      [4, "Progressing", 10],
      [9, "Progressing", 10, 2],
    );
    expect(releaseCourse(observations)).toEqual({
      outcome: "Progressing",
      seconds: 9,
      weights: [10],
      mostFailedChecks: 2,
    });
    expect(releaseFinished(observations)).toBe(false);
  });

  it("ends at the first final phase: a rollback", () => {
    const observations = course(
      [0, "Succeeded", 0],
      [5, "Progressing", 10, 1],
      [15, "Progressing", 10, 5],
      [16, "Failed", 0, 5],
    );
    expect(releaseCourse(observations)).toMatchObject({
      outcome: "Failed",
      seconds: 16,
      weights: [10],
      mostFailedChecks: 5,
    });
  });

  it("has not started while only the previous release's outcome is seen", () => {
    expect(releaseCourse(course([0, "Succeeded", 0]))).toMatchObject({ outcome: "not started", weights: [] });
    expect(releaseFinished(course([0, "Succeeded", 0]))).toBe(false);
  });
});

describe("checkCanary", () => {
  it("keeps the platform's analysis and changes only how often it runs", () => {
    const analysis = baseAnalysis(REPO, "redirect");
    const canary = checkCanary({ namespace: "cluster-test", name: "canary", analysis, interval: "10s" }) as {
      spec: { analysis: typeof analysis; targetRef: { name: string }; provider: string };
    };
    expect(canary.spec.provider).toBe("knative");
    expect(canary.spec.targetRef.name).toBe("canary");
    expect(canary.spec.analysis).toEqual({ ...analysis, interval: "10s" });
    expect(analysis.metrics.map((m) => m.name)).toEqual(["request-success-rate", "request-duration", "firing-alerts"]);
  });

  it("names a Service the platform does not canary", () => {
    expect(() => baseAnalysis(REPO, "nothing")).toThrow(/no Canary named nothing/);
  });
});

describe("haltsByCheck", () => {
  it("counts Flagger's halts by the check that failed, repeated events by their count", () => {
    expect(
      haltsByCheck([
        { message: "Advance canary.cluster-test canary weight 10", count: 1 },
        { message: "Halt canary.cluster-test advancement success rate 76.72% < 99%", count: 1 },
        { message: "Halt canary.cluster-test advancement success rate 71.59% < 99%", count: 1 },
        { message: "Halt canary.cluster-test advancement request duration 1.2s > 500ms", count: 1 },
        { message: "Halt canary.cluster-test advancement firing-alerts 1.00 > 0", count: 3 },
        {
          message:
            "Halt advancement no values found for knative metric request-success-rate probably canary.cluster-test is not receiving traffic",
          count: 1,
        },
        { message: "Halt advancement no values found for custom metric: firing-alerts: no values found", count: 1 },
        { message: "Metric query failed for firing-alerts: connection refused", count: 1 },
        { message: "Rolling back canary.cluster-test failed checks threshold reached 5", count: 1 },
      ]),
    ).toEqual({ "request-success-rate": 3, "request-duration": 1, "firing-alerts": 5 });
  });
});

describe("decidedBy", () => {
  it.each([
    ["the alert alone", { "firing-alerts": 5 }, "firing-alerts", true],
    [
      "the alert, and one empty interval of the success rate",
      { "request-success-rate": 1, "firing-alerts": 4 },
      "firing-alerts",
      true,
    ],
    [
      "the success rate would have rolled it back anyway",
      { "request-success-rate": 5, "firing-alerts": 1 },
      "firing-alerts",
      false,
    ],
    ["never held by the alert", { "request-success-rate": 5 }, "firing-alerts", false],
    ["the faulty release: the success rate", { "request-success-rate": 5 }, "request-success-rate", true],
    ["nothing held it", {}, "request-success-rate", false],
  ])("%s", (_, halts, check, expected) => {
    expect(decidedBy(halts, check, 5)).toBe(expected);
  });
});
