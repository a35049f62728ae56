import { describe, expect, it } from "vitest";
import { lostWrites, type WriteAttempt, writeOutageSeconds } from "./write-outage.ts";

const ack = (at: number, code = `c${at}`): WriteAttempt => ({ at, acknowledged: true, code });
const fail = (at: number): WriteAttempt => ({ at, acknowledged: false, code: `f${at}` });

describe("writeOutageSeconds", () => {
  it.each([
    ["steady writes", [ack(0), ack(100), ack(200), ack(300)], 150, 0.1],
    ["a gap across the crash", [ack(0), ack(1000), fail(3000), fail(9000), ack(21_000), ack(21_100)], 1500, 20],
    ["a longer gap before the crash does not count", [ack(0), ack(10_000), ack(10_100), ack(10_300)], 10_050, 0.2],
    ["no write after the crash yet", [ack(0), ack(100), fail(5000)], 200, 0],
  ])("%s", (_case, attempts, since, seconds) => {
    expect(writeOutageSeconds(attempts, since)).toBeCloseTo(seconds, 6);
  });
});

describe("lostWrites", () => {
  it("lists acknowledged codes the database does not have, ignoring failed writes", () => {
    const attempts = [ack(1, "a"), ack(2, "b"), fail(3), ack(4, "d")];
    expect(lostWrites(attempts, new Set(["a", "d"]))).toEqual(["b"]);
  });
});
