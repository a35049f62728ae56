export interface Click {
  tenantId: number;
  linkId: number;
  clickedAt: Date;
  referrer: string | null;
  userAgent: string | null;
  /** ISO 3166 alpha-2, or ZZ when unknown. */
  country: string;
}

export interface ClickBufferOptions {
  /** Most clicks held in memory; past it new clicks are dropped, never waited for. */
  capacity: number;
  /** A write is started as soon as this many clicks are waiting. */
  batchSize: number;
  /** ...and at least this often while any are waiting. */
  flushIntervalMs: number;
  write(clicks: Click[]): Promise<void>;
  onError?(error: unknown, clicks: number): void;
}

export interface ClickBufferStats {
  buffered: number;
  written: number;
  dropped: number;
  failedWrites: number;
}

/**
 * Clicks recorded off the response path: `add` is synchronous and O(1); a
 * background writer sends batches. A failed batch goes back to the front of
 * the queue (as far as capacity allows), so a short database outage loses
 * nothing; a long one drops the newest clicks and counts them.
 */
export class ClickBuffer {
  private queue: Click[] = [];
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  readonly stats: ClickBufferStats = { buffered: 0, written: 0, dropped: 0, failedWrites: 0 };

  constructor(private readonly options: ClickBufferOptions) {
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs);
    this.timer.unref();
  }

  /** False when the click was dropped because the buffer is full or closed. */
  add(click: Click): boolean {
    if (this.closed || this.queue.length >= this.options.capacity) {
      this.stats.dropped++;
      return false;
    }
    this.queue.push(click);
    this.stats.buffered = this.queue.length;
    if (this.queue.length >= this.options.batchSize && !this.writing) void this.flush();
    return true;
  }

  /** Writes one batch, unless a write is already under way (then waits for it). */
  flush(): Promise<void> {
    if (this.writing) return this.writing;
    if (this.queue.length === 0) return Promise.resolve();
    const batch = this.queue.splice(0, this.options.batchSize);
    this.stats.buffered = this.queue.length;
    this.writing = this.options
      .write(batch)
      .then(
        () => {
          this.stats.written += batch.length;
        },
        (error: unknown) => {
          this.stats.failedWrites++;
          const room = Math.max(0, this.options.capacity - this.queue.length);
          const kept = batch.slice(0, room);
          this.stats.dropped += batch.length - kept.length;
          this.queue.unshift(...kept);
          this.stats.buffered = this.queue.length;
          this.options.onError?.(error, batch.length);
        },
      )
      .finally(() => {
        this.writing = undefined;
      });
    return this.writing;
  }

  /**
   * Stops taking clicks and writes all that are waiting. Gives up after the
   * first failed batch (the database is gone; waiting longer delays the exit).
   */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    if (this.writing) await this.writing;
    while (this.queue.length > 0) {
      const failuresBefore = this.stats.failedWrites;
      await this.flush();
      if (this.stats.failedWrites > failuresBefore) {
        this.stats.dropped += this.queue.length;
        this.queue = [];
        this.stats.buffered = 0;
      }
    }
  }
}
