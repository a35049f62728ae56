/**
 * Hand-written probes for what schemathesis (npm run test:api) does not
 * generate: dates at the edges of what PostgreSQL and JavaScript hold, and
 * redirect targets with unusual authorities and encodings, followed from the
 * links API through the database to the Location the redirect sends.
 */
import { createAnalyticsApp } from "@functions/analytics/app";
import { createLinksApp } from "@functions/links/app";
import { createApiKey, createTenant } from "@platform/db";
import type { BaseConfig, FunctionContext } from "@platform/kit";
import { createTestContext, freshDatabase } from "@platform/kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedirectApp } from "./app.ts";

let contexts: FunctionContext<BaseConfig>[];
let links: ReturnType<typeof createLinksApp>;
let analytics: ReturnType<typeof createAnalyticsApp>;
let redirect: ReturnType<typeof createRedirectApp>;
let key: string;

beforeAll(async () => {
  const databaseUrl = await freshDatabase();
  contexts = ["links", "analytics", "redirect"].map((service) => createTestContext({ service, databaseUrl }));
  const [l, a, r] = contexts as [FunctionContext<BaseConfig>, FunctionContext<BaseConfig>, FunctionContext<BaseConfig>];
  links = createLinksApp(l);
  analytics = createAnalyticsApp(a);
  redirect = createRedirectApp(r, { buffer: { maxBytes: 1 << 20, batchSize: 1000, flushIntervalMs: 60_000 } });
  key = (await createApiKey(l.database.db, (await createTenant(l.database.db, "hostile")).id)).key;
});
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
});

const auth = () => ({ authorization: `Bearer ${key}` });
// biome-ignore lint/suspicious/noExplicitAny: bodies are checked field by field
const json = (res: Response): Promise<any> => res.json();
const create = (body: Record<string, unknown>) =>
  links.request("/links", {
    method: "POST",
    headers: { ...auth(), "content-type": "application/json" },
    body: JSON.stringify(body),
  });

/** The UTC instant in year 10000 or before year 1, by its own digits or by its offset. */
const OUT_OF_RANGE = [
  "10000-01-01T00:00:00Z",
  "+275760-09-13T00:00:00Z",
  "-000001-01-01T00:00:00Z",
  "9999-12-31T23:59:59-01:00",
  "9999-12-31T23:30:00-00:31",
  "0001-01-01T00:00:00+00:01",
  "0000-12-31T23:59:59Z",
];
const NOT_A_DATE = ["2023-02-29T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01", "1e12", ""];

describe("dates at the edges", () => {
  it.each([...OUT_OF_RANGE, ...NOT_A_DATE])("expiresAt %j -> 400 naming expiresAt, nothing written", async (value) => {
    const res = await create({ targetUrl: "https://example.com/", expiresAt: value });
    expect(res.status).toBe(400);
    expect((await json(res)).errors).toEqual([expect.objectContaining({ in: "body", pointer: "#/expiresAt" })]);
  });

  it.each([...OUT_OF_RANGE, ...NOT_A_DATE])("statistics from and to %j -> 400 naming the field", async (value) => {
    for (const field of ["from", "to"]) {
      const res = await analytics.request(`/stats?${field}=${encodeURIComponent(value)}`, { headers: auth() });
      expect(res.status).toBe(400);
      expect((await json(res)).errors).toEqual([expect.objectContaining({ in: "query", pointer: `#/${field}` })]);
    }
  });

  it("takes the last instant of year 9999, in UTC and by offset, and redirects until then", async () => {
    for (const expiresAt of ["9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59+00:00", "9999-12-31T22:59:59-01:00"]) {
      const res = await create({ targetUrl: "https://example.com/far", expiresAt });
      expect(res.status).toBe(201);
      const link = await json(res);
      expect(link.expiresAt).toMatch(/^9999-12-31T23:59:59/);
      expect((await redirect.request(`/${link.code}`)).status).toBe(302);
    }
  });

  it("takes an expiry long past, as expired at once (stored as 1970-01-01)", async () => {
    for (const expiresAt of ["0001-01-01T00:00:00Z", "0029-09-27T10:01:17Z", "0001-01-01T00:59:59+00:59"]) {
      const res = await create({ targetUrl: "https://example.com/past", expiresAt });
      expect(res.status).toBe(201);
      const link = await json(res);
      expect(link.expiresAt).toBe("1970-01-01T00:00:00.000Z");
      expect((await redirect.request(`/${link.code}`)).status).toBe(410);
    }
  });

  it.each([
    ["the first day of year 1", "0001-01-01T00:00:00Z", "0001-01-02T00:00:00Z"],
    ["the last day of year 9999 by day", "9999-12-01T00:00:00Z", "9999-12-31T23:59:59Z"],
    ["the last hour of year 9999 by offset", "9999-12-31T22:00:00-01:00", "9999-12-31T23:59:59.999Z"],
  ])("answers statistics over %s", async (_name, from, to) => {
    const res = await analytics.request(`/stats?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, {
      headers: auth(),
    });
    expect(res.status).toBe(200);
    expect((await json(res)).total).toBe(0);
  });
});

describe("redirect targets", () => {
  it.each([
    ["an escape kept, not encoded twice", "https://example.com/a%20b?q=%C3%A9", "https://example.com/a%20b?q=%C3%A9"],
    ["a malformed escape kept", "https://example.com/%zz", "https://example.com/%zz"],
    [
      "raw non-ASCII encoded once, as UTF-8",
      "https://example.com/café?q=ü#ß",
      "https://example.com/caf%C3%A9?q=%C3%BC#%C3%9F",
    ],
    ["an IDN host in punycode", "https://bücher.example/", "https://xn--bcher-kva.example/"],
    ["an upper-case IDN host", "https://BÜCHER.example/", "https://xn--bcher-kva.example/"],
    ["an IPv6 literal with a port", "http://[2001:0DB8::0001]:8080/x", "http://[2001:db8::1]:8080/x"],
    ["an IPv4-mapped IPv6 literal", "http://[::ffff:192.0.2.1]/", "http://[::ffff:c000:201]/"],
    ["an IPv4 host in hex", "http://0xC0.0.2.1/", "http://192.0.2.1/"],
    ["a backslash in the path", "https://example.com/a\\b", "https://example.com/a/b"],
    ["a default port", "https://example.com:443/", "https://example.com/"],
    ["a trailing dot in the host", "https://example.com./", "https://example.com./"],
    ["a quote and angle brackets in the path", 'https://example.com/"<x>', "https://example.com/%22%3Cx%3E"],
    ["an @ in the path, not the authority", "https://example.com/@evil.example", "https://example.com/@evil.example"],
  ])("%s: stored and sent as Location exactly", async (_name, targetUrl, normal) => {
    const res = await create({ targetUrl });
    expect(res.status).toBe(201);
    const link = await json(res);
    expect(link.targetUrl).toBe(normal);
    const followed = await redirect.request(`/${link.code}`);
    expect(followed.status).toBe(302);
    expect(followed.headers.get("location")).toBe(normal);
  });

  it.each([
    ["no slashes after the scheme", "http:loopme"],
    ["one slash", "http:/x"],
    ["three slashes", "https:///x"],
    ["backslashes for slashes", "https:\\\\evil.example/"],
    ["a slash and a backslash", "https:/\\evil.example/"],
    ["a user name", "https://user@example.com/"],
    ["a password only", "https://:pw@example.com/"],
    ["the phishing form", "https://bank.example%40evil.example@evil.example/"],
    ["a tab inside", "https://exa\tmple.com/"],
    ["a newline inside", "https://example.com/\nx"],
    ["CR LF and a header", "https://example.com/\r\nSet-Cookie: a=b"],
    ["a script scheme with slashes", "javascript://example.com/%0aalert(1)"],
    ["a star in the host", "https://exa*mple.com/"],
    ["an unclosed IPv6 literal", "http://[::1/"],
    ["an escaped NUL in the host", "https://%00.example/"],
    ["an IPv4 octet past 255", "http://192.0.2.256/"],
    ["an empty host with a port", "http://:80/"],
  ])("%s -> 400 naming targetUrl, nothing written", async (_name, targetUrl) => {
    const res = await create({ targetUrl });
    expect(res.status).toBe(400);
    expect((await json(res)).errors).toEqual([expect.objectContaining({ in: "body", pointer: "#/targetUrl" })]);
  });
});

describe("targets stored before normalisation", () => {
  it.each([
    ["raw non-ASCII and a space", "https://example.com/a b/café", 302, "https://example.com/a%20b/caf%C3%A9"],
    ["no path", "https://example.com", 302, "https://example.com/"],
    ["not http(s)", "javascript:alert(1)", 404, null],
    ["not a URL", "not a url", 404, null],
  ])("%s: sent in the same serialisation, or no route", async (_name, stored, status, location) => {
    const link = await json(await create({ targetUrl: "https://example.com/placeholder" }));
    const sql = contexts[0]?.database.sql;
    if (!sql) throw new Error("no database");
    await sql`update link_routes set target_url = ${stored} where code = ${link.code}`;
    const res = await redirect.request(`/${link.code}`);
    expect(res.status).toBe(status);
    expect(res.headers.get("location")).toBe(location);
  });
});

describe("the redirect's OpenAPI document", () => {
  it("is served at /openapi.json and names GET and HEAD of /{code} with the code pattern the handler checks", async () => {
    const res = await redirect.request("/openapi.json");
    expect(res.status).toBe(200);
    const doc = await json(res);
    expect(Object.keys(doc.paths["/{code}"])).toEqual(["get", "head"]);
    expect(doc.paths["/{code}"].get.parameters[0].schema.pattern).toBe("^[A-Za-z0-9_-]{1,64}$");
    expect((await redirect.request("/some-code", { method: "POST" })).headers.get("allow")).toBe("GET, HEAD");
  });
});

describe("HEAD", () => {
  it("answers like GET, with the same Location, and records no click", async () => {
    const link = await json(await create({ targetUrl: "https://example.com/head", redirectType: 301 }));
    const before = redirect.clicks.stats.buffered;
    const head = await redirect.request(`/${link.code}`, { method: "HEAD" });
    expect(head.status).toBe(301);
    expect(head.headers.get("location")).toBe("https://example.com/head");
    expect(redirect.clicks.stats.buffered).toBe(before);
    expect((await redirect.request(`/${link.code}`)).status).toBe(301);
    expect(redirect.clicks.stats.buffered).toBe(before + 1);
    expect((await redirect.request("/no-such-code", { method: "HEAD" })).status).toBe(404);
  });
});
