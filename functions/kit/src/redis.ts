import { Redis } from "ioredis";

export type { Redis };

/**
 * The one place that turns a URL into a Redis client, so that production
 * (Dragonfly behind a Service), local redis-server and Sentinel set-ups only
 * differ here. Commands fail fast while disconnected instead of queueing, so a
 * dead cache costs a request nothing but a fallback to the database.
 */
export function createRedis(url: string, options: { subscriber?: boolean } = {}): Redis {
  return new Redis(url, {
    // A subscriber must queue its SUBSCRIBE until the first connection is up.
    enableOfflineQueue: options.subscriber ?? false,
    maxRetriesPerRequest: options.subscriber ? null : 1,
    commandTimeout: options.subscriber ? undefined : 250,
    connectTimeout: 1000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
    // After a failover the old primary answers READONLY: reconnect and resend.
    reconnectOnError: (error) => (error.message.startsWith("READONLY") ? 2 : false),
  });
}

/** Logs the first error and then at most one every `intervalMs`, so an outage does not flood the logs. */
export function throttled(log: (error: unknown) => void, intervalMs = 10_000): (error: unknown) => void {
  let last = 0;
  return (error) => {
    const now = Date.now();
    if (now - last < intervalMs) return;
    last = now;
    log(error);
  };
}
