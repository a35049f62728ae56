import { describe, expect, it } from "vitest";
import { readAutoscaling } from "./annotations.ts";
import { RevisionAutoscaler, type ScalableRevision, TICK_MS } from "./revision-autoscaler.ts";

/** A revision whose replicas start at once and carry the load the test says: the autoscaler is what is under test. */
class InstantRevision implements ScalableRevision {
  readyCount = 0;
  load = 0;
  reportConcurrency() {
    return { concurrency: this.load, requests: 0 };
  }
  async scaleTo(count: number) {
    this.readyCount = count;
  }
}

const settings = (annotations: Record<string, string> = {}) =>
  readAutoscaling(
    Object.fromEntries(Object.entries(annotations).map(([k, v]) => [`autoscaling.knative.dev/${k}`, v])),
    0,
  ).settings;

/** Runs `seconds` of simulated time: collect every second, decide every 2 s. */
async function simulate(autoscaler: RevisionAutoscaler, from: number, seconds: number, onSecond?: (t: number) => void) {
  const replicas: number[] = [];
  for (let t = from; t < from + seconds * 1000; t += 1000) {
    onSecond?.(t);
    autoscaler.collect(t);
    if (t % TICK_MS === 0) {
      await autoscaler.tick(t);
      replicas.push(autoscaler.status.desired);
    }
  }
  return replicas;
}

describe("RevisionAutoscaler", () => {
  it("scales a loaded revision to load / target, and back to zero after the window and the grace period", async () => {
    const revision = new InstantRevision();
    const autoscaler = new RevisionAutoscaler(
      settings({ window: "6s" }),
      revision,
      { reachable: () => true, scaleToZero: true },
      0,
    );
    await autoscaler.start();
    expect(revision.readyCount).toBe(1); // initial scale
    revision.load = 350; // 5 replicas at 70 each
    const up = await simulate(autoscaler, 0, 20);
    expect(Math.max(...up)).toBe(5);
    expect(revision.readyCount).toBe(5);
    revision.load = 0;
    const down = await simulate(autoscaler, 20_000, 60);
    expect(down.at(-1)).toBe(0);
    const firstZero = down.indexOf(0);
    // Stops wanting pods when the 6 s window empties; goes to zero 30 s (grace) after that.
    expect(firstZero * TICK_MS).toBeGreaterThanOrEqual(30_000);
    expect(revision.readyCount).toBe(0);
  });

  it("decides at once when a request arrives for a revision at zero", async () => {
    const revision = new InstantRevision();
    const autoscaler = new RevisionAutoscaler(
      settings({ window: "6s" }),
      revision,
      { reachable: () => true, scaleToZero: true },
      0,
    );
    await simulate(autoscaler, 0, 60); // idle from the start: reaches zero
    expect(revision.readyCount).toBe(0);
    await autoscaler.demand(61_000);
    expect(revision.readyCount).toBe(1);
  });

  it("keeps min-scale while routed, and drops it when no route sends traffic", async () => {
    const revision = new InstantRevision();
    let routed = true;
    const autoscaler = new RevisionAutoscaler(
      settings({ window: "6s", "min-scale": "2" }),
      revision,
      { reachable: () => routed, scaleToZero: true },
      0,
    );
    await autoscaler.start();
    await simulate(autoscaler, 0, 60);
    expect(revision.readyCount).toBe(2);
    routed = false;
    await simulate(autoscaler, 60_000, 90);
    expect(revision.readyCount).toBe(0);
  });
});
