/**
 * A replica's hard concurrency limit, as queue-proxy enforces
 * containerConcurrency: at most `capacity` requests at once, at most
 * 10 x capacity waiting; beyond that the request is refused at once with 503
 * `pending request queue full`. Capacity 0 means unlimited.
 */
import type { Deadline } from "./deadline.ts";

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
   * True at once when a slot is free; false at once when the queue is full;
   * otherwise resolves true when a slot is free, or false if the request
   * ends first (its time is up or its client left: it gives up its place).
   */
  acquire(deadline?: Deadline): Promise<boolean> | boolean {
    if (this.capacity === 0 || this.active < this.capacity) {
      this.active++;
      return true;
    }
    if (this.waiting.length >= this.capacity * 10 || deadline?.ended) return false;
    return new Promise((resolve) => {
      let done: (() => void) | undefined;
      const admit = () => {
        done?.();
        this.active++;
        resolve(true);
      };
      this.waiting.push(admit);
      done = deadline?.waiting(() => {
        const i = this.waiting.indexOf(admit);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(false);
      });
    });
  }

  release(): void {
    this.active--;
    this.waiting.shift()?.();
  }
}
