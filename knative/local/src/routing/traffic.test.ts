import { describe, expect, it } from "vitest";
import { hostOf, mainSplit, pickRevision, resolveTraffic, routesByHost, validateTraffic } from "./traffic.ts";

describe("validateTraffic", () => {
  it.each([
    ["an empty list (all to the latest)", []],
    ["one latest target", [{ latestRevision: true, percent: 100 }]],
    [
      "a canary with a tag at 0 %",
      [
        { revisionName: "redirect-00001", percent: 100 },
        { latestRevision: true, percent: 0, tag: "candidate" },
      ],
    ],
  ])("accepts %s", (_name, traffic) => {
    expect(validateTraffic(traffic)).toEqual([]);
  });

  it.each([
    [
      [
        { revisionName: "a", percent: 50 },
        { revisionName: "b", percent: 40 },
      ],
      ["Traffic targets sum to 90, want 100: spec.traffic"],
    ],
    [
      [{ revisionName: "a", percent: 120 }],
      ["expected 0 <= 120 <= 100: spec.traffic[0].percent", "Traffic targets sum to 120, want 100: spec.traffic"],
    ],
    [
      [
        { revisionName: "a", percent: 50, tag: "foo" },
        { revisionName: "b", percent: 50, tag: "foo" },
      ],
      ['Multiple definitions for "foo": spec.traffic[1].tag, spec.traffic[0].tag'],
    ],
    [
      [{ revisionName: "x", latestRevision: true, percent: 100 }],
      ['may not set revisionName "x" when latestRevision is true: spec.traffic[0].latestRevision'],
    ],
    [
      [{ percent: 100 }],
      ["expected exactly one, got neither: spec.traffic[0].latestRevision, spec.traffic[0].revisionName"],
    ],
  ])("refuses %j", (traffic, errors) => {
    expect(validateTraffic(traffic)).toEqual(errors);
  });
});

describe("resolving and splitting", () => {
  const exists = (r: string) => ["s-00001", "s-00002"].includes(r);

  it("sends everything to the latest ready revision when traffic is empty", () => {
    expect(resolveTraffic([], "s-00002", exists)).toEqual({
      targets: [{ revision: "s-00002", percent: 100, latest: true }],
    });
  });

  it("names a missing revision as Knative's status does", () => {
    expect(resolveTraffic([{ revisionName: "s-00009", percent: 100 }], "s-00002", exists)).toEqual({
      error: 'Revision "s-00009" referenced in traffic not found.',
    });
  });

  it("adds up targets of one revision and gives each tag its own host", () => {
    const resolved = resolveTraffic(
      [
        { revisionName: "s-00001", percent: 60 },
        { latestRevision: true, percent: 30 },
        { revisionName: "s-00002", percent: 10, tag: "candidate" },
        { revisionName: "s-00001", percent: 0, tag: "previous" },
      ],
      "s-00002",
      exists,
    );
    if (!("targets" in resolved)) throw new Error(resolved.error);
    expect(mainSplit(resolved.targets)).toEqual(
      new Map([
        ["s-00001", 60],
        ["s-00002", 40],
      ]),
    );
    const routes = routesByHost("s", "default", "localhost", resolved.targets);
    expect([...routes.keys()]).toEqual([
      "s.default.localhost",
      "candidate-s.default.localhost",
      "previous-s.default.localhost",
    ]);
    expect(routes.get("previous-s.default.localhost")?.split).toEqual(new Map([["s-00001", 100]]));
    expect(hostOf("s", "default", "localhost", "candidate")).toBe("candidate-s.default.localhost");
  });

  it("picks revisions in proportion to their percent", () => {
    const split = new Map([
      ["a", 90],
      ["b", 10],
    ]);
    const counts: Record<string, number> = { a: 0, b: 0 };
    for (let roll = 0; roll < 100; roll += 0.5) {
      const revision = pickRevision(split, roll) as string;
      counts[revision] = (counts[revision] ?? 0) + 1;
    }
    expect(counts).toEqual({ a: 180, b: 20 });
  });
});
