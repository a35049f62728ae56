import { createApiKey, createTenant } from "@platform/db";
import type { BaseConfig, FunctionContext } from "@platform/kit";
import { createTestContext, freshDatabase } from "@platform/kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAnalyticsApp } from "./app.ts";

const TOKEN = "rollup-token-0123456789";
const NOW = Date.parse("2030-01-10T12:30:00Z");
const at = (iso: string) => new Date(iso);

let context: FunctionContext<BaseConfig>;
let app: ReturnType<typeof createAnalyticsApp>;
let aliceKey: string;
let bobKey: string;
let aliceLink: number;
let aliceOther: number;
let bobLink: number;

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
const json = (res: Response): Promise<any> => res.json();
const get = (key: string, path: string) => app.request(path, { headers: { authorization: `Bearer ${key}` } });
const rollup = (body?: unknown, token = TOKEN) =>
  app.request("/rollups", {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

async function addLink(tenantId: number, code: string): Promise<number> {
  const [row] = await context.database.sql<{ id: string }[]>`
    insert into links (tenant_id, code, target_url) values (${tenantId}, ${code}, 'https://example.com') returning id`;
  return Number(row?.id);
}

async function click(tenantId: number, linkId: number, when: Date, times = 1) {
  for (let i = 0; i < times; i++) {
    await context.database
      .sql`insert into clicks (tenant_id, link_id, clicked_at) values (${tenantId}, ${linkId}, ${when.toISOString()})`;
  }
}

beforeAll(async () => {
  context = createTestContext({ service: "analytics", databaseUrl: await freshDatabase() });
  app = createAnalyticsApp(context, { rollupToken: TOKEN, now: () => NOW });
  const db = context.database.db;
  const alice = await createTenant(db, "alice");
  const bob = await createTenant(db, "bob");
  aliceKey = (await createApiKey(db, alice.id)).key;
  bobKey = (await createApiKey(db, bob.id)).key;
  aliceLink = await addLink(alice.id, "alice-1");
  aliceOther = await addLink(alice.id, "alice-2");
  bobLink = await addLink(bob.id, "bob-1");
  await click(alice.id, aliceLink, at("2030-01-09T10:15:00Z"), 3);
  await click(alice.id, aliceLink, at("2030-01-09T11:59:59Z"), 2);
  await click(alice.id, aliceLink, at("2030-01-10T12:10:00Z"), 4); // this hour is not over: never rolled up yet
  await click(alice.id, aliceOther, at("2030-01-09T10:20:00Z"), 1);
  await click(bob.id, bobLink, at("2030-01-09T10:00:00Z"), 7);
});
afterAll(() => context.close());

const range = "from=2030-01-09T00:00:00Z&to=2030-01-11T00:00:00Z";

describe("statistics", () => {
  it("counts a link's clicks by hour, with empty hours as zeros", async () => {
    const stats = await json(await get(aliceKey, `/stats/links/${aliceLink}?${range}`));
    expect(stats).toMatchObject({ linkId: aliceLink, granularity: "hour", total: 9 });
    expect(stats.series).toHaveLength(48);
    const nonZero = stats.series.filter((b: { clicks: number }) => b.clicks > 0);
    expect(nonZero).toEqual([
      { start: "2030-01-09T10:00:00.000Z", clicks: 3 },
      { start: "2030-01-09T11:00:00.000Z", clicks: 2 },
      { start: "2030-01-10T12:00:00.000Z", clicks: 4 },
    ]);
  });

  it("sums days, and the tenant's links with the top ones", async () => {
    const stats = await json(await get(aliceKey, `/stats?${range}&granularity=day`));
    expect(stats.series).toEqual([
      { start: "2030-01-09T00:00:00.000Z", clicks: 6 },
      { start: "2030-01-10T00:00:00.000Z", clicks: 4 },
    ]);
    expect(stats.topLinks).toEqual([
      { linkId: aliceLink, code: "alice-1", clicks: 9 },
      { linkId: aliceOther, code: "alice-2", clicks: 1 },
    ]);
  });

  it("breaks a link's clicks down by country and referring host, most first", async () => {
    const [tenant] = await context.database.sql`select tenant_id from links where id = ${aliceOther}`;
    const add = (country: string, referrer: string | null, count: number) =>
      context.database.sql`insert into clicks (tenant_id, link_id, clicked_at, country, referrer, count)
        values (${tenant?.tenant_id}, ${aliceOther}, '2030-02-01T13:00:00Z', ${country}, ${referrer}, ${count})`;
    await add("DE", "https://News.example.org/a?b=c", 5);
    await add("DE", "http://user@news.example.org:8080/", 2);
    await add("FR", null, 4);
    await add("US", "android-app://com.example", 1);
    await add("US", "not a url", 1);
    // A day of its own, after the other tests' clicks (and after NOW, so no rollup takes it).
    const february = "from=2030-02-01T00:00:00Z&to=2030-02-02T00:00:00Z";
    const stats = await json(await get(aliceKey, `/stats/links/${aliceOther}?${february}`));
    expect(stats.total).toBe(13);
    expect(stats.topCountries).toEqual([
      { country: "DE", clicks: 7 },
      { country: "FR", clicks: 4 },
      { country: "US", clicks: 2 },
    ]);
    expect(stats.topReferrers).toEqual([
      { host: "news.example.org", clicks: 7 },
      { host: null, clicks: 4 + 1 },
      { host: "com.example", clicks: 1 },
    ]);
    // Outside the range, nothing.
    const before = await json(
      await get(aliceKey, `/stats/links/${aliceOther}?from=2029-01-01T00:00:00Z&to=2029-01-02T00:00:00Z`),
    );
    expect(before).toMatchObject({ total: 0, topCountries: [], topReferrers: [] });
  });

  it("keeps tenants apart", async () => {
    expect((await get(bobKey, `/stats/links/${aliceLink}?${range}`)).status).toBe(404);
    const bobs = await json(await get(bobKey, `/stats?${range}`));
    expect(bobs.total).toBe(7);
    expect(bobs.topLinks.map((l: { code: string }) => l.code)).toEqual(["bob-1"]);
  });
});

describe("rollups", () => {
  it("give the same answers as the raw clicks, and the same totals when run again", async () => {
    const before = await json(await get(aliceKey, `/stats?${range}`));
    const first = await json(await rollup());
    // Up to the last hour that ended more than the grace period before NOW (12:30): 12:00.
    expect(first).toEqual({ from: "2030-01-09T10:00:00.000Z", to: "2030-01-10T12:00:00.000Z", rows: 4 });
    const after = await json(await get(aliceKey, `/stats?${range}`));
    expect(after).toEqual(before);

    const again = await json(await rollup({ from: "2030-01-09T00:00:00Z", to: "2030-01-10T12:00:00Z" }));
    expect(again.rows).toBe(4);
    expect(await json(await get(aliceKey, `/stats?${range}`))).toEqual(before);
    const [sum] = await context.database.sql`select sum(clicks)::int as n from click_rollups`;
    expect(sum?.n).toBe(3 + 2 + 1 + 7);
  });

  it("pick up clicks that arrived late within the look-back", async () => {
    const tenant = await context.database.sql`select tenant_id from links where id = ${aliceLink}`;
    await click(Number(tenant[0]?.tenant_id), aliceLink, at("2030-01-10T11:30:00Z"), 5);
    const stats = await json(await get(aliceKey, `/stats/links/${aliceLink}?${range}`));
    // Rolled-up hours come from click_rollups: the late clicks show once rolled up again.
    expect(stats.total).toBe(9);
    expect((await rollup()).status).toBe(200);
    expect((await json(await get(aliceKey, `/stats/links/${aliceLink}?${range}`))).total).toBe(14);
  });

  it.each([
    ["no token", undefined, 401],
    ["a wrong token", "not-the-token-at-all", 401],
  ])("refuse %s", async (_what, token, status) => {
    const res = await app.request("/rollups", {
      method: "POST",
      ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    });
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });

  it("are off without a token configured", async () => {
    const off = createAnalyticsApp(context, { now: () => NOW });
    const res = await off.request("/rollups", { method: "POST", headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(403);
  });
});

describe("bad input", () => {
  it.each([
    ["from after to", "/stats?from=2030-01-10T00:00:00Z&to=2030-01-09T00:00:00Z"],
    ["a week granularity", "/stats?granularity=week"],
    ["a date that is not one", "/stats?from=last-tuesday"],
    ["a date without a zone", "/stats?from=2030-01-10T00:00:00"],
    ["too many hourly buckets", "/stats?from=2029-01-01T00:00:00Z&to=2030-01-01T00:00:00Z&granularity=hour"],
    ["an unknown parameter", "/stats?tenant=2"],
    ["a word as link id", "/stats/links/abc"],
  ])("%s -> 400 problem+json", async (_what, path) => {
    const res = await get(aliceKey, path);
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect((await json(res)).errors.length).toBeGreaterThan(0);
  });

  it("a rollup window backwards -> 400", async () => {
    const res = await rollup({ from: "2030-01-10T00:00:00Z", to: "2030-01-09T00:00:00Z" });
    expect(res.status).toBe(400);
  });
});
