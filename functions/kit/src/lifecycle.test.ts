import { afterEach, describe, expect, it, vi } from "vitest";
import { Lifecycle } from "./lifecycle.ts";

afterEach(() => {
  vi.useRealTimers();
});

describe("Lifecycle", () => {
  it.each([
    ["none", 0, 0, 0],
    ["two started", 2, 0, 2],
    ["three started, two finished", 3, 2, 1],
    ["all finished", 2, 2, 0],
  ])("counts in-flight requests: %s", (_name, started, finished, inFlight) => {
    const lifecycle = new Lifecycle();
    for (let i = 0; i < started; i++) lifecycle.requestStarted();
    for (let i = 0; i < finished; i++) lifecycle.requestFinished();
    expect(lifecycle.inFlight).toBe(inFlight);
  });

  it("drains once started, and stays draining", () => {
    const lifecycle = new Lifecycle();
    expect(lifecycle.draining).toBe(false);
    lifecycle.startDraining(1);
    lifecycle.startDraining(2);
    expect(lifecycle.draining).toBe(true);
  });

  it("waitForIdle resolves true at once when idle", async () => {
    await expect(new Lifecycle().waitForIdle(0)).resolves.toBe(true);
  });

  it("waitForIdle resolves true when the last request finishes", async () => {
    vi.useFakeTimers();
    const lifecycle = new Lifecycle();
    lifecycle.requestStarted();
    lifecycle.requestStarted();
    let settled: boolean | undefined;
    const waiting = lifecycle.waitForIdle(1_000).then((idle) => {
      settled = idle;
    });
    lifecycle.requestFinished();
    await vi.advanceTimersByTimeAsync(10);
    expect(settled).toBeUndefined();
    lifecycle.requestFinished();
    await waiting;
    expect(settled).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("waitForIdle resolves false after the timeout, and a later finish does not resolve it again", async () => {
    vi.useFakeTimers();
    const lifecycle = new Lifecycle();
    lifecycle.requestStarted();
    const waiting = lifecycle.waitForIdle(1_000);
    await vi.advanceTimersByTimeAsync(999);
    lifecycle.requestStarted();
    lifecycle.requestFinished();
    await vi.advanceTimersByTimeAsync(1);
    await expect(waiting).resolves.toBe(false);
    lifecycle.requestFinished();
    expect(lifecycle.inFlight).toBe(0);
  });

  it("wakes every waiter", async () => {
    const lifecycle = new Lifecycle();
    lifecycle.requestStarted();
    const waiters = [lifecycle.waitForIdle(5_000), lifecycle.waitForIdle(5_000)];
    lifecycle.requestFinished();
    await expect(Promise.all(waiters)).resolves.toEqual([true, true]);
  });
});
