/** Samples the running revisions into the history every second, for the console's charts. */
import type { LocalServing } from "../serving-control/local-serving.ts";
import type { History, Sample } from "./history.ts";

export function sampleOf(serving: LocalServing, at: number): Sample {
  const totals = new Map(serving.requestTotals().map((t) => [t.revision, t]));
  return {
    at,
    revisions: serving.status().map((r) => {
      const total = totals.get(r.revision);
      return {
        service: r.service,
        revision: r.revision,
        ready: r.ready,
        desired: r.desired,
        concurrency: r.inFlight,
        percent: r.percent,
        requests: total?.latency.count ?? 0,
        errors: total?.byClass.get("5xx") ?? 0,
        buckets: [...(total?.latency.buckets ?? [])],
      };
    }),
  };
}

/** Records a sample every `intervalMs`; returns the function that stops it. */
export function startSampling(serving: LocalServing, history: History, intervalMs = 1000): () => void {
  history.record(sampleOf(serving, Date.now()));
  const timer = setInterval(() => history.record(sampleOf(serving, Date.now())), intervalMs);
  return () => clearInterval(timer);
}
