import { describe, expect, it } from "vitest";
import { formatSummary, summarize } from "./summary.ts";
import { row } from "./test-rows.ts";

describe("summarize", () => {
  // Idle at zero, a step of load at 2 s, replicas following, load gone at 6 s, zero again at 9 s.
  const rows = [
    row(0),
    row(1),
    row(2, { vus: 350, concurrency: 300, desired: 5, ready: 0 }),
    row(3, { vus: 350, concurrency: 340, desired: 6, ready: 1 }),
    row(4, { vus: 350, concurrency: 330, desired: 6, ready: 4 }),
    row(5, { vus: 350, concurrency: 320, desired: 6, ready: 6 }),
    row(6, { vus: 20, concurrency: 10, desired: 6, ready: 6 }),
    row(7, { desired: 1, ready: 6 }),
    row(8, { desired: 0, ready: 1 }),
    row(9, { desired: 0, ready: 0 }),
  ];

  it("finds the peaks, the replicas needed and how long they took, and the return to zero", () => {
    expect(summarize(rows, 1000, 2)).toEqual({
      seconds: 9,
      peakReady: 6,
      peakDesired: 6,
      peakConcurrency: 340,
      readyAtLoadStart: 0,
      neededReplicas: 6,
      secondsToNeeded: 3,
      secondsBackToZero: 3,
      requests: 1000,
      failed: 2,
    });
  });

  it("leaves out what did not happen", () => {
    const steady = summarize(
      [row(0, { vus: 5, ready: 1, desired: 1 }), row(1, { vus: 5, ready: 1, desired: 1 })],
      10,
      0,
    );
    expect(steady.secondsBackToZero).toBeNull();
    expect(formatSummary(steady)).toEqual([
      "requests 10, failed 0 (0.00 %)",
      "peak replicas 1 ready, 1 desired; peak concurrency 0",
      "replicas when the load started 1; needed 1, ready 0 s after the load started",
    ]);
    expect(summarize([], 0, 0)).toMatchObject({ neededReplicas: null, secondsToNeeded: null, readyAtLoadStart: null });
  });

  it("takes requests held through a cold start as the start of the load, before k6 shows a user", () => {
    const coldStart = [row(0), row(1, { concurrency: 234, desired: 1, ready: 1 }), row(2, { vus: 700, ready: 1 })];
    expect(summarize(coldStart, 1, 0)).toMatchObject({ readyAtLoadStart: 0 });
  });

  it("says never when the needed replicas were not reached", () => {
    const short = summarize([row(0, { vus: 9, desired: 4, ready: 2 })], 1, 0);
    expect(formatSummary(short)[2]).toBe("replicas when the load started 2; needed 4, ready never");
  });
});
