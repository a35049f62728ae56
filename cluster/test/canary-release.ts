/**
 * The `canary` check's pure parts: its Canary, built from the platform's own
 * (knative/base/canaries.yaml), and what a release's observed course says.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

/** What the check reads of a Canary's status at each poll. */
export interface CanaryObservation {
  /** Seconds since the release was applied. */
  t: number;
  phase: string;
  canaryWeight: number;
  failedChecks: number;
}

export interface CanaryAnalysis {
  interval: string;
  threshold: number;
  maxWeight: number;
  stepWeight: number;
  metrics: { name: string; interval?: string; thresholdRange?: { min?: number; max?: number }; templateRef?: object }[];
}

/** The analysis the platform gives `service` in knative/base/canaries.yaml. */
export function baseAnalysis(repo: string, service: string): CanaryAnalysis {
  const docs = parseAllDocuments(readFileSync(join(repo, "knative/base/canaries.yaml"), "utf8")).map((d) => d.toJS());
  const canary = docs.find((d) => d?.kind === "Canary" && d.metadata?.name === service);
  if (!canary) throw new Error(`knative/base/canaries.yaml has no Canary named ${service}`);
  return canary.spec.analysis as CanaryAnalysis;
}

/**
 * A Canary for the check's Service with the platform's analysis, checks and
 * steps unchanged, run every `interval` instead of every minute so that three
 * releases fit in a few minutes. The metrics keep their own windows (`1m`).
 */
export function checkCanary(o: {
  namespace: string;
  name: string;
  analysis: CanaryAnalysis;
  interval: string;
}): object {
  return {
    apiVersion: "flagger.app/v1beta1",
    kind: "Canary",
    metadata: { name: o.name, namespace: o.namespace },
    spec: {
      provider: "knative",
      targetRef: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: o.name },
      analysis: { ...o.analysis, interval: o.interval },
    },
  };
}

export interface ReleaseCourse {
  /** The phase it ended in: Succeeded, Failed, or the last seen when it timed out. */
  outcome: string;
  /** Seconds from the release being applied to that phase. */
  seconds: number;
  /** The canary weights it went through, in order, without repeats (0 left out). */
  weights: number[];
  /** The most failed checks counted at once. */
  mostFailedChecks: number;
}

const FINAL = new Set(["Succeeded", "Failed"]);

/**
 * The course of one release from its observations. A release of a Canary that
 * has already finished one starts with that one's final phase still shown,
 * until Flagger sees the new revision: only phases after a non-final one count.
 */
export function releaseCourse(observations: CanaryObservation[]): ReleaseCourse {
  const started = observations.findIndex((o) => !FINAL.has(o.phase));
  const course = started === -1 ? [] : observations.slice(started);
  const end = course.find((o) => FINAL.has(o.phase)) ?? course.at(-1);
  const weights: number[] = [];
  for (const o of course) {
    if (o.canaryWeight > 0 && weights.at(-1) !== o.canaryWeight) weights.push(o.canaryWeight);
    if (o === end) break;
  }
  return {
    outcome: end?.phase ?? "not started",
    seconds: end?.t ?? 0,
    weights,
    mostFailedChecks: Math.max(0, ...course.map((o) => o.failedChecks)),
  };
}

/** Whether the release has come to an end, as releaseCourse reads it. */
export const releaseFinished = (observations: CanaryObservation[]): boolean =>
  FINAL.has(releaseCourse(observations).outcome);

/** One of Flagger's events about the Canary, as `kubectl get events` gives it (a repeated one is counted). */
export interface CanaryEvent {
  message: string;
  count: number;
}

/** Flagger's messages for a check that did not pass (pkg/controller/scheduler_metrics.go), and the check each names. */
const HALTS: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^Halt \S+ advancement success rate /, () => "request-success-rate"],
  [/^Halt \S+ advancement request duration /, () => "request-duration"],
  [/^Halt \S+ advancement (\S+) /, (m) => m[1] as string],
  [/^Halt advancement no values found for \S+ metric (\S+) /, (m) => m[1] as string],
  [/^Halt advancement no values found for (?:custom )?metric: ([^:\s]+)/, (m) => m[1] as string],
  [/^Metric query failed for ([^:\s]+):/, (m) => m[1] as string],
];

/** How many times each check held the release back, from Flagger's events. */
export function haltsByCheck(events: CanaryEvent[]): Record<string, number> {
  const halts: Record<string, number> = {};
  for (const { message, count } of events) {
    for (const [pattern, check] of HALTS) {
      const match = pattern.exec(message);
      if (!match) continue;
      const name = check(match);
      halts[name] = (halts[name] ?? 0) + count;
      break;
    }
  }
  return halts;
}

/**
 * Whether `check` decided the rollback: it held the release back at least once,
 * and the other checks' holds alone stay under Flagger's `threshold` of failed
 * checks (Flagger counts every metric's failure towards it). A canary revision
 * that gets no request within one short interval is a "no values found" hold
 * of request-success-rate, which alone rolls nothing back.
 */
export function decidedBy(halts: Record<string, number>, check: string, threshold: number): boolean {
  const others = Object.entries(halts)
    .filter(([name]) => name !== check)
    .reduce((sum, [, count]) => sum + count, 0);
  return (halts[check] ?? 0) > 0 && others < threshold;
}
