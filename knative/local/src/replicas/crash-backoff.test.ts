import { describe, expect, it } from "vitest";
import { afterCrash } from "./crash-backoff.ts";

describe("afterCrash (CrashLoopBackOff)", () => {
  it.each([
    // previous crashes, ran for (ms), crashes in a row, restart in (ms)
    [0, 50, 1, 10_000],
    [1, 50, 2, 20_000],
    [2, 50, 3, 40_000],
    [3, 50, 4, 80_000],
    [4, 50, 5, 160_000],
    [5, 50, 6, 300_000], // 320 s, capped at 5 min
    [20, 50, 21, 300_000],
    [200, 50, 201, 300_000], // no overflow past the cap
    [6, 599_999, 7, 300_000], // just short of 10 min running: still backing off
    [6, 600_000, 1, 10_000], // ran 10 min: starts over
    [0, 3_600_000, 1, 10_000],
  ])("after %i crashes, a run of %i ms: crash %i, restart in %i ms", (previous, ranFor, crashes, restartInMs) => {
    expect(afterCrash(previous, ranFor)).toEqual({ crashes, restartInMs });
  });
});
