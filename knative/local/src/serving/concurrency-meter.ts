/**
 * What a replica's queue-proxy reports every second: the time-weighted
 * average of in-flight requests over the period (sum of concurrency x time,
 * over the time) and how many requests arrived. Pure: the caller passes times.
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

  /** The period's report, and a new period from `now`. */
  report(now: number): { averageConcurrency: number; requests: number } {
    this.advance(now);
    const elapsed = now - this.periodStart;
    const averageConcurrency = elapsed > 0 ? this.weighted / elapsed : this.inFlight;
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
