import { describe, expect, it } from "vitest";
import { CUSTOM_CODE_PATTERN, customCodeProblem, GENERATED_CODE_LENGTH, generateCode } from "./codes.ts";

const GENERATED = /^[2-9a-km-zA-HJ-NP-Z]{7}$/;

describe("generateCode", () => {
  it.each([
    ["always the first letter", () => 0, "2222222"],
    ["always the last letter", (max: number) => max - 1, "ZZZZZZZ"],
    [
      "a sequence",
      (() => {
        let i = 0;
        return () => i++;
      })(),
      "2345678",
    ],
  ])("is deterministic with an injected random: %s", (_name, random, expected) => {
    expect(generateCode(random)).toBe(expected);
  });

  it("asks for an index below the alphabet's 57 letters, once per character", () => {
    const maxes: number[] = [];
    generateCode((max) => {
      maxes.push(max);
      return 0;
    });
    expect(maxes).toEqual(Array(GENERATED_CODE_LENGTH).fill(57));
  });

  it("uses only the alphabet (no 0 O 1 l I) with the default random", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const code = generateCode();
      expect(code).toMatch(GENERATED);
      for (const ch of code) seen.add(ch);
    }
    expect(seen.size).toBeGreaterThan(50);
  });
});

describe("customCodeProblem", () => {
  it.each([["spring-sale"], ["abc"], ["A_1"], ["0-_"], ["x".repeat(64)], ["healthz"], ["my-links"]])(
    "accepts %s",
    (code) => {
      expect(customCodeProblem(code)).toBeUndefined();
    },
  );

  it.each([
    ["too short", "ab", "must be 3 to 64"],
    ["empty", "", "must be 3 to 64"],
    ["leading dash", "-abc", "must be 3 to 64"],
    ["leading underscore", "_abc", "must be 3 to 64"],
    ["space", "a b", "must be 3 to 64"],
    ["too long", "x".repeat(65), "must be 3 to 64"],
    ["slash", "a/b", "must be 3 to 64"],
    ["dot", "a.b", "must be 3 to 64"],
    ["non-ASCII letter", "héllo", "must be 3 to 64"],
    ["trailing newline", "abc\n", "must be 3 to 64"],
    ["reserved", "metrics", "'metrics' is reserved"],
    ["reserved, any case", "Health", "'Health' is reserved"],
    ["reserved api", "API", "'API' is reserved"],
  ])("refuses %s", (_name, code, problem) => {
    expect(customCodeProblem(code)).toContain(problem);
  });

  it("accepts what generateCode produces", () => {
    expect(CUSTOM_CODE_PATTERN.test(generateCode((max) => max - 1))).toBe(true);
  });
});
