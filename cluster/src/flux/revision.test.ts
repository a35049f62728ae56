import { describe, expect, it } from "vitest";
import { revisionCommit, revisionHolds } from "./revision.ts";

const ours = "a".repeat(40);
const later = "b".repeat(40);

describe("revisionCommit", () => {
  it.each([
    [`main@sha1:${ours}`, ours],
    [ours, ours],
    ["main@sha1:", undefined],
    ["", undefined],
    ["main@sha1:abc123", undefined],
  ])("%j names %j", (revision, commit) => {
    expect(revisionCommit(revision)).toBe(commit);
  });
});

describe("revisionHolds", () => {
  const ancestry = (pairs: [string, string][]) => async (a: string, b: string) =>
    pairs.some(([x, y]) => x === a && y === b);

  it("holds our commit when it names it, without asking git", async () => {
    const never = async () => {
      throw new Error("asked git");
    };
    expect(await revisionHolds(`main@sha1:${ours}`, ours, never)).toBe(true);
  });

  it("holds it when it names a later commit that has ours, not one that does not", async () => {
    expect(await revisionHolds(`main@sha1:${later}`, ours, ancestry([[ours, later]]))).toBe(true);
    expect(await revisionHolds(`main@sha1:${later}`, ours, ancestry([]))).toBe(false);
  });

  it("holds nothing while Flux has no revision", async () => {
    expect(await revisionHolds("", ours, ancestry([[ours, later]]))).toBe(false);
  });
});
