/**
 * Waits for a condition that real processes or sockets bring about: looks
 * every `intervalMs` and fails, naming what it waited for, after `timeoutMs`.
 */
export interface WaitOptions {
  /** What is awaited, for the error ("redirect-00002 to be ready"). */
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
}

export async function waitFor(check: () => boolean | Promise<boolean>, options: WaitOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${options.what}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25));
  }
}

/**
 * Retries `check` until it stops throwing, and resolves with what it
 * returns; for assertions on effects that cross processes (pub/sub, batches).
 * After `timeoutMs` the last error is thrown.
 */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 3000, intervalMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
