import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { PROBLEM_CONTENT_TYPE, ProblemError, problemResponse, problems } from "./problem.ts";

describe("ProblemError", () => {
  it.each([
    [404, "No such link.", { type: "about:blank", title: "Not Found", status: 404, detail: "No such link." }],
    [409, undefined, { type: "about:blank", title: "Conflict", status: 409 }],
    [418, "teapot", { type: "about:blank", title: "Error", status: 418, detail: "teapot" }],
  ] as const)("builds the body of %i", (status, detail, body) => {
    const problem = new ProblemError(status, detail);
    expect(problem.body).toEqual(body);
    expect(problem.message).toBe(detail ?? body.title);
    expect(problem.headers).toEqual({});
  });

  it("lets extra fields override type and title, and keeps headers out of the body", () => {
    const problem = new ProblemError(400, "bad", { type: "urn:x", title: "Custom", headers: { "x-a": "1" } });
    expect(problem.body).toEqual({ type: "urn:x", title: "Custom", status: 400, detail: "bad" });
    expect(problem.headers).toEqual({ "x-a": "1" });
  });
});

describe("problems", () => {
  it.each([
    ["rateLimited", problems.rateLimited(17, 100), 429, { "retry-after": "17" }, "100 requests per minute"],
    ["unauthorized", problems.unauthorized("No key."), 401, { "www-authenticate": 'Bearer realm="api"' }, "No key."],
    ["databaseUnavailable", problems.databaseUnavailable(), 503, { "retry-after": "5" }, "unreachable"],
    ["notFound", problems.notFound(), 404, {}, "No such resource."],
    ["tooLarge", problems.tooLarge(1024), 413, {}, "1024 bytes"],
  ])("%s", (_name, problem, status, headers, detail) => {
    expect(problem.status).toBe(status);
    expect(problem.body.status).toBe(status);
    expect(problem.headers).toEqual(headers);
    expect(problem.body.detail).toContain(detail);
  });

  it("validation carries its field errors", () => {
    const errors = [{ in: "body", pointer: "#/targetUrl", detail: "must use http or https" }];
    expect(problems.validation(errors).body).toMatchObject({
      status: 400,
      type: "urn:problem-type:validation",
      errors,
    });
  });
});

describe("problemResponse", () => {
  const app = new Hono<{ Variables: { requestId: string } }>();
  app.get("/x", (c) => problemResponse(c, problems.rateLimited(3, 10)));
  app.get("/y", (c) => {
    c.set("requestId", "req-1");
    return problemResponse(c, new ProblemError(404, "gone", { instance: "/links/abc" }));
  });

  it.each([
    ["/x", 429, { status: 429, title: "Too Many Requests", instance: "/x" }, "3"],
    ["/y", 404, { status: 404, instance: "/links/abc", requestId: "req-1" }, null],
  ])("answers %s as problem+json", async (path, status, body, retryAfter) => {
    const response = await app.request(path);
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
    expect(response.headers.get("retry-after")).toBe(retryAfter);
    expect(await response.json()).toMatchObject({ type: "about:blank", ...body });
  });
});
