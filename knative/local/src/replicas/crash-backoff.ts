/**
 * Kubernetes' CrashLoopBackOff, as the kubelet restarts a container that
 * exited: 10 s after the first crash, doubling with each further crash up
 * to 5 min; a container that ran 10 min before it exited starts over at 10 s.
 * Pure: the caller says how many crashes came before and how long it ran.
 */
export const CRASH_BACKOFF_INITIAL_MS = 10_000;
export const CRASH_BACKOFF_MAX_MS = 300_000;
export const CRASH_BACKOFF_RESET_AFTER_MS = 600_000;

export interface CrashLoop {
  /** Crashes in a row, this one included. */
  crashes: number;
  /** How long to wait before the next start. */
  restartInMs: number;
}

/** The loop after a crash, given the crashes in a row before it and how long the process ran. */
export function afterCrash(previousCrashes: number, ranForMs: number): CrashLoop {
  const crashes = ranForMs >= CRASH_BACKOFF_RESET_AFTER_MS ? 1 : previousCrashes + 1;
  const restartInMs = Math.min(CRASH_BACKOFF_INITIAL_MS * 2 ** (crashes - 1), CRASH_BACKOFF_MAX_MS);
  return { crashes, restartInMs };
}
