import { describe, expect, it } from "vitest";
import { readDesiredState } from "./desired-state.ts";
import { type LiveChange, mergeLiveChanges, withLiveChanges, withTag } from "./live-changes.ts";

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
          env:
            - name: LOG_LEVEL
              value: info
            - name: COUNTRY_HEADER
              value: cf-ipcountry
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

  it("sets the stable window on the template (kn service update --scale-window)", () => {
    const after = readDesiredState(manifest, changes({ window: "6s" })).services[0];
    expect(after?.autoscaling.stableWindowMs).toBe(6000);
    expect(() => readDesiredState(manifest, changes({ window: "3s" }))).toThrow("autoscaling.knative.dev/window");
  });

  it("sets, replaces and removes container variables (kn service update --env NAME=value, --env NAME-)", () => {
    const before = readDesiredState(manifest).services[0];
    const after = readDesiredState(
      manifest,
      changes({ env: { FAIL_RATE: "0.3", LOG_LEVEL: "warn", COUNTRY_HEADER: null } }),
    ).services[0];
    expect(after?.env).toEqual([
      { name: "LOG_LEVEL", value: "warn" },
      { name: "FAIL_RATE", value: "0.3" },
    ]);
    expect(after?.templateDigest).not.toBe(before?.templateDigest);
    const unset = readDesiredState(manifest, changes({ env: { FAIL_RATE: null } })).services[0];
    expect(unset?.templateDigest).toBe(before?.templateDigest);
  });

  it("merges a later change over an earlier one: fields replace, variables add up", () => {
    expect(
      mergeLiveChanges({ minScale: 0, env: { FAIL_RATE: "0.3", A: "1" } }, { maxScale: 4, env: { FAIL_RATE: null } }),
    ).toEqual({ minScale: 0, maxScale: 4, env: { FAIL_RATE: null, A: "1" } });
    expect(mergeLiveChanges(undefined, { window: "6s" })).toEqual({ window: "6s" });
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
