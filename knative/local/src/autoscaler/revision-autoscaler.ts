/**
 * The autoscaler of one revision: every second it collects the replicas'
 * concurrency into the stable and panic windows; every 2 s it decides
 * (decider.ts), bounds the result and applies scale to zero (scale.ts), and
 * scales the revision. A request for a revision at zero is decided at once,
 * as Knative's activator makes its autoscaler do.
 */
import type { AutoscalingSettings } from "./annotations.ts";
import { type DeciderSpec, type DeciderState, decide, newDeciderState, TICK_MS } from "./decider.ts";
import { applyScaleToZero, boundScale, type ScaleToZeroState } from "./scale.ts";
import { WindowedAverage } from "./windowed-average.ts";

/** What the autoscaler needs of a revision's replicas. */
export interface ScalableRevision {
  readonly readyCount: number;
  reportConcurrency(now: number): { concurrency: number; requests: number };
  scaleTo(count: number): Promise<void>;
}

export interface ScaleStatus {
  desired: number;
  actual: number;
  stableConcurrency: number;
  panicConcurrency: number;
  panicking: boolean;
  excessBurstCapacity: number;
}

export class RevisionAutoscaler {
  private readonly stable: WindowedAverage;
  private readonly panic: WindowedAverage;
  private decider: DeciderState;
  private zero: ScaleToZeroState = { activeSince: undefined, wantsZeroSince: undefined };
  private desired: number;
  private reachedInitialScale = false;
  status: ScaleStatus;

  constructor(
    private readonly settings: AutoscalingSettings,
    private readonly revision: ScalableRevision,
    private readonly options: { reachable: () => boolean; scaleToZero: boolean },
    now: number,
  ) {
    this.stable = new WindowedAverage(settings.stableWindowMs);
    this.panic = new WindowedAverage(settings.panicWindowMs);
    this.decider = newDeciderState(revision.readyCount, now);
    this.desired = Math.max(settings.initialScale, options.reachable() ? settings.minScale : 0);
    this.status = {
      desired: this.desired,
      actual: revision.readyCount,
      stableConcurrency: 0,
      panicConcurrency: 0,
      panicking: false,
      excessBurstCapacity: 0,
    };
  }

  /** Scales to the initial scale; call once. */
  start(): Promise<void> {
    return this.revision.scaleTo(this.desired);
  }

  /** Every second: the replicas' time-weighted concurrency into the windows. */
  collect(now: number): void {
    const { concurrency } = this.revision.reportConcurrency(now);
    this.stable.record(now, concurrency);
    this.panic.record(now, concurrency);
    if (this.revision.readyCount >= this.settings.initialScale) this.reachedInitialScale = true;
  }

  /** Every 2 s (TICK_MS): decide and scale. */
  async tick(now: number): Promise<void> {
    const observation = this.stable.isEmpty(now)
      ? undefined
      : { readyPods: this.revision.readyCount, stable: this.stable.average(now), panic: this.panic.average(now) };
    const { decision, state } = decide(this.spec(), this.decider, observation, now);
    this.decider = state;
    const wished = decision?.desiredPods ?? (observation ? this.desired : 0);
    const bounded = boundScale(wished, {
      minScale: this.settings.minScale,
      maxScale: this.settings.maxScale,
      initialScale: this.settings.initialScale,
      reachable: this.options.reachable(),
      reachedInitialScale: this.reachedInitialScale,
    });
    const applied = applyScaleToZero(bounded, this.desired, this.zero, this.timing(), now);
    this.zero = applied.state;
    this.desired = applied.replicas;
    this.status = {
      desired: this.desired,
      actual: this.revision.readyCount,
      stableConcurrency: observation?.stable ?? 0,
      panicConcurrency: observation?.panic ?? 0,
      panicking: decision?.panicking ?? false,
      excessBurstCapacity: decision?.excessBurstCapacity ?? this.status.excessBurstCapacity,
    };
    await this.revision.scaleTo(this.desired);
  }

  /** A request arrived with no replica ready: count it and decide now instead of at the next tick. */
  async demand(now: number): Promise<void> {
    this.stable.record(now, 1);
    this.panic.record(now, 1);
    if (this.desired === 0) await this.tick(now);
  }

  private spec(): DeciderSpec {
    return {
      targetValue: this.settings.targetValue,
      totalValue: this.settings.totalValue,
      targetBurstCapacity: this.settings.targetBurstCapacity,
      panicThreshold: this.settings.panicThreshold,
      maxScaleUpRate: 1000,
      maxScaleDownRate: 2,
      stableWindowMs: this.settings.stableWindowMs,
      activationScale: this.settings.activationScale,
      scaleDownDelayMs: this.settings.scaleDownDelayMs,
      reachable: this.options.reachable(),
    };
  }

  private timing() {
    return {
      stableWindowMs: this.settings.stableWindowMs,
      scaleToZeroPodRetentionMs: this.settings.scaleToZeroPodRetentionMs,
      enabled: this.options.scaleToZero,
    };
  }
}

export { TICK_MS };
