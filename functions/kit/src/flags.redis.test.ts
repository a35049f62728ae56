import { freshRedisUrl, waitForRedis } from "@platform/kit/testing";
import { describe, expect, it } from "vitest";
import { FeatureFlags, FLAGS_KEY } from "./flags.ts";
import { createLogger } from "./logger.ts";
import { createRedis } from "./redis.ts";

const logger = createLogger({ service: "t", revision: "t", level: "silent" });
const defaults = { "checkout.enabled": true, "search.limit": 10 };
const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
};

describe("FeatureFlags on a real redis-server", () => {
  it("keeps the defaults without Redis", () => {
    const flags = new FeatureFlags({ defaults, logger });
    expect(flags.all()).toEqual(defaults);
  });

  it("reads stored values at start and follows changes made by another instance", async () => {
    const url = await freshRedisUrl();
    const seed = createRedis(url);
    await waitForRedis(seed);
    await seed.hset(FLAGS_KEY, "search.limit", "25");
    const [redisA, subA, redisB] = [createRedis(url), createRedis(url, { subscriber: true }), createRedis(url)];
    const instance = new FeatureFlags({ defaults, logger, redis: redisA, subscriber: subA });
    const admin = new FeatureFlags({ defaults, logger, redis: redisB });
    await until(() => instance.get("search.limit") === 25);
    expect(instance.get("search.limit")).toBe(25);

    const changes: string[] = [];
    instance.onChange((name) => changes.push(String(name)));
    await waitForRedis(redisB);
    await admin.set("checkout.enabled", false);
    await until(() => instance.get("checkout.enabled") === false);
    expect(instance.get("checkout.enabled")).toBe(false);
    expect(changes).toEqual(["checkout.enabled"]);
    for (const c of [seed, redisA, subA, redisB]) c.disconnect();
  });

  it("keeps the last values while Redis is gone", async () => {
    const url = await freshRedisUrl();
    const redis = createRedis(url);
    const flags = new FeatureFlags({ defaults, logger, redis });
    await waitForRedis(redis);
    await flags.set("search.limit", 50);
    redis.disconnect();
    await flags.reload();
    expect(flags.get("search.limit")).toBe(50);
  });
});
