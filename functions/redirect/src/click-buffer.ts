import type { BatchOutcome, DropReason } from "./click-batch.ts";
import { type Click, clickBytes } from "./click-record.ts";

export type { Click } from "./click-record.ts";

/** Why clicks were dropped: refused by the database, no room in memory, or still held when the process had to exit. */
export type ClickDropReason = DropReason | "buffer_full" | "shutdown";

export interface ClickBufferOptions {
  /** Memory budget of the clicks held (waiting and being written), by `clickBytes`; past it new clicks are dropped. */
  maxBytes: number;
  /** Most clicks per write; a write starts as soon as this many wait. */
  batchSize: number;
  /** ...and at least this often while any wait. Also how often drops for a full buffer are reported. */
  flushIntervalMs: number;
  /** Writes a batch; what it could not write and did not drop comes back in `retry`. A throw means "retry all". */
  write(clicks: Click[]): Promise<BatchOutcome>;
  /** Waits between tries while writes fail: doubling from initialMs up to maxMs. */
  retryBackoff?: { initialMs: number; maxMs: number };
  onDrop?(reason: ClickDropReason, count: number, error?: unknown): void;
  onRetry?(error: unknown, count: number, delayMs: number): void;
}

export interface ClickBufferStats {
  buffered: number;
  bufferedBytes: number;
  written: number;
  dropped: number;
  droppedBy: Record<ClickDropReason, number>;
  /** Writes that failed and were kept to try again. */
  failedWrites: number;
}

/**
 * 32 MiB: a quarter of a replica's 128 MiB, about 130 000 clicks of typical
 * headers (250 bytes by `clickBytes`), 40 000 at the longest (512-character
 * referrer, 256-character user agent): seconds of a busy replica's traffic,
 * enough to ride out a checkpoint or a failover. 5 000 clicks per COPY.
 */
export const DEFAULT_CLICK_BUFFER = { maxBytes: 32 * 1024 * 1024, batchSize: 5000, flushIntervalMs: 500 };

/** The wait before try number `failures + 1`: exponential, capped. */
export function retryDelayMs(failures: number, backoff: { initialMs: number; maxMs: number }): number {
  if (failures <= 0) return 0;
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(failures - 1, 30));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Clicks recorded off the response path: `add` is synchronous and O(1); one
 * background write at a time sends batches. What the database cannot take
 * now (it is away, failing over, slow) is kept, in order, and tried again
 * with backoff; what it will never take (a deleted link, bad data) has been
 * dropped by `write` and is counted here. Memory is bounded by `maxBytes`:
 * when the backlog reaches it, new clicks are dropped and counted.
 */
export class ClickBuffer {
  private queue: Click[] = [];
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryAt = 0;
  private failures = 0;
  private lastError: unknown;
  private overflowUnreported = 0;
  private closed = false;
  private readonly backoff: { initialMs: number; maxMs: number };
  readonly stats: ClickBufferStats = {
    buffered: 0,
    bufferedBytes: 0,
    written: 0,
    dropped: 0,
    droppedBy: { link_deleted: 0, rejected: 0, buffer_full: 0, shutdown: 0 },
    failedWrites: 0,
  };

  constructor(private readonly options: ClickBufferOptions) {
    this.backoff = options.retryBackoff ?? { initialMs: 100, maxMs: 5000 };
    this.timer = setInterval(() => {
      this.reportOverflow();
      void this.flush();
    }, options.flushIntervalMs);
    this.timer.unref();
  }

  /** False when the click was dropped: the buffer is at its memory budget, or closed. */
  add(click: Click): boolean {
    const bytes = clickBytes(click);
    if (this.closed) {
      this.count("shutdown", 1);
      return false;
    }
    if (this.stats.bufferedBytes + bytes > this.options.maxBytes) {
      this.count("buffer_full", 1);
      this.overflowUnreported++;
      return false;
    }
    this.queue.push(click);
    this.stats.bufferedBytes += bytes;
    this.stats.buffered++;
    if (this.queue.length >= this.options.batchSize && !this.writing) void this.flush();
    return true;
  }

  /** Starts writing one batch unless a write is under way (then returns it) or a retry is not due yet. */
  flush(): Promise<void> {
    if (this.writing) return this.writing;
    if (this.queue.length === 0 || Date.now() < this.retryAt) return Promise.resolve();
    const batch = this.queue.splice(0, this.options.batchSize);
    this.writing = this.options
      .write(batch)
      .catch((error: unknown): BatchOutcome => ({ written: 0, dropped: [], retry: batch, retryError: error }))
      .then((outcome) => this.settle(batch, outcome))
      .finally(() => {
        this.writing = undefined;
        if (this.queue.length >= this.options.batchSize && !this.closed) void this.flush();
      });
    return this.writing;
  }

  /**
   * Stops taking clicks and writes all that are held, trying again with
   * backoff while the database cannot take them, until `deadlineMs` has
   * passed; whatever is still held then is dropped, counted and reported.
   */
  async close(deadlineMs = 10_000): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    clearTimeout(this.retryTimer);
    this.reportOverflow();
    const deadline = Date.now() + deadlineMs;
    const untilDeadline = () => sleep(Math.max(0, deadline - Date.now()));
    for (;;) {
      if (this.writing) await Promise.race([this.writing, untilDeadline()]);
      if (this.writing || this.queue.length === 0 || Date.now() >= deadline) break;
      if (Date.now() < this.retryAt) await sleep(Math.min(this.retryAt, deadline) - Date.now());
      else await this.flush();
    }
    const left = this.queue;
    if (left.length > 0) {
      this.queue = [];
      for (const click of left) this.stats.bufferedBytes -= clickBytes(click);
      this.stats.buffered -= left.length;
      this.count("shutdown", left.length);
      this.options.onDrop?.("shutdown", left.length, this.lastError);
    }
  }

  private settle(batch: Click[], outcome: BatchOutcome): void {
    this.stats.written += outcome.written;
    for (const { reason, clicks, error } of outcome.dropped) {
      this.count(reason, clicks.length);
      this.options.onDrop?.(reason, clicks.length, error);
    }
    let released = 0;
    for (const click of batch) released += clickBytes(click);
    for (const click of outcome.retry) released -= clickBytes(click);
    this.stats.bufferedBytes -= released;
    this.stats.buffered -= batch.length - outcome.retry.length;
    if (outcome.retry.length === 0) {
      this.failures = 0;
      this.retryAt = 0;
      return;
    }
    // Back to the front, so clicks land in about the order they came.
    this.queue = outcome.retry.concat(this.queue);
    this.failures++;
    this.stats.failedWrites++;
    this.lastError = outcome.retryError;
    const delay = retryDelayMs(this.failures, this.backoff);
    this.retryAt = Date.now() + delay;
    this.options.onRetry?.(outcome.retryError, outcome.retry.length, delay);
    if (!this.closed) {
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => void this.flush(), delay);
      this.retryTimer.unref();
    }
  }

  private count(reason: ClickDropReason, n: number): void {
    this.stats.dropped += n;
    this.stats.droppedBy[reason] += n;
  }

  /** Drops for a full buffer are reported in sums, at most once per flush interval, never per click. */
  private reportOverflow(): void {
    if (this.overflowUnreported === 0) return;
    const n = this.overflowUnreported;
    this.overflowUnreported = 0;
    this.options.onDrop?.("buffer_full", n);
  }
}
