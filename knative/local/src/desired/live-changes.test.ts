import { describe, expect, it } from "vitest";
import { readDesiredState } from "./desired-state.ts";
import { type LiveChange, withLiveChanges, withTag } from "./live-changes.ts";

const manifest = `
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: redirect
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/min-scale: "1"
        autoscaling.knative.dev/max-scale: "20"
    spec:
      containers:
        - image: example/redirect
`;
const changes = (change: LiveChange) => new Map([["redirect", change]]);

describe("live changes laid over the manifests", () => {
  it("sets spec.traffic without changing the template, so no new revision", () => {
    const before = readDesiredState(manifest).services[0];
    const traffic = [
      { revisionName: "redirect-00001", percent: 70 },
      { latestRevision: true, percent: 30 },
    ];
    const after = readDesiredState(manifest, changes({ traffic })).services[0];
    expect(after?.traffic).toEqual(traffic);
    expect(after?.templateDigest).toBe(before?.templateDigest);
  });

  it("sets min and max scale on the template, so a new revision (as kn service update --scale-min does)", () => {
    const before = readDesiredState(manifest).services[0];
    const after = readDesiredState(manifest, changes({ minScale: 2, maxScale: 5 })).services[0];
    expect(after?.autoscaling).toMatchObject({ minScale: 2, maxScale: 5 });
    expect(after?.templateDigest).not.toBe(before?.templateDigest);
  });

  it("is refused with Knative's messages when the result is invalid", () => {
    expect(() => readDesiredState(manifest, changes({ minScale: 9, maxScale: 3 }))).toThrow(
      "Service/redirect: validation failed: max-scale=3 is less than min-scale=9",
    );
    expect(() => readDesiredState(manifest, changes({ traffic: [{ latestRevision: true, percent: 90 }] }))).toThrow(
      "Traffic targets sum to 90, want 100: spec.traffic",
    );
  });

  it("leaves the documents it was given as they were", () => {
    const docs = [{ kind: "Service", metadata: { name: "redirect" }, spec: { template: {} } }];
    withLiveChanges(docs, changes({ minScale: 3 }));
    expect(docs[0]?.spec).toEqual({ template: {} });
  });
});

describe("withTag (kn service update --tag)", () => {
  it("tags a revision that has no target with a 0 % one, keeping the latest at 100 %", () => {
    expect(withTag([], "candidate", "redirect-00002")).toEqual([
      { latestRevision: true, percent: 100 },
      { revisionName: "redirect-00002", percent: 0, tag: "candidate" },
    ]);
  });

  it("moves a tag from one revision to another and drops the 0 % target it leaves", () => {
    const traffic = [
      { latestRevision: true, percent: 100 },
      { revisionName: "redirect-00001", percent: 0, tag: "old" },
    ];
    expect(withTag(traffic, "old", "redirect-00002")).toEqual([
      { latestRevision: true, percent: 100 },
      { revisionName: "redirect-00002", percent: 0, tag: "old" },
    ]);
  });

  it("tags a revision's existing target in place", () => {
    const traffic = [
      { revisionName: "redirect-00001", percent: 80 },
      { revisionName: "redirect-00002", percent: 20 },
    ];
    expect(withTag(traffic, "beta", "redirect-00002")).toEqual([
      { revisionName: "redirect-00001", percent: 80 },
      { revisionName: "redirect-00002", percent: 20, tag: "beta" },
    ]);
  });

  it("removes a tag when no revision is given", () => {
    const traffic = [
      { latestRevision: true, percent: 100 },
      { revisionName: "redirect-00001", percent: 0, tag: "old" },
    ];
    expect(withTag(traffic, "old", undefined)).toEqual([{ latestRevision: true, percent: 100 }]);
  });
});
