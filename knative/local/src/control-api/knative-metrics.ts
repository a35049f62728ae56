/**
 * The autoscaler's metrics under Knative's own names (OpenTelemetry names as
 * Prometheus shows them: dots become underscores), so dashboards and alerts
 * written for the cluster read the local platform too. The one list of them.
 */

import type { CanaryState } from "../canary/analysis.ts";
import type { RevisionStatus } from "../controllers/local-serving.ts";
import { LATENCY_BUCKETS, type RequestTotals } from "../replicas/revision-runtime.ts";

export const KNATIVE_METRICS = {
  podsDesired: { name: "kn_revision_pods_desired", help: "Number of pods the autoscaler wants" },
  podsCount: { name: "kn_revision_pods_count", help: "Number of pods ready" },
  panicMode: { name: "kn_revision_panic_mode", help: "1 while the autoscaler is in panic mode" },
  concurrencyStable: { name: "kn_revision_concurrency_stable", help: "Average concurrency over the stable window" },
  concurrencyPanic: { name: "kn_revision_concurrency_panic", help: "Average concurrency over the panic window" },
  concurrencyTarget: { name: "kn_revision_concurrency_target", help: "Concurrency each pod is scaled for" },
  rpsStable: { name: "kn_revision_rps_stable", help: "Average requests per second over the stable window" },
  rpsPanic: { name: "kn_revision_rps_panic", help: "Average requests per second over the panic window" },
  capacityExcess: { name: "kn_revision_capacity_excess", help: "Excess burst capacity" },
  requestConcurrency: { name: "kn_revision_request_concurrency", help: "Requests in flight or held for the revision" },
} as const;

const value: Record<keyof typeof KNATIVE_METRICS, (s: RevisionStatus) => number> = {
  podsDesired: (s) => s.desired,
  podsCount: (s) => s.ready,
  panicMode: (s) => (s.panicking ? 1 : 0),
  concurrencyStable: (s) => s.stableConcurrency,
  concurrencyPanic: (s) => s.panicConcurrency,
  concurrencyTarget: (s) => s.targetConcurrency,
  rpsStable: (s) => s.stableRps,
  rpsPanic: (s) => s.panicRps,
  capacityExcess: (s) => s.excessBurstCapacity,
  requestConcurrency: (s) => s.inFlight,
};

/** Prometheus text exposition of every revision's gauges. */
export function knativeMetricsText(revisions: RevisionStatus[]): string {
  const lines: string[] = [];
  for (const [key, metric] of Object.entries(KNATIVE_METRICS) as [
    keyof typeof KNATIVE_METRICS,
    { name: string; help: string },
  ][]) {
    lines.push(`# HELP ${metric.name} ${metric.help}`, `# TYPE ${metric.name} gauge`);
    for (const r of revisions) {
      const labels = `kn_service_name="${r.service}",kn_revision_name="${r.revision}",k8s_namespace_name="${r.namespace}"`;
      lines.push(`${metric.name}{${labels}} ${value[key](r)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

export const REQUEST_METRICS = {
  count: { name: "kn_revision_requests_total", help: "Requests answered through the ingress, by response code class" },
  duration: { name: "kn_revision_request_duration_seconds", help: "Time from arrival at the ingress to the response" },
} as const;

export interface RevisionRequestTotals extends RequestTotals {
  service: string;
  namespace: string;
  revision: string;
  /** The traffic tag whose host the requests came by; "" for the main host. */
  tag: string;
}

/** Prometheus text of each revision's request counts and latency histogram. */
export function requestMetricsText(revisions: RevisionRequestTotals[]): string {
  const { count, duration } = REQUEST_METRICS;
  const lines = [`# HELP ${count.name} ${count.help}`, `# TYPE ${count.name} counter`];
  const labelsOf = (r: RevisionRequestTotals) =>
    `kn_service_name="${r.service}",kn_revision_name="${r.revision}",k8s_namespace_name="${r.namespace}",kn_route_tag="${r.tag}"`;
  for (const r of revisions) {
    for (const [codeClass, n] of r.byClass)
      lines.push(`${count.name}{${labelsOf(r)},response_code_class="${codeClass}"} ${n}`);
  }
  lines.push(`# HELP ${duration.name} ${duration.help}`, `# TYPE ${duration.name} histogram`);
  for (const r of revisions) {
    LATENCY_BUCKETS.forEach((le, i) => {
      lines.push(`${duration.name}_bucket{${labelsOf(r)},le="${le}"} ${r.latency.buckets[i]}`);
    });
    lines.push(`${duration.name}_bucket{${labelsOf(r)},le="+Inf"} ${r.latency.count}`);
    lines.push(
      `${duration.name}_sum{${labelsOf(r)}} ${r.latency.sum}`,
      `${duration.name}_count{${labelsOf(r)}} ${r.latency.count}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Flagger's own gauges, so a canary reads the same locally and on a cluster. */
export const FLAGGER_METRICS = {
  status: { name: "flagger_canary_status", help: "Last known canary status: 0 running, 1 successful, 2 failed" },
  weight: { name: "flagger_canary_weight", help: "Traffic weight of the canary, percent" },
} as const;

const FLAGGER_STATUS: Record<CanaryState["phase"], number> = { Progressing: 0, Succeeded: 1, Failed: 2 };

/** Prometheus text of each service's canary, labelled as Flagger labels it. */
export function canaryMetricsText(canaries: { service: string; namespace: string; state: CanaryState }[]): string {
  const { status, weight } = FLAGGER_METRICS;
  const lines = [`# HELP ${status.name} ${status.help}`, `# TYPE ${status.name} gauge`];
  for (const c of canaries) {
    lines.push(`${status.name}{name="${c.service}",namespace="${c.namespace}"} ${FLAGGER_STATUS[c.state.phase]}`);
  }
  lines.push(`# HELP ${weight.name} ${weight.help}`, `# TYPE ${weight.name} gauge`);
  for (const c of canaries) {
    lines.push(`${weight.name}{workload="${c.service}",namespace="${c.namespace}"} ${c.state.weight}`);
  }
  return `${lines.join("\n")}\n`;
}
