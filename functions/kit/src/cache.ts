import type { Counter } from "prom-client";
import type { Logger } from "./logger.ts";
import type { Metrics } from "./metrics.ts";
import { type Redis, throttled } from "./redis.ts";

/** Keys published here are dropped from every instance's near cache. */
export const INVALIDATION_CHANNEL = "cache:invalidate";
const NEGATIVE = "\u0000none";

export interface CacheOptions {
  /** Unset: the cache is off and every read is a load. */
  redis?: Redis;
  /** A second connection in subscriber mode, for invalidations of the near cache. */
  subscriber?: Redis;
  metrics: Metrics;
  logger: Logger;
  /** An in-process layer in front of Redis for the hottest keys; ttlMs 0 turns it off. */
  near?: { maxEntries: number; ttlMs: number };
  random?: () => number;
  now?: () => number;
}

export interface ReadOptions {
  ttlSeconds: number;
  /** How long "not found" is remembered; 0 remembers nothing. */
  negativeTtlSeconds?: number;
}

/** A TTL within ±10 %, so that keys written together do not expire together. */
export function jitteredTtl(ttlSeconds: number, random: number): number {
  return Math.max(1, Math.round(ttlSeconds * (0.9 + 0.2 * random)));
}

interface NearEntry {
  value: unknown;
  expiresAt: number;
}

/**
 * Cache-aside over Redis, with an optional near cache. Any Redis error is
 * counted and the value is loaded from the source instead: the cache can make
 * a request faster, never make it fail.
 */
export class Cache {
  private readonly near = new Map<string, NearEntry>();
  private readonly loading = new Map<string, Promise<unknown>>();
  private readonly lookups: Counter<"layer" | "result">;
  private readonly errors: Counter<"operation">;
  private readonly logError: (error: unknown) => void;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(private readonly options: CacheOptions) {
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.lookups = options.metrics.counter("cache_lookups_total", "Cache lookups by layer and result", [
      "layer",
      "result",
    ]);
    this.errors = options.metrics.counter(
      "cache_errors_total",
      "Cache operations that failed and fell back to the source",
      ["operation"],
    );
    this.logError = throttled((error) => options.logger.warn({ err: error }, "cache unavailable, reading the source"));
    options.subscriber?.on("message", (channel: string, key: string) => {
      if (channel === INVALIDATION_CHANNEL) this.near.delete(key);
    });
    options.subscriber?.subscribe(INVALIDATION_CHANNEL).catch((error) => this.fail("subscribe", error));
  }

  get enabled(): boolean {
    return this.options.redis !== undefined;
  }

  /** The cached value, or what `load` returns (null for "not found"), cached for next time. */
  async getOrLoad<T>(key: string, load: () => Promise<T | null>, options: ReadOptions): Promise<T | null> {
    const nearHit = this.readNear(key);
    if (nearHit) return nearHit.value as T | null;
    const pending = this.loading.get(key);
    if (pending) return pending as Promise<T | null>;
    const promise = this.readThrough(key, load, options).finally(() => this.loading.delete(key));
    this.loading.set(key, promise);
    return promise;
  }

  /** Drops keys from Redis and from every instance's near cache. */
  async invalidate(...keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    for (const key of keys) this.near.delete(key);
    const redis = this.options.redis;
    if (!redis) return;
    try {
      const pipeline = redis.multi().del(...keys);
      for (const key of keys) pipeline.publish(INVALIDATION_CHANNEL, key);
      await pipeline.exec();
    } catch (error) {
      this.fail("invalidate", error);
    }
  }

  private async readThrough<T>(key: string, load: () => Promise<T | null>, options: ReadOptions): Promise<T | null> {
    const redis = this.options.redis;
    if (redis) {
      try {
        const raw = await redis.get(key);
        if (raw !== null) {
          this.lookups.inc({ layer: "redis", result: "hit" });
          const value = raw === NEGATIVE ? null : (JSON.parse(raw) as T);
          this.writeNear(key, value);
          return value;
        }
        this.lookups.inc({ layer: "redis", result: "miss" });
      } catch (error) {
        this.fail("get", error);
        return load();
      }
    }
    const value = await load();
    if (value !== null || options.negativeTtlSeconds) {
      this.writeNear(key, value);
      if (redis) this.write(redis, key, value, options);
    }
    return value;
  }

  private write(redis: Redis, key: string, value: unknown, options: ReadOptions): void {
    const ttl = value === null ? (options.negativeTtlSeconds ?? 0) : options.ttlSeconds;
    const raw = value === null ? NEGATIVE : JSON.stringify(value);
    redis.set(key, raw, "EX", jitteredTtl(ttl, this.random())).catch((error) => this.fail("set", error));
  }

  private readNear(key: string): NearEntry | undefined {
    const near = this.options.near;
    if (!near || near.ttlMs <= 0) return undefined;
    const entry = this.near.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.near.delete(key);
      return undefined;
    }
    this.lookups.inc({ layer: "near", result: "hit" });
    return entry;
  }

  private writeNear(key: string, value: unknown): void {
    const near = this.options.near;
    if (!near || near.ttlMs <= 0) return;
    if (this.near.size >= near.maxEntries) {
      const oldest = this.near.keys().next().value;
      if (oldest !== undefined) this.near.delete(oldest);
    }
    this.near.set(key, { value, expiresAt: this.now() + near.ttlMs });
  }

  private fail(operation: string, error: unknown): void {
    this.errors.inc({ operation });
    this.logError(error);
  }
}
