import { describe, expect, it } from "vitest";
import { type AccessRequest, bearerOf, isJsonMediaType, judgeAccess, sameSecret } from "./access-rules.ts";

const TOKEN = "t".repeat(43);
const SESSION = "s".repeat(43);
const secrets = {
  port: 8090,
  isToken: (candidate: string) => sameSecret(candidate, TOKEN),
  isSession: (candidate: string) => sameSecret(candidate, SESSION),
};

const base: AccessRequest = {
  method: "GET",
  path: "/status",
  host: "127.0.0.1:8090",
  targetHost: "127.0.0.1:8090",
  origin: undefined,
  authorization: `Bearer ${TOKEN}`,
  sessionCookie: undefined,
  contentType: undefined,
  hasBody: false,
};
const change: Partial<AccessRequest> = {
  method: "POST",
  path: "/services/redirect/traffic",
  contentType: "application/json",
  hasBody: true,
};

describe("judgeAccess", () => {
  it.each<[string, Partial<AccessRequest>, number | "allowed"]>([
    ["a read with the token", {}, "allowed"],
    ["a read on localhost", { host: "localhost:8090", targetHost: "localhost:8090" }, "allowed"],
    ["Host in capitals", { host: "LOCALHOST:8090" }, "allowed"],
    ["a read without a credential", { authorization: undefined }, 401],
    ["a wrong token", { authorization: `Bearer ${"x".repeat(43)}` }, 401],
    ["a token of another length", { authorization: "Bearer short" }, 401],
    ["a token in another scheme", { authorization: `Basic ${TOKEN}` }, 401],
    ["a wrong token beside a good session", { authorization: "Bearer nope", sessionCookie: SESSION }, 401],
    ["a rebound host name", { host: "evil.example:8090" }, 403],
    ["another port on the right host", { host: "127.0.0.1:8091" }, 403],
    ["Host without a port", { host: "localhost" }, 403],
    ["an absolute-form target naming another host", { targetHost: "evil.example:8090" }, 403],
    ["no Host: the target's authority decides", { host: undefined }, "allowed"],
    ["no Host and a foreign target", { host: undefined, targetHost: "evil.example" }, 403],
    ["its own origin", { origin: "http://127.0.0.1:8090" }, "allowed"],
    ["its own origin by name", { origin: "http://localhost:8090" }, "allowed"],
    ["another loopback port as origin", { origin: "http://127.0.0.1:9000" }, 403],
    ["an opaque origin", { origin: "null" }, 403],
    ["another origin, even with the token", { origin: "https://evil.example" }, 403],
    ["the console page without a credential", { path: "/", authorization: undefined }, "allowed"],
    ["the sign-in link without a credential", { path: "/login", authorization: undefined }, "allowed"],
    ["the console page from a rebound host", { path: "/", authorization: undefined, host: "evil:8090" }, 403],
    ["a POST to the console page still needs a credential", { ...change, path: "/", authorization: undefined }, 401],
    ["a read with the session", { authorization: undefined, sessionCookie: SESSION }, "allowed"],
    ["a wrong session", { authorization: undefined, sessionCookie: "s" }, 401],
    ["a JSON change with the token", change, "allowed"],
    ["a JSON change with charset", { ...change, contentType: "Application/JSON; charset=utf-8" }, "allowed"],
    ["a text/plain change", { ...change, contentType: "text/plain;charset=UTF-8" }, 415],
    ["a form post", { ...change, contentType: "application/x-www-form-urlencoded" }, 415],
    ["a multipart post", { ...change, contentType: "multipart/form-data; boundary=x" }, 415],
    ["a JSON look-alike", { ...change, contentType: "application/jsonx" }, 415],
    ["a body without Content-Type", { ...change, contentType: undefined }, 415],
    ["a change with no body", { ...change, contentType: undefined, hasBody: false }, "allowed"],
    ["a DELETE with no body", { method: "DELETE", path: "/services/x/live-changes" }, "allowed"],
    [
      "a text/plain change without a credential",
      { ...change, contentType: "text/plain", authorization: undefined },
      401,
    ],
    [
      "a change with the session from its own origin",
      { ...change, authorization: undefined, sessionCookie: SESSION, origin: "http://127.0.0.1:8090" },
      "allowed",
    ],
    ["a change with the session and no Origin", { ...change, authorization: undefined, sessionCookie: SESSION }, 403],
    [
      "a change with the session from another origin",
      { ...change, authorization: undefined, sessionCookie: SESSION, origin: "http://127.0.0.1:9000" },
      403,
    ],
  ])("%s", (_name, override, expected) => {
    const verdict = judgeAccess({ ...base, ...override }, secrets);
    expect(verdict.allowed ? "allowed" : verdict.status).toBe(expected);
  });

  it("asks for a bearer token when the credential is missing or wrong, and says where it is", () => {
    const verdict = judgeAccess({ ...base, authorization: undefined }, secrets);
    expect(verdict).toMatchObject({ allowed: false, challenge: true });
    expect(!verdict.allowed && verdict.detail).toContain(".data/control-token");
  });
});

describe("the pieces", () => {
  it.each([
    ["Bearer abc", "abc"],
    ["bearer abc", "abc"],
    ["Bearer  abc ", "abc"],
    ["Bearer", undefined],
    ["Bearer a b", undefined],
    ["Basic abc", undefined],
    [undefined, undefined],
  ])("bearerOf(%j) is %j", (header, token) => {
    expect(bearerOf(header)).toBe(token);
  });

  it.each([
    ["application/json", true],
    ["application/json;charset=utf-8", true],
    [" APPLICATION/JSON ", true],
    ["application/problem+json", false],
    ["text/json", false],
    ["", false],
  ])("isJsonMediaType(%j) is %j", (type, json) => {
    expect(isJsonMediaType(type)).toBe(json);
  });

  it("sameSecret is true only for the same string, whatever the lengths", () => {
    expect(sameSecret(TOKEN, TOKEN)).toBe(true);
    expect(sameSecret(`${TOKEN}x`, TOKEN)).toBe(false);
    expect(sameSecret("", TOKEN)).toBe(false);
    expect(sameSecret(TOKEN.slice(1), TOKEN)).toBe(false);
  });
});
