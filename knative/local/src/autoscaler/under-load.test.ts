/**
 * Under real load: a revision of the echo fixture answering in 100 ms, sent a
 * fixed arrival rate for a bounded time through the real request path
 * (RevisionRuntime: breaker, meters, replica processes) and the real
 * autoscaler on the platform's 1 s / 2 s timers. What the autoscaler reads
 * must be what Knative's queue-proxies would report (Little's law: in-flight =
 * arrival rate x latency), and it must choose the replicas Knative would.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { freePort } from "@platform/processes/free-port";
import { waitFor } from "@platform/processes/wait-for";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RevisionRuntime } from "../replicas/revision-runtime.ts";
import { type AutoscalingSettings, readAutoscaling } from "./annotations.ts";
import { defaultAutoscalerConfig } from "./config-autoscaler.ts";
import { decide, newDeciderState } from "./decider.ts";
import { RevisionAutoscaler, type ScaleStatus, TICK_MS } from "./revision-autoscaler.ts";
import { WindowedAverage } from "./windowed-average.ts";

const entry = fileURLToPath(new URL("../../test-fixtures/echo-function.mjs", import.meta.url));
const RATE = 100; // requests per second
const LATENCY_MS = 100;
const LOAD_MS = 14_000;

interface Answered {
  start: number;
  end: number;
  status: number;
}

/** Time-weighted in-flight requests over [from, to), from each request's start and end: what a perfect meter reads. */
function inFlightBetween(requests: Answered[], from: number, to: number): number {
  let busy = 0;
  for (const a of requests) busy += Math.max(0, Math.min(a.end, to) - Math.max(a.start, from));
  return busy / (to - from);
}

const meanLatency = (requests: Answered[]) => requests.reduce((sum, a) => sum + (a.end - a.start), 0) / requests.length;

describe("the autoscaler under real load", () => {
  let runtime: RevisionRuntime;
  let server: Server;
  let autoscaler: RevisionAutoscaler;
  let settings: AutoscalingSettings;
  const ticks: { at: number; status: ScaleStatus }[] = [];
  /** When the collector read the meters (each report covers the time since the previous one). */
  const collected: number[] = [];
  /** As the load generator saw each request. */
  const answers: Answered[] = [];
  /** As the platform's front (the ingress's place) saw each request: the span queue-proxy meters. */
  const served: Answered[] = [];
  let loadStart = 0;
  let loadEnd = 0;

  beforeAll(async () => {
    runtime = new RevisionRuntime(
      {
        service: "echo",
        revision: "echo-00001",
        entry,
        env: {},
        readinessPath: "/health/readiness",
        containerConcurrency: 0,
        timeoutSeconds: 10,
        terminationGraceMs: 2000,
      },
      freePort,
    );
    server = createServer((req, res) => {
      const start = Date.now();
      res.on("finish", () => served.push({ start, end: Date.now(), status: res.statusCode }));
      void runtime.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;

    // Target 10 at 70 % (7 per replica); a 20 s stable window with a 6 s panic window (30 %).
    ({ settings } = readAutoscaling(
      {
        "autoscaling.knative.dev/target": "10",
        "autoscaling.knative.dev/target-utilization-percentage": "70",
        "autoscaling.knative.dev/window": "20s",
        "autoscaling.knative.dev/panic-window-percentage": "30",
      },
      0,
    ));
    autoscaler = new RevisionAutoscaler(
      settings,
      defaultAutoscalerConfig,
      runtime,
      { reachable: () => true, scaleToZero: true },
      Date.now(),
    );
    runtime.onDemand = () => void autoscaler.demand(Date.now());
    await autoscaler.start();
    await waitFor(() => runtime.readyCount === 1, { what: "the echo replica to be ready" });

    // The platform's timers: collect every second, decide every 2 s right after it.
    collected.push(Date.now());
    runtime.reportStats(collected[0] as number); // the meters' period starts with the load
    const collector = setInterval(() => {
      const now = Date.now();
      collected.push(now);
      void autoscaler.collect(now);
    }, 1000);
    const ticker = setInterval(() => {
      const at = Date.now();
      void autoscaler.tick(at).then(() => ticks.push({ at, status: { ...autoscaler.status } }));
    }, TICK_MS);

    // A fixed arrival rate for a bounded time (open loop: arrivals do not wait for answers).
    const agent = new Agent({ connections: 512 });
    const inFlight: Promise<void>[] = [];
    loadStart = Date.now();
    let sent = 0;
    while (sent < (RATE * LOAD_MS) / 1000) {
      const due = loadStart + (sent * 1000) / RATE;
      if (Date.now() < due) await new Promise((r) => setTimeout(r, due - Date.now()));
      for (; sent < (RATE * LOAD_MS) / 1000 && loadStart + (sent * 1000) / RATE <= Date.now(); sent++) {
        const start = Date.now();
        inFlight.push(
          request(`http://127.0.0.1:${port}/slow?ms=${LATENCY_MS}`, { dispatcher: agent }).then(
            async (res) => {
              await res.body.text();
              answers.push({ start, end: Date.now(), status: res.statusCode });
            },
            () => void answers.push({ start, end: Date.now(), status: 0 }),
          ),
        );
      }
    }
    await Promise.all(inFlight);
    loadEnd = Date.now();
    clearInterval(collector);
    clearInterval(ticker);
    await agent.close();
  }, 60_000);

  afterAll(async () => {
    await runtime?.stopAll();
    await new Promise((resolve) => server?.close(resolve));
  });

  it("serves every request at the rate asked", () => {
    expect(answers).toHaveLength((RATE * LOAD_MS) / 1000);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const achieved = answers.length / ((Math.max(...answers.map((a) => a.start)) - loadStart) / 1000);
    expect(achieved).toBeGreaterThan(RATE * 0.9); // an overloaded machine sends late, then catches up
  });

  interface Exact {
    stable: number;
    panic: number;
    panicRps: number;
  }

  /**
   * The windows as they would read if each report were exact: the in-flight
   * average and the arrivals of its period, from the front's own timestamps.
   */
  function exactWindows(): Map<number, Exact> {
    const stable = new WindowedAverage(20_000);
    const panic = new WindowedAverage(6000);
    const panicRps = new WindowedAverage(6000);
    const at = new Map<number, Exact>();
    let next = 1;
    for (const { at: tick } of ticks) {
      for (; next < collected.length && (collected[next] as number) <= tick; next++) {
        const [from, to] = [collected[next - 1] as number, collected[next] as number];
        const inFlight = inFlightBetween(served, from, to);
        stable.record(to, inFlight);
        panic.record(to, inFlight);
        panicRps.record(to, served.filter((a) => a.start > from && a.start <= to).length);
      }
      at.set(tick, { stable: stable.average(tick), panic: panic.average(tick), panicRps: panicRps.average(tick) });
    }
    return at;
  }

  const steadyTicks = () => ticks.filter((t) => t.at - 6000 >= loadStart && t.at <= loadEnd - 500);

  it("reads, in each 6 s panic window, the requests that were in flight and that arrived (queue-proxy's report)", () => {
    const exact = exactWindows();
    expect(steadyTicks().length).toBeGreaterThanOrEqual(3);
    for (const { at, status } of steadyTicks()) {
      const truth = exact.get(at) as Exact;
      expect(Math.abs(status.panicConcurrency / truth.panic - 1), `at +${at - loadStart} ms`).toBeLessThan(0.03);
      expect(Math.abs(status.panicRps / truth.panicRps - 1), `at +${at - loadStart} ms`).toBeLessThan(0.03);
    }
  });

  it("reads rate x latency within a few percent (Little's law over the window)", () => {
    const lastTick = steadyTicks().at(-1) as { at: number; status: ScaleStatus };
    const last = lastTick.status;
    // The stable window's reading is the exact in-flight average of the periods it holds...
    const exact = exactWindows().get(lastTick.at) as Exact;
    expect(Math.abs(last.stableConcurrency / exact.stable - 1)).toBeLessThan(0.03);
    // ...which is the arrival rate times the latency of the requests in that window (Little's law;
    // 100/s x 0.1 s = 10 on an idle machine, more when a busy machine makes answers slower).
    const from = collected[0] as number;
    const arrived = served.filter((a) => a.start > from && a.start <= lastTick.at);
    const rate = arrived.length / ((lastTick.at - from) / 1000);
    const littles = (rate * meanLatency(arrived)) / 1000;
    console.log(
      `${rate.toFixed(1)} req/s x mean latency ${meanLatency(arrived).toFixed(1)} ms = ${littles.toFixed(2)} in flight ` +
        `(nominal ${RATE}/s x ${LATENCY_MS} ms = ${(RATE * LATENCY_MS) / 1000}); stable window read ` +
        `${last.stableConcurrency.toFixed(2)} (${(last.stableConcurrency / littles).toFixed(3)}), panic ` +
        `${last.panicConcurrency.toFixed(2)}, ${last.panicRps} req/s; ${last.desired} replicas`,
    );
    // That holds when every second of the window got one report. A collector a busy machine delays
    // leaves a second with none (counted as 0) and puts two in the next (added up), as Knative's
    // would; the reading is then still the exact one above, but no longer rate x latency.
    const seconds = collected.filter((c) => c <= lastTick.at).map((c) => Math.floor(c / 1000));
    const oncePerSecond = seconds.slice(1).every((sec, i) => sec === (seconds[i] as number) + 1);
    console.log(`a report every second: ${oncePerSecond}`);
    if (oncePerSecond) expect(Math.abs(last.stableConcurrency / littles - 1)).toBeLessThan(0.05);
  });

  it("chooses the replicas Knative's decider chooses when fed exact reports", () => {
    const exact = exactWindows();
    const spec = {
      targetValue: settings.targetValue,
      totalValue: settings.totalValue,
      targetBurstCapacity: settings.targetBurstCapacity,
      panicThreshold: settings.panicThreshold,
      maxScaleUpRate: defaultAutoscalerConfig.maxScaleUpRate,
      maxScaleDownRate: defaultAutoscalerConfig.maxScaleDownRate,
      stableWindowMs: settings.stableWindowMs,
      activationScale: settings.activationScale,
      scaleDownDelayMs: 0,
      reachable: true,
    };
    let state = newDeciderState(1, loadStart);
    const chosen: [number, number][] = [];
    for (const { at, status } of ticks.filter((t) => t.at <= loadEnd - 500)) {
      const truth = exact.get(at) as Exact;
      const r = decide(spec, state, { readyPods: status.actual, stable: truth.stable, panic: truth.panic }, at);
      state = r.state;
      chosen.push([status.desired, r.decision?.desiredPods ?? -1]);
    }
    console.log(`replicas (ours, Knative's from exact reports) per tick: ${JSON.stringify(chosen)}`);
    expect(chosen.length).toBeGreaterThanOrEqual(5);
    for (const [ours, knative] of chosen) expect(ours).toBe(knative);
    expect(chosen.at(-1)?.[0]).toBeGreaterThanOrEqual(2); // ceil(10 / 7) at the least
  });
});
