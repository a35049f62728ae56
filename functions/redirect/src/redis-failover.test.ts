/**
 * Redis failover under redirect load: a primary, a replica and three
 * Sentinels (real redis-server processes on loopback); the primary is killed
 * (SIGKILL) while redirects are served. Redirects keep answering from the
 * database while the cache is gone, flags keep their last values, and the
 * cache is used again once the Sentinels have promoted the replica.
 * The cache client finds the primary through the Sentinels (REDIS_URL=redis-sentinel://...).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLinksApp } from "@functions/links/app";
import { createApiKey, createTenant } from "@platform/db";
import { type BaseConfig, FeatureFlags, type FunctionContext } from "@platform/kit";
import { createTestContext, eventually, freshDatabase, waitForRedis } from "@platform/kit/testing";
import { type RunningRedis, startRedisSentinel, startRedisServer } from "@platform/processes/redis-server";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedirectApp, redirectFlagDefaults } from "./app.ts";

const NAME = "cache";
let dir: string;
let primary: RunningRedis;
let replica: RunningRedis;
let sentinels: RunningRedis[];
let linksContext: FunctionContext<BaseConfig>;
let redirectContext: FunctionContext<BaseConfig>;
let redirect: ReturnType<typeof createRedirectApp>;
const codes: string[] = [];

/** The primary's port as the Sentinels name it now. */
async function primaryPort(): Promise<number> {
  const sentinel = new Redis(sentinels[0]?.port ?? 0, "127.0.0.1", { lazyConnect: true });
  try {
    await sentinel.connect();
    const [, port] = (await sentinel.call("SENTINEL", "get-master-addr-by-name", NAME)) as [string, string];
    return Number(port);
  } finally {
    sentinel.disconnect();
  }
}

/** cache_lookups_total{layer="redis",result="hit"} of the redirect. */
async function redisHits(): Promise<number> {
  const text = await (await redirect.admin.request("/metrics")).text();
  return Number(/cache_lookups_total\{layer="redis",result="hit"\} (\d+)/.exec(text)?.[1] ?? 0);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "redis-failover-"));
  primary = await startRedisServer();
  replica = await startRedisServer({ extraArgs: ["--replicaof", "127.0.0.1", String(primary.port)] });
  sentinels = await Promise.all(
    [1, 2, 3].map(() => startRedisSentinel({ primaryPort: primary.port, name: NAME, quorum: 2, dir })),
  );
  const redisUrl = `redis-sentinel://${sentinels.map((s) => `127.0.0.1:${s.port}`).join(",")}/${NAME}`;
  const databaseUrl = await freshDatabase();
  linksContext = createTestContext({ service: "links", databaseUrl, redisUrl });
  redirectContext = createTestContext({ service: "redirect", databaseUrl, redisUrl });
  await Promise.all([waitForRedis(linksContext.redis), waitForRedis(redirectContext.redis)]);
  const links = createLinksApp(linksContext);
  redirect = createRedirectApp(redirectContext);
  const db = linksContext.database.db;
  const { key } = await createApiKey(db, (await createTenant(db, "acme")).id);
  for (let i = 0; i < 5; i++) {
    const res = await links.request("/links", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ targetUrl: `https://example.com/${i}` }),
    });
    codes.push(((await res.json()) as { code: string }).code);
  }
}, 30_000);

afterAll(async () => {
  await Promise.all([linksContext?.close(), redirectContext?.close()]);
  await Promise.all([...(sentinels ?? []), replica, primary].map((r) => r?.stop()));
  await rm(dir, { recursive: true, force: true });
});

describe("the cache's primary killed under redirect load", () => {
  it("keeps redirecting without a 5xx, keeps the flags, and uses the promoted replica", async () => {
    // A flag set before the failover: clicks off.
    const admin = new FeatureFlags({
      defaults: redirectFlagDefaults,
      logger: linksContext.logger,
      redis: linksContext.redis as Redis,
    });
    await admin.set("redirect.recordClicks", false);
    await new Promise((r) => setTimeout(r, 200));
    for (const code of codes) expect((await redirect.request(`/${code}`)).status).toBe(302);
    const hitsBefore = await redisHits();

    const statuses: number[] = [];
    let running = true;
    const load = (async () => {
      for (let i = 0; running; i++) statuses.push((await redirect.request(`/${codes[i % codes.length]}`)).status);
    })();
    await new Promise((r) => setTimeout(r, 300));
    const killedAt = Date.now();
    primary.process.kill("SIGKILL");
    await eventually(async () => expect(await primaryPort()).toBe(replica.port), 20_000);
    const promotedAfter = (Date.now() - killedAt) / 1000;
    // Once the client is on the new primary, lookups hit Redis again.
    await eventually(async () => expect(await redisHits()).toBeGreaterThan(hitsBefore + 10), 15_000);
    const cachedAgainAfter = (Date.now() - killedAt) / 1000;
    running = false;
    await load;
    process.stdout.write(
      `redis failover: replica promoted after ${promotedAfter.toFixed(1)} s, cache hits again after ${cachedAgainAfter.toFixed(1)} s, ${statuses.length} redirects, ${statuses.filter((s) => s >= 500).length} 5xx\n`,
    );

    expect(statuses.length).toBeGreaterThan(100);
    expect(statuses.filter((s) => s !== 302)).toEqual([]);
    // The flag kept its value through the outage: no click was recorded.
    const clicks = await redirectContext.database.sql`select count(*)::int as n from clicks`;
    expect(clicks[0]?.n).toBe(0);
    const metrics = await (await redirect.admin.request("/metrics")).text();
    expect(metrics).toMatch(/cache_errors_total\{operation="get"\} [1-9]/);
  }, 60_000);
});
