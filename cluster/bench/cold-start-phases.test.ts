import { describe, expect, it } from "vitest";
import { describePhases, type PodSighting, parseSighting, phaseTimes } from "./cold-start-phases.ts";

const seen = (at: number, over: Partial<PodSighting> = {}): PodSighting => ({
  at,
  pod: "cold-00001-deployment-abc",
  node: false,
  ip: false,
  running: [],
  ready: false,
  ...over,
});

describe("parseSighting", () => {
  it("reads the watch's columns, empty ones included", () => {
    expect(parseSighting("ADDED cold-1   False ", 5)).toEqual({
      at: 5,
      pod: "cold-1",
      node: false,
      ip: false,
      running: [],
      ready: false,
    });
    expect(parseSighting("MODIFIED cold-1 node-a 198.18.0.7 True queue-proxy user-container", 9)).toEqual({
      at: 9,
      pod: "cold-1",
      node: true,
      ip: true,
      running: ["queue-proxy", "user-container"],
      ready: true,
    });
  });

  it("skips deletions and blank lines", () => {
    expect(parseSighting("DELETED cold-1 node-a 198.18.0.7 False", 1)).toBeUndefined();
    expect(parseSighting("", 1)).toBeUndefined();
  });
});

describe("phaseTimes", () => {
  it("times each phase of the first pod seen after the request, from the request", () => {
    const times = phaseTimes(
      [
        seen(90, { pod: "old" }),
        seen(110),
        seen(115, { node: true }),
        seen(400, { node: true, ip: true }),
        seen(700, { node: true, ip: true, running: ["user-container"] }),
        seen(720, { node: true, ip: true, running: ["user-container", "queue-proxy"] }),
        seen(900, { node: true, ip: true, running: ["user-container", "queue-proxy"], ready: true }),
      ],
      100,
    );
    expect(times).toEqual({
      created: 10,
      scheduled: 15,
      sandbox: 300,
      "user-container": 600,
      "queue-proxy": 620,
      ready: 800,
    });
    expect(describePhases(times)).toBe(
      "created +10 ms, scheduled +15 ms, sandbox +300 ms, user-container +600 ms, queue-proxy +620 ms, ready +800 ms",
    );
  });

  it("keeps the first time a phase was reached, and leaves out phases never reached", () => {
    const times = phaseTimes([seen(10, { node: true }), seen(20, { node: true })], 0);
    expect(times).toEqual({ created: 10, scheduled: 10 });
  });

  it("skips a pod seen before the request: the last round's, still reporting its end", () => {
    const times = phaseTimes(
      [seen(50, { pod: "old" }), seen(105, { pod: "old", node: true }), seen(110), seen(130, { node: true })],
      100,
    );
    expect(times).toEqual({ created: 10, scheduled: 30 });
  });

  it("has nothing when no pod was seen after the request", () => {
    expect(phaseTimes([seen(5)], 10)).toEqual({});
  });
});
