/**
 * Knative's KPA decision, as a pure function: the spec, the state carried
 * from the last tick, the observed averages and the time go in; the desired
 * replica count and the new state come out. Runs every 2 s per revision.
 * (knative/serving pkg/autoscaler/scaling/autoscaler.go, Scale.)
 */

export interface DeciderSpec {
  /** Per-replica target: capacity x utilization (70 concurrent requests by default). */
  targetValue: number;
  /** Per-replica capacity: containerConcurrency, or 100 (200 rps) when unlimited. */
  totalValue: number;
  /** 211 by default; 0 never routes through the activator, -1 always does. */
  targetBurstCapacity: number;
  /** Panic when the panic-window pods needed reach this multiple of the ready pods (2.0). */
  panicThreshold: number;
  maxScaleUpRate: number;
  maxScaleDownRate: number;
  stableWindowMs: number;
  /** At least this many pods whenever there is load, if above 1. */
  activationScale: number;
  /** Scale down only to the highest decision of this long ago (reachable revisions only); 0 for none. */
  scaleDownDelayMs: number;
  /** False for a revision no route sends traffic to: it may scale down freely. */
  reachable: boolean;
}

export const TICK_MS = 2000;

export const defaultDeciderSpec: DeciderSpec = {
  targetValue: 70,
  totalValue: 100,
  targetBurstCapacity: 211,
  panicThreshold: 2,
  maxScaleUpRate: 1000,
  maxScaleDownRate: 2,
  stableWindowMs: 60_000,
  activationScale: 1,
  scaleDownDelayMs: 0,
  reachable: true,
};

export interface DeciderState {
  /** When panic began or was last extended; undefined when not panicking. */
  panicSince: number | undefined;
  /** The highest count decided during this panic: it never goes down in panic. */
  maxPanicPods: number;
  /** Recent decisions by 2-second tick index, for scale-down-delay (Knative's max.TimeWindow). */
  recent: { index: number; pods: number }[];
}

/** Observed averages over the stable and the panic window, and the pods ready now. */
export interface Observation {
  readyPods: number;
  stable: number;
  panic: number;
}

export interface Decision {
  desiredPods: number;
  excessBurstCapacity: number;
  panicking: boolean;
}

/** A new decider starts in panic when more than one pod is ready, so it does not scale down on no history. */
export function newDeciderState(readyPods: number, now: number): DeciderState {
  return { panicSince: readyPods > 1 ? now : undefined, maxPanicPods: readyPods, recent: [] };
}

/** With no data yet (`observation` undefined) there is no decision, and the state is unchanged. */
export function decide(
  spec: DeciderSpec,
  state: DeciderState,
  observation: Observation | undefined,
  now: number,
): { decision?: Decision; state: DeciderState } {
  if (!observation) return { state };
  const ready = Math.max(1, observation.readyPods);
  const maxUp = Math.ceil(spec.maxScaleUpRate * ready);
  const maxDown = spec.reachable ? Math.floor(ready / spec.maxScaleDownRate) : 0;
  const stablePods = Math.ceil(observation.stable / spec.targetValue);
  const panicPods = Math.ceil(observation.panic / spec.targetValue);
  const clamp = (pods: number) => Math.min(Math.max(pods, maxDown), maxUp);
  let desiredStable = clamp(stablePods);
  let desiredPanic = clamp(panicPods);
  if (spec.activationScale > 1) {
    if (stablePods > 0) desiredStable = Math.max(desiredStable, spec.activationScale);
    if (panicPods > 0) desiredPanic = Math.max(desiredPanic, spec.activationScale);
  }

  const overThreshold = panicPods / ready >= spec.panicThreshold;
  let { panicSince, maxPanicPods } = state;
  if (overThreshold)
    panicSince = now; // begins, or is extended
  else if (panicSince !== undefined && panicSince + spec.stableWindowMs < now) {
    panicSince = undefined; // the surge has reached the stable window
    maxPanicPods = 0;
  }

  let desired = desiredStable;
  if (panicSince !== undefined) {
    maxPanicPods = Math.max(maxPanicPods, desiredStable, desiredPanic);
    desired = maxPanicPods;
  }

  // Knative delays scale-down only for a reachable revision (autoscaler.go, Scale).
  let recent = state.recent;
  if (spec.reachable && spec.scaleDownDelayMs > 0) {
    recent = recordMax(recent, spec.scaleDownDelayMs, now, desired);
    desired = Math.max(...recent.map((r) => r.pods));
  }

  let excessBurstCapacity = -1;
  if (spec.targetBurstCapacity === 0) excessBurstCapacity = 0;
  else if (spec.targetBurstCapacity > 0) {
    excessBurstCapacity = Math.floor(
      observation.readyPods * spec.totalValue - spec.targetBurstCapacity - observation.panic,
    );
  }

  return {
    decision: { desiredPods: desired, excessBurstCapacity, panicking: panicSince !== undefined },
    state: { panicSince, maxPanicPods, recent },
  };
}

/**
 * Knative's max.TimeWindow of ceil(delay / 2 s) buckets indexed by the 2-second
 * tick: a value stays until its bucket is a whole window older than the newest.
 */
export function recordMax(recent: DeciderState["recent"], delayMs: number, now: number, pods: number) {
  const size = Math.ceil(delayMs / TICK_MS);
  const index = Math.floor(now / TICK_MS);
  const kept = recent.filter((r) => index - r.index < size);
  const last = kept.at(-1);
  if (last?.index === index) return [...kept.slice(0, -1), { index, pods: Math.max(last.pods, pods) }];
  return [...kept, { index, pods }];
}
