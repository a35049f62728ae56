/**
 * The autoscaler's view of a metric over a window, as Knative's
 * TimedFloat64Buckets keeps it (pkg/autoscaler/aggregation/bucketing.go): a
 * ring of 1-second buckets; values of the same second add up; a second skipped
 * between two writes counts as 0; the average divides by the span actually
 * written (from the first write, and not the seconds after the last write); a
 * window is empty only when now - lastWrite > window; every average is rounded
 * to 6 digits. Times are milliseconds; Knative truncates them to the second.
 */
const PRECISION = 6;

/** Go's math.Round(f*10^n)/10^n: half away from zero, so -3.6e-17 is 0, never negative. */
export function roundToNDigits(n: number, f: number): number {
  const p = 10 ** n;
  const rounded = (Math.sign(f) * Math.round(Math.abs(f) * p)) / p;
  return rounded === 0 ? 0 : rounded;
}

export class WindowedAverage {
  private readonly buckets: number[];
  private windowTotal = 0;
  /** Seconds; undefined before the first write. */
  private firstWrite: number | undefined;
  private lastWrite = Number.NEGATIVE_INFINITY;

  constructor(private readonly windowMs: number) {
    this.buckets = new Array(Math.max(1, Math.ceil(windowMs / 1000))).fill(0);
  }

  private get windowSeconds(): number {
    return this.windowMs / 1000;
  }

  record(nowMs: number, value: number): void {
    const second = Math.floor(nowMs / 1000);
    if (this.lastWrite !== second) {
      // A value from a window or more before the last write is ignored.
      if (!(second + this.windowSeconds > this.lastWrite)) return;
      if (this.firstWrite === undefined || this.firstWrite > second) this.firstWrite = second;
      if (second > this.lastWrite) {
        if (second - this.lastWrite >= this.windowSeconds) {
          // Nothing for a whole window: start again.
          this.firstWrite = second;
          this.buckets.fill(0);
          this.windowTotal = 0;
        } else {
          for (let i = this.lastWrite + 1; i <= second; i++) {
            const idx = this.index(i);
            this.windowTotal -= this.buckets[idx] as number;
            this.buckets[idx] = 0;
          }
        }
        this.lastWrite = second;
      }
    }
    const idx = this.index(second);
    this.buckets[idx] = (this.buckets[idx] as number) + value;
    this.windowTotal += value;
  }

  /** The average over the window that ends at `nowMs`; 0 after a window with no data. */
  average(nowMs: number): number {
    const now = Math.floor(nowMs / 1000);
    if (this.firstWrite === undefined) return 0;
    const written = this.lastWrite - this.firstWrite + 1;
    const d = now - this.lastWrite;
    if (d <= 0) return roundToNDigits(PRECISION, this.windowTotal / Math.min(written, this.buckets.length));
    if (d < this.windowSeconds) {
      // The seconds since the last write are not data: they leave both the total and the divisor.
      let total = this.windowTotal;
      for (let i = this.lastWrite + 1; i <= now; i++) total -= this.buckets[this.index(i)] as number;
      return roundToNDigits(PRECISION, total / Math.min(written, this.buckets.length - d));
    }
    return 0;
  }

  /** True when nothing was recorded for longer than the window (Knative: now - lastWrite > window). */
  isEmpty(nowMs: number): boolean {
    return Math.floor(nowMs / 1000) - this.lastWrite > this.windowSeconds;
  }

  private index(second: number): number {
    const n = this.buckets.length;
    return ((second % n) + n) % n;
  }
}
