import { describe, expect, it } from "vitest";
import { ManualClock, startTicker } from "./clock.ts";

describe("ManualClock", () => {
  it("runs due timers in time order as it advances, each at its own time", () => {
    const clock = new ManualClock(1000);
    const ran: [string, number][] = [];
    clock.setTimeout(() => ran.push(["b", clock.now()]), 300);
    clock.setTimeout(() => ran.push(["a", clock.now()]), 100);
    const dropped = clock.setTimeout(() => ran.push(["dropped", clock.now()]), 200);
    clock.clearTimeout(dropped);
    clock.advance(250);
    expect(ran).toEqual([["a", 1100]]);
    expect(clock.now()).toBe(1250);
    clock.advance(50);
    expect(ran).toEqual([
      ["a", 1100],
      ["b", 1300],
    ]);
  });
});

describe("startTicker", () => {
  it("ticks every period with the clock's time until stopped", () => {
    const clock = new ManualClock(0);
    const ticks: number[] = [];
    const ticker = startTicker(clock, 2000, (now) => ticks.push(now));
    clock.advance(6500);
    expect(ticks).toEqual([2000, 4000, 6000]);
    ticker.stop();
    clock.advance(10_000);
    expect(ticks).toEqual([2000, 4000, 6000]);
    expect(clock.pending).toEqual([]);
  });

  it("stops from inside its own tick", () => {
    const clock = new ManualClock(0);
    let ticks = 0;
    const ticker = startTicker(clock, 1000, () => {
      if (++ticks === 2) ticker.stop();
    });
    clock.advance(5000);
    expect(ticks).toBe(2);
    expect(clock.pending).toEqual([]);
  });
});
