/**
 * From the decider's wish to the replicas a revision gets, as Knative's KPA
 * reconciler applies it (knative.dev/serving v0.51.0
 * pkg/reconciler/autoscaling/kpa: scaler.go `scale`, `applyBounds`,
 * `handleScaleToZero`; kpa.go `computeActiveCondition`, the SKS mode). Pure:
 * the PodAutoscaler's state, the decision, the ready replicas and the time go
 * in; the replicas to apply (if any) and the new state come out.
 */

/** Knative's default scale-to-zero-grace-period (the config-autoscaler ConfigMap may set another). */
export const SCALE_TO_ZERO_GRACE_MS = 30_000;
/** Knative waits this past the progress deadline before giving up activating (activationTimeoutBuffer). */
export const ACTIVATION_TIMEOUT_BUFFER_MS = 30_000;

export interface PodAutoscalerSpec {
  /** min-scale (annotation, else the cluster's). */
  minScale: number;
  /** 0 is unlimited. */
  maxScale: number;
  initialScale: number;
  /** False when no route sends traffic to the revision. */
  reachable: boolean;
  enableScaleToZero: boolean;
  stableWindowMs: number;
  scaleToZeroGracePeriodMs: number;
  scaleToZeroPodRetentionMs: number;
  targetBurstCapacity: number;
  /** The progress deadline plus Knative's 30 s buffer. */
  activationTimeoutMs: number;
}

export type Activity = "activating" | "active" | "inactive";

export interface PodAutoscalerState {
  /** The PodAutoscaler's Active condition: Unknown, True or False. */
  activity: Activity;
  /** When `activity` last changed (the condition's lastTransitionTime). */
  since: number;
  /** Once the revision had its initial scale ready, initial-scale no longer holds. */
  scaleTargetInitialized: boolean;
  /** Since when the activator is in the request path (SKS proxy mode); undefined while serving directly. */
  proxySince: number | undefined;
}

export function newPodAutoscalerState(now: number): PodAutoscalerState {
  return { activity: "activating", since: now, scaleTargetInitialized: false, proxySince: undefined };
}

/** The decider's result: desired pods (-1 when it has no data) and the excess burst capacity. */
export interface ScaleDecision {
  desired: number;
  excessBurstCapacity: number;
}

export interface Reconciled {
  /** What the PodAutoscaler wants: -1 unknown, 0 scale to zero. */
  want: number;
  /** The replicas to set now; undefined leaves them as they are. */
  apply: number | undefined;
  /** The activator is in the request path. */
  proxy: boolean;
  state: PodAutoscalerState;
}

/** Knative's applyBounds: at least min, at most max (0 is no max). */
export function applyBounds(min: number, max: number, x: number): number {
  if (x < min) return min;
  if (max !== 0 && x > max) return max;
  return x;
}

/** One reconcile of the PodAutoscaler. */
export function reconcilePodAutoscaler(
  spec: PodAutoscalerSpec,
  state: PodAutoscalerState,
  decision: ScaleDecision,
  readyPods: number,
  now: number,
): Reconciled {
  // scaler.scale
  let want = decision.desired;
  let apply: number | undefined;
  const boundsMin = spec.reachable ? spec.minScale : 0; // ScaleBounds: min-scale holds only while reachable
  if (!(want < 0 && state.activity !== "activating")) {
    let min = boundsMin;
    // Initial scale holds until reached, and not for an unreachable revision.
    if (spec.initialScale > 1 && !state.scaleTargetInitialized && spec.reachable) {
      min = Math.max(spec.initialScale, min);
    }
    const [scale, shouldApply] = handleScaleToZero(spec, state, applyBounds(min, spec.maxScale, want), now);
    want = scale;
    if (shouldApply) apply = scale;
  }

  // The SKS mode: the activator is in the path at zero, with negative excess burst capacity, or when unknown and inactive.
  const proxy = want === 0 || decision.excessBurstCapacity < 0 || (want === -1 && state.activity === "inactive");
  const proxySince = proxy ? (state.proxySince ?? now) : undefined;

  // computeActiveCondition
  const minReady = state.scaleTargetInitialized ? Math.max(boundsMin, 1) : Math.max(boundsMin, spec.initialScale);
  const scaleTargetInitialized = state.scaleTargetInitialized || readyPods >= minReady;
  let activity = state.activity;
  if (want === 0 || minReady === 0) activity = "inactive";
  else if (readyPods < minReady) {
    if (want > 0 || state.activity !== "inactive") activity = "activating";
  } else if (want > 0 || state.activity !== "inactive") activity = "active";

  return {
    want,
    apply,
    proxy,
    state: {
      activity,
      since: activity === state.activity ? state.since : now,
      scaleTargetInitialized,
      proxySince,
    },
  };
}

/** Knative's handleScaleToZero: [scale, whether to apply it]. */
function handleScaleToZero(
  spec: PodAutoscalerSpec,
  state: PodAutoscalerState,
  desired: number,
  now: number,
): [number, boolean] {
  if (desired !== 0) return [desired, true];
  if (!spec.enableScaleToZero) return [1, true];
  const lasted = now - state.since;
  switch (state.activity) {
    case "activating":
      // Stuck activating past the progress deadline: give up and scale to zero.
      return lasted >= spec.activationTimeoutMs ? [desired, true] : [-1, false];
    case "active":
      // Active a whole stable window: become inactive (scale nothing yet);
      // before that, 1 replica for the rest of the idle period.
      return lasted >= spec.stableWindowMs ? [desired, false] : [1, true];
    case "inactive": {
      // The activator must be in the path; locally it is as soon as the mode says so.
      const activatorInPath = spec.targetBurstCapacity === -1 || state.proxySince !== undefined;
      if (!activatorInPath) return [desired, false];
      const retention = spec.reachable ? spec.scaleToZeroPodRetentionMs : 0;
      if (lasted >= Math.max(spec.scaleToZeroGracePeriodMs, retention)) return [desired, true];
      if (retention > 0 && lasted < retention) return [desired, false];
      // Fast path: the activator has been in the path for the grace period already.
      const proxyFor = state.proxySince === undefined ? 0 : now - state.proxySince;
      return spec.scaleToZeroGracePeriodMs - proxyFor <= 0 ? [desired, true] : [desired, false];
    }
  }
}
