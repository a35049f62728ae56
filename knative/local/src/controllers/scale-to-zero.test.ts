/**
 * Scale to zero and back on the local Knative Serving, in virtual time: the
 * redirect (min-scale 0 and a 6 s window in the local overlay) goes to zero
 * once idle for its window and the grace period of a ManualClock, and the
 * next request through the ingress starts a replica and is answered.
 * Real bundles, processes and ingress.
 */

import { waitFor } from "@platform/processes/wait-for";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../clock.ts";
import {
  isCanary,
  localOverlayWithout,
  requestWithHost,
  type ServingUnderTest,
  startServingForTest,
} from "../testing/index.ts";

let under: ServingUnderTest;
const clock = new ManualClock(Date.now());
const redirect = () => under.serving.status().find((r) => r.revision === "redirect-00001");

beforeAll(async () => {
  under = await startServingForTest({ start: true, clock });
  await under.serving.apply(localOverlayWithout(isCanary));
}, 120_000);

afterAll(() => under.close());

describe("scale to zero", () => {
  it("takes an idle revision to zero after its window and the grace period, and back on a request", async () => {
    const startedAt = clock.now();
    // A second of the clock at a time, at most two minutes of it.
    for (let second = 0; second < 120 && redirect()?.desired !== 0; second++) clock.advance(1000);
    const idleMs = clock.now() - startedAt;
    // Inactive after a stable window (6 s) with no load; the activator has been in the path from the start
    // (target-burst-capacity 211 against one replica), so Knative's fast path scales to zero once it has been
    // there for scale-to-zero-grace-period (30 s), at the next decision (every 2 s).
    expect(idleMs).toBeGreaterThanOrEqual(30_000);
    expect(idleMs).toBeLessThanOrEqual(32_000);
    expect(redirect()).toMatchObject({ desired: 0, activity: "inactive", activatorInPath: true });
    await waitFor(() => redirect()?.running === 0, { what: "redirect-00001's replica to stop" });

    // The activator holds the request, pokes the autoscaler at once, and a replica starts.
    const res = await requestWithHost(under.port, "redirect.default.localhost", "/no-such-code");
    expect(res.status).toBe(404);
    expect(res.body).toContain("Link not found");
    expect(redirect()).toMatchObject({ desired: 1, ready: 1 });
  }, 60_000);
});
