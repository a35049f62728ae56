import { describe, expect, it } from "vitest";
import { type ServiceView, serviceEvents } from "./events.ts";

const canary = (phase: string, weight: number, name = "redirect-00002"): ServiceView => ({
  name: "redirect",
  canary: { phase, primary: "redirect-00001", canary: name, weight },
});

describe("serviceEvents", () => {
  it.each<[string, ServiceView | undefined, ServiceView | undefined, string[], string[], string[]]>([
    ["nothing changed", canary("Progressing", 20), canary("Progressing", 20), ["a"], ["a"], []],
    [
      "a revision appears",
      undefined,
      undefined,
      ["redirect-00001"],
      ["redirect-00001", "redirect-00002"],
      ["redirect-00002 created"],
    ],
    ["a canary step", canary("Progressing", 0), canary("Progressing", 20), [], [], ["canary redirect-00002 at 20 %"]],
    ["a canary starts at 0 %: nothing yet", undefined, canary("Progressing", 0), [], [], []],
    [
      "a rollback",
      canary("Progressing", 20),
      canary("Failed", 0),
      [],
      [],
      ["redirect-00002 rolled back to redirect-00001"],
    ],
    ["a promotion", canary("Progressing", 40), canary("Succeeded", 100), [], [], ["redirect-00002 promoted"]],
    [
      "the next canary after a rollback",
      canary("Failed", 0),
      canary("Progressing", 20, "redirect-00003"),
      [],
      [],
      ["canary redirect-00003 at 20 %"],
    ],
    [
      "a gradual rollout starts and ends",
      { name: "redirect", rollout: { candidate: "redirect-00002" } },
      { name: "redirect" },
      [],
      [],
      ["redirect-00002 rolled out"],
    ],
  ])("%s", (_, before, now, revisionsBefore, revisionsNow, expected) => {
    expect(serviceEvents(before, now, revisionsBefore, revisionsNow)).toEqual(expected);
  });
});
