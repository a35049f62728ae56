/**
 * The end of one request's time: timeoutSeconds bounds the whole request, the
 * wait for a slot and the replica's answer included. One timer; whatever the
 * request is waiting on when it fires is told to stop. It stands where an
 * AbortController would, at a fraction of the cost: it is on every request's
 * path.
 */
export class Deadline {
  private passed = false;
  private stopWaiting: (() => void) | undefined;
  private readonly timer: NodeJS.Timeout;

  /** `onExpire` runs once the time is up, before whatever is waiting is stopped. */
  constructor(
    ms: number,
    private readonly onExpire: () => void = () => {},
  ) {
    this.timer = setTimeout(() => this.expire(), Math.max(1, ms));
  }

  get expired(): boolean {
    return this.passed;
  }

  /** Ends the time now (the timer does this when it fires). */
  expire(): void {
    if (this.passed) return;
    this.passed = true;
    clearTimeout(this.timer);
    this.onExpire();
    this.stopWaiting?.();
  }

  /**
   * `stop` is called if the time runs out from now until the returned function
   * is called, or at once if it has run out. One wait at a time: a request
   * waits on one thing at once.
   */
  waiting(stop: () => void): () => void {
    if (this.passed) {
      stop();
      return () => {};
    }
    this.stopWaiting = stop;
    return () => {
      if (this.stopWaiting === stop) this.stopWaiting = undefined;
    };
  }

  /** The request is over: the timer is not needed any more. */
  clear(): void {
    clearTimeout(this.timer);
  }
}
