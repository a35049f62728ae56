import type { RevisionSample, Sample } from "@platform/local/history";
import { revisionSample } from "@platform/local/testing";
import { describe, expect, it } from "vitest";
import { revisionsIn, rowsOf, type Tick } from "./timeline.ts";

const tick = (at: number, revisions: RevisionSample[], client?: Tick["client"]): Tick => ({
  at,
  platform: { at, revisions } satisfies Sample,
  ...(client ? { client } : {}),
});

describe("rowsOf", () => {
  it("gives per-second rates from k6's counters and the platform's, per revision", () => {
    const ticks = [
      tick(1000, [revisionSample({ requests: 0 })], { vus: 0, requests: 0, failed: 0 }),
      tick(2000, [revisionSample({ requests: 100, errors: 10, concurrency: 7 })], {
        vus: 10,
        requests: 110,
        failed: 10,
      }),
      tick(4000, [
        revisionSample({ requests: 300, errors: 10, concurrency: 9, percent: 80 }),
        revisionSample({ revision: "redirect-00002", requests: 50, percent: 20, ready: 1, desired: 2 }),
      ]),
    ];
    const rows = rowsOf("redirect", ticks, 1000);
    expect(rows[0]).toMatchObject({ t: 1, vus: 10, clientRps: 110, clientFailedPerS: 10, rps: 100, errorRate: 0.1 });
    expect(rows[0]?.concurrency).toBe(7);
    // k6 had ended by the last tick: no client figures, the platform's go on.
    expect(rows[1]).toMatchObject({ t: 3, vus: 0, clientRps: 0, rps: 125, ready: 2, desired: 3, concurrency: 9 });
    expect(rows[1]?.revisions["redirect-00002"]).toMatchObject({ percent: 20, rps: 25, desired: 2 });
    expect(revisionsIn(rows)).toEqual(["redirect-00001", "redirect-00002"]);
  });

  it("makes each row from its tick and the one before alone, so a run can add one row per tick", () => {
    const ticks = [0, 1000, 2000, 3000].map((at, i) =>
      tick(at, [revisionSample({ requests: 50 * i * i, errors: i, concurrency: i })], {
        vus: i,
        requests: 60 * i * i,
        failed: i,
      }),
    );
    const oneByOne = ticks.slice(1).flatMap((_, i) => rowsOf("redirect", ticks.slice(i, i + 2), 0));
    expect(oneByOne).toEqual(rowsOf("redirect", ticks, 0));
  });

  it("keeps a row for a second the platform could not be read", () => {
    const rows = rowsOf("redirect", [tick(0, []), tick(1000, [], { vus: 3, requests: 5, failed: 0 })], 0);
    expect(rows).toEqual([expect.objectContaining({ t: 1, ready: 0, rps: 0, revisions: {} })]);
  });
});
