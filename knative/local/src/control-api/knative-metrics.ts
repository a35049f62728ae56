/**
 * The autoscaler's metrics under Knative's own names (OpenTelemetry names as
 * Prometheus shows them: dots become underscores), so dashboards and alerts
 * written for the cluster read the local platform too. The one list of them.
 */

import { collectedMetric, histogramSamples } from "@platform/kit";
import { Gauge, type Metric, Registry } from "prom-client";
import type { CanaryState } from "../canary/analysis.ts";
import type { RevisionStatus } from "../controllers/local-serving.ts";
import { LATENCY_BUCKETS, type RequestTotals } from "../replicas/revision-runtime.ts";

interface Named {
  name: string;
  help: string;
}

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

const REVISION_LABELS = ["kn_service_name", "kn_revision_name", "k8s_namespace_name"] as const;

const revisionLabels = (r: { service: string; revision: string; namespace: string }) => ({
  kn_service_name: r.service,
  kn_revision_name: r.revision,
  k8s_namespace_name: r.namespace,
});

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

/** Flagger's own gauges, so a canary reads the same locally and on a cluster. */
export const FLAGGER_METRICS = {
  status: { name: "flagger_canary_status", help: "Last known canary status: 0 running, 1 successful, 2 failed" },
  weight: { name: "flagger_canary_weight", help: "Traffic weight of the canary, percent" },
} as const;

const FLAGGER_STATUS: Record<CanaryState["phase"], number> = { Progressing: 0, Succeeded: 1, Failed: 2 };

export interface MetricsSource {
  status(): RevisionStatus[];
  requestTotals(): RevisionRequestTotals[];
  canaries(): { service: string; namespace: string; state: CanaryState }[];
}

/**
 * The local platform's /metrics as a prom-client registry: the autoscaler's
 * and Flagger's gauges read from `source` when Prometheus scrapes; the request
 * counts and latency histogram made from the revisions' plain counters then
 * (prom-client's own histogram would hash labels on the ingress's hot path).
 */
export function platformRegistry(source: MetricsSource): Registry {
  const registry = new Registry();
  for (const [key, metric] of Object.entries(KNATIVE_METRICS) as [keyof typeof KNATIVE_METRICS, Named][]) {
    new Gauge({
      ...metric,
      labelNames: REVISION_LABELS,
      registers: [registry],
      collect() {
        this.reset();
        for (const r of source.status()) this.set(revisionLabels(r), value[key](r));
      },
    });
  }

  const { count, duration } = REQUEST_METRICS;
  const requestLabels = (r: RevisionRequestTotals) => ({ ...revisionLabels(r), kn_route_tag: r.tag });
  const answers = collectedMetric(count.name, count.help, "counter", () =>
    source.requestTotals().flatMap((r) =>
      [...r.byClass].map(([codeClass, n]) => ({
        labels: { ...requestLabels(r), response_code_class: codeClass },
        value: n,
      })),
    ),
  );
  const latency = collectedMetric(duration.name, duration.help, "histogram", () =>
    source
      .requestTotals()
      .flatMap((r) =>
        histogramSamples(
          duration.name,
          requestLabels(r),
          LATENCY_BUCKETS,
          r.latency.buckets,
          r.latency.sum,
          r.latency.count,
        ),
      ),
  );
  registry.registerMetric(answers as unknown as Metric);
  registry.registerMetric(latency as unknown as Metric);

  const { status, weight } = FLAGGER_METRICS;
  new Gauge({
    ...status,
    labelNames: ["name", "namespace"],
    registers: [registry],
    collect() {
      this.reset();
      for (const c of source.canaries())
        this.set({ name: c.service, namespace: c.namespace }, FLAGGER_STATUS[c.state.phase]);
    },
  });
  new Gauge({
    ...weight,
    labelNames: ["workload", "namespace"],
    registers: [registry],
    collect() {
      this.reset();
      // As Flagger's SetWeight: the canary's share, and the primary's as `<service>-primary`.
      for (const c of source.canaries()) {
        this.set({ workload: c.service, namespace: c.namespace }, c.state.weight);
        this.set({ workload: `${c.service}-primary`, namespace: c.namespace }, 100 - c.state.weight);
      }
    },
  });
  return registry;
}
