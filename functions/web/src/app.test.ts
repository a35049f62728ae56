import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebStack, type WebStack } from "./testing/web-stack.ts";

let stack: WebStack;

beforeAll(async () => {
  stack = await startWebStack();
});
afterAll(() => stack?.close());

/** A browser's side of the conversation: one cookie jar, HTML wanted, redirects returned, not followed. */
class Visitor {
  cookie: string | undefined;
  csrf = "";

  async send(method: string, path: string, form?: Record<string, string>, headers: Record<string, string> = {}) {
    const res = await stack.web.request(`http://web.test${path}`, {
      method,
      headers: {
        accept: "text/html",
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
        ...headers,
      },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    const setCookie = res.headers.get("set-cookie");
    if (setCookie) this.cookie = /Max-Age=0/i.test(setCookie) ? undefined : setCookie.split(";")[0];
    const text = await res.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
    if (csrf) this.csrf = csrf;
    return { status: res.status, headers: res.headers, text, setCookie };
  }
  get(path: string) {
    return this.send("GET", path);
  }
  post(path: string, form: Record<string, string> = {}, headers: Record<string, string> = {}) {
    return this.send("POST", path, { _csrf: this.csrf, ...form }, headers);
  }
  async signIn(key: string) {
    const res = await this.send("POST", "/sign-in", { apiKey: key });
    expect(res.status).toBe(303);
    await this.get("/");
    return this;
  }
  /** Creates a link through the form; its id. */
  async create(form: Record<string, string>) {
    await this.get("/links/new");
    const res = await this.post("/links", form);
    expect(res.status, res.text).toBe(303);
    return Number(/^\/links\/(\d+)\?notice=created$/.exec(res.headers.get("location") ?? "")?.[1]);
  }
}

const fieldError = (html: string, field: string) =>
  new RegExp(`data-testid="error-${field}">([^<]*)<`).exec(html)?.[1]?.replaceAll("&#39;", "'");

describe("signing in", () => {
  it("shows the sign-in page with fingerprinted assets cached for a year", async () => {
    const page = await new Visitor().get("/sign-in");
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/^<!doctype html><html lang="en">/);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    const assets = [...page.text.matchAll(/(?:href|src)="(\/assets\/app\.[0-9a-f]{12}\.(?:css|js))"/g)].map(
      (m) => m[1],
    );
    expect(assets).toHaveLength(2);
    for (const path of assets) {
      const asset = await stack.web.request(path as string);
      expect(asset.status).toBe(200);
      expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    }
    expect((await stack.web.request("/assets/app.000000000000.css")).status).toBe(404);
  });

  it("sends a visitor without a session to the sign-in page", async () => {
    for (const path of ["/", "/links", "/links/new", "/links/1"]) {
      const res = await new Visitor().get(path);
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/sign-in");
    }
  });

  it("refuses an empty or unknown key at the key's field", async () => {
    const empty = await new Visitor().send("POST", "/sign-in", { apiKey: "" });
    expect(empty.status).toBe(400);
    expect(fieldError(empty.text, "apiKey")).toBe("Enter your API key.");
    const unknown = await new Visitor().send("POST", "/sign-in", { apiKey: "lsk_nosuchkey" });
    expect(unknown.status).toBe(401);
    expect(fieldError(unknown.text, "apiKey")).toBe("This API key is unknown or revoked.");
    expect(unknown.setCookie).toBeNull();
  });

  it("exchanges the key for an HttpOnly SameSite cookie that does not hold the key", async () => {
    const visitor = new Visitor();
    const res = await visitor.send("POST", "/sign-in", { apiKey: stack.keys.alice });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/");
    expect(res.setCookie).toMatch(/^session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(res.setCookie).not.toContain(stack.keys.alice);
    const overview = await visitor.get("/");
    expect(overview.status).toBe(200);
    expect(overview.headers.get("cache-control")).toBe("no-store");
    expect(overview.text).toContain("<h1>Overview</h1>");
  });

  it("marks the cookie Secure (and __Host-) when served over TLS", async () => {
    const res = await new Visitor().send(
      "POST",
      "/sign-in",
      { apiKey: stack.keys.alice },
      { "x-forwarded-proto": "https" },
    );
    expect(res.setCookie).toMatch(/^__Host-session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
  });

  it("signs out: the session ends on the server, not only in the browser", async () => {
    const visitor = await new Visitor().signIn(stack.keys.alice);
    const cookie = visitor.cookie;
    const res = await visitor.post("/sign-out");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/sign-in?notice=signed-out");
    expect(res.setCookie).toMatch(/^session=; Max-Age=0/);
    visitor.cookie = cookie;
    expect((await visitor.get("/links")).headers.get("location")).toBe("/sign-in");
  });
});

describe("changes are protected against cross-site requests", () => {
  it("refuses a post without this session's CSRF token", async () => {
    const visitor = await new Visitor().signIn(stack.keys.alice);
    const withoutToken = await visitor.send("POST", "/links", { targetUrl: "https://example.com/csrf" });
    expect(withoutToken.status).toBe(403);
    const other = await new Visitor().signIn(stack.keys.bob);
    const wrongToken = await visitor.send("POST", "/links", {
      targetUrl: "https://example.com/csrf",
      _csrf: other.csrf,
    });
    expect(wrongToken.status).toBe(403);
    expect((await visitor.get("/links?q=csrf")).text).toContain("No link matches this search.");
  });

  it("refuses a post from another origin even with the token", async () => {
    const visitor = await new Visitor().signIn(stack.keys.alice);
    const form = { targetUrl: "https://example.com/cross" };
    expect((await visitor.post("/links", form, { origin: "http://evil.test" })).status).toBe(403);
    expect((await visitor.post("/links", form, { "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await visitor.post("/sign-out", {}, { origin: "null" })).status).toBe(403);
    const sameOrigin = await visitor.post("/links", form, {
      origin: "http://web.test",
      "sec-fetch-site": "same-origin",
    });
    expect(sameOrigin.status).toBe(303);
  });
});

describe("managing links", () => {
  it("creates a link with a custom code, an expiry and a 301, and shows it", async () => {
    const visitor = await new Visitor().signIn(stack.keys.alice);
    const id = await visitor.create({
      targetUrl: "https://example.com/spring",
      code: "spring-sale",
      redirectType: "301",
      expiresAt: "2099-03-01T12:30",
    });
    const page = await visitor.get(`/links/${id}?notice=created`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("Link created.");
    expect(page.text).toContain("https://example.com/spring");
    expect(page.text).toContain("2099-03-01 12:30 UTC");
    expect(page.text).toContain(`${stack.redirectUrl}/spring-sale`);
    const list = await visitor.get("/links");
    expect(list.text).toContain('data-code="spring-sale"');
  });

  it("creates a link with a generated code", async () => {
    const visitor = await new Visitor().signIn(stack.keys.alice);
    const id = await visitor.create({ targetUrl: "https://example.com/generated", code: "", redirectType: "302" });
    const page = await visitor.get(`/links/${id}`);
    expect(page.text).toMatch(/<h1>[2-9a-zA-Z]{7}<\/h1>/);
  });

  it("shows each refusal of the API at the field it names, and creates nothing", async () => {
    const visitor = await new Visitor().signIn(stack.keys.alice);
    await visitor.get("/links/new");
    const bad = await visitor.post("/links", {
      targetUrl: "javascript:alert(1)",
      code: "x",
      redirectType: "307",
    });
    expect(bad.status).toBe(400);
    expect(fieldError(bad.text, "targetUrl")).toMatch(/http or https/);
    expect(fieldError(bad.text, "code")).toBeTruthy();
    expect(fieldError(bad.text, "redirectType")).toBeTruthy();
    expect(bad.text).toContain('aria-invalid="true"');
    expect(bad.text).toContain('value="javascript:alert(1)"');
    expect(bad.text).toContain('role="alert"');
    const undated = await visitor.post("/links", { targetUrl: "https://example.com/undated", expiresAt: "tomorrow" });
    expect(undated.status).toBe(400);
    expect(fieldError(undated.text, "expiresAt")).toMatch(/ISO 8601/);
    expect(undated.text).toContain('value="tomorrow"');

    await visitor.create({ targetUrl: "https://example.com/taken", code: "taken-code" });
    await visitor.get("/links/new");
    const taken = await visitor.post("/links", { targetUrl: "https://example.com/again", code: "taken-code" });
    expect(taken.status).toBe(409);
    expect(fieldError(taken.text, "code")).toMatch(/taken/);
    expect((await visitor.get("/links?q=example.com/again")).text).toContain("No link matches this search.");
  });

  it("edits, disables, enables and deletes a link, deletion after a confirmation page", async () => {
    const visitor = await new Visitor().signIn(stack.keys.alice);
    const id = await visitor.create({ targetUrl: "https://example.com/v1", code: "life-cycle" });

    const edit = await visitor.get(`/links/${id}/edit`);
    expect(edit.text).toContain('value="https://example.com/v1"');
    const refused = await visitor.post(`/links/${id}`, { targetUrl: "ftp://example.com", redirectType: "302" });
    expect(refused.status).toBe(400);
    expect(fieldError(refused.text, "targetUrl")).toMatch(/http or https/);
    const saved = await visitor.post(`/links/${id}`, {
      targetUrl: "https://example.com/v2",
      redirectType: "301",
      expiresAt: "",
    });
    expect(saved.headers.get("location")).toBe(`/links/${id}?notice=saved`);
    expect((await visitor.get(`/links/${id}`)).text).toContain("https://example.com/v2");

    const disabled = await visitor.post(`/links/${id}/enabled`, { enabled: "false" });
    expect(disabled.headers.get("location")).toBe(`/links/${id}?notice=disabled`);
    expect((await visitor.get(`/links/${id}`)).text).toMatch(/data-testid="status"><span class="badge off">Disabled/);
    expect((await stack.redirect.request("/life-cycle")).status).toBe(410);
    await visitor.post(`/links/${id}/enabled`, { enabled: "true" });
    expect((await stack.redirect.request("/life-cycle")).status).toBe(301);
    expect((await visitor.post(`/links/${id}/enabled`, { enabled: "maybe" })).status).toBe(400);

    const confirm = await visitor.get(`/links/${id}/delete`);
    expect(confirm.text).toContain("Delete life-cycle?");
    const deleted = await visitor.post(`/links/${id}/delete`);
    expect(deleted.headers.get("location")).toBe("/links?notice=deleted");
    expect((await visitor.get(`/links/${id}`)).status).toBe(404);
    expect((await stack.redirect.request("/life-cycle")).status).toBe(404);
  });

  it("counts a click after a redirect on the link's page and in the overview", async () => {
    const visitor = await new Visitor().signIn(stack.keys.bob);
    const id = await visitor.create({ targetUrl: "https://example.com/clicked", code: "clicked-once" });
    expect(await visitor.get(`/links/${id}`)).toMatchObject({ status: 200 });
    expect((await visitor.get(`/links/${id}`)).text).toContain('data-testid="total-clicks">0<');
    const hop = await stack.redirect.request("/clicked-once", {
      headers: { referer: "https://news.example.org/today", "cf-ipcountry": "DE" },
    });
    expect(hop.status).toBe(302);
    await stack.redirect.clicks.drain();
    const page = await visitor.get(`/links/${id}?range=24h`);
    expect(page.text).toContain('data-testid="total-clicks">1<');
    expect(page.text).toMatch(/<td>DE<\/td><td>1<\/td>/);
    expect(page.text).toMatch(/<td>news\.example\.org<\/td><td>1<\/td>/);
    expect(page.text).toMatch(/<svg viewBox="0 0 640 200" role="img"/);
    expect(page.text).toMatch(/<rect class="bar"/);
    expect(page.text).toContain("<h3>Top countries</h3>");
    const overview = await visitor.get("/");
    expect(overview.text).toContain('data-testid="total-clicks">1<');
    expect(overview.text).toContain(`<a href="/links/${id}">clicked-once</a>`);
  });

  it("never shows another tenant's link", async () => {
    const alice = await new Visitor().signIn(stack.keys.alice);
    const id = await alice.create({ targetUrl: "https://example.com/private", code: "alice-only" });
    const bob = await new Visitor().signIn(stack.keys.bob);
    expect((await bob.get(`/links/${id}`)).status).toBe(404);
    expect((await bob.get(`/links/${id}/edit`)).status).toBe(404);
    expect((await bob.post(`/links/${id}/enabled`, { enabled: "false" })).status).toBe(404);
    expect((await bob.post(`/links/${id}/delete`)).status).toBe(404);
    expect((await bob.get("/links")).text).not.toContain("alice-only");
    expect((await bob.get("/links?q=alice")).text).not.toContain("alice-only");
    expect((await alice.get(`/links/${id}`)).text).toContain("Active");
  });

  it("pages through the list with the API's cursor and searches beyond the first page", async () => {
    const visitor = await new Visitor().signIn(stack.keys.bob);
    for (let i = 0; i < 22; i++)
      await visitor.create({ targetUrl: `https://example.com/page/${i}`, code: `page-${i}` });
    const first = await visitor.get("/links");
    expect(first.text).toContain('data-code="page-21"');
    const older = /href="(\/links\?cursor=[^"]+)">Older links/.exec(first.text)?.[1];
    expect(older).toBeDefined();
    const second = await visitor.get((older as string).replaceAll("&amp;", "&"));
    expect(second.text).toContain('data-code="page-0"');
    expect(second.text).not.toContain('data-code="page-21"');
    expect(second.text).toContain("Newest links");
    const found = await visitor.get("/links?q=PAGE-0");
    expect(found.text).toContain('data-code="page-0"');
    expect(found.text).toContain("among all your links");
    expect((await visitor.get("/links?cursor=not-a-cursor!")).status).toBe(400);
  });

  it("answers an unknown page with a page for browsers and problem+json for JSON clients", async () => {
    const visitor = await new Visitor().signIn(stack.keys.alice);
    const page = await visitor.get("/links/999999999");
    expect(page.status).toBe(404);
    expect(page.text).toContain("<h1>Not Found</h1>");
    const json = await stack.web.request("/nope", { headers: { accept: "application/json" } });
    expect(json.status).toBe(404);
    expect(json.headers.get("content-type")).toBe("application/problem+json");
  });
});
