/**
 * The autoscaler of one revision, cut as Knative's: the collector records what
 * the replicas' queue-proxies and the activator report into 1-second windows
 * (pkg/autoscaler/metrics/collector.go); every 2 s the decider decides
 * (decider.ts, scaling/autoscaler.go) and the PodAutoscaler reconciler bounds
 * the result and applies scale to zero (scale.ts, reconciler/autoscaling/kpa).
 * A request for a revision at zero makes it decide at once, as the activator's
 * first stat pokes Knative's autoscaler.
 */
import type { AutoscalingSettings } from "./annotations.ts";
import type { AutoscalerConfig } from "./config-autoscaler.ts";
import { type DeciderSpec, type DeciderState, decide, newDeciderState, TICK_MS } from "./decider.ts";
import {
  ACTIVATION_TIMEOUT_BUFFER_MS,
  newPodAutoscalerState,
  type PodAutoscalerState,
  reconcilePodAutoscaler,
} from "./scale.ts";
import { WindowedAverage } from "./windowed-average.ts";

/** One report: time-weighted average concurrency over the period, and the requests that arrived in it. */
export interface MeteredStat {
  averageConcurrency: number;
  requests: number;
}

/** What the revision's meters say for the last period. */
export interface RevisionStats {
  /** The ready replicas' reports summed (Knative averages a sample and multiplies by the ready count; all are sampled here). Undefined when no replica is ready: there is nothing to scrape. */
  replicas: MeteredStat | undefined;
  /** The activator's report for the requests it held while no replica could take them. */
  activator: MeteredStat;
}

/** What the autoscaler needs of a revision's replicas. */
export interface ScalableRevision {
  readonly readyCount: number;
  reportStats(now: number): RevisionStats;
  scaleTo(count: number): Promise<void>;
}

export interface ScaleStatus {
  desired: number;
  actual: number;
  stableConcurrency: number;
  panicConcurrency: number;
  /** Requests per second over the stable and the panic window. */
  stableRps: number;
  panicRps: number;
  panicking: boolean;
  excessBurstCapacity: number;
  /** The PodAutoscaler's Active condition. */
  activity: PodAutoscalerState["activity"];
  /** The activator is in the request path (Knative's SKS proxy mode). */
  activatorInPath: boolean;
}

export interface RevisionAutoscalerOptions {
  reachable: () => boolean;
  /** False turns scale to zero off whatever the ConfigMap says (tests, `npm start` options). */
  scaleToZero: boolean;
  /** serving.knative.dev/progress-deadline; 600 s by default. */
  progressDeadlineMs?: number;
}

/** A metric's stable and panic windows. */
class Windows {
  readonly stable: WindowedAverage;
  readonly panic: WindowedAverage;
  constructor(settings: AutoscalingSettings) {
    this.stable = new WindowedAverage(settings.stableWindowMs);
    this.panic = new WindowedAverage(settings.panicWindowMs);
  }
  record(now: number, value: number): void {
    this.stable.record(now, value);
    this.panic.record(now, value);
  }
}

export class RevisionAutoscaler {
  private readonly concurrency: Windows;
  private readonly rps: Windows;
  private decider: DeciderState;
  /** The decider's last valid result; -1 until it has data (Knative's DeciderStatus). */
  private decided: { desired: number; excessBurstCapacity: number };
  private podAutoscaler: PodAutoscalerState;
  /** The activator reported a first request at once and takes it off its next report. */
  private activatorSeen = false;
  private activatorFirstAdjust = 0;
  private replicas: number;
  status: ScaleStatus;

  constructor(
    private readonly settings: AutoscalingSettings,
    private readonly cluster: AutoscalerConfig,
    private readonly revision: ScalableRevision,
    private readonly options: RevisionAutoscalerOptions,
    now: number,
  ) {
    this.concurrency = new Windows(settings);
    this.rps = new Windows(settings);
    this.decider = newDeciderState(revision.readyCount, now);
    const tbc = settings.targetBurstCapacity;
    this.decided = {
      desired: -1,
      excessBurstCapacity: tbc <= 0 ? tbc : Math.trunc(settings.initialScale * settings.totalValue - tbc),
    };
    this.podAutoscaler = newPodAutoscalerState(now);
    // The Deployment is created with initial-scale replicas.
    this.replicas = settings.initialScale;
    this.status = {
      desired: this.replicas,
      actual: revision.readyCount,
      stableConcurrency: 0,
      panicConcurrency: 0,
      stableRps: 0,
      panicRps: 0,
      panicking: false,
      excessBurstCapacity: this.decided.excessBurstCapacity,
      activity: this.podAutoscaler.activity,
      activatorInPath: true,
    };
  }

  /** Scales to the initial scale; call once. */
  start(): Promise<void> {
    return this.revision.scaleTo(this.replicas);
  }

  /** Every second: what the meters report, into the windows (the collector's scrape). */
  async collect(now: number): Promise<void> {
    const { replicas, activator } = this.revision.reportStats(now);
    // Knative's scraper records nothing when no pod is ready.
    if (replicas) this.record(now, replicas.averageConcurrency, replicas.requests);
    if (this.activatorSeen) {
      // The first request was reported at once; the period's report leaves it out (never below 0).
      const concurrency = Math.max(activator.averageConcurrency - this.activatorFirstAdjust, 0);
      this.record(now, concurrency, activator.requests - this.activatorFirstAdjust);
      this.activatorFirstAdjust = 0;
      if (activator.averageConcurrency === 0) this.activatorSeen = false;
      if (concurrency !== 0) await this.poke(now);
    }
  }

  /** A request is held by the activator: its first one is reported at once, and pokes a revision at zero. */
  async demand(now: number): Promise<void> {
    if (this.activatorSeen) return;
    this.activatorSeen = true;
    this.activatorFirstAdjust = 1;
    this.record(now, 1, 1);
    await this.poke(now);
  }

  /** Every 2 s (TICK_MS): decide, reconcile the PodAutoscaler, scale. */
  async tick(now: number): Promise<void> {
    const windows = this.settings.metric === "rps" ? this.rps : this.concurrency;
    const readyPods = this.revision.readyCount;
    const observation = windows.stable.isEmpty(now)
      ? undefined
      : { readyPods, stable: windows.stable.average(now), panic: windows.panic.average(now) };
    const { decision, state } = decide(this.deciderSpec(), this.decider, observation, now);
    this.decider = state;
    if (decision) this.decided = { desired: decision.desiredPods, excessBurstCapacity: decision.excessBurstCapacity };

    const reconciled = reconcilePodAutoscaler(
      {
        minScale: this.settings.minScale,
        maxScale: this.settings.maxScale,
        initialScale: this.settings.initialScale,
        reachable: this.options.reachable(),
        enableScaleToZero: this.cluster.enableScaleToZero && this.options.scaleToZero,
        stableWindowMs: this.settings.stableWindowMs,
        scaleToZeroGracePeriodMs: this.cluster.scaleToZeroGracePeriodMs,
        scaleToZeroPodRetentionMs: this.settings.scaleToZeroPodRetentionMs,
        targetBurstCapacity: this.settings.targetBurstCapacity,
        activationTimeoutMs: (this.options.progressDeadlineMs ?? 600_000) + ACTIVATION_TIMEOUT_BUFFER_MS,
      },
      this.podAutoscaler,
      this.decided,
      readyPods,
      now,
    );
    this.podAutoscaler = reconciled.state;
    if (reconciled.apply !== undefined) this.replicas = reconciled.apply;
    const read = (w: WindowedAverage) => (w.isEmpty(now) ? 0 : w.average(now));
    this.status = {
      desired: this.replicas,
      actual: readyPods,
      stableConcurrency: read(this.concurrency.stable),
      panicConcurrency: read(this.concurrency.panic),
      stableRps: read(this.rps.stable),
      panicRps: read(this.rps.panic),
      panicking: decision?.panicking ?? this.status.panicking,
      excessBurstCapacity: this.decided.excessBurstCapacity,
      activity: reconciled.state.activity,
      activatorInPath: reconciled.proxy,
    };
    await this.revision.scaleTo(this.replicas);
  }

  /** Knative's MultiScaler.Poke: a revision the decider last sent to zero decides now, not at the next tick. */
  private async poke(now: number): Promise<void> {
    if (this.decided.desired === 0) await this.tick(now);
  }

  private record(now: number, concurrency: number, requests: number): void {
    this.concurrency.record(now, concurrency);
    this.rps.record(now, requests);
  }

  private deciderSpec(): DeciderSpec {
    return {
      targetValue: this.settings.targetValue,
      totalValue: this.settings.totalValue,
      targetBurstCapacity: this.settings.targetBurstCapacity,
      panicThreshold: this.settings.panicThreshold,
      maxScaleUpRate: this.cluster.maxScaleUpRate,
      maxScaleDownRate: this.cluster.maxScaleDownRate,
      stableWindowMs: this.settings.stableWindowMs,
      activationScale: this.settings.activationScale,
      scaleDownDelayMs: this.settings.scaleDownDelayMs,
      reachable: this.options.reachable(),
    };
  }
}

export { TICK_MS };
