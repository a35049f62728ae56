import { describe, expect, it } from "vitest";
import { applyScaleToZero, boundScale, type ScaleBounds, type ScaleToZeroState } from "./scale.ts";

const bounds = (overrides: Partial<ScaleBounds> = {}): ScaleBounds => ({
  minScale: 0,
  maxScale: 0,
  initialScale: 1,
  reachable: true,
  reachedInitialScale: true,
  ...overrides,
});

describe("boundScale", () => {
  it.each([
    ["within bounds", 3, {}, 3],
    ["raised to min-scale", 0, { minScale: 2 }, 2],
    ["min-scale ignored without traffic", 0, { minScale: 2, reachable: false }, 0],
    ["capped at max-scale", 12, { maxScale: 10 }, 10],
    ["max-scale 0 is unlimited", 500, { maxScale: 0 }, 500],
    ["initial scale until the revision was Ready", 0, { initialScale: 3, reachedInitialScale: false }, 3],
    ["initial scale no longer holds after", 0, { initialScale: 3 }, 0],
    ["max-scale wins over initial scale", 0, { initialScale: 5, maxScale: 2, reachedInitialScale: false }, 2],
  ])("%s", (_name, desired, overrides, replicas) => {
    expect(boundScale(desired, bounds(overrides))).toBe(replicas);
  });
});

describe("applyScaleToZero", () => {
  const timing = { stableWindowMs: 60_000, scaleToZeroPodRetentionMs: 0, enabled: true };
  const none: ScaleToZeroState = { activeSince: undefined, wantsZeroSince: undefined };

  /** Ticks every 2 s with the wanted counts; returns the replicas of each tick. */
  function run(wanted: number[], start = 1, t = timing) {
    let current = start;
    let state: ScaleToZeroState = { activeSince: 0, wantsZeroSince: undefined };
    return wanted.map((w, i) => {
      const result = applyScaleToZero(w, current, state, t, i * 2000);
      state = result.state;
      current = result.replicas;
      return current;
    });
  }

  it("keeps the last replica for the 30 s grace period, then goes to zero", () => {
    const replicas = run([1, ...Array(47).fill(0)]); // active since t=0; zero wished from t=2 s
    expect(replicas.indexOf(0) * 2000).toBe(60_000); // a whole stable window after it became active (t=0)
    const late = run([1, ...Array(60).fill(0)], 1, { ...timing, stableWindowMs: 6_000 });
    expect(late.indexOf(0) * 2000).toBe(32_000); // grace: 30 s after the wish began at 2 s
  });

  it("honours a longer pod retention period", () => {
    const replicas = run([1, ...Array(60).fill(0)], 1, {
      ...timing,
      stableWindowMs: 6_000,
      scaleToZeroPodRetentionMs: 90_000,
    });
    expect(replicas.indexOf(0) * 2000).toBe(92_000);
  });

  it("forgets the wish for zero when load comes back", () => {
    const replicas = run([0, 0, 0, 2, 0, ...Array(20).fill(0)], 1, { ...timing, stableWindowMs: 6_000 });
    expect(replicas[3]).toBe(2);
    expect(replicas.slice(4, 19).every((r) => r === 2)).toBe(true);
  });

  it("keeps one replica when scale to zero is off", () => {
    expect(applyScaleToZero(0, 3, none, { ...timing, enabled: false }, 0).replicas).toBe(1);
  });

  it("starts from zero at once when there is load", () => {
    expect(applyScaleToZero(1, 0, none, timing, 5000)).toEqual({
      replicas: 1,
      state: { activeSince: 5000, wantsZeroSince: undefined },
    });
  });
});
