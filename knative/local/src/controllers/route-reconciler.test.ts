import { describe, expect, it } from "vitest";
import type { CanaryState } from "../canary/analysis.ts";
import { planRollout } from "../rollout/gradual-rollout.ts";
import { decideRoutes, type HostRoute, type Rollout, type RouteInput, type RouteRevision } from "./route-reconciler.ts";

const HOST = "redirect.default.localhost";
const rev = (generation: number, ready = true): RouteRevision => ({
  name: `redirect-0000${generation}`,
  service: "redirect",
  generation,
  ready,
});

function input(over: Partial<RouteInput> = {}): RouteInput {
  return {
    services: [{ name: "redirect", namespace: "default", traffic: [] }],
    domainMappings: new Map(),
    domain: "localhost",
    revisions: [rev(1), rev(2)],
    canaries: new Map(),
    rollouts: new Map(),
    current: new Map(),
    ...over,
  };
}

/** Each host's split as a plain object, for comparing. */
const splits = (routes: Map<string, HostRoute>) =>
  Object.fromEntries([...routes].map(([host, route]) => [host, Object.fromEntries(route.split)]));

/** A rollout of redirect-00002 over 5 s (Knative's own example: 1 -> 26 -> 51 -> 76 -> 100), started at 0. */
const rollout: Rollout = {
  candidate: "redirect-00002",
  previous: [{ revision: "redirect-00001", percent: 100 }],
  percent: 100,
  plan: planRollout(5, 100),
  startedAt: 0,
};

const canary = (phase: CanaryState["phase"], weight: number): CanaryState => ({
  phase,
  primary: "redirect-00001",
  canary: "redirect-00002",
  weight,
  failedChecks: 0,
});

describe("decideRoutes", () => {
  it.each([
    ["an empty spec sends all to the latest ready revision", input(), { [HOST]: { "redirect-00002": 100 } }],
    [
      "a revision not ready yet gets no traffic",
      input({ revisions: [rev(1), rev(2, false)] }),
      { [HOST]: { "redirect-00001": 100 } },
    ],
    [
      "a split by percent, and a tag's own host",
      input({
        services: [
          {
            name: "redirect",
            namespace: "default",
            traffic: [
              { revisionName: "redirect-00001", percent: 70 },
              { latestRevision: true, percent: 30, tag: "next" },
            ],
          },
        ],
      }),
      {
        [HOST]: { "redirect-00001": 70, "redirect-00002": 30 },
        "next-redirect.default.localhost": { "redirect-00002": 100 },
      },
    ],
    [
      "a canary in progress owns the split",
      input({ canaries: new Map([["redirect", canary("Progressing", 20)]]) }),
      {
        [HOST]: { "redirect-00001": 80, "redirect-00002": 20 },
        "primary-redirect.default.localhost": { "redirect-00001": 100 },
        "canary-redirect.default.localhost": { "redirect-00002": 100 },
      },
    ],
    [
      "a failed canary keeps all on the primary",
      input({ canaries: new Map([["redirect", canary("Failed", 0)]]) }),
      {
        [HOST]: { "redirect-00001": 100 },
        "primary-redirect.default.localhost": { "redirect-00001": 100 },
        "canary-redirect.default.localhost": { "redirect-00002": 100 },
      },
    ],
    [
      "a promoted canary leaves the spec in charge",
      input({ canaries: new Map([["redirect", canary("Succeeded", 0)]]) }),
      { [HOST]: { "redirect-00002": 100 } },
    ],
    [
      "a domain mapping serves the service's main split",
      input({ domainMappings: new Map([["localhost", "redirect"]]) }),
      { [HOST]: { "redirect-00002": 100 }, localhost: { "redirect-00002": 100 } },
    ],
  ])("%s", (_, given, expected) => {
    const decision = decideRoutes(given, 0);
    expect(splits(decision.routes)).toEqual(expected);
    expect([...decision.routed].sort()).toEqual([...new Set(Object.values(expected).flatMap(Object.keys))].sort());
  });

  it.each([
    [0, { "redirect-00001": 99, "redirect-00002": 1 }],
    [999, { "redirect-00001": 99, "redirect-00002": 1 }],
    [1000, { "redirect-00001": 74, "redirect-00002": 26 }],
    [2500, { "redirect-00001": 49, "redirect-00002": 51 }],
    [3000, { "redirect-00001": 24, "redirect-00002": 76 }],
  ])("a gradual rollout %d ms in splits %j", (now, split) => {
    const decision = decideRoutes(input({ rollouts: new Map([["redirect", rollout]]) }), now);
    expect(splits(decision.routes)).toEqual({ [HOST]: split });
    expect(decision.rollouts.get("redirect")).toBe(rollout);
    expect(decision.events).toEqual([]);
  });

  it("ends a rollout once the new revision has it all", () => {
    const decision = decideRoutes(input({ rollouts: new Map([["redirect", rollout]]) }), 4000);
    expect(splits(decision.routes)).toEqual({ [HOST]: { "redirect-00002": 100 } });
    expect(decision.rollouts.size).toBe(0);
    expect(decision.events).toEqual([{ type: "rollout-finished", service: "redirect", revision: "redirect-00002" }]);
  });

  it("drops a rollout whose traffic changed under it", () => {
    const services = [{ name: "redirect", namespace: "default", traffic: [{ latestRevision: true, percent: 100 }] }];
    const moved = { ...rollout, candidate: "redirect-00003" };
    const decision = decideRoutes(input({ services, rollouts: new Map([["redirect", moved]]) }), 1000);
    expect(splits(decision.routes)).toEqual({ [HOST]: { "redirect-00002": 100 } });
    expect(decision.rollouts.size).toBe(0);
  });

  it("keeps a service's hosts as they were when its traffic names a revision that does not exist", () => {
    const services = [{ name: "redirect", namespace: "default", traffic: [{ revisionName: "nope", percent: 100 }] }];
    const current = new Map([
      [HOST, { split: new Map([["redirect-00001", 100]]) }],
      ["links.default.localhost", { split: new Map([["links-00001", 100]]) }],
    ]);
    const decision = decideRoutes(input({ services, current }), 0);
    expect(splits(decision.routes)).toEqual({ [HOST]: { "redirect-00001": 100 } });
    expect(decision.targets.has("redirect")).toBe(false);
    expect(decision.events).toEqual([
      { type: "traffic-unresolved", service: "redirect", error: 'Revision "nope" referenced in traffic not found.' },
    ]);
  });
});
