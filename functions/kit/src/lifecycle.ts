/**
 * The process's serving state: how many requests are in flight and whether it
 * is draining after SIGTERM (readiness then fails, as Knative expects).
 */
export class Lifecycle {
  private inFlightCount = 0;
  private drainingSince: number | undefined;
  private idleWaiters: (() => void)[] = [];

  get inFlight(): number {
    return this.inFlightCount;
  }

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  requestStarted(): void {
    this.inFlightCount++;
  }

  requestFinished(): void {
    this.inFlightCount--;
    if (this.inFlightCount === 0) {
      for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  startDraining(now = Date.now()): void {
    this.drainingSince ??= now;
  }

  /** Resolves true when no request is in flight, false if `timeoutMs` passes first. */
  waitForIdle(timeoutMs: number): Promise<boolean> {
    if (this.inFlightCount === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== wake);
        resolve(false);
      }, timeoutMs);
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(wake);
    });
  }
}
