/**
 * Canary releases on the local Knative Serving, as Flagger runs them in the
 * cluster: a revision that fails requests is rolled back, a healthy one is
 * promoted. Real bundles, processes and ingress; analysis every second of a
 * ManualClock, moved on once the canary has answered requests of each step.
 */

import { waitFor } from "@platform/processes/wait-for";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, stringify } from "yaml";
import { ManualClock } from "../clock.ts";
import { renderKustomizationSync } from "../desired/render.ts";
import { type ServingUnderTest, startServingForTest } from "../testing/serving-under-test.ts";
import { steadyLoad } from "../testing/steady-load.ts";
import type { LocalServing } from "./local-serving.ts";

let under: ServingUnderTest;
let serving: LocalServing;
const events: string[] = [];
const clock = new ManualClock(Date.now());

// biome-ignore lint/suspicious/noExplicitAny: manifests edited as plain data
type Doc = any;

/** The local overlay with a 1 s analysis interval, and the redirect's template edited by `edit`. */
function manifests(edit: (redirect: Doc) => void): string {
  const docs: Doc[] = parseAllDocuments(renderKustomizationSync("knative/overlays/local")).map((d) => d.toJS());
  for (const doc of docs) {
    if (doc.kind === "Canary")
      Object.assign(doc.spec.analysis, { interval: "1s", threshold: 2, stepWeight: 20, maxWeight: 40 });
    if (doc.kind === "Service" && doc.metadata.name === "redirect") edit(doc);
  }
  return docs.map((d) => stringify(d)).join("---\n");
}

/** Requests `revision` has answered since it started. */
function answeredBy(revision: string): number {
  return serving
    .requestTotals()
    .filter((t) => t.revision === revision)
    .reduce((sum, t) => sum + [...t.byClass.values()].reduce((a, b) => a + b, 0), 0);
}

/**
 * Steady requests to the redirect; each analysis interval (1 s on the clock)
 * passes once `revision` has answered 5 more, until `until()` holds (at most
 * `steps` intervals).
 */
async function underLoad(revision: string, until: () => boolean, steps: number): Promise<number[]> {
  const load = steadyLoad(under.port, "redirect.default.localhost", "/no-such-code");
  try {
    for (let step = 0; step < steps && !until(); step++) {
      const answered = answeredBy(revision);
      await waitFor(() => answeredBy(revision) >= answered + 5, { what: `${revision} to answer 5 requests` });
      clock.advance(1000);
    }
  } catch (error) {
    await load.stop();
    throw error;
  }
  return load.stop();
}

beforeAll(async () => {
  under = await startServingForTest({ log: (line) => events.push(line), start: true, clock });
  serving = under.serving;
  await serving.apply(manifests(() => {}));
}, 120_000);

afterAll(async () => {
  await under.close();
});

describe("canary releases", () => {
  it("roll back a revision that fails its requests", async () => {
    await serving.apply(
      manifests((redirect) => redirect.spec.template.spec.containers[0].env.push({ name: "FAIL_RATE", value: "1" })),
    );
    expect(serving.canaryStatus().redirect).toMatchObject({ canary: "redirect-00002", weight: 20 });
    const statuses = await underLoad("redirect-00002", () => serving.canaryStatus().redirect?.phase === "Failed", 10);
    expect(serving.canaryStatus().redirect).toMatchObject({ phase: "Failed", weight: 0, primary: "redirect-00001" });
    expect(statuses.filter((s) => s === 500).length).toBeGreaterThan(0); // the canary did fail some
    expect(events.some((e) => e.includes("Rolling back redirect-00002"))).toBe(true);
    // After the rollback every request goes to the primary again.
    const load = steadyLoad(under.port, "redirect.default.localhost", "/no-such-code");
    await waitFor(() => load.answered >= 50, { what: "50 answers after the rollback" });
    const after = await load.stop();
    expect(after.every((s) => s === 404)).toBe(true);
  });

  it("promote a healthy revision step by step", async () => {
    await serving.apply(
      manifests((redirect) => {
        redirect.spec.template.metadata.annotations["autoscaling.knative.dev/max-scale"] = "19";
      }),
    );
    expect(serving.canaryStatus().redirect).toMatchObject({ canary: "redirect-00003", primary: "redirect-00001" });
    // Flagger owns the traffic while it analyses: a split set by hand is refused (409 on the control API).
    await expect(
      serving.change("redirect", { traffic: [{ revisionName: "redirect-00001", percent: 100 }] }),
    ).rejects.toThrow("a canary analysis is moving the traffic of redirect: wait for it to end");
    await underLoad("redirect-00003", () => serving.canaryStatus().redirect?.phase === "Succeeded", 10);
    expect(serving.canaryStatus().redirect).toMatchObject({ phase: "Succeeded", primary: "redirect-00003" });
    const advances = events.filter((e) => e.startsWith("canary redirect: Advance redirect-00003"));
    expect(advances).toEqual([
      "canary redirect: Advance redirect-00003 canary weight 20",
      "canary redirect: Advance redirect-00003 canary weight 40",
    ]);
    const routed = serving.status().filter((s) => s.service === "redirect" && s.routed);
    expect(routed.map((r) => r.revision)).toEqual(["redirect-00003"]);
  });
});
