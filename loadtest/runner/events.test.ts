import { describe, expect, it } from "vitest";
import { describeEvent, type PlatformEvent, type ServiceView, serviceEvents } from "./events.ts";

const canary = (phase: string, weight: number, name = "redirect-00002"): ServiceView => ({
  name: "redirect",
  canary: { phase, primary: "redirect-00001", canary: name, weight },
});

describe("serviceEvents", () => {
  it.each<[string, ServiceView | undefined, ServiceView | undefined, string[], string[], PlatformEvent[]]>([
    ["nothing changed", canary("Progressing", 20), canary("Progressing", 20), ["a"], ["a"], []],
    [
      "a revision appears",
      undefined,
      undefined,
      ["redirect-00001"],
      ["redirect-00001", "redirect-00002"],
      [{ kind: "created", revision: "redirect-00002" }],
    ],
    [
      "a canary step",
      canary("Progressing", 0),
      canary("Progressing", 20),
      [],
      [],
      [{ kind: "canary-step", revision: "redirect-00002", weight: 20 }],
    ],
    ["a canary starts at 0 %: nothing yet", undefined, canary("Progressing", 0), [], [], []],
    [
      "a rollback",
      canary("Progressing", 20),
      canary("Failed", 0),
      [],
      [],
      [{ kind: "rolled-back", revision: "redirect-00002", primary: "redirect-00001" }],
    ],
    [
      "a promotion",
      canary("Progressing", 40),
      canary("Succeeded", 100),
      [],
      [],
      [{ kind: "promoted", revision: "redirect-00002" }],
    ],
    [
      "a new revision beside the last release's Succeeded (Flagger has not started): not promoted",
      canary("Succeeded", 0, "redirect-00001"),
      canary("Succeeded", 0, "redirect-00002"),
      [],
      [],
      [],
    ],
    [
      "the next canary after a rollback",
      canary("Failed", 0),
      canary("Progressing", 20, "redirect-00003"),
      [],
      [],
      [{ kind: "canary-step", revision: "redirect-00003", weight: 20 }],
    ],
    [
      "a gradual rollout starts and ends",
      { name: "redirect", rollout: { candidate: "redirect-00002" } },
      { name: "redirect" },
      [],
      [],
      [{ kind: "rolled-out", revision: "redirect-00002" }],
    ],
  ])("%s", (_, before, now, revisionsBefore, revisionsNow, expected) => {
    expect(serviceEvents(before, now, revisionsBefore, revisionsNow)).toEqual(expected);
  });
});

describe("describeEvent", () => {
  it.each<[PlatformEvent, string]>([
    [{ kind: "created", revision: "redirect-00002" }, "redirect-00002 created"],
    [{ kind: "canary-step", revision: "redirect-00002", weight: 20 }, "canary redirect-00002 at 20 %"],
    [
      { kind: "rolled-back", revision: "redirect-00002", primary: "redirect-00001" },
      "redirect-00002 rolled back to redirect-00001",
    ],
    [{ kind: "promoted", revision: "redirect-00002" }, "redirect-00002 promoted"],
    [{ kind: "rollout-started", revision: "redirect-00002" }, "rolling out redirect-00002"],
    [{ kind: "rolled-out", revision: "redirect-00002" }, "redirect-00002 rolled out"],
  ])("%j reads %s", (event, text) => {
    expect(describeEvent(event)).toBe(text);
  });
});
