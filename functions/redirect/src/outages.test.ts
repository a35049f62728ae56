/**
 * Real outages: this file starts its own PostgreSQL and redis-server (the
 * shared ones must stay up for the other files) and stops them mid-test.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLinksApp } from "@functions/links/app";
import { createApiKey, createTenant, runMigrations } from "@platform/db";
import { type RunningPostgres, startEmbeddedPostgres } from "@platform/db/embedded";
import type { BaseConfig, FunctionContext } from "@platform/kit";
import { createTestContext, waitForRedis } from "@platform/kit/testing";
import { freePort } from "@platform/processes/free-port";
import { type RunningRedis, startRedisServer } from "@platform/processes/redis-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedirectApp } from "./app.ts";

let dataDir: string;
let postgres: RunningPostgres;
let redis: RunningRedis;
let linksContext: FunctionContext<BaseConfig>;
let redirectContext: FunctionContext<BaseConfig>;
let links: ReturnType<typeof createLinksApp>;
let redirect: ReturnType<typeof createRedirectApp>;
let key: string;

const startPostgres = (port: number) => startEmbeddedPostgres({ dataDir, port, persistent: true, fast: true });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "outage-pg-"));
  [postgres, redis] = await Promise.all([freePort().then(startPostgres), startRedisServer()]);
  await runMigrations(postgres.url());
  const databaseUrl = postgres.url();
  linksContext = createTestContext({ service: "links", databaseUrl, redisUrl: redis.url });
  // No near cache: the Redis layer itself must carry the redirects through a database outage.
  redirectContext = createTestContext({ service: "redirect", databaseUrl, redisUrl: redis.url });
  await Promise.all([waitForRedis(linksContext.redis), waitForRedis(redirectContext.redis)]);
  links = createLinksApp(linksContext);
  redirect = createRedirectApp(redirectContext);
  const db = linksContext.database.db;
  key = (await createApiKey(db, (await createTenant(db, "acme")).id)).key;
});

afterAll(async () => {
  await Promise.all([linksContext.close(), redirectContext.close()]);
  await Promise.all([postgres.stop(), redis.stop()]);
  await rm(dataDir, { recursive: true, force: true });
});

const api = (method: string, path: string, body?: unknown) =>
  links.request(path, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

async function expectUnavailable(res: Response) {
  expect(res.status).toBe(503);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
}

describe("with the database stopped", () => {
  it("answers writes 503 problem+json, keeps redirecting cached codes, and recovers", async () => {
    const cached = (await (await api("POST", "/links", { targetUrl: "https://example.com/cached" })).json()) as {
      code: string;
    };
    const uncached = (await (await api("POST", "/links", { targetUrl: "https://example.com/uncached" })).json()) as {
      code: string;
    };
    expect((await redirect.request(`/${cached.code}`)).status).toBe(302);

    await postgres.stop();

    const hit = await redirect.request(`/${cached.code}`);
    expect(hit.status).toBe(302);
    expect(hit.headers.get("location")).toBe("https://example.com/cached");
    await expectUnavailable(await redirect.request(`/${uncached.code}`));
    await expectUnavailable(await api("POST", "/links", { targetUrl: "https://example.com/during-outage" }));
    await expectUnavailable(await api("GET", "/links"));
    expect((await links.admin.request("/health/readiness")).status).toBe(503);
    // The redirect stays ready: it still serves cached codes.
    expect((await redirect.admin.request("/health/readiness")).status).toBe(200);
    expect((await redirect.admin.request("/health/liveness")).status).toBe(200);

    postgres = await startPostgres(postgres.port);

    expect((await api("POST", "/links", { targetUrl: "https://example.com/after" })).status).toBe(201);
    expect((await redirect.request(`/${uncached.code}`)).status).toBe(302);
    expect((await links.admin.request("/health/readiness")).status).toBe(200);
    const rows = await linksContext.database.sql`select target_url from links order by id`;
    expect(rows.map((r) => r.target_url)).toEqual([
      "https://example.com/cached",
      "https://example.com/uncached",
      "https://example.com/after",
    ]);
  });
});

describe("with the cache stopped", () => {
  it("serves everything from the database and counts the cache errors", async () => {
    const link = (await (await api("POST", "/links", { targetUrl: "https://example.com/no-cache" })).json()) as {
      id: number;
      code: string;
    };
    await redis.stop();

    const res = await redirect.request(`/${link.code}`);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("https://example.com/no-cache");
    const changed = await api("PATCH", `/links/${link.id}`, { targetUrl: "https://example.com/changed" });
    expect(changed.status).toBe(200);
    expect((await redirect.request(`/${link.code}`)).headers.get("location")).toBe("https://example.com/changed");
    expect((await api("POST", "/links", { targetUrl: "https://example.com/x" })).status).toBe(201);

    const metrics = await (await redirect.admin.request("/metrics")).text();
    expect(metrics).toMatch(/cache_errors_total\{operation="get"\} [1-9]/);
    const linksMetrics = await (await links.admin.request("/metrics")).text();
    expect(linksMetrics).toMatch(/rate_limit_unavailable_total [1-9]/);
    expect(linksMetrics).toMatch(/cache_errors_total\{operation="invalidate"\} [1-9]/);
  });
});
