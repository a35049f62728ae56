import { describe, expect, it } from "vitest";
import {
  ceilTo,
  DAY_MS,
  fillSeries,
  floorTo,
  HOUR_MS,
  ROLLUP_GRACE_MS,
  ROLLUP_LOOKBACK_MS,
  resolveRange,
  rollupWindow,
} from "./time-buckets.ts";

const at = (day: number, hour = 0, minute = 0) => Date.UTC(2024, 0, day, hour, minute);

describe("floorTo / ceilTo", () => {
  it.each([
    ["inside an hour", at(10, 12, 30), "hour", at(10, 12), at(10, 13)],
    ["on an hour", at(10, 12), "hour", at(10, 12), at(10, 12)],
    ["one ms past an hour", at(10, 12) + 1, "hour", at(10, 12), at(10, 13)],
    ["inside a day", at(10, 23, 59), "day", at(10), at(11)],
    ["on a day", at(10), "day", at(10), at(10)],
    ["epoch", 0, "day", 0, 0],
  ] as const)("%s", (_name, ms, granularity, floor, ceil) => {
    expect(floorTo(ms, granularity)).toBe(floor);
    expect(ceilTo(ms, granularity)).toBe(ceil);
  });
});

describe("resolveRange", () => {
  const now = at(10, 12, 30);

  it.each([
    ["defaults: last 7 days by day", {}, { from: at(3), to: at(11), granularity: "day" }],
    ["only to: 7 days before it", { to: at(20, 6) }, { from: at(13), to: at(21), granularity: "day" }],
    ["only from: up to now", { from: at(9, 12, 30) }, { from: at(9, 12), to: at(10, 13), granularity: "hour" }],
    ["from after now, no to: one hour on", { from: at(11) }, { from: at(11), to: at(11, 1), granularity: "hour" }],
    ["exactly 2 days is by hour", { from: at(8, 12, 30) }, { from: at(8, 12), to: at(10, 13), granularity: "hour" }],
    ["2 days and 1 ms is by day", { from: at(8, 12, 30) - 1 }, { from: at(8), to: at(11), granularity: "day" }],
    [
      "within one hour widened",
      { from: at(5, 10, 15), to: at(5, 10, 45) },
      { from: at(5, 10), to: at(5, 11), granularity: "hour" },
    ],
    ["aligned bounds kept", { from: at(5), to: at(6) }, { from: at(5), to: at(6), granularity: "hour" }],
    [
      "explicit day over a short span",
      { from: at(5, 10), to: at(5, 11), granularity: "day" },
      { from: at(5), to: at(6), granularity: "day" },
    ],
    [
      "explicit hour over 1100 hours",
      { from: 0, to: 1_100 * HOUR_MS, granularity: "hour" },
      { from: 0, to: 1_100 * HOUR_MS, granularity: "hour" },
    ],
    ["1100 days by day", { from: 0, to: 1_100 * DAY_MS }, { from: 0, to: 1_100 * DAY_MS, granularity: "day" }],
  ] as const)("%s", (_name, query, expected) => {
    expect(resolveRange(query, now)).toEqual(expected);
  });

  it.each([
    ["from equals to", { from: at(5), to: at(5) }, "from"],
    ["from after to", { from: at(6), to: at(5) }, "from"],
    ["1101 hours", { from: 0, to: 1_101 * HOUR_MS, granularity: "hour" }, "granularity"],
    ["46 days by hour", { from: at(1), to: at(47), granularity: "hour" }, "granularity"],
    ["widening past 1100 hours", { from: 0, to: 1_100 * HOUR_MS + 1, granularity: "hour" }, "granularity"],
    ["1101 days", { from: 0, to: 1_101 * DAY_MS }, "granularity"],
  ] as const)("refuses %s", (_name, query, field) => {
    expect(resolveRange(query, now)).toMatchObject({ field, problem: expect.any(String) });
  });
});

describe("fillSeries", () => {
  it.each([
    [
      "zeros where nothing happened, by hour",
      { from: at(5, 10), to: at(5, 14), granularity: "hour" },
      [{ hour: at(5, 11), clicks: 4 }],
      [0, 4, 0, 0],
    ],
    [
      "hours summed into days",
      { from: at(5), to: at(8), granularity: "day" },
      [
        { hour: at(5, 0), clicks: 1 },
        { hour: at(5, 23), clicks: 2 },
        { hour: at(7, 12), clicks: 5 },
      ],
      [3, 0, 5],
    ],
    [
      "repeated hours summed",
      { from: at(5, 10), to: at(5, 11), granularity: "hour" },
      [
        { hour: at(5, 10), clicks: 1 },
        { hour: at(5, 10), clicks: 2 },
      ],
      [3],
    ],
    [
      "counts outside the range ignored",
      { from: at(5, 10), to: at(5, 12), granularity: "hour" },
      [
        { hour: at(5, 9), clicks: 7 },
        { hour: at(5, 10), clicks: 1 },
        { hour: at(5, 12), clicks: 9 },
      ],
      [1, 0],
    ],
    ["no counts", { from: at(5), to: at(7), granularity: "day" }, [], [0, 0]],
  ] as const)("%s", (_name, range, hourly, clicks) => {
    const series = fillSeries(range, [...hourly]);
    const step = range.granularity === "hour" ? HOUR_MS : DAY_MS;
    expect(series).toEqual(clicks.map((c, i) => ({ start: range.from + i * step, clicks: c })));
  });
});

describe("rollupWindow", () => {
  it.each([
    ["nothing yet", { rolledUpTo: null, firstClickAt: null }, at(10, 12, 30), null],
    [
      "first run from the first click's hour",
      { rolledUpTo: null, firstClickAt: at(10, 8, 45) },
      at(10, 12, 30),
      { from: at(10, 8), to: at(10, 12) },
    ],
    ["first click at the epoch", { rolledUpTo: null, firstClickAt: 0 }, 2 * HOUR_MS, { from: 0, to: HOUR_MS }],
    [
      "grace period not over",
      { rolledUpTo: null, firstClickAt: at(10, 8, 45) },
      at(10, 12, 4),
      { from: at(10, 8), to: at(10, 11) },
    ],
    [
      "grace period just over",
      { rolledUpTo: null, firstClickAt: at(10, 8, 45) },
      at(10, 12) + ROLLUP_GRACE_MS,
      { from: at(10, 8), to: at(10, 12) },
    ],
    ["first click in the current hour", { rolledUpTo: null, firstClickAt: at(10, 12, 1) }, at(10, 12, 30), null],
    [
      "first click in the last hour, within grace",
      { rolledUpTo: null, firstClickAt: at(10, 11, 30) },
      at(10, 12, 4),
      null,
    ],
    [
      "later run looks back",
      { rolledUpTo: at(10, 12), firstClickAt: at(1) },
      at(10, 13, 10),
      { from: at(10, 12) - ROLLUP_LOOKBACK_MS, to: at(10, 13) },
    ],
    [
      "later run, nothing new still recomputes the lookback",
      { rolledUpTo: at(10, 12), firstClickAt: at(1) },
      at(10, 12, 10),
      { from: at(10, 10), to: at(10, 12) },
    ],
    ["rolledUpTo ahead of now", { rolledUpTo: at(10, 15), firstClickAt: at(1) }, at(10, 12, 10), null],
  ])("%s", (_name, state, now, expected) => {
    expect(rollupWindow(state, now)).toEqual(expected);
  });
});
