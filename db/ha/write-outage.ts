/** What a failover cost the writers (pure): the longest time without an acknowledged write, and acknowledged writes lost. */

export interface WriteAttempt {
  /** When the answer came (ms). */
  at: number;
  acknowledged: boolean;
  code: string;
}

/**
 * Seconds of the longest span between two acknowledged writes that ends
 * after `since` (the crash or the switchover): the time during which no
 * write got through.
 */
export function writeOutageSeconds(attempts: WriteAttempt[], since: number): number {
  const acks = attempts
    .filter((a) => a.acknowledged)
    .map((a) => a.at)
    .sort((a, b) => a - b);
  let longest = 0;
  for (let i = 1; i < acks.length; i++) {
    const [before, after] = [acks[i - 1] as number, acks[i] as number];
    if (after > since) longest = Math.max(longest, after - before);
  }
  return longest / 1000;
}

/** The acknowledged codes missing from what the database holds afterwards. */
export function lostWrites(attempts: WriteAttempt[], present: Set<string>): string[] {
  return attempts.filter((a) => a.acknowledged && !present.has(a.code)).map((a) => a.code);
}
