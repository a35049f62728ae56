/**
 * The platform's state read from Prometheus (PROMETHEUS_URL), for runs on a
 * cluster: the same metric names the local platform exports (one list, in
 * knative-metrics.ts) and Flagger's canary gauges.
 *
 * Answers are read as rates over RATE_WINDOW, taken per series before they are
 * summed: on a cluster each pod's queue-proxy counts its own, and a pod that
 * goes away must not read as a counter reset. The sample's counters are those
 * rates integrated over time, so they climb as smoothly as the local
 * platform's instead of in steps at each scrape. Prometheus has no traffic
 * split, so a revision's share is its share of the answers per second.
 * "In flight" is the autoscaler's panic-window average where it is exported
 * (Knative's activator sees only the requests it holds).
 */
import { LATENCY_BUCKETS, type RevisionSample, type Sample } from "@platform/local/history";
import { FLAGGER_METRICS, KNATIVE_METRICS, REQUEST_METRICS } from "@platform/local/knative-metrics";
import type { PlatformState, ServiceState } from "./platform.ts";

interface VectorResult {
  metric: Record<string, string>;
  value: [number, string];
}

/** The PromQL the sampler asks, per namespace (pure). */
export const RATE_WINDOW = "15s";

export function queriesFor(namespace: string) {
  const ns = `k8s_namespace_name="${namespace}"`;
  const gauges = [
    KNATIVE_METRICS.podsDesired,
    KNATIVE_METRICS.podsCount,
    KNATIVE_METRICS.requestConcurrency,
    KNATIVE_METRICS.concurrencyPanic,
    KNATIVE_METRICS.concurrencyStable,
  ]
    .map((m) => m.name)
    .join("|");
  return {
    gauges: `{__name__=~"${gauges}",${ns}}`,
    answers: `sum by (kn_service_name, kn_revision_name, response_code_class) (rate(${REQUEST_METRICS.count.name}{${ns}}[${RATE_WINDOW}]))`,
    buckets: `sum by (kn_service_name, kn_revision_name, le) (rate(${REQUEST_METRICS.duration.name}_bucket{${ns}}[${RATE_WINDOW}]))`,
    canaryStatus: `${FLAGGER_METRICS.status.name}{namespace="${namespace}"}`,
    canaryWeight: `${FLAGGER_METRICS.weight.name}{namespace="${namespace}"}`,
  };
}

/** One sample from the answers to those queries (pure); the counters go on from `previous`'s. */
export function stateFromVectors(
  at: number,
  vectors: Record<keyof ReturnType<typeof queriesFor>, VectorResult[]>,
  previous: Sample | undefined,
): PlatformState {
  const revisions = new Map<string, RevisionSample>();
  const activatorConcurrency = new Map<RevisionSample, number>();
  const panicConcurrency = new Map<RevisionSample, number>();
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
    if (metric.__name__ === KNATIVE_METRICS.requestConcurrency.name) activatorConcurrency.set(r, v);
    if (metric.__name__ === KNATIVE_METRICS.concurrencyPanic.name) panicConcurrency.set(r, v);
    if (metric.__name__ === KNATIVE_METRICS.concurrencyStable.name) r.stableConcurrency = v;
  }
  for (const r of revisions.values()) r.concurrency = panicConcurrency.get(r) ?? activatorConcurrency.get(r) ?? 0;

  // Per-second rates now, then integrated from the previous sample's counters.
  const rates = new Map<RevisionSample, { requests: number; errors: number; buckets: number[] }>();
  const ratesOf = (r: RevisionSample) => {
    let x = rates.get(r);
    if (!x) {
      x = { requests: 0, errors: 0, buckets: LATENCY_BUCKETS.map(() => 0) };
      rates.set(r, x);
    }
    return x;
  };
  for (const { metric, value } of vectors.answers) {
    const x = ratesOf(revisionOf(metric));
    x.requests += finite(value[1]);
    if (metric.response_code_class === "5xx") x.errors += finite(value[1]);
  }
  for (const { metric, value } of vectors.buckets) {
    const i = LATENCY_BUCKETS.indexOf(Number(metric.le));
    if (i >= 0) ratesOf(revisionOf(metric)).buckets[i] = finite(value[1]);
  }
  const seconds = previous ? Math.max(0, (at - previous.at) / 1000) : 0;
  for (const r of revisions.values()) {
    const before = previous?.revisions.find((p) => p.revision === r.revision);
    const x = rates.get(r);
    r.requests = (before?.requests ?? 0) + (x?.requests ?? 0) * seconds;
    r.errors = (before?.errors ?? 0) + (x?.errors ?? 0) * seconds;
    r.buckets = r.buckets.map((_, i) => (before?.buckets[i] ?? 0) + (x?.buckets[i] ?? 0) * seconds);
  }
  const all = [...revisions.values()];
  for (const service of new Set(all.map((r) => r.service))) {
    const own = all.filter((r) => r.service === service);
    const total = own.reduce((sum, r) => sum + (rates.get(r)?.requests ?? 0), 0);
    for (const r of own) r.percent = total > 0 ? Math.round((100 * (rates.get(r)?.requests ?? 0)) / total) : 0;
  }
  return { sample: { at, revisions: all }, services: servicesOf(all, vectors) };
}

/** A sample value as a number; Prometheus writes NaN for a rate with nothing to divide. */
function finite(text: string): number {
  const n = Number(text);
  return Number.isFinite(n) ? n : 0;
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
