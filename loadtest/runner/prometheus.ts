/**
 * The platform's state read from Prometheus (PROMETHEUS_URL), for runs on a
 * cluster: the same metric names the local platform exports (one list, in
 * knative-metrics.ts) and Flagger's canary gauges. Prometheus has no traffic
 * split, so a revision's share is its share of the answers since the last
 * sample.
 */
import { LATENCY_BUCKETS, type RevisionSample, type Sample } from "@platform/local/history";
import { FLAGGER_METRICS, KNATIVE_METRICS, REQUEST_METRICS } from "@platform/local/knative-metrics";
import type { PlatformState, ServiceState } from "./platform.ts";

interface VectorResult {
  metric: Record<string, string>;
  value: [number, string];
}

/** The PromQL the sampler asks, per namespace (pure). */
export function queriesFor(namespace: string) {
  const ns = `k8s_namespace_name="${namespace}"`;
  const gauges = [
    KNATIVE_METRICS.podsDesired,
    KNATIVE_METRICS.podsCount,
    KNATIVE_METRICS.requestConcurrency,
    KNATIVE_METRICS.concurrencyStable,
  ]
    .map((m) => m.name)
    .join("|");
  return {
    gauges: `{__name__=~"${gauges}",${ns}}`,
    answers: `sum by (kn_service_name, kn_revision_name, response_code_class) (${REQUEST_METRICS.count.name}{${ns}})`,
    buckets: `sum by (kn_service_name, kn_revision_name, le) (${REQUEST_METRICS.duration.name}_bucket{${ns}})`,
    canaryStatus: `${FLAGGER_METRICS.status.name}{namespace="${namespace}"}`,
    canaryWeight: `${FLAGGER_METRICS.weight.name}{namespace="${namespace}"}`,
  };
}

/** One sample from the answers to those queries (pure); `previous` gives the split. */
export function stateFromVectors(
  at: number,
  vectors: Record<keyof ReturnType<typeof queriesFor>, VectorResult[]>,
  previous: Sample | undefined,
): PlatformState {
  const revisions = new Map<string, RevisionSample>();
  const revisionOf = (metric: Record<string, string>) => {
    const name = metric.kn_revision_name ?? "";
    let r = revisions.get(name);
    if (!r) {
      r = {
        service: metric.kn_service_name ?? "",
        revision: name,
        ready: 0,
        desired: 0,
        concurrency: 0,
        stableConcurrency: 0,
        percent: 0,
        requests: 0,
        errors: 0,
        buckets: LATENCY_BUCKETS.map(() => 0),
      };
      revisions.set(name, r);
    }
    return r;
  };
  for (const { metric, value } of vectors.gauges) {
    const r = revisionOf(metric);
    const v = Number(value[1]);
    if (metric.__name__ === KNATIVE_METRICS.podsDesired.name) r.desired = v;
    if (metric.__name__ === KNATIVE_METRICS.podsCount.name) r.ready = v;
    if (metric.__name__ === KNATIVE_METRICS.requestConcurrency.name) r.concurrency = v;
    if (metric.__name__ === KNATIVE_METRICS.concurrencyStable.name) r.stableConcurrency = v;
  }
  for (const { metric, value } of vectors.answers) {
    const r = revisionOf(metric);
    r.requests += Number(value[1]);
    if (metric.response_code_class === "5xx") r.errors += Number(value[1]);
  }
  for (const { metric, value } of vectors.buckets) {
    const i = LATENCY_BUCKETS.indexOf(Number(metric.le));
    if (i >= 0) revisionOf(metric).buckets[i] = Number(value[1]);
  }
  const all = [...revisions.values()];
  for (const service of new Set(all.map((r) => r.service))) {
    const own = all.filter((r) => r.service === service);
    const answered = own.map(
      (r) => r.requests - (previous?.revisions.find((p) => p.revision === r.revision)?.requests ?? r.requests),
    );
    const total = answered.reduce((a, b) => a + b, 0);
    own.forEach((r, i) => {
      r.percent = total > 0 ? Math.round((100 * (answered[i] as number)) / total) : 0;
    });
  }
  return { sample: { at, revisions: all }, services: servicesOf(all, vectors) };
}

const PHASES: Record<string, string> = { "0": "Progressing", "1": "Succeeded", "2": "Failed" };

/** Flagger's gauges as the canary state of each service: the newest revision is the canary. */
function servicesOf(revisions: RevisionSample[], vectors: Record<string, VectorResult[]>): ServiceState[] {
  return [...new Set(revisions.map((r) => r.service))].map((name) => {
    const own = revisions
      .filter((r) => r.service === name)
      .map((r) => r.revision)
      .sort();
    const status = vectors.canaryStatus?.find((v) => v.metric.name === name);
    const weight = vectors.canaryWeight?.find(
      (v) => v.metric.workload === name || v.metric.workload === `${name}-primary`,
    );
    if (!status) return { name };
    const phase = PHASES[status.value[1]] ?? "Succeeded";
    const canary = own.at(-1) ?? name;
    return {
      name,
      canary: {
        phase,
        canary,
        primary: phase === "Succeeded" ? canary : (own.at(-2) ?? canary),
        weight: Number(weight?.value[1] ?? 0),
      },
    };
  });
}

/** A stateful sampler: each call asks Prometheus every query at once. */
export function prometheusSampler(prometheusUrl: string, namespace: string) {
  const queries = queriesFor(namespace);
  let previous: Sample | undefined;
  return async (): Promise<PlatformState | undefined> => {
    try {
      const entries = await Promise.all(
        Object.entries(queries).map(async ([key, query]) => {
          const url = `${prometheusUrl.replace(/\/$/, "")}/api/v1/query?query=${encodeURIComponent(query)}`;
          const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
          const body = (await res.json()) as { data?: { result?: VectorResult[] } };
          return [key, body.data?.result ?? []] as const;
        }),
      );
      const state = stateFromVectors(Date.now(), Object.fromEntries(entries) as never, previous);
      previous = state.sample;
      return state;
    } catch {
      return undefined;
    }
  };
}
