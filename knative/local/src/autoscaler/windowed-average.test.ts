import { describe, expect, it } from "vitest";
import { WindowedAverage } from "./windowed-average.ts";

describe("WindowedAverage", () => {
  it("adds values of one second and averages over the seconds since the first write", () => {
    const w = new WindowedAverage(6000);
    w.record(0, 2);
    w.record(500, 2);
    expect(w.average(900)).toBe(4);
    w.record(1000, 2);
    expect(w.average(1000)).toBe(3); // (4 + 2) / 2 seconds
    expect(w.average(3000)).toBe(1.5); // seconds without data count as 0
  });

  it("averages over the whole window once it is full, dropping older seconds", () => {
    const w = new WindowedAverage(6000);
    for (let s = 0; s < 10; s++) w.record(s * 1000, s);
    expect(w.average(9000)).toBe((4 + 5 + 6 + 7 + 8 + 9) / 6);
  });

  it("is 0 after a whole window without data, and starts again", () => {
    const w = new WindowedAverage(6000);
    w.record(0, 60);
    expect(w.average(5000)).toBe(10);
    expect(w.average(6000)).toBe(0);
    expect(w.isEmpty(6000)).toBe(true);
    w.record(20_000, 3);
    expect(w.average(20_000)).toBe(3);
  });
});
