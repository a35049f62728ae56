/**
 * The releases moving a service's traffic to its new revision, as Flagger
 * and Knative's gradual rollout do: a canary analysed each interval on the
 * clock, or a rollout whose steps come due on it. Owns their state; the route
 * reconciler reads it and hands back the rollouts it advanced.
 */
import { analyzeCanary, type CanaryState, startCanary } from "../canary/analysis.ts";
import { type Clock, startTicker, type Ticker } from "../clock.ts";
import type { DesiredCanary } from "../desired/desired-state.ts";
import { planRollout, type RolloutShare } from "../rollout/gradual-rollout.ts";
import type { Rollout } from "./route-reconciler.ts";

export interface ReleasesOptions {
  clock: Clock;
  log: (line: string) => void;
  /** The candidate's answers since the last call (success rate, p99), what the analysis judges. */
  requestStats: (revision: string) => { successRate?: number; durationP99Ms?: number };
  /** A release moved traffic: route again. */
  moved: () => void;
}

export class Releases {
  private rollouts = new Map<string, Rollout>();
  private readonly canaries = new Map<string, { state: CanaryState; ticker: Ticker }>();

  constructor(private readonly options: ReleasesOptions) {}

  /** Knative's gradual rollout: 1 % at once, the rest in equal steps over the duration. */
  startRollout(service: string, durationMs: number, candidate: string, previous: RolloutShare[]): void {
    const percent = previous.reduce((sum, s) => sum + s.percent, 0);
    if (percent <= 1) return; // nothing to move from: the first revision takes it all
    const plan = planRollout(durationMs / 1000, percent);
    this.rollouts.set(service, { candidate, previous, percent, plan, startedAt: this.options.clock.now() });
    this.options.log(
      `${service}: rolling out ${candidate} over ${durationMs / 1000} s, ${plan.stepSize} % every ${(plan.stepMs / 1000).toFixed(1)} s`,
    );
  }

  /** Flagger's way: the new revision gets traffic step by step while its checks pass. */
  startCanary(service: string, spec: DesiredCanary, primary: string, candidate: string): void {
    this.canaries.get(service)?.ticker.stop();
    this.options.requestStats(candidate); // judge only what it answers from now on
    const step = (state: CanaryState) => {
      const result = analyzeCanary(spec, state, this.options.requestStats(candidate));
      for (const event of result.events) this.options.log(`canary ${service}: ${event}`);
      return result.state;
    };
    let state = step(startCanary(primary, candidate));
    const ticker = startTicker(this.options.clock, spec.intervalMs, () => {
      state = step(state);
      const entry = this.canaries.get(service);
      if (entry) entry.state = state;
      if (state.phase !== "Progressing") ticker.stop();
      this.options.moved();
    });
    this.canaries.set(service, { state, ticker });
  }

  /** Ends what was moving the service's traffic (traffic set by hand, or the manifests again). */
  forget(service: string, what: "all" | "rollout" = "all"): void {
    this.rollouts.delete(service);
    if (what === "rollout") return;
    this.canaries.get(service)?.ticker.stop();
    this.canaries.delete(service);
  }

  canaryOf(service: string): CanaryState | undefined {
    return this.canaries.get(service)?.state;
  }

  rolloutOf(service: string): Rollout | undefined {
    return this.rollouts.get(service);
  }

  /** What the route reconciler reads. */
  inProgress(): { canaries: Map<string, CanaryState>; rollouts: Map<string, Rollout> } {
    return {
      canaries: new Map([...this.canaries].map(([service, c]) => [service, c.state])),
      rollouts: this.rollouts,
    };
  }

  /** The rollouts as the route reconciler advanced them (finished ones gone). */
  advanced(rollouts: Map<string, Rollout>): void {
    this.rollouts = rollouts;
  }

  get rolloutsUnderWay(): boolean {
    return this.rollouts.size > 0;
  }

  stop(): void {
    for (const canary of this.canaries.values()) canary.ticker.stop();
  }
}
