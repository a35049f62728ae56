import { spawnSync } from "node:child_process";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { createTestContext, freshDatabase } from "@platform/kit/testing";
import { describe, expect, it, vi } from "vitest";
import { createFunctionApp } from "./app.ts";
import { serveFunction } from "./runtime.ts";

/** What queue-proxy sends when it probes the user container. */
const PROBE = { "k-kubelet-probe": "queue", "user-agent": "kube-probe/1.33" };

function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, destination };
}

/** A context whose info-level log lines the test can read. */
async function loggedContext() {
  const logs = captureLogs();
  const context = createTestContext({
    service: "demo",
    databaseUrl: await freshDatabase(),
    env: { LOG_LEVEL: "info" },
    logDestination: logs.destination,
  });
  return { logs, context };
}

describe("a function's runtime", () => {
  it("logs JSON lines with the request id, service and revision", async () => {
    const { logs, context } = await loggedContext();
    const app = createFunctionApp(context);
    app.get("/hello", (c) => {
      c.var.log.info("inside the handler");
      return c.text("hi");
    });
    await app.request("/hello", { headers: { "x-request-id": "req-123" } });
    await app.request("/hello", { headers: { "x-request-id": "bad id with spaces" } });
    await context.close();
    await new Promise((r) => setTimeout(r, 50));

    const inside = logs.lines.filter((l) => l.msg === "inside the handler");
    expect(inside[0]).toMatchObject({ requestId: "req-123", service: "demo", revision: "demo-test", level: "info" });
    expect(inside[1]?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const access = logs.lines.filter((l) => l.msg === "request");
    expect(access[0]).toMatchObject({ requestId: "req-123", method: "GET", path: "/hello", status: 200 });
  });

  it("reads the request id from Node's own headers when served on a socket", async () => {
    const { logs, context } = await loggedContext();
    const app = createFunctionApp(context);
    app.get("/hello", (c) => c.text("hi"));
    const running = await serveFunction(app, context, 0);
    await fetch(`${running.url}/hello`, { headers: { "x-request-id": "from-the-ingress" } });
    await running.shutdown();
    await new Promise((r) => setTimeout(r, 50));
    expect(logs.lines.find((l) => l.msg === "request")).toMatchObject({
      requestId: "from-the-ingress",
      path: "/hello",
    });
  });

  it("exposes request metrics labelled by service, revision, route, method and status", async () => {
    const context = createTestContext({ service: "demo", databaseUrl: await freshDatabase() });
    const app = createFunctionApp(context);
    app.get("/items/:id", (c) => c.text("item"));
    await app.request("/items/1");
    await app.request("/items/2");
    await app.request("/nowhere");
    const text = await (await app.admin.request("/metrics")).text();
    await context.close();
    expect(text).toContain(
      'http_requests_total{service="demo",revision="demo-test",route="/items/:id",method="GET",status="200"} 2',
    );
    expect(text).toContain('route="(unmatched)",method="GET",status="404"} 1');
    expect(text).toMatch(
      /http_request_duration_seconds_bucket\{service="demo",revision="demo-test",route="\/items\/:id",method="GET",status="200",le="\+Inf"\} 2/,
    );
    expect(text).toContain("# TYPE http_request_duration_seconds histogram");
    expect(text).toContain("process_cpu_user_seconds_total");
  });

  it("drains on shutdown: readiness fails, in-flight requests finish, hooks run, then it closes", async () => {
    const context = createTestContext({ service: "demo", databaseUrl: await freshDatabase() });
    const app = createFunctionApp(context);
    let release = () => {};
    app.get("/slow", async (c) => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return c.text("finished");
    });
    const order: string[] = [];
    context.onShutdown(() => {
      order.push("hook");
    });
    const running = await serveFunction(app, context, 0);
    expect((await fetch(`${running.url}/health/readiness`, { headers: PROBE })).status).toBe(200);

    const slow = fetch(`${running.url}/slow`).then(async (r) => {
      order.push("slow answered");
      return r.text();
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(context.lifecycle.inFlight).toBe(1);
    const shutdown = running.shutdown().then(() => order.push("closed"));
    await new Promise((r) => setTimeout(r, 50));
    expect(context.lifecycle.draining).toBe(true);
    expect((await app.request("/health/readiness", { headers: PROBE })).status).toBe(503);
    await expect(fetch(`${running.url}/health/liveness`, { headers: PROBE })).rejects.toThrow();

    release();
    expect(await slow).toBe("finished");
    await shutdown;
    expect(order).toEqual(["slow answered", "hook", "closed"]);
    await expect(context.database.sql`select 1`).rejects.toThrow();
  });

  it("fails the share of requests FAIL_RATE asks for, never the health endpoints", async () => {
    const context = createTestContext({ service: "demo", databaseUrl: await freshDatabase(), env: { FAIL_RATE: "1" } });
    const app = createFunctionApp(context);
    app.get("/hello", (c) => c.text("hi"));
    const failed = await app.request("/hello");
    expect(failed.status).toBe(500);
    expect(failed.headers.get("content-type")).toBe("application/problem+json");
    expect((await app.request("/health/liveness", { headers: PROBE })).status).toBe(200);
    await context.close();
  });

  it("holds every request DELAY_MS before handling it, never the health endpoints", async () => {
    const context = createTestContext({
      service: "demo",
      databaseUrl: await freshDatabase(),
      env: { DELAY_MS: "2000" },
    });
    const app = createFunctionApp(context);
    app.get("/hello", (c) => c.text("hi"));
    vi.useFakeTimers({ toFake: ["setTimeout"] });
    try {
      expect((await app.request("/health/liveness", { headers: PROBE })).status).toBe(200);
      let answered = false;
      const answer = Promise.resolve(app.request("/hello")).then((res) => {
        answered = true;
        return res;
      });
      await vi.advanceTimersByTimeAsync(1999);
      expect(answered).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(await (await answer).text()).toBe("hi");
    } finally {
      vi.useRealTimers();
      await context.close();
    }
  });

  it("keeps /metrics and health off the public port: an admin port serves them, probes alone reach health", async () => {
    const context = createTestContext({ service: "demo", databaseUrl: await freshDatabase() });
    const app = createFunctionApp(context);
    app.get("/:code", (c) => c.text("a redirect"));
    const running = await serveFunction(app, context, 0);
    try {
      const publicGet = (path: string, headers: Record<string, string> = {}) =>
        fetch(`${running.url}${path}`, { headers });
      expect(await (await publicGet("/metrics")).text()).toBe("a redirect"); // just a code, as any other
      expect((await publicGet("/health/readiness")).status).toBe(404);
      expect((await publicGet("/health/liveness", { "user-agent": "curl/8" })).status).toBe(404);
      expect((await publicGet("/health/readiness", PROBE)).status).toBe(200);
      expect((await publicGet("/health/liveness", { "user-agent": "kube-probe/1.33" })).status).toBe(200);
      expect(await (await publicGet("/health/liveness", PROBE)).json()).toEqual({
        status: "ok",
        revision: "demo-test",
      });

      expect(running.adminUrl).toBeDefined();
      expect(running.adminUrl).not.toBe(running.url);
      expect((await fetch(`${running.adminUrl}/health/readiness`)).status).toBe(200);
      const scraped = await (await fetch(`${running.adminUrl}/metrics`)).text();
      await fetch(`${running.adminUrl}/metrics`);
      const again = await (await fetch(`${running.adminUrl}/metrics`)).text();
      // The public request counted once; neither probes nor scrapes are requests of the app.
      expect(again).toContain('route="/:code",method="GET",status="200"} 1');
      expect(again).not.toMatch(/route="\/(metrics|health)/);
      expect(scraped).toContain("http_requests_total");
    } finally {
      await running.shutdown();
    }
  });

  it("stops at start-up with a message naming a missing variable", () => {
    const main = fileURLToPath(new URL("../../links/src/main.ts", import.meta.url));
    const env = { ...process.env, PORT: "0", DATABASE_URL: "", SHORT_URL_BASE: "not a url" };
    const result = spawnSync(process.execPath, ["--import", "tsx", main], { env, encoding: "utf8", timeout: 20_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Invalid configuration");
    expect(result.stderr).toMatch(/DATABASE_URL: is not set/);
    expect(result.stderr).toMatch(/SHORT_URL_BASE: .*URL/);
  });
});
