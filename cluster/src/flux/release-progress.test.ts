import { describe, expect, it } from "vitest";
import { type ReleasedService, type ReleasingCanary, releaseVerdict, serviceStage } from "./release-progress.ts";

const IMAGE = "ghcr.io/knative-functions-platform/redirect";
const pins = [{ name: IMAGE, newTag: "main-b-2" }];

function service(
  tag: string,
  traffic: [string, number][] = [["redirect-00002", 100]],
  ready = true,
  observed = 2,
): ReleasedService {
  return {
    metadata: { name: "redirect", generation: 2 },
    spec: { template: { spec: { containers: [{ image: `${IMAGE}:${tag}` }] } } },
    status: {
      observedGeneration: observed,
      latestReadyRevisionName: "redirect-00002",
      conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
      traffic: traffic.map(([revisionName, percent]) => ({ revisionName, percent })),
    },
  };
}

/** When the release was pushed; a Canary's phase is from after it unless `at` says otherwise. */
const PUSHED = Date.parse("2026-11-30T18:00:00Z");

const canary = (phase: string, canaryWeight = 0, message?: string, at = "2026-11-30T18:01:00Z"): ReleasingCanary => ({
  metadata: { name: "redirect" },
  spec: { targetRef: { name: "redirect" } },
  status: {
    phase,
    canaryWeight,
    lastTransitionTime: at,
    ...(message ? { conditions: [{ type: "Promoted", status: "False", message }] } : {}),
  },
});

describe("serviceStage", () => {
  it.each([
    ["Flux has not applied the pin", service("main-a-1"), undefined, "redirect: not applied yet"],
    [
      "the new revision is not Ready",
      service("main-b-2", undefined, false),
      undefined,
      "redirect: new revision not Ready yet",
    ],
    [
      "Knative has not seen the new generation",
      service("main-b-2", undefined, true, 1),
      undefined,
      "redirect: new revision not Ready yet",
    ],
    [
      "Flagger holds the traffic on the old revision",
      service("main-b-2", [["redirect-00001", 100]]),
      canary("Initialized"),
      "redirect: its Canary has not started yet",
    ],
    [
      "Flagger is moving it",
      service("main-b-2", [
        ["redirect-00001", 70],
        ["redirect-00002", 30],
      ]),
      canary("Progressing", 30),
      "redirect: Progressing 30 %",
    ],
    ["all traffic, Flagger done", service("main-b-2"), canary("Succeeded"), "redirect: released"],
    ["all traffic, Flagger still finalising", service("main-b-2"), canary("Finalising"), "redirect: Finalising"],
    [
      "the last release's Succeeded, before Flagger looks again",
      service("main-b-2", [["redirect-00001", 100]]),
      canary("Succeeded"),
      "redirect: its Canary has not started yet",
    ],
    ["all traffic, no Canary (dev)", service("main-b-2"), undefined, "redirect: released"],
    [
      "Knative's own rollout, no Canary (dev, test)",
      service("main-b-2", [
        ["redirect-00001", 60],
        ["redirect-00002", 40],
      ]),
      undefined,
      "redirect: rolling out",
    ],
    [
      "a 0 % entry is not traffic",
      service("main-b-2", [
        ["redirect-00002", 100],
        ["redirect-00001", 0],
      ]),
      undefined,
      "redirect: released",
    ],
  ])("%s", (_, s, c, stage) => {
    expect(serviceStage(s, c, pins, PUSHED)).toBe(stage);
  });
});

describe("releaseVerdict", () => {
  it("released once every Service runs its pin with all of its traffic", () => {
    expect(releaseVerdict([service("main-b-2")], [canary("Succeeded")], pins, PUSHED)).toEqual({ state: "released" });
  });

  it("waits, naming where each Service is", () => {
    expect(releaseVerdict([service("main-a-1")], [canary("Succeeded")], pins, PUSHED)).toEqual({
      state: "waiting",
      for: ["redirect: not applied yet"],
    });
    expect(releaseVerdict([], [], pins, PUSHED)).toEqual({ state: "waiting", for: ["the environment's Services"] });
  });

  it("rolled back as soon as the Canary of the pinned release failed, with Flagger's reason", () => {
    const failed = canary("Failed", 0, "Canary analysis failed, Deployment scaled to zero.");
    expect(releaseVerdict([service("main-b-2", [["redirect-00001", 100]])], [failed], pins, PUSHED)).toEqual({
      state: "rolled back",
      why: "redirect: Canary analysis failed, Deployment scaled to zero.",
    });
  });

  it("does not count an earlier release's failure against this one", () => {
    expect(releaseVerdict([service("main-a-1")], [canary("Failed")], pins, PUSHED)).toEqual({
      state: "waiting",
      for: ["redirect: not applied yet"],
    });
    // Applied, but Flagger has not looked again: its Failed is from before the push.
    const before = canary("Failed", 0, "Canary analysis failed", "2026-11-30T17:43:46Z");
    expect(releaseVerdict([service("main-b-2", [["redirect-00001", 100]])], [before], pins, PUSHED)).toEqual({
      state: "waiting",
      for: ["redirect: its Canary has not started yet"],
    });
  });
});
