import { createTestContext, freshDatabase } from "@platform/kit/testing";
import { describe, expect, it } from "vitest";
import { allowedMethods, createFunctionApp } from "./app.ts";

describe("allowedMethods", () => {
  const routes = [
    { method: "ALL", path: "/links/*" },
    { method: "GET", path: "/links" },
    { method: "POST", path: "/links" },
    { method: "GET", path: "/links/:id" },
    { method: "PATCH", path: "/links/:id" },
    { method: "DELETE", path: "/links/:id" },
    { method: "GET", path: "/:code" },
  ];
  it.each([
    ["/links", ["GET", "HEAD", "POST"]],
    ["/links/", ["GET", "HEAD", "POST"]],
    ["/links/42", ["DELETE", "GET", "HEAD", "PATCH"]],
    ["/abc", ["GET", "HEAD"]],
    ["/links/42/clicks", []],
    ["/", []],
  ])("%s -> %j", (path, methods) => {
    expect(allowedMethods(routes, path)).toEqual(methods);
  });

  it("treats the path of a route literally, not as a regular expression", () => {
    expect(allowedMethods([{ method: "GET", path: "/openapi.json" }], "/openapiXjson")).toEqual([]);
  });
});

describe("a method no route of the path answers", () => {
  it("gets 405 with Allow, and an unknown path 404", async () => {
    const context = createTestContext({ service: "demo", databaseUrl: await freshDatabase() });
    const app = createFunctionApp(context);
    app.get("/things/:id", (c) => c.text("a thing"));
    // TRACE itself cannot be built as a fetch Request; over HTTP it takes the same path (npm run test:api).
    const trace = await app.request("/things/1", { method: "PUT" });
    expect(trace.status).toBe(405);
    expect(trace.headers.get("allow")).toBe("GET, HEAD");
    expect(trace.headers.get("content-type")).toBe("application/problem+json");
    expect((await app.request("/nothing", { method: "PUT" })).status).toBe(404);
    await context.close();
  });
});
