import { describe, expect, it } from "vitest";
import { candidatePercent, planRollout, rolloutSplit } from "./gradual-rollout.ts";

describe("planRollout (Knative's computeProperties)", () => {
  it.each([
    // duration s, percent, first step s -> step size, step ms
    [5, 100, 1, 25, 1000], // Knative's own example: 1% -> 26% -> 51% -> 76% -> 100%
    [60, 100, 1, 2, 1000], // 59 steps of 1.68 % round to 2 % every second
    [300, 100, 1, 1, 299_000 / 99], // more seconds than percents: 1 % steps
    [120, 100, 4, 3, 116_000 / 29], // slower ingress, fewer and larger steps
    [1, 100, 1, 99, 1000], // shorter than one step: all at once
    [60, 50, 1, 1, 59_000 / 49], // a latest-revision target of 50 %
  ])("%d s for %d percent, first step %d s: %d percent every %d ms", (duration, percent, minStep, size, ms) => {
    const plan = planRollout(duration, percent, minStep);
    expect(plan.stepSize).toBe(size);
    expect(plan.stepMs).toBeCloseTo(ms, 6);
  });
});

describe("candidatePercent", () => {
  const plan = planRollout(5, 100);
  it.each([
    [0, 1],
    [999, 1],
    [1000, 26],
    [2500, 51],
    [3000, 76],
    [4000, 100],
    [60_000, 100],
  ])("after %d ms the new revision has %d percent", (elapsed, percent) => {
    expect(candidatePercent(plan, 100, elapsed)).toBe(percent);
  });
});

describe("rolloutSplit", () => {
  it("gives the new revision its share and leaves the previous one the rest", () => {
    expect(rolloutSplit([{ revision: "r-1", percent: 100 }], "r-2", 26)).toEqual([
      { revision: "r-1", percent: 74 },
      { revision: "r-2", percent: 26 },
    ]);
  });

  it("takes from the oldest revision first when a rollout starts during another", () => {
    const previous = [
      { revision: "r-1", percent: 40 },
      { revision: "r-2", percent: 60 },
    ];
    expect(rolloutSplit(previous, "r-3", 50)).toEqual([
      { revision: "r-2", percent: 50 },
      { revision: "r-3", percent: 50 },
    ]);
  });

  it("leaves only the new revision at the end", () => {
    expect(rolloutSplit([{ revision: "r-1", percent: 100 }], "r-2", 100)).toEqual([{ revision: "r-2", percent: 100 }]);
  });
});
