import { describe, expect, it } from "vitest";
import { judgeSplit } from "./split-bound.ts";

describe("judgeSplit", () => {
  it.each([
    // 400 requests at 90/10: sd of the 10 % side is 6, so 16..64 pass at z = 4.
    [{ a: 360, b: 40 }, true],
    [{ a: 336, b: 64 }, true],
    [{ a: 335, b: 65 }, false],
    [{ a: 384, b: 16 }, true],
    [{ a: 385, b: 15 }, false],
    [{ a: 400 }, false],
    [{}, false],
  ])("%j at 90/10 -> %s", (counts, ok) => {
    expect(judgeSplit(counts, { a: 0.9, b: 0.1 }).ok).toBe(ok);
  });

  it("fails an answer from a revision outside the split and names it", () => {
    const verdict = judgeSplit({ a: 360, b: 39, c: 1 }, { a: 0.9, b: 0.1 });
    expect(verdict.ok).toBe(false);
    expect(verdict.lines.at(-1)).toBe("c: 1 answers from a revision outside the split");
  });
});
