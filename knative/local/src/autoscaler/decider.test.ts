import { describe, expect, it } from "vitest";
import {
  type DeciderSpec,
  type DeciderState,
  decide,
  defaultDeciderSpec,
  newDeciderState,
  TICK_MS,
} from "./decider.ts";

const spec = (overrides: Partial<DeciderSpec> = {}): DeciderSpec => ({
  ...defaultDeciderSpec,
  targetValue: 10,
  totalValue: 100,
  ...overrides,
});
const calm: DeciderState = { panicSince: undefined, maxPanicPods: 0, recent: [] };

describe("decide: one tick", () => {
  it.each([
    // name, ready pods, stable avg, panic avg, spec overrides, desired pods, panicking
    ["no load keeps nothing", 0, 0, 0, {}, 0, false],
    ["load within target on one pod", 1, 8, 8, {}, 1, false],
    ["stable average decides", 3, 50, 50, {}, 5, false],
    ["target rounds up", 4, 51, 51, {}, 6, false],
    ["scale down at most by half", 10, 10, 10, {}, 5, false],
    ["scale down by a third with rate 1.5", 9, 0, 0, { maxScaleDownRate: 1.5 }, 6, false],
    ["unreachable revision scales down freely", 10, 0, 0, { reachable: false }, 0, false],
    ["scale up capped by the up rate", 1, 1000, 1000, { maxScaleUpRate: 2 }, 2, true],
    ["panic at twice the ready pods", 2, 20, 40, {}, 4, true],
    ["under the threshold (3 pods needed of 2) does not panic", 2, 20, 30, {}, 2, false],
    ["rounding up can cross the threshold (3.9 -> 4 of 2)", 2, 20, 39, {}, 4, true],
    ["panic takes the larger of stable and panic", 2, 60, 40, {}, 6, true],
    ["activation scale lifts any load", 1, 1, 1, { activationScale: 3 }, 3, false],
    ["activation scale leaves no load alone", 1, 0, 0, { activationScale: 3 }, 0, false],
  ] as const)("%s", (_name, readyPods, stable, panic, overrides, desired, panicking) => {
    const { decision } = decide(spec(overrides), calm, { readyPods, stable, panic }, 0);
    expect(decision).toMatchObject({ desiredPods: desired, panicking });
  });

  it("decides nothing without data", () => {
    expect(decide(spec(), calm, undefined, 0)).toEqual({ state: calm });
  });

  it.each([
    ["burst capacity 211 on 2 pods of 100", 211, 2, 30, -41],
    ["enough pods to leave the activator", 211, 4, 30, 159],
    ["0: never the activator", 0, 1, 500, 0],
    ["-1: always the activator", -1, 50, 0, -1],
  ])("excess burst capacity, %s", (_name, targetBurstCapacity, readyPods, panic, excess) => {
    const { decision } = decide(spec({ targetBurstCapacity }), calm, { readyPods, stable: panic, panic }, 0);
    expect(decision?.excessBurstCapacity).toBe(excess);
  });
});

describe("decide: over time", () => {
  /** Runs ticks every 2 s from t=0 and returns the desired pods of each. */
  function run(s: DeciderSpec, ticks: { ready: number; stable: number; panic: number }[], state = calm) {
    const out: number[] = [];
    let current = state;
    ticks.forEach((t, i) => {
      const result = decide(s, current, { readyPods: t.ready, stable: t.stable, panic: t.panic }, i * TICK_MS);
      current = result.state;
      out.push(result.decision?.desiredPods ?? -1);
    });
    return { pods: out, state: current };
  }

  it("never scales down in panic, and leaves panic only a full stable window after the last overload", () => {
    const s = spec({ stableWindowMs: 10_000 });
    const surge = { ready: 1, stable: 10, panic: 40 }; // 4 pods needed on 1: panic
    const after = { ready: 4, stable: 10, panic: 10 }; // 1 pod needed
    const { pods } = run(s, [surge, ...Array(7).fill(after)]);
    // t=0 panic begins (4 pods); held through t=10 s (panicSince + window is not yet before now);
    // at t=12 s it un-panics and scales down by the rate limit (4 -> 2).
    expect(pods).toEqual([4, 4, 4, 4, 4, 4, 2, 2]);
  });

  it("extends panic while the threshold is still crossed", () => {
    const s = spec({ stableWindowMs: 6_000 });
    const over = { ready: 2, stable: 20, panic: 50 };
    const calmTick = { ready: 5, stable: 20, panic: 20 };
    const { state } = run(s, [over, over, over, calmTick]);
    expect(state.panicSince).toBe(2 * TICK_MS);
  });

  it("a new decider with several ready pods starts in panic and holds them", () => {
    const { pods } = run(
      spec({ stableWindowMs: 6_000 }),
      Array(6).fill({ ready: 5, stable: 0, panic: 0 }),
      newDeciderState(5, 0),
    );
    expect(pods.slice(0, 4)).toEqual([5, 5, 5, 5]);
    expect(pods[5]).toBeLessThan(5);
  });

  it("scale-down-delay keeps the highest decision of the delay", () => {
    const s = spec({ scaleDownDelayMs: 6_000 });
    const { pods } = run(s, [
      { ready: 4, stable: 40, panic: 40 },
      { ready: 4, stable: 10, panic: 10 },
      { ready: 4, stable: 10, panic: 10 },
      { ready: 4, stable: 10, panic: 10 },
      { ready: 4, stable: 10, panic: 10 },
    ]);
    expect(pods).toEqual([4, 4, 4, 2, 2]);
  });
});
