import { describe, expect, it } from "vitest";
import type { RevisionStatus } from "../controllers/local-serving.ts";
import { formatStatus } from "./format-status.ts";

/** Only what the table reads; the autoscaler's other figures do not show here. */
function revision(over: Partial<RevisionStatus>): RevisionStatus {
  return {
    service: "links",
    namespace: "default",
    revision: "links-00001",
    routed: true,
    percent: 100,
    tags: [],
    ready: 1,
    inFlight: 0,
    crashes: 0,
    targetConcurrency: 70,
    desired: 1,
    actual: 1,
    stableConcurrency: 0,
    panicConcurrency: 0,
    panicking: false,
    excessBurstCapacity: 0,
    ...over,
  } as RevisionStatus;
}

describe("formatStatus", () => {
  it("says why a revision failed, with its last lines, and which replica is backing off", () => {
    const text = formatStatus({
      services: [],
      routes: { "links.default.localhost": { "links-00001": 100 } },
      revisions: [
        revision({
          crashes: 3,
          crashLoop: {
            replica: "links-00001-4",
            exitCode: 1,
            crashes: 3,
            restartAt: Date.UTC(2026, 0, 1, 12, 0, 40),
            backingOff: 1,
          },
        }),
        revision({
          revision: "links-00002",
          percent: 0,
          ready: 0,
          desired: 0,
          failure: {
            reason: "ProgressDeadlineExceeded",
            message: "Initial scale was never achieved",
            lastLogLines: ["[links-00002-1] starting", "[links-00002-1] DATABASE_URL is required"],
          },
        }),
      ],
    });
    expect(text).toContain(
      "  links-00001: CrashLoopBackOff: links-00001-4 exited with code 1 (3 in a row), starts again at 12:00:40 UTC",
    );
    expect(text).toContain(
      [
        "  links-00002 failed: ProgressDeadlineExceeded: Initial scale was never achieved; its last lines:",
        "    [links-00002-1] starting",
        "    [links-00002-1] DATABASE_URL is required",
      ].join("\n"),
    );
  });

  it("adds nothing for healthy revisions", () => {
    const text = formatStatus({ services: [], routes: {}, revisions: [revision({})] });
    expect(text).not.toContain("failed");
    expect(text).not.toContain("CrashLoopBackOff");
  });
});
