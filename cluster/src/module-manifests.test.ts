import { describe, expect, it } from "vitest";
import { namedValues } from "./module-manifests.ts";

describe("namedValues (the generators' <name>=<value> options)", () => {
  it("maps each name to its value; a value may hold '='", () => {
    expect(namedValues("cpu-request", "deployment", ["activator=50m", "x=a=b"])).toEqual({
      activator: "50m",
      x: "a=b",
    });
  });

  it.each([["activator"], ["=50m"], ["activator="]])("refuses %s, naming the option and the shape", (pair) => {
    expect(() => namedValues("cpu-request", "deployment", [pair])).toThrow(
      `--cpu-request ${pair}: expected <deployment>=<value>`,
    );
  });
});
