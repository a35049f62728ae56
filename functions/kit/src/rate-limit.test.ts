import { describe, expect, it } from "vitest";
import { decideRateLimit, rateLimitKey } from "./rate-limit.ts";

const T = 1_700_000_040_000; // a minute boundary (divisible by 60 000)

describe("decideRateLimit", () => {
  it.each([
    ["first request", 1, 10, true, 9],
    ["at the limit", 10, 10, true, 0],
    ["one over", 11, 10, false, 0],
    ["far over", 500, 10, false, 0],
    ["limit 0", 1, 0, false, 0],
  ])("%s", (_name, count, limit, allowed, remaining) => {
    expect(decideRateLimit(count, limit, T)).toEqual({ allowed, limit, remaining, resetSeconds: 60 });
  });

  it.each([
    ["start of the epoch window", 0, 60],
    ["last millisecond", 59_999, 1],
    ["next window starts", 60_000, 60],
    ["half-second in the middle", 30_500, 30],
    ["one ms in", 1, 60],
    ["one second before the end", 59_000, 1],
    ["1.001 s before the end", 58_999, 2],
    ["later window, 10 s in", T + 10_000, 50],
  ])("resetSeconds at %s", (_name, nowMs, resetSeconds) => {
    const { resetSeconds: actual } = decideRateLimit(1, 10, nowMs);
    expect(actual).toBe(resetSeconds);
    expect(actual).toBeGreaterThanOrEqual(1);
    expect(actual).toBeLessThanOrEqual(60);
  });
});

describe("rateLimitKey", () => {
  it.each([
    ["same ms", T, T, true],
    ["within the minute", T, T + 59_999, true],
    ["across the boundary", T + 59_999, T + 60_000, false],
    ["just before the boundary", T - 1, T, false],
  ])("%s", (_name, a, b, same) => {
    expect(rateLimitKey("tenant:1", a) === rateLimitKey("tenant:1", b)).toBe(same);
  });

  it("includes the subject and the minute number", () => {
    expect(rateLimitKey("tenant:1", T)).toBe(`rl:tenant:1:${T / 60_000}`);
    expect(rateLimitKey("a", T)).not.toBe(rateLimitKey("b", T));
  });
});
