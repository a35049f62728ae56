import { describe, expect, it } from "vitest";
import {
  type Activity,
  applyBounds,
  newPodAutoscalerState,
  type PodAutoscalerSpec,
  reconcilePodAutoscaler,
} from "./scale.ts";

// Knative's pkg/reconciler/autoscaling/kpa/scaler_test.go (v0.51.0) TestScaler, with its
// numbers: grace period 60 s, stable window 5 min, progress deadline 600 s (+30 s buffer).
const grace = 60_000;
const stableWindow = 300_000;
const activationTimeout = 600_000 + 30_000;
const NOW = 10_000_000;

const baseSpec: PodAutoscalerSpec = {
  minScale: 0,
  maxScale: 0,
  initialScale: 1,
  reachable: true,
  enableScaleToZero: true,
  stableWindowMs: stableWindow,
  scaleToZeroGracePeriodMs: grace,
  scaleToZeroPodRetentionMs: 0,
  targetBurstCapacity: 211,
  activationTimeoutMs: activationTimeout,
};

interface Case {
  start: number;
  scaleTo: number;
  activity: Activity;
  /** How long the PodAutoscaler has had its Active condition. */
  lasted: number;
  /** How long the activator has been in the path; undefined when it is not (Knative's probe fails). */
  proxyFor?: number;
  initialized?: boolean;
  spec?: Partial<PodAutoscalerSpec>;
  want: number;
  scaled: boolean;
}

describe("reconcilePodAutoscaler: Knative's TestScaler", () => {
  it.each<[string, Case]>([
    [
      "waits to scale to zero (just before idle period)",
      { start: 1, scaleTo: 0, activity: "active", lasted: stableWindow - 1000, want: 1, scaled: false },
    ],
    [
      "scale to 1 waiting for idle expires",
      { start: 10, scaleTo: 0, activity: "active", lasted: stableWindow - 1000, want: 1, scaled: true },
    ],
    [
      "waits to scale to zero after idle period (deactivates first)",
      { start: 1, scaleTo: 0, activity: "active", lasted: stableWindow, want: 0, scaled: false },
    ],
    [
      "custom PA window, idle period over",
      {
        start: 1,
        scaleTo: 0,
        activity: "active",
        lasted: 45_000,
        spec: { stableWindowMs: 45_000 },
        want: 0,
        scaled: false,
      },
    ],
    [
      "can scale to zero after grace period, 0 PA retention",
      { start: 1, scaleTo: 0, activity: "inactive", lasted: grace, proxyFor: grace, want: 0, scaled: true },
    ],
    [
      "can't scale to zero after grace period, but before last pod retention",
      {
        start: 1,
        scaleTo: 0,
        activity: "inactive",
        lasted: grace,
        proxyFor: grace,
        spec: { scaleToZeroPodRetentionMs: 2 * grace },
        want: 0,
        scaled: false,
      },
    ],
    [
      "scale to zero after grace period, and after last pod retention",
      {
        start: 1,
        scaleTo: 0,
        activity: "inactive",
        lasted: grace,
        proxyFor: grace,
        spec: { scaleToZeroPodRetentionMs: grace },
        want: 0,
        scaled: true,
      },
    ],
    [
      "waits to scale to zero (just before grace period)",
      {
        start: 1,
        scaleTo: 0,
        activity: "inactive",
        lasted: grace - 1000,
        proxyFor: grace - 1000,
        want: 0,
        scaled: false,
      },
    ],
    [
      "fast path: just before grace period, activator in the path long, retention 42 s",
      {
        start: 1,
        scaleTo: 0,
        activity: "inactive",
        lasted: grace - 1000,
        proxyFor: grace,
        spec: { scaleToZeroPodRetentionMs: 42_000 },
        want: 0,
        scaled: true,
      },
    ],
    [
      "fast path: just before grace period, activator in the path long",
      { start: 1, scaleTo: 0, activity: "inactive", lasted: grace - 1000, proxyFor: grace, want: 0, scaled: true },
    ],
    [
      "scale to zero with TBC=-1 (activator always in path)",
      {
        start: 1,
        scaleTo: 0,
        activity: "inactive",
        lasted: grace,
        spec: { targetBurstCapacity: -1 },
        want: 0,
        scaled: true,
      },
    ],
    [
      "no scale to zero while the activator is not in the path (probe fails)",
      { start: 1, scaleTo: 0, activity: "inactive", lasted: grace, want: 0, scaled: false },
    ],
    [
      "waits while activating until the deadline",
      { start: 1, scaleTo: 0, activity: "activating", lasted: activationTimeout / 2, want: -1, scaled: false },
    ],
    [
      "scale to zero while activating after the deadline",
      { start: 1, scaleTo: 0, activity: "activating", lasted: activationTimeout + 1000, want: 0, scaled: true },
    ],
    [
      "scale down to minScale before grace period",
      {
        start: 10,
        scaleTo: 0,
        activity: "inactive",
        lasted: grace - 1000,
        proxyFor: grace - 1000,
        spec: { minScale: 2 },
        want: 2,
        scaled: true,
      },
    ],
    [
      "scale down to minScale after grace period",
      {
        start: 10,
        scaleTo: 0,
        activity: "inactive",
        lasted: grace,
        proxyFor: grace,
        spec: { minScale: 2 },
        want: 2,
        scaled: true,
      },
    ],
    [
      "an unreachable revision ignores last pod retention",
      {
        start: 1,
        scaleTo: 0,
        activity: "inactive",
        lasted: grace,
        proxyFor: grace,
        spec: { reachable: false, scaleToZeroPodRetentionMs: 10 * grace },
        want: 0,
        scaled: true,
      },
    ],
    [
      "an unreachable revision still waits for the grace period",
      {
        start: 1,
        scaleTo: 0,
        activity: "inactive",
        lasted: grace - 1000,
        proxyFor: grace - 1000,
        spec: { reachable: false, scaleToZeroPodRetentionMs: 10 * grace },
        want: 0,
        scaled: false,
      },
    ],
    [
      "ignore minScale if unreachable",
      {
        start: 10,
        scaleTo: 0,
        activity: "inactive",
        lasted: grace,
        proxyFor: grace,
        spec: { reachable: false, minScale: 2 },
        want: 0,
        scaled: true,
      },
    ],
    ["scales up", { start: 1, scaleTo: 10, activity: "active", lasted: 0, want: 10, scaled: true }],
    [
      "scales up to maxScale",
      { start: 1, scaleTo: 10, activity: "active", lasted: 0, spec: { maxScale: 8 }, want: 8, scaled: true },
    ],
    [
      "scale up an inactive revision",
      { start: 1, scaleTo: 10, activity: "inactive", lasted: grace / 2, want: 10, scaled: true },
    ],
    [
      "does not scale up from zero with no metrics",
      { start: 0, scaleTo: -1, activity: "inactive", lasted: 0, want: -1, scaled: false },
    ],
    [
      "scales up from zero to desired one",
      { start: 0, scaleTo: 1, activity: "active", lasted: 0, want: 1, scaled: true },
    ],
    [
      "negative scale does not scale",
      { start: 12, scaleTo: -1, activity: "active", lasted: 0, want: -1, scaled: false },
    ],
    [
      "initial scale attained, now time to scale down",
      {
        start: 2,
        scaleTo: 0,
        activity: "active",
        lasted: 120_000,
        initialized: true,
        spec: { initialScale: 2 },
        want: 1,
        scaled: true,
      },
    ],
    [
      "initial scale not reached: it overrides the desired scale",
      { start: 0, scaleTo: 1, activity: "activating", lasted: 0, spec: { initialScale: 2 }, want: 2, scaled: true },
    ],
    [
      "initial scale reached for the first time",
      { start: 5, scaleTo: 1, activity: "activating", lasted: 0, spec: { initialScale: 5 }, want: 5, scaled: false },
    ],
    [
      "initial scale zero, when the cluster allows it",
      { start: 0, scaleTo: 0, activity: "inactive", lasted: 0, spec: { initialScale: 0 }, want: 0, scaled: false },
    ],
    [
      "an unreachable revision ignores initial scale > 1",
      {
        start: 2,
        scaleTo: 0,
        activity: "active",
        lasted: 120_000,
        spec: { initialScale: 2, reachable: false },
        want: 1,
        scaled: true,
      },
    ],
    [
      "enable-scale-to-zero false keeps one",
      {
        start: 3,
        scaleTo: 0,
        activity: "inactive",
        lasted: grace,
        proxyFor: grace,
        spec: { enableScaleToZero: false },
        want: 1,
        scaled: true,
      },
    ],
  ])("%s", (_label, c) => {
    const state = {
      activity: c.activity,
      since: NOW - c.lasted,
      scaleTargetInitialized: c.initialized ?? false,
      proxySince: c.proxyFor === undefined ? undefined : NOW - c.proxyFor,
    };
    const spec = { ...baseSpec, ...c.spec };
    const r = reconcilePodAutoscaler(spec, state, { desired: c.scaleTo, excessBurstCapacity: 0 }, c.start, NOW);
    expect(r.want).toBe(c.want);
    expect(r.apply !== undefined && r.apply !== c.start).toBe(c.scaled);
  });
});

describe("reconcilePodAutoscaler: the Active condition and the activator", () => {
  it("activates, goes inactive after a stable window idle, and reaches zero by the fast path", () => {
    const spec = { ...baseSpec, stableWindowMs: 60_000, scaleToZeroGracePeriodMs: 30_000 };
    let state = newPodAutoscalerState(0);
    // One replica is ready; excess burst capacity is negative with one replica (211 > 100): the activator stays in.
    let r = reconcilePodAutoscaler(spec, state, { desired: 1, excessBurstCapacity: -111 }, 1, 0);
    expect(r).toMatchObject({ want: 1, apply: 1, proxy: true, state: { activity: "active", since: 0 } });
    state = r.state;
    // Idle from t=10 s: the decider wants 0 once the stable window holds only zeros (t=70 s).
    r = reconcilePodAutoscaler(spec, state, { desired: 0, excessBurstCapacity: -111 }, 1, 70_000);
    expect(r).toMatchObject({ want: 0, apply: undefined, state: { activity: "inactive", since: 70_000 } });
    state = r.state;
    // The activator has been in the path since t=0, longer than the grace period: zero at the next reconcile.
    r = reconcilePodAutoscaler(spec, state, { desired: 0, excessBurstCapacity: -111 }, 1, 72_000);
    expect(r).toMatchObject({ want: 0, apply: 0 });
  });

  it("waits the whole grace period when the activator came into the path only now", () => {
    const spec = { ...baseSpec, stableWindowMs: 60_000, scaleToZeroGracePeriodMs: 30_000, targetBurstCapacity: 0 };
    let r = reconcilePodAutoscaler(spec, newPodAutoscalerState(0), { desired: 1, excessBurstCapacity: 0 }, 1, 0);
    expect(r.proxy).toBe(false);
    r = reconcilePodAutoscaler(spec, r.state, { desired: 0, excessBurstCapacity: 0 }, 1, 60_000);
    expect(r).toMatchObject({ want: 0, apply: undefined, proxy: true, state: { activity: "inactive" } });
    let state = r.state;
    const applied: (number | undefined)[] = [];
    for (let t = 62_000; t <= 92_000; t += 2000) {
      r = reconcilePodAutoscaler(spec, state, { desired: 0, excessBurstCapacity: 0 }, 1, t);
      state = r.state;
      applied.push(r.apply);
    }
    expect(applied.indexOf(0)).toBe(14); // t = 90 s: 30 s after going inactive
  });

  it("with no data while inactive keeps the activator in the path and applies nothing", () => {
    const state = { activity: "inactive" as const, since: 0, scaleTargetInitialized: true, proxySince: 0 };
    expect(reconcilePodAutoscaler(baseSpec, state, { desired: -1, excessBurstCapacity: 0 }, 0, 5000)).toMatchObject({
      want: -1,
      apply: undefined,
      proxy: true,
    });
  });
});

describe("applyBounds", () => {
  it.each([
    [0, 0, 5, 5],
    [2, 0, 0, 2],
    [0, 3, 5, 3],
    [2, 3, 2, 2],
  ])("min %i, max %i, %i -> %i", (min, max, x, want) => {
    expect(applyBounds(min, max, x)).toBe(want);
  });
});
