import { describe, expect, it } from "vitest";
import { formatGoDuration, parseGoDuration } from "./go-duration.ts";

describe("Go durations", () => {
  it.each([
    ["60s", 60_000],
    ["1m30s", 90_000],
    ["1h", 3_600_000],
    ["1.5s", 1500],
    ["500ms", 500],
    ["0", 0],
    ["-1s", -1000],
  ])("parse %s", (text, ms) => expect(parseGoDuration(text)).toBe(ms));

  it.each(["", "60", "1d", "s", "1 s", "abc"])("refuse %j", (text) => expect(parseGoDuration(text)).toBeUndefined());

  it.each([
    [6000, "6s"],
    [3_600_000, "1h0m0s"],
    [90_000, "1m30s"],
    [0, "0s"],
    [1500, "1.5s"],
  ])("format %i ms as %s", (ms, text) => expect(formatGoDuration(ms)).toBe(text));
});
