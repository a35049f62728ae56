/**
 * The last minutes of every revision, sampled each second, and the series the
 * console draws from them: request rate, error rate, p95 latency, concurrency,
 * desired and ready replicas, and the traffic split, per service. Sampling
 * reads counters; the series are computed from their differences (pure).
 */
import { LATENCY_BUCKETS } from "../replicas/revision-runtime.ts";
import type { RevisionSample, Sample } from "./contract.ts";

export type { RevisionSample, Sample } from "./contract.ts";
export { LATENCY_BUCKETS };

export interface RevisionPoint {
  ready: number;
  desired: number;
  percent: number;
  rps: number;
}

export interface ServicePoint {
  at: number;
  rps: number;
  /** Share of answers that were 5xx over the window; null without answers. */
  errorRate: number | null;
  /** Over the window; null without answers. */
  p95Ms: number | null;
  concurrency: number;
  stableConcurrency: number;
  desired: number;
  ready: number;
  revisions: Record<string, RevisionPoint>;
}

/** A ring of samples: the last `capacity` seconds. */
export class History {
  private readonly samples: Sample[] = [];

  constructor(readonly capacity = 300) {}

  record(sample: Sample): void {
    this.samples.push(sample);
    if (this.samples.length > this.capacity) this.samples.shift();
  }

  all(): readonly Sample[] {
    return this.samples;
  }
}

/** Per service, one point per sample after the first; rates over consecutive samples, errors and p95 over `windowSamples`. */
export function serviceSeries(samples: readonly Sample[], windowSamples = 10): Record<string, ServicePoint[]> {
  const series: Record<string, ServicePoint[]> = {};
  for (let i = 1; i < samples.length; i++) {
    const now = samples[i] as Sample;
    const previous = samples[i - 1] as Sample;
    const windowStart = samples[Math.max(0, i - windowSamples)] as Sample;
    const seconds = Math.max(0.001, (now.at - previous.at) / 1000);
    for (const service of new Set(now.revisions.map((r) => r.service))) {
      const own = now.revisions.filter((r) => r.service === service);
      const revisions: Record<string, RevisionPoint> = {};
      let requestsInWindow = 0;
      let errorsInWindow = 0;
      const bucketsInWindow = new Array<number>(LATENCY_BUCKETS.length).fill(0);
      for (const r of own) {
        const before = find(previous, r.revision);
        const atWindowStart = find(windowStart, r.revision);
        revisions[r.revision] = {
          ready: r.ready,
          desired: r.desired,
          percent: r.percent,
          rps: (r.requests - (before?.requests ?? 0)) / seconds,
        };
        requestsInWindow += r.requests - (atWindowStart?.requests ?? 0);
        errorsInWindow += r.errors - (atWindowStart?.errors ?? 0);
        r.buckets.forEach((count, b) => {
          bucketsInWindow[b] = (bucketsInWindow[b] as number) + count - (atWindowStart?.buckets[b] ?? 0);
        });
      }
      const sum = (pick: (r: RevisionSample) => number) => own.reduce((total, r) => total + pick(r), 0);
      series[service] ??= [];
      series[service].push({
        at: now.at,
        rps: Object.values(revisions).reduce((total, r) => total + r.rps, 0),
        errorRate: requestsInWindow > 0 ? errorsInWindow / requestsInWindow : null,
        p95Ms: requestsInWindow > 0 ? histogramQuantile(0.95, bucketsInWindow, requestsInWindow) * 1000 : null,
        concurrency: sum((r) => r.concurrency),
        stableConcurrency: sum((r) => r.stableConcurrency),
        desired: sum((r) => r.desired),
        ready: sum((r) => r.ready),
        revisions,
      });
    }
  }
  return series;
}

function find(sample: Sample, revision: string): RevisionSample | undefined {
  return sample.revisions.find((r) => r.revision === revision);
}

/**
 * Prometheus' histogram_quantile: the bucket holding the q-th observation,
 * interpolated linearly inside it; past the last bound, the last bound.
 */
export function histogramQuantile(q: number, cumulative: number[], total: number): number {
  const rank = q * total;
  for (let i = 0; i < LATENCY_BUCKETS.length; i++) {
    const count = cumulative[i] as number;
    if (count >= rank) {
      const lower = i === 0 ? 0 : (LATENCY_BUCKETS[i - 1] as number);
      const below = i === 0 ? 0 : (cumulative[i - 1] as number);
      const inBucket = count - below;
      const upper = LATENCY_BUCKETS[i] as number;
      return inBucket === 0 ? upper : lower + (upper - lower) * ((rank - below) / inBucket);
    }
  }
  return LATENCY_BUCKETS[LATENCY_BUCKETS.length - 1] as number;
}
