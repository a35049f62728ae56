import { describe, expect, it } from "vitest";
import { readAutoscaling } from "./annotations.ts";
import { type AutoscalerConfig, defaultAutoscalerConfig } from "./config-autoscaler.ts";
import { RevisionAutoscaler, type RevisionStats, type ScalableRevision, TICK_MS } from "./revision-autoscaler.ts";

/** A revision whose replicas start at once and carry the load the test says: the autoscaler is what is under test. */
class InstantRevision implements ScalableRevision {
  readyCount = 0;
  /** Concurrency and requests per second the ready replicas report in all. */
  load = 0;
  rate = 0;
  /** Requests the activator holds. */
  held = 0;
  scaledTo: number[] = [];
  reportStats(): RevisionStats {
    return {
      replicas: this.readyCount > 0 ? { averageConcurrency: this.load, requests: this.rate } : undefined,
      activator: { averageConcurrency: this.held, requests: 0 },
    };
  }
  async scaleTo(count: number) {
    this.scaledTo.push(count);
    this.readyCount = count;
  }
}

const settings = (annotations: Record<string, string> = {}, cluster: AutoscalerConfig = defaultAutoscalerConfig) =>
  readAutoscaling(
    Object.fromEntries(Object.entries(annotations).map(([k, v]) => [`autoscaling.knative.dev/${k}`, v])),
    0,
    cluster,
  ).settings;

function autoscalerFor(
  revision: InstantRevision,
  annotations: Record<string, string> = {},
  options: { reachable?: () => boolean; cluster?: AutoscalerConfig } = {},
) {
  const cluster = options.cluster ?? defaultAutoscalerConfig;
  return new RevisionAutoscaler(
    settings(annotations, cluster),
    cluster,
    revision,
    { reachable: options.reachable ?? (() => true), scaleToZero: true },
    0,
  );
}

/** Runs `seconds` of simulated time: collect every second, decide every 2 s right after (as the platform's timers do). */
async function simulate(autoscaler: RevisionAutoscaler, from: number, seconds: number) {
  const replicas: number[] = [];
  for (let t = from; t < from + seconds * 1000; t += 1000) {
    await autoscaler.collect(t);
    if (t % TICK_MS === 0) {
      await autoscaler.tick(t);
      replicas.push(autoscaler.status.desired);
    }
  }
  return replicas;
}

describe("RevisionAutoscaler", () => {
  it("scales a loaded revision to load / target, and to zero once the activator was in the path for the grace period", async () => {
    const revision = new InstantRevision();
    const autoscaler = autoscalerFor(revision, { window: "6s" });
    await autoscaler.start();
    expect(revision.readyCount).toBe(1); // initial scale
    revision.load = 350; // 5 replicas at 70 each
    const up = await simulate(autoscaler, 0, 20);
    expect(Math.max(...up)).toBe(5);
    expect(revision.readyCount).toBe(5);
    expect(autoscaler.status.activity).toBe("active");
    revision.load = 0;
    const down = await simulate(autoscaler, 20_000, 40);
    // t=20 s: the 6 s window still averages 5 x 350 / 6 (5 replicas); t=22: 3 x 350 / 6 -> 3; t=24:
    // 350 / 6 -> 1 (at most halving: 3 -> 1 is allowed, floor(3 / 2) = 1); t=26: zeros only -> 0. The
    // PodAutoscaler, active for more than the stable window, turns inactive and scales nothing yet; with
    // one replica the burst capacity (1 x 100 - 211) is negative, so the activator is in the path from
    // t=26 s; after the 30 s grace period (t=56 s) the revision goes to zero.
    expect(down.slice(0, 4)).toEqual([5, 3, 1, 1]);
    expect(down.indexOf(0) * TICK_MS + 20_000).toBe(56_000);
    expect(revision.readyCount).toBe(0);
  });

  it("records nothing while no replica is ready, so a revision at zero has no data and stays there", async () => {
    const revision = new InstantRevision();
    const autoscaler = autoscalerFor(revision, { window: "6s" });
    await simulate(autoscaler, 0, 40);
    expect(revision.readyCount).toBe(0);
    expect(autoscaler.status).toMatchObject({ stableConcurrency: 0, desired: 0, activity: "inactive" });
  });

  it("decides at once when a request arrives for a revision at zero (the activator's first stat)", async () => {
    const revision = new InstantRevision();
    const autoscaler = autoscalerFor(revision, { window: "6s" });
    await autoscaler.start();
    await simulate(autoscaler, 0, 40); // idle: zero at t=30 s (the activator in the path since t=0)
    expect(revision.readyCount).toBe(0);
    revision.scaledTo = [];
    await autoscaler.demand(40_500);
    expect(revision.scaledTo).toEqual([1]);
  });

  it("keeps min-scale while routed, and drops it when no route sends traffic", async () => {
    const revision = new InstantRevision();
    let routed = true;
    const autoscaler = autoscalerFor(revision, { window: "6s", "min-scale": "2" }, { reachable: () => routed });
    await autoscaler.start();
    await simulate(autoscaler, 0, 60);
    expect(revision.readyCount).toBe(2);
    routed = false;
    await simulate(autoscaler, 60_000, 60);
    expect(revision.readyCount).toBe(0);
  });

  it("scales on requests per second with metric: rps", async () => {
    const revision = new InstantRevision();
    const autoscaler = autoscalerFor(revision, { window: "6s", metric: "rps", target: "10" });
    await autoscaler.start();
    revision.rate = 45; // 45 requests per second at 10 x 70 % = 7 per replica: 7 replicas
    revision.load = 0.5; // concurrency is not what it scales on
    await simulate(autoscaler, 0, 20);
    expect(autoscaler.status).toMatchObject({ stableRps: 45, desired: 7 });
  });

  it("reads the cluster's config-autoscaler: enable-scale-to-zero false keeps one replica", async () => {
    const revision = new InstantRevision();
    const cluster = { ...defaultAutoscalerConfig, enableScaleToZero: false };
    const autoscaler = autoscalerFor(revision, { window: "6s" }, { cluster });
    await autoscaler.start();
    await simulate(autoscaler, 0, 90);
    expect(revision.readyCount).toBe(1);
  });

  it("reads the cluster's config-autoscaler: a longer grace period when the activator comes in late", async () => {
    const revision = new InstantRevision();
    // Burst capacity 0: the activator joins the path only when the revision goes inactive.
    const cluster = { ...defaultAutoscalerConfig, targetBurstCapacity: 0, scaleToZeroGracePeriodMs: 20_000 };
    const autoscaler = autoscalerFor(revision, { window: "6s" }, { cluster });
    await autoscaler.start();
    const replicas = await simulate(autoscaler, 0, 60);
    // Active from t=0 with no load; the decider wants 0 at once; the PodAutoscaler keeps 1 replica until it
    // was active a whole stable window (t=6 s), turns inactive and brings the activator in; 20 s later, zero.
    expect(replicas.indexOf(0) * TICK_MS).toBe(26_000);
  });
});
