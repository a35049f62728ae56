import { describe, expect, it } from "vitest";
import { progressLine } from "./progress.ts";
import { point, row } from "./test-rows.ts";

describe("progressLine", () => {
  it("shows users, rate, failures, replicas and the split", () => {
    const line = progressLine(
      "rollout",
      row(42.4, {
        vus: 20,
        clientRps: 199.6,
        clientFailedPerS: 0,
        ready: 3,
        desired: 4,
        concurrency: 11.2,
        revisions: { "redirect-00001": point({ percent: 80 }), "redirect-00002": point({ percent: 20 }) },
      }),
      "running k6",
    );
    expect(line).toBe(
      "[rollout]   42 s running k6 | k6 20 users 200 req/s 0 failed/s | replicas 3/4 in flight 11 | redirect-00001 80% redirect-00002 20%",
    );
    expect(progressLine("rollout", undefined, "waiting")).toBe("[rollout] waiting");
  });
});
