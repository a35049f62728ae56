/**
 * Flagger's canary analysis (provider knative) as a pure step function: at
 * each analysis interval the checks run on the new revision's metrics; passing
 * checks move `stepWeight` more traffic to it up to `maxWeight`, then promote
 * it; after `threshold` failed checks the canary is rolled back to the primary.
 */

export interface CanaryAnalysis {
  intervalMs: number;
  threshold: number;
  maxWeight: number;
  stepWeight: number;
  /** Minimum success rate, percent (Flagger's request-success-rate). */
  minSuccessRate?: number;
  /** Maximum request duration, milliseconds (Flagger's request-duration, a p99). */
  maxDurationMs?: number;
}

export type CanaryPhase = "Progressing" | "Succeeded" | "Failed";

export interface CanaryState {
  phase: CanaryPhase;
  primary: string;
  canary: string;
  /** Percent of traffic on the canary. */
  weight: number;
  failedChecks: number;
}

/** The canary's metrics over the last interval; undefined when it served no request. */
export interface CanaryMetrics {
  successRate?: number;
  durationP99Ms?: number;
}

export function startCanary(primary: string, canary: string): CanaryState {
  return { phase: "Progressing", primary, canary, weight: 0, failedChecks: 0 };
}

/** The checks that failed, in Flagger's words; empty when all pass. */
export function failedChecks(analysis: CanaryAnalysis, metrics: CanaryMetrics): string[] {
  const failures: string[] = [];
  if (analysis.minSuccessRate !== undefined) {
    if (metrics.successRate === undefined) failures.push("request-success-rate: no values found");
    else if (metrics.successRate < analysis.minSuccessRate) {
      failures.push(`request-success-rate ${metrics.successRate.toFixed(2)}% < ${analysis.minSuccessRate}%`);
    }
  }
  if (analysis.maxDurationMs !== undefined) {
    if (metrics.durationP99Ms === undefined) failures.push("request-duration: no values found");
    else if (metrics.durationP99Ms > analysis.maxDurationMs) {
      failures.push(`request-duration ${metrics.durationP99Ms.toFixed(0)}ms > ${analysis.maxDurationMs}ms`);
    }
  }
  return failures;
}

/** One analysis interval: the next state and the events to log. */
export function analyzeCanary(
  analysis: CanaryAnalysis,
  state: CanaryState,
  metrics: CanaryMetrics,
): { state: CanaryState; events: string[] } {
  if (state.phase !== "Progressing") return { state, events: [] };
  // The first step sends traffic; there is nothing to judge before it.
  const failures = state.weight === 0 ? [] : failedChecks(analysis, metrics);
  if (failures.length > 0) {
    const failed = state.failedChecks + 1;
    const events = failures.map((f) => `Halt ${state.canary} advancement: ${f}`);
    if (failed >= analysis.threshold) {
      return {
        state: { ...state, phase: "Failed", weight: 0, failedChecks: failed },
        events: [...events, `Rolling back ${state.canary}: failed checks threshold reached ${failed}`],
      };
    }
    return { state: { ...state, failedChecks: failed }, events };
  }
  if (state.weight >= analysis.maxWeight) {
    return {
      state: { ...state, phase: "Succeeded", primary: state.canary, weight: 100 },
      events: [`Promotion completed! ${state.canary} is the primary revision`],
    };
  }
  const weight = Math.min(analysis.maxWeight, state.weight + analysis.stepWeight);
  return {
    state: { ...state, weight },
    events: [`Advance ${state.canary} canary weight ${weight}`],
  };
}

/** spec.traffic for the current state: primary and canary, each pinned by revision name. */
export function canaryTraffic(state: CanaryState): { revisionName: string; percent: number; tag?: string }[] {
  if (state.phase === "Succeeded") return [{ revisionName: state.primary, percent: 100 }];
  return [
    { revisionName: state.primary, percent: 100 - state.weight, tag: "primary" },
    { revisionName: state.canary, percent: state.weight, tag: "canary" },
  ];
}
