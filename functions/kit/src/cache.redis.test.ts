import { freshRedisUrl, waitForRedis } from "@platform/kit/testing";
import { freePort } from "@platform/processes/free-port";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cache } from "./cache.ts";
import { createLogger } from "./logger.ts";
import { Metrics } from "./metrics.ts";
import { createRedis, type Redis } from "./redis.ts";

const logger = createLogger({ service: "t", revision: "t", level: "silent" });
let redis: Redis;

beforeAll(async () => {
  redis = createRedis(await freshRedisUrl());
  await waitForRedis(redis);
});
afterAll(() => redis.disconnect());

function counting<T>(value: T | null) {
  const calls = { n: 0 };
  const load = async () => {
    calls.n++;
    return value;
  };
  return { calls, load };
}

describe("Cache on a real redis-server", () => {
  it("loads once, then answers from Redis with a jittered TTL", async () => {
    const metrics = new Metrics("t", "t", { defaultMetrics: false });
    const cache = new Cache({ redis, metrics, logger, random: () => 1 });
    const source = counting({ n: 42 });
    expect(await cache.getOrLoad("k:hit", source.load, { ttlSeconds: 100 })).toEqual({ n: 42 });
    await new Promise((r) => setTimeout(r, 20)); // the write is not on the caller's path
    expect(await cache.getOrLoad("k:hit", source.load, { ttlSeconds: 100 })).toEqual({ n: 42 });
    expect(source.calls.n).toBe(1);
    expect(await redis.ttl("k:hit")).toBe(110);
    expect(await metrics.text()).toContain('cache_lookups_total{layer="redis",result="hit"} 1');
  });

  it("remembers 'not found' only when asked to", async () => {
    const metrics = new Metrics("t", "t", { defaultMetrics: false });
    const cache = new Cache({ redis, metrics, logger });
    const none = counting(null);
    await cache.getOrLoad("k:none", none.load, { ttlSeconds: 100 });
    await cache.getOrLoad("k:none", none.load, { ttlSeconds: 100 });
    expect(none.calls.n).toBe(2);
    const negative = counting(null);
    await cache.getOrLoad("k:negative", negative.load, { ttlSeconds: 100, negativeTtlSeconds: 5 });
    await new Promise((r) => setTimeout(r, 20));
    expect(await cache.getOrLoad("k:negative", negative.load, { ttlSeconds: 100, negativeTtlSeconds: 5 })).toBeNull();
    expect(negative.calls.n).toBe(1);
  });

  it("loads concurrent misses of one key once", async () => {
    const cache = new Cache({ redis, metrics: new Metrics("t", "t", { defaultMetrics: false }), logger });
    const source = counting("v");
    await Promise.all(Array.from({ length: 10 }, () => cache.getOrLoad("k:herd", source.load, { ttlSeconds: 10 })));
    expect(source.calls.n).toBe(1);
  });

  it("drops a key from another instance's near cache when invalidated", async () => {
    const url = await freshRedisUrl();
    const subscriber = createRedis(url, { subscriber: true });
    const writer = createRedis(url);
    await Promise.all([waitForRedis(subscriber), waitForRedis(writer)]);
    const near = { maxEntries: 10, ttlMs: 60_000 };
    const reader = new Cache({
      redis: writer,
      subscriber,
      near,
      metrics: new Metrics("t", "t", { defaultMetrics: false }),
      logger,
    });
    const other = new Cache({ redis: writer, metrics: new Metrics("t", "t", { defaultMetrics: false }), logger });
    let version = 1;
    const load = async () => version;
    expect(await reader.getOrLoad("k:near", load, { ttlSeconds: 10 })).toBe(1);
    version = 2;
    expect(await reader.getOrLoad("k:near", load, { ttlSeconds: 10 })).toBe(1);
    await other.invalidate("k:near");
    await new Promise((r) => setTimeout(r, 100));
    expect(await reader.getOrLoad("k:near", load, { ttlSeconds: 10 })).toBe(2);
    subscriber.disconnect();
    writer.disconnect();
  });

  it("falls back to the source when Redis cannot be reached, and counts it", async () => {
    const dead = createRedis(`redis://127.0.0.1:${await freePort()}`);
    dead.on("error", () => {});
    const metrics = new Metrics("t", "t", { defaultMetrics: false });
    const cache = new Cache({ redis: dead, metrics, logger });
    const source = counting("from the database");
    expect(await cache.getOrLoad("k:down", source.load, { ttlSeconds: 10 })).toBe("from the database");
    await cache.invalidate("k:down");
    expect(await metrics.text()).toMatch(/cache_errors_total\{operation="get"\} 1/);
    expect(await metrics.text()).toMatch(/cache_errors_total\{operation="invalidate"\} 1/);
    dead.disconnect();
  });
});
