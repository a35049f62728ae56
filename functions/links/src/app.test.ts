import { createApiKey, createTenant, schema } from "@platform/db";
import type { BaseConfig, FunctionContext } from "@platform/kit";
import { createTestContext, freshDatabase, freshRedisUrl, waitForRedis } from "@platform/kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLinksApp } from "./app.ts";

let context: FunctionContext<BaseConfig>;
let app: ReturnType<typeof createLinksApp>;
let alice: string;
let bob: string;

beforeAll(async () => {
  context = createTestContext({
    service: "links",
    databaseUrl: await freshDatabase(),
    redisUrl: await freshRedisUrl(),
  });
  await waitForRedis(context.redis);
  app = createLinksApp(context, { shortUrlBase: "http://sho.rt" });
  const db = context.database.db;
  alice = (await createApiKey(db, (await createTenant(db, "alice")).id)).key;
  bob = (await createApiKey(db, (await createTenant(db, "bob")).id)).key;
});
afterAll(() => context.close());

const call = (
  key: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) =>
  app.request(path, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
  });

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
const json = (res: Response): Promise<any> => res.json();

const countRows = async () => {
  const links = await context.database.db.$count(schema.links);
  const routes = await context.database.db.$count(schema.linkRoutes);
  return { links, routes };
};

describe("links API", () => {
  it("creates, reads, updates, lists and deletes a link", async () => {
    const created = await call(alice, "POST", "/links", { targetUrl: "https://example.com/a" });
    expect(created.status).toBe(201);
    const link = await json(created);
    expect(link).toMatchObject({ targetUrl: "https://example.com/a", redirectType: 302, enabled: true });
    expect(link.code).toMatch(/^[2-9a-zA-Z]{7}$/);
    expect(link.shortUrl).toBe(`http://sho.rt/${link.code}`);
    expect(created.headers.get("location")).toBe(`/links/${link.id}`);

    expect(await json(await call(alice, "GET", `/links/${link.id}`))).toEqual(link);

    const updated = await call(alice, "PATCH", `/links/${link.id}`, {
      targetUrl: "https://example.com/b",
      redirectType: 301,
    });
    expect(updated.status).toBe(200);
    expect(await json(updated)).toMatchObject({ targetUrl: "https://example.com/b", redirectType: 301 });

    const [route] = await context.database
      .sql`select target_url, redirect_type from link_routes where code = ${link.code}`;
    expect(route).toEqual({ target_url: "https://example.com/b", redirect_type: 301 });

    expect((await call(alice, "DELETE", `/links/${link.id}`)).status).toBe(204);
    expect((await call(alice, "GET", `/links/${link.id}`)).status).toBe(404);
    expect(await context.database.sql`select 1 from link_routes where code = ${link.code}`).toHaveLength(0);
  });

  it("answers an empty PATCH with the link unchanged, and takes a past expiry as expired at once", async () => {
    const link = await json(await call(alice, "POST", "/links", { targetUrl: "https://example.com/same" }));
    const unchanged = await call(alice, "PATCH", `/links/${link.id}`, {});
    expect(unchanged.status).toBe(200);
    expect(await json(unchanged)).toEqual(link);
    expect((await call(alice, "PATCH", "/links/99999999", {})).status).toBe(404);

    const expired = await call(alice, "PATCH", `/links/${link.id}`, { expiresAt: "2001-01-01T00:00:00+02:00" });
    expect(await json(expired)).toMatchObject({ expiresAt: "2000-12-31T22:00:00.000Z" });
  });

  it("takes a custom code once across all tenants", async () => {
    expect((await call(alice, "POST", "/links", { targetUrl: "https://a.example", code: "spring-sale" })).status).toBe(
      201,
    );
    const taken = await call(bob, "POST", "/links", { targetUrl: "https://b.example", code: "spring-sale" });
    expect(taken.status).toBe(409);
    expect(taken.headers.get("content-type")).toBe("application/problem+json");
    expect((await json(taken)).detail).toContain("spring-sale");
  });

  it("pages through links with a cursor, newest first", async () => {
    const key = (await createApiKey(context.database.db, (await createTenant(context.database.db, "pager")).id)).key;
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await json(await call(key, "POST", "/links", { targetUrl: `https://example.com/${i}` }))).id);
    }
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await json(await call(key, "GET", `/links?limit=2${cursor ? `&cursor=${cursor}` : ""}`));
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((l: { id: number }) => l.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids.reverse());
  });
});

describe("tenant isolation", () => {
  it("hides one tenant's links from another", async () => {
    const link = await json(await call(alice, "POST", "/links", { targetUrl: "https://alice.example" }));
    expect((await call(bob, "GET", `/links/${link.id}`)).status).toBe(404);
    expect((await call(bob, "PATCH", `/links/${link.id}`, { enabled: false })).status).toBe(404);
    expect((await call(bob, "DELETE", `/links/${link.id}`)).status).toBe(404);
    const bobs = await json(await call(bob, "GET", "/links?limit=100"));
    expect(bobs.items.map((l: { id: number }) => l.id)).not.toContain(link.id);
    const still = await json(await call(alice, "GET", `/links/${link.id}`));
    expect(still).toMatchObject({ enabled: true, targetUrl: "https://alice.example/" });
  });
});

describe("authentication and rate limit", () => {
  it.each([
    ["no header", undefined, {}],
    ["unknown key", "lsk_unknown", {}],
    ["not a bearer scheme", undefined, { authorization: "Basic Zm9vOmJhcg==" }],
  ])("answers 401 problem+json for %s", async (_name, key, headers) => {
    const res = await call(key, "GET", "/links", undefined, headers);
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.headers.get("www-authenticate")).toContain("Bearer");
  });

  it("stores only a hash of the key", async () => {
    const rows = await context.database.sql`select key_hash, prefix from api_keys`;
    for (const row of rows) {
      expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect([alice, bob]).not.toContain(row.key_hash);
    }
  });

  it("answers 429 with Retry-After past the key's limit", async () => {
    const db = context.database.db;
    const key = (await createApiKey(db, (await createTenant(db, "limited")).id, { rateLimitPerMinute: 3 })).key;
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await call(key, "GET", "/links")).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const res = await call(key, "GET", "/links");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });
});

describe("bad input", () => {
  const long = `https://example.com/${"a".repeat(2100)}`;
  it.each([
    ["POST", "/links", "malformed JSON", "{not json", 400],
    ["POST", "/links", "no targetUrl", {}, 400],
    ["POST", "/links", "a javascript: target", { targetUrl: "javascript:alert(1)" }, 400],
    ["POST", "/links", "a data: target", { targetUrl: "data:text/html,<script>alert(1)</script>" }, 400],
    ["POST", "/links", "an ftp: target", { targetUrl: "ftp://example.com/file" }, 400],
    ["POST", "/links", "a relative target", { targetUrl: "//example.com" }, 400],
    ["POST", "/links", "credentials in the target", { targetUrl: "https://user:pass@example.com" }, 400],
    ["POST", "/links", "a tab in the scheme", { targetUrl: "java\tscript:alert(1)" }, 400],
    ["POST", "/links", "a 2100-character target", { targetUrl: long }, 400],
    ["POST", "/links", "a number as target", { targetUrl: 42 }, 400],
    ["POST", "/links", "a space in the code", { targetUrl: "https://example.com", code: "a b" }, 400],
    ["POST", "/links", "a one-letter code", { targetUrl: "https://example.com", code: "x" }, 400],
    ["POST", "/links", "a reserved code", { targetUrl: "https://example.com", code: "metrics" }, 409],
    ["POST", "/links", "a reserved code in capitals", { targetUrl: "https://example.com", code: "Health" }, 409],
    ["POST", "/links", "redirectType 307", { targetUrl: "https://example.com", redirectType: 307 }, 400],
    ["POST", "/links", "expiresAt not a date", { targetUrl: "https://example.com", expiresAt: "yesterday" }, 400],
    [
      "POST",
      "/links",
      "expiresAt in year 10000 by its offset",
      { targetUrl: "https://example.com", expiresAt: "9999-12-31T23:59:59-01:00" },
      400,
    ],
    ["POST", "/links", "a target without a host", { targetUrl: "http:loopme" }, 400],
    ["POST", "/links", "an unknown field", { targetUrl: "https://example.com", owner: "someone-else" }, 400],
    ["POST", "/links", "a tenantId field", { targetUrl: "https://example.com", tenantId: 2 }, 400],
    ["POST", "/links", "a 20 kB body", `{"targetUrl":"https://example.com","pad":"${"x".repeat(20_000)}"}`, 413],
    ["PATCH", "/links/abc", "a word as id", { enabled: false }, 400],
    ["PATCH", "/links/1", "a new code", { code: "new-code" }, 400],
    ["GET", "/links/0", "id 0", undefined, 400],
    ["GET", "/links/-1", "a negative id", undefined, 400],
    ["GET", "/links/99999999999999999999", "an id past 2^53", undefined, 400],
    ["DELETE", "/links/1.5", "a fractional id", undefined, 400],
    ["GET", "/links?limit=0", "limit 0", undefined, 400],
    ["GET", "/links?limit=101", "limit 101", undefined, 400],
    ["GET", "/links?limit=ten", "a word as limit", undefined, 400],
    ["GET", "/links?cursor=!!", "a cursor with bad characters", undefined, 400],
    ["GET", "/links?cursor=bm90LWFuLWlk", "a cursor that is not an id", undefined, 400],
    ["GET", "/links?cursor=0", "cursor 0", undefined, 400],
    ["GET", "/links?sort=evil", "an unknown query parameter", undefined, 400],
  ])("%s %s with %s -> %i problem+json, nothing written", async (method, path, _what, body, status) => {
    const before = await countRows();
    const res = await call(alice, method, path, body);
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const problem = await json(res);
    expect(problem).toMatchObject({ status, title: expect.any(String) });
    if (status === 400) expect(problem.errors?.length ?? problem.detail.length).toBeGreaterThan(0);
    expect(await countRows()).toEqual(before);
  });

  it("names the failing field in errors", async () => {
    const res = await call(alice, "POST", "/links", { targetUrl: "javascript:alert(1)" });
    const problem = await json(res);
    expect(problem.errors).toEqual([{ in: "body", pointer: "#/targetUrl", detail: "must use http or https" }]);
  });

  it("refuses a body that is not JSON with 415", async () => {
    const res = await call(alice, "POST", "/links", undefined, { "content-type": "text/plain" });
    expect(res.status).toBe(415);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });
});

describe("OpenAPI", () => {
  it("publishes the document built from the same schemas", async () => {
    const doc = await json(await app.request("/openapi.json"));
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/links", "/links/{id}"]));
    expect(doc.components.schemas.LinkCreate.properties.targetUrl).toBeDefined();
    expect((await app.request("/docs")).status).toBe(200);
  });
});
