import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { freePort } from "@platform/processes/free-port";
import { waitFor } from "@platform/processes/wait-for";
import { afterEach, describe, expect, it } from "vitest";
import { type Clock, ManualClock } from "../clock.ts";
import { type RevisionConfig, RevisionRuntime } from "./revision-runtime.ts";

const entry = fileURLToPath(new URL("../../test-fixtures/echo-function.mjs", import.meta.url));
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function serve(overrides: Partial<RevisionConfig> = {}, clock?: Clock) {
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
    clock,
  );
  let arrived = 0;
  const server: Server = createServer((req, res) => {
    arrived++; // handle() takes its replica slot or queue place before it first awaits
    void runtime.handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(async () => {
    await runtime.stopAll();
    await new Promise((resolve) => server.close(resolve));
  });
  return { runtime, url, arrived: () => arrived };
}

const untilReady = (runtime: RevisionRuntime, count: number) =>
  waitFor(() => runtime.readyCount >= count, { what: `${count} ready replica(s)` });

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
    const { runtime, url, arrived } = await serve({ containerConcurrency: 1 });
    await runtime.scaleTo(1);
    await untilReady(runtime, 1);
    const held = Array.from({ length: 11 }, () => fetch(`${url}/slow?ms=400`));
    await waitFor(() => arrived() >= 11, { what: "11 requests at the revision" });
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

  it("restarts a crashed replica after its back-off and counts the crash", async () => {
    const clock = new ManualClock();
    const { runtime, url } = await serve({}, clock);
    await runtime.scaleTo(1);
    await untilReady(runtime, 1);
    await fetch(`${url}/crash`).catch(() => undefined);
    await until(() => runtime.crashes === 1);
    expect(runtime.lastCrash).toMatchObject({ exitCode: 3, crashes: 1, restartAt: 10_000 });
    expect(clock.pending).toEqual([10_000]);
    clock.advance(10_000);
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

describe("a replica that exits at start (CrashLoopBackOff, in virtual time)", () => {
  const started = (runtime: RevisionRuntime) => runtime.replicas.length + runtime.crashes;

  it("is restarted 10 s, then 20 s, then 40 s after each exit, never at once", async () => {
    const clock = new ManualClock();
    const { runtime } = await serve({ env: { EXIT_AT_START: "1" } }, clock);
    await runtime.scaleTo(1);
    const restarts: number[] = [];
    for (const delay of [10_000, 20_000, 40_000]) {
      const crashes = runtime.crashes;
      await until(() => runtime.crashes === crashes + 1 && runtime.replicas.length === 0);
      expect(runtime.lastCrash?.exitCode).toBe(1);
      expect(clock.pending).toEqual([clock.now() + delay]);
      // Not a moment early: one millisecond before, the restart is still waiting.
      clock.advance(delay - 1);
      expect(clock.pending).toEqual([clock.now() + 1]);
      // The autoscaler asking for its one replica does not cut the back-off short.
      await runtime.scaleTo(1);
      expect(runtime.replicas).toHaveLength(0);
      expect(runtime.backingOff).toBe(1);
      clock.advance(1);
      await until(() => started(runtime) === crashes + 2);
      restarts.push(clock.now());
    }
    expect(restarts).toEqual([10_000, 30_000, 70_000]);
    expect(runtime.logs.tail().some((line) => line.includes("cannot start: EXIT_AT_START is set"))).toBe(true);
  });

  it("gives up the waiting restart when scaled to zero", async () => {
    const clock = new ManualClock();
    const { runtime } = await serve({ env: { EXIT_AT_START: "1" } }, clock);
    await runtime.scaleTo(1);
    await until(() => runtime.crashes === 1 && runtime.replicas.length === 0);
    expect(runtime.backingOff).toBe(1);
    await runtime.scaleTo(0);
    expect(runtime.backingOff).toBe(0);
    expect(clock.pending).toEqual([]);
  });
});

const until = (check: () => boolean) => waitFor(check, { what: "the runtime's state" });
