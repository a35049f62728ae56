/**
 * The control API's access rules as the app applies them (app.request): the
 * token, the console's sign-in link and session, Host, Origin and the
 * content type of changes. A LocalServing with nothing applied behind it: a
 * change that passes the rules meets the body's validation (400) or the
 * unknown Service (404), and nothing can change.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalServing } from "../controllers/local-serving.ts";
import { ConsoleSessions, LOGIN_CODE_TTL_MS } from "./console-sessions.ts";
import { createControlApp } from "./control-app.ts";

const TOKEN = "control-token-for-this-test-0123456789abcdef";
const PORT = 18090;
const ORIGIN = `http://127.0.0.1:${PORT}`;
let dataDir: string;
let app: Hono;
let now = 0;
const sessions = new ConsoleSessions(() => now);

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), "control-access-"));
  const serving = new LocalServing({ dataDir, domain: "localhost", secrets: new Map(), log: () => {} });
  app = createControlApp(serving, { access: { token: TOKEN, port: PORT, sessions } });
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const bearer = { authorization: `Bearer ${TOKEN}` };
/** JSON the schema refuses (at least one target): the answer shows the request got past the rules. */
const traffic = JSON.stringify({ traffic: [] });

function call(path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  return app.request(`${ORIGIN}${path}`, init);
}

async function expectProblem(res: Response, status: number, detail: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(((await res.json()) as { detail: string }).detail).toContain(detail);
}

describe("the token", () => {
  it("lets a holder read and change", async () => {
    expect((await call("/status", { headers: bearer })).status).toBe(200);
    const res = await call("/services/redirect/traffic", {
      method: "POST",
      headers: { ...bearer, "content-type": "application/json" },
      body: traffic,
    });
    await expectProblem(res, 400, "invalid fields");
  });

  it.each([
    ["no credential", {}],
    ["a wrong token", { authorization: `Bearer ${TOKEN.replace("0", "1")}` }],
    ["the token as Basic", { authorization: `Basic ${TOKEN}` }],
  ])("refuses %s with 401 and a Bearer challenge, reads and changes alike", async (_name, headers) => {
    for (const [path, init] of [
      ["/status", {}],
      ["/metrics", {}],
      ["/sample", {}],
      ["/revisions/redirect-00001/logs", {}],
      ["/services/redirect/traffic", { method: "POST", body: traffic }],
      ["/services/redirect/live-changes", { method: "DELETE" }],
      ["/console-codes", { method: "POST" }],
    ] as const) {
      const res = await call(path, { ...init, headers: { ...headers, "content-type": "application/json" } });
      expect(res.headers.get("www-authenticate"), path).toBe('Bearer realm="local platform control API"');
      await expectProblem(res, 401, "token");
    }
  });

  it("serves the console page without it: the page holds no data, and is never framed", async () => {
    const res = await call("/");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("<title>Local Knative Serving");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("content-security-policy")).toBe("frame-ancestors 'none'");
  });
});

describe("the console's sign-in", () => {
  it("exchanges a one-time code for an HttpOnly SameSite=Strict cookie, then reads and changes with it", async () => {
    const res = await call(`/login?code=${sessions.newLoginCode()}`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/");
    const cookie = res.headers.get("set-cookie") as string;
    expect(cookie).toMatch(/^kn_local_console=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    const session = { cookie: cookie.split(";")[0] as string };
    expect((await call("/status", { headers: session })).status).toBe(200);
    const change = (headers: Record<string, string>) =>
      call("/services/redirect/traffic", {
        method: "POST",
        headers: { ...session, "content-type": "application/json", ...headers },
        body: traffic,
      });
    expect((await change({ origin: ORIGIN })).status).toBe(400);
    await expectProblem(await change({}), 403, "must carry Origin");
    await expectProblem(await change({ origin: "http://127.0.0.1:9999" }), 403, 'origin "http://127.0.0.1:9999"');
  });

  it("a code works once, and not after 10 minutes", async () => {
    const code = sessions.newLoginCode();
    expect((await call(`/login?code=${code}`)).status).toBe(303);
    await expectProblem(await call(`/login?code=${code}`), 401, "has been used or is more than 10 minutes old");
    const late = sessions.newLoginCode();
    now += LOGIN_CODE_TTL_MS;
    expect((await call(`/login?code=${late}`)).status).toBe(401);
    expect((await call("/login")).status).toBe(401);
  });

  it("a token holder gets a new sign-in link (npm run platform -- console)", async () => {
    const res = await call("/console-codes", { method: "POST", headers: bearer });
    expect(res.status).toBe(200);
    const { url, expiresInSeconds } = (await res.json()) as { url: string; expiresInSeconds: number };
    expect(expiresInSeconds).toBe(600);
    expect(url).toMatch(new RegExp(`^${ORIGIN}/login\\?code=[A-Za-z0-9_-]{32}$`));
    expect((await call(url.slice(ORIGIN.length))).status).toBe(303);
  });
});

describe("Host and Origin", () => {
  it.each([
    ["a rebound name", "attacker.example:18090"],
    ["another port", "127.0.0.1:18091"],
    ["no port", "localhost"],
  ])("refuses Host of %s with 403, even with the token, even for the console page", async (_name, host) => {
    for (const path of ["/", "/status", "/login?code=x"]) {
      await expectProblem(await call(path, { headers: { ...bearer, host } }), 403, "answers only to Host");
    }
  });

  it("answers to 127.0.0.1 and localhost on its port", async () => {
    expect((await call("/status", { headers: { ...bearer, host: `localhost:${PORT}` } })).status).toBe(200);
    expect((await app.request(`http://localhost:${PORT}/status`, { headers: bearer })).status).toBe(200);
  });

  it.each([
    "http://127.0.0.1:9999",
    "http://localhost:9999",
    "https://127.0.0.1:18090",
    "http://attacker.example",
    "null",
  ])("refuses Origin %s with 403, even with the token", async (origin) => {
    const res = await call("/services/redirect/traffic", {
      method: "POST",
      headers: { ...bearer, origin, "content-type": "application/json" },
      body: traffic,
    });
    await expectProblem(res, 403, "are refused");
    await expectProblem(await call("/status", { headers: { ...bearer, origin } }), 403, "are refused");
  });
});

describe("the content type of a change", () => {
  it.each([
    ["text/plain;charset=UTF-8", traffic],
    ["application/x-www-form-urlencoded", "traffic=1"],
    ["multipart/form-data; boundary=b", "--b--"],
  ])("refuses %s with 415, even when the body is JSON", async (type, body) => {
    for (const path of ["/services/redirect/traffic", "/services/redirect/env", "/deploy/redirect"]) {
      const res = await call(path, { method: "POST", headers: { ...bearer, "content-type": type }, body });
      await expectProblem(res, 415, "must be application/json");
    }
  });

  it("takes application/json with a charset, and a change with no body at all", async () => {
    const json = await call("/services/redirect/traffic", {
      method: "POST",
      headers: { ...bearer, "content-type": "application/json; charset=utf-8" },
      body: traffic,
    });
    expect(json.status).toBe(400);
    expect((await call("/services/redirect/live-changes", { method: "DELETE", headers: bearer })).status).toBe(404);
  });
});
