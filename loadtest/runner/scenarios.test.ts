import { describe, expect, it } from "vitest";
import { describeEvent, type PlatformEvent, type RunEvent } from "./events.ts";
import { scenarios } from "./scenarios.ts";
import { summarize } from "./summary.ts";
import { point, row } from "./test-rows.ts";
import type { Row } from "./timeline.ts";

const at = (t: number, platform: PlatformEvent): RunEvent => ({ t, text: describeEvent(platform), platform });
const promoted = (t: number, revision: string) => at(t, { kind: "promoted", revision });
const rolledBack = (t: number, revision: string, primary: string) => at(t, { kind: "rolled-back", revision, primary });
const view = (rows: Row[], events: RunEvent[] = [], primaryAtStart = "redirect-00001") => ({
  rows,
  events,
  summary: summarize(rows, 100, 0),
  primaryAtStart,
});
const verdicts = (name: string, v: ReturnType<typeof view>) =>
  Object.fromEntries((scenarios[name]?.checks(v) ?? []).map((c) => [c.name, c.ok]));

describe("autoscale's checks", () => {
  it("pass for zero, then five replicas, then zero again", () => {
    const rows = [row(0), row(1, { vus: 350, ready: 3 }), row(2, { vus: 350, ready: 5 }), row(3, { ready: 2 }), row(4)];
    expect(verdicts("autoscale", view(rows))).toEqual({
      "starts from zero replicas": true,
      "scales to at least 5 replicas": true,
      "scales back to zero": true,
    });
  });

  it("fail when a replica was already up, the peak is short of five, or zero never comes back", () => {
    const rows = [row(0, { ready: 1 }), row(1, { vus: 350, ready: 4 }), row(2, { ready: 1 })];
    expect(verdicts("autoscale", view(rows))).toEqual({
      "starts from zero replicas": false,
      "scales to at least 5 replicas": false,
      "scales back to zero": false,
    });
    const settled = [row(0), row(1, { vus: 350, ready: 5 }), row(2, { ready: 1 }), row(3, { ready: 0 })];
    expect(verdicts("autoscale", view(settled))["scales back to zero"]).toBe(true);
    expect(scenarios.autoscale?.settledWhen?.(settled)).toBe(true);
    expect(scenarios.autoscale?.settledWhen?.(settled.slice(0, 3))).toBe(false);
  });
});

describe("rollout's checks", () => {
  const end = (revision: string) => row(60, { revisions: { [revision]: point({ percent: 100 }) } });

  it("pass when the released revision was promoted and serves everything", () => {
    const events = [promoted(50, "redirect-00002")];
    expect(verdicts("rollout", view([end("redirect-00002")], events))).toEqual({
      "the new revision is promoted": true,
      "a new revision serves all traffic at the end": true,
    });
    expect(scenarios.rollout?.doneWhen?.(events)).toBe(true);
  });

  it("fail when the old revision still serves", () => {
    expect(verdicts("rollout", view([end("redirect-00001")]))).toEqual({
      "the new revision is promoted": false,
      "a new revision serves all traffic at the end": false,
    });
  });
});

describe("canary's checks and releases", () => {
  const events = [rolledBack(30, "redirect-00002", "redirect-00001"), promoted(80, "redirect-00003")];
  const rows = [
    row(20, { clientFailedPerS: 12 }),
    row(40, { clientFailedPerS: 0 }),
    row(90, { revisions: { "redirect-00003": point({ percent: 100 }) } }),
  ];

  it("pass with a rollback, then a promotion, and no failure after the rollback", () => {
    expect(Object.values(verdicts("canary", view(rows, events)))).toEqual([true, true, true, true]);
  });

  it("fail when requests still fail after the rollback", () => {
    const failing = [...rows.slice(0, 2), row(50, { clientFailedPerS: 3 }), ...rows.slice(2)];
    expect(verdicts("canary", view(failing, events))["no request fails once the faulty revision is rolled back"]).toBe(
      false,
    );
  });

  it("releases the healthy revision only once the faulty one is rolled back", () => {
    const [faulty, healthy] = scenarios.canary?.actions ?? [];
    expect(faulty?.due(9, [])).toBe(false);
    expect(faulty?.due(10, [])).toBe(true);
    expect(healthy?.due(100, [])).toBe(false);
    expect(healthy?.due(31, events.slice(0, 1))).toBe(true);
  });
});

describe("release's end and checks", () => {
  const released = (t: number): RunEvent => ({ t, text: "release: npm run -s promote -- --wait", action: true });
  const refused = (t: number): RunEvent => ({ t, text: "release failed: Command failed: exit 1", action: true });
  const end = row(600, { revisions: { "redirect-00002": point({ percent: 100 }) } });
  const done = (events: RunEvent[]) => scenarios.release?.doneWhen?.(events);

  it("is over once the release command has returned and the promotion is seen (or it failed)", () => {
    expect(done([])).toBe(false);
    expect(done([promoted(300, "redirect-00002")])).toBe(false);
    expect(done([released(10)])).toBe(false);
    expect(done([released(10), promoted(300, "redirect-00002")])).toBe(true);
    expect(done([refused(10)])).toBe(true);
  });

  it("passes when the command succeeded and the new revision serves everything", () => {
    expect(verdicts("release", view([end], [released(10), promoted(300, "redirect-00002")]))).toEqual({
      "the release command succeeded": true,
      "the redirect's new revision is promoted": true,
      "a new revision serves all traffic at the end": true,
    });
  });

  it("fails when the command failed, naming it", () => {
    const checks = scenarios.release?.checks(view([row(60)], [refused(10)])) ?? [];
    expect(checks.map((c) => c.ok)).toEqual([false, false, false]);
    expect(checks[0]?.detail).toBe("10 s: release failed: Command failed: exit 1");
  });
});
