import { describe, expect, it } from "vitest";
import { roundToNDigits, WindowedAverage } from "./windowed-average.ts";

// The cases and numbers of Knative's pkg/autoscaler/aggregation/bucketing_test.go.
describe("WindowedAverage (Knative's TimedFloat64Buckets)", () => {
  it("averages over the span written, skips what was not yet written, and starts again after a window", () => {
    const w = new WindowedAverage(5000);
    w.record(0, 1);
    expect(w.average(0)).toBe(1); // over the first write's second, not 1/5
    for (let i = 1; i < 5; i++) w.record(i * 1000, i + 1);
    expect(w.average(4000)).toBe(15 / 5);
    expect(w.average(3600)).toBe(15 / 5); // now lags behind the last write
    expect(w.average(6000)).toBe((15 - 1 - 2) / (5 - 2)); // a short hole: neither total nor divisor
    expect(w.average(10_000)).toBe(0); // a long hole
    w.record(6000, 91); // the skipped second 5 counts as 0
    expect(w.average(6000)).toBe((15 - 1 - 2 + 91) / 5);

    const later = 60_000;
    w.record(later, 1984);
    expect(w.average(later)).toBe(1984);
    w.record(later - 3000, 4); // an earlier second moves the first write back
    expect(w.average(later)).toBe((4 + 1984) / 4);
    w.record(later + 1000, 5);
    expect(w.average(later + 1000)).toBe((4 + 1984 + 5) / 5);
    w.record(later - 2000, 10);
    expect(w.average(later + 1000)).toBe((4 + 10 + 1984 + 5) / 5);
    w.record(later - 5000, 10); // a window before the last write: ignored
    expect(w.average(later + 1000)).toBe((4 + 10 + 1984 + 5) / 5);
  });

  it("records in descending order (TestDescendingRecord)", () => {
    const w = new WindowedAverage(5000);
    for (let s = 8; s >= 0; s--) w.record(s * 1000, 5);
    expect(w.average(5000)).toBe(5);
  });

  it("adds values of one second", () => {
    const w = new WindowedAverage(6000);
    w.record(0, 2);
    w.record(500, 2);
    expect(w.average(900)).toBe(4);
  });

  it("does not count the second that is not yet recorded (the local panic window read 5/6 of the load)", () => {
    const panic = new WindowedAverage(6000);
    for (let s = 0; s < 20; s++) panic.record(s * 1000 + 999, 40);
    expect(panic.average(20_001)).toBe(40);
  });

  it.each([
    // now - lastWrite (s), empty: Knative's `now - lastWrite > window`
    [5, false],
    [6, false],
    [7, true],
  ])("a 6 s window whose last write was %i s ago is empty: %s", (ago, empty) => {
    const w = new WindowedAverage(6000);
    w.record(0, 1);
    expect(w.isEmpty(ago * 1000)).toBe(empty);
  });

  it("is empty before any write", () => {
    expect(new WindowedAverage(6000).isEmpty(0)).toBe(true);
  });
});

describe("roundToNDigits (Knative's TestRoundToNDigits)", () => {
  it.each([
    [6, 3.6e-17, 0],
    [3, -3.6e-17, 0],
    [3, 0.0004, 0],
    [3, 1.2345, 1.235],
    [4, 1.2345, 1.2345],
    [6, 12345, 12345],
  ])("to %i digits, %d is %d", (n, f, want) => {
    expect(roundToNDigits(n, f)).toBe(want);
  });

  it("keeps a load exactly at target from tipping over it", () => {
    // 0.1 + 0.2 + 0.4 over 3 seconds is 0.23333333333333336 in floating point.
    const w = new WindowedAverage(6000);
    for (const [s, v] of [
      [0, 0.1],
      [1, 0.2],
      [2, 0.4],
    ] as const)
      w.record(s * 1000, v);
    expect(w.average(2000)).toBe(0.233333);
  });
});
