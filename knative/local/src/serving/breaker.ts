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

  /** False at once when the queue is full; otherwise resolves true when a slot is free. */
  acquire(): Promise<boolean> | boolean {
    if (this.capacity === 0 || this.active < this.capacity) {
      this.active++;
      return true;
    }
    if (this.waiting.length >= this.capacity * 10) return false;
    return new Promise((resolve) =>
      this.waiting.push(() => {
        this.active++;
        resolve(true);
      }),
    );
  }

  release(): void {
    this.active--;
    this.waiting.shift()?.();
  }
}
