/**
 * Zero downtime (F5): a new revision of redirect rolled out while requests
 * keep coming; not one may fail. Real bundles, processes and ingress.
 */

import { waitFor } from "@platform/processes/wait-for";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  isCanary,
  localOverlayWithout,
  type ServingUnderTest,
  startServingForTest,
  steadyLoad,
} from "../testing/index.ts";

let under: ServingUnderTest;
// Without the Canaries: Knative's own rollout, all traffic to the new revision once it is Ready.
// (With a Canary, traffic moves step by step: canary.test.ts; over a duration: gradual-rollout.test.ts.)
const rendered = localOverlayWithout(isCanary);

beforeAll(async () => {
  under = await startServingForTest({ start: true });
  await under.serving.apply(rendered);
}, 120_000);

afterAll(async () => {
  await under.close();
});

describe("a rollout under steady load", () => {
  it("moves traffic to the new revision without one failed request", async () => {
    const load = steadyLoad(under.port, "redirect.default.localhost", "/health/readiness", 4);
    await waitFor(() => load.answered >= 50, { what: "50 answers before the rollout" });
    await under.serving.apply(
      rendered.replace('autoscaling.knative.dev/max-scale: "20"', 'autoscaling.knative.dev/max-scale: "21"'),
    );
    const answered = load.answered;
    await waitFor(() => load.answered >= answered + 100, { what: "100 answers after the rollout" });
    const statuses = await load.stop();

    const redirects = under.serving.status().filter((s) => s.service === "redirect");
    expect(redirects.map((r) => [r.revision, r.routed])).toEqual([
      ["redirect-00001", false],
      ["redirect-00002", true],
    ]);
    expect(statuses.length).toBeGreaterThan(100);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });
});
