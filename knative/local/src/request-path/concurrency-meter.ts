/**
 * What a replica's queue-proxy reports every second, as Knative's RequestStats
 * computes it (knative.dev/networking pkg/http/stats): the time-weighted
 * average of in-flight requests over the period (sum of concurrency x time,
 * over the time) and how many requests arrived. A request counts from the
 * moment it reaches the replica's proxy, waiting for a slot included, to its
 * answer. The activator keeps one for the requests it holds. Pure: the caller
 * passes times.
 */
export class ConcurrencyMeter {
  private inFlight = 0;
  private periodStart: number;
  private lastChange: number;
  private weighted = 0;
  private arrivals = 0;

  constructor(now: number) {
    this.periodStart = now;
    this.lastChange = now;
  }

  started(now: number): void {
    this.advance(now);
    this.inFlight++;
    this.arrivals++;
  }

  finished(now: number): void {
    this.advance(now);
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  get current(): number {
    return this.inFlight;
  }

  /** The period's report, and a new period from `now`; a period of no time reports 0. */
  report(now: number): { averageConcurrency: number; requests: number } {
    this.advance(now);
    const elapsed = now - this.periodStart;
    const averageConcurrency = elapsed > 0 ? this.weighted / elapsed : 0;
    const requests = this.arrivals;
    this.periodStart = now;
    this.weighted = 0;
    this.arrivals = 0;
    return { averageConcurrency, requests };
  }

  private advance(now: number): void {
    this.weighted += this.inFlight * Math.max(0, now - this.lastChange);
    this.lastChange = Math.max(this.lastChange, now);
  }
}

/**
 * What the autoscaler scrapes from a revision for the period: the ready
 * replicas' reports summed (Knative averages a sample of ready pods and
 * multiplies by their count; here every ready replica is read), nothing when
 * none is ready, and the activator's report. Every meter starts a new period.
 */
export function scrapeRevision(
  replicas: Iterable<{ ready: boolean; meter: ConcurrencyMeter }>,
  activator: ConcurrencyMeter,
  now: number,
): {
  replicas: { averageConcurrency: number; requests: number } | undefined;
  activator: { averageConcurrency: number; requests: number };
} {
  let sum: { averageConcurrency: number; requests: number } | undefined;
  for (const { ready, meter } of replicas) {
    const report = meter.report(now);
    if (!ready) continue;
    sum ??= { averageConcurrency: 0, requests: 0 };
    sum.averageConcurrency += report.averageConcurrency;
    sum.requests += report.requests;
  }
  return { replicas: sum, activator: activator.report(now) };
}
