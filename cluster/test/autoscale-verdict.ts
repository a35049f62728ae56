/**
 * The verdict on the k6 `autoscale` scenario run against the cluster (pure).
 * On a 2-core node the autoscaler may want more replicas than the node can
 * schedule by CPU requests: Knative's decision is what is checked (it wants
 * at least `minDesired`), and every replica it wanted and did not get must be
 * accounted for by the scheduler's "Insufficient cpu".
 */

/** What the runner's summary.json says about the run. */
export interface AutoscaleSummary {
  peakReady: number;
  peakDesired: number;
  readyAtLoadStart: number | null;
  secondsBackToZero: number | null;
  requests: number;
  failed: number;
}

export interface AutoscaleVerdict {
  ok: boolean;
  figures: string[];
}

export function judgeAutoscale(
  s: AutoscaleSummary,
  runnerExitCode: number,
  unschedulableForCpu: number,
  minDesired: number,
): AutoscaleVerdict {
  const shortfall = s.peakDesired - s.peakReady;
  const checks: [boolean, string][] = [
    [runnerExitCode === 0, `npm run loadtest -- autoscale exited ${runnerExitCode} (its k6 thresholds and checks)`],
    [s.readyAtLoadStart === 0, `${s.readyAtLoadStart ?? "-"} ready when the load started (from zero)`],
    [
      s.peakDesired >= minDesired,
      `the autoscaler wanted ${s.peakDesired} replicas at the peak (at least ${minDesired})`,
    ],
    [s.peakReady >= 2, `${s.peakReady} ready at the peak`],
    [
      shortfall <= 0 || unschedulableForCpu > 0,
      shortfall <= 0
        ? "every replica wanted was ready"
        : `${shortfall} wanted but not ready: ${unschedulableForCpu} scheduling failures for Insufficient cpu`,
    ],
    [s.secondsBackToZero !== null, `back to zero ${s.secondsBackToZero ?? "never"} s after the load ended`],
    [s.failed === 0, `${s.requests} requests, ${s.failed} failed`],
  ];
  return { ok: checks.every(([ok]) => ok), figures: checks.map(([ok, text]) => `${ok ? "ok  " : "FAIL"} ${text}`) };
}
