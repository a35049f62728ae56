/**
 * How one request ends early, as a Go request's context does: its time is up
 * (timeoutSeconds bounds the whole request, the wait for a replica or a slot
 * and the replica's answer included), or its client left. Whichever comes
 * first, whatever the request is waiting on then is told to stop. One timer
 * and no AbortController: it is on every request's path.
 */
export class Deadline {
  private why: "time up" | "client gone" | undefined;
  private stopWaiting: (() => void) | undefined;
  private readonly timer: NodeJS.Timeout;

  /** `onExpire` runs once the time is up, before whatever is waiting is stopped. */
  constructor(
    ms: number,
    private readonly onExpire: () => void = () => {},
  ) {
    this.timer = setTimeout(() => this.expire(), Math.max(1, ms));
  }

  /** The time ran out before the request ended. */
  get expired(): boolean {
    return this.why === "time up";
  }

  /** The client left before its answer was out. */
  get abandoned(): boolean {
    return this.why === "client gone";
  }

  /** Either: the request ended early. */
  get ended(): boolean {
    return this.why !== undefined;
  }

  /** Ends the time now (the timer does this when it fires). */
  expire(): void {
    this.end("time up");
  }

  /** The client left: nothing the request waits on is worth waiting for. */
  abandon(): void {
    this.end("client gone");
  }

  /**
   * `stop` is called if the request ends early from now until the returned
   * function is called, or at once if it has. One wait at a time: a request
   * waits on one thing at once.
   */
  waiting(stop: () => void): () => void {
    if (this.why) {
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

  private end(why: "time up" | "client gone"): void {
    if (this.why) return;
    this.why = why;
    clearTimeout(this.timer);
    if (why === "time up") this.onExpire();
    this.stopWaiting?.();
  }
}
