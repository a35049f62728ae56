/**
 * The local Knative Serving: takes the rendered local overlay as desired
 * state and runs it. Each changed template becomes a revision with its own
 * bundle; each revision has replicas (processes), an autoscaler and a
 * request path; the ingress routes hosts to revisions by the traffic rules.
 */
import { join } from "node:path";
import type { AutoscalingSettings } from "../autoscaler/annotations.ts";
import { RevisionAutoscaler, type ScaleStatus, TICK_MS } from "../autoscaler/revision-autoscaler.ts";
import { analyzeCanary, type CanaryState, canaryTraffic, startCanary } from "../canary/analysis.ts";
import { type Clock, type ClockTimer, startTicker, systemClock, type Ticker } from "../clock.ts";
import type { RevisionRequestTotals } from "../control/knative-metrics.ts";
import {
  type DesiredCanary,
  type DesiredService,
  type DesiredState,
  InvalidManifestError,
  readDesiredState,
} from "../desired/desired-state.ts";
import { type LiveChange, mergeLiveChanges, withTag } from "../desired/live-changes.ts";
import { freePort } from "../free-port.ts";
import { Ingress } from "../ingress/ingress.ts";
import { type LastCrash, type RevisionFailure, RevisionRuntime } from "../replicas/revision-runtime.ts";
import { bundleFunction } from "../revisions/bundle.ts";
import { nextRevision, type RevisionRecord } from "../revisions/revision-names.ts";
import {
  candidatePercent,
  planRollout,
  type RolloutPlan,
  type RolloutShare,
  rolloutSplit,
} from "../rollout/gradual-rollout.ts";
import { hostOf, type ResolvedTarget, resolveTraffic, routesByHost, type TrafficTarget } from "../routing/traffic.ts";
import { resolveEnvironment } from "./environment.ts";

export interface LocalServingOptions {
  /** Where revision bundles are written. */
  dataDir: string;
  domain: string;
  /** The Secrets the manifests reference (platform-secrets), from the local platform. */
  secrets: Map<string, Record<string, string>>;
  log: (line: string) => void;
  scaleToZero?: boolean;
  /** Set last on every replica, over the manifest's (e.g. LOG_LEVEL for a test). */
  envOverrides?: Record<string, string>;
  /** Write the replicas' output to the platform's own too (npm start). */
  echoReplicaLogs?: boolean;
  /**
   * The time of every decision (revision lifecycle, routing, autoscaling), as
   * Knative's tickProvider: the system clock, or a ManualClock in tests.
   */
  clock?: Clock;
}

export interface ServiceStatus {
  name: string;
  namespace: string;
  url: string;
  traffic: TrafficTarget[];
  minScale: number;
  maxScale: number;
  /** What the latest template's annotations make of scaling (target after utilization, windows, bounds). */
  autoscaling: AutoscalingSettings;
  liveChange?: LiveChange;
  canary?: CanaryState;
  rollout?: { candidate: string; startedAt: number };
}

/** A change the caller asked for that cannot be made now (HTTP 409). */
export class ConflictError extends Error {}

/** No Service of that name in the manifests (HTTP 404). */
export class UnknownServiceError extends Error {
  constructor(service: string) {
    super(`no Service named "${service}" in the manifests`);
  }
}

/** A gradual rollout under way: the new revision's share of the latest-revision target grows step by step. */
interface Rollout {
  candidate: string;
  /** What the latest-revision target served before, oldest first. */
  previous: RolloutShare[];
  percent: number;
  plan: RolloutPlan;
  startedAt: number;
}

export interface RevisionStatus extends ScaleStatus {
  service: string;
  namespace: string;
  revision: string;
  routed: boolean;
  /** Share of the service's main host, percent. */
  percent: number;
  tags: string[];
  ready: number;
  inFlight: number;
  crashes: number;
  targetConcurrency: number;
  /** Replica processes alive: starting, ready or draining. */
  running?: number;
  /** Set when the revision was given up: Knative's Ready=False reason and message, and its replicas' last lines. */
  failure?: RevisionFailure;
  /** While a crashed replica waits out its CrashLoopBackOff: which one, its exit code and when it starts again. */
  crashLoop?: LastCrash & { backingOff: number };
}

interface RunningRevision {
  record: RevisionRecord;
  /** Ready once and given to routing (with its canary or rollout, if any). */
  released: boolean;
  service: string;
  namespace: string;
  targetConcurrency: number;
  runtime: RevisionRuntime;
  autoscaler: RevisionAutoscaler;
}

export class LocalServing {
  readonly ingress: Ingress;
  private readonly revisions = new Map<string, RunningRevision>();
  private desired: DesiredState | undefined;
  /** The last rendered manifests applied, to apply again with new live changes. */
  private rendered: string | undefined;
  private readonly liveChanges = new Map<string, LiveChange>();
  private queue: Promise<void> = Promise.resolve();
  private readonly rollouts = new Map<string, Rollout>();
  /** Each service's resolved targets at the last routing. */
  private resolvedTargets = new Map<string, ResolvedTarget[]>();
  private routed = new Set<string>();
  private tickers: Ticker[] = [];
  private readonly canaries = new Map<string, { state: CanaryState; ticker: Ticker | undefined }>();
  private readonly clock: Clock;

  constructor(private readonly options: LocalServingOptions) {
    this.clock = options.clock ?? systemClock;
    this.ingress = new Ingress((name) => this.revisions.get(name)?.runtime);
  }

  /**
   * Applies rendered manifests. A manifest Knative would reject is refused
   * whole (the error says why) and the running state stays as it was.
   */
  apply(renderedYaml: string, options: { redeploy?: string } = {}): Promise<void> {
    return this.oneAtATime(() => this.applyNow(renderedYaml, options));
  }

  /** Applies, changes and resets run one after another, so two never make the same revision. */
  private oneAtATime<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.then(
      () => {},
      () => {},
    );
    return result;
  }

  private async applyNow(renderedYaml: string, options: { redeploy?: string } = {}): Promise<void> {
    const desired = readDesiredState(renderedYaml, this.liveChanges);
    if (options.redeploy && !desired.services.some((s) => s.name === options.redeploy)) {
      throw new UnknownServiceError(options.redeploy);
    }
    // Every environment resolves before anything changes: a missing key refuses the whole apply.
    const envs = new Map(desired.services.map((service) => [service.name, this.environmentOf(service, desired)]));
    for (const service of desired.services) {
      const redeploy = service.name === options.redeploy;
      await this.reconcileService(service, desired, envs.get(service.name) ?? {}, redeploy);
    }
    this.desired = desired;
    this.rendered = renderedYaml;
    this.updateRoutes();
  }

  /**
   * Changes a running Service as `kn service update` would: traffic moves
   * routes; min/max scale make a new revision. Validated like a manifest; a
   * refused change leaves everything as it was.
   */
  change(service: string, change: LiveChange): Promise<void> {
    return this.oneAtATime(() => this.changeNow(service, change));
  }

  private async changeNow(service: string, change: LiveChange): Promise<void> {
    const rendered = this.rendered;
    if (!rendered) throw new Error("nothing applied yet");
    if (!this.desired?.services.some((s) => s.name === service)) throw new UnknownServiceError(service);
    if (change.traffic && this.canaries.get(service)?.state.phase === "Progressing") {
      throw new ConflictError(`a canary analysis is moving the traffic of ${service}: wait for it to end`);
    }
    const missing = change.traffic?.find((t) => t.revisionName && !this.revisions.has(t.revisionName));
    if (missing) {
      throw new InvalidManifestError(
        `Service/${service}: Revision "${missing.revisionName}" referenced in traffic not found.`,
      );
    }
    const before = this.liveChanges.get(service);
    this.liveChanges.set(service, mergeLiveChanges(before, change));
    try {
      await this.applyNow(rendered);
    } catch (error) {
      if (before) this.liveChanges.set(service, before);
      else this.liveChanges.delete(service);
      throw error;
    }
    if (change.traffic) {
      // Traffic set by hand ends what was moving it.
      this.canaries.delete(service);
      this.rollouts.delete(service);
      this.updateRoutes();
    }
    this.options.log(`${service}: changed ${JSON.stringify(change)}`);
  }

  /** `kn service update --tag tag=revision`; no revision removes the tag. */
  tag(service: string, tag: string, revision: string | undefined): Promise<void> {
    return this.oneAtATime(() => this.changeNow(service, { traffic: withTag(this.trafficOf(service), tag, revision) }));
  }

  /** Drops a Service's live changes: the manifests alone again. */
  resetLiveChanges(service: string): Promise<void> {
    return this.oneAtATime(async () => {
      if (!this.rendered || !this.liveChanges.delete(service)) return;
      this.rollouts.delete(service);
      await this.applyNow(this.rendered);
      this.options.log(`${service}: live changes reset to the manifests`);
    });
  }

  /** Each Service: its URL, spec.traffic, live change, and the canary or rollout moving its traffic. */
  services(): ServiceStatus[] {
    return (this.desired?.services ?? []).map((service) => {
      const rollout = this.rollouts.get(service.name);
      const canary = this.canaries.get(service.name)?.state;
      const change = this.liveChanges.get(service.name);
      return {
        name: service.name,
        namespace: service.namespace,
        url: `http://${hostOf(service.name, service.namespace, this.options.domain)}`,
        traffic: service.traffic,
        minScale: service.autoscaling.minScale,
        maxScale: service.autoscaling.maxScale,
        autoscaling: service.autoscaling,
        ...(change ? { liveChange: change } : {}),
        ...(canary ? { canary } : {}),
        ...(rollout ? { rollout: { candidate: rollout.candidate, startedAt: rollout.startedAt } } : {}),
      };
    });
  }

  /** spec.traffic as it is now (the manifest's, or the live change's). */
  trafficOf(service: string) {
    return this.desired?.services.find((s) => s.name === service)?.traffic ?? [];
  }

  /** What a revision's replicas wrote (the last 1000 lines), and a way to follow. */
  logsOf(revision: string) {
    return this.revisions.get(revision)?.runtime.logs;
  }
  /** Starts the tickers: the collector's scrape every second, the decider every 2 s, a rollout's steps. */
  start(): void {
    this.tickers.push(
      startTicker(this.clock, SCRAPE_MS, (now) => {
        for (const r of this.revisions.values()) if (!r.runtime.failure) void r.autoscaler.collect(now);
      }),
      // A rollout's steps land on time (they are a second or more apart).
      startTicker(this.clock, ROLLOUT_CHECK_MS, () => {
        if (this.rollouts.size > 0) this.updateRoutes();
      }),
      startTicker(this.clock, TICK_MS, (now) => {
        for (const r of this.revisions.values()) if (!r.runtime.failure) void r.autoscaler.tick(now);
      }),
    );
  }

  /** Canary analyses under way or ended, by service. */
  canaryStatus(): Record<string, CanaryState> {
    return Object.fromEntries([...this.canaries].map(([service, c]) => [service, c.state]));
  }

  async stop(): Promise<void> {
    for (const ticker of this.tickers.splice(0)) ticker.stop();
    for (const canary of this.canaries.values()) canary.ticker?.stop();
    await Promise.all([...this.revisions.values()].map((r) => r.runtime.stopAll()));
    await this.ingress.close();
  }

  /** Each revision's answers since it started, by tag, for /metrics. */
  requestTotals(): RevisionRequestTotals[] {
    return [...this.revisions.values()].flatMap((r) =>
      [...r.runtime.totals].map(([tag, totals]) => ({
        service: r.service,
        namespace: r.namespace,
        revision: r.record.name,
        tag,
        ...totals,
      })),
    );
  }

  /** Revisions by service, for status pages and tests. */
  status(): RevisionStatus[] {
    return [...this.revisions.values()].map((r) => ({
      service: r.service,
      namespace: r.namespace,
      revision: r.record.name,
      routed: this.routed.has(r.record.name),
      percent: (this.resolvedTargets.get(r.service) ?? [])
        .filter((t) => t.revision === r.record.name)
        .reduce((sum, t) => sum + t.percent, 0),
      tags: (this.resolvedTargets.get(r.service) ?? []).flatMap((t) =>
        t.revision === r.record.name && t.tag ? [t.tag] : [],
      ),
      ready: r.runtime.readyCount,
      inFlight: r.runtime.inFlight,
      crashes: r.runtime.crashes,
      running: r.runtime.replicas.length,
      targetConcurrency: r.targetConcurrency,
      ...r.autoscaler.status,
      ...(r.runtime.failure ? { failure: r.runtime.failure, desired: 0 } : {}),
      ...(r.runtime.backingOff > 0 && r.runtime.lastCrash
        ? { crashLoop: { ...r.runtime.lastCrash, backingOff: r.runtime.backingOff } }
        : {}),
    }));
  }

  private environmentOf(service: DesiredService, desired: DesiredState): Record<string, string> {
    try {
      return {
        ...resolveEnvironment(service.env, service.envFrom, desired.configMaps, this.options.secrets),
        ...this.options.envOverrides,
      };
    } catch (error) {
      throw new InvalidManifestError(`Service/${service.name}: ${error instanceof Error ? error.message : error}`);
    }
  }

  private async reconcileService(
    service: DesiredService,
    desired: DesiredState,
    env: Record<string, string>,
    /** A new revision even if the template did not change: the code in the working tree did. */
    redeploy = false,
  ): Promise<void> {
    const records = [...this.revisions.values()].map((r) => r.record);
    const record = nextRevision(records, service.name, service.templateDigest, redeploy);
    if (!record) return;
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
      },
      freePort,
      this.clock,
    );
    const autoscaler = new RevisionAutoscaler(
      service.autoscaling,
      desired.autoscalerConfig,
      runtime,
      {
        reachable: () => this.routed.has(record.name),
        scaleToZero: this.options.scaleToZero ?? true,
        progressDeadlineMs: service.progressDeadlineMs,
      },
      this.clock.now(),
    );
    runtime.onDemand = () => void autoscaler.demand(this.clock.now());
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
    this.options.log(`${record.name}: created, starting ${service.autoscaling.initialScale} replica(s)`);
    // Routed while it starts, so its min-scale holds; traffic moves only once it is Ready.
    this.routed.add(record.name);
    await autoscaler.start();
    const ready = await readyWithin(
      () => runtime.readyCount >= service.autoscaling.initialScale,
      service.progressDeadlineMs,
      this.clock,
    );
    if (!ready) {
      // As Knative does: the revision fails, scales to zero, and routing stays as it was.
      await runtime.fail(PROGRESS_DEADLINE_EXCEEDED, INITIAL_SCALE_NEVER_ACHIEVED);
      this.routed.delete(record.name);
      this.options.log(`${record.name}: failed: ${PROGRESS_DEADLINE_EXCEEDED}: ${INITIAL_SCALE_NEVER_ACHIEVED}`);
      return;
    }
    this.options.log(`${record.name}: ready`);
    const canary = desired.canaries.find((c) => c.service === service.name);
    const primary = this.primaryOf(service.name);
    if (canary && primary) this.startCanary(service.name, canary, primary, record.name);
    else if (service.rolloutDurationMs > 0) this.startRollout(service.name, service.rolloutDurationMs, record.name);
    running.released = true;
  }

  /** The revision with most traffic on the service's main host at the last routing. */
  private primaryOf(service: string): string | undefined {
    return [...(this.resolvedTargets.get(service) ?? [])].sort((a, b) => b.percent - a.percent)[0]?.revision;
  }

  /** Knative's gradual rollout: 1 % at once, the rest in equal steps over the duration. */
  private startRollout(service: string, durationMs: number, candidate: string): void {
    // What the latest-revision target served at the last routing.
    const previous = (this.resolvedTargets.get(service) ?? [])
      .filter((t) => t.latest && !t.tag)
      .map((t) => ({ revision: t.revision, percent: t.percent }));
    const percent = previous.reduce((sum, s) => sum + s.percent, 0);
    if (percent <= 1) return; // nothing to move from: the first revision takes it all
    const plan = planRollout(durationMs / 1000, percent);
    this.rollouts.set(service, { candidate, previous, percent, plan, startedAt: this.clock.now() });
    this.options.log(
      `${service}: rolling out ${candidate} over ${durationMs / 1000} s, ${plan.stepSize} % every ${(plan.stepMs / 1000).toFixed(1)} s`,
    );
  }

  /** The latest-revision target of a service while a rollout moves it: the previous revisions and the new one. */
  private rolledOut(service: string, targets: ResolvedTarget[], now: number): ResolvedTarget[] {
    const rollout = this.rollouts.get(service);
    const latest = targets.find((t) => t.latest && !t.tag);
    if (!latest) return targets;
    let shares: RolloutShare[] = [{ revision: latest.revision, percent: latest.percent }];
    if (rollout && rollout.candidate === latest.revision && rollout.percent === latest.percent) {
      const share = candidatePercent(rollout.plan, rollout.percent, now - rollout.startedAt);
      shares = rolloutSplit(rollout.previous, rollout.candidate, share);
      if (share >= rollout.percent) {
        this.rollouts.delete(service);
        this.options.log(`${service}: ${rollout.candidate} rolled out`);
      }
    } else if (rollout) {
      this.rollouts.delete(service); // the traffic it was moving changed
    }
    return [...targets.filter((t) => t !== latest), ...shares.map((s) => ({ ...s, latest: true as const }))];
  }

  /** Flagger's way: the new revision gets traffic step by step while its checks pass. */
  private startCanary(service: string, spec: DesiredCanary, primary: string, candidate: string): void {
    this.canaries.get(service)?.ticker?.stop();
    const runtime = this.revisions.get(candidate)?.runtime;
    runtime?.takeRequestStats(); // judge only what it answers from now on
    const step = (state: CanaryState) => {
      const result = analyzeCanary(spec, state, runtime?.takeRequestStats() ?? {});
      for (const event of result.events) this.options.log(`canary ${service}: ${event}`);
      return result.state;
    };
    const entry = { state: step(startCanary(primary, candidate)), ticker: undefined as Ticker | undefined };
    entry.ticker = startTicker(this.clock, spec.intervalMs, () => {
      entry.state = step(entry.state);
      if (entry.state.phase !== "Progressing") entry.ticker?.stop();
      this.updateRoutes();
    });
    this.canaries.set(service, entry);
  }

  /** While a canary runs, or after it failed, the traffic is the canary's; after a promotion, the latest revision's. */
  private canaryTargets(service: string): { targets: ResolvedTarget[] } | undefined {
    const canary = this.canaries.get(service);
    if (!canary || canary.state.phase === "Succeeded") return undefined;
    return {
      targets: canaryTraffic(canary.state).map((t) => ({
        revision: t.revisionName,
        percent: t.percent,
        ...(t.tag ? { tag: t.tag } : {}),
      })),
    };
  }

  private updateRoutes(): void {
    const desired = this.desired;
    if (!desired) return;
    const routes = new Map<string, Map<string, number>>();
    const tags = new Map<string, string>();
    const routed = new Set<string>();
    for (const service of desired.services) {
      const own = [...this.revisions.values()].filter((r) => r.service === service.name);
      const ready = own.filter((r) => r.released && (r.runtime.readyCount > 0 || r.autoscaler.status.desired === 0));
      const latest = ready.sort((a, b) => b.record.generation - a.record.generation)[0]?.record.name;
      const canary = this.canaryTargets(service.name);
      const resolved = canary ?? resolveTraffic(service.traffic, latest, (name) => this.revisions.has(name));
      if ("error" in resolved) {
        // As Knative's Route does: it reports the problem and keeps serving what it served.
        this.options.log(`${service.name}: ${resolved.error}`);
        for (const [host, split] of this.ingress.currentRoutes) {
          if ([...split.keys()].every((r) => this.revisions.get(r)?.service === service.name)) {
            routes.set(host, split);
            const tag = this.ingress.tagOf(host);
            if (tag) tags.set(host, tag);
            for (const revision of split.keys()) routed.add(revision);
          }
        }
        continue;
      }
      if (!canary) resolved.targets = this.rolledOut(service.name, resolved.targets, this.clock.now());
      this.resolvedTargets.set(service.name, resolved.targets);
      for (const [host, route] of routesByHost(
        service.name,
        service.namespace,
        this.options.domain,
        resolved.targets,
      )) {
        routes.set(host, route.split);
        if (route.tag) tags.set(host, route.tag);
        for (const revision of route.split.keys()) routed.add(revision);
      }
      for (const [domain, target] of desired.domainMappings) {
        if (target === service.name)
          routes.set(domain, routes.get(hostOf(service.name, service.namespace, this.options.domain)) ?? new Map());
      }
    }
    this.routed = routed;
    this.ingress.setRoutes(routes, tags);
  }
}

/** Knative's Revision condition when a revision misses its progress deadline (revision_lifecycle.go). */
export const PROGRESS_DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";
export const INITIAL_SCALE_NEVER_ACHIEVED = "Initial scale was never achieved";

/** The collector scrapes the meters every second (Knative's scrape interval). */
const SCRAPE_MS = 1000;
/** How often a rollout under way looks whether its next step is due. */
const ROLLOUT_CHECK_MS = 100;
/** How often a starting revision's replicas are looked at (they are processes: real time). */
const READINESS_POLL_MS = 25;

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
