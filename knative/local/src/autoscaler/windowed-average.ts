/**
 * The autoscaler's view of a metric over a window, kept in 1-second buckets
 * as Knative's aggregation does: values of the same second add up; the
 * average is the total over the window divided by the seconds since the
 * first write (a young window is averaged over the seconds it has); seconds
 * without data count as 0; after a whole window without data the average is
 * 0 and the window starts again.
 */
export class WindowedAverage {
  private readonly buckets = new Map<number, number>();
  private firstSecond: number | undefined;
  private lastSecond: number | undefined;

  constructor(private readonly windowMs: number) {}

  record(nowMs: number, value: number): void {
    const second = Math.floor(nowMs / 1000);
    if (this.lastSecond !== undefined && second - this.lastSecond >= this.windowSeconds) {
      this.buckets.clear();
      this.firstSecond = undefined;
    }
    this.firstSecond ??= second;
    this.lastSecond = Math.max(this.lastSecond ?? second, second);
    this.buckets.set(second, (this.buckets.get(second) ?? 0) + value);
    this.forgetBefore(second - this.windowSeconds + 1);
  }

  /** The average over the window that ends at `nowMs`; 0 with no recent data. */
  average(nowMs: number): number {
    const now = Math.floor(nowMs / 1000);
    if (this.firstSecond === undefined || this.lastSecond === undefined) return 0;
    if (now - this.lastSecond >= this.windowSeconds) return 0;
    const from = Math.max(this.firstSecond, now - this.windowSeconds + 1);
    let total = 0;
    for (const [second, value] of this.buckets) if (second >= from && second <= now) total += value;
    return total / (now - from + 1);
  }

  /** True when nothing was recorded in the window that ends at `nowMs`. */
  isEmpty(nowMs: number): boolean {
    return this.lastSecond === undefined || Math.floor(nowMs / 1000) - this.lastSecond >= this.windowSeconds;
  }

  private get windowSeconds(): number {
    return Math.max(1, Math.round(this.windowMs / 1000));
  }

  private forgetBefore(second: number): void {
    for (const key of this.buckets.keys()) if (key < second) this.buckets.delete(key);
  }
}
