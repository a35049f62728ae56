/** A revision's sample for tests of what is computed from samples: `over` sets what a test cares about. */
import type { RevisionSample } from "../control-api/history.ts";
import { LATENCY_BUCKETS } from "../replicas/revision-runtime.ts";

export function revisionSample(over: Partial<RevisionSample> = {}): RevisionSample {
  return {
    service: "redirect",
    revision: "redirect-00001",
    ready: 1,
    desired: 1,
    concurrency: 0,
    stableConcurrency: 0,
    percent: 100,
    requests: 0,
    errors: 0,
    buckets: LATENCY_BUCKETS.map(() => 0),
    ...over,
  };
}
