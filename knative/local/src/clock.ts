/**
 * Time, injected: the platform runs on the system clock; tests drive a
 * ManualClock and advance it, so waits of seconds or minutes take none.
 */
export interface Clock {
  now(): number;
  setTimeout(run: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
}

export type ClockTimer = { readonly id: unknown };

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => ({ id: setTimeout(run, ms) }),
  clearTimeout: (timer) => clearTimeout(timer.id as NodeJS.Timeout),
};

interface ManualTimer extends ClockTimer {
  at: number;
  run: () => void;
}

/** A clock that moves only when told; due timers run in time order. */
export class ManualClock implements Clock {
  private timers: ManualTimer[] = [];

  constructor(private current = 0) {}

  now(): number {
    return this.current;
  }

  setTimeout(run: () => void, ms: number): ClockTimer {
    const timer: ManualTimer = { id: Symbol("timer"), at: this.current + Math.max(0, ms), run };
    this.timers.push(timer);
    return timer;
  }

  clearTimeout(timer: ClockTimer): void {
    this.timers = this.timers.filter((t) => t !== timer);
  }

  /** Timers waiting, soonest first: when each is due. */
  get pending(): number[] {
    return this.timers.map((t) => t.at).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, running each timer that falls due on the way. */
  advance(ms: number): void {
    const until = this.current + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = next.at;
      next.run();
    }
    this.current = until;
  }
}

/** A ticker started on a clock: `run` every `ms` until stopped (Knative's tickProvider). */
export interface Ticker {
  stop(): void;
}

/** Runs `run(now)` every `ms` on `clock`; each tick is scheduled when the last one fired. */
export function startTicker(clock: Clock, ms: number, run: (now: number) => void): Ticker {
  let timer: ClockTimer | undefined;
  let stopped = false;
  const schedule = () => {
    timer = clock.setTimeout(() => {
      if (stopped) return;
      schedule();
      run(clock.now());
    }, ms);
  };
  schedule();
  return {
    stop() {
      stopped = true;
      if (timer) clock.clearTimeout(timer);
    },
  };
}
