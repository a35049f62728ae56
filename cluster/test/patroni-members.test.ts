import { describe, expect, it } from "vitest";
import { leaderOf, parseMembers } from "./patroni-members.ts";

describe("parseMembers", () => {
  it.each([
    [
      "three members",
      "postgres-0 master True \npostgres-1 replica True \npostgres-2 replica False \n",
      [
        { name: "postgres-0", role: "master", ready: true },
        { name: "postgres-1", role: "replica", ready: true },
        { name: "postgres-2", role: "replica", ready: false },
      ],
    ],
    ["a pod Patroni has not labelled yet", "postgres-1  False \n", [{ name: "postgres-1", role: "", ready: false }]],
    [
      "a pod being deleted left out",
      "postgres-0 master True 2026-11-29T13:00:00Z\npostgres-1 replica True \n",
      [{ name: "postgres-1", role: "replica", ready: true }],
    ],
    ["nothing", "", []],
  ])("reads %s", (_what, text, members) => {
    expect(parseMembers(text)).toEqual(members);
  });
});

describe("leaderOf", () => {
  it("is the ready member labelled master", () => {
    expect(leaderOf(parseMembers("postgres-0 replica True \npostgres-1 master True \n"))).toBe("postgres-1");
  });
  it("is none while the labelled leader is not ready", () => {
    expect(leaderOf(parseMembers("postgres-0 master False \npostgres-1 replica True \n"))).toBeUndefined();
  });
});
