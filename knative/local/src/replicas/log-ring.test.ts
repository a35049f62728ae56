import { describe, expect, it } from "vitest";
import { LogRing } from "./log-ring.ts";

describe("LogRing", () => {
  it("keeps the last lines up to its capacity", () => {
    const ring = new LogRing(3);
    for (const line of ["a", "b", "c", "d"]) ring.push(line);
    expect(ring.tail()).toEqual(["b", "c", "d"]);
    expect(ring.tail(2)).toEqual(["c", "d"]);
  });

  it("passes new lines to followers until they stop", () => {
    const ring = new LogRing();
    const seen: string[] = [];
    const stop = ring.follow((line) => seen.push(line));
    ring.push("one");
    stop();
    ring.push("two");
    expect(seen).toEqual(["one"]);
  });
});
