import { describe, expect, it } from "vitest";
import { isRolledOut, type KnativeService, servesLatestOnly } from "./kube.ts";

const service = (latest: string, traffic: { revisionName: string; percent: number }[]): KnativeService => ({
  metadata: { name: "redirect", namespace: "dev", generation: 2 },
  status: { observedGeneration: 2, latestReadyRevisionName: latest, traffic },
});

describe("isRolledOut", () => {
  it.each([
    ["all traffic on the latest revision", service("r-2", [{ revisionName: "r-2", percent: 100 }]), true],
    [
      "a gradual rollout still in progress",
      service("r-2", [
        { revisionName: "r-1", percent: 60 },
        { revisionName: "r-2", percent: 40 },
      ]),
      false,
    ],
    ["all traffic still on the revision before", service("r-2", [{ revisionName: "r-1", percent: 100 }]), false],
    ["no traffic yet", service("r-1", []), false],
  ])("%s", (_, s, expected) => {
    expect(isRolledOut(s)).toBe(expected);
  });
});

describe("servesLatestOnly", () => {
  it.each([
    ["all traffic on the latest revision", service("r-2", [{ revisionName: "r-2", percent: 100 }]), true],
    [
      "a promoted Canary: the latest as primary, Flagger's 0 % entry beside it",
      service("r-2", [
        { revisionName: "r-2", percent: 0 },
        { revisionName: "r-2", percent: 100 },
      ]),
      true,
    ],
    [
      "a Canary mid-analysis",
      service("r-2", [
        { revisionName: "r-2", percent: 30 },
        { revisionName: "r-1", percent: 70 },
      ]),
      false,
    ],
    [
      "traffic held on an old revision (what Flagger's skipAnalysis left)",
      service("r-7", [
        { revisionName: "r-7", percent: 0 },
        { revisionName: "r-1", percent: 100 },
      ]),
      false,
    ],
    ["no traffic yet", service("r-1", []), false],
  ])("%s", (_, s, expected) => {
    expect(servesLatestOnly(s)).toBe(expected);
  });
});
