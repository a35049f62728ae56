/** Samples the running revisions into the history every second, for the console's charts. */

import type { LocalServing } from "../controllers/local-serving.ts";
import { LATENCY_BUCKETS } from "../replicas/revision-runtime.ts";
import type { History, Sample } from "./history.ts";

export function sampleOf(serving: LocalServing, at: number): Sample {
  const totals = serving.requestTotals();
  return {
    at,
    revisions: serving.status().map((r) => {
      const own = totals.filter((t) => t.revision === r.revision);
      return {
        service: r.service,
        revision: r.revision,
        ready: r.ready,
        desired: r.desired,
        concurrency: r.inFlight,
        stableConcurrency: r.stableConcurrency,
        percent: r.percent,
        // Every tag's requests: the console shows a revision's whole load.
        requests: sum(own.map((t) => t.latency.count)),
        errors: sum(own.map((t) => t.byClass.get("5xx") ?? 0)),
        buckets: LATENCY_BUCKETS.map((_, i) => sum(own.map((t) => t.latency.buckets[i] ?? 0))),
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

const sum = (values: number[]) => values.reduce((total, v) => total + v, 0);
