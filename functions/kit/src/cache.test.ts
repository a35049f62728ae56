import { describe, expect, it } from "vitest";
import { jitteredTtl } from "./cache.ts";

describe("jitteredTtl", () => {
  it.each([
    ["random 0 is -10 %", 100, 0, 90],
    ["random 1 is +10 %", 100, 1, 110],
    ["random 0.5 is the ttl", 100, 0.5, 100],
    ["rounded", 7, 0.25, 7],
    ["large ttl", 86_400, 0, 77_760],
    ["never below 1 (ttl 1)", 1, 0, 1],
    ["never below 1 (ttl 0)", 0, 0.5, 1],
  ])("%s", (_name, ttl, random, expected) => {
    expect(jitteredTtl(ttl, random)).toBe(expected);
  });

  it("stays within ±10 % and is an integer", () => {
    for (let i = 0; i <= 100; i++) {
      const ttl = jitteredTtl(300, i / 100);
      expect(Number.isInteger(ttl)).toBe(true);
      expect(ttl).toBeGreaterThanOrEqual(270);
      expect(ttl).toBeLessThanOrEqual(330);
    }
  });
});
