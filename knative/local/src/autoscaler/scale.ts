/**
 * From the decider's wish to the replicas a revision gets: bounds, initial
 * scale and scale to zero, as Knative's KPA scaler applies them.
 * (knative/serving pkg/reconciler/autoscaling/kpa/scaler.go; numbers in
 * ../shared/facts/knative.md.)
 */

export const SCALE_TO_ZERO_GRACE_MS = 30_000;

export interface ScaleBounds {
  minScale: number;
  /** 0 is unlimited. */
  maxScale: number;
  initialScale: number;
  /** False when no route sends traffic to the revision: min-scale then does not hold. */
  reachable: boolean;
  /** True once the revision has had initial-scale ready replicas (it became Ready). */
  reachedInitialScale: boolean;
}

/** Pure: the decider's count within the revision's bounds. */
export function boundScale(desired: number, bounds: ScaleBounds): number {
  let replicas = desired;
  if (bounds.reachable) replicas = Math.max(replicas, bounds.minScale);
  if (!bounds.reachedInitialScale) replicas = Math.max(replicas, bounds.initialScale);
  if (bounds.maxScale > 0) replicas = Math.min(replicas, bounds.maxScale);
  return replicas;
}

export interface ScaleToZeroState {
  /** When the revision last went from 0 to serving. */
  activeSince: number | undefined;
  /** When the wish for 0 replicas began; undefined while it wants more. */
  wantsZeroSince: number | undefined;
}

export interface ScaleToZeroTiming {
  stableWindowMs: number;
  scaleToZeroPodRetentionMs: number;
  enabled: boolean;
}

/**
 * Pure: what to run now when the bounded wish is `wanted` and `current` run.
 * A revision goes to zero only after it was active for a whole stable window,
 * and then only once the wish for zero has lasted max(grace period, pod
 * retention); until then it keeps what it has.
 */
export function applyScaleToZero(
  wanted: number,
  current: number,
  state: ScaleToZeroState,
  timing: ScaleToZeroTiming,
  now: number,
): { replicas: number; state: ScaleToZeroState } {
  const activeSince = current > 0 ? (state.activeSince ?? now) : wanted > 0 ? now : undefined;
  if (wanted > 0) return { replicas: wanted, state: { activeSince, wantsZeroSince: undefined } };
  if (current === 0) return { replicas: 0, state: { activeSince: undefined, wantsZeroSince: undefined } };
  if (!timing.enabled) return { replicas: 1, state: { activeSince, wantsZeroSince: undefined } };
  const wantsZeroSince = state.wantsZeroSince ?? now;
  const activeLongEnough = activeSince !== undefined && now - activeSince >= timing.stableWindowMs;
  const waitedLongEnough = now - wantsZeroSince >= Math.max(SCALE_TO_ZERO_GRACE_MS, timing.scaleToZeroPodRetentionMs);
  if (activeLongEnough && waitedLongEnough) {
    return { replicas: 0, state: { activeSince: undefined, wantsZeroSince: undefined } };
  }
  return { replicas: current, state: { activeSince, wantsZeroSince } };
}
