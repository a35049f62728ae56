import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export interface HttpMetricLabels {
  route: string;
  method: string;
  status: number;
}

/** Seconds; the same buckets as Knative's request latency histograms. */
const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * One registry per function instance (not prom-client's global one), so that
 * several apps in one test process keep separate counts.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<"service" | "revision" | "route" | "method" | "status">;
  private readonly duration: Histogram<"service" | "revision" | "route" | "method" | "status">;
  /** Label lookups cost more than the increment: keep one child per label set. */
  private readonly children = new Map<string, { count: Counter.Internal; time: Histogram.Internal<string> }>();

  constructor(
    readonly service: string,
    readonly revision: string,
    options: { defaultMetrics?: boolean } = {},
  ) {
    const labelNames = ["service", "revision", "route", "method", "status"] as const;
    this.requests = new Counter({
      name: "http_requests_total",
      help: "HTTP requests answered, by route, method and status",
      labelNames,
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: "http_request_duration_seconds",
      help: "Time from request to response headers",
      labelNames,
      buckets: LATENCY_BUCKETS,
      registers: [this.registry],
    });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  observeRequest(labels: HttpMetricLabels, seconds: number): void {
    const key = `${labels.route}\u0000${labels.method}\u0000${labels.status}`;
    let child = this.children.get(key);
    if (!child) {
      const all = { service: this.service, revision: this.revision, ...labels, status: String(labels.status) };
      child = { count: this.requests.labels(all), time: this.duration.labels(all) };
      this.children.set(key, child);
    }
    child.count.inc();
    child.time.observe(seconds);
  }

  /** The counter of that name, registered on first use. */
  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Counter<L>;
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  /** A gauge read when Prometheus scrapes, e.g. the length of a buffer. */
  gauge(name: string, help: string, read: () => number): Gauge {
    this.registry.removeSingleMetric(name); // the newest reader wins, e.g. an app built again on one context
    return new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
