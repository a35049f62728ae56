/**
 * The revision reconciler (knative/serving pkg/reconciler/revision and the
 * PodAutoscaler's lifecycle): each changed template becomes a revision with
 * its own bundle, replicas and autoscaler; it starts initial-scale replicas
 * and is Ready once they are, or fails at its progress deadline. Its tickers
 * run every autoscaler: the collector's scrape each second, the decider and
 * scaler every 2 s, on the injected clock.
 */
import { join } from "node:path";
import { bundleFunction } from "@platform/processes/bundle";
import { freePort } from "@platform/processes/free-port";
import type { NodeProcessStarter } from "@platform/processes/node-processes";
import type { AutoscalerConfig } from "../autoscaler/config-autoscaler.ts";
import { RevisionAutoscaler, TICK_MS } from "../autoscaler/revision-autoscaler.ts";
import { type Clock, type ClockTimer, startTicker, type Ticker } from "../clock.ts";
import type { DesiredService } from "../desired/desired-state.ts";
import { RevisionRuntime } from "../replicas/revision-runtime.ts";
import { nextRevision, type RevisionRecord } from "../revisions/revision-names.ts";

/** Knative's Revision condition when a revision misses its progress deadline (revision_lifecycle.go). */
export const PROGRESS_DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";
export const INITIAL_SCALE_NEVER_ACHIEVED = "Initial scale was never achieved";

/** The collector scrapes the meters every second (Knative's scrape interval). */
const SCRAPE_MS = 1000;
/** How often a starting revision's replicas are looked at (they are processes: real time). */
const READINESS_POLL_MS = 25;

export interface RunningRevision {
  record: RevisionRecord;
  /** Ready once and given to routing (with its canary or rollout, if any). */
  released: boolean;
  service: string;
  namespace: string;
  targetConcurrency: number;
  runtime: RevisionRuntime;
  autoscaler: RevisionAutoscaler;
}

export interface RevisionReconcilerOptions {
  /** Where revision bundles are written. */
  dataDir: string;
  log: (line: string) => void;
  clock: Clock;
  scaleToZero: boolean;
  echoReplicaLogs: boolean;
  /** How replicas' processes start. */
  processes: NodeProcessStarter;
  /** Whether a route sends the revision traffic (or it is starting): its min-scale holds only then. */
  reachable: (revision: string) => boolean;
  /** A new revision is starting: routing holds it reachable while it does. */
  starting: (revision: string) => void;
  /** A revision failed: routing lets it go. */
  failed: (revision: string) => void;
}

export class RevisionReconciler {
  readonly revisions = new Map<string, RunningRevision>();
  private tickers: Ticker[] = [];

  constructor(private readonly options: RevisionReconcilerOptions) {}

  /**
   * A new revision when the service's template changed (or `redeploy`: the
   * code in the working tree did), started and Ready, or failed at its
   * progress deadline; undefined when there is nothing new.
   */
  async reconcile(
    service: DesiredService,
    cluster: AutoscalerConfig,
    env: Record<string, string>,
    redeploy: boolean,
  ): Promise<RunningRevision | undefined> {
    const { clock, log } = this.options;
    const records = [...this.revisions.values()].map((r) => r.record);
    const record = nextRevision(records, service.name, service.templateDigest, redeploy);
    if (!record) return undefined;
    const entry = await bundleFunction(service.name, join(this.options.dataDir, "revisions", record.name));
    const runtime = new RevisionRuntime(
      {
        service: service.name,
        revision: record.name,
        entry,
        env,
        readinessPath: service.readinessPath,
        containerConcurrency: service.containerConcurrency,
        timeoutSeconds: service.timeoutSeconds,
        ...(this.options.echoReplicaLogs ? { echoLogs: true } : {}),
        processes: this.options.processes,
      },
      freePort,
      clock,
    );
    const autoscaler = new RevisionAutoscaler(
      service.autoscaling,
      cluster,
      runtime,
      {
        reachable: () => this.options.reachable(record.name),
        scaleToZero: this.options.scaleToZero,
        progressDeadlineMs: service.progressDeadlineMs,
      },
      clock.now(),
    );
    runtime.onDemand = () => void autoscaler.demand(clock.now());
    const running: RunningRevision = {
      record,
      released: false,
      service: service.name,
      namespace: service.namespace,
      targetConcurrency: service.autoscaling.targetValue,
      runtime,
      autoscaler,
    };
    this.revisions.set(record.name, running);
    log(`${record.name}: created, starting ${service.autoscaling.initialScale} replica(s)`);
    // Reachable while it starts, so its min-scale holds; traffic moves only once it is Ready.
    this.options.starting(record.name);
    await autoscaler.start();
    const ready = await readyWithin(
      () => runtime.readyCount >= service.autoscaling.initialScale,
      service.progressDeadlineMs,
      clock,
    );
    if (!ready) {
      // As Knative does: the revision fails, scales to zero, and routing stays as it was.
      await runtime.fail(PROGRESS_DEADLINE_EXCEEDED, INITIAL_SCALE_NEVER_ACHIEVED);
      this.options.failed(record.name);
      log(`${record.name}: failed: ${PROGRESS_DEADLINE_EXCEEDED}: ${INITIAL_SCALE_NEVER_ACHIEVED}`);
      return running;
    }
    log(`${record.name}: ready`);
    return running;
  }

  /**
   * Starts the autoscalers' ticker: the collector every second, and every
   * 2 s the decider and scaler right after that second's scrape, so the
   * window holds the current second.
   */
  start(): void {
    const live = () => [...this.revisions.values()].filter((r) => !r.runtime.failure);
    let scrapes = 0;
    this.tickers.push(
      startTicker(this.options.clock, SCRAPE_MS, (now) => {
        for (const r of live()) void r.autoscaler.collect(now);
        if (++scrapes % (TICK_MS / SCRAPE_MS) !== 0) return;
        for (const r of live()) void r.autoscaler.tick(now);
      }),
    );
  }

  async stop(): Promise<void> {
    for (const ticker of this.tickers.splice(0)) ticker.stop();
    await Promise.all([...this.revisions.values()].map((r) => r.runtime.stopAll()));
  }
}

/**
 * True once `check` holds, false if it still does not when `timeoutMs` has
 * passed on `clock`. The replicas are real processes, so they are looked at in
 * real time; the deadline is a decision, so it is on the clock.
 */
function readyWithin(check: () => boolean, timeoutMs: number, clock: Clock): Promise<boolean> {
  return new Promise((resolve) => {
    let poll: NodeJS.Timeout | undefined;
    const deadline: ClockTimer = clock.setTimeout(() => {
      clearTimeout(poll);
      resolve(check());
    }, timeoutMs);
    const look = () => {
      if (!check()) {
        poll = setTimeout(look, READINESS_POLL_MS);
        return;
      }
      clock.clearTimeout(deadline);
      resolve(true);
    };
    look();
  });
}
