/**
 * Knative's gradual rollout (serving.knative.dev/rollout-duration) on the
 * local Serving: the new revision gets 1 % once Ready, then the rest in equal
 * steps over the duration, under steady load with no failed request.
 * Real bundles, processes and ingress; the duration passes on a ManualClock.
 */

import { waitFor } from "@platform/processes/wait-for";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, stringify } from "yaml";
import { ManualClock } from "../clock.ts";
import {
  isCanary,
  localOverlayWithout,
  type ServingUnderTest,
  startServingForTest,
  steadyLoad,
} from "../testing/index.ts";

let under: ServingUnderTest;
const events: string[] = [];
const clock = new ManualClock(Date.now());

/** The local overlay without Canaries, the redirect rolled out over 4 s, its max-scale set to `maxScale`. */
function manifests(maxScale: string): string {
  // biome-ignore lint/suspicious/noExplicitAny: manifests edited as plain data
  const docs: any[] = parseAllDocuments(localOverlayWithout(isCanary)).map((d) => d.toJS());
  const redirect = docs.find((d) => d.kind === "Service" && d.metadata.name === "redirect");
  redirect.metadata.annotations = { "serving.knative.dev/rollout-duration": "4s" };
  redirect.spec.template.metadata.annotations["autoscaling.knative.dev/max-scale"] = maxScale;
  return docs.map((d) => stringify(d)).join("---\n");
}

beforeAll(async () => {
  under = await startServingForTest({ log: (line) => events.push(line), start: true, clock });
  await under.serving.apply(manifests("20"));
}, 120_000);

afterAll(async () => {
  await under.close();
});

describe("a gradual rollout", () => {
  it("starts the new revision at 1 % and moves the rest in steps, with no failed request", async () => {
    const load = steadyLoad(under.port, "redirect.default.localhost", "/health/readiness");
    await under.serving.apply(manifests("21"));
    const percents: number[] = [];
    const share = () => under.serving.status().find((r) => r.revision === "redirect-00002")?.percent ?? 0;
    // 100 ms of the clock at a time, each once the load has had 5 more answers, for at most 6 s.
    for (let step = 0; step < 60 && share() < 100; step++) {
      percents.push(share());
      const answered = load.answered;
      await waitFor(() => load.answered >= answered + 5, { what: "5 more answers" });
      clock.advance(100);
    }
    percents.push(share());
    const statuses = await load.stop();

    expect(events).toContain("redirect: rolling out redirect-00002 over 4 s, 33 % every 1.0 s");
    expect(percents[0]).toBe(1);
    expect(new Set(percents)).toEqual(new Set([1, 34, 67, 100]));
    expect(percents).toEqual([...percents].sort((a, b) => a - b)); // only ever forward
    expect(percents.at(-1)).toBe(100);
    expect(events).toContain("redirect: redirect-00002 rolled out");
    expect(statuses.length).toBeGreaterThan(100);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });
});
