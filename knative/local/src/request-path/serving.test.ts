import { describe, expect, it } from "vitest";
import { Breaker } from "./breaker.ts";
import { ConcurrencyMeter } from "./concurrency-meter.ts";
import { Deadline } from "./deadline.ts";
import { policyFor, ReplicaPicker } from "./replica-picker.ts";

describe("ConcurrencyMeter", () => {
  it("reports the time-weighted average of in-flight requests and the arrivals", () => {
    const meter = new ConcurrencyMeter(0);
    meter.started(0);
    meter.started(500);
    meter.finished(750);
    // 0-500 ms: 1 in flight, 500-750: 2, 750-1000: 1 -> (500 + 500 + 250) / 1000
    expect(meter.report(1000)).toEqual({ averageConcurrency: 1.25, requests: 2 });
    expect(meter.report(2000)).toEqual({ averageConcurrency: 1, requests: 0 });
    meter.finished(2000);
    expect(meter.report(3000)).toEqual({ averageConcurrency: 0, requests: 0 });
  });
});

describe("Breaker", () => {
  it("lets capacity through, queues 10 x capacity, and refuses the rest at once", async () => {
    const breaker = new Breaker(2);
    expect(breaker.acquire()).toBe(true);
    expect(breaker.acquire()).toBe(true);
    const queued = Array.from({ length: 20 }, () => breaker.acquire());
    expect(queued.every((q) => q instanceof Promise)).toBe(true);
    expect(breaker.acquire()).toBe(false);
    breaker.release();
    expect(await queued[0]).toBe(true);
    expect(breaker.inFlight).toBe(2);
    expect(breaker.queued).toBe(19);
  });

  it("gives a waiting request's place up when its deadline passes", async () => {
    const breaker = new Breaker(1);
    expect(breaker.acquire()).toBe(true);
    const deadline = new Deadline(60_000);
    const waiting = breaker.acquire(deadline);
    const next = breaker.acquire();
    expect(breaker.queued).toBe(2);
    deadline.expire();
    expect(await waiting).toBe(false);
    expect(breaker.queued).toBe(1);
    breaker.release();
    expect(await next).toBe(true);
    expect(breaker.inFlight).toBe(1);
    const passed = new Deadline(60_000);
    passed.expire();
    expect(breaker.acquire(passed)).toBe(false);
  });

  it("gives a waiting request's place up when its client leaves, and refuses one already left", async () => {
    const breaker = new Breaker(1);
    expect(breaker.acquire()).toBe(true);
    const deadline = new Deadline(60_000);
    const waiting = breaker.acquire(deadline);
    deadline.abandon();
    expect(await waiting).toBe(false);
    expect(breaker.queued).toBe(0);
    expect(breaker.acquire(deadline)).toBe(false);
  });

  it("is unlimited with capacity 0", () => {
    const breaker = new Breaker(0);
    for (let i = 0; i < 5000; i++) expect(breaker.acquire()).toBe(true);
  });
});

describe("ReplicaPicker", () => {
  it.each([
    [0, "power-of-two"],
    [1, "first-available"],
    [3, "first-available"],
    [4, "round-robin"],
  ] as const)("containerConcurrency %i uses %s", (cc, policy) => {
    expect(policyFor(cc)).toBe(policy);
  });

  it("power of two choices takes the less loaded of two random replicas", () => {
    const rolls = [0, 0.9]; // replicas 0 and 2
    const picker = new ReplicaPicker(0, () => rolls.shift() ?? 0);
    const chosen = picker.pick([
      { id: "a", inFlight: 5 },
      { id: "b", inFlight: 0 },
      { id: "c", inFlight: 1 },
    ]);
    expect(chosen?.id).toBe("c");
  });

  it("first available skips full replicas", () => {
    const picker = new ReplicaPicker(1);
    expect(
      picker.pick([
        { id: "a", inFlight: 1 },
        { id: "b", inFlight: 0 },
      ])?.id,
    ).toBe("b");
    expect(picker.pick([{ id: "a", inFlight: 1 }])).toBeUndefined();
  });

  it("round robin goes around the replicas with a free slot", () => {
    const picker = new ReplicaPicker(10);
    const replicas = [
      { id: "a", inFlight: 0 },
      { id: "b", inFlight: 10 },
      { id: "c", inFlight: 3 },
    ];
    expect([1, 2, 3, 4].map(() => picker.pick(replicas)?.id)).toEqual(["a", "c", "a", "c"]);
  });
});
