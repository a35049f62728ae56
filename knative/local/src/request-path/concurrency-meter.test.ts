import { describe, expect, it } from "vitest";
import { ConcurrencyMeter, scrapeRevision } from "./concurrency-meter.ts";

describe("ConcurrencyMeter (queue-proxy's RequestStats)", () => {
  it.each([
    // name, events [time, +1 started / -1 finished], report at, average, requests
    ["nothing in flight", [], 1000, 0, 0],
    ["one request all period", [[0, 1]], 1000, 1, 1],
    [
      "half a period",
      [
        [0, 1],
        [500, -1],
      ],
      1000,
      0.5,
      1,
    ],
    [
      "overlapping requests",
      [
        [0, 1],
        [500, 1],
        [750, -1],
      ],
      1000,
      1.25,
      2,
    ],
    [
      "10 per second of 100 ms each is 1",
      Array.from({ length: 10 }, (_, i) => [
        [i * 100, 1],
        [i * 100 + 100, -1],
      ]).flat(),
      1000,
      1,
      10,
    ],
    ["a period of no time", [[0, 1]], 0, 0, 1],
  ] as [string, [number, number][], number, number, number][])("%s", (_name, events, at, average, requests) => {
    const meter = new ConcurrencyMeter(0);
    for (const [t, change] of events) change > 0 ? meter.started(t) : meter.finished(t);
    expect(meter.report(at)).toEqual({ averageConcurrency: average, requests });
  });

  it("carries what is still in flight into the next period", () => {
    const meter = new ConcurrencyMeter(0);
    meter.started(0);
    meter.report(1000);
    expect(meter.report(2000)).toEqual({ averageConcurrency: 1, requests: 0 });
  });
});

describe("scrapeRevision", () => {
  it("sums the ready replicas, leaves out those not ready, and reports nothing without a ready replica", () => {
    const a = new ConcurrencyMeter(0);
    const b = new ConcurrencyMeter(0);
    const draining = new ConcurrencyMeter(0);
    const activator = new ConcurrencyMeter(0);
    a.started(0);
    b.started(500);
    draining.started(0);
    activator.started(0);
    activator.finished(250);
    expect(
      scrapeRevision(
        [
          { ready: true, meter: a },
          { ready: true, meter: b },
          { ready: false, meter: draining },
        ],
        activator,
        1000,
      ),
    ).toEqual({
      replicas: { averageConcurrency: 1.5, requests: 2 },
      activator: { averageConcurrency: 0.25, requests: 1 },
    });
    expect(scrapeRevision([{ ready: false, meter: draining }], activator, 2000)).toEqual({
      replicas: undefined,
      activator: { averageConcurrency: 0, requests: 0 },
    });
  });
});
