/**
 * http_requests_total and http_request_duration_seconds, kept as plain
 * numbers per label set and turned into Prometheus samples only when
 * scraped. prom-client's own histogram validates and hashes its labels on
 * every observation, which cost the redirect hot path a tenth of its speed.
 */

export interface HttpMetricLabels {
  route: string;
  method: string;
  status: number;
}

/** Seconds; the same buckets as Knative's request latency histograms. */
export const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Series {
  labels: Record<string, string>;
  count: number;
  sum: number;
  /** Observations per bucket, not cumulative; the last slot is +Inf. */
  buckets: number[];
}

export interface Sample {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/** The shape prom-client's Registry reads from a registered metric. */
export interface CollectedMetric {
  name: string;
  help: string;
  type: "counter" | "histogram";
  get(): Promise<{ name: string; help: string; type: string; values: Sample[]; aggregator: "sum" }>;
  reset(): void;
}

/**
 * A metric whose samples are made from plain numbers when Prometheus scrapes
 * (`registry.registerMetric(m as unknown as Metric)`): counts kept on a hot
 * path without prom-client's per-observation label hashing.
 */
export function collectedMetric(
  name: string,
  help: string,
  type: CollectedMetric["type"],
  values: () => Sample[],
  reset: () => void = () => {},
): CollectedMetric {
  return { name, help, type, get: async () => ({ name, help, type, values: values(), aggregator: "sum" }), reset };
}

/** A histogram's samples (cumulative buckets, +Inf, sum, count) from per-bucket counts; the last slot is +Inf. */
export function histogramSamples(
  name: string,
  labels: Record<string, string>,
  bounds: readonly number[],
  cumulativeBuckets: readonly number[],
  sum: number,
  count: number,
): Sample[] {
  const values: Sample[] = bounds.map((le, i) => ({
    labels: { ...labels, le },
    value: cumulativeBuckets[i] ?? 0,
    metricName: `${name}_bucket`,
  }));
  values.push({ labels: { ...labels, le: "+Inf" }, value: count, metricName: `${name}_bucket` });
  values.push({ labels, value: sum, metricName: `${name}_sum` });
  values.push({ labels, value: count, metricName: `${name}_count` });
  return values;
}

export class HttpRequestStats {
  private readonly series = new Map<string, Series>();

  constructor(
    private readonly service: string,
    private readonly revision: string,
  ) {}

  observe(labels: HttpMetricLabels, seconds: number): void {
    const key = `${labels.route}\u0000${labels.method}\u0000${labels.status}`;
    let s = this.series.get(key);
    if (!s) {
      s = {
        labels: {
          service: this.service,
          revision: this.revision,
          route: labels.route,
          method: labels.method,
          status: String(labels.status),
        },
        count: 0,
        sum: 0,
        buckets: new Array(LATENCY_BUCKETS.length + 1).fill(0),
      };
      this.series.set(key, s);
    }
    s.count++;
    s.sum += seconds;
    let i = 0;
    while (i < LATENCY_BUCKETS.length && seconds > (LATENCY_BUCKETS[i] as number)) i++;
    s.buckets[i] = (s.buckets[i] as number) + 1;
  }

  requestsMetric(): CollectedMetric {
    const name = "http_requests_total";
    const help = "HTTP requests answered, by route, method and status";
    return collectedMetric(
      name,
      help,
      "counter",
      () => [...this.series.values()].map((s) => ({ labels: s.labels, value: s.count })),
      () => this.series.clear(),
    );
  }

  durationMetric(): CollectedMetric {
    const name = "http_request_duration_seconds";
    const help = "Time from request to response, by route, method and status";
    return collectedMetric(
      name,
      help,
      "histogram",
      () =>
        [...this.series.values()].flatMap((s) => {
          let cumulative = 0;
          const buckets = LATENCY_BUCKETS.map((_, i) => {
            cumulative += s.buckets[i] as number;
            return cumulative;
          });
          return histogramSamples(name, s.labels, LATENCY_BUCKETS, buckets, s.sum, s.count);
        }),
      () => this.series.clear(),
    );
  }
}
