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
  /** Most writes under way at once (default 1); a second one starts only for a full batch. */
  concurrency?: number;
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
 * headers (250 bytes by `clickBytes`), 20 000 at the longest (512-character
 * referrer, 256-character user agent): seconds of a busy replica's traffic,
 * enough to ride out a checkpoint or a failover. 5 000 clicks per COPY, two
 * COPYs at once when the backlog grows (PostgreSQL works each on its own core;
 * Citus spreads them over the workers).
 */
export const DEFAULT_CLICK_BUFFER = {
  maxBytes: 32 * 1024 * 1024,
  batchSize: 5000,
  flushIntervalMs: 500,
  concurrency: 2,
};

/** The wait before try number `failures + 1`: exponential, capped. */
export function retryDelayMs(failures: number, backoff: { initialMs: number; maxMs: number }): number {
  if (failures <= 0) return 0;
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(failures - 1, 30));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits for `work`, or until `deadline` (epoch ms), whichever comes first; leaves no timer behind. */
async function untilDeadline(work: Promise<unknown>, deadline: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
  });
  await Promise.race([work, timeout]);
  clearTimeout(timer);
}

/**
 * Clicks recorded off the response path: `add` is synchronous and O(1);
 * background writes (`concurrency` at most) send batches. What the database cannot take
 * now (it is away, failing over, slow) is kept, in order, and tried again
 * with backoff; what it will never take (a deleted link, bad data) has been
 * dropped by `write` and is counted here. Memory is bounded by `maxBytes`:
 * when the backlog reaches it, new clicks are dropped and counted.
 */
export class ClickBuffer {
  private queue: Click[] = [];
  private readonly writing = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryAt = 0;
  private failures = 0;
  private lastError: unknown;
  private overflowUnreported = 0;
  private closed = false;
  private readonly backoff: { initialMs: number; maxMs: number };
  private readonly concurrency: number;
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
    this.concurrency = Math.max(1, options.concurrency ?? 1);
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
    // Not while backing off (retryAt set): the retry timer starts the next write, and the hot path stays cheap.
    if (this.queue.length >= this.options.batchSize && this.writing.size < this.concurrency && this.retryAt === 0) {
      void this.flush();
    }
    return true;
  }

  /**
   * Starts writes while there is room (the first for any clicks waiting, more
   * only for full batches) unless a retry is not due yet. Resolves when the
   * writes it started end, or, when it could start none, the writes under way.
   */
  flush(): Promise<void> {
    const started: Promise<void>[] = [];
    while (
      this.writing.size < this.concurrency &&
      this.queue.length > 0 &&
      Date.now() >= this.retryAt &&
      (this.writing.size === 0 || this.queue.length >= this.options.batchSize)
    ) {
      started.push(this.startWrite());
    }
    return Promise.all(started.length > 0 ? started : [...this.writing]).then(() => {});
  }

  /**
   * Writes until nothing is held or under way: unlike flush(), it does not
   * return while a click waits behind a write the timer started. Stops early
   * while backing off after a failure (the retry timer takes over then).
   */
  async drain(): Promise<void> {
    while (this.writing.size > 0 || (this.queue.length > 0 && Date.now() >= this.retryAt)) {
      await this.flush();
    }
  }

  private startWrite(): Promise<void> {
    const batch = this.queue.splice(0, this.options.batchSize);
    const write: Promise<void> = this.options
      .write(batch)
      .catch((error: unknown): BatchOutcome => ({ written: 0, dropped: [], retry: batch, retryError: error }))
      .then((outcome) => this.settle(batch, outcome))
      .finally(() => {
        this.writing.delete(write);
        if (this.queue.length >= this.options.batchSize && !this.closed) void this.flush();
      });
    this.writing.add(write);
    return write;
  }

  /**
   * Stops taking clicks and writes all that are held, trying again with
   * backoff while the database cannot take them, until `deadlineMs` has
   * passed; whatever is still held then is dropped, counted and reported.
   * Clicks of a write still under way at the deadline are counted as dropped
   * too: the process is about to exit, and whether they landed is unknown.
   */
  async close(deadlineMs = 10_000): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    clearTimeout(this.retryTimer);
    this.reportOverflow();
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      if (this.writing.size > 0) await untilDeadline(Promise.all(this.writing), deadline);
      if (this.writing.size > 0 || this.queue.length === 0 || Date.now() >= deadline) break;
      if (Date.now() < this.retryAt) await sleep(Math.min(this.retryAt, deadline) - Date.now());
      else await this.flush();
    }
    const left = this.queue;
    const unfinished = this.stats.buffered - left.length;
    if (left.length + unfinished > 0) {
      this.queue = [];
      for (const click of left) this.stats.bufferedBytes -= clickBytes(click);
      this.stats.buffered -= left.length;
      this.count("shutdown", left.length + unfinished);
      this.options.onDrop?.("shutdown", left.length + unfinished, this.lastError);
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
      // The timer, not Date.now(), says when the backoff is over: Node runs timers on the loop's
      // cached clock, which lags Date.now() after a busy turn, so the timer can fire a few ms
      // before retryAt, and a flush() gated on retryAt would then start nothing until the next
      // flush interval.
      this.retryTimer = setTimeout(() => {
        this.retryAt = 0;
        void this.flush();
      }, delay);
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
