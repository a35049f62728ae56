import type { Redis } from "./redis.ts";

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the current window ends. */
  resetSeconds: number;
}

const WINDOW_MS = 60_000;

/** Pure: what a fixed one-minute window allows after `count` requests in it. */
export function decideRateLimit(count: number, limit: number, nowMs: number): RateLimitDecision {
  const resetSeconds = Math.max(1, Math.ceil((WINDOW_MS - (nowMs % WINDOW_MS)) / 1000));
  return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), resetSeconds };
}

/** The Redis key counting requests of `subject` in the window that contains `nowMs`. */
export function rateLimitKey(subject: string, nowMs: number): string {
  return `rl:${subject}:${Math.floor(nowMs / WINDOW_MS)}`;
}

/**
 * Counts one request against a fixed per-minute window in Redis (shared by
 * every replica). Returns undefined when Redis cannot answer: the caller
 * lets the request through rather than fail it.
 */
export async function hitRateLimit(
  redis: Redis,
  subject: string,
  limit: number,
  nowMs = Date.now(),
): Promise<RateLimitDecision | undefined> {
  const key = rateLimitKey(subject, nowMs);
  const results = await redis
    .multi()
    .incr(key)
    .pexpire(key, WINDOW_MS + 1000)
    .exec();
  const count = results?.[0]?.[1];
  if (typeof count !== "number") return undefined;
  return decideRateLimit(count, limit, nowMs);
}
