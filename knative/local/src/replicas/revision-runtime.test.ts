import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../free-port.ts";
import { type RevisionConfig, RevisionRuntime } from "./revision-runtime.ts";

const entry = fileURLToPath(new URL("../../test-fixtures/echo-function.mjs", import.meta.url));
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function serve(overrides: Partial<RevisionConfig> = {}) {
  const runtime = new RevisionRuntime(
    {
      service: "echo",
      revision: "echo-00001",
      entry,
      env: { GREETING: "hi" },
      readinessPath: "/health/readiness",
      containerConcurrency: 0,
      timeoutSeconds: 10,
      terminationGraceMs: 2000,
      ...overrides,
    },
    freePort,
  );
  const server: Server = createServer((req, res) => void runtime.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(async () => {
    await runtime.stopAll();
    await new Promise((resolve) => server.close(resolve));
  });
  return { runtime, url };
}

const untilReady = async (runtime: RevisionRuntime, count: number) => {
  for (let i = 0; i < 200 && runtime.readyCount < count; i++) await new Promise((r) => setTimeout(r, 25));
};

describe("a revision's request path", () => {
  it("holds a request while a revision at zero starts a replica, then serves it (cold start)", async () => {
    const { runtime, url } = await serve();
    runtime.onDemand = () => void runtime.scaleTo(1);
    expect(runtime.replicas).toHaveLength(0);
    const started = Date.now();
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("hello from echo-00001 (hi)");
    expect(runtime.readyCount).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("answers 503 `pending request queue full` past containerConcurrency + 10 x containerConcurrency", async () => {
    const { runtime, url } = await serve({ containerConcurrency: 1 });
    await runtime.scaleTo(1);
    await untilReady(runtime, 1);
    const held = Array.from({ length: 11 }, () => fetch(`${url}/slow?ms=400`));
    await new Promise((r) => setTimeout(r, 100));
    const refused = await fetch(`${url}/`);
    expect(refused.status).toBe(503);
    expect(await refused.text()).toBe("pending request queue full");
    const statuses = await Promise.all(held.map((p) => p.then((r) => r.status)));
    expect(statuses.every((s) => s === 200)).toBe(true);
  });

  it("answers 504 past timeoutSeconds", async () => {
    const { runtime, url } = await serve({ timeoutSeconds: 1 });
    await runtime.scaleTo(1);
    await untilReady(runtime, 1);
    const res = await fetch(`${url}/slow?ms=3000`);
    expect(res.status).toBe(504);
  });

  it("replaces a crashed replica and counts the crash", async () => {
    const { runtime, url } = await serve();
    await runtime.scaleTo(1);
    await untilReady(runtime, 1);
    await fetch(`${url}/crash`).catch(() => undefined);
    for (let i = 0; i < 200 && runtime.crashes === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(runtime.crashes).toBe(1);
    await untilReady(runtime, 1);
    expect((await fetch(`${url}/`)).status).toBe(200);
  });

  it("meters the time-weighted concurrency the autoscaler reads", async () => {
    const { runtime, url } = await serve();
    await runtime.scaleTo(2);
    await untilReady(runtime, 2);
    const from = Date.now();
    runtime.reportConcurrency(from);
    await Promise.all([fetch(`${url}/slow?ms=500`), fetch(`${url}/slow?ms=500`)]);
    const to = Date.now();
    const report = runtime.reportConcurrency(to);
    expect(report.requests).toBe(2);
    // Two requests of at least 0.5 s each: about 1 request-second over the period.
    const requestSeconds = (report.concurrency * (to - from)) / 1000;
    expect(requestSeconds).toBeGreaterThan(0.95);
    expect(requestSeconds).toBeLessThan(1.8);
  });
});
