import { Redis } from "ioredis";

export type { Redis };

/**
 * The one place that turns a URL into a Redis client, so that production
 * (Dragonfly behind a Service), local redis-server and Sentinel set-ups only
 * differ here. Commands fail fast while disconnected instead of queueing, so a
 * dead cache costs a request nothing but a fallback to the database.
 */
export function createRedis(url: string, options: { subscriber?: boolean } = {}): Redis {
  const target = parseRedisUrl(url);
  const common = {
    // A subscriber must queue its SUBSCRIBE until the first connection is up.
    enableOfflineQueue: options.subscriber ?? false,
    maxRetriesPerRequest: options.subscriber ? null : 1,
    commandTimeout: options.subscriber ? undefined : 250,
    connectTimeout: 1000,
    retryStrategy: (attempt: number) => Math.min(attempt * 100, 2000),
    // After a failover the old primary answers READONLY: reconnect and resend.
    reconnectOnError: (error: Error) => (error.message.startsWith("READONLY") ? 2 : false),
  } as const;
  if (target.kind === "url") return new Redis(target.url, common);
  // Sentinels name the primary; after a failover they name the new one and ioredis reconnects to it.
  return new Redis({
    ...common,
    sentinels: target.sentinels,
    name: target.name,
    db: target.db,
    ...(target.password ? { password: target.password, sentinelPassword: target.password } : {}),
    sentinelRetryStrategy: (attempt: number) => Math.min(attempt * 100, 2000),
  });
}

export type RedisTarget =
  | { kind: "url"; url: string }
  | { kind: "sentinel"; sentinels: { host: string; port: number }[]; name: string; db: number; password?: string };

/**
 * `redis://` and `rediss://` as they are; `redis-sentinel://[:password@]host:port,host:port/<primary name>[/<db>]`
 * for a primary that Sentinels watch (the URL form of ioredis' sentinel options).
 */
export function parseRedisUrl(url: string): RedisTarget {
  if (!url.startsWith("redis-sentinel://")) return { kind: "url", url };
  const match = /^redis-sentinel:\/\/(?:(?:[^:@/]*):([^@/]*)@)?([^/]+)\/([^/]+)(?:\/(\d+))?$/.exec(url);
  if (!match)
    throw new Error("REDIS_URL: a Sentinel URL is redis-sentinel://host:port,host:port/<primary name>[/<db>]");
  const [, password, hosts, name, db] = match as unknown as [
    string,
    string | undefined,
    string,
    string,
    string | undefined,
  ];
  const sentinels = hosts.split(",").map((hostPort) => {
    const [host, port] = hostPort.split(":");
    return { host: host || "127.0.0.1", port: Number(port ?? 26379) };
  });
  return {
    kind: "sentinel",
    sentinels,
    name: decodeURIComponent(name),
    db: Number(db ?? 0),
    ...(password ? { password: decodeURIComponent(password) } : {}),
  };
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
