import { createLinksApp } from "@functions/links/app";
import { createApiKey, createTenant, routeCacheKey } from "@platform/db";
import { type BaseConfig, FeatureFlags, type FunctionContext, serveFunction } from "@platform/kit";
import { createTestContext, eventually, freshDatabase, freshRedisUrl, waitForRedis } from "@platform/kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countryCode, createRedirectApp, redirectFlagDefaults } from "./app.ts";

let linksContext: FunctionContext<BaseConfig>;
let redirectContext: FunctionContext<BaseConfig>;
let links: ReturnType<typeof createLinksApp>;
let redirect: ReturnType<typeof createRedirectApp>;
let key: string;

beforeAll(async () => {
  const databaseUrl = await freshDatabase();
  const redisUrl = await freshRedisUrl();
  linksContext = createTestContext({ service: "links", databaseUrl, redisUrl });
  // The redirect keeps a near cache, as in production, so invalidation must cross processes by pub/sub.
  redirectContext = createTestContext({
    service: "redirect",
    databaseUrl,
    redisUrl,
    nearCache: { maxEntries: 1000, ttlMs: 60_000 },
  });
  await Promise.all([waitForRedis(linksContext.redis), waitForRedis(redirectContext.subscriber)]);
  links = createLinksApp(linksContext);
  redirect = createRedirectApp(redirectContext, {
    buffer: { maxBytes: 1 << 20, batchSize: 1000, flushIntervalMs: 60_000 },
  });
  const db = linksContext.database.db;
  key = (await createApiKey(db, (await createTenant(db, "acme")).id)).key;
});
afterAll(async () => {
  await Promise.all([linksContext.close(), redirectContext.close()]);
});

async function createLink(body: Record<string, unknown>): Promise<{ id: number; code: string }> {
  const res = await links.request("/links", {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: number; code: string };
}

async function patchLink(id: number, body: Record<string, unknown>, method = "PATCH") {
  const res = await links.request(`/links/${id}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    ...(method === "PATCH" ? { body: JSON.stringify(body) } : {}),
  });
  expect(res.status).toBeLessThan(300);
}

const clickCount = async (linkId: number) =>
  Number((await linksContext.database.sql`select sum(count) as n from clicks where link_id = ${linkId}`)[0]?.n);

describe("redirect", () => {
  it("answers 302 with the target, or 301 when the link says so", async () => {
    const temporary = await createLink({ targetUrl: "https://example.com/t" });
    const permanent = await createLink({ targetUrl: "https://example.com/p", redirectType: 301 });
    const t = await redirect.request(`/${temporary.code}`);
    expect(t.status).toBe(302);
    expect(t.headers.get("location")).toBe("https://example.com/t");
    const p = await redirect.request(`/${permanent.code}`);
    expect(p.status).toBe(301);
    expect(p.headers.get("location")).toBe("https://example.com/p");
  });

  it.each(["nope-not-a-code", "a%20b", "x".repeat(65)])("answers 404 with an HTML page for %s", async (code) => {
    const res = await redirect.request(`/${code}`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(await res.text()).toContain("Link not found");
  });

  it("answers 410 for a disabled or an expired link", async () => {
    const disabled = await createLink({ targetUrl: "https://example.com/off", enabled: false });
    expect((await redirect.request(`/${disabled.code}`)).status).toBe(410);

    const expiresAt = new Date(Date.now() + 60_000);
    const expiring = await createLink({ targetUrl: "https://example.com/soon", expiresAt: expiresAt.toISOString() });
    expect((await redirect.request(`/${expiring.code}`)).status).toBe(302);
    const later = createRedirectApp(redirectContext, { now: () => expiresAt.getTime() + 1 });
    const gone = await later.request(`/${expiring.code}`);
    expect(gone.status).toBe(410);
    expect(await gone.text()).toContain("no longer available");
  });

  it("serves a cached route without the database", async () => {
    const link = await createLink({ targetUrl: "https://example.com/cached" });
    expect((await redirect.request(`/${link.code}`)).status).toBe(302);
    expect(await redirectContext.redis?.get(routeCacheKey(link.code))).toContain("https://example.com/cached");
    // Remove the route behind the cache's back: the cache still answers.
    await linksContext.database.sql`delete from link_routes where code = ${link.code}`;
    expect((await redirect.request(`/${link.code}`)).headers.get("location")).toBe("https://example.com/cached");
  });

  it("follows an update and a delete at once, in every instance", async () => {
    const link = await createLink({ targetUrl: "https://example.com/v1" });
    expect((await redirect.request(`/${link.code}`)).headers.get("location")).toBe("https://example.com/v1");

    await patchLink(link.id, { targetUrl: "https://example.com/v2" });
    await eventually(async () =>
      expect((await redirect.request(`/${link.code}`)).headers.get("location")).toBe("https://example.com/v2"),
    );
    await patchLink(link.id, { enabled: false });
    await eventually(async () => expect((await redirect.request(`/${link.code}`)).status).toBe(410));

    await patchLink(link.id, {}, "DELETE");
    await eventually(async () => expect((await redirect.request(`/${link.code}`)).status).toBe(404));
  });

  it("forgets a cached 'not found' when the code is created", async () => {
    expect((await redirect.request("/fresh-code")).status).toBe(404);
    await createLink({ targetUrl: "https://example.com/fresh", code: "fresh-code" });
    await eventually(async () => expect((await redirect.request("/fresh-code")).status).toBe(302));
  });
});

describe("clicks", () => {
  it("are buffered, then written on shutdown", async () => {
    const context = createTestContext({
      service: "redirect",
      databaseUrl: linksContext.config.DATABASE_URL,
      ...(linksContext.config.REDIS_URL ? { redisUrl: linksContext.config.REDIS_URL } : {}),
    });
    const app = createRedirectApp(context, { buffer: { maxBytes: 1 << 20, batchSize: 1000, flushIntervalMs: 60_000 } });
    const running = await serveFunction(app, context, 0);
    const link = await createLink({ targetUrl: "https://example.com/clicked" });
    for (let i = 0; i < 25; i++) {
      const res = await fetch(`${running.url}/${link.code}`, {
        redirect: "manual",
        headers: { referer: "https://ref.example/", "cf-ipcountry": "DE" },
      });
      expect(res.status).toBe(302);
    }
    expect(app.clicks.stats.buffered).toBe(25);
    expect(await clickCount(link.id)).toBe(0);

    await running.shutdown();
    expect(await clickCount(link.id)).toBe(25);
    const [row] = await linksContext.database
      .sql`select referrer, country from clicks where link_id = ${link.id} limit 1`;
    expect(row).toEqual({ referrer: "https://ref.example/", country: "DE" });
  });

  it("of a link deleted meanwhile are dropped without failing the batch", async () => {
    const kept = await createLink({ targetUrl: "https://example.com/kept" });
    const deleted = await createLink({ targetUrl: "https://example.com/deleted" });
    await redirect.clicks.drain(); // the clicks of earlier tests, some of links deleted since
    const droppedBefore = redirect.clicks.stats.droppedBy.link_deleted;
    await redirect.request(`/${kept.code}`);
    await redirect.request(`/${deleted.code}`);
    await patchLink(deleted.id, {}, "DELETE");
    await redirect.clicks.drain();
    expect(await clickCount(kept.id)).toBe(1);
    expect(redirect.clicks.stats.failedWrites).toBe(0);
    expect(redirect.clicks.stats.droppedBy.link_deleted - droppedBefore).toBe(1);
    expect(redirect.clicks.stats.buffered).toBe(0);
  });

  it("stop being recorded when the flag is switched off at run time", async () => {
    const link = await createLink({ targetUrl: "https://example.com/flagged" });
    const admin = new FeatureFlags({
      defaults: redirectFlagDefaults,
      logger: linksContext.logger,
      ...(linksContext.redis ? { redis: linksContext.redis } : {}),
    });
    await admin.set("redirect.recordClicks", false);
    await eventually(() => expect(redirect.flags.get("redirect.recordClicks")).toBe(false));
    await redirect.request(`/${link.code}`);
    await redirect.clicks.drain();
    expect(await clickCount(link.id)).toBe(0);

    await admin.set("redirect.recordClicks", true);
    await eventually(() => expect(redirect.flags.get("redirect.recordClicks")).toBe(true));
    await redirect.request(`/${link.code}`);
    await redirect.clicks.drain();
    expect(await clickCount(link.id)).toBe(1);
  });
});

describe("countryCode", () => {
  it.each([
    ["DE", "DE"],
    [undefined, "ZZ"],
    ["de", "ZZ"],
    ["DEU", "ZZ"],
    ["XX'); drop table clicks; --", "ZZ"],
  ])("%s -> %s", (header, code) => {
    expect(countryCode(header)).toBe(code);
  });
});
