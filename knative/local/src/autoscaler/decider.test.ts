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

// Cases and numbers of Knative's pkg/autoscaler/scaling/autoscaler_test.go (v0.51.0).
describe("decide: Knative's autoscaler_test cases", () => {
  const knative = (overrides: Partial<DeciderSpec> = {}): DeciderSpec => ({
    ...defaultDeciderSpec,
    targetValue: 10,
    totalValue: 10 / 0.75,
    targetBurstCapacity: 100,
    panicThreshold: 2,
    maxScaleUpRate: 10,
    maxScaleDownRate: 10,
    stableWindowMs: 60_000,
    reachable: true,
    ...overrides,
  });
  const at = (s: DeciderSpec, state: DeciderState, ready: number, stable: number, panic: number, now: number) =>
    decide(s, state, { readyPods: ready, stable, panic }, now);

  it("TestAutoscalerScaleDownDelay: simple, then gradual", () => {
    const s = knative({ panicThreshold: 100, scaleDownDelayMs: 5 * 60_000 });
    let state = calm;
    const step = (now: number, load: number) => {
      const r = at(s, state, 0, load, load, now);
      state = r.state;
      return r.decision?.desiredPods;
    };
    expect(step(2000, 40)).toBe(4);
    expect(step(5 * 60_000, 0)).toBe(4); // less than the delay
    expect(step(5 * 60_000 + 2000, 0)).toBe(0);
    expect(step(9 * 60_000, 40)).toBe(4);
    expect(step(10 * 60_000, 30)).toBe(4); // 4 still dominates
    expect(step(11 * 60_000, 0)).toBe(4);
    expect(step(14 * 60_000, 0)).toBe(3); // 4 scrolls out
    expect(step(15 * 60_000, 0)).toBe(0); // everything scrolled out
  });

  it("TestAutoscalerScaleDownDelayNotReachable: an unreachable revision scales down at once", () => {
    const s = knative({ panicThreshold: 100, scaleDownDelayMs: 5 * 60_000 });
    const up = at(s, calm, 0, 40, 40, 2000);
    expect(up.decision?.desiredPods).toBe(4);
    const held = at(s, up.state, 0, 0, 0, 60_000);
    expect(held.decision?.desiredPods).toBe(4);
    expect(at({ ...s, reachable: false }, held.state, 0, 0, 0, 2000).decision?.desiredPods).toBe(0);
  });

  it("TestAutoscalerScaleDownDelayZero: no delay scales down at once", () => {
    const s = knative({ panicThreshold: 100 });
    const up = at(s, calm, 0, 40, 40, 0);
    expect(at(s, up.state, 0, 20, 20, 500).decision?.desiredPods).toBe(2);
  });

  it.each([
    // name, ready, stable, panic, tbc, desired, excess burst capacity (expectedEBC: 10/0.75*pods - tbc - panic)
    ["StableModeIncreaseWithConcurrencyDefault", 1, 50, 10, 101, 5, Math.floor((10 / 0.75) * 1 - 101 - 10)],
    ["StableModeIncreaseWithConcurrencyDefault, 100", 1, 100, 10, 101, 10, Math.floor((10 / 0.75) * 1 - 101 - 10)],
    ["StableModeNoTrafficScaleToZero, 1", 1, 1, 0, 75, 1, Math.floor((10 / 0.75) * 1 - 75)],
    ["StableModeNoTrafficScaleToZero, 0", 1, 0, 0, 75, 0, Math.floor((10 / 0.75) * 1 - 75)],
    ["StableModeDecrease, 100 on 8", 8, 100, 100, 98, 10, Math.floor((10 / 0.75) * 8 - 98 - 100)],
    ["StableModeDecrease, 50 on 8", 8, 50, 50, 98, 5, Math.floor((10 / 0.75) * 8 - 98 - 50)],
  ] as const)("TestAutoscaler%s", (_name, ready, stable, panic, tbc, desired, ebc) => {
    const { decision } = at(knative({ targetBurstCapacity: tbc }), calm, ready, stable, panic, 0);
    expect(decision?.desiredPods).toBe(desired);
    expect(decision?.excessBurstCapacity).toBe(ebc);
  });

  it("TestAutoscalerActivationScale", () => {
    const s = knative({ targetBurstCapacity: 75, activationScale: 2 });
    expect(at(s, calm, 1, 0, 0, 0).decision?.desiredPods).toBe(0);
    expect(at(s, calm, 1, 1, 0, 0).decision?.desiredPods).toBe(2);
  });

  it("TestAutoscalerUnpanicAfterSlowIncrease", () => {
    const s = knative({ targetValue: 1, totalValue: 1 / 0.75, targetBurstCapacity: 98 });
    const first = at(s, calm, 10, 11, 25, 0);
    expect(first.decision?.desiredPods).toBe(25);
    expect(first.state.panicSince).toBe(0);
    const half = at(s, first.state, 40, 30, 41, 30_000);
    expect(half.decision?.desiredPods).toBe(41);
    expect(half.state.panicSince).toBe(0);
    const end = at(s, half.state, 55, 50, 56, 62_000);
    expect(end.decision).toMatchObject({ desiredPods: 50, panicking: false });
  });

  it("TestAutoscalerExtendPanicWindow", () => {
    const s = knative({ targetValue: 1, totalValue: 1 / 0.75, targetBurstCapacity: 98 });
    const first = at(s, calm, 10, 11, 25, 0);
    const half = at(s, first.state, 40, 30, 80, 30_000);
    expect(half.decision?.desiredPods).toBe(80);
    expect(half.state.panicSince).toBe(30_000);
  });

  it("TestStartInPanicMode: a new decider panics only with 2 or more ready pods", () => {
    expect(newDeciderState(0, 0)).toMatchObject({ panicSince: undefined, maxPanicPods: 0 });
    expect(newDeciderState(1, 0)).toMatchObject({ panicSince: undefined, maxPanicPods: 1 });
    expect(newDeciderState(2, 0)).toMatchObject({ panicSince: 0, maxPanicPods: 2 });
  });
});
