import { Counter, collectDefaultMetrics, Gauge, type Metric, Registry } from "prom-client";
import { type HttpMetricLabels, HttpRequestStats } from "./http-metrics.ts";

/**
 * One registry per function instance (not prom-client's global one), so that
 * several apps in one test process keep separate counts.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly http: HttpRequestStats;

  constructor(
    readonly service: string,
    readonly revision: string,
    options: { defaultMetrics?: boolean } = {},
  ) {
    this.http = new HttpRequestStats(service, revision);
    this.registry.registerMetric(this.http.requestsMetric() as unknown as Metric);
    this.registry.registerMetric(this.http.durationMetric() as unknown as Metric);
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  observeRequest(labels: HttpMetricLabels, seconds: number): void {
    this.http.observe(labels, seconds);
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
