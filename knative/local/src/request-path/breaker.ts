/**
 * A replica's hard concurrency limit, as queue-proxy enforces
 * containerConcurrency: at most `capacity` requests at once, at most
 * 10 x capacity waiting; beyond that the request is refused at once with 503
 * `pending request queue full`. Capacity 0 means unlimited.
 */
export const QUEUE_FULL_MESSAGE = "pending request queue full";

export class Breaker {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly capacity: number) {}

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /**
   * False at once when the queue is full; otherwise resolves true when a slot
   * is free, or false if `signal` aborts first (the request gave up its place).
   */
  acquire(signal?: AbortSignal): Promise<boolean> | boolean {
    if (this.capacity === 0 || this.active < this.capacity) {
      this.active++;
      return true;
    }
    if (this.waiting.length >= this.capacity * 10 || signal?.aborted) return false;
    return new Promise((resolve) => {
      const admit = () => {
        signal?.removeEventListener("abort", leave);
        this.active++;
        resolve(true);
      };
      const leave = () => {
        const i = this.waiting.indexOf(admit);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(false);
      };
      signal?.addEventListener("abort", leave, { once: true });
      this.waiting.push(admit);
    });
  }

  release(): void {
    this.active--;
    this.waiting.shift()?.();
  }
}
